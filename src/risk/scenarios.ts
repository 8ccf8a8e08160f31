/**
 * Pure VaR/ES helpers for the engine: Cornish–Fisher (modified) VaR/ES, filtered historical
 * scenarios and stressed-window selection. Loss is positive.
 *
 * ## References
 * - Zangari, P. (1996). A VaR methodology for portfolios that include options. RiskMetrics
 *   Monitor, Q1, 4–12 (Cornish–Fisher VaR).
 * - Cornish, E. A. & Fisher, R. A. (1938). Moments and cumulants in the specification of
 *   distributions. Revue de l'Institut International de Statistique 5(4), 307–320.
 * - Barone-Adesi, G., Giannopoulos, K. & Vosper, L. (1999). VaR without correlations for
 *   portfolios of derivative securities. Journal of Futures Markets 19(5), 583–602 (FHS).
 * - Hull, J. & White, A. (1998). Incorporating volatility updating into the historical
 *   simulation method for value-at-risk. Journal of Risk 1(1), 5–19.
 */
import { ValidationError, requireFinite } from '../errors/index.js';
import { normalPdf, normalQuantile } from '../stats/index.js';
import { requireInteger, requireMatrix, requireOpenInterval, requireVector } from '../errors/index.js';

/** Cornish–Fisher expansion of the standard quantile u: u + (u²−1)S/6 + (u³−3u)K/24 − (2u³−5u)S²/36. */
function cfQuantile(u: number, s: number, k: number): number {
  const u2 = u * u;
  const u3 = u2 * u;
  return u + ((u2 - 1) * s) / 6 + ((u3 - 3 * u) * k) / 24 - ((2 * u3 - 5 * u) * s * s) / 36;
}

function checkCf(mean: number, sd: number, skew: number, exKurt: number, a: number): void {
  requireFinite('mean', mean);
  requireFinite('sd', sd);
  if (sd < 0) throw new ValidationError('sd', 'range', `must be ≥ 0; got ${sd}`, sd);
  requireFinite('skew', skew);
  requireFinite('exKurt', exKurt);
  requireOpenInterval('confidence', a, 0, 1);
}

/**
 * Cornish–Fisher (modified) VaR of a P&L or return with given moments, loss positive.
 *
 * VaR = −(μ + σ·z_cf), z_cf = z + (z²−1)S/6 + (z³−3z)K/24 − (2z³−5z)S²/36, z = Φ⁻¹(1 − a)
 * (the lower-tail quantile). With S = K = 0 this is the normal VaR −μ + 2.3263σ at a = 0.99.
 * The expansion is reliable only for moderate S and K (it is monotone in z when roughly
 * |S| ≤ 1 and 0 ≤ K ≤ 6); outside that domain the result may be meaningless.
 *
 * @param mean μ, mean of the P&L (or return) over the horizon, in currency (or return units).
 * @param sd σ ≥ 0, standard deviation in the same units.
 * @param skew S, skewness (dimensionless).
 * @param exKurt K, excess kurtosis (dimensionless, 0 for the normal).
 * @param a Confidence in (0, 1), e.g. 0.99.
 * @returns VaR in the units of mean/sd, loss positive.
 * @throws {ValidationError} non-finite argument, sd < 0, a ∉ (0, 1).
 * @example
 * cornishFisherVar(0, 1, 0, 0, 0.99) // returns 2.3263478740408408
 */
export function cornishFisherVar(mean: number, sd: number, skew: number, exKurt: number, a: number): number {
  checkCf(mean, sd, skew, exKurt, a);
  return -(mean + sd * cfQuantile(normalQuantile(1 - a), skew, exKurt));
}

/**
 * Cornish–Fisher ES: the mean loss beyond the Cornish–Fisher VaR, loss positive.
 *
 * ES = −μ − σ·(1/(1−a))·∫_0^{1−a} z_cf(Φ⁻¹(p)) dp = −μ − σ·(1/(1−a))·∫_{−∞}^{z} z_cf(u)·φ(u) du,
 * integrated numerically by composite Simpson on u ∈ [z − 12, z] with 4000 panels (the
 * truncated tail is below 1e-30). With S = K = 0 this is the normal ES −μ + σ·φ(z)/(1 − a),
 * i.e. 2.6652σ at a = 0.99.
 *
 * @param mean μ (see `cornishFisherVar`).
 * @param sd σ ≥ 0.
 * @param skew S.
 * @param exKurt K (excess).
 * @param a Confidence in (0, 1).
 * @returns ES in the units of mean/sd, loss positive.
 * @throws {ValidationError} as `cornishFisherVar`.
 * @example
 * cornishFisherEs(0, 1, 0, 0, 0.99) // returns 2.665214220345808 (to ~1e-12)
 */
