/**
 * Exceedances and the coverage tests of a VaR model: Kupiec's proportion of failures (POF),
 * Christoffersen's independence test and the conditional-coverage test.
 *
 * ## Conventions
 * - Loss is positive. An exceedance (a "hit") on day t is `loss[t] > var[t]` (strict: a loss equal to
 *   the VaR is covered).
 * - `p = 1 − confidence` is the expected exceedance rate.
 * - Likelihoods use 0·ln 0 = 0 (the limit of x ln x as x → 0), so x = 0, x = n, n01 = 0, n11 = 0,
 *   an all-hit sequence and a single observation all give finite statistics. A likelihood ratio is
 *   clamped at 0 from below (rounding can leave −1e-16 when the observed rate equals p exactly).
 *
 * ## References
 * - Kupiec, P. H. (1995). Techniques for verifying the accuracy of risk measurement models.
 *   Journal of Derivatives 3(2), 73–84. doi:10.3905/jod.1995.407942
 * - Christoffersen, P. F. (1998). Evaluating interval forecasts. International Economic Review 39(4),
 *   841–862. doi:10.2307/2527341
 */
import { ValidationError, describeValue, requireConfidence, requireInt, requireSeries } from '../errors/index.js';
import { chiSquareSf } from '../stats/index.js';

/** The hit sequence of a backtest. */
export interface ExceedanceResult {
  /** `hits[t] = 1` when `losses[t] > varForecasts[t]`, else 0. */
  hits: Uint8Array;
  /** Number of exceedances x. */
  count: number;
  /** Number of observations n. */
  n: number;
  /** Observed exceedance rate x / n. */
  rate: number;
}

/** Kupiec proportion-of-failures test. */
export interface KupiecResult {
  n: number;
  exceedances: number;
  /** Expected exceedance rate p = 1 − confidence. */
  expectedRate: number;
  /** Observed exceedance rate x / n. */
  observedRate: number;
  /** LR_pof, asymptotically chi-square(1) under correct coverage. */
  lr: number;
  /** P(chi-square(1) > LR_pof). */
  pValue: number;
}

/** Christoffersen independence and conditional-coverage tests. */
export interface ChristoffersenResult {
  /** Transition counts: n_ij = number of days with hit i followed by a day with hit j (n − 1 pairs). */
  n00: number;
  n01: number;
  n10: number;
  n11: number;
  /** π01 = n01 / (n00 + n01) (0 when the denominator is 0). */
  pi01: number;
  /** π11 = n11 / (n10 + n11) (0 when the denominator is 0). */
  pi11: number;
  /** π = (n01 + n11) / (n − 1) (0 for a single observation). */
  pi: number;
  /** LR_ind, asymptotically chi-square(1) under independence. */
  lrInd: number;
  pValueInd: number;
  /** LR_pof on the whole sequence (same as `kupiecPof`). */
  lrPof: number;
  /** LR_cc = LR_pof + LR_ind, asymptotically chi-square(2). */
  lrCc: number;
  pValueCc: number;
}

/** x·ln(y) with the convention 0·ln 0 = 0 (and 0·ln(anything) = 0). */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/**
 * Marks the days whose loss exceeds the VaR forecast: hit_t = 1 if loss_t > VaR_t.
 *
 * @param losses realised losses (positive = loss), currency units, finite.
 * @param varForecasts VaR forecasts for the same days (positive = loss), same length.
 * @throws ValidationError if the arrays are empty, of different lengths, or hold non-finite values.
 * @example
 * exceedances([1, 5, 2], [3, 3, 3]) // returns { hits: Uint8Array [0, 1, 0], count: 1, n: 3, rate: 1/3 }
 */
export function exceedances(losses: ArrayLike<number>, varForecasts: ArrayLike<number>): ExceedanceResult {
  requireSeries('losses', losses);
  requireSeries('varForecasts', varForecasts);
  if (losses.length !== varForecasts.length) {
    throw new ValidationError(
      'varForecasts',
      'length',
      `must have the same length as losses (${losses.length}); got ${varForecasts.length}`,
      varForecasts.length,
    );
  }
  const n = losses.length;
  const hits = new Uint8Array(n);
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (losses[t] > varForecasts[t]) {
      hits[t] = 1;
      count++;
    }
  }
  return { hits, count, n, rate: count / n };
}

