/**
 * The one set of input checks of the hand-validated modules (market, backtest, stress, margin;
 * the request-level inputs use the zod schemas of src/schemas). Each check throws a
 * `ValidationError` whose field is the path of the offending input (`returns[3][1]`) and whose
 * message carries the bad value.
 */
import { ValidationError, describeValue } from './classes.js';

/** Throws a `ValidationError` unless `x` is a finite number. */
export function requireFinite(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new ValidationError(field, 'finite', `must be a finite number; got ${describeValue(x)}`, x);
  }
  return x;
}

/** Throws a `ValidationError` unless every element of `xs` is finite; names the first bad index. */
export function requireFiniteArray(field: string, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(`${field}[${i}]`, 'finite', `must be a finite number; got ${describeValue(v)}`, v);
    }
  }
}

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

/** `confidence` must lie strictly inside (0, 1). */
export function requireConfidence(field: string, a: unknown): number {
  if (typeof a !== 'number' || !(a > 0 && a < 1)) {
    throw new ValidationError(field, 'range', `must be in (0, 1); got ${describeValue(a)}`, a);
  }
  return a;
}

/** A finite numeric series (array or typed array) with at least `min` elements. */
export function requireSeries(field: string, xs: unknown, min = 1): ArrayLike<number> {
  if (!(Array.isArray(xs) || (ArrayBuffer.isView(xs) && !(xs instanceof DataView)))) {
    throw new ValidationError(field, 'type', `must be an array of numbers; got ${describeValue(xs)}`, xs);
  }
  const arr = xs as ArrayLike<number>;
  if (arr.length < min) {
    throw new ValidationError(field, 'length', `must have at least ${min} element(s); got ${arr.length}`, arr.length);
  }
  requireFiniteArray(field, arr);
  return arr;
}

/** An integer in [min, max]. */
export function requireInt(field: string, x: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ValidationError(field, 'integer', `must be an integer ${range}; got ${describeValue(x)}`, x);
  }
  return x;
}

/** A finite number in [min, max] (inclusive unless `open` says otherwise). */
export function requireRange(
  field: string,
  x: unknown,
  min: number,
  max: number,
  open: { lo?: boolean; hi?: boolean } = {},
): number {
  const v = requireFinite(field, x);
  const okLo = open.lo ? v > min : v >= min;
  const okHi = open.hi ? v < max : v <= max;
  if (!okLo || !okHi) {
    const l = open.lo ? '(' : '[';
    const r = open.hi ? ')' : ']';
    throw new ValidationError(field, 'range', `must be in ${l}${min}, ${max}${r}; got ${describeValue(x)}`, x);
  }
  return v;
}

/** A finite number ≥ 0. */
export function requireNonNegative(field: string, x: unknown): number {
  const v = requireFinite(field, x);
  if (v < 0) throw new ValidationError(field, 'nonnegative', `must be >= 0; got ${describeValue(v)}`, v);
  return v;
}

/** A safe integer ≥ 0 (an amount in minor units, e.g. cents). */
export function requireMinorUnits(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
    throw new ValidationError(
      field,
      'minor-units',
      `must be a non-negative safe integer amount in minor units (e.g. cents); got ${describeValue(x)}`,
      x,
    );
  }
  return x;
}

/** A non-empty string identifier. */
export function requireId(field: string, x: unknown): string {
  if (typeof x !== 'string' || x.length === 0) {
    throw new ValidationError(field, 'id', `must be a non-empty string; got ${describeValue(x)}`, x);
  }
  return x;
}

/** An array (of anything) with at least `min` elements. */
export function requireArray<T>(field: string, xs: unknown, min = 1): T[] {
  if (!Array.isArray(xs)) throw new ValidationError(field, 'type', `must be an array; got ${describeValue(xs)}`, xs);
  if (xs.length < min) {
    throw new ValidationError(field, 'length', `must have at least ${min} element(s); got ${xs.length}`, xs.length);
  }
  return xs as T[];
}
