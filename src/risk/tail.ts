/**
 * The discrete tail convention used everywhere (DESIGN.md): with N scenarios at confidence a,
 * k = ceil((1 − a)·N), where a product within 1e-9 (relative) of an integer counts as that integer
 * (so 99 % of 1,000 gives 10, not 11, and 97.5 % of 3e7 gives 750,000, not 750,001);
 * VaR = k-th largest loss; ES = mean of the k largest losses. Loss is positive.
 */
import { ValidationError } from '../errors/index.js';

/**
 * ceil(x), except that x within 1e-9·max(1, |x|) of an integer r gives r. Binary floating point
 * puts (1 − 0.99)·1000 at 10.000000000000009 and (1 − 0.975)·3e7 at 750000.0000000007; the snap is
 * relative because an absolute one fails at large N (the error grows with x).
 * @example snapCeil(750000.0000000007) // returns 750000
 */
export function snapCeil(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.ceil(x);
}

/**
 * Number of tail scenarios k = snapCeil((1 − a)·N), at least 1 and at most N.
 * @example tailCount(1000, 0.99) // returns 10
 * @example tailCount(30_000_000, 0.975) // returns 750000
 */
export function tailCount(n: number, a: number): number {
  return Math.max(1, Math.min(n, snapCeil((1 - a) * n)));
}

/**
 * Smallest sample of an empirical (historical) tail at confidence a: n = snapCeil(1 / (1 − a)),
 * the least n with (1 − a)·n ≥ 1, so the tail holds at least one whole scenario by the rule above
 * rather than by the clamp k ≥ 1 (which would make 99 % VaR of 2 windows their maximum): 20 at
 * 95 %, 40 at 97.5 %, 100 at 99 %, 1,000 at 99.9 %.
 */
export function minTailSample(a: number): number {
  return snapCeil(1 / (1 - a));
}

/**
 * Throws a ValidationError (rule `min-sample`) naming `field` unless `n` samples suffice for every
 * level in `levels` (see {@link minTailSample}); `what` words the sample (`h-day windows`).
 */
export function requireTailSample(n: number, levels: readonly number[], field: string, what: string, detail = ''): void {
  const a = Math.max(...levels);
  const need = minTailSample(a);
  if (n < need) {
    throw new ValidationError(field, 'min-sample', `an empirical tail at confidence ${a} needs at least ${need} ${what} (ceil(1/(1 − a))); got ${n}${detail}`, n);
  }
}

/** VaR and ES at one confidence level. */
export interface LevelResult {
  confidence: number;
  /** Value at Risk (positive = loss), in the portfolio's quote currency. */
  var: number;
  /** Expected Shortfall (mean of the k largest losses). */
  es: number;
  /** Tail size k. */
  k: number;
}

/**
 * VaR/ES per level from losses sorted in descending order (at least max k of them).
 * ES sums the sorted losses in order, so the result does not depend on how they were gathered.
 */
export function levelsFromSortedTail(sortedDesc: ArrayLike<number>, n: number, levels: readonly number[], shift = 0): LevelResult[] {
  return levels.map((a) => {
    const k = tailCount(n, a);
    let s = 0;
    for (let i = 0; i < k; i++) s += sortedDesc[i];
    return { confidence: a, var: sortedDesc[k - 1] - shift, es: s / k - shift, k };
  });
}

/** VaR/ES per level from a full loss vector (copied and sorted; fine for histories). */
export function levelsFromLosses(losses: ArrayLike<number>, levels: readonly number[]): LevelResult[] {
  const sorted = Float64Array.from(losses).sort().reverse();
  return levelsFromSortedTail(sorted, sorted.length, levels);
}
