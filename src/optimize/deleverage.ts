/**
 * Margin-call deleveraging: the cheapest set of position reductions that restores maintenance margin
 * plus a buffer.
 *
 * ## Method
 * Positions q_i (signed), reductions 0 ≤ r_i ≤ |q_i| toward zero, liquidity-cost weights w_i, trading
 * cost c_i per unit reduced (paid from equity E), buffer b. The condition to restore is
 *   E − Σ c_i r_i ≥ (1 + b) · MM(q − sign(q)·r).
 * Successive linearisation: at round k, with reductions r^k so far and the book q^k, the margin is
 * approximated by MM(q^k) − Σ m_i (r_i − r_i^k), where m_i is the relief per unit of reducing i — the
 * given `marginPerUnit` without a callback, else a one-sided finite difference of the `margin` callback at
 * q^k (step 1 % of |q_i|, at most what is left). The LP
 *   min Σ w_i r_i  s.t.  Σ ((1 + b) m_i − c_i) r_i ≥ (1 + b)(MM(q^k) + Σ m_i r_i^k) − E   (set 'margin-buffer')
 *                        r_i^k ≤ r_i ≤ |q_i|                                              (set 'position-size')
 * is solved and the real condition re-checked with the callback; reductions only grow from round to
 * round, so for a margin convex in the reductions (tiered maintenance, per-unit margin) the rounds
 * approach the boundary from below and stop once the real condition holds. With a linear margin
 * (per-unit rates, no callback) one round is exact and optimal. A non-convex margin (e.g. a grid with
 * options) still ends feasible if it ends, but need not be the least cut.
 * Trades are listed most margin relief per unit of weight first, the relief measured with the real margin
 * function: (MM(q) − MM(q with only i reduced by r_i)) / r_i.
 */
import { SolverError, ValidationError, describeValue } from '../errors/index.js';
import type { Market, Position } from '../instruments/index.js';
import { gridMargin, type GridMarginConfig } from '../margin/grid/index.js';
import { finite } from './exposure.js';
import { LpModel } from './lp.js';
import { solveModel, type SolveOptions } from './solve.js';
import type { OptimizationResult, Trade } from './types.js';

export interface DeleveragePosition {
  id: string;
  /** Signed quantity. */
  quantity: number;
  /** Liquidity-cost weight per unit reduced (default 1). */
  weight?: number;
  /** Trading cost per unit reduced, paid from equity (default 0; e.g. half-spread + fee, USD). */
  tradingCost?: number;
  /** Margin relief per unit reduced (linear margin), used when no `margin` callback is given. */
  marginPerUnit?: number;
}

export interface DeleverageProblem {
  positions: DeleveragePosition[];
  /** Account equity (USD). */
  equity: number;
  /** Buffer b ≥ 0 over maintenance margin (0.1 = equity must cover 110 % of MM). Default 0. */
  buffer?: number;
  /** Real maintenance margin of the book for signed quantities (same order as positions). Default Σ marginPerUnit_i·|q_i|. */
  margin?: (quantities: number[]) => number;
  /** Linearisation rounds before giving up (default 8). */
  maxRounds?: number;
}

export interface DeleverageMetrics {
  quantities: number[];
  /** Maintenance margin from the real margin function. */
  margin: number;
  /** Equity after trading costs. */
  equity: number;
  /** (1 + b) · margin. */
  required: number;
  /** equity − required (≥ 0 once restored). */
  excess: number;
}

export interface DeleverageTrade extends Trade {
  /** Amount reduced (|quantity|). */
  reduceBy: number;
  /** Real margin relief per unit reduced, alone at the original book. */
  reliefPerUnit: number;
  weight: number;
}

export interface DeleverageResult extends OptimizationResult<DeleverageMetrics> {
  /** Trades ordered by relief per unit of weight, highest first. */
  trades: DeleverageTrade[];
  /** Reduction r_i per position (input order). */
  reductions: number[];
  /** Linearisation rounds used (0 when no shortfall). */
  rounds: number;
}

/**
 * Smallest weighted reduction that restores maintenance margin plus buffer (see the module comment).
 * @returns objective: Σ w_i r_i of the final round.
 * @throws {ValidationError} for bad input (field named).
 * @throws {SolverError} 'margin-buffer' when even closing everything cannot restore the buffer (Infeasible)
 *   or the rounds run out ('Iteration limit reached').
 */
