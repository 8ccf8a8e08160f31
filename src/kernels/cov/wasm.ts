/**
 * Adapter of the WASM covariance kernel (assembly/cov.ts): copies a row-major T×N matrix into the
 * instance's memory, runs the kernel, copies the result out. The twin is ./ts.ts (bit-identical).
 */
import type { WasmCore } from '../../wasm/index.js';

/**
 * Full sample covariance (ddof = 1) of a row-major T×N matrix on the WASM kernel.
 * Resets `core`'s memory (the caller owns the instance for the duration of the call).
 * @returns N×N row-major covariance, bit-identical to `covSampleTs`.
 * @example covSampleWasm(await WasmCore.create(), x, 1859, 4)
 */
export function covSampleWasm(core: WasmCore, x: Float64Array, t: number, n: number): Float64Array {
  core.reset();
  const xP = core.alloc(t * n * 8);
  const mP = core.alloc(n * 8);
  const oP = core.alloc(n * n * 8);
  core.f64(xP, t * n).set(x.subarray(0, t * n));
  core.x.covSample(xP, t, n, mP, oP);
  return core.f64(oP, n * n).slice();
}

/** Rows [rowFrom, rowTo) of the covariance given the column means (entries j ≥ i valid), row-major. */
export function covSampleRowsWasm(
  core: WasmCore, x: Float64Array, t: number, n: number, mean: Float64Array, rowFrom: number, rowTo: number,
): Float64Array {
  core.reset();
  const xP = core.alloc(t * n * 8);
  const mP = core.alloc(n * 8);
  const oP = core.alloc(n * n * 8);
  core.f64(xP, t * n).set(x.subarray(0, t * n));
  core.f64(mP, n).set(mean);
  core.x.covSampleRows(xP, t, n, mP, oP, rowFrom, rowTo);
  return core.f64(oP + rowFrom * n * 8, (rowTo - rowFrom) * n).slice();
}
