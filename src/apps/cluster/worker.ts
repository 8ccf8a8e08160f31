/**
 * A `margin-engine worker` process: takes task jobs of every registered kind from the BullMQ
 * queue and runs them on its own worker pool, through the same task registries as a local engine.
 * A job whose worker dies keeps its lock only `lockDuration` ms; another worker's stalled check
 * then puts it back on the queue, so a crash delays a batch but never loses or changes it (a
 * task's result depends only on its input: a Monte Carlo chunk's numbers on the seed and index).
 * Deterministic failures (bad input, infeasible problem) are answered as typed errors, not retried.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { ENGINE_TASK_MODULES } from '../../engine/index.js';
import { SolverError, ValidationError, describeValue, toErrorRecord } from '../../errors/index.js';
import { WorkerPool } from '../../pool/index.js';
import { mainThreadCore } from '../../wasm/index.js';
import { encodeValue, jobDataToEnvelope } from './protocol.js';
import type { TaskJobData, TaskJobResult } from './protocol.js';
import { DEFAULT_QUEUE_NAME, closeBounded, redisConnection } from './redis.js';

export interface ChunkWorkerOptions {
  /** redis://host:port of the queue. */
  url: string;
  queueName?: string;
  /** Jobs this process runs at once (default: the pool's threads; each job is one task on one thread). */
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
  /** close() waits this long for running jobs and a graceful QUIT while Redis is down, then disconnects (default 3,000 ms). */
  closeGraceMs?: number;
  /** Called when a job starts and ends (the CLI logs these lines). */
  onEvent?: (e: { type: 'active' | 'completed' | 'failed'; jobId: string; kind?: string; error?: string }) => void;
}

export interface ChunkWorker {
  readonly id: string;
  readonly threads: number;
  readonly wasm: boolean;
  /** Jobs completed by this process. */
  readonly completed: number;
  /**
   * Stops taking jobs, lets the running ones finish, closes the Redis connections and the pool.
   * With Redis down for `closeGraceMs` it disconnects instead (running jobs could not report
   * anyway; their locks expire and other workers take them again).
   */
  close(): Promise<void>;
}

function positiveInt(field: string, x: unknown, dflt: number): number {
  if (x === undefined) return dflt;
  if (!Number.isInteger(x) || (x as number) < 1) throw new ValidationError(field, 'range', `must be a positive integer; got ${describeValue(x)}`, x);
  return x as number;
}

/** How often a running job's progress cell is looked at (a change is relayed through the queue). */
const PROGRESS_RELAY_MS = 250;
/** How long a finishing job waits for its last progress update before it reports its result. */
const PROGRESS_FLUSH_MS = 1_000;

/**
 * Relays a task's progress cell to the coordinator: every {@link PROGRESS_RELAY_MS} a changed cell
 * becomes a job progress update (`{ cell: number[] }`); `stop` sends the last change and ends it,
 * waiting at most {@link PROGRESS_FLUSH_MS} for it. A failed or stuck update (Redis away) is
 * dropped: progress is advisory, the result is what counts.
 */
function progressRelay(sab: SharedArrayBuffer, job: Job<TaskJobData, TaskJobResult>): { stop(): Promise<void> } {
  const cell = new Float64Array(sab);
  let last = '';
  let sending: Promise<void> = Promise.resolve();
  const send = () => {
    const now = Array.from(cell);
    const key = now.join(',');
    if (key === last) return;
    last = key;
    sending = sending.then(() => job.updateProgress({ cell: now })).catch(() => {});
  };
  const timer = setInterval(send, PROGRESS_RELAY_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      send();
      let flush: NodeJS.Timeout | undefined;
      await Promise.race([sending, new Promise<void>((r) => { flush = setTimeout(r, PROGRESS_FLUSH_MS); })]);
      clearTimeout(flush);
    },
  };
}

/**
 * Starts a chunk worker: a local pool plus a BullMQ worker on the queue.
 * @throws ValidationError for bad options (before connecting).
 */
export async function startChunkWorker(opts: ChunkWorkerOptions): Promise<ChunkWorker> {
  const connection = redisConnection(opts.url);
  if (opts.concurrency !== undefined) positiveInt('concurrency', opts.concurrency, 1);
  const lockDuration = positiveInt('lockDurationMs', opts.lockDurationMs, 30_000);
  const stalledInterval = positiveInt('stalledIntervalMs', opts.stalledIntervalMs, 30_000);
  const maxStalledCount = positiveInt('maxStalledCount', opts.maxStalledCount, 3);
  const closeGraceMs = positiveInt('closeGraceMs', opts.closeGraceMs, 3_000);
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
  const pool = new WorkerPool({ ...(opts.threads === undefined ? {} : { threads: opts.threads }), wasm, taskModules: ENGINE_TASK_MODULES });
  try {
    await pool.warmUp();
  } catch (e) {
    await pool.destroy();
    throw e;
  }
  const concurrency = positiveInt('concurrency', opts.concurrency, pool.threads);
  const id = `${hostname()}:${process.pid}`;
  let completed = 0;

  const worker = new Worker<TaskJobData, TaskJobResult>(
    opts.queueName ?? DEFAULT_QUEUE_NAME,
    async (job: Job<TaskJobData, TaskJobResult>, _token?: string, signal?: AbortSignal): Promise<TaskJobResult> => {
      opts.onEvent?.({ type: 'active', jobId: String(job.id), kind: job.data?.kind });
      let env;
      try {
        env = jobDataToEnvelope(job.data);
      } catch (e) {
        // malformed data fails the same way on every worker: do not retry it
        throw new UnrecoverableError(e instanceof Error ? e.message : String(e));
      }
      const useWasm = env.wasm && wasm;
      const relay = env.progress ? progressRelay(env.progress, job) : undefined;
      try {
        const value = await pool.runEnvelope({ ...env, wasm: useWasm }, signal);
        return { ok: true, value: encodeValue(value), kernel: useWasm ? 'wasm' : 'ts', worker: id };
      } catch (e) {
        // bad input and infeasible problems are answers, the same on every worker: report them
        if (e instanceof ValidationError || e instanceof SolverError) return { ok: false, error: toErrorRecord(e), worker: id };
        throw e;
      } finally {
        // the last state goes out before the result, so the caller's final poll sees it
        await relay?.stop();
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
  // the blocking client (it waits for jobs) and the command client: both must be closable by force
  const clients = [await worker.waitUntilReady(), await worker.client];

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
        await closeBounded(worker.close(), clients, closeGraceMs);
        await pool.close();
      })();
      return closing;
    },
  };
}
