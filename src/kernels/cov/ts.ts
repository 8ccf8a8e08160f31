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
