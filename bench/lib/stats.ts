/**
 * Order statistics for benchmark samples: median, percentiles and a spread summary.
 * Percentiles interpolate linearly between order statistics (numpy's default, "linear").
 */

/** Summary of timing samples, in the samples' unit. */
export interface Summary {
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  p25: number;
  p75: number;
}

/**
 * p-th percentile (p in [0, 100]) of the samples, linear interpolation between order statistics.
 * Empty input gives NaN (callers check, like stdlib's kernels).
 * @example percentile([1, 2, 3, 4], 50) // returns 2.5
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const h = (s.length - 1) * Math.min(100, Math.max(0, p)) / 100;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** @example median([3, 1, 2]) // returns 2 */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Median, mean, min/max and p25/p75 of the samples. */
export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  return {
    n,
    median: median(samples),
    mean: n === 0 ? NaN : samples.reduce((a, b) => a + b, 0) / n,
    min: n === 0 ? NaN : Math.min(...samples),
    max: n === 0 ? NaN : Math.max(...samples),
    p25: percentile(samples, 25),
    p75: percentile(samples, 75),
  };
}
