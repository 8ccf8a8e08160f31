/** Input checks shared by the stress functions (internal; not exported from the public door). */
import { ValidationError, describeValue, requireFinite } from '../errors/index.js';

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

/**
 * Splits the integer `total` into integer parts proportional to `weights` (largest-remainder method,
 * ties to the lower index); the parts sum to `total` exactly. Weights ≥ 0; all-zero weights split equally.
 * When weights are integer caps and total ≤ Σ caps, no part exceeds its cap.
 */
export function apportion(total: number, weightsIn: ArrayLike<number>): number[] {
  const n = weightsIn.length;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += weightsIn[i];
  const weights = wsum > 0 ? weightsIn : new Array<number>(n).fill(1);
  if (!(wsum > 0)) wsum = n;
  const parts = new Array<number>(n).fill(0);
  if (total === 0 || n === 0) return parts;
  const frac = new Array<number>(n).fill(0);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const x = (total * weights[i]) / wsum;
    parts[i] = Math.floor(x);
    frac[i] = x - parts[i];
    given += parts[i];
  }
  let left = total - given;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => frac[b] - frac[a] || a - b);
  // Rounding of total·w/W can leave |left| slightly off its ideal range; walk the order until exact.
  for (let j = 0; left > 0; j = (j + 1) % n) {
    if (weights[order[j]] > 0) {
      parts[order[j]]++;
      left--;
    }
  }
  for (let j = n - 1; left < 0; j = (j - 1 + n) % n) {
    if (parts[order[j]] > 0) {
      parts[order[j]]--;
      left++;
    }
  }
  return parts;
}
