/**
 * Covariance on the engine: the sample estimator and the EWMA recursion on the packed,
 * register-tiled WASM kernels over the pool, bit-identical for any thread count (sample: chunks of
 * observations fixed by T, each centred on its own means in its task and merged here; EWMA: rows of
 * the result split into equal-work ranges); Ledoit–Wolf from the same XᵀX plus one task for its
 * O(T·N) sums. The calling thread copies the input once and merges; it never touches the data
 * again.
 */
import { ValidationError, describeValue, requireOpenInterval } from '../errors/index.js';
import { COV_CHUNK_TASK, COV_EWMA_TASK, assembleCovRows, balancedRowRanges, mergeCovChunks, planCovTasks } from '../kernels/index.js';
import type { EngineContext } from './context.js';
import { COVARIANCE_DEFAULTS } from './defaults.js';
import { LEDOIT_WOLF_TASK } from './tasks.js';

/** A T×N matrix of observations: nested rows, or row-major data with its shape. */
export type Matrix = number[][] | { data: Float64Array; rows: number; cols: number };

export interface CovarianceOptions {
  /** `sample` (ddof = 1, WASM kernel over the pool), `ewma` (RiskMetrics) or `ledoit-wolf`. */
  method?: 'sample' | 'ewma' | 'ledoit-wolf';
  /** EWMA decay λ in (0, 1) (default 0.94); the seed is the sample covariance of the first 30 rows. */
  lambda?: number;
  /** Ledoit–Wolf target (default `identity`, the scikit-learn estimator). */
  target?: 'identity' | 'constant-correlation';
}

export interface CovarianceResult {
  covariance: number[][];
  method: 'sample' | 'ewma' | 'ledoit-wolf';
  rows: number;
  cols: number;
  /** Ledoit–Wolf shrinkage intensity in [0, 1]. */
  shrinkage?: number;
  kernel: 'wasm' | 'ts';
  elapsedMs: number;
}

/**
 * Copies a T×N matrix into a SharedArrayBuffer the workers read (the engine's kept buffer when it
 * fits), validating its shape (at least 2 rows and 1 column). Nested rows are checked finite in the
 * same pass; a typed matrix is copied as it is and its cells are checked by the workers that read
 * them (`checkFinite` checks them here instead, for paths whose tasks do not).
 */
function toSharedRowMajor(ctx: EngineContext, x: Matrix, checkFinite: boolean): { data: Float64Array; rows: number; cols: number } {
  let rows: number;
  let cols: number;
  if (Array.isArray(x)) {
    rows = x.length;
    cols = rows ? (Array.isArray(x[0]) ? x[0].length : -1) : 0;
  } else {
    if (!x || !(x.data instanceof Float64Array) || !Number.isInteger(x.rows) || !Number.isInteger(x.cols) || x.rows < 0 || x.cols < 0 || x.data.length < x.rows * x.cols) {
      throw new ValidationError('returns', 'type', 'must be number[][] or { data: Float64Array, rows, cols } with data.length >= rows·cols');
    }
    rows = x.rows;
    cols = x.cols;
  }
  if (rows < 2) throw new ValidationError('returns', 'length', `needs at least 2 rows; got ${rows}`);
  if (Array.isArray(x) && !Array.isArray(x[0])) {
    throw new ValidationError('returns[0]', 'dimension', `must be an array of numbers; got ${describeValue(x[0])}`);
  }
  if (cols < 1) throw new ValidationError('returns[0]', 'length', 'needs at least 1 column');
  const bytes = rows * cols * 8;
  const data = new Float64Array(ctx.covarianceInput?.take(bytes) ?? new SharedArrayBuffer(bytes), 0, rows * cols);
  if (Array.isArray(x)) {
    for (let r = 0; r < rows; r++) {
      const row = x[r];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ValidationError(`returns[${r}]`, 'dimension', `must be an array of ${cols} numbers; got ${describeValue(row)}`);
      }
      const o = r * cols;
      for (let c = 0; c < cols; c++) {
        data[o + c] = row[c];
        if (data[o + c] - data[o + c] !== 0) throw notFinite(data, cols, o + c); // NaN or ±Infinity
      }
    }
  } else {
    const src = x.data;
    if (checkFinite) {
      for (let i = 0; i < rows * cols; i++) {
        const v = src[i];
        data[i] = v;
        if (v - v !== 0) throw notFinite(data, cols, i);
      }
    } else {
      data.set(src.subarray(0, rows * cols));
    }
  }
  return { data, rows, cols };
}

/** The ValidationError for the non-finite cell `i` (row-major) of the matrix. */
function notFinite(data: Float64Array, cols: number, i: number): ValidationError {
  return new ValidationError(`returns[${Math.floor(i / cols)}][${i % cols}]`, 'finite', `must be a finite number; got ${describeValue(data[i])}`);
}

function toNested(d: Float64Array, n: number): number[][] {
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = d[i * n + j];
    out[i] = row;
  }
  return out;
}

