/**
 * Resolution and semantic validation of portfolio + market inputs (after the zod shape check):
 * dimensions, symmetry, correlation bounds and positive semi-definiteness, each failure a
 * ValidationError naming the field.
 */
import { ValidationError } from '../errors/index.js';
import { MarketSchema, PortfolioSchema, parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput } from '../schemas/index.js';
import { CHOLESKY_TASK } from '../kernels/index.js';
import type { TaskRunner } from '../pool/index.js';

export interface ResolvedBook {
  n: number;
  exposures: Float64Array;
  factors: string[];
  market: ReturnType<typeof MarketSchema.parse>;
}

export function resolveBook(portfolio: PortfolioInput, market: MarketInput): ResolvedBook {
  const p = parseInput(PortfolioSchema, portfolio, 'portfolio');
  const m = parseInput(MarketSchema, market, 'market');
  const n = p.exposures.length;
  if (m.factors && m.factors.length !== n) {
    throw new ValidationError('market.factors', 'dimension', `has ${m.factors.length} names but portfolio.exposures has ${n} factors`);
  }
  if (m.mean && m.mean.length !== n) {
    throw new ValidationError('market.mean', 'dimension', `has length ${m.mean.length}; expected ${n} (one per factor)`);
  }
  return { n, exposures: Float64Array.from(p.exposures), factors: m.factors ?? p.exposures.map((_, i) => `f${i}`), market: m };
}

function checkSquare(field: string, a: number[][], n: number): void {
  if (a.length !== n) throw new ValidationError(field, 'dimension', `must be ${n}×${n} (one row per factor); got ${a.length} rows`);
  for (let i = 0; i < n; i++) {
    if (a[i].length !== n) throw new ValidationError(`${field}[${i}]`, 'dimension', `must have ${n} columns; got ${a[i].length}`);
  }
}

function checkSymmetric(field: string, a: number[][], n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = a[i][j];
      const y = a[j][i];
      if (Math.abs(x - y) > 1e-10 * Math.max(Math.abs(x), Math.abs(y), 1e-300)) {
        throw new ValidationError(`${field}[${i}][${j}]`, 'symmetric', `must equal ${field}[${j}][${i}] (symmetric matrix); got ${x} vs ${y}`);
      }
    }
  }
}

/**
 * The daily covariance of the book's factors (row-major n×n) from `covariance` or
 * `vols` + `correlation`; throws when neither is given or either is malformed.
 */
export function resolveCovariance(b: ResolvedBook): { cov: Float64Array; field: string } {
  const { n, market: m } = b;
  if (m.covariance) {
    checkSquare('market.covariance', m.covariance, n);
    checkSymmetric('market.covariance', m.covariance, n);
    for (let i = 0; i < n; i++) {
      if (m.covariance[i][i] < 0) throw new ValidationError(`market.covariance[${i}][${i}]`, 'range', `variance must be >= 0; got ${m.covariance[i][i]}`);
    }
    return { cov: Float64Array.from(m.covariance.flat()), field: 'market.covariance' };
  }
  if (m.vols || m.correlation) {
    if (!m.vols) throw new ValidationError('market.vols', 'required', 'must be given with market.correlation');
    if (!m.correlation) throw new ValidationError('market.correlation', 'required', 'must be given with market.vols');
    if (m.vols.length !== n) throw new ValidationError('market.vols', 'dimension', `has length ${m.vols.length}; expected ${n}`);
    m.vols.forEach((v, i) => {
      if (v < 0) throw new ValidationError(`market.vols[${i}]`, 'range', `must be >= 0; got ${v}`);
    });
    const c = m.correlation;
    checkSquare('market.correlation', c, n);
    checkSymmetric('market.correlation', c, n);
    const cov = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      if (Math.abs(c[i][i] - 1) > 1e-12) throw new ValidationError(`market.correlation[${i}][${i}]`, 'range', `diagonal must be 1; got ${c[i][i]}`);
      for (let j = 0; j < n; j++) {
        if (Math.abs(c[i][j]) > 1 + 1e-12) throw new ValidationError(`market.correlation[${i}][${j}]`, 'range', `must be in [-1, 1]; got ${c[i][j]}`);
        cov[i * n + j] = m.vols[i] * c[i][j] * m.vols[j];
      }
    }
    return { cov, field: 'market.correlation' };
  }
  throw new ValidationError('market.covariance', 'required', 'is required for this method (or market.vols + market.correlation, or market.returns to estimate it)');
}

/** Checks that every row of a return history has one column per factor. */
export function checkReturns(returns: number[][], n: number): void {
  if (returns.length === 0) throw new ValidationError('market.returns', 'length', 'must have at least one row');
  returns.forEach((r, t) => {
    if (r.length !== n) throw new ValidationError(`market.returns[${t}]`, 'dimension', `must have ${n} columns (one per factor); got ${r.length}`);
  });
}

/**
 * Packed lower Cholesky factor of `scale · cov`, as a pool task (WASM kernel or its TS twin, same
 * operation order). Throws a ValidationError naming `field` when the matrix is not PSD.
 */
export async function choleskyPacked(
  runner: TaskRunner, cov: Float64Array, n: number, scale: number, field: string, signal?: AbortSignal,
): Promise<Float64Array> {
  const a = new Float64Array(n * n);
  let maxDiag = 0;
  for (let i = 0; i < n * n; i++) a[i] = cov[i] * scale;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]);
  const { lp, bad } = await runner.run(CHOLESKY_TASK, { a, n, tol: 1e-12 * maxDiag }, { signal });
  if (bad >= 0) {
    throw new ValidationError(field, 'psd', `must be positive semi-definite; Cholesky fails at factor ${bad} (repair it with a nearest-PSD projection first)`);
  }
  return lp;
}

/** w'Σw for a row-major Σ. */
export function quadForm(w: ArrayLike<number>, cov: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += cov[i * n + j] * w[j];
    s += w[i] * r;
  }
  return s;
}
