/**
 * Scenario-grid margin minimisation: the hedge that needs the least grid (SPAN-like) margin.
 *
 * ## Method
 * `gridMargin` charges, per underlying u, worstLoss_u = max(0, max_s R_us) over its risk array
 * (counted losses, extended scenarios weighted), plus a short-option minimum and a spread charge, less
 * inter-underlying credits. Revaluation is linear in quantity, so with R⁰_us the base book's risk array
 * and R_is the risk array of one unit of hedge i (on its own underlying):
 *   min Σ_u t_u + Σ_u a_u
 *   t_u ≥ R⁰_us + Σ_{i on u} R_is x_i   for every grid scenario s  (set 'grid-scenarios'), t_u ≥ 0
 *   a_u ≥ rate·price_u·(−C_u − Σ c_i x_i), a_u ≥ rate·price_u·(−P_u − Σ p_i x_i), a_u ≥ 0  (set 'short-option')
 * where C_u, P_u are the base net call / put units and c_i, p_i the call / put units per hedge unit.
 * Per-underlying risk arrays are used (not a joint grid), exactly as `gridMargin` scans them, so the LP
 * objective equals scanning risk + short-option add-on of the hedged book. The spread charge (a concave
 * min(long, short)) and the inter-underlying credits (sign-dependent) are not linear: they are left out of
 * the LP and the real `gridMargin` of the result is reported in `after.initial` (so `objective` and
 * `after.initial` can differ by exactly those two terms).
 * Exposure rows ('delta-bounds', 'budget'), position limits and integer lots as in `minimizeCvar`.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { Market, Position } from '../instruments/index.js';
import { gridMargin, gridScenarios, type GridMarginConfig, resolveGridProfile } from '../margin/grid/index.js';
import { tradesOf } from './cvar.js';
import { addExposureRows, addHedgeVariables, bookDelta, deltaUnderlyings, netDelta, positionDeltas, quantities } from './exposure.js';
import { LpModel } from './lp.js';
import { solveModel, type SolveOptions } from './solve.js';
import type { ExposureConstraints, HedgeInstrument, OptimizationResult } from './types.js';

/** A hedge candidate given as a unit template position. */
export type HedgeCandidate = Omit<HedgeInstrument, 'id' | 'delta'> & { id?: string; position: Position };

export interface GridHedgeProblem extends Omit<ExposureConstraints, 'baseDelta'> {
  /** The base book. */
  positions: Position[];
  hedges: HedgeCandidate[];
  market: Market;
  grid?: GridMarginConfig;
}

export interface GridMetrics {
  /** gridMargin initial / maintenance / scanning risk of the book. */
  initial: number;
  maintenance: number;
  scanningRisk: number;
  /** Net delta by underlying, underlying units. */
  delta: Record<string, number>;
}

export interface GridHedgeResult extends OptimizationResult<GridMetrics> {
  quantities: number[];
  /** Worst counted loss per underlying in the LP (t_u). */
  worstLoss: Record<string, number>;
}

/**
 * Hedge quantities minimising the scenario-grid margin (scanning risk + short-option add-on, see the
 * module comment) subject to delta bounds, position limits, budget and lots.
 *
 * @returns objective: LP margin (USD); `after.initial` is the real `gridMargin` of the hedged book.
 * @throws {ValidationError} for bad positions, market, profile or hedges.
 * @throws {SolverError} Infeasible ('delta-bounds', 'position-limits', 'budget'…) or Unbounded.
 */
