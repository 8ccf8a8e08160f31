/**
 * Covariance estimators (sample, EWMA, Ledoit–Wolf shrinkage) and covariance ↔ correlation.
 * Every returned covariance is exactly symmetric and positive semi-definite (to rounding).
 *
 * ## References
 * - J.P. Morgan/Reuters (1996). RiskMetrics — Technical Document (4th ed.), §5.2.
 * - Ledoit, O. & Wolf, M. (2004). A well-conditioned estimator for large-dimensional covariance
 *   matrices. Journal of Multivariate Analysis 88(2), 365–411. doi:10.1016/S0047-259X(03)00096-4
 * - Ledoit, O. & Wolf, M. (2003). Honey, I shrunk the sample covariance matrix. UPF Economics
 *   Working Paper 691; J. Portfolio Management 30(4), 2004. doi:10.3905/jpm.2004.110
 * - scikit-learn `sklearn.covariance.ledoit_wolf_shrinkage` (identity target).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { covSampleTs } from '../kernels/index.js';
import { eigenvaluesOf } from './linalg.js';
import { requireInteger, requireMatrix, requireOneOf, requireOpenInterval, requireSymmetric, requireVector } from '../errors/index.js';
import { toFloat64, toNested } from './validate.js';

/**
 * Sample covariance matrix, ddof = 1: S_ij = Σ_t (x_ti − x̄_i)(x_tj − x̄_j) / (T − 1).
 *
 * ## Method
 * Two-pass (centred) and blocked over rows, the same kernel as the WASM `covSample`
 * (see `covKernel.ts`), so no catastrophic cancellation from Σx² − T·x̄².
 *
 * @param x T×N observations (rows = dates, columns = instruments), T ≥ 2, finite.
 * @returns N×N covariance in squared units of x (e.g. daily return²).
 * @throws {ValidationError} non-rectangular, non-finite `x[t][j]`, fewer than 2 rows.
 * @example
 * sampleCovariance([[1, 2], [2, 4], [3, 6]]) // returns [[1, 2], [2, 4]]
 */
export function sampleCovariance(x: number[][]): number[][] {
  const { rows, cols } = requireMatrix('x', x, 2);
  const out = new Float64Array(cols * cols);
  covSampleTs(toFloat64(x, rows, cols), rows, cols, new Float64Array(cols), out);
  return toNested(out, cols, cols);
}

/** Options of `ewmaCovariance`. */
export interface EwmaCovarianceOptions {
  /** Decay λ in (0, 1); default 0.94 (RiskMetrics daily). */
  lambda?: number;
  /** Rows used for the seed covariance (default 30, or all rows if fewer), ≥ 2. */
  seedWindow?: number;
}

/**
 * EWMA (RiskMetrics) covariance forecast for the period after the last row.
 *
 * Σ_0 = sample covariance (ddof = 1, centred) of the first m = min(seedWindow, T) rows;
 * Σ_{t+1} = λ·Σ_t + (1 − λ)·r_t·r_tᵀ for t = 0…T−1 (zero-mean update, all rows including the
 * seed window); returns Σ_T. The diagonal equals the square of `ewmaVolatility(...).forecast`
 * per column. PSD because it is a positive combination of PSD terms.
 *
 * @param x T×N returns (T ≥ 2).
 * @param opts λ as a number, or `{ lambda = 0.94, seedWindow = 30 }`.
 * @returns N×N covariance forecast in squared units of x.
 * @throws {ValidationError} bad x, λ ∉ (0, 1), seedWindow < 2.
 * @example
 * ewmaCovariance(returnsMatrix, 0.94) // one-day-ahead covariance
 */