export function cornishFisherEs(mean: number, sd: number, skew: number, exKurt: number, a: number): number {
  checkCf(mean, sd, skew, exKurt, a);
  const z = normalQuantile(1 - a);
  const lo = z - 12;
  const panels = 4000;
  const h = (z - lo) / panels;
  let s = 0;
  for (let i = 0; i <= panels; i++) {
    const u = lo + i * h;
    const w = i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * cfQuantile(u, skew, exKurt) * normalPdf(u);
  }
  const tailMean = (s * h) / 3 / (1 - a);
  return -(mean + sd * tailMean);
}

/**
 * Filtered historical simulation scenarios: each historical return is devolatilised by its
 * conditional vol and revolatilised by the current forecast, per column:
 * r̃_tj = r_tj · σ_now,j / σ_tj.
 *
 * @param returns T×N historical returns.
 * @param vols T×N conditional vols σ_tj > 0 (same period and units as returns), e.g. the
 *   `vols` of `ewmaVolatility` or `conditionalVol` of `fitGarch11` for each column.
 * @param currentVol N forecast vols σ_now,j ≥ 0 (e.g. `ewmaVolatility(...).forecast`).
 * @returns T×N filtered scenarios; equal to `returns` when σ_tj = σ_now,j for all t.
 * @throws {ValidationError} shape mismatch, non-finite entry, vol ≤ 0, currentVol < 0.
 * @example
 * filteredHistoricalScenarios([[0.02], [-0.01]], [[0.01], [0.02]], [0.01]) // returns [[0.02], [-0.005]]
 */
export function filteredHistoricalScenarios(returns: number[][], vols: number[][], currentVol: number[]): number[][] {
  const { rows, cols } = requireMatrix('returns', returns);
  const sv = requireMatrix('vols', vols);
  if (sv.rows !== rows || sv.cols !== cols) {
    throw new ValidationError('vols', 'shape', `must be ${rows}×${cols} like returns; got ${sv.rows}×${sv.cols}`, [sv.rows, sv.cols]);
  }
  const now = requireVector('currentVol', currentVol);
  if (now.length !== cols) throw new ValidationError('currentVol', 'length', `must have ${cols} entries (one per column); got ${now.length}`, now.length);
  now.forEach((v, j) => {
    if (v < 0) throw new ValidationError(`currentVol[${j}]`, 'range', `must be ≥ 0; got ${v}`, v);
  });
  const out: number[][] = new Array(rows);
  for (let t = 0; t < rows; t++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) {
      const s = vols[t][j];
      if (!(s > 0)) throw new ValidationError(`vols[${t}][${j}]`, 'positive', `must be > 0; got ${s}`, s);
      row[j] = returns[t][j] * (now[j] / s);
    }
    out[t] = row;
  }
  return out;
}

/** Result of `worstWindow`. */
export interface WorstWindow {
  /** Index of the first observation of the window. */
  start: number;
  /** One past the last observation. */
  end: number;
  /** Sum of the window's P&L (most negative over all windows). */
  total: number;
  /** The window's P&L observations. */
  pnl: number[];
}

/**
 * Stressed-window selection: the contiguous window of `windowLength` observations with the
 * lowest cumulative P&L (largest loss), Σ_{t=s}^{s+L−1} pnl_t minimised over s; ties go to the
 * earliest window. Each window is summed directly (no running-sum drift).
 *
 * @param pnlSeries Daily P&L of the current portfolio replayed over history (currency, profit positive).
 * @param windowLength L, integer in [1, length].
 * @returns `{ start, end, total, pnl }`.
 * @throws {ValidationError} non-finite P&L, L out of range.
 * @example
 * worstWindow([1, -2, -3, 4], 2) // returns { start: 1, end: 3, total: -5, pnl: [-2, -3] }
 */
export function worstWindow(pnlSeries: number[], windowLength: number): WorstWindow {
  const x = requireVector('pnlSeries', pnlSeries);
  requireInteger('windowLength', windowLength, 1);
  if (windowLength > x.length) {
    throw new ValidationError('windowLength', 'range', `must be ≤ the series length (${x.length}); got ${windowLength}`, windowLength);
  }
  let best = 0;
  let bestSum = Infinity;
  for (let s = 0; s + windowLength <= x.length; s++) {
    let sum = 0;
    for (let k = 0; k < windowLength; k++) sum += x[s + k];
    if (sum < bestSum) { bestSum = sum; best = s; }
  }
  return { start: best, end: best + windowLength, total: bestSum, pnl: x.slice(best, best + windowLength) };
}
