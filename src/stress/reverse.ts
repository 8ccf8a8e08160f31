/**
 * Hypothetical and reverse stress tests of a linear book.
 *
 * ## Conventions
 * - A linear book is a vector of exposures w (currency P&L per unit return of each risk factor);
 *   a shock r (returns) gives P&L = w·r and loss = −w·r (loss positive).
 * - A shock *breaches* when its loss is ≥ the threshold.
 * - Reverse stress answers "what is the smallest shock that breaches?" and returns a check that the
 *   same shock 1 % smaller does not breach.
 *
 * ## Method
 * - Uniform: bisection on s ≥ 0 for the loss of `pnlOf(s)` (loss = −pnlOf(s)), after bracketing by
 *   doubling from `initialShock`, to a relative width 1e-9; the upper end of the bracket (which
 *   breaches) is returned. Assumes the loss is non-decreasing in s; otherwise it finds *a* crossing and
 *   the 1 % check says whether it is the first one nearby.
 * - Worst direction (Mahalanobis): over shocks with r'Σ⁻¹r ≤ k², the largest loss is k·sqrt(w'Σw),
 *   reached at r = −k·Σw / sqrt(w'Σw). The smallest breaching distance is k = threshold / sqrt(w'Σw),
 *   raised by a few ulps if rounding leaves −w·r a hair below the threshold. Only w'Σw > 0 is needed
 *   (Σ is not inverted).
 *
 * ## References
 * - Breuer, T., Jandačka, M., Rheinberger, K., Summer, M. (2009). How to find plausible, severe, and
 *   useful stress scenarios. International Journal of Central Banking 5(3), 205–224.
 */
import { ValidationError, describeValue, requireFinite, requireFiniteArray } from '../errors/index.js';
import { requireArray } from '../errors/index.js';

export interface ShockCheck {
  shock: number;
  loss: number;
  breaches: boolean;
}

export interface UniformReverseStress {
  /** Smallest shock size s found (within 1e-9 relative) whose loss is ≥ the threshold. */
  shock: number;
  loss: number;
  breaches: boolean;
  threshold: number;
  /** The same evaluation at 0.99·s. */
  check: ShockCheck;
}

export interface WorstDirectionReverseStress {
  /** The breaching shock vector r = −k Σw / sqrt(w'Σw). */
  shock: Float64Array;
  /** Mahalanobis distance k of the shock. */
  distance: number;
  /** Loss −w·r at the shock. */
  loss: number;
  breaches: boolean;
  threshold: number;
  /** sqrt(w'Σw): the loss per unit of distance. */
  sigma: number;
  /** The shock scaled by 0.99 (distance 0.99·k). */
  check: { shock: Float64Array; distance: number; loss: number; breaches: boolean };
}

export interface ScenarioResult {
  name: string;
  pnl: number;
  loss: number;
}

function readVector(field: string, xs: unknown): ArrayLike<number> {
  if (!(Array.isArray(xs) || (ArrayBuffer.isView(xs) && !(xs instanceof DataView)))) {
    throw new ValidationError(field, 'type', `must be an array of numbers; got ${describeValue(xs)}`, xs);
  }
  const v = xs as ArrayLike<number>;
  if (v.length === 0) throw new ValidationError(field, 'length', 'must have at least 1 element(s); got 0', 0);
  requireFiniteArray(field, v);
  return v;
}

function requirePositive(field: string, x: unknown): number {
  const v = requireFinite(field, x);
  if (!(v > 0)) throw new ValidationError(field, 'positive', `must be > 0; got ${describeValue(v)}`, v);
  return v;
}

/**
 * P&L w·r of a linear book under a shock.
 * @throws ValidationError if the lengths differ or a value is not finite.
 * @example linearPnl([100, -50], [-0.1, 0.2]) // returns -20
 */
export function linearPnl(exposures: ArrayLike<number>, shocks: ArrayLike<number>): number {
  const w = readVector('exposures', exposures);
  const r = readVector('shocks', shocks);
  if (r.length !== w.length) {
    throw new ValidationError('shocks', 'length', `must have the same length as exposures (${w.length}); got ${r.length}`, r.length);
  }
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * r[i];
  return s;
}

/**
 * Hypothetical stress: the P&L and loss of a linear book under each named scenario, in input order.
 * @throws ValidationError naming the scenario index for a bad shock vector.
 * @example hypotheticalStress([100], [{ name: 'crash', shocks: [-0.3] }]) // returns [{ name: 'crash', pnl: -30, loss: 30 }]
 */
export function hypotheticalStress(
  exposures: ArrayLike<number>,
  scenarios: { name: string; shocks: ArrayLike<number> }[],
): ScenarioResult[] {
  readVector('exposures', exposures);
  return requireArray<{ name: string; shocks: ArrayLike<number> }>('scenarios', scenarios).map((sc, i) => {
    let pnl: number;
    try {
      pnl = linearPnl(exposures, sc?.shocks);
    } catch (e) {
      if (e instanceof ValidationError && e.field.startsWith('shocks')) {
        throw new ValidationError(`scenarios[${i}].${e.field}`, e.rule, e.message.slice(e.field.length + 2), e.value);
      }
      throw e;
    }
    return { name: String(sc.name), pnl, loss: -pnl };
  });
}

