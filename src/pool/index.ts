/**
 * The worker pool façade: one Piscina pool per engine, workers loading build/core.wasm once.
 * Jobs are cut into tasks by the callers (risk/mc.ts); this module runs tasks with abort
 * support, reports utilisation, and shuts down in two levels (close lets queued work finish,
 * destroy rejects it).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { AbortError, EngineClosedError, WorkerError } from '../errors/index.js';
import { buildPath } from '../util/paths.js';
import type { WorkerTask } from './worker.js';

export type { WorkerTask } from './worker.js';

export interface PoolOptions {
  /** Worker threads (default: available parallelism). */
  threads?: number;
}

/** A fixed-size Piscina pool running margin-engine worker tasks. */
export class WorkerPool {
  readonly threads: number;
  private readonly piscina: Piscina;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.threads = opts.threads ?? Math.max(1, availableParallelism());
    this.piscina = new Piscina({
      filename: buildPath('src/pool/worker.js'),
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
    });
    // A worker crash surfaces as a task rejection; keep the pool's own 'error' from crashing us.
    this.piscina.on('error', () => {});
  }

  /** Runs one task; rejects with AbortError when `signal` fires, WorkerError when the task fails. */
  async run<R>(task: WorkerTask, signal?: AbortSignal): Promise<R> {
    if (this.closed) throw new EngineClosedError();
    if (signal?.aborted) throw new AbortError(signal.reason);
    try {
      return (await this.piscina.run(task, signal ? { signal } : {})) as R;
    } catch (e) {
      if (signal?.aborted) throw new AbortError(signal.reason);
      if (e instanceof Error && e.name === 'AbortError') throw new AbortError(e);
      throw new WorkerError(`worker task failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
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
