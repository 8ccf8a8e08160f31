/**
 * Sample and EWMA covariance fanned out over the worker pool: the result's rows are split into
 * ranges of equal work (row i costs ∝ n − i); each worker centres and packs the columns it needs
 * from the shared input, runs the tiled kernel for its rows and returns only their upper-triangle
 * part. The result is bit-identical for any number of ranges (each element is computed by exactly
 * one worker, in the same order).
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import {
  compactCovRows, covAccStride, covColumnMeansTs, covEwmaRowsTs, covGramRowsTs, covPackTs, covScaleRowsTs,
} from './ts.js';
import { covEwmaRowsWasm, covSampleRowsWasm } from './wasm.js';

export interface CovTask {
  /** T×N row-major data. */
  shared: SharedArrayBuffer;
  t: number;
  n: number;
  rowFrom: number;
  rowTo: number;
}

export interface CovEwmaTask extends CovTask {
  /** Decay λ in (0, 1). */
  lambda: number;
  /** Rows of the seed window (the seed is their sample covariance), ≥ 2. */
  seedRows: number;
}

function dataOf(task: CovTask): Float64Array {
  const { t, n, rowFrom, rowTo } = task;
  if (!(task.shared instanceof SharedArrayBuffer) || task.shared.byteLength < t * n * 8) {
    throw new RangeError(`cov task: shared buffer too small for ${t}×${n}`);
  }
  if (!(Number.isInteger(rowFrom) && Number.isInteger(rowTo) && rowFrom >= 0 && rowFrom <= rowTo && rowTo <= n)) {
    throw new RangeError(`cov task: bad row range [${rowFrom}, ${rowTo}) for n = ${n}`);
  }
  return new Float64Array(task.shared, 0, t * n);
}

/** Rows [rowFrom, rowTo) of the sample covariance, row-major (rowTo − rowFrom) × n (entries j ≥ i valid). */
export function runCovTask(core: WasmCore | null, task: CovTask): Float64Array {
  const x = dataOf(task);
  const { t, n, rowFrom, rowTo } = task;
  if (core) return covSampleRowsWasm(core, x, t, n, rowFrom, rowTo);
  const { acc } = sampleRowsTs(x, t, t, n, rowFrom, rowTo);
  return compactCovRows(acc, n, rowTo - rowFrom);
}

/**
 * TS twin: rows [rowFrom, rowTo) of the sample covariance of the first `m` of `t` rows, in the
 * padded accumulator layout; `pack` is sized for all `t` rows so the EWMA recursion can reuse it.
 */
function sampleRowsTs(x: Float64Array, m: number, t: number, n: number, rowFrom: number, rowTo: number): { acc: Float64Array; pack: Float64Array } {
  const mean = new Float64Array(n);
  covColumnMeansTs(x, m, n, mean);
  const pack = new Float64Array(covAccStride(n) * t);
  covPackTs(x, m, n, mean, pack, rowFrom);
  const acc = new Float64Array((rowTo - rowFrom) * covAccStride(n));
  covGramRowsTs(pack, m, n, acc, rowFrom, rowTo);
  covScaleRowsTs(acc, n, rowFrom, rowTo, m - 1);
  return { acc, pack };
}

/** Rows [rowFrom, rowTo) of the EWMA covariance, row-major (rowTo − rowFrom) × n (entries j ≥ i valid). */
export function runCovEwmaTask(core: WasmCore | null, task: CovEwmaTask): Float64Array {
  const x = dataOf(task);
  const { t, n, rowFrom, rowTo, lambda, seedRows } = task;
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`cov-ewma task: lambda must be in (0, 1); got ${lambda}`);
  if (!(Number.isInteger(seedRows) && seedRows >= 2)) throw new RangeError(`cov-ewma task: seedRows must be an integer ≥ 2; got ${seedRows}`);
  if (core) return covEwmaRowsWasm(core, x, t, n, lambda, seedRows, rowFrom, rowTo);
  const { acc, pack } = sampleRowsTs(x, Math.min(seedRows, t), t, n, rowFrom, rowTo);
  covPackTs(x, t, n, new Float64Array(n), pack, rowFrom);
  covEwmaRowsTs(pack, t, n, lambda, acc, rowFrom, rowTo);
  return compactCovRows(acc, n, rowTo - rowFrom);
}

/** Splits rows 0..n into `parts` ranges of about equal work Σ (n − i). */
export function balancedRowRanges(n: number, parts: number): Array<[number, number]> {
  const total = (n * (n + 1)) / 2;
  const out: Array<[number, number]> = [];
  let from = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += n - i;
    if (acc >= (total * (out.length + 1)) / parts && out.length < parts - 1) {
      out.push([from, i + 1]);
      from = i + 1;
    }
  }
  if (from < n) out.push([from, n]);
  return out;
}

/** Copies the data into a SharedArrayBuffer for the workers (each computes the means it needs). */
export function shareForCov(x: Float64Array, t: number, n: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(t * n * 8);
  new Float64Array(sab, 0, t * n).set(x.subarray(0, t * n));
  return sab;
}

/**
 * Merges row-range results (row-major (to − from) × n, entries j ≥ i valid) into a full symmetric
 * n×n matrix.
 */
export function assembleCovRows(n: number, ranges: ReadonlyArray<readonly [number, number]>, parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(n * n);
  ranges.forEach(([from, to], p) => {
    const part = parts[p];
    for (let i = from; i < to; i++) {
      const o = (i - from) * n;
      out.set(part.subarray(o + i, o + n), i * n + i);
      for (let j = i + 1; j < n; j++) out[j * n + i] = part[o + j];
    }
  });
  return out;
}

/** Pool task: rows [rowFrom, rowTo) of a sample covariance from shared data. */
export const COV_ROWS_TASK = defineTask<CovTask, Float64Array>('cov', (t, { core }) => runCovTask(core, t));

/** Pool task: rows [rowFrom, rowTo) of an EWMA covariance from shared data. */
export const COV_EWMA_TASK = defineTask<CovEwmaTask, Float64Array>('cov-ewma', (t, { core }) => runCovEwmaTask(core, t));
