/**
 * Expected-Shortfall hedging as a linear programme (Rockafellar–Uryasev): minimise the ES of the
 * hedged book, or maximise its expected P&L under an ES budget.
 *
 * ## Method
 * With S equally likely scenarios, base P&L b_s and hedge P&L P_si per unit of instrument i, the loss
 * of the hedged book is L_s(x) = −(b_s + Σ_i P_si x_i). Rockafellar–Uryasev:
 *   ES(x) = min_ζ ζ + w Σ_s (L_s(x) − ζ)⁺
 * linearised with u_s ≥ L_s(x) − ζ, u_s ≥ 0 (rows 'es-tail': Σ_i P_si x_i + ζ + u_s ≥ −b_s).
 * - `tailWeighting: 'discrete'` (default): w = 1/k with k = tailCount(S, a), the engine convention. For a
 *   fixed x the inner minimum is the mean of the k largest losses (ζ* = the k-th largest loss), so the LP
 *   objective equals `levelsFromLosses` ES of the resulting book, up to solver tolerance.
 * - `'continuous'`: w = 1/((1 − a)S), the textbook form. With m = (1 − a)S not an integer the LP value is
 *   the tail mean with fractional weight on the ⌈m⌉-th loss: (Σ_{j ≤ ⌊m⌋} L_(j) + (m − ⌊m⌋) L_(⌊m⌋+1)) / m,
 *   which is ≥ the engine ES (mean of the ⌈m⌉ largest); the two agree when m is an integer.
 * Both numbers are reported: `esLp` (the LP value at the solution) and `after.es` (engine convention).
 *
 * Objectives: 'min-es' minimises the ES; 'max-return' maximises the mean P&L (1/S) Σ_s (b_s + Σ P_si x_i)
 * subject to the ES row ζ + w Σ u_s ≤ esBudget (set 'es-budget'). Optional rows: mean P&L ≥
 * minExpectedPnl ('expected-return'), net delta bounds ('delta-bounds'), budget ('budget'), position
 * limits as variable bounds ('position-limits'); integer lots make it a MIP.
 *
 * ## References
 * - R. T. Rockafellar, S. Uryasev, "Optimization of conditional value-at-risk", Journal of Risk 2(3), 2000.
 * - C. Acerbi, D. Tasche, "On the coherence of expected shortfall", J. Banking & Finance 26(7), 2002,
 *   doi:10.1016/S0378-4266(02)00283-2.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { LIMITS } from '../util/index.js';
import { revalueGrid, type Market, type Position, type Scenario } from '../instruments/index.js';
import { gridMargin, type GridMarginConfig } from '../margin/grid/index.js';
import { levelsFromLosses, tailCount } from '../risk/index.js';
import { addExposureRows, addHedgeVariables, confidenceLevel, deltaUnderlyings, finite, netDelta, positionDeltas, quantities, bookDelta } from './exposure.js';
import { LpModel } from './lp.js';
import { extractSolution, solveModel, type SolveOptions } from './solve.js';
import { EsOracle } from './esOracle.js';
import { solveEsScaled } from './esCuts.js';
import type { ExposureConstraints, HedgeInstrument, OptimizationResult } from './types.js';

/** Instrument positions behind a matrix problem, to report grid margin before and after. */
export interface HedgeBook {
  /** The base book. */
  positions: Position[];
  /** One unit template per instrument (same order as `instruments`); its quantity is replaced by the trade. */
  hedges: Position[];
  market: Market;
  grid?: GridMarginConfig;
}

