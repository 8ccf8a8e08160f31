/**
 * What the pool knows about work: task kinds, never the domain. A task kind is a name plus a
 * function of (input, env) registered in a table the workers load; callers submit
 * `(definition, input)` to a {@link TaskRunner}, which ships only the kind name and the input to
 * a worker thread (local Piscina pool) or a worker process (BullMQ cluster). Both runners give the
 * same result for the same input, since both end in the same registered function.
 */
import type { ErrorRecord } from '../errors/index.js';
import type { WasmBuild, WasmCore } from '../wasm/index.js';

/** What a task gets besides its input. */
export interface TaskEnv {
  /** The thread's WASM instance, or null when the job runs on the pure-TS twins. */
  readonly core: WasmCore | null;
  /**
   * The caller's progress cell when it asked for one ({@link RunOptions.progress}), else null. A task
   * writes its own slots (plain stores; the caller polls); across processes the cluster relays it.
   */
  readonly progress: Float64Array | null;
}

/** One task kind: a name unique across the registries and the function the worker runs. */
export interface TaskDef<I, O> {
  readonly kind: string;
  /** Runs in a worker thread. Inputs and outputs must be structured-cloneable. */
  run(input: I, env: TaskEnv): O | Promise<O>;
}

/** Any task kind (the registries hold these). */
// The worker only sees `unknown` inputs; each definition's own code knows its type.
export type AnyTaskDef = TaskDef<never, unknown>;

/** Names a task kind with its runner; the types of `input` and the result flow to `TaskRunner.run`. */
export function defineTask<I, O>(kind: string, run: (input: I, env: TaskEnv) => O | Promise<O>): TaskDef<I, O> {
  return { kind, run };
}

/** Built-in kind: starts a thread (registries and WASM loaded) before the first real task. */
export const PING = 'ping';

/** A worker's answer: the value, or the typed error as plain data. */
export type TaskReply = { ok: true; value: unknown } | { ok: false; error: ErrorRecord };

/** What crosses the thread / process boundary for one task. */
export interface TaskEnvelope {
  kind: string;
  input: unknown;
  /** Run on the WASM kernels (true) or the TS twins (false). */
  wasm: boolean;
  /** Which WASM build (absent: the worker's own 'auto' choice, as for the cluster's envelopes). */
  build?: WasmBuild;
  /** The progress cell shared with the task (see {@link TaskEnv.progress}). */
  progress?: SharedArrayBuffer;
}

export interface RunOptions {
  signal?: AbortSignal;
  /**
   * A cell of doubles the task may write progress into while it runs (its layout is the task's
   * contract with its caller); the caller polls it. Local pool: shared with the thread; cluster: the
   * worker process relays its own cell's changes through the queue (about every 250 ms).
   */
  progress?: SharedArrayBuffer;
}

/**
 * Runs tasks somewhere else than the calling thread. Implemented by the local pool
 * ({@link WorkerPool}) and by the cluster's queue runner; the engine is written against this.
 */
export interface TaskRunner {
  /** Parallelism the engine plans its splits for (threads, or the cluster's assumed workers). */
  readonly threads: number;
  /** Whether tasks run on the WASM kernels. */
  readonly wasm: boolean;
  /** Which WASM build the tasks run on (null: TS twins, or not known to the runner). */
  readonly wasmBuild?: WasmBuild | null;
  /**
   * Whether tasks see the caller's SharedArrayBuffers themselves (in-process workers), so tasks of
   * one job can coordinate through them; false or absent when they get copies (the cluster).
   */
  readonly sharedMemory?: boolean;
  /** Fraction of time the workers were busy (0..1; 0 when unknown). */
  readonly utilization: number;
  /** Tasks waiting. */
  readonly queueSize: number;
  /** Runs one task; rejects with the task's typed error, AbortError, WorkerError or EngineClosedError. */
  run<I, O>(def: TaskDef<I, O>, input: I, options?: RunOptions): Promise<O>;
  /** Lets queued and running tasks finish, then releases the workers. */
  close(): Promise<void>;
  /** Stops now; pending tasks are rejected. */
  destroy(): Promise<void>;
}