export async function deleverage(problem: DeleverageProblem, options: SolveOptions = {}): Promise<DeleverageResult> {
  const t0 = performance.now();
  const { positions, equity, buffer, maxRounds } = validate(problem);
  const n = positions.length;
  const q = positions.map((p) => p.quantity);
  const sign = q.map((x) => Math.sign(x));
  const size = q.map((x) => Math.abs(x));
  const w = positions.map((p) => p.weight ?? 1);
  const c = positions.map((p) => p.tradingCost ?? 0);
  const linear = (qq: number[]) => qq.reduce((s, x, i) => s + Math.abs(x) * (positions[i].marginPerUnit ?? 0), 0);
  const mm = problem.margin ?? linear;
  const bookAt = (r: number[]) => q.map((x, i) => x - sign[i] * r[i]);
  const metrics = (r: number[]): DeleverageMetrics => {
    const quantities = bookAt(r);
    const margin = finite('margin(quantities)', mm(quantities));
    const eq = equity - r.reduce((s, x, i) => s + c[i] * x, 0);
    return { quantities, margin, equity: eq, required: (1 + buffer) * margin, excess: eq - (1 + buffer) * margin };
  };
  const holds = (m: DeleverageMetrics) => m.excess >= -1e-7 * Math.max(1, Math.abs(m.required));

  let r = new Array<number>(n).fill(0);
  const before = metrics(r);
  let buildMs = performance.now() - t0;
  let writeMs = 0;
  let solveMs = 0;
  let rounds = 0;
  let last: Awaited<ReturnType<typeof solveModel>> | null = null;
  let objective = 0;
  let current = before;
  while (!holds(current)) {
    if (rounds === maxRounds) {
      throw new SolverError('Iteration limit reached', 'margin-buffer', `margin condition still short by ${-current.excess} after ${rounds} linearisation rounds`);
    }
    rounds++;
    const tb = performance.now();
    const qk = current.quantities;
    const slope = positions.map((p, i) => {
      if (p.marginPerUnit !== undefined && problem.margin === undefined) return p.marginPerUnit;
      const left = size[i] - r[i];
      if (!(left > 0)) return 0;
      const h = Math.min(left, Math.max(0.01 * size[i], 1e-9));
      const moved = qk.slice();
      moved[i] -= sign[i] * h;
      return (current.margin - finite('margin(quantities)', mm(moved))) / h;
    });
    const model = new LpModel();
    model.structuralSets.add('position-size');
    model.unboundedSet = 'position-size';
    const vars = positions.map((p, i) => model.addVariable(`reduce_${p.id}`, { lower: r[i], upper: size[i], objective: w[i], boundSet: 'position-size' }));
    const rhs = (1 + buffer) * (current.margin + slope.reduce((s, m, i) => s + m * r[i], 0)) - equity;
    model.addRow('margin_buffer', 'margin-buffer', vars, slope.map((m, i) => (1 + buffer) * m - c[i]), '>=', rhs);
    buildMs += performance.now() - tb;
    const sol = await solveModel(model, options);
    writeMs += sol.writeMs;
    solveMs += sol.solveMs;
    last = sol;
    objective = sol.objective;
    // Reductions never shrink between rounds; clamp solver noise into [r^k, |q|].
    r = vars.map((j, i) => Math.min(size[i], Math.max(r[i], sol.values[j])));
    current = metrics(r);
  }

  const te = performance.now();
  const trades: DeleverageTrade[] = [];
  r.forEach((ri, i) => {
    if (!(ri > 1e-12)) return;
    const alone = q.slice();
    alone[i] -= sign[i] * ri;
    const reliefPerUnit = (before.margin - mm(alone)) / ri;
    trades.push({ id: positions[i].id, index: i, quantity: -sign[i] * ri, reduceBy: ri, reliefPerUnit, weight: w[i] });
  });
  trades.sort((a, b) => b.reliefPerUnit / b.weight - a.reliefPerUnit / a.weight);
  const evaluateMs = performance.now() - te;
  return {
    status: 'Optimal',
    objective,
    trades,
    before,
    after: current,
    binding: last?.binding ?? [],
    bindingCounts: last?.bindingCounts ?? {},
    timing: { buildMs, writeMs, solveMs, evaluateMs },
    reductions: r,
    rounds,
  };
}

/**
 * A margin callback from the scenario grid: maintenance margin (`gridMargin`) of `positions` with their
 * quantities replaced (positions at 0 are left out).
 */
export function gridMarginFunction(positions: readonly Position[], market: Market, config: GridMarginConfig = {}): (quantities: number[]) => number {
  return (quantities) => {
    const book = positions.flatMap((p, i) => (quantities[i] !== 0 ? [{ ...p, quantity: quantities[i] }] : []));
    return book.length === 0 ? 0 : gridMargin(book, market, config).maintenance;
  };
}

function validate(problem: DeleverageProblem) {
  if (problem === null || typeof problem !== 'object') throw new ValidationError('problem', 'type', `must be an object; got ${describeValue(problem)}`, problem);
  const { positions } = problem;
  if (!Array.isArray(positions) || positions.length === 0) throw new ValidationError('problem.positions', 'type', `must be a non-empty array; got ${describeValue(positions)}`, positions);
  positions.forEach((p, i) => {
    const f = `problem.positions[${i}]`;
    if (typeof p?.id !== 'string' || p.id.length === 0) throw new ValidationError(`${f}.id`, 'type', `must be a non-empty string; got ${describeValue(p?.id)}`, p?.id);
    finite(`${f}.quantity`, p.quantity);
    for (const k of ['weight', 'tradingCost', 'marginPerUnit'] as const) {
      if (p[k] !== undefined && finite(`${f}.${k}`, p[k]) < 0) throw new ValidationError(`${f}.${k}`, 'non-negative', `must be >= 0; got ${p[k]}`, p[k]);
    }
    if (p.weight === 0) throw new ValidationError(`${f}.weight`, 'positive', `must be > 0; got 0`, 0);
    if (problem.margin === undefined && p.marginPerUnit === undefined) {
      throw new ValidationError(`${f}.marginPerUnit`, 'required', `is required when no margin function is given; got undefined`);
    }
  });
  const equity = finite('problem.equity', problem.equity);
  const buffer = problem.buffer === undefined ? 0 : finite('problem.buffer', problem.buffer);
  if (buffer < 0) throw new ValidationError('problem.buffer', 'non-negative', `must be >= 0; got ${buffer}`, buffer);
  if (problem.margin !== undefined && typeof problem.margin !== 'function') throw new ValidationError('problem.margin', 'type', `must be a function; got ${describeValue(problem.margin)}`, problem.margin);
  const maxRounds = problem.maxRounds ?? 8;
  if (!Number.isInteger(maxRounds) || maxRounds < 1) throw new ValidationError('problem.maxRounds', 'integer', `must be an integer >= 1; got ${describeValue(maxRounds)}`, maxRounds);
  return { positions, equity, buffer, maxRounds };
}
