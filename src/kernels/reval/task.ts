/**
 * Full revaluation fanned out over the worker pool: the instrument table and the scenario columns
 * live in one SharedArrayBuffer (views survive the structured clone as shared memory), each task
 * revalues a contiguous range of scenarios on the WASM kernel or its TS twin, and the totals are
 * concatenated in scenario order — the same numbers as one thread.
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import { revalueColumns } from './ts.js';
import type { InstrumentColumns, ScenarioColumns } from './ts.js';
import { TABLE_COLUMNS, revalueScenarioRangeWasm } from './wasm.js';

export interface RevalTask {
  table: InstrumentColumns;
  scen: ScenarioColumns;
  from: number;
  to: number;
}

/** Copies the table and scenarios into one SharedArrayBuffer and returns views on it. */
export function shareRevaluation(table: InstrumentColumns, scen: ScenarioColumns): { table: InstrumentColumns; scen: ScenarioColumns } {
  const n = table.n;
  const m = scen.nScenarios * scen.nUnderlyings;
  const sab = new SharedArrayBuffer((TABLE_COLUMNS.length * n + 3 * m + scen.nScenarios) * 8);
  let off = 0;
  const take = (src: Float64Array, len: number): Float64Array => {
    const v = new Float64Array(sab, off * 8, len);
    v.set(src.subarray(0, len));
    off += len;
    return v;
  };
  const t = { n } as InstrumentColumns;
  for (const k of TABLE_COLUMNS) t[k] = take(table[k], n);
  const s: ScenarioColumns = {
    nScenarios: scen.nScenarios,
    nUnderlyings: scen.nUnderlyings,
    move: take(scen.move, m),
    volAbs: take(scen.volAbs, m),
    volRel: take(scen.volRel, m),
    dt: take(scen.dt, scen.nScenarios),
  };
  return { table: t, scen: s };
}

/** Scenario totals of [from, to). */
export function runRevalTask(core: WasmCore | null, t: RevalTask): Float64Array {
  if (core) return revalueScenarioRangeWasm(core, t.table, t.scen, t.from, t.to, false).total;
  const nu = t.scen.nUnderlyings;
  const range: ScenarioColumns = {
    nScenarios: t.to - t.from,
    nUnderlyings: nu,
    move: t.scen.move.subarray(t.from * nu, t.to * nu),
    volAbs: t.scen.volAbs.subarray(t.from * nu, t.to * nu),
    volRel: t.scen.volRel.subarray(t.from * nu, t.to * nu),
    dt: t.scen.dt.subarray(t.from, t.to),
  };
  return revalueColumns(t.table, range, false).total;
}

/** Pool task: portfolio P&L of scenarios [from, to) by full revaluation. */
export const REVAL_TASK = defineTask<RevalTask, Float64Array>('reval', (t, { core }) => runRevalTask(core, t));
