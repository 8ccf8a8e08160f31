/**
 * Types shared by the optimisation problems: hedge candidates, exposure constraints, trades, results.
 */

/** A candidate hedge instrument of a matrix problem (P&L per unit given by the caller). */
export interface HedgeInstrument {
  /** Label echoed in trades and binding constraints. */
  id: string;
  /**
   * Delta per unit quantity, by underlying, in the units of `deltaBounds` (underlying units when
   * built by `hedgeProblemFromPositions`). Missing underlyings count 0.
   */
  delta?: Record<string, number>;
  /** Position limits on the quantity traded (default unbounded both ways). Constraint set 'position-limits'. */
  lower?: number;
  upper?: number;
  /** Trade whole lots: quantity = lotSize · n with n integer (MIP). Default lot 1 when `integer` is set. */
  integer?: boolean;
  lotSize?: number;
  /** Cost per unit quantity for the budget constraint (premium, notional or fee per unit; default 0). */
  cost?: number;
}

/** Budget on hedge spending. */
export interface HedgeBudget {
  /** Budget B in the cost unit (≥ 0 for 'gross'). */
  limit: number;
  /**
   * 'gross' (default): Σ |cost_i · x_i| ≤ B — every trade consumes budget (fees, notional limits);
   * modelled with a_i ≥ |x_i| (rows a_i − x_i ≥ 0, a_i + x_i ≥ 0) and Σ |cost_i| a_i ≤ B.
   * 'net': Σ cost_i · x_i ≤ B — premium outlay, where selling collects cash that pays for buying.
   */
  mode?: 'gross' | 'net';
}

/** Exposure constraints common to the hedge problems. */
export interface ExposureConstraints {
  /** Delta of the base book by underlying (same units as the instrument deltas). */
  baseDelta?: Record<string, number>;
  /** Net delta (base + hedges) per underlying must lie in [lo, hi]. Constraint set 'delta-bounds'. */
  deltaBounds?: Record<string, readonly [number, number]>;
  /** Constraint set 'budget'. */
  budget?: HedgeBudget;
}

/** One proposed trade. */
export interface Trade {
  id: string;
  /** Index of the instrument / position / asset in the input. */
  index: number;
  /** Signed quantity to trade (buy > 0, sell < 0). */
  quantity: number;
}

/** Wall-clock milliseconds of a solve. */
export interface Timing {
  /** Building the model (matrices, revaluation for metrics excluded). */
  buildMs: number;
  /** Handing the model to HiGHS (numeric arrays for its model interface). */
  writeMs: number;
  /** Inside HiGHS (presolve, solve) and, for ES problems, pricing the scenarios; summed over rounds. */
  solveMs: number;
  /** Re-evaluating the answer (before/after metrics on the real models: ES on all scenarios, grid margin…). */
  evaluateMs: number;
}

/** What every optimisation result carries. */
export interface OptimizationResult<M> {
  status: 'Optimal';
  /** Optimal objective of the (last) model solved, in its unit (documented per problem). */
  objective: number;
  trades: Trade[];
  before: M;
  after: M;
  /** Rows and labelled bounds with ~0 slack at the solution, by name (bulk sets only counted). */
  binding: BindingConstraint[];
  /** Binding count per constraint set, bulk sets included. */
  bindingCounts: Record<string, number>;
  timing: Timing;
}

/** Progress of an ES solve, reported once per iteration. */
export interface EsProgress {
  iteration: number;
  /** Lower / upper bound of the objective (USD; for 'max-return': return bounds, lower null until feasible). */
  lower: number | null;
  upper: number | null;
  /** Relative gap (min-es) or relative ES-budget violation of the master point (max-return). */
  gap: number;
  /** Explicit scenarios in the master. */
  scenarios: number;
}

/** A row or variable bound that holds with equality at the solution. */
export interface BindingConstraint {
  /** Row or variable label as given to the model (e.g. 'delta_BTC', 'x_BTC-PERP'). */
  name: string;
  /** Constraint set ('delta-bounds', 'position-limits'…). */
  set: string;
  kind: 'row' | 'bound';
  /** Which side is active. */
  side: 'lower' | 'upper' | 'equality';
  /** Row activity or variable value. */
  value: number;
  bound: number;
  /** Shadow price of the row (LP only; null for MIP or bounds). */
  dual: number | null;
}
