/**
 * Sample covariance fanned out over the worker pool: the centred-product kernel is split into
 * row ranges of equal work (row i costs ∝ n − i); each worker computes its rows from the shared
 * input and returns only their upper-triangle part. The result is bit-identical to the
 * single-threaded kernel (each element is computed by exactly one worker, in the same order).
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import { covColumnMeansTs, covSampleRowsTs } from './ts.js';
import { covSampleRowsWasm } from './wasm.js';

export interface CovTask {
  /** T×N row-major data, then the N column means. */
  shared: SharedArrayBuffer;
  t: number;
  n: number;
  rowFrom: number;
  rowTo: number;
}

/** Rows [rowFrom, rowTo) of the covariance, row-major (rowTo − rowFrom) × n (entries j ≥ i valid). */
export function runCovTask(core: WasmCore | null, task: CovTask): Float64Array {
  const { t, n, rowFrom, rowTo } = task;
  if (!(task.shared instanceof SharedArrayBuffer) || task.shared.byteLength < (t * n + n) * 8) {
    throw new RangeError(`cov task: shared buffer too small for ${t}×${n}`);
  }
  const x = new Float64Array(task.shared, 0, t * n);
  const mean = new Float64Array(task.shared, t * n * 8, n);
  if (!core) {
    const out = new Float64Array(n * n);
    covSampleRowsTs(x, t, n, mean, out, rowFrom, rowTo);
    return out.slice(rowFrom * n, rowTo * n);
  }
  return covSampleRowsWasm(core, x, t, n, mean, rowFrom, rowTo);
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

/** Copies data and column means into a SharedArrayBuffer for the workers. */
export function shareForCov(x: Float64Array, t: number, n: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer((t * n + n) * 8);
  new Float64Array(sab, 0, t * n).set(x.subarray(0, t * n));
  covColumnMeansTs(x, t, n, new Float64Array(sab, t * n * 8, n));
  return sab;
}

/** Pool task: rows [rowFrom, rowTo) of a sample covariance from shared data and means. */
export const COV_ROWS_TASK = defineTask<CovTask, Float64Array>('cov', (t, { core }) => runCovTask(core, t));
