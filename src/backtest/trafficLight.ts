/**
 * Basel traffic light for VaR backtests, with the plus factor added to the capital multiplier of 3.
 *
 * ## Method
 * For the regulatory case (250 days at 99 %) the zones and factors are the Basel table:
 *
 * | exceedances | 0–4   | 5    | 6    | 7    | 8    | 9    | 10+  |
 * |-------------|-------|------|------|------|------|------|------|
 * | zone        | green |yellow|yellow|yellow|yellow|yellow| red  |
 * | multiplier  | 3.00  | 3.40 | 3.50 | 3.65 | 3.75 | 3.85 | 4.00 |
 *
 * Other windows n and confidence levels a use the same rule the table comes from: with X ~ Binomial(n, 1 − a),
 * x exceedances are yellow when P(X ≤ x) ≥ 95 % and red when P(X ≤ x) ≥ 99.99 % (zero exceedances are
 * always green). The yellow plus factor is read off the Basel table by cumulative probability: the factor
 * of the largest Basel count j ∈ 5…9 whose 250-day cumulative probability is ≤ P(X ≤ x), and 0.40 if
 * none is (so the regulatory case reproduces the table exactly). Green adds 0, red adds 1.
 *
 * ## References
 * - Basel Committee on Banking Supervision (1996). Supervisory framework for the use of "backtesting"
 *   in conjunction with the internal models approach to market risk capital requirements. Table 2.
 */
import { requireConfidence, requireInt } from '../errors/index.js';

export type TrafficLightZone = 'green' | 'yellow' | 'red';

export interface TrafficLightResult {
  zone: TrafficLightZone;
  exceedances: number;
  n: number;
  confidence: number;
  /** P(X ≤ exceedances) for X ~ Binomial(n, 1 − confidence). */
  cumulativeProbability: number;
  /** Plus factor (0 for green, 0.40–0.85 for yellow, 1 for red). */
  plusFactor: number;
  /** Capital multiplier 3 + plus factor. */
  multiplier: number;
  /** Largest exceedance count still green for this (n, confidence). */
  greenMax: number;
  /** Largest exceedance count still yellow (equals greenMax when the window has no yellow zone). */
  yellowMax: number;
}

/** Options of `trafficLight`. */
export interface TrafficLightOptions {
  /** Backtest window length in days (default 250). */
  n?: number;
  /** VaR confidence level (default 0.99). */
  confidence?: number;
}

const YELLOW_START = 0.95;
/** 1 − 0.99 exactly as the caller's default computes it (0.010000000000000009), so the table is reproduced. */
const BASEL_P = 1 - 0.99;
const RED_START = 0.9999;
/** Basel plus factors for 5…9 exceedances in 250 days at 99 %. */
const BASEL_PLUS: ReadonlyArray<readonly [number, number]> = [
  [5, 0.4],
  [6, 0.5],
  [7, 0.65],
  [8, 0.75],
  [9, 0.85],
];

/**
 * Binomial distribution function P(X ≤ x), X ~ Binomial(n, p), summed in log space
 * (ln pmf(k+1) = ln pmf(k) + ln(n−k) − ln(k+1) + ln p − ln(1−p)) so large n does not underflow.
 */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let logPmf = n * Math.log1p(-p);
  const lr = Math.log(p) - Math.log1p(-p);
  let sum = Math.exp(logPmf);
  for (let k = 0; k < x; k++) {
    logPmf += Math.log(n - k) - Math.log(k + 1) + lr;
    sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

function zoneOf(x: number, cum: number): TrafficLightZone {
  if (x === 0) return 'green';
  if (cum >= RED_START) return 'red';
  if (cum >= YELLOW_START) return 'yellow';
  return 'green';
}

/**
 * Traffic-light zone and capital multiplier for `exceedances` VaR exceedances in `n` days.
 *
 * @param exceedances number of exceedances, integer in [0, n].
 * @param options `n` window length (integer ≥ 1, default 250); `confidence` in (0, 1) (default 0.99).
 * @throws ValidationError if exceedances or n is not an integer in range, or confidence is outside (0, 1).
 * @example
 * trafficLight(7).multiplier // returns 3.65 (zone 'yellow')
 */
export function trafficLight(exceedances: number, options: TrafficLightOptions = {}): TrafficLightResult {
  const n = requireInt('options.n', options.n ?? 250, 1);
  const confidence = requireConfidence('options.confidence', options.confidence ?? 0.99);
  const x = requireInt('exceedances', exceedances, 0, n);
  const p = 1 - confidence;
  const cum = binomialCdf(x, n, p);
  const zone = zoneOf(x, cum);

  // Zone limits: walk the distribution function once (same recurrence as binomialCdf).
  let greenMax = 0;
  let yellowMax = 0;
  const lr = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let c = Math.exp(logPmf);
  for (let k = 0; k <= n; k++) {
    if (k > 0) {
      logPmf += Math.log(n - k + 1) - Math.log(k) + lr;
      c = k === n ? 1 : Math.min(1, c + Math.exp(logPmf));
    }
    const z = zoneOf(k, c);
    if (z === 'red') break;
    if (z === 'green') greenMax = k;
    yellowMax = k;
  }

  let plusFactor = 0;
  if (zone === 'red') plusFactor = 1;
  else if (zone === 'yellow') {
    plusFactor = 0.4;
    for (const [j, f] of BASEL_PLUS) if (binomialCdf(j, 250, BASEL_P) <= cum) plusFactor = f;
  }
  return {
    zone,
    exceedances: x,
    n,
    confidence,
    cumulativeProbability: cum,
    plusFactor,
    multiplier: Math.round((3 + plusFactor) * 100) / 100,
    greenMax,
    yellowMax,
  };
}
