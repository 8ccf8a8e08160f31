/**
 * Market data, volatility and covariance models: the public door of `src/market`.
 *
 * Loaders (`parseCsv`, `loadCsv`, `fromArrays`) → `returns` / `aggregateReturns` → volatility
 * (`ewmaVolatility`, `fitGarch11`) and covariance (`sampleCovariance`, `ewmaCovariance`,
 * `ledoitWolf`), repaired with `nearestPsd` when needed; pure VaR/ES helpers for the engine.
 */
export { parseCsv, loadCsv, fromArrays } from './loaders.js';
export type { PriceSeries, FillPolicy, LoadOptions, CsvOptions } from './loaders.js';
export { returns, aggregateReturns, rollingWindows } from './returns.js';
export type { ReturnKind, WindowRange } from './returns.js';
export { ewmaVolatility, fitGarch11, fitGarch11With, garchForecast } from './volatility.js';
export type { EwmaVolResult, Garch11Params, Garch11Fit } from './volatility.js';
export {
  sampleCovariance, ewmaCovariance, ledoitWolf, ledoitWolfFromCentred, centreColumns, correlationFromCovariance, covarianceFromVolsAndCorrelation,
} from './covariance.js';
export type { EwmaCovarianceOptions, ShrunkCovariance } from './covariance.js';
export { jacobiEigen, nearestPsd, isPsd, conditionNumber } from './linalg.js';
export type { Eigen, NearestPsdOptions } from './linalg.js';
