/**
 * Collateral allocation: which assets to post at which venue so every margin requirement is covered
 * at the least funding cost.
 *
 * ## Method
 * Variables alloc_{a,v} ≥ 0 (market value of asset a posted at venue v, only for eligible pairs):
 *   min Σ cost_a · alloc_{a,v}
 *   Σ_a (1 − h_a) alloc_{a,v} ≥ req_v                     (set 'margin-requirements')
 *   Σ_v alloc_{a,v} ≤ avail_a                            (set 'asset-availability')
 *   (1 − h_a) alloc_{a,v} ≤ c_v · req_v                  (set 'concentration': the haircut value of one
 *                                                         asset covers at most a fraction c_v of the requirement)
 * Amounts are market values in one currency (USD); cost_a is the funding cost per unit value per period
 * (e.g. 0.05 = 5 % a year), so the objective is the cost per period.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { finite } from './exposure.js';
import { LpModel } from './lp.js';
import { solveModel, type SolveOptions } from './solve.js';
import type { OptimizationResult } from './types.js';

export interface CollateralAsset {
  id: string;
  /** Market value available to post (USD, ≥ 0). */
  available: number;
  /** Haircut h in [0, 1): posted value counts (1 − h). */
  haircut: number;
  /** Funding cost per unit of value posted (≥ 0 or any sign if posting earns). */
  costRate: number;
  /** Venues where the asset is accepted (default all). */
  eligibleVenues?: string[];
}

export interface CollateralVenue {
  id: string;
  /** Margin requirement (USD, ≥ 0). */
  requirement: number;
  /** Max fraction in (0, 1] of the requirement one asset may cover (after haircut); default 1. */
  concentrationLimit?: number;
}

export interface CollateralProblem {
  assets: CollateralAsset[];
  venues: CollateralVenue[];
}

export interface Allocation {
  asset: string;
  venue: string;
  /** Market value posted (USD). */
  amount: number;
  /** amount · (1 − haircut). */
  collateralValue: number;
  cost: number;
}

export interface CollateralMetrics {
  /** Haircut collateral value per venue. */
  covered: Record<string, number>;
  /** Requirement − covered per venue (> 0 = shortfall). */
  shortfall: Record<string, number>;
  cost: number;
}

export interface CollateralResult extends OptimizationResult<CollateralMetrics> {
  allocations: Allocation[];
  /** Unposted value per asset. */
  remaining: Record<string, number>;
}

/**
 * Cheapest allocation of collateral assets to venue requirements (see the module comment).
 * `before` is the empty allocation; trades are the non-zero allocations (index = asset index).
 * @returns objective: total funding cost per period.
 * @throws {ValidationError} for bad input (field named).
 * @throws {SolverError} Infeasible naming the conflicting sets, e.g. 'margin-requirements+asset-availability'.
 * @example
 * await allocateCollateral({ assets: [{ id: 'USDC', available: 100, haircut: 0, costRate: 0.05 },
 *   { id: 'BTC', available: 100, haircut: 0.2, costRate: 0.01 }], venues: [{ id: 'deribit', requirement: 100 }] })
 * // objective 2: BTC 100 (covers 80, cost 1) + USDC 20 (cost 1)
 */
