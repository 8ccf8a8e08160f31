/** Shared test fixtures for the market tests. */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../src/market/index.js';
import { returns } from '../../src/market/index.js';
import { mulberry32 } from '../helpers.js';

export const EU_CSV = fileURLToPath(new URL('../../data/eustockmarkets.csv', import.meta.url));

/** Daily log returns of DAX, SMI, CAC, FTSE (1859 × 4). */
export function euReturns(): number[][] {
  return returns(parseCsv(readFileSync(EU_CSV, 'utf8')));
}

/** mulberry32 (shared test generator): seeded uniforms in [0, 1). */
export const rng = mulberry32;

/** Standard normal by Box–Muller on `u`. */
export function normals(u: () => number): () => number {
  return () => {
    let a = 0;
    while (a === 0) a = u();
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

/** Naive two-pass covariance, ddof = 1, written independently of the library. */
export function naiveCov(x: number[][]): number[][] {
  const t = x.length;
  const n = x[0].length;
  const m = Array.from({ length: n }, (_, j) => x.reduce((s, r) => s + r[j], 0) / t);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => x.reduce((s, r) => s + (r[i] - m[i]) * (r[j] - m[j]), 0) / (t - 1)));
}

/** Smallest eigenvalue of a symmetric matrix via the library's Jacobi (tested separately). */
export function maxAbsDiff(a: number[][], b: number[][]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
  return d;
}

export function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

export function transpose(a: number[][]): number[][] {
  return a[0].map((_, j) => a.map((r) => r[j]));
}
