/**
 * Sample-covariance kernel: the pure-TS twin of `assembly/cov.ts` and a runner for the WASM build.
 *
 * ## Method
 * Two-pass: column means m_j = (1/T) Σ_r x_rj, then S_ij = Σ_r (x_ri − m_i)(x_rj − m_j) / (T − 1)
 * for j ≥ i, mirrored to the lower triangle. Rows of x are taken in blocks of `COV_ROW_BLOCK`;
 * each block's partial sum is formed sequentially and then added into S. The twin performs the
 * same floating-point operations in the same order as the SIMD kernel (f64x2 lanes are independent
 * columns; WASM has no fused multiply-add), so both give bit-identical results.
 *
 * Kernels do not validate or throw: T < 2 gives non-finite entries. Public callers validate first
 * (see `sampleCovariance`).
 */

/** Rows per accumulation block; must equal `COV_ROW_BLOCK` in assembly/cov.ts. */
export const COV_ROW_BLOCK = 256;

/** mean[j] = (Σ_r x[r·n + j]) / t. Pure-TS twin of the WASM `covColumnMeans`. */
export function covColumnMeansTs(x: Float64Array, t: number, n: number, mean: Float64Array): void {
  for (let j = 0; j < n; j++) mean[j] = 0;
  for (let r = 0; r < t; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < n; j++) mean[j] /= t;
}

/**
 * Rows [rowFrom, rowTo) of the sample covariance (and their mirror entries). Pure-TS twin of the
 * WASM `covSampleRows`; `mean` must hold the column means.
 */