/** An ES hedging problem on a scenario P&L matrix. */
export interface CvarHedgeProblem extends ExposureConstraints {
  /** Confidence a of the ES, in (0, 1). */
  confidence: number;
  /** Base-book P&L per scenario (S values, USD, gain positive). */
  basePnl: ArrayLike<number>;
  /** Hedge P&L per unit quantity, scenario-major: P_si at [s·H + i] (the `revalueGrid` perPosition layout). */
  hedgePnl: ArrayLike<number>;
  instruments: HedgeInstrument[];
  /** 'min-es' (default) or 'max-return' (needs `esBudget`). */
  objective?: 'min-es' | 'max-return';
  /** ES limit (USD, loss positive) for 'max-return'. Constraint set 'es-budget'. */
  esBudget?: number;
  /** Required mean P&L of the hedged book (USD). Constraint set 'expected-return'. */
  minExpectedPnl?: number;
  /** Tail weight w of the LP: 'discrete' 1/k (default, engine ES) or 'continuous' 1/((1 − a)S). */
  tailWeighting?: 'discrete' | 'continuous';
  /** Positions behind the matrix, for grid margin in the before/after metrics. */
  book?: HedgeBook;
}

/** Risk of a book on the problem's scenarios. */
export interface HedgeMetrics {
  /** Engine-convention ES (mean of the k largest losses). */
  es: number;
  var: number;
  k: number;
  /** Mean P&L over the scenarios. */
  expectedPnl: number;
  /** Net delta by underlying (instrument-delta units). */
  delta: Record<string, number>;
  /** Grid initial margin (gridMargin) when the problem has a `book`; otherwise null. */
  gridMargin: number | null;
}

export interface CvarHedgeResult extends OptimizationResult<HedgeMetrics> {
  /** Quantity per instrument (0 when not traded), same order as `instruments`. */
  quantities: number[];
  /** The LP's tail measure ζ + w Σ u_s at the solution (USD). */
  esLp: number;
  /** ζ at the solution (the VaR for 'discrete' weighting when the tail is not degenerate). */
  zeta: number;
  /** How the answer was found: scenario generation (default) or the full Rockafellar–Uryasev LP. */
  solver: CvarSolverInfo;
}

/** Solver statistics of {@link minimizeCvar}. */
export interface CvarSolverInfo {
  method: 'cuts' | 'lp';
  /** Master solves (1 for the full LP). */
  iterations: number;
  /** Scenarios with their own row in the final master (all S for the full LP). */
  scenarios: number;
  /** Passes over all scenarios (ES and cut at a point). */
  evaluations: number;
  /** Final bounds on the objective (equal for the full LP). */
  lowerBound: number;
  upperBound: number;
  /** Milliseconds in HiGHS and in scenario pricing. */
  masterMs: number;
  pricingMs: number;
}

/**
 * Chooses hedge quantities that minimise the ES of the hedged book (or maximise its mean P&L under an
 * ES budget), subject to delta bounds, position limits, budget and lots. See the module comment.
 *
 * @returns objective: ES (USD) for 'min-es', mean P&L (USD) for 'max-return'.
 * @throws {ValidationError} for bad input (field named).
 * @throws {SolverError} Infeasible (constraintSet e.g. 'delta-bounds', 'es-budget') or Unbounded ('position-limits').
 * @example
 * const r = await minimizeCvar({ confidence: 0.5, basePnl: [-10, 10], hedgePnl: [1, -2],
 *   instruments: [{ id: 'h', lower: 0, upper: 20 }] });
 * r.quantities[0] // returns 6.666… (loss 10 − x = 2x − 10)
 */
