/**
 * The local task runner: one Piscina pool per engine, each worker thread loading the task
 * registries and build/core.wasm once. Callers submit (task kind, input); this module ships the
 * envelope, maps replies back to typed errors, supports AbortSignal (Piscina stops the thread that
 * runs an aborted task and starts a fresh one), reports utilisation, and shuts down in two levels
 * (close lets queued work finish, destroy rejects it).
 *
 * The pool knows task kinds, never the domain: which registries exist is the caller's choice.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { AbortError, EngineClosedError, WorkerError, fromErrorRecord } from '../errors/index.js';
import { buildPath } from '../util/index.js';
import type { WasmBuild } from '../wasm/index.js';
import { taskSignal } from './signal.js';
import { PING } from './task.js';
import type { RunOptions, TaskDef, TaskEnvelope, TaskReply, TaskRunner } from './task.js';

export { PING, defineTask } from './task.js';
export { taskSignal } from './signal.js';
export type { TaskSignal } from './signal.js';
export type { AnyTaskDef, RunOptions, TaskDef, TaskEnv, TaskEnvelope, TaskReply, TaskRunner } from './task.js';

export interface PoolOptions {
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /** Run tasks on the WASM kernels (default true). */
  wasm?: boolean;
  /** Which WASM build the workers load (default 'strict'; resolve 'auto' with resolveWasmBuild first). */
  wasmBuild?: WasmBuild;
  /** Absolute paths or file URLs of the modules whose `TASKS` the workers register. */
  taskModules: readonly string[];
}

function isReply(x: unknown): x is TaskReply {
  return typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean';
}

/** Turns a worker reply into the value or the typed error it stands for. */
export function unwrapReply<O>(reply: unknown, context: string): O {
  if (!isReply(reply)) throw new WorkerError(`${context}: malformed worker reply`);
  if (!reply.ok) throw fromErrorRecord(reply.error, context);
  return reply.value as O;
}

/** A fixed-size Piscina pool running registered task kinds. */
export class WorkerPool implements TaskRunner {
  readonly threads: number;
  readonly wasm: boolean;
  readonly wasmBuild: WasmBuild | null;
  /** Workers are threads of this process: shared buffers are shared, not copied. */
  readonly sharedMemory = true;
  private readonly piscina: Piscina;
  private closed = false;

  constructor(opts: PoolOptions) {
    this.threads = opts.threads ?? Math.max(1, availableParallelism());
    this.wasm = opts.wasm ?? true;
    this.wasmBuild = this.wasm ? opts.wasmBuild ?? 'strict' : null;
    const taskModules = opts.taskModules.map((m) => (m.startsWith('file:') ? m : new URL(`file://${m}`).href));
    this.piscina = new Piscina({
      filename: buildPath('src/pool/worker.js'),
      workerData: { taskModules },
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
    });
    // A worker crash surfaces as a task rejection; keep the pool's own 'error' from crashing us.
    this.piscina.on('error', () => {});
  }

  /** The envelope fields naming the kernels: TS twins, or WASM of this pool's build. */
  private kernel(): { wasm: boolean; build?: WasmBuild } {
    return this.wasmBuild === null ? { wasm: false } : { wasm: true, build: this.wasmBuild };
  }

  /** Starts every thread (registries and WASM loaded) before the first task. */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.runEnvelope({ kind: PING, input: null, ...this.kernel() })));
  }

  run<I, O>(def: TaskDef<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    const progress = options.progress ? { progress: options.progress } : {};
    return this.runEnvelope<O>({ kind: def.kind, input, ...this.kernel(), ...progress }, options.signal);
  }

  /**
   * Runs an envelope as received (the cluster's worker processes hand theirs over as they come).
   * Rejects with the task's typed error, AbortError when `signal` fires, WorkerError when the
   * thread dies.
   */
  async runEnvelope<O>(env: TaskEnvelope, signal?: AbortSignal): Promise<O> {
    if (this.closed) throw new EngineClosedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    let reply: unknown;
    // Piscina adds an abort listener per task: give it a child signal so a fan-out over one
    // caller signal leaves a single listener on it (see signal.ts)
    const task = taskSignal(signal);
    try {
      reply = await this.piscina.run(env, task.signal ? { signal: task.signal } : {});
    } catch (e) {
      if (signal?.aborted) throw new AbortError(signal.reason);
      if (e instanceof Error && e.name === 'AbortError') throw new AbortError(e);
      throw new WorkerError(`worker task '${env.kind}' failed: ${e instanceof Error ? e.message : String(e)}`, e);
    } finally {
      task.release();
    }
    return unwrapReply<O>(reply, `task '${env.kind}' failed`);
  }

  /** Fraction of time the workers were busy since start (0..1). */
  get utilization(): number {
    return this.piscina.utilization;
  }

  /** Tasks waiting in the queue. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** Lets queued and running tasks finish, then stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.close();
  }

  /** Stops the workers now; pending tasks are rejected. */
  async destroy(): Promise<void> {
    this.closed = true;
    await this.piscina.destroy();
  }
}
