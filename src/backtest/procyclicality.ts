/**
 * Procyclicality metrics of a margin time series (one margin figure per business day).
 *
 * ## Method
 * - Peak-to-trough ratio: max_t M_t / min_t M_t over the whole series (the EMIR/ESMA APC measure);
 *   +Infinity when the minimum is 0 and the maximum is not, 1 for an all-zero series.
 * - Largest n-day increase: max over t of M_{t+n} − M_t (absolute) and of M_{t+n}/M_t − 1 (relative,
 *   days with M_t = 0 skipped), with the start day of each; fixed lag n, so it is the largest change
 *   between two days n apart. A value ≤ 0 means margin never rose over n days. `null` when the series
 *   has fewer than n + 1 points (or, for the relative one, every base day is 0).
 * - Days with a large increase: the number of days t ≥ 1 with M_t / M_{t−1} − 1 > threshold
 *   (threshold as a fraction: 0.1 = 10 %); a rise from 0 to a positive margin counts.
 *
 * ## References
 * - ESMA (2018). Guidelines on EMIR Anti-Procyclicality Margin Measures for CCPs (ESMA70-151-1496).
 * - Murphy, D., Vasios, M., Vause, N. (2014). An investigation into the procyclicality of risk-based
 *   initial margin models. Bank of England Financial Stability Paper 29.
 */
import { ValidationError, describeValue, requireInt, requireRange, requireSeries } from '../errors/index.js';

export interface ProcyclicalityOptions {
  /** Lag in days for the largest n-day increase (integer ≥ 1, default 5). */
  horizonDays?: number;
  /** Daily relative increase counted as large, as a fraction (≥ 0, default 0.1 = 10 %). */
  dailyIncreaseThreshold?: number;
}

export interface ProcyclicalityResult {
  /** Number of margin observations. */
  n: number;
  peak: number;
  trough: number;
  /** peak / trough. */
  peakToTrough: number;
  horizonDays: number;
  /** Largest M_{t+n} − M_t and its start index t; null if the series is too short. */
  maxIncreaseAbsolute: { value: number; start: number } | null;
  /** Largest M_{t+n}/M_t − 1 and its start index t; null if too short or every base is 0. */
  maxIncreaseRelative: { value: number; start: number } | null;
  dailyIncreaseThreshold: number;
  /** Number of days with M_t / M_{t−1} − 1 > threshold. */
  daysAboveThreshold: number;
}

/**
 * Procyclicality metrics of a margin series.
 *
 * @param margins daily margin amounts, finite and ≥ 0, at least 1 value.
 * @param options `horizonDays` (default 5), `dailyIncreaseThreshold` as a fraction (default 0.1).
 * @throws ValidationError for an empty series, a negative or non-finite margin, or bad options.
 * @example
 * procyclicality([100, 120, 90, 180], { horizonDays: 2, dailyIncreaseThreshold: 0.1 })
 * // returns peakToTrough 2, maxIncreaseAbsolute { value: 60, start: 1 },
 * //         maxIncreaseRelative { value: 0.5, start: 1 }, daysAboveThreshold 2
 */
export function procyclicality(margins: ArrayLike<number>, options: ProcyclicalityOptions = {}): ProcyclicalityResult {
  const m = requireSeries('margins', margins);
  for (let i = 0; i < m.length; i++) {
    if (m[i] < 0) throw new ValidationError(`margins[${i}]`, 'nonnegative', `must be >= 0; got ${describeValue(m[i])}`, m[i]);
  }
  const h = requireInt('options.horizonDays', options.horizonDays ?? 5, 1);
  const thr = requireRange('options.dailyIncreaseThreshold', options.dailyIncreaseThreshold ?? 0.1, 0, Number.MAX_VALUE);
  const n = m.length;
  let peak = m[0];
  let trough = m[0];
  for (let i = 1; i < n; i++) {
    if (m[i] > peak) peak = m[i];
    if (m[i] < trough) trough = m[i];
  }
  const peakToTrough = trough > 0 ? peak / trough : peak > 0 ? Infinity : 1;

  let abs: { value: number; start: number } | null = null;
  let rel: { value: number; start: number } | null = null;
  for (let t = 0; t + h < n; t++) {
    const d = m[t + h] - m[t];
    if (abs === null || d > abs.value) abs = { value: d, start: t };
    if (m[t] > 0) {
      const r = m[t + h] / m[t] - 1;
      if (rel === null || r > rel.value) rel = { value: r, start: t };
    }
  }

  let days = 0;
  for (let t = 1; t < n; t++) {
    const prev = m[t - 1];
    if (prev > 0 ? m[t] / prev - 1 > thr : m[t] > 0) days++;
  }
  return {
    n,
    peak,
    trough,
    peakToTrough,
    horizonDays: h,
    maxIncreaseAbsolute: abs,
    maxIncreaseRelative: rel,
    dailyIncreaseThreshold: thr,
    daysAboveThreshold: days,
  };
}
