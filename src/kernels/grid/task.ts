/**
 * Scenario-grid margin of many accounts fanned out over the worker pool: the accounts' rows live in
 * one SharedArrayBuffer (views survive the structured clone as shared memory), the prepared grid is
 * a handful of small typed arrays, and each task margins a contiguous slice of accounts on the WASM
 * kernel or its TS twin. Every account is computed by exactly one task, in the same way whatever
 * the slicing, so any thread count gives the same numbers.
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import { gridMarginsTs } from './ts.js';
import type { GridAccounts, GridKernelGrid } from './ts.js';
import { gridMarginsWasm } from './wasm.js';

export interface GridBatchTask {
  accounts: GridAccounts;
  grid: GridKernelGrid;
  /** Accounts [from, to) of `accounts`. */
  from: number;
  to: number;
}

/** [initial, maintenance] of each account of [from, to), in order. */
export function runGridBatchTask(core: WasmCore | null, t: GridBatchTask): Float64Array {
  if (core) return gridMarginsWasm(core, t.accounts, t.grid, t.from, t.to);
  const out = new Float64Array(2 * (t.to - t.from));
  gridMarginsTs(t.accounts, t.grid, t.from, t.to, out);
  return out;
}

/** Pool task: scenario-grid initial and maintenance margin of a slice of packed accounts. */
export const GRID_BATCH_TASK = defineTask<GridBatchTask, Float64Array>('grid-batch', (t, { core }) => runGridBatchTask(core, t));