export async function minimizeCvar(problem: CvarHedgeProblem, options: SolveOptions = {}): Promise<CvarHedgeResult> {
  const t0 = performance.now();
  const p = validateProblem(problem);
  const { S, H, base, P, a } = p;
  const k = tailCount(S, a);
  const w = problem.tailWeighting === 'continuous' ? 1 / ((1 - a) * S) : 1 / k;
  const mode = problem.objective ?? 'min-es';

  const mean = new Float64Array(H);
  let baseMean = 0;
  for (let s = 0; s < S; s++) {
    baseMean += base[s];
    for (let i = 0; i < H; i++) mean[i] += P[s * H + i];
  }
  baseMean /= S;
  for (let i = 0; i < H; i++) mean[i] /= S;

  const unders = deltaUnderlyings(problem.instruments, problem);
  const metrics = (q: ArrayLike<number>): HedgeMetrics => {
    const losses = new Float64Array(S);
    let m = 0;
    for (let s = 0; s < S; s++) {
      let pnl = base[s];
      for (let i = 0; i < H; i++) pnl += P[s * H + i] * q[i];
      losses[s] = -pnl;
      m += pnl;
    }
    const lv = levelsFromLosses(losses, [a])[0];
    return {
      es: lv.es, var: lv.var, k: lv.k, expectedPnl: m / S,
      delta: netDelta(problem.instruments, q, problem.baseDelta ?? {}, unders),
      gridMargin: problem.book ? bookGridMargin(problem.book, Array.from(q)) : null,
    };
  };
  const maxReturn = mode === 'max-return';
  const budget = maxReturn ? finite('problem.esBudget', problem.esBudget) : 0;
  const integer = problem.instruments.some((h) => h?.integer === true || h?.lotSize !== undefined);
  const method = options.esMethod ?? 'cuts';
  if (method !== 'cuts' && method !== 'lp') throw new ValidationError('options.esMethod', 'enum', `must be 'cuts' or 'lp'; got ${describeValue(method)}`, method);

  if (method === 'cuts' && !integer) {
    // cutting planes: the master holds the exposure rows and one row per cut (esCuts.ts)
    const model = new LpModel();
    model.sense = maxReturn ? 'maximize' : 'minimize';
    if (maxReturn) model.objectiveConstant = baseMean;
    const v = addHedgeVariables(model, problem.instruments, maxReturn ? (i) => mean[i] : undefined);
    if (problem.minExpectedPnl !== undefined) {
      const target = finite('problem.minExpectedPnl', problem.minExpectedPnl);
      model.addRow('expected_pnl', 'expected-return', v.index, v.index.map((_, i) => mean[i] * v.lot[i]), '>=', target - baseMean);
    }
    addExposureRows(model, problem.instruments, v, problem, 'problem');
    const oracle = new EsOracle({ S, H, base, P, W: 1 / w });
    const r = await solveEsScaled({ model, hedgeIndex: v.index, lot: v.lot, oracle, mode, budget }, {
      tolerance: options.tolerance, maxIterations: options.maxIterations, timeLimit: options.timeLimit, sampleAbove: options.sampleAbove,
      onProgress: options.onProgress, signal: options.signal,
    });
    const buildMs = performance.now() - t0 - r.masterMs - r.pricingMs;
    const sol = extractSolution(model, r.values, null, options.bindingTolerance ?? 1e-7, 0, r.masterMs + r.pricingMs);
    const x = quantities(sol.values, v);
    const te = performance.now();
    const after = metrics(x);
    const before = metrics(new Float64Array(H));
    const evaluateMs = performance.now() - te;
    const binding = sol.binding;
    const bindingCounts: Record<string, number> = { ...sol.bindingCounts, 'es-tail': oracle.kk };
    if (maxReturn && Math.abs(r.es - budget) <= 1e-7 * Math.max(1, Math.abs(budget))) {
      binding.push({ name: 'es_budget', set: 'es-budget', kind: 'row', side: 'upper', value: r.es, bound: budget, dual: null });
      bindingCounts['es-budget'] = 1;
    }
    return {
      status: 'Optimal',
      objective: maxReturn ? sol.objective : r.es,
      trades: tradesOf(problem.instruments.map((h) => h.id), x),
      before,
      after,
      binding,
      bindingCounts,
      timing: { buildMs, writeMs: 0, solveMs: r.masterMs + r.pricingMs, evaluateMs },
      quantities: x,
      esLp: r.es,
      zeta: after.var,
      solver: {
        method: 'cuts', iterations: r.iterations, scenarios: r.scenarios, evaluations: r.evaluations,
        lowerBound: r.lower, upperBound: r.upper, masterMs: r.masterMs, pricingMs: r.pricingMs,
      },
    };
  }

  const model = new LpModel();
  model.quietSets.add('es-tail');
  model.structuralSets.add('es-tail');
  model.sense = maxReturn ? 'maximize' : 'minimize';
  if (maxReturn) model.objectiveConstant = baseMean;
  const v = addHedgeVariables(model, problem.instruments, maxReturn ? (i) => mean[i] : undefined);
  const zeta = model.addVariable('zeta', { lower: -Infinity, objective: maxReturn ? 0 : 1 });
  const u0 = model.variables.length;
  for (let s = 0; s < S; s++) model.addVariable(`u${s}`, { objective: maxReturn ? 0 : w });
  for (let s = 0; s < S; s++) {
    const vars: number[] = [];
    const coefs: number[] = [];
    for (let i = 0; i < H; i++) {
      const c = P[s * H + i];
      if (c !== 0) { vars.push(v.index[i]); coefs.push(c * v.lot[i]); }
    }
    vars.push(zeta, u0 + s);
    coefs.push(1, 1);
    model.addRow(`tail${s}`, 'es-tail', vars, coefs, '>=', -base[s]);
  }
  if (maxReturn) {
    const vars = [zeta];
    const coefs = [1];
    for (let s = 0; s < S; s++) { vars.push(u0 + s); coefs.push(w); }
    model.addRow('es_budget', 'es-budget', vars, coefs, '<=', budget);
  }
  if (problem.minExpectedPnl !== undefined) {
    const target = finite('problem.minExpectedPnl', problem.minExpectedPnl);
    model.addRow('expected_pnl', 'expected-return', v.index, v.index.map((_, i) => mean[i] * v.lot[i]), '>=', target - baseMean);
  }
  addExposureRows(model, problem.instruments, v, problem, 'problem');
  const buildMs = performance.now() - t0;

  const sol = await solveModel(model, options);
  const x = quantities(sol.values, v);
  let esLp = sol.values[zeta];
  for (let s = 0; s < S; s++) esLp += w * sol.values[u0 + s];
  const te = performance.now();
  const before = metrics(new Array<number>(H).fill(0));
  const after = metrics(x);
  const evaluateMs = performance.now() - te;
  return {
    status: 'Optimal',
    objective: sol.objective,
    trades: tradesOf(problem.instruments.map((h) => h.id), x),
    before,
    after,
    binding: sol.binding,
    bindingCounts: sol.bindingCounts,
    timing: { buildMs, writeMs: sol.writeMs, solveMs: sol.solveMs, evaluateMs },
    quantities: x,
    esLp,
    zeta: sol.values[zeta],
    solver: { method: 'lp', iterations: 1, scenarios: S, evaluations: 0, lowerBound: sol.objective, upperBound: sol.objective, masterMs: sol.solveMs, pricingMs: 0 },
  };
}

