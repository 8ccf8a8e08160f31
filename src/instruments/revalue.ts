/**
 * Object API over the revaluation kernel: validate positions, market and scenarios, build the
 * column tables, run {@link revalueKernel}, map results back.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { KIND, revalueColumns, type ScenarioColumns } from '../kernels/index.js';
import { DAYS_PER_YEAR } from './pricing.js';
import { buildInstrumentTable } from './table.js';
import type { Market, Position, PositionPnl, RevaluationResult, Scenario } from './types.js';

export { revalueColumns };

/** Result of {@link revalueGrid}. */
export interface GridRevaluation {
  nScenarios: number;
  nPositions: number;
  /** Portfolio P&L per scenario, USD. */
  total: Float64Array;
  /** P&L per scenario and position, USD, at [s·nPositions + i]; null unless `perPosition`. */
  byPosition: Float64Array | null;
  /** Underlying symbols in the index order used by the table. */
  underlyings: string[];
}

/**
 * Converts scenario objects to kernel columns for the given underlying order.
 * @param single name errors `field.x` instead of `field[s].x` (one-scenario callers).
 * @throws {ValidationError} e.g. `scenarios[3].move.BTC: must be > -1; got -1.2`.
 */
export function toScenarioColumns(
  scenarios: readonly Scenario[],
  underlyings: readonly string[],
  field = 'scenarios',
  single = false,
): ScenarioColumns {
  if (!Array.isArray(scenarios)) {
    throw new ValidationError(field, 'type', `must be an array of scenarios; got ${describeValue(scenarios)}`, scenarios);
  }
  const ns = scenarios.length;
  const nu = underlyings.length;
  const out: ScenarioColumns = {
    nScenarios: ns,
    nUnderlyings: nu,
    move: new Float64Array(ns * nu),
    volAbs: new Float64Array(ns * nu),
    volRel: new Float64Array(ns * nu),
    dt: new Float64Array(ns),
  };
  for (let s = 0; s < ns; s++) {
    const sc = scenarios[s];
    const f = single ? field : `${field}[${s}]`;
    if (sc === null || typeof sc !== 'object') throw new ValidationError(f, 'type', `must be a scenario object; got ${describeValue(sc)}`, sc);
    fillPerUnderlying(sc.move, underlyings, out.move, s, `${f}.move`, -1);
    fillPerUnderlying(sc.volShift, underlyings, out.volAbs, s, `${f}.volShift`);
    fillPerUnderlying(sc.volShiftRelative, underlyings, out.volRel, s, `${f}.volShiftRelative`);
    const days = sc.horizonDays ?? 0;
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) {
      throw new ValidationError(`${f}.horizonDays`, 'non-negative', `must be a finite number >= 0; got ${describeValue(days)}`, days);
    }
    out.dt[s] = days / DAYS_PER_YEAR;
  }
  return out;
}

function fillPerUnderlying(
  v: number | Record<string, number> | undefined,
  underlyings: readonly string[],
  dst: Float64Array,
  s: number,
  field: string,
  exclusiveMin?: number,
): void {
  const nu = underlyings.length;
  const check = (x: unknown, f: string): number => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValidationError(f, 'finite', `must be a finite number; got ${describeValue(x)}`, x);
    if (exclusiveMin !== undefined && !(x > exclusiveMin)) {
      throw new ValidationError(f, 'range', `must be > ${exclusiveMin}; got ${x}`, x);
    }
    return x;
  };
  if (v === undefined) return;
  if (typeof v === 'number') {
    const x = check(v, field);
    for (let u = 0; u < nu; u++) dst[s * nu + u] = x;
    return;
  }
  if (v === null || typeof v !== 'object') {
    throw new ValidationError(field, 'type', `must be a number or a record by underlying; got ${describeValue(v)}`, v);
  }
  for (const [k, x] of Object.entries(v)) check(x, `${field}.${k}`);
  for (let u = 0; u < nu; u++) {
    if (Object.hasOwn(v, underlyings[u])) dst[s * nu + u] = v[underlyings[u]];
  }
}


/**
 * Full revaluation of a portfolio under one scenario: P&L per position in USD.
 *
 * ## Method
 * Options are repriced (generalized Black–Scholes) at the shocked underlying price, shocked vol
 * (σ + volShift + σ·volShiftRelative, floored at 0) and decayed expiry (max(T − horizon, 0));
 * delta-one instruments use their exact P&L. Inverse (coin) P&L is converted to USD at the shocked price.
 *
 * @throws {ValidationError} for bad positions, market or scenario (field named).
 * @example revalue([{ kind: 'linear-perp', underlying: 'BTC', quantity: 2 }], { prices: { BTC: 50000 } }, { move: 0.1 }).total
 * // returns 10000.000000000015 (2 · 0.1 · 50,000 up to rounding of 1 + 0.1)
 */
export function revalue(positions: readonly Position[], market: Market, scenario: Scenario): RevaluationResult {
  const table = buildInstrumentTable(positions, market);
  const cols = toScenarioColumns([scenario], table.underlyings, 'scenario', true);
  const { total, byPosition } = revalueColumns(table.columns, cols, true);
  const c = table.columns;
  const out: PositionPnl[] = [];
  for (let i = 0; i < c.n; i++) {
    const p = table.positions[i];
    const pnl = (byPosition as Float64Array)[i];
    const before = c.price[i];
    const after = before * (1 + cols.move[c.underlying[i]]);
    const inverse = c.kind[i] === KIND['inverse-future'] || c.kind[i] === KIND['inverse-perp'] || c.kind[i] === KIND['option-inverse'];
    const row: PositionPnl = {
      index: i,
      underlying: p.underlying,
      kind: p.kind,
      pnl,
      pnlSettlement: inverse ? pnl / after : pnl,
      settlementCurrency: inverse ? 'coin' : 'USD',
      priceBefore: before,
      priceAfter: after,
    };
    if (p.id !== undefined) row.id = p.id;
    out.push(row);
  }
  return { total: total[0], positions: out };
}

/**
 * Revalues a portfolio under many scenarios (the batch shape the WASM kernel will run).
 * @param options.perPosition also return the [scenario][position] P&L matrix (default false).
 * @throws {ValidationError} for bad positions, market or scenarios.
 * @example revalueGrid([{ kind: 'spot', underlying: 'ETH', quantity: 1 }], { prices: { ETH: 2000 } }, [{ move: -0.1 }, { move: 0.1 }]).total
 * // returns Float64Array [-200, 200]
 */
export function revalueGrid(
  positions: readonly Position[],
  market: Market,
  scenarios: readonly Scenario[],
  options: { perPosition?: boolean } = {},
): GridRevaluation {
  const table = buildInstrumentTable(positions, market);
  const cols = toScenarioColumns(scenarios, table.underlyings);
  const { total, byPosition } = revalueColumns(table.columns, cols, options.perPosition === true);
  return { nScenarios: cols.nScenarios, nPositions: table.columns.n, total, byPosition, underlyings: table.underlyings };
}