export async function allocateCollateral(problem: CollateralProblem, options: SolveOptions = {}): Promise<CollateralResult> {
  const t0 = performance.now();
  const { assets, venues } = validate(problem);
  const model = new LpModel();
  model.unboundedSet = 'asset-availability';
  const cell: { a: number; v: number; j: number }[] = [];
  assets.forEach((as, a) => {
    venues.forEach((ve, v) => {
      if (as.eligibleVenues !== undefined && !as.eligibleVenues.includes(ve.id)) return;
      cell.push({ a, v, j: model.addVariable(`alloc_${as.id}_${ve.id}`, { objective: as.costRate }) });
    });
  });
  venues.forEach((ve, v) => {
    const cs = cell.filter((c) => c.v === v);
    model.addRow(`requirement_${ve.id}`, 'margin-requirements', cs.map((c) => c.j), cs.map((c) => 1 - assets[c.a].haircut), '>=', ve.requirement);
    const lim = ve.concentrationLimit ?? 1;
    if (lim < 1) {
      for (const c of cs) model.addRow(`concentration_${assets[c.a].id}_${ve.id}`, 'concentration', [c.j], [1 - assets[c.a].haircut], '<=', lim * ve.requirement);
    }
  });
  assets.forEach((as, a) => {
    const cs = cell.filter((c) => c.a === a);
    if (cs.length > 0) model.addRow(`available_${as.id}`, 'asset-availability', cs.map((c) => c.j), cs.map(() => 1), '<=', as.available);
  });
  const buildMs = performance.now() - t0;
  const sol = await solveModel(model, options);

  const allocations: Allocation[] = [];
  const remaining: Record<string, number> = Object.fromEntries(assets.map((a) => [a.id, a.available]));
  for (const c of cell) {
    const amount = sol.values[c.j];
    if (!(Math.abs(amount) > 1e-9)) continue;
    const as = assets[c.a];
    allocations.push({ asset: as.id, venue: venues[c.v].id, amount, collateralValue: amount * (1 - as.haircut), cost: amount * as.costRate });
    remaining[as.id] -= amount;
  }
  const metrics = (al: Allocation[]): CollateralMetrics => {
    const covered: Record<string, number> = Object.fromEntries(venues.map((v) => [v.id, 0]));
    for (const x of al) covered[x.venue] += x.collateralValue;
    return {
      covered,
      shortfall: Object.fromEntries(venues.map((v) => [v.id, v.requirement - covered[v.id]])),
      cost: al.reduce((s, x) => s + x.cost, 0),
    };
  };
  const te = performance.now();
  const before = metrics([]);
  const after = metrics(allocations);
  const evaluateMs = performance.now() - te;
  return {
    status: 'Optimal',
    objective: sol.objective,
    trades: allocations.map((x) => ({ id: `${x.asset}->${x.venue}`, index: assets.findIndex((a) => a.id === x.asset), quantity: x.amount })),
    before,
    after,
    binding: sol.binding,
    bindingCounts: sol.bindingCounts,
    timing: { buildMs, writeMs: sol.writeMs, solveMs: sol.solveMs, evaluateMs },
    allocations,
    remaining,
  };
}

function validate(problem: CollateralProblem): CollateralProblem {
  if (problem === null || typeof problem !== 'object') throw new ValidationError('problem', 'type', `must be an object; got ${describeValue(problem)}`, problem);
  const { assets, venues } = problem;
  if (!Array.isArray(assets) || assets.length === 0) throw new ValidationError('problem.assets', 'type', `must be a non-empty array; got ${describeValue(assets)}`, assets);
  if (!Array.isArray(venues) || venues.length === 0) throw new ValidationError('problem.venues', 'type', `must be a non-empty array; got ${describeValue(venues)}`, venues);
  const ids = (xs: { id: string }[], f: string) => {
    const seen = new Set<string>();
    xs.forEach((x, i) => {
      if (typeof x?.id !== 'string' || x.id.length === 0) throw new ValidationError(`${f}[${i}].id`, 'type', `must be a non-empty string; got ${describeValue(x?.id)}`, x?.id);
      if (seen.has(x.id)) throw new ValidationError(`${f}[${i}].id`, 'duplicate', `must be unique; got ${describeValue(x.id)}`, x.id);
      seen.add(x.id);
    });
  };
  ids(assets, 'problem.assets');
  ids(venues, 'problem.venues');
  assets.forEach((a, i) => {
    const f = `problem.assets[${i}]`;
    if (finite(`${f}.available`, a.available) < 0) throw new ValidationError(`${f}.available`, 'non-negative', `must be >= 0; got ${a.available}`, a.available);
    const h = finite(`${f}.haircut`, a.haircut);
    if (!(h >= 0 && h < 1)) throw new ValidationError(`${f}.haircut`, 'range', `must be in [0, 1); got ${h}`, h);
    finite(`${f}.costRate`, a.costRate);
    if (a.eligibleVenues !== undefined && !Array.isArray(a.eligibleVenues)) {
      throw new ValidationError(`${f}.eligibleVenues`, 'type', `must be an array of venue ids; got ${describeValue(a.eligibleVenues)}`, a.eligibleVenues);
    }
    // A misspelt venue would make the asset silently ineligible there (and the LP infeasible for the wrong reason).
    a.eligibleVenues?.forEach((id, k) => {
      if (!venues.some((v) => v.id === id)) {
        throw new ValidationError(`${f}.eligibleVenues[${k}]`, 'venue', `must be one of problem.venues[*].id; got ${describeValue(id)}`, id);
      }
    });
  });
  venues.forEach((v, i) => {
    const f = `problem.venues[${i}]`;
    if (finite(`${f}.requirement`, v.requirement) < 0) throw new ValidationError(`${f}.requirement`, 'non-negative', `must be >= 0; got ${v.requirement}`, v.requirement);
    if (v.concentrationLimit !== undefined) {
      const c = finite(`${f}.concentrationLimit`, v.concentrationLimit);
      if (!(c > 0 && c <= 1)) throw new ValidationError(`${f}.concentrationLimit`, 'range', `must be in (0, 1]; got ${c}`, c);
    }
  });
  return problem;
}