export function ewmaCovariance(x: number[][], opts: number | EwmaCovarianceOptions = {}): number[][] {
  const o = typeof opts === 'number' ? { lambda: opts } : opts;
  const lambda = requireOpenInterval(typeof opts === 'number' ? 'lambda' : 'options.lambda', o.lambda ?? 0.94, 0, 1);
  const seedWindow = requireInteger('options.seedWindow', o.seedWindow ?? 30, 2);
  const { rows, cols } = requireMatrix('x', x, 2);
  const a = toFloat64(x, rows, cols);
  const m = Math.min(seedWindow, rows);
  const s = new Float64Array(cols * cols);
  covSampleTs(a.subarray(0, m * cols), m, cols, new Float64Array(cols), s);
  const w = 1 - lambda;
  for (let t = 0; t < rows; t++) {
    const o2 = t * cols;
    for (let i = 0; i < cols; i++) {
      const ri = w * a[o2 + i];
      for (let j = i; j < cols; j++) s[i * cols + j] = lambda * s[i * cols + j] + ri * a[o2 + j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = i + 1; j < cols; j++) s[j * cols + i] = s[i * cols + j];
  return toNested(s, cols, cols);
}

/** Result of `ledoitWolf`. */
export interface ShrunkCovariance {
  /** (1 − δ)·S + δ·F, with S the biased (1/T) covariance of the centred data. */
  covariance: number[][];
  /** Shrinkage intensity δ in [0, 1]. */
  shrinkage: number;
  /** Shrinkage target F. */
  target: number[][];
}

/**
 * Ledoit–Wolf shrinkage covariance: Σ̂ = (1 − δ)·S + δ·F.
 *
 * ## Method
 * S = XcᵀXc / T is the biased empirical covariance of the column-centred data (as in
 * scikit-learn and the papers; multiply by T/(T−1) for a ddof = 1 scale).
 * - `'identity'` (default): F = μ·I, μ = tr(S)/N; δ exactly as scikit-learn's
 *   `ledoit_wolf_shrinkage`: β̄ = (Σ_ij (X²ᵀX²)_ij / T − ‖XᵀX‖²_F / T²) / (N·T),
 *   d² = (‖XᵀX‖²_F/T² − 2μ·tr(S) + N·μ²) / N, δ = min(β̄, d²)/d² (0 if β̄ = 0).
 * - `'constant-correlation'`: F_ii = s_ii, F_ij = r̄·√(s_ii s_jj), r̄ the mean off-diagonal sample
 *   correlation; δ = max(0, min(1, κ/T)), κ = (π − ρ)/γ with π, ρ, γ of Ledoit & Wolf (2003)
 *   (their `covCor.m`).
 *
 * @param x T×N returns (T ≥ 2, N ≥ 1; for constant-correlation N ≥ 2 and no constant column).
 * @param opts `{ target = 'identity' }`.
 * @returns `{ covariance, shrinkage, target }`.
 * @throws {ValidationError} bad x, unknown target, constant column (constant-correlation).
 * @example
 * ledoitWolf(returnsMatrix, { target: 'identity' }).shrinkage // in [0, 1]
 */
export function ledoitWolf(x: number[][], opts: { target?: 'identity' | 'constant-correlation' } = {}): ShrunkCovariance {
  const kind = requireOneOf('options.target', opts.target ?? 'identity', ['identity', 'constant-correlation'] as const);
  const { rows: t, cols: n } = requireMatrix('x', x, 2);
  const xc = toFloat64(x, t, n);
  centreColumns(xc, t, n);
  // XcᵀXc (upper triangle, mirrored): the only O(T·N²) part
  const xtx = new Float64Array(n * n);
  for (let r = 0; r < t; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) {
      const xi = xc[o + i];
      for (let j = i; j < n; j++) xtx[i * n + j] += xi * xc[o + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) xtx[j * n + i] = xtx[i * n + j];
  return ledoitWolfFromCentred(xc, t, n, xtx, kind);
}

/** Subtracts each column's mean in place (row-major T×N). */
export function centreColumns(x: Float64Array, t: number, n: number): void {
  const mean = new Float64Array(n);
  for (let r = 0; r < t; r++) for (let j = 0; j < n; j++) mean[j] += x[r * n + j];
  for (let j = 0; j < n; j++) mean[j] /= t;
  for (let r = 0; r < t; r++) for (let j = 0; j < n; j++) x[r * n + j] -= mean[j];
}

/**
 * Ledoit–Wolf from centred data `xc` (T×N) and its cross-product `xtx` = XcᵀXc (full N×N), which
 * the caller may compute with a faster kernel (the engine uses the WASM pool). Every other sum the
 * shrinkage needs is O(T·N): Σ_ij Σ_t x_ti² x_tj² = Σ_t (Σ_i x_ti²)², its diagonal Σ_t x_ti⁴, and
 * for the constant-correlation target Σ_{j≠i} (sd_j/sd_i) Σ_t x_ti³ x_tj = Σ_t x_ti³ (u_t − sd_i x_ti)
 * with u_t = Σ_j sd_j x_tj.
 */
export function ledoitWolfFromCentred(
  xc: Float64Array, t: number, n: number, xtx: Float64Array, kind: 'identity' | 'constant-correlation',
): ShrunkCovariance {
  const s = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) s[k] = xtx[k] / t;
  // Σ_t (Σ_i x_ti²)² and the diagonal fourth moments
  let sumX2X2 = 0;
  const x4 = new Float64Array(n);
  for (let r = 0; r < t; r++) {
    const o = r * n;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const v = xc[o + i] * xc[o + i];
      q += v;
      x4[i] += v * v;
    }
    sumX2X2 += q * q;
  }
  const f = new Float64Array(n * n);
  let delta: number;
  if (kind === 'identity') {
    let trace = 0;
    for (let i = 0; i < n; i++) trace += s[i * n + i];
    const mu = trace / n;
    let delta_ = 0;
    for (let k = 0; k < n * n; k++) delta_ += xtx[k] * xtx[k];
    delta_ /= t * t;
    let beta = (sumX2X2 / t - delta_) / (n * t);
    const d = (delta_ - 2 * mu * trace + n * mu * mu) / n;
    beta = Math.min(beta, d);
    delta = beta === 0 ? 0 : beta / d;
    for (let i = 0; i < n; i++) f[i * n + i] = mu;
    if (!Number.isFinite(delta)) delta = 0; // all columns constant: S = 0 = F
  } else {
    if (n < 2) throw new ValidationError('x[0]', 'length', `constant-correlation target needs at least 2 columns; got ${n}`, n);
    const sd = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!(s[i * n + i] > 0)) throw new ValidationError(`x[*][${i}]`, 'constant', `column ${i} is constant; its correlation is undefined`, s[i * n + i]);
      sd[i] = Math.sqrt(s[i * n + i]);
    }
    let rsum = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rsum += s[i * n + j] / (sd[i] * sd[j]);
    const rBar = rsum / (n * (n - 1));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[i * n + j] = i === j ? s[i * n + i] : rBar * sd[i] * sd[j];
    // π̂ = Σ_ij [ (1/T) Σ_t x_ti² x_tj² − s_ij² ], and its diagonal part
    let sumS2 = 0;
    for (let k = 0; k < n * n; k++) sumS2 += s[k] * s[k];
    const phi = sumX2X2 / t - sumS2;
    let phiDiag = 0;
    for (let i = 0; i < n; i++) phiDiag += x4[i] / t - s[i * n + i] * s[i * n + i];
    // Σ_{i≠j} (sd_j/sd_i) θ_ij, θ_ij = (1/T) Σ_t x_ti³ x_tj − s_ii s_ij
    const x3u = new Float64Array(n); // Σ_t x_ti³ (u_t − sd_i x_ti)
    for (let r = 0; r < t; r++) {
      const o = r * n;
      let u = 0;
      for (let j = 0; j < n; j++) u += sd[j] * xc[o + j];
      for (let i = 0; i < n; i++) {
        const xi = xc[o + i];
        x3u[i] += xi * xi * xi * (u - sd[i] * xi);
      }
    }
    let rhoOff = 0;
    for (let i = 0; i < n; i++) {
      let sdS = 0; // Σ_{j≠i} sd_j s_ij
      for (let j = 0; j < n; j++) if (j !== i) sdS += sd[j] * s[i * n + j];
      rhoOff += (x3u[i] / t - s[i * n + i] * sdS) / sd[i];
    }
    const rho = phiDiag + rBar * rhoOff;
    let gamma = 0;
    for (let k = 0; k < n * n; k++) gamma += (s[k] - f[k]) ** 2;
    const kappa = (phi - rho) / gamma;
    delta = gamma === 0 ? 0 : Math.max(0, Math.min(1, kappa / t));
  }
  const out = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) out[k] = delta * f[k] + (1 - delta) * s[k];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[j * n + i] = out[i * n + j];
  return { covariance: toNested(out, n, n), shrinkage: delta, target: toNested(f, n, n) };
}

