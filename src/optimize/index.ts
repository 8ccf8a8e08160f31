/**
 * Optimisation: the least capital for the exposure the user wants. LP/MIP models are written as CPLEX LP
 * text and solved with HiGHS (WASM); an infeasible or unbounded model throws `SolverError` naming the
 * constraint set, never a partial answer. Public door of src/optimize.
 *
 * - `minimizeCvar`: ES hedging (Rockafellar–Uryasev), min ES or max mean P&L under an ES budget.
 * - `minimizeGridMargin`: hedge that minimises scenario-grid margin.
 * - `allocateCollateral`: cheapest collateral allocation with haircuts, eligibility and concentration.
 * - `deleverage`: smallest weighted cut that restores maintenance margin plus a buffer.
 * - `kellyFraction`: fractional Kelly under an ES budget and a liquidation buffer.
 * - `LpModel`, `solveModel`: the model builder and solver wrapper underneath.
 */
export {
  LpModel,
  formatLpBound,
  formatLpNumber,
  sanitizeLpName,
  type LpRow,
  type LpVariable,
  type RowSense,
  type VariableOptions,
  type WriteOptions,
} from './lp.js';
export { loadHighs, solveModel, type BindingConstraint, type ModelSolution, type SolveOptions } from './solve.js';
export type { ExposureConstraints, HedgeBudget, HedgeInstrument, OptimizationResult, Timing, Trade } from './types.js';
export { bookDelta, positionDeltas } from './exposure.js';
export {
  bookGridMargin,
  hedgeProblemFromPositions,
  minimizeCvar,
  type CvarHedgeProblem,
  type CvarHedgeResult,
  type HedgeBook,
  type HedgeMetrics,
  type PositionHedgeInput,
} from './cvar.js';
export { minimizeGridMargin, type GridHedgeProblem, type GridHedgeResult, type GridMetrics, type HedgeCandidate } from './gridHedge.js';
export {
  allocateCollateral,
  type Allocation,
  type CollateralAsset,
  type CollateralMetrics,
  type CollateralProblem,
  type CollateralResult,
  type CollateralVenue,
} from './collateral.js';
export {
  deleverage,
  gridMarginFunction,
  type DeleverageMetrics,
  type DeleveragePosition,
  type DeleverageProblem,
  type DeleverageResult,
  type DeleverageTrade,
} from './deleverage.js';
export { kellyFraction, type KellyCap, type KellyOptions, type KellyResult } from './kelly.js';
export { buildScalingProblem } from './scaling.js';
export { rejectUnknownProblemKeys } from './request-keys.js';
