/**
 * The discrete tail convention used everywhere (DESIGN.md): with N scenarios at confidence a,
 * k = ceil((1 − a)·N) with (1 − a)·N rounded to 1e-9 first (so 99 % of 1,000 gives 10, not 11);
 * VaR = k-th largest loss; ES = mean of the k largest losses. Loss is positive.
 */

/**
 * Number of tail scenarios k = ceil(round((1 − a)·N, 9 decimals)), at least 1.
 * @example tailCount(1000, 0.99) // returns 10
 */
export function tailCount(n: number, a: number): number {
  const x = Math.round((1 - a) * n * 1e9) / 1e9;
  return Math.max(1, Math.min(n, Math.ceil(x)));
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
