/**
 * Input checks shared by the market module. Each check throws a `ValidationError` whose field is
 * the path of the offending input (`returns[3][1]`) and whose message carries the bad value.
 * Internal: not re-exported from `src/market/index.ts`.
 */
import { ValidationError, describeValue } from '../errors/index.js';

/** Shape of a validated rectangular matrix. */
export interface Shape {
  rows: number;
  cols: number;
}

/**
 * Checks that `x` is a non-empty rectangular `number[][]` of finite numbers with at least
 * `minRows` rows and `minCols` columns; returns its shape.
 */
export function requireMatrix(field: string, x: unknown, minRows = 1, minCols = 1): Shape {
  if (!Array.isArray(x)) {
    throw new ValidationError(field, 'type', `must be an array of rows (number[][]); got ${describeValue(x)}`, x);
  }
  if (x.length < minRows) {
    throw new ValidationError(field, 'length', `must have at least ${minRows} rows; got ${x.length}`, x.length);
  }
  const first = x[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
    throw new ValidationError(`${field}[0]`, 'type', `must be an array of numbers; got ${describeValue(first)}`, first);
  }
  const cols = (first as ArrayLike<number>).length;
  if (cols < minCols) {
    throw new ValidationError(`${field}[0]`, 'length', `must have at least ${minCols} columns; got ${cols}`, cols);
  }
  for (let i = 0; i < x.length; i++) {
    const row = x[i] as ArrayLike<number>;
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new ValidationError(`${field}[${i}]`, 'type', `must be an array of numbers; got ${describeValue(row)}`, row);
    }
    if (row.length !== cols) {
      throw new ValidationError(`${field}[${i}]`, 'rectangular', `must have ${cols} columns like row 0; got ${row.length}`, row.length);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValidationError(`${field}[${i}][${j}]`, 'finite', `must be a finite number; got ${describeValue(v)}`, v);
      }
    }
  }
  return { rows: x.length, cols };
}

/** Checks a square symmetric finite matrix (|a_ij − a_ji| ≤ tol·max(1, |a_ij|)); returns its order. */
export function requireSymmetric(field: string, a: unknown, tol = 1e-10): number {
  const { rows, cols } = requireMatrix(field, a);
  if (rows !== cols) {
    throw new ValidationError(field, 'square', `must be square; got ${rows}×${cols}`, [rows, cols]);
  }
  const m = a as number[][];
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      const d = Math.abs(m[i][j] - m[j][i]);
      if (d > tol * Math.max(1, Math.abs(m[i][j]), Math.abs(m[j][i]))) {
        throw new ValidationError(`${field}[${i}][${j}]`, 'symmetric', `must equal ${field}[${j}][${i}] (${m[j][i]}); got ${m[i][j]}`, m[i][j]);
      }
    }
  }
  return rows;
}

/** Checks a finite number vector with at least `minLength` entries. */
export function requireVector(field: string, x: unknown, minLength = 1): number[] {
  if (!Array.isArray(x) && !ArrayBuffer.isView(x)) {
    throw new ValidationError(field, 'type', `must be an array of numbers; got ${describeValue(x)}`, x);
  }
  const xs = x as ArrayLike<number>;
  if (xs.length < minLength) {
    throw new ValidationError(field, 'length', `must have at least ${minLength} entries; got ${xs.length}`, xs.length);
  }
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(`${field}[${i}]`, 'finite', `must be a finite number; got ${describeValue(v)}`, v);
    }
  }
  return Array.from(xs);
}

/** Checks lo < x < hi (open interval). */
export function requireOpenInterval(field: string, x: unknown, lo: number, hi: number): number {
  if (typeof x !== 'number' || !(x > lo && x < hi)) {
    throw new ValidationError(field, 'range', `must be in (${lo}, ${hi}); got ${describeValue(x)}`, x);
  }
  return x;
}

/** Checks an integer ≥ min. */
export function requireInteger(field: string, x: unknown, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new ValidationError(field, 'integer', `must be an integer ≥ ${min}; got ${describeValue(x)}`, x);
  }
  return x;
}

/** Checks that `x` is one of `allowed`. */
export function requireOneOf<T extends string>(field: string, x: unknown, allowed: readonly T[]): T {
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) {
    throw new ValidationError(field, 'enum', `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describeValue(x)}`, x);
  }
  return x as T;
}

/** Copies a `number[][]` into a row-major Float64Array. */
export function toFloat64(x: ArrayLike<ArrayLike<number>>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    for (let j = 0; j < cols; j++) out[i * cols + j] = row[j];
  }
  return out;
}

/** Copies a row-major Float64Array into a `number[][]`. */
export function toNested(a: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(a.subarray(i * cols, (i + 1) * cols));
  return out;
}
