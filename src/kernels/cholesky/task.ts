/**
 * Pool task of the Cholesky factorisation (O(n³): 500 factors is ~4·10⁷ flops, the 5,000-factor
 * limit ~4·10¹⁰), on the WASM kernel (assembly/linalg.ts) or its TS twin — same operation order.
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import { choleskyTs } from './ts.js';

export interface CholeskyInput {
  /** Row-major n×n symmetric matrix. */
  a: Float64Array;
  n: number;
  /** Pivots within ±tol count as zero (PSD, not PD, accepted). */
  tol: number;
}

export interface CholeskyOutput {
  /** Packed lower factor, n(n+1)/2 entries. */
  lp: Float64Array;
  /** -1 on success, else the first column proving the matrix is not PSD. */
  bad: number;
}

/** The WASM kernel on `core` (its memory is reset first). */
export function choleskyWasm(core: WasmCore, { a, n, tol }: CholeskyInput): CholeskyOutput {
  const nl = (n * (n + 1)) / 2;
  core.reset();
  const ap = core.alloc(n * n * 8);
  const lpP = core.alloc(nl * 8);
  core.f64(ap, n * n).set(a.subarray(0, n * n));
  const bad = core.x.cholesky(ap, n, lpP, tol);
  return { lp: core.f64(lpP, nl).slice(), bad };
}

/** Pool task: the packed Cholesky factor of one matrix. */
export const CHOLESKY_TASK = defineTask<CholeskyInput, CholeskyOutput>('cholesky', (input, { core }) => {
  if (core) return choleskyWasm(core, input);
  const lp = new Float64Array((input.n * (input.n + 1)) / 2);
  return { lp, bad: choleskyTs(input.a, input.n, lp, input.tol) };
});
