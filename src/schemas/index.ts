/**
 * zod schemas by concept, shared by the library façade, the CLI and the service (the margin
 * models' schemas live with the models, in src/margin/*\/model.ts, and are read through the
 * margin registry). `parseInput` turns the first zod issue into a `ValidationError` naming the
 * field path and the bad value (`options.confidence: must be < 1; got 1.5`).
 */
export { finite, bounded, priceOf, vector, matrix, vectorOf, matrixOf, isObjectLike, formatPath, parseInput } from './common.js';
export type { WorkEstimate } from './common.js';
export {
  MAX_SCENARIOS, MAX_FACTORS, PortfolioSchema, MarketSchema, VAR_METHODS, VarOptionsSchema, VarRequestSchema,
} from './var.js';
export type { PortfolioInput, MarketInput, VarOptionsInput, VarOptionsParsed, VarRequest, VarMethodName } from './var.js';
export { InstrumentPositionSchema, InstrumentBookSchema, InstrumentMarketSchema, PriceSeriesSchema } from './instruments.js';
export { StressRequestSchema } from './stress.js';
export type { StressRequest } from './stress.js';
export { BacktestRequestSchema } from './backtest.js';
export type { BacktestRequest } from './backtest.js';
export { OptimizeRequestSchema } from './optimize.js';
export type { OptimizeBody } from './optimize.js';
export { CovarianceRequestSchema } from './covariance.js';
export type { CovarianceRequest } from './covariance.js';
