/**
 * Building blocks shared by the hedge problems: validated hedge variables (limits, lots), delta-bound
 * and budget rows, position deltas by finite difference.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { LIMITS, formatLimit } from '../util/index.js';
import { revalueGrid, type Market, type Position, type Scenario } from '../instruments/index.js';
import type { LpModel } from './lp.js';
import type { ExposureConstraints, HedgeInstrument } from './types.js';

/** Hedge variables of a model: variable index and quantity per variable unit (lot size). */
export interface HedgeVariables {
  index: number[];
  lot: number[];
}

/**
 * Throws unless `x` is finite and |x| ≤ LIMITS.pnl (1e15); returns it. Every number of an
 * optimisation problem (P&L, bounds, costs, deltas, requirements, quantities) passes here: HiGHS
 * reads larger coefficients as infinite or fails to read the model at all (1e308 did).
 */
export function finite(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new ValidationError(field, 'finite', `must be a finite number; got ${describeValue(x)}`, x);
  }
  if (Math.abs(x) > LIMITS.pnl) {
    throw new ValidationError(field, 'limit', `must have |x| <= ${formatLimit(LIMITS.pnl)} (input limit); got ${x}`, x);
  }
  return x;
}

/** Validates the confidence level a ∈ (0, 1). */
export function confidenceLevel(field: string, a: unknown): number {
  if (typeof a !== 'number' || !(a > 0 && a < 1)) {
    throw new ValidationError(field, 'range', `must be in (0, 1); got ${describeValue(a)}`, a);
  }
  return a;
}

/**
 * Adds one variable per instrument: continuous quantity, or integer number of lots (quantity = lot · n).
 * Limits go to constraint set 'position-limits' (integer bounds: ceil(lower/lot), floor(upper/lot)).
 * @param objective objective coefficient per unit quantity (scaled by the lot here).
 */
export function addHedgeVariables(model: LpModel, instruments: readonly HedgeInstrument[], objective?: (i: number) => number, field = 'instruments'): HedgeVariables {
  const index: number[] = [];
  const lot: number[] = [];
  instruments.forEach((h, i) => {
    const f = `${field}[${i}]`;
    if (h === null || typeof h !== 'object') throw new ValidationError(f, 'type', `must be an object; got ${describeValue(h)}`, h);
    if (typeof h.id !== 'string' || h.id.length === 0) throw new ValidationError(`${f}.id`, 'type', `must be a non-empty string; got ${describeValue(h.id)}`, h.id);
    const lower = h.lower === undefined ? -Infinity : finite(`${f}.lower`, h.lower);
    const upper = h.upper === undefined ? Infinity : finite(`${f}.upper`, h.upper);
    if (lower > upper) throw new ValidationError(`${f}.upper`, 'order', `must be >= lower ${lower}; got ${upper}`, upper);
    const integer = h.integer === true || h.lotSize !== undefined;
    const size = h.lotSize === undefined ? 1 : finite(`${f}.lotSize`, h.lotSize);
    if (!(size > 0)) throw new ValidationError(`${f}.lotSize`, 'positive', `must be > 0; got ${size}`, size);
    if (h.delta !== undefined) {
      if (h.delta === null || typeof h.delta !== 'object') throw new ValidationError(`${f}.delta`, 'type', `must be a record by underlying; got ${describeValue(h.delta)}`, h.delta);
      for (const [u, d] of Object.entries(h.delta)) finite(`${f}.delta.${u}`, d);
    }
    if (h.cost !== undefined) finite(`${f}.cost`, h.cost);
    const lo = integer ? Math.ceil(lower / size - 1e-9) : lower;
    const hi = integer ? Math.floor(upper / size + 1e-9) : upper;
    if (lo > hi) throw new ValidationError(`${f}.lotSize`, 'lots', `no whole lot of ${size} fits in [${lower}, ${upper}]; got ${size}`, size);
    index.push(model.addVariable(`x_${h.id}`, {
      lower: lo, upper: hi, integer, objective: objective ? objective(i) * size : 0, boundSet: 'position-limits',
    }));
    lot.push(size);
  });
  return { index, lot };
}

/** Underlyings named by the base delta, the bounds or any instrument delta (sorted). */
export function deltaUnderlyings(instruments: readonly HedgeInstrument[], c: ExposureConstraints): string[] {
  const s = new Set<string>([...Object.keys(c.baseDelta ?? {}), ...Object.keys(c.deltaBounds ?? {})]);
  for (const h of instruments) for (const u of Object.keys(h.delta ?? {})) s.add(u);
  return [...s].sort();
}

/** Net delta per underlying of base + hedges at quantities x. */
export function netDelta(instruments: readonly HedgeInstrument[], x: ArrayLike<number>, baseDelta: Record<string, number> = {}, underlyings?: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of underlyings ?? deltaUnderlyings(instruments, { baseDelta })) {
    let d = baseDelta[u] ?? 0;
    instruments.forEach((h, i) => { d += (h.delta?.[u] ?? 0) * x[i]; });
    out[u] = d;
  }
  return out;
}

