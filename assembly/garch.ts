// GARCH(1,1) likelihood kernel. Twin: src/kernels/garch/ts.ts (same operation order).

/**
 * One O(T) pass of the Gaussian GARCH(1,1) quasi-likelihood on the scaled series y[0..T) at yp:
 * h_0 = h0, h_t = ω + α y²_{t−1} + β h_{t−1}, f = ½ Σ_t [ln h_t + y_t²/h_t].
 * The gradient runs the derivative recursions alongside (h_0 is fixed, so its derivatives are 0):
 * ∂h_t/∂ω = 1 + β ∂h_{t−1}/∂ω, ∂h_t/∂α = y²_{t−1} + β ∂h_{t−1}/∂α, ∂h_t/∂β = h_{t−1} + β ∂h_{t−1}/∂β,
 * and ∂f/∂θ = ½ Σ_t (1 − y_t²/h_t)/h_t · ∂h_t/∂θ.
 * Writes [f, ∂f/∂ω, ∂f/∂α, ∂f/∂β] to outp; when hp ≠ 0 also h_t to hp[0..T).
 */
export function garchNllGrad(yp: usize, n: i32, h0: f64, omega: f64, alpha: f64, beta: f64, outp: usize, hp: usize): void {
  let h = h0;
  let dw = 0.0;
  let da = 0.0;
  let db = 0.0;
  let s = 0.0;
  let gw = 0.0;
  let ga = 0.0;
  let gb = 0.0;
  let y2prev = 0.0;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      // Derivatives first: ∂h_t/∂β needs h_{t−1}, which the h update overwrites.
      dw = 1.0 + beta * dw;
      da = y2prev + beta * da;
      db = h + beta * db;
      h = omega + alpha * y2prev + beta * h;
    }
    if (hp != 0) store<f64>(hp + (<usize>t << 3), h);
    const y = load<f64>(yp + (<usize>t << 3));
    const y2 = y * y;
    const q = y2 / h;
    s += Math.log(h) + q;
    const c = (1.0 - q) / h;
    gw += c * dw;
    ga += c * da;
    gb += c * db;
    y2prev = y2;
  }
  store<f64>(outp, 0.5 * s);
  store<f64>(outp + 8, 0.5 * gw);
  store<f64>(outp + 16, 0.5 * ga);
  store<f64>(outp + 24, 0.5 * gb);
}

/** h_t for t = 0…T−1 into hp, same recursion and h_0 convention as `garchNllGrad`. */
export function garchVariances(yp: usize, n: i32, h0: f64, omega: f64, alpha: f64, beta: f64, hp: usize): void {
  let h = h0;
  let y2prev = 0.0;
  for (let t = 0; t < n; t++) {
    if (t > 0) h = omega + alpha * y2prev + beta * h;
    store<f64>(hp + (<usize>t << 3), h);
    const y = load<f64>(yp + (<usize>t << 3));
    y2prev = y * y;
  }
}
