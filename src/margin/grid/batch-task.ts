/**
 * Scenario-grid margin for many accounts on the worker pool: accounts are split into contiguous
 * slices, each worker margins its slice with the same model as `gridMargin`.
 */
import type { Market, Position } from '../../instruments/index.js';
import { gridMarginPrepared, prepareGrid } from './grid.js';
import type { GridMarginConfig } from './profile.js';

export interface GridBatchTask {
  kind: 'grid-batch';
  accounts: Position[][];
  market: Market;
  config: GridMarginConfig;
}

/** Initial and maintenance margin of each account of the slice: [initial₀, maintenance₀, initial₁, …]. */
export function runGridBatchTask(t: GridBatchTask): Float64Array {
  const out = new Float64Array(2 * t.accounts.length);
  const prep = prepareGrid(t.config); // profile and scenario grid once per slice
  t.accounts.forEach((positions, i) => {
    const r = gridMarginPrepared(positions, t.market, prep);
    out[2 * i] = r.initial;
    out[2 * i + 1] = r.maintenance;
  });
  return out;
}