/**
 * Adds the exposure rows: 'delta-bounds' (lo − base_u ≤ Σ δ_iu x_i ≤ hi − base_u, written as two rows
 * so the binding side is named) and 'budget' (see {@link HedgeBudget}).
 */
export function addExposureRows(model: LpModel, instruments: readonly HedgeInstrument[], v: HedgeVariables, c: ExposureConstraints, field = 'constraints'): void {
  for (const [u, d] of Object.entries(c.baseDelta ?? {})) finite(`${field}.baseDelta.${u}`, d);
  for (const [u, b] of Object.entries(c.deltaBounds ?? {})) {
    const f = `${field}.deltaBounds.${u}`;
    if (!Array.isArray(b) || b.length !== 2) throw new ValidationError(f, 'type', `must be a [lo, hi] pair; got ${describeValue(b)}`, b);
    const lo = b[0] === -Infinity ? -Infinity : finite(`${f}[0]`, b[0]);
    const hi = b[1] === Infinity ? Infinity : finite(`${f}[1]`, b[1]);
    if (lo > hi) throw new ValidationError(f, 'order', `lower bound must be <= upper bound; got [${lo}, ${hi}]`, b);
    const vars: number[] = [];
    const coefs: number[] = [];
    instruments.forEach((h, i) => {
      const d = h.delta?.[u] ?? 0;
      if (d !== 0) { vars.push(v.index[i]); coefs.push(d * v.lot[i]); }
    });
    const base = c.baseDelta?.[u] ?? 0;
    if (Number.isFinite(lo)) model.addRow(`delta_${u}_min`, 'delta-bounds', vars, coefs, '>=', lo - base);
    if (Number.isFinite(hi)) model.addRow(`delta_${u}_max`, 'delta-bounds', vars, coefs, '<=', hi - base);
  }
  if (c.budget !== undefined) {
    const f = `${field}.budget`;
    const limit = finite(`${f}.limit`, c.budget.limit);
    const mode = c.budget.mode ?? 'gross';
    if (mode !== 'gross' && mode !== 'net') throw new ValidationError(`${f}.mode`, 'enum', `must be 'gross' or 'net'; got ${describeValue(mode)}`, mode);
    if (mode === 'gross') {
      if (limit < 0) throw new ValidationError(`${f}.limit`, 'non-negative', `must be >= 0 for a gross budget; got ${limit}`, limit);
      const vars: number[] = [];
      const coefs: number[] = [];
      instruments.forEach((h, i) => {
        const cost = Math.abs(h.cost ?? 0) * v.lot[i];
        if (cost === 0) return;
        const a = model.addVariable(`abs_${h.id}`);
        model.addRow(`abs_${h.id}_pos`, 'budget', [a, v.index[i]], [1, -1], '>=', 0);
        model.addRow(`abs_${h.id}_neg`, 'budget', [a, v.index[i]], [1, 1], '>=', 0);
        vars.push(a);
        coefs.push(cost);
      });
      model.addRow('budget', 'budget', vars, coefs, '<=', limit);
    } else {
      const vars: number[] = [];
      const coefs: number[] = [];
      instruments.forEach((h, i) => { if ((h.cost ?? 0) !== 0) { vars.push(v.index[i]); coefs.push((h.cost as number) * v.lot[i]); } });
      model.addRow('budget', 'budget', vars, coefs, '<=', limit);
    }
  }
}

/** Quantities from variable values (lots × lot size; integer lots rounded exactly). */
export function quantities(values: Float64Array, v: HedgeVariables): number[] {
  return v.index.map((j, i) => values[j] * v.lot[i] + 0);
}

/**
 * Delta of each position by underlying, in underlying units (coin), by central difference of the full
 * revaluation: δ_iu = (PnL_i(+h) − PnL_i(−h)) / (2 h · price_u) with h = 1e-4 relative.
 * Works for every instrument kind (inverse P&L is in USD, so its delta is in coin as well).
 * @throws {ValidationError} for bad positions or market.
 */
export function positionDeltas(positions: readonly Position[], market: Market): Record<string, number>[] {
  const h = 1e-4;
  const unders = [...new Set(positions.map((p) => p.underlying))];
  const scenarios: Scenario[] = unders.flatMap((u) => [{ move: { [u]: h } }, { move: { [u]: -h } }]);
  const r = revalueGrid(positions, market, scenarios, { perPosition: true });
  const n = positions.length;
  const by = r.byPosition as Float64Array;
  return positions.map((p, i) => {
    const k = unders.indexOf(p.underlying);
    const d = (by[2 * k * n + i] - by[(2 * k + 1) * n + i]) / (2 * h * market.prices[p.underlying]);
    return { [p.underlying]: d };
  });
}

/** Sum of per-position deltas by underlying. */
export function bookDelta(positions: readonly Position[], market: Market): Record<string, number> {
  const out: Record<string, number> = {};
  if (positions.length === 0) return out;
  for (const d of positionDeltas(positions, market)) for (const [u, x] of Object.entries(d)) out[u] = (out[u] ?? 0) + x;
  return out;
}
