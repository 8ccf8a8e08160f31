/**
 * Risk attribution by factor (Euler allocation of ES).
 *
 * ## Method
 * Component ES_i = E[−w_i r_i | loss in the tail] — for simulation methods the mean of factor i's
 * loss over the k tail scenarios; the components add up to the ES (Euler: ES is positively
 * homogeneous, ES = Σ w_i ∂ES/∂w_i). Marginal ES_i = ∂ES/∂w_i = component_i / w_i. Incremental
 * ES_i = ES(book) − ES(book without factor i), by re-running the method.
 * Parametric normal: component_i = w_i (Σw)_i / σ_p · φ(z_a)/(1 − a) · √h − w_i μ_i h.
 *
 * ## References
 * - Tasche, D. (2000). Conditional expectation as quantile derivative. arXiv:math/0104190.
 * - Hallerbach, W. (2003). Decomposing portfolio value-at-risk: a general analysis. J. Risk 5(2).
 */
import { normalPdf, normalQuantile } from '../stats/index.js';

/** One factor's share of the portfolio ES. */
export interface Contribution {
  factor: string;
  exposure: number;
  /** Euler component ES (sums to the ES over factors). */
  componentEs: number;
  /** ∂ES/∂exposure (0 when the exposure is 0). */
  marginalEs: number;
  /** componentEs / ES. */
  share: number;
  /** ES(book) − ES(book without this factor), when requested. */
  incrementalEs?: number;
}

/** Builds the contribution rows from component ES values. */
export function contributionsFrom(factors: readonly string[], exposures: ArrayLike<number>, comp: ArrayLike<number>, es: number): Contribution[] {
  return factors.map((factor, i) => ({
    factor,
    exposure: exposures[i],
    componentEs: comp[i],
    marginalEs: exposures[i] !== 0 ? comp[i] / exposures[i] : 0,
    share: es !== 0 ? comp[i] / es : 0,
  }));
}

/**
 * Component ES from factor-level loss contributions of the tail observations: `factorLoss(t, i)`
 * is factor i's loss in observation t; `tailIdx` the k tail observations.
 */
export function componentFromTail(n: number, tailIdx: readonly number[], factorLoss: (t: number, i: number) => number): Float64Array {
  const comp = new Float64Array(n);
  for (const t of tailIdx) for (let i = 0; i < n; i++) comp[i] += factorLoss(t, i);
  for (let i = 0; i < n; i++) comp[i] /= tailIdx.length;
  return comp;
}

/** Parametric normal component ES (closed-form Euler allocation). */
export function parametricComponentEs(
  exposures: ArrayLike<number>, cov: ArrayLike<number>, n: number, mean: ArrayLike<number> | undefined, a: number, horizonDays: number,
): Float64Array {
  const sw = new Float64Array(n);
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += cov[i * n + j] * exposures[j];
    sw[i] = r;
    s2 += exposures[i] * r;
  }
  const sigma = Math.sqrt(s2);
  const mult = (normalPdf(normalQuantile(a)) / (1 - a)) * Math.sqrt(horizonDays);
  const comp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    comp[i] = (sigma > 0 ? (exposures[i] * sw[i] * mult) / sigma : 0) - exposures[i] * (mean ? mean[i] : 0) * horizonDays;
  }
  return comp;
}
