/**
 * Sample and EWMA covariance fanned out over the worker pool.
 *
 * Sample: the observations (rows of x) are cut into a fixed number of chunks that depends only on
 * T (`covChunks`); a task copies only its chunk's rows, centres them on the chunk's own column
 * means, packs them and returns the chunk's co-moments Σ (x − m_k)(x − m_k)ᵀ for a range of result
 * rows (one range per chunk when there are at least as many chunks as threads). The caller merges
 * the chunks in order with the pairwise update of Chan, Golub & LeVeque (M = M_a + M_b +
 * (n_a·n_b/n)·δδᵀ, δ = m_b − m_a) and divides by T − 1: O(K·N²) merging, no O(T·N) work. So no
 * worker copies, centres or packs the whole matrix, and the result is bit-identical for any thread
 * count (the chunks are fixed by T; within a chunk each element is computed by one task, in one
 * order). The tasks also check the cells they read are finite (a non-finite column mean sends the
 * task scanning for the first bad cell), so the caller's copy of a typed matrix is a plain copy.
 *
 * EWMA: the result's rows are split into ranges of equal work (row i costs ∝ n − i); each worker
 * packs the columns it needs from the shared input and runs the recursion for its rows.
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import {
  compactCovRows, covAccStride, covColumnMeansTs, covEwmaRowsTs, covGramRowsTs, covPackTs, covScaleRowsTs,
} from './ts.js';
import { covEwmaRowsWasm, covGramRowsWasm } from './wasm.js';

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

/** Rows of x per sample-covariance chunk at least (fewer rows: one chunk). */
export const COV_CHUNK_MIN_ROWS = 4096;
/** Most chunks the observations are cut into (the merge on the caller is O(chunks · N²)). */
export const COV_MAX_CHUNKS = 4;

/** The chunks [from, to) of the T observations: ⌊T / COV_CHUNK_MIN_ROWS⌋ (1..COV_MAX_CHUNKS) of equal size. Depends on T only. */
export function covChunks(t: number): Array<[number, number]> {
  const k = Math.min(COV_MAX_CHUNKS, Math.max(1, Math.floor(t / COV_CHUNK_MIN_ROWS)));
  return Array.from({ length: k }, (_, c) => [Math.floor((c * t) / k), Math.floor(((c + 1) * t) / k)]);
}

export interface CovChunkTask extends CovTask {
  /** Observations (rows of x) [obsFrom, obsTo) of this chunk, at least 1. */
  obsFrom: number;
  obsTo: number;
}

export interface CovChunkResult {
  /** Row-major index into x of the first non-finite cell of the chunk (row-major order), or −1. */
  bad: number;
  /** Column means of the chunk's rows (all n columns). */
  mean: Float64Array;
  /**
   * Co-moments Σ_r (x_ri − m_i)(x_rj − m_j) over the chunk for rows i of [rowFrom, rowTo), j ≥ i:
   * the upper triangle row after row (row i holds n − i entries; see `triangleRows`).
   */
  m2: Float64Array;
}

/** Entries j ≥ i of accumulator rows i = from..to−1 (stride `covAccStride(n)`), row after row. */
export function triangleRows(acc: Float64Array, n: number, from: number, to: number): Float64Array {
  const n8 = covAccStride(n);
  const out = new Float64Array(((to - from) * (2 * n - from - to + 1)) / 2);
  let o = 0;
  for (let i = from; i < to; i++) {
    out.set(acc.subarray((i - from) * n8 + i, (i - from) * n8 + n), o);
    o += n - i;
  }
  return out;
}

/** First non-finite cell of rows [from, to) of x (row-major index), or −1. */
function firstNonFinite(x: Float64Array, n: number, from: number, to: number): number {
  for (let i = from * n; i < to * n; i++) if (x[i] - x[i] !== 0) return i;
  return -1;
}

/**
 * One task of the sample covariance: the chunk's column means and, for result rows
 * [rowFrom, rowTo), its co-moments (packed panels from rowFrom's panel on, the tiled XᵀX kernel).
 * The strict build and the TS twin give the same bits.
 */
export function runCovChunkTask(core: WasmCore | null, task: CovChunkTask): CovChunkResult {
  const x = dataOf(task);
  const { t, n, rowFrom, rowTo, obsFrom, obsTo } = task;
  if (!(Number.isInteger(obsFrom) && Number.isInteger(obsTo) && obsFrom >= 0 && obsFrom < obsTo && obsTo <= t)) {
    throw new RangeError(`cov task: bad observation range [${obsFrom}, ${obsTo}) for t = ${t}`);
  }
  const m = obsTo - obsFrom;
  const xs = x.subarray(obsFrom * n, obsTo * n);
  const { mean, acc } = core ? covGramRowsWasm(core, xs, m, n, rowFrom, rowTo) : gramRowsTs(xs, m, m, n, rowFrom, rowTo);
  const m2 = triangleRows(acc, n, rowFrom, rowTo);
  // a non-finite cell makes its column's mean non-finite (so does a sum overflowing a double,
  // which the scan then does not find: such data gives non-finite results, caught downstream)
  let bad = -1;
  for (let j = 0; j < n; j++) {
    if (mean[j] - mean[j] !== 0) {
      bad = firstNonFinite(x, n, obsFrom, obsTo);
      break;
    }
  }
  return { bad, mean, m2 };
}

/** One chunk's task results for the merge: its size and the parts of its row ranges. */
export interface CovChunkParts {
  count: number;
  ranges: ReadonlyArray<readonly [number, number]>;
  parts: ReadonlyArray<CovChunkResult>;
}

