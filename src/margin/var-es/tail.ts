/**
 * Tail helpers on loss vectors (loss positive) with the discrete convention of `src/risk/tail.ts`:
 * k = ceil(round((1 − a)·N, 1e-9)), ES = mean of the k largest losses. Adds what margin needs on top:
 * which scenarios form the tail (for the Euler allocation), and the rolling-window ES search.
 */
import { tailCount } from '../../risk/index.js';

/** ES of a set of scenarios with the indices of its tail. */
export interface TailEs {
  /** Mean of the k largest losses (the losses summed largest first). */
  es: number;
  k: number;
  /** Scenario indices of the k largest losses, largest first; ties go to the earlier scenario. */
  tail: Int32Array;
}

/**
 * ES over the scenarios `from … to − 1` of `losses`, and its tail.
 * @example esWithTail(Float64Array.of(1, 5, 3, 4), 0.5).es // returns 4.5 (k = 2: 5 and 4)
 */
export function esWithTail(losses: Float64Array, confidence: number, from = 0, to = losses.length): TailEs {
  const n = to - from;
  const k = tailCount(n, confidence);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = from + i;
  idx.sort((a, b) => losses[b] - losses[a] || a - b);
  const tail = idx.slice(0, k);
  let s = 0;
  for (let i = 0; i < k; i++) s += losses[tail[i]];
  return { es: s / k, k, tail };
}

/**
 * Euler (component) ES per position: c_i = mean over the tail scenarios of position i's loss.
 * Σ_i c_i = ES up to rounding, because the portfolio loss is the sum of the position losses.
 * @param byPosition P&L (profit positive) at [s·nPositions + i].
 */
export function componentEs(byPosition: Float64Array, nPositions: number, tail: Int32Array): Float64Array {
  const out = new Float64Array(nPositions);
  for (const s of tail) {
    for (let i = 0; i < nPositions; i++) out[i] -= byPosition[s * nPositions + i];
  }
  for (let i = 0; i < nPositions; i++) out[i] = out[i] / tail.length + 0; // + 0 turns −0 into 0
  return out;
}

/**
 * The window of `m` consecutive scenarios with the largest ES (earliest on ties).
 *
 * ## Method
 * A sorted copy of the current window is kept and updated by one removal and one insertion per step
 * (binary search + copyWithin), so the search costs O(N·m) moves instead of N sorts.
 * The ES of a window is the sum of its k largest losses (largest first) over k.
 * @returns `{ start, es }` with start the first scenario index of the window.
 */
export function maxEsWindow(losses: Float64Array, m: number, confidence: number): { start: number; es: number } {
  const n = losses.length;
  const k = tailCount(m, confidence);
  const buf = Float64Array.from(losses.subarray(0, m)).sort();
  const esOf = (): number => {
    let s = 0;
    for (let i = m - 1; i >= m - k; i--) s += buf[i];
    return s / k;
  };
  let best = { start: 0, es: esOf() };
  for (let start = 1; start + m <= n; start++) {
    const out = losses[start - 1];
    const inn = losses[start + m - 1];
    // remove `out` (any position holding an equal value)
    let p = lowerBound(buf, m, out);
    buf.copyWithin(p, p + 1, m);
    // insert `inn` into the first m − 1 slots
    p = lowerBound(buf, m - 1, inn);
    buf.copyWithin(p + 1, p, m - 1);
    buf[p] = inn;
    const es = esOf();
    if (es > best.es) best = { start, es };
  }
  return best;
}

function lowerBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