/** Non-zero trades in input order. */
export function tradesOf(ids: readonly string[], x: readonly number[]): { id: string; index: number; quantity: number }[] {
  return x.flatMap((q, index) => (q !== 0 ? [{ id: ids[index], index, quantity: q }] : []));
}

/** Grid initial margin of base positions plus hedge templates at quantities q. */
export function bookGridMargin(book: HedgeBook, q: readonly number[]): number {
  const hedged = book.hedges.flatMap((h, i) => (q[i] !== 0 ? [{ ...h, quantity: q[i] }] : []));
  const all = [...book.positions, ...hedged];
  return all.length === 0 ? 0 : gridMargin(all, book.market, book.grid ?? {}).initial;
}

function validateProblem(problem: CvarHedgeProblem) {
  if (problem === null || typeof problem !== 'object') throw new ValidationError('problem', 'type', `must be an object; got ${describeValue(problem)}`, problem);
  const a = confidenceLevel('problem.confidence', problem.confidence);
  if (!Array.isArray(problem.instruments)) throw new ValidationError('problem.instruments', 'type', `must be an array; got ${describeValue(problem.instruments)}`, problem.instruments);
  const H = problem.instruments.length;
  const base = problem.basePnl;
  const P = problem.hedgePnl;
  if (base === null || typeof base !== 'object' || typeof base.length !== 'number' || base.length === 0) {
    throw new ValidationError('problem.basePnl', 'type', `must be a non-empty array of P&L per scenario; got ${describeValue(base)}`, base);
  }
  const S = base.length;
  if (P === null || typeof P !== 'object' || P.length !== S * H) {
    throw new ValidationError('problem.hedgePnl', 'shape', `must hold scenarios × instruments = ${S} × ${H} = ${S * H} values; got ${describeValue(P)}`, P);
  }
  // fast scan; the field name is built only for the entry that fails
  const lim = LIMITS.pnl;
  for (let s = 0; s < S; s++) { const x = base[s]; if (!(typeof x === 'number' && Math.abs(x) <= lim)) finite(`problem.basePnl[${s}]`, x); }
  for (let j = 0; j < P.length; j++) { const x = P[j]; if (!(typeof x === 'number' && Math.abs(x) <= lim)) finite(`problem.hedgePnl[${j}]`, x); }
  const mode = problem.objective ?? 'min-es';
  if (mode !== 'min-es' && mode !== 'max-return') throw new ValidationError('problem.objective', 'enum', `must be 'min-es' or 'max-return'; got ${describeValue(mode)}`, mode);
  if (mode === 'max-return' && problem.esBudget === undefined) throw new ValidationError('problem.esBudget', 'required', `is required when objective is 'max-return'; got undefined`);
  const tw = problem.tailWeighting ?? 'discrete';
  if (tw !== 'discrete' && tw !== 'continuous') throw new ValidationError('problem.tailWeighting', 'enum', `must be 'discrete' or 'continuous'; got ${describeValue(tw)}`, tw);
  if (problem.book !== undefined && problem.book.hedges?.length !== H) {
    throw new ValidationError('problem.book.hedges', 'shape', `must hold one template per instrument (${H}); got ${describeValue(problem.book.hedges)}`, problem.book.hedges);
  }
  return { S, H, base, P, a };
}

