/**
 * The engine room's door: the {@link Engine} (engine.ts) and what its callers use with it — the
 * operations table the service and CLI share, the VaR method table, defaults and request types.
 */
export { Engine, createEngine, ENGINE_TASK_MODULES, gapPercent } from './engine.js';
export type {
  EngineOptions, BacktestOptions, TieredMarket, WhatIfMarketInput, InstrumentBook, HistoryMarket, MarginOptions, MarginResult,
  CallOptions, OptimizeProgress,
} from './engine.js';
export type { LevelResult, Contribution } from '../risk/index.js';
export type { OptimizeRequest, OptimizeResult } from './tasks.js';
export type { VenuePathInput, VenueRunOptions, VenueSimConfig, VenueSizingOptions, VenueStreamItem, VenueStreamOptions } from './venue.js';
export { BACKTEST_DEFAULTS, COVARIANCE_DEFAULTS, ENGINE_DEFAULTS } from './defaults.js';
export type { VarOptions, VarResult, VarMethod } from './var-types.js';
export { VAR_METHOD_TABLE, varMethod } from './var-methods.js';
export type { VarMethodDef, VarJob } from './var-methods.js';
export { OPERATIONS, checkWork, operation, parseBody } from './operations.js';
export type { Operation, RunContext, WorkEstimate, StressRequest, BacktestRequest } from './operations.js';
export type { CovarianceOptions, CovarianceResult, Matrix } from './covariance.js';
export type { VenueMarket } from '../venues/index.js';
export type { Order, WhatIfOptions, WhatIfRequest, WhatIfResult, ModelDelta } from '../whatif/index.js';
export { applyVenue } from '../venues/index.js';
export type { Progress } from '../risk/index.js';
