/**
 * Scenario-grid margin for many accounts on the worker pool. The calling thread validates every
 * account and builds its instrument table once; all tables are packed into one SharedArrayBuffer
 * (12 columns × all positions, plus account offsets), so workers read typed-array views instead of
 * deserialising hundreds of thousands of position objects. Each task margins a slice of accounts.
 */
import { TABLE_COLUMNS } from '../../kernels/index.js';
import type { InstrumentColumns, InstrumentTable, Market } from '../../instruments/index.js';
import { defineTask } from '../../pool/index.js';
import { gridMarginOfTable, prepareGrid, setVolScales } from './grid.js';
import type { GridMarginConfig } from './profile.js';

/** Every account's table in one shared buffer. */
export interface PackedAccounts {
  /** Column c of all accounts' rows: views into one SharedArrayBuffer, in TABLE_COLUMNS order. */
  columns: Float64Array[];
  /** Rows of account a are [offsets[a], offsets[a + 1]). */
  offsets: Int32Array;
  /** Each account's underlyings (its rows' `underlying` index into this list), joined by U+0001. */
  underlyings: string[];
}

export interface GridBatchTask {
  packed: PackedAccounts;
  from: number;
  to: number;
  market: Market;
  config: GridMarginConfig;
}

/** Packs built tables (vol-shock scales set for `config`) into shared memory. */
export function packAccounts(tables: readonly InstrumentTable[], config: GridMarginConfig): PackedAccounts {
  const prep = prepareGrid(config);
  const offsets = new Int32Array(new SharedArrayBuffer(4 * (tables.length + 1)));
  for (let a = 0; a < tables.length; a++) offsets[a + 1] = offsets[a] + tables[a].columns.n;
  const rows = offsets[tables.length];
  const sab = new SharedArrayBuffer(8 * TABLE_COLUMNS.length * Math.max(1, rows));
  const columns = TABLE_COLUMNS.map((_, c) => new Float64Array(sab, 8 * c * rows, rows));
  tables.forEach((t, a) => {
    setVolScales(t.columns, prep);
    TABLE_COLUMNS.forEach((key, c) => columns[c].set(t.columns[key], offsets[a]));
  });
  return { columns, offsets, underlyings: tables.map((t) => t.underlyings.join('\u0001')) };
}

/** Initial and maintenance margin of accounts [from, to): [initial, maintenance, initial, …]. */
export function runGridBatchTask(t: GridBatchTask): Float64Array {
  const { columns, offsets, underlyings } = t.packed;
  const prep = prepareGrid(t.config); // profile and scenario grid once per slice
  const out = new Float64Array(2 * (t.to - t.from));
  for (let a = t.from; a < t.to; a++) {
    const lo = offsets[a];
    const hi = offsets[a + 1];
    const table = { n: hi - lo } as InstrumentColumns;
    TABLE_COLUMNS.forEach((key, c) => {
      table[key] = columns[c].subarray(lo, hi);
    });
    const r = gridMarginOfTable(table, underlyings[a] === '' ? [] : underlyings[a].split('\u0001'), t.market, prep);
    out[2 * (a - t.from)] = r.initial;
    out[2 * (a - t.from) + 1] = r.maintenance;
  }
  return out;
}

/** Pool task: scenario-grid margin of a slice of packed accounts. */
export const GRID_BATCH_TASK = defineTask<GridBatchTask, Float64Array>('grid-batch', (t) => runGridBatchTask(t));
