/**
 * The finite-output guard: a result that holds NaN or ±Infinity becomes a `NumericalError` naming
 * the computation and the first bad field. JSON has no non-finite numbers (JSON.stringify writes
 * `null`), so without this a client would get a 200 whose `es` is null and read it as valid.
 */
import { NumericalError } from './classes.js';

const describeBad = (x: number): string => (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity');

function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The path and description of the first non-finite number in `value` (plain objects, arrays and
 * typed arrays, walked depth-first), or undefined. One pass over the numbers: typed arrays are
 * scanned in a tight loop, so a 1e6-entry P&L vector costs about a millisecond.
 */
export function firstNonFinite(value: unknown, path = ''): [string, string] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [path, describeBad(value)];
  if (value === null || typeof value !== 'object') return undefined;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView || value instanceof BigInt64Array || value instanceof BigUint64Array) return undefined;
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return [joinPath(path, i), describeBad(a[i])];
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x === 'number') {
        if (!Number.isFinite(x)) return [joinPath(path, i), describeBad(x)];
      } else if (x !== null && typeof x === 'object') {
        const bad = firstNonFinite(x, joinPath(path, i));
        if (bad) return bad;
      }
    }
    return undefined;
  }
  // Maps, Sets, Dates and class instances other than plain objects are not part of any result
  if (value instanceof Map || value instanceof Set || value instanceof Date) return undefined;
  for (const key of Object.keys(value)) {
    const bad = firstNonFinite((value as Record<string, unknown>)[key], joinPath(path, key));
    if (bad) return bad;
  }
  return undefined;
}

/** Returns `value` unchanged, or throws a `NumericalError` naming `computation` and the first non-finite field. */
export function requireFiniteResult<T>(computation: string, value: T): T {
  const bad = firstNonFinite(value);
  if (bad) throw new NumericalError(computation, bad[0] === '' ? 'result' : bad[0], bad[1]);
  return value;
}
