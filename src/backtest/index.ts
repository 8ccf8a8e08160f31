/**
 * Public door of the backtest module: VaR exceedances, Kupiec and Christoffersen tests, the Basel
 * traffic light, margin procyclicality metrics, rolling backtests and recalibration. Pure functions.
 */
export { exceedances, kupiecPof, christoffersen } from './coverage.js';
export type { ExceedanceResult, KupiecResult, ChristoffersenResult } from './coverage.js';
export { trafficLight, binomialCdf } from './trafficLight.js';
export type { TrafficLightResult, TrafficLightOptions, TrafficLightZone } from './trafficLight.js';
export { procyclicality } from './procyclicality.js';
export type { ProcyclicalityOptions, ProcyclicalityResult } from './procyclicality.js';
export {
  backtest,
  rollingBacktest,
  tailCount,
  historicalForecaster,
  ewmaNormalForecaster,
  scaledForecaster,
} from './rolling.js';
export type {
  Forecaster,
  BacktestOptions,
  BacktestResult,
  RollingBacktestOptions,
  RollingBacktestResult,
} from './rolling.js';
export { recalibrate } from './recalibrate.js';
export type {
  ModelSpec,
  RecalibrationCandidates,
  RecalibrateOptions,
  CandidateSummary,
  RecalibrationResult,
} from './recalibrate.js';
