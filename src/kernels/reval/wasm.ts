/**
 * Runner of the WASM full-revaluation kernel (assembly/reval.ts), the twin of
 * {@link revalueColumns}: copies the instrument table and scenario columns into the instance's
 * memory, runs the kernel and copies the P&L out. On the strict build (build/core.wasm) results
 * equal the TS kernel's bit for bit; the relaxed build (fused multiply-add) agrees within rounding.
 */
import type { WasmCore } from '../../wasm/index.js';
import type { InstrumentColumns, ScenarioColumns } from './ts.js';

/** Column order of the table block in WASM memory (contract with assembly/reval.ts); also the shared-buffer layout. */
export const TABLE_COLUMNS = [
  'kind', 'underlying', 'quantity', 'size', 'price', 'strike', 'expiry', 'vol', 'rate', 'carry', 'callPut', 'volScale',
] as const;

/** P&L of a run: `total[s]` per scenario, `byPosition[s·n + i]` when requested (USD). */
export interface WasmRevaluation {
  total: Float64Array;
  byPosition: Float64Array | null;
}

/**
 * Full revaluation on the WASM kernel: same inputs and results as {@link revalueColumns}.
 * Resets `core`'s memory (the caller owns the instance for the duration of the call).
 * @throws {RangeError} when a column is shorter than the table / scenario dimensions or an
 *   underlying index is outside [0, nUnderlyings).
 * @example revalueColumnsWasm(await WasmCore.create(), table.columns, scenarios, false).total
 */
export function revalueColumnsWasm(
  core: WasmCore,
  table: InstrumentColumns,
  scen: ScenarioColumns,
  perPosition = false,
): WasmRevaluation {
  return run(core, table, scen, 0, scen.nScenarios, perPosition);
}

/**
 * Revaluation of scenarios [from, to) only (one unit of pool work): `total[s − from]`,
 * `byPosition[(s − from)·n + i]`. Concatenating the ranges of a partition gives the full run.
 * @throws {RangeError} for a bad range (0 <= from <= to <= nScenarios) or inconsistent columns.
 */
export function revalueScenarioRangeWasm(
  core: WasmCore,
  table: InstrumentColumns,
  scen: ScenarioColumns,
  from: number,
  to: number,
  perPosition = false,
): WasmRevaluation {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > scen.nScenarios) {
    throw new RangeError(`scenario range must satisfy 0 <= from <= to <= ${scen.nScenarios}; got [${from}, ${to})`);
  }
  return run(core, table, scen, from, to, perPosition);
}

function run(
  core: WasmCore,
  table: InstrumentColumns,
  scen: ScenarioColumns,
  from: number,
  to: number,
  perPosition: boolean,
): WasmRevaluation {
  checkShapes(table, scen);
  const n = table.n;
  const nu = scen.nUnderlyings;
  const ns = to - from;
  core.reset();
  const tabP = core.alloc(TABLE_COLUMNS.length * n * 8);
  const moveP = core.alloc(ns * nu * 8);
  const volAbsP = core.alloc(ns * nu * 8);
  const volRelP = core.alloc(ns * nu * 8);
  const dtP = core.alloc(ns * 8);
  const totP = core.alloc(ns * 8);
  const posP = perPosition ? core.alloc(ns * n * 8) : 0;
  const scratchP = core.alloc(core.x.revalScratchBytes(ns, nu));
  // all allocations done: views are stable from here on
  const tab = core.f64(tabP, TABLE_COLUMNS.length * n);
  TABLE_COLUMNS.forEach((name, c) => tab.set(table[name].subarray(0, n), c * n));
  core.f64(moveP, ns * nu).set(scen.move.subarray(from * nu, to * nu));
  core.f64(volAbsP, ns * nu).set(scen.volAbs.subarray(from * nu, to * nu));
  core.f64(volRelP, ns * nu).set(scen.volRel.subarray(from * nu, to * nu));
  core.f64(dtP, ns).set(scen.dt.subarray(from, to));
  core.x.revalue(tabP, n, moveP, volAbsP, volRelP, dtP, ns, nu, totP, posP, scratchP);
  return {
    total: core.f64(totP, ns).slice(),
    byPosition: perPosition ? core.f64(posP, ns * n).slice() : null,
  };
}

function checkShapes(t: InstrumentColumns, s: ScenarioColumns): void {
  const n = t.n;
  const ns = s.nScenarios;
  const nu = s.nUnderlyings;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`table.n must be a non-negative integer; got ${n}`);
  if (!Number.isInteger(ns) || ns < 0) throw new RangeError(`scenarios.nScenarios must be a non-negative integer; got ${ns}`);
  if (!Number.isInteger(nu) || nu < 0) throw new RangeError(`scenarios.nUnderlyings must be a non-negative integer; got ${nu}`);
  for (const name of TABLE_COLUMNS) {
    if (t[name].length < n) throw new RangeError(`table.${name} must have length >= ${n}; got ${t[name].length}`);
  }
  for (const name of ['move', 'volAbs', 'volRel'] as const) {
    if (s[name].length < ns * nu) throw new RangeError(`scenarios.${name} must have length >= ${ns * nu}; got ${s[name].length}`);
  }
  if (s.dt.length < ns) throw new RangeError(`scenarios.dt must have length >= ${ns}; got ${s.dt.length}`);
  // the kernel reads move[s·nu + u] unchecked: an out-of-range u would read another block
  for (let i = 0; i < n; i++) {
    const u = t.underlying[i];
    if (!(Number.isInteger(u) && u >= 0 && u < nu)) {
      throw new RangeError(`table.underlying[${i}] must be an integer in [0, ${nu}); got ${u}`);
    }
  }
}
