/**
 * The peers' Monte Carlo VaR model (../shared/peers/mc_var*.{c,py}), rebuilt in TS so our engine
 * runs the very same problem, plus the Gaussian closed forms every result is checked against.
 *
 *   B[i][k] = 0.01·cos(1 + 0.7i + 1.3k + 0.37ik)   (K = 3 factors)
 *   d_i     = 0.005 + 0.01·frac(0.6180339887498949·(i+1))
 *   Σ       = BBᵀ + diag(d²),  w_i = 1e6/N
 *   VaR99 = z₀.₉₉·σ_p,  ES97.5 = φ(z₀.₉₇₅)/0.025·σ_p,  σ_p = √(wᵀΣw)
 */

/** z such that Φ(z) = 0.99 and 0.975 (same constants as the peers). */
export const Z99 = 2.3263478740408408;
export const Z975 = 1.959963984540054;
const PHI_Z975 = Math.exp(-0.5 * Z975 * Z975) / Math.sqrt(2 * Math.PI);

export interface PeerProblem {
  n: number;
  covariance: number[][];
  exposures: number[];
  /** Portfolio standard deviation √(wᵀΣw). */
  sigmaP: number;
  var99: number;
  es975: number;
}

/** The peers' closed-form covariance and equal-notional book for n assets. */
export function peerProblem(n: number): PeerProblem {
  const B = Array.from({ length: n }, (_, i) => Array.from({ length: 3 }, (_, k) => 0.01 * Math.cos(1 + 0.7 * i + 1.3 * k + 0.37 * i * k)));
  const d = Array.from({ length: n }, (_, i) => {
    const x = 0.6180339887498949 * (i + 1);
    return 0.005 + 0.01 * (x - Math.floor(x));
  });
  const covariance = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => B[i][0] * B[j][0] + B[i][1] * B[j][1] + B[i][2] * B[j][2] + (i === j ? d[i] * d[i] : 0)));
  const exposures = new Array<number>(n).fill(1e6 / n);
  let q = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q += exposures[i] * covariance[i][j] * exposures[j];
  const sigmaP = Math.sqrt(q);
  return { n, covariance, exposures, sigmaP, var99: Z99 * sigmaP, es975: (PHI_Z975 / 0.025) * sigmaP };
}

/**
 * Relative tolerance for an MC estimate against its closed form: max(floor, 6 standard errors)
 * with the quantile's asymptotic SE √(a(1−a)/S)/φ(z_a), relative to z_a (ES uses the 97.5 % level,
 * a slight overestimate of its SE, which is fine for a sanity gate).
 */
export function mcTolerance(scenarios: number, floor = 0.03): { var99: number; es975: number } {
  const rel = (a: number, z: number): number => Math.sqrt((a * (1 - a)) / scenarios) / (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) / z;
  return { var99: Math.max(floor, 6 * rel(0.99, Z99)), es975: Math.max(floor, 6 * rel(0.975, Z975)) };
}

export interface CheckedEstimate {
  var99: number;
  es975: number;
  relErrVar99: number;
  relErrEs975: number;
}

/**
 * Throws unless the estimate is within tolerance of the closed form: a wrong result must never
 * produce a timing.
 */
export function checkEstimate(row: string, problem: PeerProblem, scenarios: number, var99: number, es975: number): CheckedEstimate {
  const tol = mcTolerance(scenarios);
  const relErrVar99 = (var99 - problem.var99) / problem.var99;
  const relErrEs975 = (es975 - problem.es975) / problem.es975;
  if (!Number.isFinite(var99) || !(Math.abs(relErrVar99) <= tol.var99)) {
    throw new Error(`${row}: var99 = ${var99} is ${(relErrVar99 * 100).toFixed(2)} % from the analytic ${problem.var99} (tolerance ${(tol.var99 * 100).toFixed(1)} %)`);
  }
  if (!Number.isFinite(es975) || !(Math.abs(relErrEs975) <= tol.es975)) {
    throw new Error(`${row}: es975 = ${es975} is ${(relErrEs975 * 100).toFixed(2)} % from the analytic ${problem.es975} (tolerance ${(tol.es975 * 100).toFixed(1)} %)`);
  }
  return { var99, es975, relErrVar99, relErrEs975 };
}