/**
 * Correlation matrix from a covariance matrix: R_ij = C_ij / √(C_ii·C_jj), unit diagonal.
 *
 * @param c N×N symmetric covariance with positive diagonal.
 * @throws {ValidationError} not symmetric/finite, a variance ≤ 0.
 * @example
 * correlationFromCovariance([[4, 2], [2, 9]]) // returns [[1, 1/3], [1/3, 1]]
 */
export function correlationFromCovariance(c: number[][]): number[][] {
  const n = requireSymmetric('covariance', c);
  const sd = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (!(c[i][i] > 0)) throw new ValidationError(`covariance[${i}][${i}]`, 'positive', `variance must be > 0; got ${describeValue(c[i][i])}`, c[i][i]);
    sd[i] = Math.sqrt(c[i][i]);
  }
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    out[i][i] = 1;
    for (let j = i + 1; j < n; j++) {
      const r = Math.max(-1, Math.min(1, (0.5 * (c[i][j] + c[j][i])) / (sd[i] * sd[j])));
      out[i][j] = out[j][i] = r;
    }
  }
  return out;
}

/**
 * Covariance from volatilities and a correlation matrix: C = D·R·D, D = diag(vols).
 *
 * @param vols N volatilities ≥ 0 (same period as the wanted covariance, e.g. daily).
 * @param correlation N×N symmetric PSD matrix with unit diagonal and entries in [−1, 1].
 * @throws {ValidationError} length mismatch, negative vol, diagonal ≠ 1, |r| > 1, or R not PSD
 *   (repair it first with `nearestPsd(R, { method: 'higham' })`).
 * @example
 * covarianceFromVolsAndCorrelation([0.02, 0.03], [[1, 0.5], [0.5, 1]]) // returns [[0.0004, 0.0003], [0.0003, 0.0009]]
 */
