/**
 * Pure-TS twin of assembly/tail.ts: keep the k largest losses (and their scenario indices) of a
 * stream of chunks. Same quickselect, same moves as the WASM kernel.
 */

function swap(v: Float64Array, ix: Float64Array, a: number, b: number): void {
  const t = v[a]; v[a] = v[b]; v[b] = t;
  const u = ix[a]; ix[a] = ix[b]; ix[b] = u;
}

/** Reorders v[0, n) (with ix alongside) so that [0, k) holds the k largest values. */
export function selectTopTs(v: Float64Array, ix: Float64Array, n: number, k: number): void {
  if (k <= 0 || k >= n) return;
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    if (v[mid] > v[lo]) swap(v, ix, mid, lo);
    if (v[hi] > v[lo]) swap(v, ix, hi, lo);
    if (v[hi] > v[mid]) swap(v, ix, hi, mid);
    const pivot = v[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) { swap(v, ix, i, j); i++; j--; }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

/** Running top-k state of the twin (the WASM path keeps the same fields in its memory). */
export interface TailState {
  v: Float64Array;
  ix: Float64Array;
  size: number;
  threshold: number;
}

/** Twin of `tailPush`; returns [chunk sum, chunk sum of squares]. */
export function tailPushTs(
  t: TailState, k: number, loss: Float64Array, count: number, base: number,
): [number, number] {
  const cap = t.v.length;
  if (t.size + count > cap) {
    selectTopTs(t.v, t.ix, t.size, k);
    t.size = Math.min(k, t.size);
    if (t.size === k) {
      let m = t.v[0];
      for (let i = 1; i < t.size; i++) if (t.v[i] < m) m = t.v[i];
      t.threshold = m;
    }
  }
  const thr = t.threshold;
  let s = 0;
  let s2 = 0;
  let size = t.size;
  for (let q = 0; q < count; q++) {
    const x = loss[q];
    s += x;
    s2 += x * x;
    if (x > thr) {
      t.v[size] = x;
      t.ix[size] = base + q;
      size++;
    }
  }
  t.size = size;
  return [s, s2];
}

/**
 * The first m values of v (with ix alongside) sorted descending, equal values by ascending index:
 * the order every merged tail uses. Native numeric sort of the values (a comparator sort of 25k
 * pairs costs tens of ms), then each index placed at its value's rank by binary search.
 */
export function sortTailDesc(v: Float64Array, ix: Float64Array, m: number): { v: Float64Array; ix: Float64Array } {
  const sorted = v.slice(0, m).sort().reverse();
  const sortedIx = new Float64Array(m);
  const used = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const x = v[i];
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > x) lo = mid + 1;
      else hi = mid;
    }
    sortedIx[lo + used[lo]++] = ix[i];
  }
  for (let i = 0; i < m; ) {
    let j = i + 1;
    while (j < m && sorted[j] === sorted[i]) j++;
    if (j - i > 1) sortedIx.subarray(i, j).sort();
    i = j;
  }
  return { v: sorted, ix: sortedIx };
}

/** Whether v[0, m) is descending with equal values in ascending index order. */
export function isSortedTail(v: Float64Array, ix: Float64Array, m: number): boolean {
  for (let i = 1; i < m; i++) if (v[i] > v[i - 1] || (v[i] === v[i - 1] && ix[i] < ix[i - 1])) return false;
  return true;
}

/**
 * The k largest of two sorted tails (descending, ties by ascending index), sorted the same way:
 * a linear merge.
 */
export function mergeSortedTails(
  a: { v: Float64Array; ix: Float64Array }, b: { v: Float64Array; ix: Float64Array }, k: number,
): { v: Float64Array; ix: Float64Array } {
  const na = a.v.length;
  const nb = b.v.length;
  const m = Math.min(k, na + nb);
  const v = new Float64Array(m);
  const ix = new Float64Array(m);
  let i = 0;
  let j = 0;
  for (let o = 0; o < m; o++) {
    const takeA = j >= nb || (i < na && (a.v[i] > b.v[j] || (a.v[i] === b.v[j] && a.ix[i] < b.ix[j])));
    if (takeA) {
      v[o] = a.v[i];
      ix[o] = a.ix[i++];
    } else {
      v[o] = b.v[j];
      ix[o] = b.ix[j++];
    }
  }
  return { v, ix };
}
