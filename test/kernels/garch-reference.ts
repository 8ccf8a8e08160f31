/**
 * Test-only reference: the Nelder–Mead GARCH(1,1) fit that `fitGarch11` used before the BFGS
 * fitter (moved here verbatim from src/market/optimize.ts and src/market/volatility.ts), so the
 * new optimum can be compared with the old one.
 */
/** Result of `nelderMead`. */
export interface MinimizeResult {
  x: number[];
  f: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises f from x0 with an axis-aligned initial simplex of size `step`. Stops when the spread
 * of f over the simplex is ≤ fTol·(|f_best| + 1e-12) and its diameter ≤ xTol, or after maxEval
 * evaluations. Non-finite f values are treated as +Infinity (rejected).
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  opts: { step?: number; fTol?: number; xTol?: number; maxEval?: number } = {},
): MinimizeResult {
  const n = x0.length;
  const step = opts.step ?? 0.5;
  const fTol = opts.fTol ?? 1e-12;
  const xTol = opts.xTol ?? 1e-8;
  const maxEval = opts.maxEval ?? 2000;
  let evals = 0;
  const fe = (x: number[]): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += step;
    pts.push(p);
  }
  let vals = pts.map(fe);
  let converged = false;
  while (evals < maxEval) {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    pts = idx.map((i) => pts[i]);
    vals = idx.map((i) => vals[i]);
    let diam = 0;
    for (let i = 1; i <= n; i++) for (let k = 0; k < n; k++) diam = Math.max(diam, Math.abs(pts[i][k] - pts[0][k]));
    if (vals[n] - vals[0] <= fTol * (Math.abs(vals[0]) + 1e-12) && diam <= xTol) { converged = true; break; }
    const c = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) c[k] += pts[i][k] / n;
    const along = (t: number) => c.map((ck, k) => ck + t * (pts[n][k] - ck));
    const xr = along(-1);
    const fr = fe(xr);
    if (fr < vals[0]) {
      const xe = along(-2);
      const fE = fe(xe);
      if (fE < fr) { pts[n] = xe; vals[n] = fE; } else { pts[n] = xr; vals[n] = fr; }
    } else if (fr < vals[n - 1]) {
      pts[n] = xr; vals[n] = fr;
    } else {
      const outside = fr < vals[n];
      const xc = along(outside ? -0.5 : 0.5);
      const fc = fe(xc);
      if (fc < (outside ? fr : vals[n])) {
        pts[n] = xc; vals[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = pts[i].map((v, k) => pts[0][k] + 0.5 * (v - pts[0][k]));
          vals[i] = fe(pts[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[best]) best = i;
  return { x: pts[best], f: vals[best], evaluations: evals, converged };
}

const P_MAX = 1 - 1e-6;
const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

/** Maps unconstrained u to (ω', α, β) on the scaled data: p = P_MAX·σ(u0), α = p·σ(u1), β = p − α, ω' = e^{u2}. */
function unpack(u: number[]): [number, number, number] {
  const p = P_MAX * sigmoid(u[0]);
  const alpha = p * sigmoid(u[1]);
  return [Math.exp(u[2]), alpha, p - alpha];
}

/** ½ Σ [ln h_t + y_t²/h_t] with h_0 = h0 — the likelihood definition of the old fit. */
export function negLogLikReference(y: Float64Array, h0: number, omega: number, alpha: number, beta: number): number {
  let h = h0;
  let s = 0;
  for (let t = 0; t < y.length; t++) {
    if (t > 0) h = omega + alpha * y[t - 1] * y[t - 1] + beta * h;
    s += Math.log(h) + (y[t] * y[t]) / h;
  }
  return 0.5 * s;
}

/** The old search: 5 starts with variance targeting, each restarted until it stops improving. */
export function nelderMeadGarchFit(y: Float64Array, h0: number): { omega: number; alpha: number; beta: number; nll: number; evaluations: number; converged: boolean } {
  const obj = (u: number[]) => {
    const [w, a, b] = unpack(u);
    return negLogLikReference(y, h0, w, a, b);
  };
  const starts: [number, number][] = [[0.05, 0.9], [0.1, 0.85], [0.03, 0.96], [0.15, 0.6], [0.08, 0.9]];
  let best = { x: [0, 0, 0], f: Infinity, converged: false };
  let evaluations = 0;
  for (const [a, b] of starts) {
    const p = a + b;
    let res = nelderMead(obj, [logit(p / P_MAX), logit(a / p), Math.log(1 - p)], { step: 0.5 });
    evaluations += res.evaluations;
    for (let k = 0; k < 5; k++) {
      const again = nelderMead(obj, res.x, { step: 0.1 });
      evaluations += again.evaluations;
      const improved = again.f < res.f - 1e-10 * Math.abs(res.f);
      if (again.f <= res.f) res = again;
      if (!improved) break;
    }
    if (res.f < best.f) best = res;
  }
  const [omega, alpha, beta] = unpack(best.x);
  return { omega, alpha, beta, nll: best.f, evaluations, converged: best.converged };
}
