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
import type { RedisClient } from 'bullmq';
import { AbortError, EngineClosedError, MarginEngineError, QueueStateLostError, ValidationError, WorkerError, describeValue } from '../../errors/index.js';
import { fromErrorRecord } from '../../errors/index.js';
import { taskSignal } from '../../pool/index.js';
import type { RunOptions, TaskDef, TaskEnvelope, TaskRunner } from '../../pool/index.js';
import { mainThreadCore } from '../../wasm/index.js';
import type { WasmBuild, WasmBuildChoice } from '../../wasm/index.js';
import { decodeValue, envelopeToJobData } from './protocol.js';
import type { TaskJobData, TaskJobResult } from './protocol.js';
import { DEFAULT_QUEUE_NAME, closeBounded, isUp, redisConnection } from './redis.js';

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
  /**
   * WASM build of the workers: 'auto' (default) lets each worker take the relaxed-SIMD build when
   * its runtime validates it; 'strict' / 'relaxed' pin one build on every worker (bit-identical
   * results across workers on different Node lines need 'strict'; 'relaxed' fails on a worker
   * that rejects it).
   */
  wasmBuild?: WasmBuildChoice;
  /**
   * How often the coordinator checks its Redis connections and that the jobs it waits for still
   * exist (default 2,000 ms). A lost job is failed at the first check that misses it.
   */
  watchdogIntervalMs?: number;
  /** Redis unreachable this long fails every waiting task with QueueStateLostError 'unreachable' (default 15,000 ms). */
  unreachableGraceMs?: number;
  /** close() waits this long for a graceful QUIT while Redis is down, then disconnects (default 2,000 ms). */
  closeGraceMs?: number;
  /** Queue health changes and abandoned tasks (the service logs these). */
  onEvent?: (e: QueueHealthEvent) => void;
}

/**
 * Health of the queue as the coordinator sees it: `ok`; `disconnected` while a Redis connection
 * is down (tasks keep waiting until `unreachableGraceMs`); `lost` when the last check found jobs
 * this coordinator waited for gone from Redis (they were failed; the next clean check is `ok`).
 */
export type QueueStatus = 'ok' | 'disconnected' | 'lost';

export interface QueueHealthEvent {
  /** disconnected / reconnected: a connection went down / all are back; lost / unreachable: tasks were failed. */
  type: 'disconnected' | 'reconnected' | 'lost' | 'unreachable';
  message: string;
  /** Tasks failed by this event (lost, unreachable). */
  tasks?: number;
}

/** A task this coordinator waits for; `fail` rejects it (the watchdog's way to give it up). */
interface Waiting {
  readonly jobId: string;
  /** The job is in Redis (queue.add resolved). */
  added: boolean;
  fail: (e: Error) => void;
  /** The caller's progress cell, written from the job's relayed progress. */
  progress?: Float64Array;
}