/**
 * Full symmetric n×n sample covariance (ddof = 1) from the chunks' co-moments, merged in chunk
 * order: M ← M + M_k + (f_k·δ_i)·δ_j with δ = m_k − m, f_k = N·n_k/(N + n_k), then
 * m ← m + δ·(n_k/(N + n_k)), N ← N + n_k; finally M / (T − 1). One chunk: M / (T − 1), the two-pass
 * estimator. One pass over the triangle, O(chunks · n²).
 */
export function mergeCovChunks(n: number, t: number, chunks: readonly CovChunkParts[]): Float64Array {
  // the δ_k and f_k of every merge step, from the means alone
  const k = chunks.length;
  const deltas: Float64Array[] = [];
  const factors: number[] = [];
  let count = chunks[0].count;
  const mean = Float64Array.from(chunks[0].parts[0].mean);
  for (let c = 1; c < k; c++) {
    const mk = chunks[c].parts[0].mean;
    const nk = chunks[c].count;
    const total = count + nk;
    const d = new Float64Array(n);
    for (let j = 0; j < n; j++) d[j] = mk[j] - mean[j];
    deltas.push(d);
    factors.push((count * nk) / total);
    const w = nk / total;
    for (let j = 0; j < n; j++) mean[j] += d[j] * w;
    count = total;
  }
  const out = new Float64Array(n * n);
  const denom = t - 1;
  const rowParts: Float64Array[] = new Array<Float64Array>(k);
  const rowOffsets: number[] = new Array<number>(k).fill(0);
  const cursor: number[] = new Array<number>(k).fill(0);
  const rowFactor = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const { ranges, parts } = chunks[c];
      while (ranges[cursor[c]][1] <= i) cursor[c]++;
      rowParts[c] = parts[cursor[c]].m2;
      // row i of a part from row `from` starts at Σ_{r=from}^{i−1} (n − r); entry j at that + j − i
      const from = ranges[cursor[c]][0];
      rowOffsets[c] = ((i - from) * (2 * n - from - i + 1)) / 2 - i;
    }
    // the merge terms of row i: (f_c·δ_c,i)·δ_c,j added after chunk c's co-moments
    for (let c = 1; c < k; c++) rowFactor[c] = factors[c - 1] * deltas[c - 1][i];
    for (let j = i; j < n; j++) {
      let s = rowParts[0][rowOffsets[0] + j];
      for (let c = 1; c < k; c++) s = s + rowParts[c][rowOffsets[c] + j] + rowFactor[c] * deltas[c - 1][j];
      const v = s / denom;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** The tasks of a sample covariance on `threads` workers: per chunk, ⌈threads / chunks⌉ row ranges of equal work. */
export function planCovTasks(t: number, n: number, threads: number): Array<{ obsFrom: number; obsTo: number; ranges: Array<[number, number]> }> {
  const chunks = covChunks(t);
  const perChunk = Math.min(n, Math.max(1, Math.ceil(threads / chunks.length)));
  const ranges = balancedRowRanges(n, perChunk);
  return chunks.map(([obsFrom, obsTo]) => ({ obsFrom, obsTo, ranges }));
}

/**
 * TS twin of the WASM adapters' first steps: from the first `m` rows of x, the column means, the
 * centred panels from rowFrom's panel on (`pack` sized for `t` rows, so the EWMA recursion can
 * reuse it) and the unscaled co-moments of result rows [rowFrom, rowTo) in the padded accumulator
 * layout.
 */
function gramRowsTs(x: Float64Array, m: number, t: number, n: number, rowFrom: number, rowTo: number): { mean: Float64Array; pack: Float64Array; acc: Float64Array } {
  const mean = new Float64Array(n);
  covColumnMeansTs(x, m, n, mean);
  const pack = new Float64Array(covAccStride(n) * t);
  covPackTs(x, m, n, mean, pack, rowFrom);
  const acc = new Float64Array((rowTo - rowFrom) * covAccStride(n));
  covGramRowsTs(pack, m, n, acc, rowFrom, rowTo);
  return { mean, pack, acc };
}

/** Rows [rowFrom, rowTo) of the EWMA covariance, row-major (rowTo − rowFrom) × n (entries j ≥ i valid). */
export function runCovEwmaTask(core: WasmCore | null, task: CovEwmaTask): Float64Array {
  const x = dataOf(task);
  const { t, n, rowFrom, rowTo, lambda, seedRows } = task;
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`cov-ewma task: lambda must be in (0, 1); got ${lambda}`);
  if (!(Number.isInteger(seedRows) && seedRows >= 2)) throw new RangeError(`cov-ewma task: seedRows must be an integer ≥ 2; got ${seedRows}`);
  if (core) return covEwmaRowsWasm(core, x, t, n, lambda, seedRows, rowFrom, rowTo);
  const m = Math.min(seedRows, t);
  const { acc, pack } = gramRowsTs(x, m, t, n, rowFrom, rowTo);
  covScaleRowsTs(acc, n, rowFrom, rowTo, m - 1);
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

/** Pool task: one chunk of observations × a range of rows of a sample covariance, from shared data. */
export const COV_CHUNK_TASK = defineTask<CovChunkTask, CovChunkResult>('cov-chunk', (t, { core }) => runCovChunkTask(core, t));

/** Pool task: rows [rowFrom, rowTo) of an EWMA covariance from shared data. */
export const COV_EWMA_TASK = defineTask<CovEwmaTask, Float64Array>('cov-ewma', (t, { core }) => runCovEwmaTask(core, t));