export async function minimizeGridMargin(problem: GridHedgeProblem, options: SolveOptions = {}): Promise<GridHedgeResult> {
  const t0 = performance.now();
  const { positions, hedges, market } = problem;
  const config = problem.grid ?? {};
  const profile = resolveGridProfile(config);
  if (!Array.isArray(hedges) || hedges.length === 0) throw new ValidationError('problem.hedges', 'type', `must be a non-empty array; got ${describeValue(hedges)}`, hedges);
  if (!Array.isArray(positions)) throw new ValidationError('problem.positions', 'type', `must be an array; got ${describeValue(positions)}`, positions);
  const templates = hedges.map((h, i) => {
    if (h === null || typeof h !== 'object' || h.position === null || typeof h.position !== 'object') {
      throw new ValidationError(`problem.hedges[${i}].position`, 'type', `must be a position; got ${describeValue(h?.position)}`, h?.position);
    }
    return { ...h.position, quantity: 1 } as Position;
  });
  const deltas = positionDeltas(templates, market);
  const instruments: HedgeInstrument[] = hedges.map(({ position, ...h }, i) => ({ ...h, id: h.id ?? position.id ?? `hedge${i}`, delta: deltas[i] }));
  const baseDelta = positions.length > 0 ? bookDelta(positions, market) : {};

  const base = positions.length > 0 ? gridMargin(positions, market, config) : null;
  const scenarios = gridScenarios(profile);
  const nScen = scenarios.length;
  const unitRisk = templates.map((t) => gridMargin([t], market, config).byUnderlying[0].riskArray);
  const underlyings = [...new Set([...(base?.byUnderlying.map((r) => r.underlying) ?? []), ...templates.map((t) => t.underlying)])];

  const model = new LpModel();
  model.quietSets.add('short-option');
  model.structuralSets.add('grid-scenarios').add('short-option');
  const v = addHedgeVariables(model, instruments, undefined, 'problem.hedges');
  const tVar = new Map<string, number>();
  for (const u of underlyings) {
    const t = model.addVariable(`worst_${u}`, { objective: 1 });
    tVar.set(u, t);
    const r0 = base?.byUnderlying.find((r) => r.underlying === u)?.riskArray;
    const on = templates.flatMap((tp, i) => (tp.underlying === u ? [i] : []));
    for (let s = 0; s < nScen; s++) {
      const vars = [t];
      const coefs = [1];
      for (const i of on) {
        const c = unitRisk[i][s];
        if (c !== 0) { vars.push(v.index[i]); coefs.push(-c * v.lot[i]); }
      }
      const sc = scenarios[s];
      model.addRow(`grid_${u}_${sc.extended ? 'ext' : 'core'}_${Math.round(sc.priceMove * 1e4)}bp_vol_${sc.vol}`, 'grid-scenarios', vars, coefs, '>=', r0 ? r0[s] : 0);
    }
    // Short-option minimum: rate · price · max(0, −calls, −puts) in underlying units.
    const optUnits = (ps: readonly Position[], type: 'call' | 'put') =>
      ps.reduce((acc, p) => acc + (p.kind === 'option' && p.underlying === u && p.optionType === type ? p.quantity * (p.contractSize ?? 1) : 0), 0);
    const k = profile.shortOptionRate * market.prices[u];
    if (k > 0) {
      const a = model.addVariable(`short_option_${u}`, { objective: 1 });
      for (const type of ['call', 'put'] as const) {
        const vars = [a];
        const coefs = [1];
        templates.forEach((tp, i) => {
          const units = optUnits([tp], type);
          if (units !== 0) { vars.push(v.index[i]); coefs.push(k * units * v.lot[i]); }
        });
        if (vars.length > 1 || optUnits(positions, type) < 0) model.addRow(`short_${type}_${u}`, 'short-option', vars, coefs, '>=', -k * optUnits(positions, type));
      }
    }
  }
  addExposureRows(model, instruments, v, { baseDelta, deltaBounds: problem.deltaBounds, budget: problem.budget }, 'problem');
  const buildMs = performance.now() - t0;

  const sol = await solveModel(model, options);
  const x = quantities(sol.values, v);
  const unders = deltaUnderlyings(instruments, { baseDelta, deltaBounds: problem.deltaBounds });
  const metrics = (q: number[]): GridMetrics => {
    const book = [...positions, ...templates.flatMap((t, i) => (q[i] !== 0 ? [{ ...t, quantity: q[i] }] : []))];
    const g = book.length > 0 ? gridMargin(book, market, config) : null;
    return {
      initial: g?.initial ?? 0, maintenance: g?.maintenance ?? 0, scanningRisk: g?.scanningRisk ?? 0,
      delta: netDelta(instruments, q, baseDelta, unders),
    };
  };
  const worstLoss: Record<string, number> = {};
  for (const [u, j] of tVar) worstLoss[u] = sol.values[j];
  const te = performance.now();
  const before = metrics(new Array<number>(templates.length).fill(0));
  const after = metrics(x);
  const evaluateMs = performance.now() - te;
  return {
    status: 'Optimal',
    objective: sol.objective,
    trades: tradesOf(instruments.map((h) => h.id), x),
    before,
    after,
    binding: sol.binding,
    bindingCounts: sol.bindingCounts,
    timing: { buildMs, writeMs: sol.writeMs, solveMs: sol.solveMs, evaluateMs },
    quantities: x,
    worstLoss,
  };
}
