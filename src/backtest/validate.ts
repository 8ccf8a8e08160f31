/**
 * Input checks shared by the backtest functions (internal; not exported from the public door).
 * Every check throws a `ValidationError` that names the field and the bad value.
 */
import { ValidationError, describeValue, requireFinite, requireFiniteArray } from '../errors/index.js';

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
