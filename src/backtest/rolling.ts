/**
 * Backtest drivers: `backtest` on given forecasts, `rollingBacktest` that produces the forecasts with a
 * forecaster function over a rolling window, and the built-in forecasters.
 *
 * ## Conventions
 * - Loss is positive. `input: 'pnl'` flips the sign of the series once (loss = −P&L).
 * - The forecast for day t uses only days t − window … t − 1; days start … T − 1 are backtested.
 * - Verdicts at significance s (default 0.05):
 *   `passed`  = Kupiec p ≥ s and conditional-coverage p ≥ s and traffic light green;
 *   `failed`  = traffic light red or Kupiec p < s (the recalibration trigger).
 *   A model can be neither (e.g. yellow zone with an acceptable Kupiec p).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { requireTailSample, tailCount } from '../risk/index.js';
import { normalQuantile } from '../stats/index.js';
import { christoffersen, exceedances, kupiecPof } from './coverage.js';
import type { ChristoffersenResult, KupiecResult } from './coverage.js';
import { trafficLight } from './trafficLight.js';
import type { TrafficLightResult } from './trafficLight.js';
import { requireConfidence, requireInt, requireRange, requireSeries } from '../errors/index.js';

/** Produces a VaR forecast (positive = loss) from the previous `window` losses, oldest first. */
export type Forecaster = (history: Float64Array, confidence: number) => number;

export interface BacktestOptions {
  /** VaR confidence level in (0, 1). */
  confidence: number;
  /** Test size for the verdicts (default 0.05). */
  significance?: number;
}

export interface BacktestResult {
  confidence: number;
  significance: number;
  /** Number of backtested days. */
  n: number;
  /** Realised losses of the backtested days. */
  losses: Float64Array;
  /** VaR forecasts of the backtested days. */
  forecasts: Float64Array;
  hits: Uint8Array;
  exceedances: number;
  /** Mean VaR forecast: a proxy for the capital the model asks for. */
  meanForecast: number;
  kupiec: KupiecResult;
  christoffersen: ChristoffersenResult;
  trafficLight: TrafficLightResult;
  passed: boolean;
  failed: boolean;
}

export interface RollingBacktestOptions extends BacktestOptions {
  /** Number of past observations given to the forecaster (integer ≥ 1). */
  window: number;
  /** Whether the series holds losses (default) or P&L (loss = −P&L). */
  input?: 'loss' | 'pnl';
  /** First backtested day (default `window`; must be ≥ window), to compare models on the same days. */
  start?: number;
}

export interface RollingBacktestResult extends BacktestResult {
  window: number;
  /** Index in the input series of the first backtested day. */
  start: number;
}

/**
 * Backtests given VaR forecasts against realised losses: exceedances, Kupiec POF, Christoffersen
 * independence and conditional coverage, and the traffic light generalised to n = losses.length.
 *
 * @param losses realised losses (positive = loss), finite, length ≥ 1.
 * @param varForecasts VaR forecasts for the same days, same length.
 * @param options `confidence` in (0, 1); `significance` in (0, 1) (default 0.05).
 * @throws ValidationError for bad series or options.
 * @example
 * backtest([1, 5, 2, 0], [3, 3, 3, 3], { confidence: 0.99 }).exceedances // returns 1
 */
export function backtest(
  losses: ArrayLike<number>,
  varForecasts: ArrayLike<number>,
  options: BacktestOptions,
): BacktestResult {
  const confidence = requireConfidence('options.confidence', options?.confidence);
  const significance = requireConfidence('options.significance', options.significance ?? 0.05);
  const ex = exceedances(losses, varForecasts);
  const kupiec = kupiecPof(ex.n, ex.count, confidence);
  const cc = christoffersen(ex.hits, confidence);
  const tl = trafficLight(ex.count, { n: ex.n, confidence });
  let sum = 0;
  for (let i = 0; i < varForecasts.length; i++) sum += varForecasts[i];
  return {
    confidence,
    significance,
    n: ex.n,
    losses: Float64Array.from(losses),
    forecasts: Float64Array.from(varForecasts),
    hits: ex.hits,
    exceedances: ex.count,
    meanForecast: sum / ex.n,
    kupiec,
    christoffersen: cc,
    trafficLight: tl,
    passed: kupiec.pValue >= significance && cc.pValueCc >= significance && tl.zone === 'green',
    failed: tl.zone === 'red' || kupiec.pValue < significance,
  };
}