/** The queue as a task runner (see the module comment). */
export class RemotePool implements TaskRunner {
  readonly threads: number;
  readonly wasm: boolean;
  /** The pinned WASM build (null: each worker chooses, or TS twins). */
  readonly wasmBuild: WasmBuild | null;
  private readonly queue: Queue<TaskJobData, TaskJobResult>;
  private readonly events: QueueEvents;
  private readonly clients: readonly RedisClient[];
  private readonly where: string;
  private readonly attempts: number;
  private readonly jobTimeoutMs: number;
  private readonly watchdogIntervalMs: number;
  private readonly unreachableGraceMs: number;
  private readonly closeGraceMs: number;
  private readonly onEvent: ((e: QueueHealthEvent) => void) | undefined;
  private readonly batch = randomUUID().slice(0, 8);
  private readonly waiting = new Map<string, Waiting>();
  private seq = 0;
  private closed = false;
  /** When a connection was first seen down (undefined while all are up). */
  private downSince: number | undefined;
  /** The last check found waited-for jobs gone from Redis. */
  private lostJobs = false;
  /** Tasks failed as lost outside the watchdog (BullMQ found the job gone first) since the last check. */
  private lostElsewhere = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  private constructor(queue: Queue<TaskJobData, TaskJobResult>, events: QueueEvents, clients: readonly RedisClient[], o: ClusterOptions, wasm: boolean) {
    this.queue = queue;
    this.wasm = wasm;
    this.wasmBuild = wasm && (o.wasmBuild === 'strict' || o.wasmBuild === 'relaxed') ? o.wasmBuild : null;
    this.events = events;
    this.clients = clients;
    const { host, port } = redisConnection(o.url);
    this.where = `${host}:${port}`;
    this.threads = o.parallelism ?? 8;
    this.attempts = o.attempts ?? 3;
    this.jobTimeoutMs = o.jobTimeoutMs ?? 3_600_000;
    this.watchdogIntervalMs = o.watchdogIntervalMs ?? 2_000;
    this.unreachableGraceMs = o.unreachableGraceMs ?? 15_000;
    this.closeGraceMs = o.closeGraceMs ?? 2_000;
    this.onEvent = o.onEvent;
    // progress relayed by a worker process (see worker.ts) lands in the waiting caller's cell
    events.on('progress', ({ jobId, data }) => {
      const cell = this.waiting.get(jobId)?.progress;
      const values = (data as { cell?: unknown } | null)?.cell;
      if (cell === undefined || !Array.isArray(values)) return;
      const n = Math.min(cell.length, values.length);
      for (let i = 0; i < n; i++) {
        const v: unknown = values[i];
        cell[i] = typeof v === 'number' ? v : NaN; // JSON turns NaN into null; slots use NaN for "none"
      }
    });
    // a dropped or re-established connection is checked at once rather than at the next tick
    for (const c of clients) {
      c.on('close', () => this.kick());
      c.on('ready', () => this.kick());
    }
    this.schedule();
  }

