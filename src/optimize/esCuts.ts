/**
 * Exact ES optimisation by cutting planes on the polyhedral ES (scenario generation): the master LP
 * holds the hedge variables, the exposure rows and one row per cut — never one row per scenario — and
 * an oracle prices all S scenarios at each query point.
 *
 * ## Method
 * ES(q) = max_λ (1/W) Σ_s λ_s L_s(q) over the capped simplex (see esOracle.ts) is convex and
 * piecewise linear; each evaluation gives a cut ES(·) ≥ c + g·(·) exact at the query point.
 * - 'min-es' (Kelley's method with in-out stabilisation): the master min η s.t. η ≥ c_j + g_j·x (all
 *   cuts so far) and the exposure rows is a relaxation, so its optimum is a lower bound LB; ES at any
 *   feasible point is an upper bound UB. The query point is α·x̂ + (1 − α)·x_best (x̂ the master
 *   optimum, x_best the best point so far; both feasible, so is the mix); when its cut does not cut x̂
 *   off, x̂ itself is priced (no stall). Stop when UB − LB ≤ tol·max(|UB|, |LB|, 1e-3·scale): the
 *   answer is the exact LP optimum to that gap — the same number the Rockafellar–Uryasev LP gives.
 * - 'max-return' (Kelley on the constraint): max mean·x s.t. c_j + g_j·x ≤ budget for all cuts. The
 *   master optimum is an upper bound on the return; it is accepted once the ES re-evaluated on all
 *   scenarios is within the budget. A violation within the tolerance (solver round-off) tightens the
 *   budget of the master by twice the violation and goes on, so the budget is never exceeded.
 * - Unbounded hedge variables get an artificial box ±Δ (Δ = 1e6 lots, ×1e3 each time the converged
 *   optimum touches it, up to 1e15: then SolverError Unbounded 'position-limits'). Cuts are global, so
 *   they are kept when the box grows; the gap test counts only when no artificial bound is active.
 * - The master is one persistent HiGHS instance: cuts are appended with `addRows` and the dual simplex
 *   restarts from the previous basis. Cut rows are scaled by the base book's ES so the master works on
 *   numbers near 1 (tolerances 1e-9).
 *
 * ## References
 * - J. E. Kelley, "The cutting-plane method for solving convex programs", J. SIAM 8(4), 1960.
 * - A. Künzi-Bay, J. Mayer, "Computational aspects of minimizing conditional value-at-risk",
 *   Computational Management Science 3(1), 2006, doi:10.1007/s10287-005-0042-0.
 * - W. Ben-Ameur, J. Neto, "Acceleration of cutting-plane and column generation algorithms:
 *   applications to network design", Networks 49(1), 2007 (in-out separation).
 */
import { AbortError, SolverError } from '../errors/index.js';
import type { EsCut, EsOracle } from './esOracle.js';
import type { LpModel } from './lp.js';
import { toLpArrays } from './modelData.js';
import { conflictOf, createHighsModel, loadHighs, statusName } from './solve.js';

/** Progress of an ES solve, reported once per iteration. */
export interface EsProgress {
  iteration: number;
  /** Lower / upper bound of the objective (USD; for 'max-return': return bounds, lower null until feasible). */
  lower: number | null;
  upper: number | null;
  /** Relative gap (min-es) or relative ES-budget violation of the master point (max-return). */
  gap: number;
  cuts: number;
}

export interface EsCutOptions {
  /** Relative optimality gap (default 1e-9). */
  tolerance?: number;
  /** Iteration cap (default 2,000): SolverError 'Iteration limit reached' past it. */
  maxIterations?: number;
  /** Stabilisation weight α on the master point (default 0.5; 1 = plain Kelley). */
  alpha?: number;
  /** Wall-clock limit in seconds. */
  timeLimit?: number;
  onProgress?: (p: EsProgress) => void;
  signal?: AbortSignal;
}

export interface EsCutProblem {
  /** Base model: hedge variables, exposure rows, and for 'max-return' the return objective. Not modified. */
  model: LpModel;
  /** Master column of each instrument and its lot size (quantity = lot · column value). */
  hedgeIndex: readonly number[];
  lot: readonly number[];
  oracle: EsOracle;
  mode: 'min-es' | 'max-return';
  /** ES budget (USD) for 'max-return'. */
  budget?: number;
}

export interface EsCutResult {
  /** Values of the base model's columns at the answer. */
  values: Float64Array;
  /** Quantities per instrument. */
  quantities: Float64Array;
  /** ES at the answer re-evaluated on all scenarios (oracle weights). */
  es: number;
  lower: number;
  upper: number;
  iterations: number;
  cuts: number;
  evaluations: number;
  /** Milliseconds in the HiGHS master, in scenario pricing, and building the master. */
  masterMs: number;
  pricingMs: number;
  buildMs: number;
}