/**
 * Rolling out-of-sample backtest: for t = start … T − 1 the forecaster gets losses[t − window … t − 1]
 * (a fresh copy, oldest first) and returns VaR_t; then `backtest` runs on days start … T − 1.
 *
 * @param pnlOrLosses the series (losses by default; P&L with `input: 'pnl'`), finite, length > start.
 * @param forecaster `(history, confidence) => VaR`; must return a finite number.
 * @param options `window` (integer ≥ 1), `confidence`, `input`, `start` (≥ window), `significance`.
 * @throws ValidationError for bad options, a series no longer than `start`, or a non-finite forecast
 *   (field `forecaster`, naming the day).
 * @example
 * rollingBacktest(losses, historicalForecaster, { window: 250, confidence: 0.99 }).trafficLight.zone
 */
export function rollingBacktest(
  pnlOrLosses: ArrayLike<number>,
  forecaster: Forecaster,
  options: RollingBacktestOptions,
): RollingBacktestResult {
  if (typeof forecaster !== 'function') {
    throw new ValidationError('forecaster', 'type', `must be a function; got ${describeValue(forecaster)}`, forecaster);
  }
  const window = requireInt('options.window', options?.window, 1);
  const confidence = requireConfidence('options.confidence', options.confidence);
  const input = options.input ?? 'loss';
  if (input !== 'loss' && input !== 'pnl') {
    throw new ValidationError('options.input', 'enum', `must be 'loss' or 'pnl'; got ${describeValue(input)}`, input);
  }
  const start = requireInt('options.start', options.start ?? window, window);
  const series = requireSeries('pnlOrLosses', pnlOrLosses, start + 1);
  const T = series.length;
  const losses = new Float64Array(T);
  for (let t = 0; t < T; t++) losses[t] = input === 'pnl' ? -series[t] : series[t];

  const forecasts = new Float64Array(T - start);
  for (let t = start; t < T; t++) {
    const v = forecaster(losses.slice(t - window, t), confidence);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError('forecaster', 'finite', `must return a finite VaR; got ${describeValue(v)} for day ${t}`, v);
    }
    forecasts[t - start] = v;
  }
  const res = backtest(losses.subarray(start), forecasts, { confidence, significance: options.significance ?? 0.05 });
  return { ...res, window, start };
}

/** The engine's tail size k = ceil((1 − a)·N) (rounded to 1e-9 first), re-exported so there is one rule. */
export { tailCount };

/**
 * Historical-simulation VaR: the k-th largest loss of the history, k = tailCount(N, a).
 * @example historicalForecaster(Float64Array.from([1, 2, 3, 4]), 0.5) // returns 3 (k = 2)
 */
export const historicalForecaster: Forecaster = (history, confidence) => {
  // the minimum-sample rule of every empirical tail (src/risk/tail.ts): a shorter window would
  // forecast its maximum loss at any confidence
  requireTailSample(history.length, [confidence], 'options.window', 'losses in the window of historical simulation');
  const sorted = Float64Array.from(history).sort();
  return sorted[sorted.length - tailCount(sorted.length, confidence)];
};

/**
 * EWMA-normal VaR (RiskMetrics): zero-mean losses, σ² seeded with the mean of the squared losses of
 * the whole history, then σ² ← λσ² + (1 − λ)·L_t² over the history oldest first; VaR = Φ⁻¹(a)·σ.
 *
 * @param lambda decay in (0, 1) (RiskMetrics daily: 0.94).
 * @throws ValidationError if lambda is outside (0, 1).
 * @example ewmaNormalForecaster(0.94)(Float64Array.from([1, -1, 1, -1]), 0.99) // returns 2.3263… (σ = 1)
 */
export function ewmaNormalForecaster(lambda: number): Forecaster {
  requireRange('lambda', lambda, 0, 1, { lo: true, hi: true });
  return (history, confidence) => {
    let s2 = 0;
    for (let i = 0; i < history.length; i++) s2 += history[i] * history[i];
    s2 /= history.length;
    for (let i = 0; i < history.length; i++) s2 = lambda * s2 + (1 - lambda) * history[i] * history[i];
    return normalQuantile(confidence) * Math.sqrt(s2);
  };
}

/**
 * Multiplies another forecaster's VaR by `multiplier` (a recalibration lever).
 * @throws ValidationError if multiplier is not finite and > 0.
 * @example scaledForecaster(historicalForecaster, 1.5)
 */
export function scaledForecaster(base: Forecaster, multiplier: number): Forecaster {
  if (typeof base !== 'function') {
    throw new ValidationError('base', 'type', `must be a function; got ${describeValue(base)}`, base);
  }
  requireRange('multiplier', multiplier, 0, Number.MAX_VALUE, { lo: true });
  return (history, confidence) => multiplier * base(history, confidence);
}