  /** Connects to the queue (and its event stream, before any job is added). */
  static async connect(o: ClusterOptions, wasm: boolean): Promise<RemotePool> {
    const connection = redisConnection(o.url);
    if (o.parallelism !== undefined && !(Number.isInteger(o.parallelism) && o.parallelism >= 1 && o.parallelism <= 4096)) {
      throw new ValidationError('parallelism', 'range', `must be an integer in [1, 4096]; got ${describeValue(o.parallelism)}`, o.parallelism);
    }
    for (const k of ['watchdogIntervalMs', 'unreachableGraceMs', 'closeGraceMs'] as const) {
      const v = o[k];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new ValidationError(k, 'range', `must be a positive number of ms; got ${describeValue(v)}`, v);
    }
    const name = o.queueName ?? DEFAULT_QUEUE_NAME;
    const queue = new Queue<TaskJobData, TaskJobResult>(name, { connection });
    const events = new QueueEvents(name, { connection });
    queue.on('error', () => {});
    events.on('error', () => {});
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      return new RemotePool(queue, events, await Promise.all([queue.client, events.client]), o, wasm);
    } catch (e) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw e;
    }
  }

  get utilization(): number {
    return 0;
  }

  /** Task jobs this coordinator is waiting for. */
  get queueSize(): number {
    return this.waiting.size;
  }

  /** See {@link QueueStatus}; read live from the connections. */
  get status(): QueueStatus {
    if (!this.clients.every(isUp)) return 'disconnected';
    return this.lostJobs ? 'lost' : 'ok';
  }

  get healthy(): boolean {
    return this.status === 'ok';
  }

  /**
   * The status after a round trip to Redis (bounded by `timeoutMs`): what a readiness probe wants,
   * since a connection can look ready a moment after the server went away.
   */
  async probe(timeoutMs = 2_000): Promise<QueueStatus> {
    const s = this.status;
    if (s !== 'ok') return s;
    const [queueClient] = this.clients;
    // any cheap read will do (BullMQ's client interface has no PING)
    const n = await withTimeout(queueClient!.llen(this.queue.toKey('wait')), timeoutMs).catch(() => undefined);
    return typeof n === 'number' ? this.status : 'disconnected';
  }

  run<I, O>(def: TaskDef<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    const build = this.wasm && this.wasmBuild !== null ? { build: this.wasmBuild } : {};
    const progress = options.progress ? { progress: options.progress } : {};
    return this.runEnvelope<O>({ kind: def.kind, input, wasm: this.wasm, ...build, ...progress }, options.signal);
  }

  /**
   * Puts one envelope on the queue and waits for its answer (value or typed error). Rejects with
   * QueueStateLostError when its job vanishes from Redis or Redis stays unreachable past the grace
   * period: failing is the choice over requeueing, since the caller (a service batch, a CLI run)
   * knows best whether to run again, and an automatic retry would loop against a flapping Redis.
   */
  async runEnvelope<O>(env: TaskEnvelope, signal?: AbortSignal): Promise<O> {
    if (this.closed) throw new EngineClosedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    const jobId = `${this.batch}-${++this.seq}-${env.kind}`;
    const unreachable = this.unreachableFor();
    if (unreachable !== undefined) throw this.unreachableError(jobId, unreachable);
    const w: Waiting = { jobId, added: false, fail: () => {}, ...(env.progress ? { progress: new Float64Array(env.progress) } : {}) };
    const failed = new Promise<never>((_, reject) => {
      w.fail = reject;
    });
    // an abort also ends a wait still inside queue.add (which waits for Redis while it is down);
    // one relay listener on the caller's signal for the whole fan-out (see pool/signal.ts)
    const task = taskSignal(signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new AbortError(signal?.reason));
      task.signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.waiting.set(jobId, w);
    // BullMQ's waitUntilFinished holds one 'closing' listener per waiting job; the count is bounded
    // by the jobs in flight, so the limit follows them (no false leak warning)
    const need = this.waiting.size + 10;
    if (need > this.queue.getMaxListeners()) this.queue.setMaxListeners(need);
    // the job timeout is ours, not waitUntilFinished's: BullMQ's timer outlives a wait that ended
    // otherwise (abort, loss) and would keep the process alive for up to jobTimeoutMs after close
    const timer = setTimeout(() => w.fail(new WorkerError(`task job ${jobId} failed: no answer after ${this.jobTimeoutMs} ms`)), this.jobTimeoutMs);
    let rv: TaskJobResult;
    try {
      const raw: unknown = await Promise.race([this.submitAndWait(env, w), failed, aborted]);
      rv = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TaskJobResult;
    } catch (e) {
      // a job nobody waits for should not run: a running one cannot be removed; its result is ignored
      if (w.added && !(e instanceof QueueStateLostError && e.reason === 'lost')) this.queue.remove(jobId).catch(() => {});
      if (e instanceof AbortError || e instanceof EngineClosedError || e instanceof MarginEngineError) throw e;
      // BullMQ's own look at the job (waitUntilFinished asks whether it already finished) can be
      // the first to find it gone: the same loss the watchdog looks for
      if (e instanceof Error && e.message.startsWith('Missing key for job')) {
        this.lostElsewhere++; // reported (once per round, with the watchdog's own finds) by the next check
        this.kick();
        throw new QueueStateLostError('lost', `task job ${jobId} is no longer in Redis at ${this.where} (restarted without persistence, or flushed): ${e.message}`, e);
      }
      throw new WorkerError(`task job ${jobId} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    } finally {
      clearTimeout(timer);
      if (onAbort) task.signal?.removeEventListener('abort', onAbort);
      task.release();
      this.waiting.delete(jobId);
    }
    if (!rv || typeof rv !== 'object') throw new WorkerError(`task job ${jobId}: malformed result`);
    if (!rv.ok) throw fromErrorRecord(rv.error, `task job ${jobId} failed on ${rv.worker}`);
    return decodeValue(rv.value, 'result.value') as O;
  }

  private async submitAndWait(env: TaskEnvelope, w: Waiting): Promise<unknown> {
    const job = await this.queue.add(env.kind, envelopeToJobData(env), {
      jobId: w.jobId,
      attempts: this.attempts,
      backoff: { type: 'fixed', delay: 200 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    });
    w.added = true;
    return job.waitUntilFinished(this.events);
  }

  /** How long a connection has been down once that exceeds the grace period, else undefined. */
  private unreachableFor(): number | undefined {
    if (this.downSince === undefined) return undefined;
    const ms = Date.now() - this.downSince;
    return ms >= this.unreachableGraceMs ? ms : undefined;
  }

  private unreachableError(jobId: string, ms: number): QueueStateLostError {
    return new QueueStateLostError('unreachable', `Redis at ${this.where} unreachable for ${Math.round(ms)} ms (grace ${this.unreachableGraceMs} ms); task job ${jobId} given up`);
  }

  private schedule(): void {
    if (this.closed) return;
    this.watchdog = setTimeout(() => this.kick(), this.watchdogIntervalMs);
    this.watchdog.unref(); // the watchdog alone never keeps a process alive
  }

  /** Runs a check now unless one is running; the next tick is scheduled after it. */
  private kick(): void {
    if (this.closed || this.checking) return;
    clearTimeout(this.watchdog);
    this.checking = this.check()
      .catch(() => {}) // a failed round trip is retried at the next tick
      .finally(() => {
        this.checking = undefined;
        this.schedule();
      });
  }

  /** One watchdog round: connection state, then whether every added job still exists in Redis. */
  private async check(): Promise<void> {
    if (!this.clients.every(isUp)) {
      if (this.downSince === undefined) {
        this.downSince = Date.now();
        this.emit({ type: 'disconnected', message: `queue connection to Redis at ${this.where} lost; ${this.waiting.size} task(s) waiting, given up after ${this.unreachableGraceMs} ms` });
      }
      const ms = this.unreachableFor();
      if (ms !== undefined && this.waiting.size > 0) {
        const all = [...this.waiting.values()];
        for (const w of all) w.fail(this.unreachableError(w.jobId, ms));
        this.emit({ type: 'unreachable', message: `Redis at ${this.where} unreachable for ${Math.round(ms)} ms: ${all.length} task(s) failed`, tasks: all.length });
      }
      return;
    }
    if (this.downSince !== undefined) {
      this.downSince = undefined;
      this.emit({ type: 'reconnected', message: `queue connection to Redis at ${this.where} back` });
    }
    const added = [...this.waiting.values()].filter((w) => w.added);
    const [queueClient] = this.clients;
    // ioredis sends these in one pipeline; every job hash has a 'name' field
    const found = added.length === 0 ? [] : await withTimeout(Promise.all(added.map((w) => queueClient!.hexists(this.queue.toKey(w.jobId), 'name'))), Math.max(this.watchdogIntervalMs, 1_000));
    if (found === undefined) return; // too slow to tell: the next tick decides
    // a job key disappears only with the job: removal on completion keeps the newest 10,000 for an
    // hour, so a job this coordinator still waits for and cannot find was lost with Redis's state
    const missing = added.filter((w, i) => found[i] === 0 && this.waiting.has(w.jobId));
    const lost = missing.length + this.lostElsewhere;
    this.lostElsewhere = 0;
    this.lostJobs = lost > 0;
    if (lost === 0) return;
    for (const w of missing) {
      w.fail(new QueueStateLostError('lost', `task job ${w.jobId} is no longer in Redis at ${this.where} (restarted without persistence, or flushed); no answer will come`));
    }
    this.emit({ type: 'lost', message: `${lost} task job(s) gone from Redis at ${this.where}; their tasks failed`, tasks: lost });
  }

  private emit(e: QueueHealthEvent): void {
    try {
      this.onEvent?.(e);
    } catch {
      /* a logging hook must not break the watchdog */
    }
  }

  /**
   * Closes the Redis connections: gracefully while Redis answers, force-disconnected once it has
   * been down for `closeGraceMs` (a graceful QUIT would wait for it forever). Waiting tasks are
   * not waited for here (Engine.close does that); after close they get no answer.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.watchdog);
    await closeBounded(Promise.allSettled([this.events.close(), this.queue.close()]), this.clients, this.closeGraceMs);
    for (const w of this.waiting.values()) w.fail(new EngineClosedError());
  }

  destroy(): Promise<void> {
    return this.close();
  }
}

/** `p`, or undefined after `ms` (the timer does not keep the process alive). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
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
  if (o.wasmBuild !== undefined && o.wasmBuild !== 'auto' && o.wasmBuild !== 'strict' && o.wasmBuild !== 'relaxed') {
    throw new ValidationError('wasmBuild', 'type', `must be 'auto', 'strict' or 'relaxed'; got ${describeValue(o.wasmBuild)}`, o.wasmBuild);
  }
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