/**
 * Reverse stress with a uniform shock: the smallest s ≥ 0 with −pnlOf(s) ≥ threshold.
 *
 * @param pnlOf P&L of the book when every factor is shocked by size s (the caller fixes the direction,
 *   e.g. `s => linearPnl(w, w.map(() => -s))` for a uniform fall); must return finite numbers.
 * @param threshold loss that counts as a breach, > 0 (currency units).
 * @param options `initialShock` (> 0, default 0.01) starts the bracket; `maxShock` (default 1e6) ends it.
 * @throws ValidationError if threshold or options are not positive, pnlOf returns a non-finite value,
 *   or no shock up to maxShock breaches (field `threshold`, rule `reachable`).
 * @example
 * reverseStressUniform((s) => -1000 * s, 100).shock // returns 0.1 (within 1e-9 relative)
 */
export function reverseStressUniform(
  pnlOf: (s: number) => number,
  threshold: number,
  options: { initialShock?: number; maxShock?: number } = {},
): UniformReverseStress {
  if (typeof pnlOf !== 'function') {
    throw new ValidationError('pnlOf', 'type', `must be a function; got ${describeValue(pnlOf)}`, pnlOf);
  }
  const T = requirePositive('threshold', threshold);
  const s0 = requirePositive('options.initialShock', options.initialShock ?? 0.01);
  const sMax = requirePositive('options.maxShock', options.maxShock ?? 1e6);
  const lossAt = (s: number): number => {
    const p = pnlOf(s);
    if (typeof p !== 'number' || !Number.isFinite(p)) {
      throw new ValidationError('pnlOf', 'finite', `must return a finite P&L; got ${describeValue(p)} at s = ${s}`, p);
    }
    return -p;
  };
  const at = (s: number): ShockCheck => {
    const loss = lossAt(s);
    return { shock: s, loss, breaches: loss >= T };
  };

  let lo = 0;
  if (lossAt(0) >= T) return { ...at(0), threshold: T, check: at(0) };
  let hi = Math.min(s0, sMax);
  while (lossAt(hi) < T) {
    if (hi >= sMax) {
      throw new ValidationError('threshold', 'reachable', `is not reached by any shock up to maxShock ${sMax}; got ${T}`, T);
    }
    lo = hi;
    hi = Math.min(hi * 2, sMax);
  }
  while (hi - lo > 1e-9 * hi) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (lossAt(mid) >= T) hi = mid;
    else lo = mid;
  }
  return { ...at(hi), threshold: T, check: at(0.99 * hi) };
}

/**
 * Reverse stress in the worst direction: the smallest Mahalanobis-distance shock that breaches
 * (closed form, see the module Method).
 *
 * @param exposures w, currency P&L per unit return of each factor, finite.
 * @param covariance Σ of factor returns, n×n, finite and symmetric (to 1e-12 relative).
 * @param threshold loss that counts as a breach, > 0.
 * @throws ValidationError for mismatched sizes, an asymmetric or non-finite Σ, w'Σw ≤ 0 (rule `psd`),
 *   or a threshold ≤ 0.
 * @example
 * reverseStressWorstDirection([100], [[0.04]], 50) // returns distance 2.5, shock [-0.5], loss 50
 */
export function reverseStressWorstDirection(
  exposures: ArrayLike<number>,
  covariance: ArrayLike<ArrayLike<number>>,
  threshold: number,
): WorstDirectionReverseStress {
  const w = readVector('exposures', exposures);
  const n = w.length;
  const rows = requireArray<ArrayLike<number>>('covariance', Array.from(covariance ?? ([] as ArrayLike<number>[])), 1);
  if (rows.length !== n) {
    throw new ValidationError('covariance', 'shape', `must have ${n} rows (one per exposure); got ${rows.length}`, rows.length);
  }
  rows.forEach((row, i) => {
    const r = readVector(`covariance[${i}]`, row);
    if (r.length !== n) throw new ValidationError(`covariance[${i}]`, 'shape', `must have ${n} columns; got ${r.length}`, r.length);
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = rows[i][j];
      const b = rows[j][i];
      if (Math.abs(a - b) > 1e-12 * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE)) {
        throw new ValidationError(`covariance[${i}][${j}]`, 'symmetric', `must equal covariance[${j}][${i}] (${b}); got ${a}`, a);
      }
    }
  }
  const T = requirePositive('threshold', threshold);

  const sw = new Float64Array(n); // Σw
  let q = 0; // w'Σw
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += rows[i][j] * w[j];
    sw[i] = s;
    q += w[i] * s;
  }
  if (!(q > 0)) {
    throw new ValidationError('covariance', 'psd', `must give the book a positive variance w'Σw; got ${q}`, q);
  }
  const sigma = Math.sqrt(q);
  const shockAt = (k: number): Float64Array => sw.map((v) => (-k * v) / sigma);
  const lossOf = (r: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s -= w[i] * r[i];
    return s;
  };
  let k = T / sigma;
  let shock = shockAt(k);
  let loss = lossOf(shock);
  for (let i = 0; i < 8 && loss < T; i++) {
    k *= 1 + 2 ** -50;
    shock = shockAt(k);
    loss = lossOf(shock);
  }
  const checkShock = shockAt(0.99 * k);
  const checkLoss = lossOf(checkShock);
  return {
    shock,
    distance: k,
    loss,
    breaches: loss >= T,
    threshold: T,
    sigma,
    check: { shock: checkShock, distance: 0.99 * k, loss: checkLoss, breaches: checkLoss >= T },
  };
}