/** Input of {@link hedgeProblemFromPositions}. */
export interface PositionHedgeInput extends Omit<CvarHedgeProblem, 'basePnl' | 'hedgePnl' | 'instruments' | 'baseDelta' | 'book'> {
  positions: Position[];
  /** Candidate hedges: a unit template position plus limits, lots and cost. */
  hedges: Array<Omit<HedgeInstrument, 'id' | 'delta'> & { id?: string; position: Position }>;
  market: Market;
  scenarios: Scenario[];
  grid?: GridMarginConfig;
}

/**
 * Builds a matrix problem from instrument positions: base P&L and unit hedge P&L by full revaluation
 * (`revalueGrid`) under `scenarios`, deltas in underlying units by central difference, and a `book`
 * so results report grid margin.
 * @throws {ValidationError} for bad positions, market or scenarios.
 */
export function hedgeProblemFromPositions(input: PositionHedgeInput): CvarHedgeProblem {
  const { positions, hedges, market, scenarios, grid, ...rest } = input;
  if (!Array.isArray(hedges) || hedges.length === 0) throw new ValidationError('hedges', 'type', `must be a non-empty array; got ${describeValue(hedges)}`, hedges);
  const templates = hedges.map((h) => ({ ...h.position, quantity: 1 }) as Position);
  const S = scenarios.length;
  const basePnl = positions.length > 0 ? revalueGrid(positions, market, scenarios).total : new Float64Array(S);
  const hedgePnl = revalueGrid(templates, market, scenarios, { perPosition: true }).byPosition as Float64Array;
  const deltas = positionDeltas(templates, market);
  const instruments: HedgeInstrument[] = hedges.map(({ position, ...h }, i) => ({ ...h, id: h.id ?? position.id ?? `hedge${i}`, delta: deltas[i] }));
  const book: HedgeBook = { positions, hedges: templates, market };
  if (grid !== undefined) book.grid = grid;
  return { ...rest, basePnl, hedgePnl, instruments, baseDelta: positions.length > 0 ? bookDelta(positions, market) : {}, book };
}