/**
 * Kupiec proportion-of-failures likelihood ratio:
 * LR_pof = −2 ln[(1−p)^(n−x) p^x] + 2 ln[(1−x/n)^(n−x) (x/n)^x], p-value from chi-square(1).
 *
 * ## Method
 * Log-likelihoods are evaluated term by term with 0·ln 0 = 0, so x = 0 gives
 * LR = −2n ln(1−p) and x = n gives LR = −2n ln p, both finite.
 *
 * @param n number of observations, integer ≥ 1.
 * @param x number of exceedances, integer in [0, n].
 * @param confidence VaR confidence level a in (0, 1); p = 1 − a.
 * @throws ValidationError for a non-integer or out-of-range n or x, or confidence outside (0, 1).
 * @example
 * kupiecPof(250, 2, 0.99).lr // returns 0.10843… (pValue 0.7419…)
 */
export function kupiecPof(n: number, x: number, confidence: number): KupiecResult {
  requireInt('n', n, 1);
  requireInt('x', x, 0, n);
  requireConfidence('confidence', confidence);
  const p = 1 - confidence;
  const lr = lrPof(n, x, p);
  return { n, exceedances: x, expectedRate: p, observedRate: x / n, lr, pValue: chiSquareSf(lr, 1) };
}

function lrPof(n: number, x: number, p: number): number {
  const phat = x / n;
  const logL0 = xlogy(n - x, 1 - p) + xlogy(x, p);
  const logL1 = xlogy(n - x, 1 - phat) + xlogy(x, phat);
  return Math.max(0, -2 * logL0 + 2 * logL1);
}

/** Reads a 0/1 (or boolean) hit sequence; names the first bad element. */
function readHits(hits: ArrayLike<number | boolean>): Uint8Array {
  if (!(Array.isArray(hits) || (ArrayBuffer.isView(hits) && !(hits instanceof DataView)))) {
    throw new ValidationError('hits', 'type', `must be an array of 0/1; got ${describeValue(hits)}`, hits);
  }
  if (hits.length < 1) throw new ValidationError('hits', 'length', 'must have at least 1 element(s); got 0', 0);
  const out = new Uint8Array(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i];
    if (h === 1 || h === true) out[i] = 1;
    else if (h !== 0 && h !== false) {
      throw new ValidationError(`hits[${i}]`, 'binary', `must be 0, 1, true or false; got ${describeValue(h)}`, h);
    }
  }
  return out;
}

/**
 * Christoffersen's independence test and the conditional-coverage test on a hit sequence.
 *
 * ## Method
 * With n_ij the number of transitions from state i on day t−1 to state j on day t (n − 1 pairs),
 * π01 = n01/(n00+n01), π11 = n11/(n10+n11), π = (n01+n11)/(n00+n01+n10+n11):
 *   LR_ind = −2 ln[(1−π)^(n00+n10) π^(n01+n11)] + 2 ln[(1−π01)^n00 π01^n01 (1−π11)^n10 π11^n11]
 *   LR_cc  = LR_pof + LR_ind  (chi-square(2)), LR_pof computed on all n observations.
 * An empty conditioning state (n00+n01 = 0 or n10+n11 = 0) contributes nothing by 0·ln 0 = 0;
 * a single observation has no transitions and gives LR_ind = 0 (p-value 1).
 *
 * @param hits hit sequence (0/1 or booleans), length ≥ 1.
 * @param confidence VaR confidence level a in (0, 1).
 * @throws ValidationError if a hit is not 0/1/boolean or confidence is outside (0, 1).
 * @example
 * christoffersen([0, 1, 1, 0, 0], 0.9) // returns n00 = n01 = n10 = n11 = 1, lrInd 0, lrCc 3.1123…
 */
export function christoffersen(hits: ArrayLike<number | boolean>, confidence: number): ChristoffersenResult {
  const h = readHits(hits);
  requireConfidence('confidence', confidence);
  const p = 1 - confidence;
  let n00 = 0;
  let n01 = 0;
  let n10 = 0;
  let n11 = 0;
  let x = h[0];
  for (let t = 1; t < h.length; t++) {
    const prev = h[t - 1];
    const cur = h[t];
    x += cur;
    if (prev === 0) {
      if (cur === 0) n00++;
      else n01++;
    } else if (cur === 0) n10++;
    else n11++;
  }
  const pairs = n00 + n01 + n10 + n11;
  const pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const pi = pairs > 0 ? (n01 + n11) / pairs : 0;
  const logL0 = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
  const logL1 = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11);
  const lrInd = Math.max(0, -2 * logL0 + 2 * logL1);
  const lrP = lrPof(h.length, x, p);
  const lrCc = lrP + lrInd;
  return {
    n00,
    n01,
    n10,
    n11,
    pi01,
    pi11,
    pi,
    lrInd,
    pValueInd: chiSquareSf(lrInd, 1),
    lrPof: lrP,
    lrCc,
    pValueCc: chiSquareSf(lrCc, 2),
  };
}