/**
 * Sample covariance (ddof = 1) on the pool: chunks of observations fixed by T, each a row range
 * per task (see kernels/cov/task.ts), merged here; bit-identical for any thread count.
 * @throws ValidationError naming the first non-finite cell the tasks found.
 */
async function sampleOnPool(ctx: EngineContext, data: Float64Array, rows: number, cols: number, signal?: AbortSignal): Promise<Float64Array> {
  const shared = data.buffer as SharedArrayBuffer;
  const plan = planCovTasks(rows, cols, ctx.pool.threads);
  const results = await Promise.all(plan.map(({ obsFrom, obsTo, ranges }) => Promise.all(ranges.map(([rowFrom, rowTo]) =>
    ctx.pool.run(COV_CHUNK_TASK, { shared, t: rows, n: cols, obsFrom, obsTo, rowFrom, rowTo }, { signal })))));
  let bad = -1;
  for (const parts of results) for (const p of parts) if (p.bad >= 0 && (bad < 0 || p.bad < bad)) bad = p.bad;
  if (bad >= 0) throw notFinite(data, cols, bad);
  return mergeCovChunks(cols, rows, plan.map((c, k) => ({ count: c.obsTo - c.obsFrom, ranges: c.ranges, parts: results[k] })));
}

/** EWMA covariance on the pool: the same row ranges, each a seed plus the recursion over all rows. */
async function ewmaOnPool(ctx: EngineContext, shared: SharedArrayBuffer, rows: number, cols: number, lambda: number, signal?: AbortSignal): Promise<Float64Array> {
  const ranges = balancedRowRanges(cols, Math.min(cols, ctx.pool.threads));
  const parts = await Promise.all(ranges.map(([rowFrom, rowTo]) => ctx.pool.run(COV_EWMA_TASK, {
    shared, t: rows, n: cols, rowFrom, rowTo, lambda, seedRows: EWMA_SEED_ROWS,
  }, { signal })));
  return assembleCovRows(cols, ranges, parts);
}

/** Rows of the EWMA seed window (RiskMetrics convention; `market.ewmaCovariance`'s default). */
const EWMA_SEED_ROWS = 30;

/**
 * Covariance of a T×N return matrix. `sample` runs the blocked WASM kernel over the pool (chunks
 * of observations fixed by T, merged with the pairwise update; bit-identical to one thread); `ledoit-wolf` takes
 * its XᵀX from the same pool run plus one task for its O(T·N) sums; `ewma` runs the recursion
 * Σ ← λΣ + (1 − λ)·r·rᵀ (seeded with the sample covariance of the first 30 rows) on the same row
 * ranges, the numbers of `market.ewmaCovariance`.
 * @throws ValidationError for a ragged or non-finite matrix, fewer than 2 rows or a bad option.
 */
export async function computeCovariance(ctx: EngineContext, returns: Matrix, options: CovarianceOptions = {}, signal?: AbortSignal): Promise<CovarianceResult> {
  const t0 = performance.now();
  const method = options.method ?? COVARIANCE_DEFAULTS.method;
  if (!['sample', 'ewma', 'ledoit-wolf'].includes(method)) {
    throw new ValidationError('options.method', 'enum', `must be 'sample', 'ewma' or 'ledoit-wolf'; got ${describeValue(method)}`);
  }
  const target = options.target ?? COVARIANCE_DEFAULTS.target;
  if (target !== 'identity' && target !== 'constant-correlation') {
    throw new ValidationError('options.target', 'enum', `must be 'identity' or 'constant-correlation'; got ${describeValue(target)}`);
  }
  const lambda = method === 'ewma' ? requireOpenInterval('options.lambda', options.lambda ?? COVARIANCE_DEFAULTS.lambda, 0, 1) : 0;
  const { data, rows, cols } = toSharedRowMajor(ctx, returns, method === 'ewma');
  const kernel = ctx.wasm ? 'wasm' as const : 'ts' as const;
  const done = (covariance: number[][], shrinkage?: number): CovarianceResult => {
    // every task that read the input has finished: the buffer can serve the next call
    ctx.covarianceInput?.give(data.buffer as SharedArrayBuffer);
    return { covariance, method, rows, cols, kernel, elapsedMs: performance.now() - t0, ...(shrinkage === undefined ? {} : { shrinkage }) };
  };
  if (method === 'ewma') return done(toNested(await ewmaOnPool(ctx, data.buffer as SharedArrayBuffer, rows, cols, lambda, signal), cols));
  const sample = await sampleOnPool(ctx, data, rows, cols, signal);
  if (method === 'sample') return done(toNested(sample, cols));
  const xtx = sample.map((v) => v * (rows - 1)); // XcᵀXc
  const lw = await ctx.pool.run(LEDOIT_WOLF_TASK, { data, rows, cols, xtx, target }, { signal });
  return done(lw.covariance, lw.shrinkage);
}
