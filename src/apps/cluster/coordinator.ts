/**
 * Coordinator side of the cluster: an `Engine` whose task runner is the BullMQ queue.
 *
 * `RemotePool` implements the same `TaskRunner` as the local pool: each task (of any registered
 * kind — Monte Carlo chunk ranges, revaluation ranges, covariance rows, margin, fits, stress,
 * backtests, HiGHS solves…) becomes one queue job, run by a `margin-engine worker` process
 * through the same task registry, and its answer comes back as the same value or typed error.
 * The engine's own code plans, splits and merges exactly as on one machine, so a cluster engine
 * returns the local engine's numbers (bit for bit where the kernel is deterministic).
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Engine } from '../../engine/index.js';
import { AbortError, EngineClosedError, ValidationError, WorkerError, describeValue } from '../../errors/index.js';
import { fromErrorRecord } from '../../errors/index.js';
import { taskSignal } from '../../pool/index.js';
import type { RunOptions, TaskDef, TaskEnvelope, TaskRunner } from '../../pool/index.js';
import { mainThreadCore } from '../../wasm/index.js';
import { decodeValue, envelopeToJobData } from './protocol.js';
import type { TaskJobData, TaskJobResult } from './protocol.js';
import { DEFAULT_QUEUE_NAME, redisConnection } from './redis.js';

export interface ClusterOptions {
  /** redis://host:port of the queue. */
  url: string;
  queueName?: string;
  /**
   * Parallelism the job split assumes (the engine cuts a Monte Carlo job into 2–16 × this many
   * chunk-range jobs, revaluations and covariances into about as many ranges). Default 8. Does
   * not change the numbers.
   */
  parallelism?: number;
  /** Attempts per task job on worker errors (default 3; stalls are counted by the workers). */
  attempts?: number;
  /** A task job not finished after this long fails the batch (default 1 h). */
  jobTimeoutMs?: number;
  /** Kernel of the Cholesky factor and of the workers: as createEngine (default 'auto'). */
  wasm?: boolean | 'auto';
}

/** The queue as a task runner (see the module comment). */
export class RemotePool implements TaskRunner {
  readonly threads: number;
  readonly wasm: boolean;
  private readonly queue: Queue<TaskJobData, TaskJobResult>;
  private readonly events: QueueEvents;
  private readonly attempts: number;
  private readonly jobTimeoutMs: number;
  private readonly batch = randomUUID().slice(0, 8);
  private seq = 0;
  private pending = 0;
  private closed = false;

  private constructor(queue: Queue<TaskJobData, TaskJobResult>, events: QueueEvents, o: ClusterOptions, wasm: boolean) {
    this.queue = queue;
    this.wasm = wasm;
    this.events = events;
    this.threads = o.parallelism ?? 8;
    this.attempts = o.attempts ?? 3;
    this.jobTimeoutMs = o.jobTimeoutMs ?? 3_600_000;
  }

  /** Connects to the queue (and its event stream, before any job is added). */
  static async connect(o: ClusterOptions, wasm: boolean): Promise<RemotePool> {
    const connection = redisConnection(o.url);
    if (o.parallelism !== undefined && !(Number.isInteger(o.parallelism) && o.parallelism >= 1 && o.parallelism <= 4096)) {
      throw new ValidationError('parallelism', 'range', `must be an integer in [1, 4096]; got ${describeValue(o.parallelism)}`, o.parallelism);
    }
    const name = o.queueName ?? DEFAULT_QUEUE_NAME;
    const queue = new Queue<TaskJobData, TaskJobResult>(name, { connection });
    const events = new QueueEvents(name, { connection });
    queue.on('error', () => {});
    events.on('error', () => {});
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw e;
    }
    return new RemotePool(queue, events, o, wasm);
  }

  get utilization(): number {
    return 0;
  }

  /** Task jobs this coordinator is waiting for. */
  get queueSize(): number {
    return this.pending;
  }

  run<I, O>(def: TaskDef<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    return this.runEnvelope<O>({ kind: def.kind, input, wasm: this.wasm }, options.signal);
  }

  /** Puts one envelope on the queue and waits for its answer (value or typed error). */
  async runEnvelope<O>(env: TaskEnvelope, signal?: AbortSignal): Promise<O> {
    if (this.closed) throw new EngineClosedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    const jobId = `${this.batch}-${++this.seq}-${env.kind}`;
    this.pending++;
    // BullMQ's waitUntilFinished holds one 'closing' listener on the queue per waiting job; the
    // count is bounded by the jobs in flight, so the limit follows them (no false leak warning)
    if (this.pending + 10 > this.queue.getMaxListeners()) this.queue.setMaxListeners(this.pending + 10);
    // one relay listener on the caller's signal for the whole fan-out (see pool/signal.ts)
    const task = taskSignal(signal);
    let rv: TaskJobResult;
    try {
      const job = await this.queue.add(env.kind, envelopeToJobData(env), {
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
        task.signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const raw: unknown = await Promise.race([job.waitUntilFinished(this.events, this.jobTimeoutMs), aborted]);
        rv = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TaskJobResult;
      } finally {
        if (onAbort) task.signal?.removeEventListener('abort', onAbort);
      }
    } catch (e) {
      if (e instanceof AbortError || e instanceof EngineClosedError) throw e;
      throw new WorkerError(`task job ${jobId} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    } finally {
      task.release();
      this.pending--;
    }
    if (!rv || typeof rv !== 'object') throw new WorkerError(`task job ${jobId}: malformed result`);
    if (!rv.ok) throw fromErrorRecord(rv.error, `task job ${jobId} failed on ${rv.worker}`);
    return decodeValue(rv.value, 'result.value') as O;
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
 * An engine whose tasks run on `margin-engine worker` processes through the queue.
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
  return new Engine(await RemotePool.connect(o, wasm));
}
