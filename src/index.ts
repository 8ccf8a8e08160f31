/**
 * margin-engine: VaR/ES, margin and optimisation for crypto, options and derivatives portfolios,
 * on AssemblyScript/WASM kernels fanned out over a Piscina worker pool.
 *
 * The engine (`createEngine`) owns the worker pool; the model modules are also exported as
 * namespaces of pure functions for direct use.
 */
export { createEngine, Engine } from './engine/index.js';
export type {
  EngineOptions, CallOptions, VarOptions, VarResult, VarMethod, Progress, LevelResult,
  MarginOptions, MarginResult, TieredMarket, InstrumentBook, HistoryMarket, Contribution,
  Matrix, CovarianceOptions, CovarianceResult, BacktestOptions, OptimizeRequest, OptimizeResult,
  VenuePathInput, VenueRunOptions, VenueSimConfig, VenueSizingOptions, VenueStreamItem, VenueStreamOptions,
} from './engine/index.js';
export {
  MarginEngineError, ValidationError, AbortError, WasmUnavailableError, WorkerError, QueueStateLostError, EngineClosedError, SolverError,
  NumericalError,
} from './errors/index.js';
export { PortfolioSchema, MarketSchema, VarOptionsSchema, VAR_METHODS } from './schemas/index.js';
export type { PortfolioInput, MarketInput, VarOptionsInput } from './schemas/index.js';
export { tailCount } from './risk/index.js';
export { MARGIN_MODELS, marginModel, defineMarginModel } from './margin/index.js';
export type { MarginModel, MarginModelDef, ParsedMarginRequest } from './margin/index.js';
export { VAR_METHOD_TABLE, varMethod } from './engine/index.js';
export type { VarMethodDef } from './engine/index.js';
export type { TaskRunner, TaskDef } from './pool/index.js';
export { sampleTierTables } from './margin/index.js';
export * as tiered from './margin/tiered/index.js';
export * as grid from './margin/grid/index.js';
export * as varEs from './margin/var-es/index.js';
export * as market from './market/index.js';
export * as optimize from './optimize/index.js';
export * as instruments from './instruments/index.js';
export * as backtest from './backtest/index.js';
export * as stress from './stress/index.js';
export * as stats from './stats/index.js';
export * as risk from './risk/index.js';
export * as solvency from './solvency/index.js';
