/**
 * Piscina worker: one WASM instance per worker thread (created on first use), every task
 * answered with a result or a thrown Error (Piscina turns it into a rejected promise in the main
 * thread; the worker itself stays alive).
 */
import { threadId } from 'node:worker_threads';
import { WasmCore } from '../wasm/index.js';
import { runMcContribTask, runMcTaskTs, runMcTaskWasm } from '../risk/mc-task.js';
import type { McContribTask, McTask, McTaskResult } from '../risk/mc-task.js';
import { runCovTask } from '../market/cov-task.js';
import type { CovTask } from '../market/cov-task.js';
import { runRevalTask } from '../instruments/reval-task.js';
import type { RevalTask } from '../instruments/reval-task.js';
import { runGridBatchTask } from '../margin/grid/batch-task.js';
import type { GridBatchTask } from '../margin/grid/batch-task.js';

export interface PingTask {
  kind: 'ping';
  wasm: boolean;
}

export type WorkerTask = McTask | McContribTask | CovTask | RevalTask | GridBatchTask | PingTask;

let core: Promise<WasmCore> | undefined;

function getCore(): Promise<WasmCore> {
  core ??= WasmCore.create();
  core.catch(() => {
    core = undefined;
  });
  return core;
}

export default async function run(task: WorkerTask): Promise<McTaskResult | Float64Array | { threadId: number; wasm: boolean }> {
  switch (task.kind) {
    case 'mc': {
      // only the chunk tails and sums travel back (k values, not the scenario vector)
      return task.wasm ? runMcTaskWasm(await getCore(), task) : runMcTaskTs(task);
    }
    case 'mc-contrib':
      return runMcContribTask(task.wasm ? await getCore() : null, task);
    case 'cov':
      return runCovTask(task.wasm ? await getCore() : null, task);
    case 'reval':
      return runRevalTask(task.wasm ? await getCore() : null, task);
    case 'grid-batch':
      return runGridBatchTask(task);
    case 'ping':
      if (task.wasm) await getCore();
      return { threadId, wasm: task.wasm };
    default:
      throw new TypeError(`unknown task kind: ${String((task as { kind?: unknown }).kind)}`);
  }
}
