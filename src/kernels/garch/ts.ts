/** Pure-TS twin of assembly/garch.ts (same operation order, so results agree to ~1 ulp per term). */
import type { GarchPass, GarchSeries } from './pass.js';

/**
 * One O(T) pass of the Gaussian GARCH(1,1) quasi-likelihood on the scaled series y:
 * h_0 = h0, h_t = ω + α y²_{t−1} + β h_{t−1}, f = ½ Σ_t [ln h_t + y_t²/h_t], with the gradient from
 * the derivative recursions ∂h_t/∂θ (see the kernel). Writes [f, ∂f/∂ω, ∂f/∂α, ∂f/∂β] to `out`;
 * fills `h` with h_t when given.
 */
export function garchNllGradTs(
  y: Float64Array, h0: number, omega: number, alpha: number, beta: number, out: Float64Array, h?: Float64Array | null,
): void {
  const n = y.length;
  let ht = h0;
  let dw = 0;
  let da = 0;
  let db = 0;
  let s = 0;
  let gw = 0;
  let ga = 0;
  let gb = 0;
  let y2prev = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      dw = 1 + beta * dw;
      da = y2prev + beta * da;
      db = ht + beta * db;
      ht = omega + alpha * y2prev + beta * ht;
    }
    if (h) h[t] = ht;
    const yt = y[t];
    const y2 = yt * yt;
    const q = y2 / ht;
    s += Math.log(ht) + q;
    const c = (1 - q) / ht;
    gw += c * dw;
    ga += c * da;
    gb += c * db;
    y2prev = y2;
  }
  out[0] = 0.5 * s;
  out[1] = 0.5 * gw;
  out[2] = 0.5 * ga;
  out[3] = 0.5 * gb;
}

/** h_t for t = 0…T−1 into `h`; twin of `garchVariances`. */
export function garchVariancesTs(y: Float64Array, h0: number, omega: number, alpha: number, beta: number, h: Float64Array): void {
  const n = y.length;
  let ht = h0;
  let y2prev = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) ht = omega + alpha * y2prev + beta * ht;
    h[t] = ht;
    const yt = y[t];
    y2prev = yt * yt;
  }
}

/** The pure-TS pass: binds y by reference (no copy). */
export const tsPass: GarchPass = (y: Float64Array, h0: number): GarchSeries => ({
  length: y.length,
  nllGrad: (omega, alpha, beta, out) => garchNllGradTs(y, h0, omega, alpha, beta, out),
  variances: (omega, alpha, beta, h) => garchVariancesTs(y, h0, omega, alpha, beta, h),
});
