/**
 * Parametric (delta-normal) VaR/ES: VaR = z_a σ_p √h − μ_p h, ES = φ(z_a)/(1 − a) σ_p √h − μ_p h,
 * σ_p² = w'Σw (daily), μ_p = w'μ (daily). sqrt-of-time horizon scaling.
 *
 * ## References
 * - J.P. Morgan/Reuters (1996). RiskMetrics — Technical Document, 4th ed.
 * - McNeil, Frey & Embrechts (2015). Quantitative Risk Management, §2.3.
 */
import { normalPdf, normalQuantile } from '../stats/index.js';
import type { LevelResult } from './tail.js';

export function parametricNormal(sigmaDaily: number, meanDaily: number, horizonDays: number, levels: readonly number[]): LevelResult[] {
  const s = sigmaDaily * Math.sqrt(horizonDays);
  const mu = meanDaily * horizonDays;
  return levels.map((a) => {
    const z = normalQuantile(a);
    return { confidence: a, var: z * s - mu, es: (normalPdf(z) / (1 - a)) * s - mu, k: 0 };
  });
}