const OPTS = { output_flag: false, primal_feasibility_tolerance: 1e-9, dual_feasibility_tolerance: 1e-9 } as const;
const BOX0 = 1e6;
const BOX_MAX = 1e15;

/**
 * Solves an ES problem by cutting planes (see the module comment).
 * @throws {SolverError} 'Infeasible' naming 'es-budget' (or the exposure sets, from the base model),
 *   'Unbounded' 'position-limits', or 'Iteration limit reached' / 'Time limit reached' ('solver').
 * @throws {AbortError} when `signal` aborts (checked every iteration).
 */
export async function solveEsCuts(p: EsCutProblem, o: EsCutOptions = {}): Promise<EsCutResult> {
  const tStart = performance.now();
  const highs = await loadHighs();
  const { model, hedgeIndex, lot, oracle, mode } = p;
  const H = hedgeIndex.length;
  const tol = o.tolerance ?? 1e-9;
  const maxIt = o.maxIterations ?? 2000;
  const alpha0 = o.alpha ?? 0.5;
  const minEs = mode === 'min-es';

  const a = toLpArrays(model);
  const n0 = a.numCols;
  // η (scaled ES) as an extra column for 'min-es'; the base objective is dropped there (ES only).
  const nCols = minEs ? n0 + 1 : n0;
  const grow = (x: Float64Array, v: number) => { const y = new Float64Array(nCols); y.set(x); if (minEs) y[n0] = v; return y; };
  const colCost = minEs ? grow(new Float64Array(n0), 1) : a.colCost;
  const colLower = grow(a.colLower, -Infinity);
  const colUpper = grow(a.colUpper, Infinity);
  const boxed: number[] = [];
  let box = BOX0;
  for (const j of hedgeIndex) {
    if (colLower[j] === -Infinity || colUpper[j] === Infinity) boxed.push(j);
    if (colLower[j] === -Infinity) colLower[j] = -box;
    if (colUpper[j] === Infinity) colUpper[j] = box;
  }
  const origLower = grow(a.colLower, -Infinity);
  const origUpper = grow(a.colUpper, Infinity);
  const hm = createHighsModel(highs, {
    ...a, numCols: nCols, maximize: minEs ? false : a.maximize, offset: minEs ? 0 : a.offset, colCost, colLower, colUpper,
    integrality: undefined, starts: a.starts, indices: a.indices, values: a.values,
  }, OPTS);
  try {
    const qOf = (x: ArrayLike<number>) => { const q = new Float64Array(H); for (let i = 0; i < H; i++) q[i] = x[hedgeIndex[i]] * lot[i]; return q; };
    let pricingMs = 0;
    let masterMs = 0;
    const price = (x: ArrayLike<number>): EsCut => { const t = performance.now(); const c = oracle.evaluate(qOf(x)); pricingMs += performance.now() - t; return c; };

    // scale: ES of the base book (no hedge), or the largest base loss magnitude
    const cut0 = price(new Float64Array(nCols));
    let sigma = Math.abs(cut0.es);
    if (!(sigma > 0)) sigma = 1;
    const budget = p.budget ?? 0;
    let budgetEff = budget;
    const cutRows: number[] = [];
    const cutConst: number[] = [];
    const idx = new Int32Array(H + 1);
    const val = new Float64Array(H + 1);
    const addCut = (c: EsCut) => {
      let m = 0;
      for (let i = 0; i < H; i++) {
        const coef = c.g[i] * lot[i] / sigma;
        if (coef === 0) continue;
        idx[m] = hedgeIndex[i];
        val[m] = minEs ? -coef : coef;
        m++;
      }
      if (minEs) { idx[m] = n0; val[m] = 1; m++; }
      // min-es: η − g·x ≥ c; max-return: g·x ≤ budget − c (all over sigma)
      const lo = minEs ? c.c / sigma : -Infinity;
      const hi = minEs ? Infinity : (budgetEff - c.c) / sigma;
      hm.addRow(lo, hi, { indices: idx.subarray(0, m), values: val.subarray(0, m) });
      cutRows.push(hm.getDimensions().numRows - 1);
      cutConst.push(c.c);
    };
    addCut(cut0);
    const buildMs = performance.now() - tStart;

    let best: Float64Array | null = null;
    let UB = Infinity;
    let LB = -Infinity;
    let bestReturn = -Infinity;
    let it = 0;
    let alpha = alpha0;
    for (;;) {
      if (o.signal?.aborted) throw new AbortError(o.signal.reason);
      if (it >= maxIt) throw new SolverError('Iteration limit reached', 'solver', `ES cutting planes stopped after ${it} iterations (gap ${UB - LB})`);
      if (o.timeLimit !== undefined && (performance.now() - tStart) / 1e3 > o.timeLimit) throw new SolverError('Time limit reached', 'solver', `ES cutting planes stopped after ${it} iterations`);
      it++;
      const tm = performance.now();
      const status = statusName(hm.run().modelStatus);
      masterMs += performance.now() - tm;
      if (status !== 'Optimal') {
        if (status === 'Infeasible' || status === 'Primal infeasible or unbounded') {
          const sets = await conflictOf(model);
          if (sets !== null) throw new SolverError('Infeasible', sets.join('+'), `no point satisfies the constraint sets ${sets.map((x) => `'${x}'`).join(' and ')} together`);
          throw new SolverError('Infeasible', 'es-budget', `no hedge within the constraints has ES ≤ ${budget}`);
        }
        throw new SolverError(status, 'solver', 'HiGHS stopped without a proven optimum on the ES master problem');
      }
      const xhat = Float64Array.from(hm.getSolution().colValue);
      const boxActive = boxed.some((j) => Math.abs(xhat[j]) >= box * (1 - 1e-9));

      if (minEs) {
        LB = xhat[n0] * sigma;
        let query = xhat;
        if (best !== null && alpha < 1) {
          query = new Float64Array(nCols);
          for (let j = 0; j < nCols; j++) query[j] = alpha * xhat[j] + (1 - alpha) * best[j];
        }
        let cut = price(query);
        addCut(cut);
        if (cut.es < UB) { UB = cut.es; best = query; }
        if (query !== xhat) {
          // does the cut at the mixed point separate x̂? if not, price x̂ itself
          let at = cut.c;
          const qx = qOf(xhat);
          for (let i = 0; i < H; i++) at += cut.g[i] * qx[i];
          if (at <= LB + tol * Math.max(Math.abs(LB), sigma)) {
            cut = price(xhat);
            addCut(cut);
            if (cut.es < UB) { UB = cut.es; best = xhat; }
          }
        }
        const scale = Math.max(Math.abs(UB), Math.abs(LB), 1e-3 * sigma);
        const gap = Math.max(0, UB - LB) / scale;
        o.onProgress?.({ iteration: it, lower: LB, upper: UB, gap, cuts: cutRows.length });
        if (gap <= tol) {
          if (!boxActive) break;
          if (!growBox()) throw new SolverError('Unbounded', 'position-limits', 'ES decreases without bound; add or tighten \'position-limits\'');
        }
      } else {
        const cut = price(xhat);
        addCut(cut);
        const ret = hm.getObjectiveValue();
        const viol = cut.es - budget;
        const scale = Math.max(Math.abs(budget), 1e-3 * sigma);
        if (viol <= 0) {
          if (ret > bestReturn) { bestReturn = ret; best = xhat; UB = cut.es; }
          o.onProgress?.({ iteration: it, lower: ret, upper: ret, gap: 0, cuts: cutRows.length });
          if (!boxActive) { LB = ret; break; }
          if (!growBox()) throw new SolverError('Unbounded', 'position-limits', 'the return grows without bound within the ES budget; add or tighten \'position-limits\'');
          continue;
        }
        o.onProgress?.({ iteration: it, lower: Number.isFinite(bestReturn) ? bestReturn : null, upper: ret, gap: viol / scale, cuts: cutRows.length });
        if (viol <= 1e-7 * scale) {
          // converged up to solver round-off: tighten the master's budget so the answer stays within it
          budgetEff -= 2 * viol + 1e-12 * scale;
          const ub = Float64Array.from(cutConst, (c) => (budgetEff - c) / sigma);
          hm.changeRowsBounds({ kind: 'set', indices: Int32Array.from(cutRows) }, new Float64Array(cutRows.length).fill(-Infinity), ub);
        }
      }
    }

    function growBox(): boolean {
      if (box >= BOX_MAX) return false;
      box *= 1e3;
      for (const j of boxed) {
        hm.changeColBounds(j, origLower[j] === -Infinity ? -box : origLower[j], origUpper[j] === Infinity ? box : origUpper[j]);
      }
      return true;
    }

    const x = best as Float64Array;
    const values = x.subarray(0, n0).slice();
    return {
      values, quantities: qOf(x), es: UB, lower: LB, upper: minEs ? UB : LB, iterations: it, cuts: cutRows.length,
      evaluations: oracle.evaluations, masterMs, pricingMs, buildMs,
    };
  } finally {
    hm.dispose();
  }
}
