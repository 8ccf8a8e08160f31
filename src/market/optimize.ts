/**
 * Nelder–Mead simplex minimiser (internal; used by the GARCH fit).
 *
 * ## References
 * - Nelder, J. A. & Mead, R. (1965). A simplex method for function minimization. The Computer
 *   Journal 7(4), 308–313. doi:10.1093/comjnl/7.4.308
 * - Gao, F. & Han, L. (2012). Implementing the Nelder-Mead simplex algorithm with adaptive
 *   parameters. Comput. Optim. Appl. 51, 259–277 (standard coefficients used here: 1, 2, ½, ½).
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
