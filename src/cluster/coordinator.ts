/**
 * Coordinator side of distributed Monte Carlo: an `Engine` whose pool is the BullMQ queue.
 *
 * `RemotePool` has the WorkerPool surface the engine uses (`threads`, `run`, `utilization`,
 * `close`, `destroy`); each pool task (a chunk range) becomes one queue job, and its answer comes
 * back as the same `McTaskResult`. The engine's own code then plans the chunks, merges the tails
 * with `mergeTails`, sums the chunk sums in chunk order and takes the levels with
 * `levelsFromSortedTail` — so a distributed `var` is the single-machine `engine.var` bit for bit
 * (same seed, same kernel), and every future Monte Carlo method of the engine distributes for free.
 * Non-Monte-Carlo work (parametric, historical, margin…) never touches the pool and runs here.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Engine } from '../engine/index.js';
import { AbortError, EngineClosedError, ValidationError, WorkerError, describeValue } from '../errors/index.js';
import type { WorkerPool, WorkerTask } from '../pool/index.js';
import { mainThreadCore } from '../wasm/index.js';
import { decodeResult, taskToJobData } from './protocol.js';
import type { ChunkJobData, ChunkJobResult } from './protocol.js';
import { DEFAULT_QUEUE_NAME, redisConnection } from './redis.js';

export interface ClusterOptions {
  /** redis://host:port of the queue. */
  url: string;
  queueName?: string;
  /**
   * Parallelism the job split assumes (the engine cuts a job into 2–16 × this many chunk-range
   * jobs, about one per 0.5 M scenarios, at most one per 4,096-scenario chunk). Default 8. Does
   * not change the numbers.
   */
  parallelism?: number;
  /** Attempts per chunk job on worker errors (default 3; stalls are counted by the workers). */
  attempts?: number;
  /** A chunk job not finished after this long fails the batch (default 1 h). */
  jobTimeoutMs?: number;
  /** Kernel of the Cholesky factor and of the workers: as createEngine (default 'auto'). */
  wasm?: boolean | 'auto';
}

/** The queue as a worker pool (see the module comment). */
export class RemotePool {
  readonly threads: number;
  private readonly queue: Queue<ChunkJobData, ChunkJobResult>;
  private readonly events: QueueEvents;
  private readonly attempts: number;
  private readonly jobTimeoutMs: number;
  private readonly batch = randomUUID().slice(0, 8);
  private seq = 0;
  private pending = 0;
  private closed = false;

  private constructor(queue: Queue<ChunkJobData, ChunkJobResult>, events: QueueEvents, o: ClusterOptions) {
    this.queue = queue;
    this.events = events;
    this.threads = o.parallelism ?? 8;
    this.attempts = o.attempts ?? 3;
    this.jobTimeoutMs = o.jobTimeoutMs ?? 3_600_000;
  }

  /** Connects to the queue (and its event stream, before any job is added). */
  static async connect(o: ClusterOptions): Promise<RemotePool> {
    const connection = redisConnection(o.url);
    if (o.parallelism !== undefined && !(Number.isInteger(o.parallelism) && o.parallelism >= 1 && o.parallelism <= 4096)) {
      throw new ValidationError('parallelism', 'range', `must be an integer in [1, 4096]; got ${describeValue(o.parallelism)}`, o.parallelism);
    }
    const name = o.queueName ?? DEFAULT_QUEUE_NAME;
    const queue = new Queue<ChunkJobData, ChunkJobResult>(name, { connection });
    const events = new QueueEvents(name, { connection });
    queue.on('error', () => {});
    events.on('error', () => {});
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw e;
    }
    return new RemotePool(queue, events, o);
  }

  get utilization(): number {
    return 0;
  }

  /** Chunk jobs this coordinator is waiting for. */
  get queueSize(): number {
    return this.pending;
  }

  async run<R>(task: WorkerTask, signal?: AbortSignal): Promise<R> {
    if (this.closed) throw new EngineClosedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    if (task.kind === 'ping') return { threadId: -1, wasm: task.wasm } as R;
    if (task.kind !== 'mc') throw new WorkerError(`remote pool: unsupported task kind ${describeValue((task as { kind?: unknown }).kind)}`);
    const jobId = `${this.batch}-${++this.seq}-${task.chunkFrom}`;
    this.pending++;
    try {
      const job = await this.queue.add('mc', taskToJobData(task), {
        jobId,
        attempts: this.attempts,
        backoff: { type: 'fixed', delay: 200 },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 24 * 3600 },
      });
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => {
          job.remove().catch(() => {}); // a job already running cannot be removed; its result is ignored
          reject(new AbortError(signal?.reason));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const rv = await Promise.race([job.waitUntilFinished(this.events, this.jobTimeoutMs), aborted]);
        return decodeResult(rv) as R;
      } finally {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    } catch (e) {
      if (e instanceof AbortError || e instanceof EngineClosedError) throw e;
      throw new WorkerError(`chunk job ${jobId} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    } finally {
      this.pending--;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }

  destroy(): Promise<void> {
    return this.close();
  }
}

/**
 * An engine whose Monte Carlo tasks run on `margin-engine worker` processes through the queue.
 * `close()` waits for its jobs and closes the Redis connections.
 * @throws ValidationError for a bad URL or option; the connection error when Redis is unreachable.
 * @example
 * const remote = await createClusterEngine({ url: 'redis://127.0.0.1:6379' });
 * const r = await remote.var(portfolio, market, { method: 'mc-normal', scenarios: 1e7, seed: 7 });
 * await remote.close();
 */
export async function createClusterEngine(o: ClusterOptions): Promise<Engine> {
  const want = o.wasm ?? 'auto';
  let wasm = want !== false;
  if (wasm) {
    try {
      await mainThreadCore();
    } catch (e) {
      if (want === true) throw e;
      wasm = false;
    }
  }
  const pool = await RemotePool.connect(o);
  // RemotePool has the WorkerPool surface the engine uses; the cast drops WorkerPool's private fields.
  return new Engine(pool as unknown as WorkerPool, wasm);
}
