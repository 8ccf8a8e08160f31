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

/** What the runner needs from an instance built from assembly/cov.ts (or build/core.wasm). */
export interface CovKernelExports {
  memory: WebAssembly.Memory;
  covSample: (xPtr: number, t: number, n: number, meanPtr: number, outPtr: number) => void;
  covSampleRows?: (xPtr: number, t: number, n: number, meanPtr: number, outPtr: number, rowFrom: number, rowTo: number) => void;
  covColumnMeans?: (xPtr: number, t: number, n: number, meanPtr: number) => void;
  /** build/core.wasm exports the first free byte as a function. */
  heapBase?: () => number;
  /** Modules built with `--exportRuntime` export it as a global. */
  __heap_base?: WebAssembly.Global | number;
}

/** Default scratch start per memory: the memory size when first seen (pages grown from JS). */
const scratchBase = new WeakMap<WebAssembly.Memory, number>();

function baseOf(ex: CovKernelExports, base: number | undefined): number {
  if (base !== undefined) return (base + 15) & ~15;
  let b = scratchBase.get(ex.memory);
  if (b === undefined) {
    b = (ex.memory.buffer.byteLength + 15) & ~15;
    scratchBase.set(ex.memory, b);
  }
  return b;
}

/**
 * Runs the WASM `covSample` on a row-major T×N matrix and returns the N×N covariance (a copy).
 *
 * Scratch memory (x, means, output: (T·N + N + N²)·8 bytes, 16-byte aligned) starts at `base`
 * when given — pass the region your allocator reserved, e.g. from `heapBase()` of build/core.wasm
 * if nothing persistent lives there. Without `base` it starts at the end of the memory as it was
 * on the first call for this memory object, i.e. in pages grown from JS that AssemblyScript static
 * data cannot occupy (asc `--runtime stub` exports no `__heap_base` global; build/core.wasm exports
 * a `heapBase()` function, but other kernels may keep tables there). Memory is grown as needed and
 * views are created after growth. The data are copied in and out within the call.
 *
 * @param ex The instance's exports (`memory`, `covSample`).
 * @param x T×N row-major values (length ≥ t·n).
 * @param t Rows (observations), ≥ 2 for finite output.
 * @param n Columns (variables), ≥ 1.
 * @param base Optional byte offset of the scratch region.
 * @returns N×N row-major covariance, ddof = 1, bit-identical to `covSampleTs`.
 * @example
 * const { instance } = await WebAssembly.instantiate(bytes);
 * covSampleWasm(instance.exports as unknown as CovKernelExports, x, 1859, 4)
 */
export function covSampleWasm(ex: CovKernelExports, x: Float64Array, t: number, n: number, base?: number): Float64Array {
  const xPtr = baseOf(ex, base);
  const meanPtr = xPtr + ((t * n * 8 + 15) & ~15);
  const outPtr = meanPtr + ((n * 8 + 15) & ~15);
  const end = outPtr + n * n * 8;
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / 65536));
  new Float64Array(ex.memory.buffer, xPtr, t * n).set(x.subarray(0, t * n));
  ex.covSample(xPtr, t, n, meanPtr, outPtr);
  return new Float64Array(ex.memory.buffer, outPtr, n * n).slice();
}
