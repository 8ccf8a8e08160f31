/**
 * Instruments: position types, option pricing and greeks (Black–Scholes, Black-76, linear and
 * inverse), and full revaluation under price / vol / time scenarios — an object API over a pure
 * kernel on flat Float64Array columns (the TS twin of the WASM revaluation kernel).
 */
export {
  DAYS_PER_YEAR,
  MIN_TOTAL_VOL,
  black76,
  blackScholes,
  gbsGreeks,
  gbsPrice,
  optionGreeks,
  optionPrice,
  toInverseGreeks,
  type Greeks,
  type OptionInputs,
  type OptionStyle,
  type OptionType,
  type PricingModel,
} from './pricing.js';
export type {
  InverseFuturePosition,
  LinearFuturePosition,
  Market,
  OptionPosition,
  Position,
  PositionKind,
  PositionPnl,
  RevaluationResult,
  Scenario,
  SpotPosition,
} from './types.js';
export { KIND, allocateColumns, revalueKernel, type InstrumentColumns, type ScenarioColumns } from '../kernels/index.js';
export { MAX_VOL, buildInstrumentTable, fillInstrumentRows, validateMarket, type InstrumentTable } from './table.js';
export { revalue, revalueColumns, revalueGrid, toScenarioColumns, type GridRevaluation } from './revalue.js';
