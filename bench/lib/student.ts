/**
 * Closed forms for the engine's `mc-t` model on the peers' problem (bench/lib/model.ts):
 * r = L·z·√((ν−2)/W), W ~ χ²_ν, so the portfolio loss is c·T_ν with c = σ_p·√((ν−2)/ν) and T_ν a
 * standard Student-t. VaR_a = c·q_a, ES_a = c·f(q_a)/(1−a)·(ν + q_a²)/(ν − 1).
 * q_a by bisection on the CDF, itself by Simpson's rule on the density (ample for a sanity gate).
 */
import type { PeerProblem } from './model.js';

function lgamma(x: number): number {
  // Lanczos (g = 7, n = 9), |error| < 1e-14 for x > 0.5
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Student-t density with ν degrees of freedom. */
export function tDensity(x: number, nu: number): number {
  return Math.exp(lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log(1 + (x * x) / nu));
}

/** P(T ≤ x) for x ≥ 0 (Simpson, 4000 panels). */
export function tCdf(x: number, nu: number): number {
  const n = 4000;
  const h = x / n;
  let s = tDensity(0, nu) + tDensity(x, nu);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * tDensity(i * h, nu);
  return 0.5 + (s * h) / 3;
}

export function tQuantile(a: number, nu: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 80; i++) {
    const mid = 0.5 * (lo + hi);
    if (tCdf(mid, nu) < a) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export interface TClosedForm {
  df: number;
  scale: number;
  var99: number;
  es975: number;
  q99: number;
  q975: number;
}

export function tClosedForm(problem: PeerProblem, df: number): TClosedForm {
  const scale = problem.sigmaP * Math.sqrt((df - 2) / df);
  const q99 = tQuantile(0.99, df);
  const q975 = tQuantile(0.975, df);
  const es = (q: number, a: number): number => (tDensity(q, df) / (1 - a)) * ((df + q * q) / (df - 1));
  return { df, scale, var99: scale * q99, es975: scale * es(q975, 0.975), q99, q975 };
}

/**
 * Relative tolerance of an MC estimate under the t model: max(floor, 8 standard errors of the
 * quantile, √(a(1−a)/S)/(f(q)·q)); ES uses the 97.5 % quantile's SE with a higher floor (heavier tail).
 */
export function tTolerance(cf: TClosedForm, scenarios: number): { var99: number; es975: number } {
  const rel = (a: number, q: number): number => Math.sqrt((a * (1 - a)) / scenarios) / tDensity(q, cf.df) / q;
  return { var99: Math.max(0.03, 8 * rel(0.99, cf.q99)), es975: Math.max(0.05, 10 * rel(0.975, cf.q975)) };
}