export function covSampleRowsTs(
  x: Float64Array, t: number, n: number, mean: Float64Array, out: Float64Array, rowFrom: number, rowTo: number,
): void {
  for (let i = rowFrom; i < rowTo; i++) for (let j = i; j < n; j++) out[i * n + j] = 0;
  const acc = new Float64Array(n);
  for (let r0 = 0; r0 < t; r0 += COV_ROW_BLOCK) {
    const r1 = Math.min(t, r0 + COV_ROW_BLOCK);
    for (let i = rowFrom; i < rowTo; i++) {
      const mi = mean[i];
      acc.fill(0, i);
      for (let r = r0; r < r1; r++) {
        const o = r * n;
        const di = x[o + i] - mi;
        for (let j = i; j < n; j++) acc[j] += di * (x[o + j] - mean[j]);
      }
      const oi = i * n;
      for (let j = i; j < n; j++) out[oi + j] += acc[j];
    }
  }
  const denom = t - 1;
  for (let i = rowFrom; i < rowTo; i++) {
    for (let j = i; j < n; j++) {
      const v = out[i * n + j] / denom;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
}

/** Full sample covariance (ddof = 1) of a row-major T×N matrix. Pure-TS twin of the WASM `covSample`. */
export function covSampleTs(x: Float64Array, t: number, n: number, mean: Float64Array, out: Float64Array): void {
  covColumnMeansTs(x, t, n, mean);
  covSampleRowsTs(x, t, n, mean, out, 0, n);
}

/** Columns per packed panel; must equal `COV_PANEL` in assembly/cov.ts. */
export const COV_PANEL = 8;

/** Entries per row of the accumulator of the packed kernels: n rounded up to whole panels. */
export function covAccStride(n: number): number {
  return Math.ceil(n / COV_PANEL) * COV_PANEL;
}

/** Accumulator rows (stride `covAccStride(n)`) → rows of length n. */
export function compactCovRows(acc: Float64Array, n: number, rows: number): Float64Array {
  const n8 = covAccStride(n);
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) out.set(acc.subarray(r * n8, r * n8 + n), r * n);
  return out;
}

/**
 * Panel-packed, centred copy of x: pack[(p·t + r)·8 + c] = x[r][8p + c] − mean[8p + c], 0 past
 * column n, for panels p ≥ ⌊colFrom / 8⌋. Pure-TS twin of the WASM `covPack` (a zero mean gives an
 * exact uncentred copy).
 */
export function covPackTs(x: Float64Array, t: number, n: number, mean: Float64Array, pack: Float64Array, colFrom: number): void {
  const np = Math.ceil(n / COV_PANEL);
  for (let p = Math.floor(colFrom / COV_PANEL); p < np; p++) {
    const c0 = p * COV_PANEL;
    for (let r = 0; r < t; r++) {
      const dst = (p * t + r) * COV_PANEL;
      for (let c = 0; c < COV_PANEL; c++) {
        const j = c0 + c;
        pack[dst + c] = j < n ? x[r * n + j] - mean[j] : 0;
      }
    }
  }
}

/**
 * acc[(i − rowFrom)·n8 + j] = Σ_r pack_ri·pack_rj for rowFrom ≤ i < rowTo and every column j of the
 * panels from i's panel on, summed per block of `COV_ROW_BLOCK` rows (each block from 0, then added
 * into acc). Pure-TS twin of the WASM `covGramRows` (strict build: bit-identical).
 */
export function covGramRowsTs(pack: Float64Array, t: number, n: number, acc: Float64Array, rowFrom: number, rowTo: number): void {
  const n8 = covAccStride(n);
  const np = n8 / COV_PANEL;
  acc.fill(0, 0, (rowTo - rowFrom) * n8);
  const part = new Float64Array(COV_PANEL);
  for (let r0 = 0; r0 < t; r0 += COV_ROW_BLOCK) {
    const r1 = Math.min(t, r0 + COV_ROW_BLOCK);
    for (let i = rowFrom; i < rowTo; i++) {
      const ip = Math.floor(i / COV_PANEL) * t * COV_PANEL + (i % COV_PANEL);
      const a = (i - rowFrom) * n8;
      for (let p = Math.floor(i / COV_PANEL); p < np; p++) {
        part.fill(0);
        const jp = p * t * COV_PANEL;
        for (let r = r0; r < r1; r++) {
          const di = pack[ip + r * COV_PANEL];
          const o = jp + r * COV_PANEL;
          for (let c = 0; c < COV_PANEL; c++) part[c] += di * pack[o + c];
        }
        for (let c = 0; c < COV_PANEL; c++) acc[a + p * COV_PANEL + c] += part[c];
      }
    }
  }
}

/** acc entries j ≥ i of rows [rowFrom, rowTo) divided by `denom`. Twin of the WASM `covScaleRows`. */
export function covScaleRowsTs(acc: Float64Array, n: number, rowFrom: number, rowTo: number, denom: number): void {
  const n8 = covAccStride(n);
  for (let i = rowFrom; i < rowTo; i++) for (let j = i; j < n; j++) acc[(i - rowFrom) * n8 + j] /= denom;
}

/** out[i][j] = out[j][i] = acc[(i − rowFrom)·n8 + j] for i ≤ j. Twin of the WASM `covStoreRows`. */
export function covStoreRowsTs(acc: Float64Array, n: number, out: Float64Array, rowFrom: number, rowTo: number): void {
  const n8 = covAccStride(n);
  for (let i = rowFrom; i < rowTo; i++) {
    for (let j = i; j < n; j++) {
      const v = acc[(i - rowFrom) * n8 + j];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
}

/**
 * EWMA (RiskMetrics) recursion on rows [rowFrom, rowTo) of S held in acc (seed on entry, Σ_T on
 * return): for r = 0…t−1, S_ij ← λ·S_ij + ((1 − λ)·x_ri)·x_rj, x uncentred and packed. Pure-TS
 * twin of the WASM `covEwmaRows` (the same operations per element as `ewmaCovariance`).
 */
export function covEwmaRowsTs(pack: Float64Array, t: number, n: number, lambda: number, acc: Float64Array, rowFrom: number, rowTo: number): void {
  const n8 = covAccStride(n);
  const w = 1 - lambda;
  for (let i = rowFrom; i < rowTo; i++) {
    const ip = Math.floor(i / COV_PANEL) * t * COV_PANEL + (i % COV_PANEL);
    const a = (i - rowFrom) * n8;
    for (let j = i; j < n; j++) {
      const jp = Math.floor(j / COV_PANEL) * t * COV_PANEL + (j % COV_PANEL);
      let s = acc[a + j];
      for (let r = 0; r < t; r++) s = lambda * s + (w * pack[ip + r * COV_PANEL]) * pack[jp + r * COV_PANEL];
      acc[a + j] = s;
    }
  }
}
