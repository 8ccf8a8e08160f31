/**
 * Adapters of the WASM covariance kernels (assembly/cov.ts): copy a row-major T×N matrix into the
 * instance's memory, centre and pack it into column panels, run the register-tiled kernel, copy
 * the result out. The twins are in ./ts.ts (strict build: bit-identical).
 */
import type { WasmCore } from '../../wasm/index.js';
import { compactCovRows, covAccStride } from './ts.js';

/**
 * Rows [rowFrom, rowTo) of the sample covariance (ddof = 1) of a row-major T×N matrix, row-major
 * (rowTo − rowFrom) × n with the entries j ≥ i valid: column means, centred panel pack of the
 * columns ≥ rowFrom, the tiled XᵀX kernel, / (T − 1). Resets `core`'s memory.
 * @example covSampleRowsWasm(await WasmCore.create(), x, 10_000, 500, 0, 146)
 */
export function covSampleRowsWasm(core: WasmCore, x: Float64Array, t: number, n: number, rowFrom: number, rowTo: number): Float64Array {
  const { aP } = loadGramRows(core, x, t, t, n, rowFrom, rowTo);
  core.x.covScaleRows(aP, n, rowFrom, rowTo, t - 1);
  return compactCovRows(core.f64(aP, (rowTo - rowFrom) * covAccStride(n)), n, rowTo - rowFrom);
}

/**
 * The centred co-moments Σ_r (x_ri − m_i)(x_rj − m_j) of the T rows of x for result rows
 * [rowFrom, rowTo) and the column means m: `acc` in the padded accumulator layout (stride
 * `covAccStride(n)`, entries j ≥ i valid), a view into `core`'s memory valid until its next reset.
 * Resets `core`'s memory.
 */
export function covGramRowsWasm(core: WasmCore, x: Float64Array, t: number, n: number, rowFrom: number, rowTo: number): { mean: Float64Array; acc: Float64Array } {
  const { mP, aP } = loadGramRows(core, x, t, t, n, rowFrom, rowTo);
  return { mean: core.f64(mP, n).slice(), acc: core.f64(aP, (rowTo - rowFrom) * covAccStride(n)) };
}

/**
 * Resets `core`, copies the first `t` rows of x in and, from its first m rows, computes the column
 * means (at mP), the centred panels from rowFrom's panel on (at pP, room for t rows) and the
 * co-moments of result rows [rowFrom, rowTo) (at aP, unscaled).
 */
function loadGramRows(core: WasmCore, x: Float64Array, t: number, m: number, n: number, rowFrom: number, rowTo: number): { xP: number; mP: number; pP: number; aP: number } {
  core.reset();
  const xP = core.alloc(t * n * 8);
  const mP = core.alloc(n * 8);
  const pP = core.alloc(core.x.covPackBytes(t, n));
  const aP = core.alloc((rowTo - rowFrom) * covAccStride(n) * 8);
  core.f64(xP, t * n).set(x.subarray(0, t * n));
  core.x.covColumnMeans(xP, m, n, mP);
  core.x.covPack(xP, m, n, mP, pP, rowFrom);
  core.x.covGramRows(pP, m, n, aP, rowFrom, rowTo);
  return { xP, mP, pP, aP };
}

/**
 * Full sample covariance (ddof = 1) of a row-major T×N matrix on the WASM kernels.
 * Resets `core`'s memory (the caller owns the instance for the duration of the call).
 * @returns N×N row-major covariance, bit-identical to `covSampleTs` in the strict build.
 * @example covSampleWasm(await WasmCore.create(), x, 1859, 4)
 */
export function covSampleWasm(core: WasmCore, x: Float64Array, t: number, n: number): Float64Array {
  const rows = covSampleRowsWasm(core, x, t, n, 0, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      out[i * n + j] = rows[i * n + j];
      out[j * n + i] = rows[i * n + j];
    }
  }
  return out;
}

/**
 * Rows [rowFrom, rowTo) of the EWMA (RiskMetrics) covariance forecast, row-major
 * (rowTo − rowFrom) × n with the entries j ≥ i valid: seed = sample covariance (ddof = 1) of the
 * first min(seedRows, T) rows, then S ← λ·S + (1 − λ)·r·rᵀ over all T rows. Resets `core`'s memory.
 * @example covEwmaRowsWasm(await WasmCore.create(), x, 10_000, 500, 0.94, 30, 0, 500)
 */
export function covEwmaRowsWasm(
  core: WasmCore, x: Float64Array, t: number, n: number, lambda: number, seedRows: number, rowFrom: number, rowTo: number,
): Float64Array {
  const rows = rowTo - rowFrom;
  const m = Math.min(seedRows, t);
  const { xP, pP, aP } = loadGramRows(core, x, t, m, n, rowFrom, rowTo);
  core.x.covScaleRows(aP, n, rowFrom, rowTo, m - 1);
  const zP = core.alloc(n * 8);
  core.f64(zP, n).fill(0);
  core.x.covPack(xP, t, n, zP, pP, rowFrom);
  core.x.covEwmaRows(pP, t, n, lambda, aP, rowFrom, rowTo);
  return compactCovRows(core.f64(aP, rows * covAccStride(n)), n, rows);
}