export function covarianceFromVolsAndCorrelation(vols: number[], correlation: number[][]): number[][] {
  const v = requireVector('vols', vols);
  const n = requireSymmetric('correlation', correlation);
  if (n !== v.length) throw new ValidationError('correlation', 'shape', `must be ${v.length}×${v.length} to match vols; got ${n}×${n}`, n);
  v.forEach((s, i) => {
    if (s < 0) throw new ValidationError(`vols[${i}]`, 'range', `must be ≥ 0; got ${s}`, s);
  });
  for (let i = 0; i < n; i++) {
    if (Math.abs(correlation[i][i] - 1) > 1e-10) throw new ValidationError(`correlation[${i}][${i}]`, 'unit-diagonal', `must be 1; got ${correlation[i][i]}`, correlation[i][i]);
    for (let j = 0; j < n; j++) {
      if (Math.abs(correlation[i][j]) > 1 + 1e-12) throw new ValidationError(`correlation[${i}][${j}]`, 'range', `must be in [-1, 1]; got ${correlation[i][j]}`, correlation[i][j]);
    }
  }
  const lmin = eigenvaluesOf(toFloat64(correlation, n, n), n)[0];
  if (lmin < -1e-12) {
    throw new ValidationError('correlation', 'psd', `must be positive semi-definite; smallest eigenvalue ${lmin} (repair with nearestPsd(correlation, { method: 'higham' }))`, lmin);
  }
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    out[i][i] = v[i] * v[i];
    for (let j = i + 1; j < n; j++) out[i][j] = out[j][i] = v[i] * 0.5 * (correlation[i][j] + correlation[j][i]) * v[j];
  }
  return out;
}
