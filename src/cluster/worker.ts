/**
 * A `margin-engine worker` process: takes chunk-range jobs from the BullMQ queue and runs them on
 * its own worker pool. A job whose worker dies keeps its lock only `lockDuration` ms; another
 * worker's stalled check then puts it back on the queue, so a crash delays a batch but never loses
 * or changes it (a chunk's numbers depend only on the seed and the chunk index).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { ValidationError, describeValue } from '../errors/index.js';
import { WorkerPool } from '../pool/index.js';
import { mainThreadCore } from '../wasm/index.js';
import { runChunkJob } from './chunk.js';
import { encodeResult } from './protocol.js';
import type { ChunkJobData, ChunkJobResult } from './protocol.js';
import { DEFAULT_QUEUE_NAME, redisConnection } from './redis.js';

export interface ChunkWorkerOptions {
  /** redis://host:port of the queue. */
  url: string;
  queueName?: string;
  /** Jobs this process runs at once (default 1; each is spread over the pool's threads). */
  concurrency?: number;
  /** Pool threads (default: available parallelism). */
  threads?: number;
  /** Kernels: false forces the TS twins; 'auto' (default) uses WASM when it loads. */
  wasm?: boolean | 'auto';
  /** Lock of a running job, renewed every half of it (default 30,000 ms). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (default 30,000 ms). */
  stalledIntervalMs?: number;
  /** Stalls allowed before a job fails (default 3). */
  maxStalledCount?: number;
  /** Called when a job starts and ends (the CLI logs these lines). */
  onEvent?: (e: { type: 'active' | 'completed' | 'failed'; jobId: string; chunkFrom?: number; chunkTo?: number; error?: string }) => void;
}

export interface ChunkWorker {
  readonly id: string;
  readonly threads: number;
  readonly wasm: boolean;
  /** Jobs completed by this process. */
  readonly completed: number;
  /** Stops taking jobs, lets the running ones finish, closes the Redis connections and the pool. */
  close(): Promise<void>;
}

function positiveInt(field: string, x: unknown, dflt: number): number {
  if (x === undefined) return dflt;
  if (!Number.isInteger(x) || (x as number) < 1) throw new ValidationError(field, 'range', `must be a positive integer; got ${describeValue(x)}`, x);
  return x as number;
}

/**
 * Starts a chunk worker: a local pool plus a BullMQ worker on the queue.
 * @throws ValidationError for bad options (before connecting).
 */
export async function startChunkWorker(opts: ChunkWorkerOptions): Promise<ChunkWorker> {
  const connection = redisConnection(opts.url);
  const concurrency = positiveInt('concurrency', opts.concurrency, 1);
  const lockDuration = positiveInt('lockDurationMs', opts.lockDurationMs, 30_000);
  const stalledInterval = positiveInt('stalledIntervalMs', opts.stalledIntervalMs, 30_000);
  const maxStalledCount = positiveInt('maxStalledCount', opts.maxStalledCount, 3);
  if (opts.threads !== undefined) positiveInt('threads', opts.threads, 1);
  let wasm = opts.wasm !== false;
  if (wasm) {
    try {
      await mainThreadCore();
    } catch (e) {
      if (opts.wasm === true) throw e;
      wasm = false;
    }
  }
  const pool = new WorkerPool(opts.threads === undefined ? {} : { threads: opts.threads });
  await Promise.all(Array.from({ length: pool.threads }, () => pool.run({ kind: 'ping', wasm })));
  const id = `${hostname()}:${process.pid}`;
  let completed = 0;

  const worker = new Worker<ChunkJobData, ChunkJobResult>(
    opts.queueName ?? DEFAULT_QUEUE_NAME,
    async (job: Job<ChunkJobData, ChunkJobResult>, _token?: string, signal?: AbortSignal) => {
      opts.onEvent?.({ type: 'active', jobId: String(job.id), chunkFrom: job.data?.chunkFrom, chunkTo: job.data?.chunkTo });
      try {
        const { result, kernel } = await runChunkJob(pool, job.data, { wasmAvailable: wasm, signal });
        return encodeResult(result, kernel, id);
      } catch (e) {
        // malformed data fails the same way on every worker: do not retry it
        if (e instanceof ValidationError) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    { connection, concurrency, lockDuration, stalledInterval, maxStalledCount, autorun: true },
  );
  worker.on('completed', (job) => {
    completed++;
    opts.onEvent?.({ type: 'completed', jobId: String(job.id) });
  });
  worker.on('failed', (job, err) => opts.onEvent?.({ type: 'failed', jobId: String(job?.id), error: err.message }));
  worker.on('error', () => {}); // connection errors are retried by ioredis; keep the process alive
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    id,
    threads: pool.threads,
    wasm,
    get completed() {
      return completed;
    },
    close() {
      closing ??= (async () => {
        await worker.close();
        await pool.close();
      })();
      return closing;
    },
  };
}
