// Partial tail selection: keep the k largest losses (with their scenario indices) of a stream
// of chunks. Values and indices live in two f64 arrays owned by the caller. The pure-TS twin is
// src/kernels/tail.ts; both use the same quickselect so they make the same moves.

@inline function swap(vp: usize, ip: usize, a: i32, b: i32): void {
  const pa = vp + (<usize>a << 3), pb = vp + (<usize>b << 3);
  const t = load<f64>(pa); store<f64>(pa, load<f64>(pb)); store<f64>(pb, t);
  const qa = ip + (<usize>a << 3), qb = ip + (<usize>b << 3);
  const u = load<f64>(qa); store<f64>(qa, load<f64>(qb)); store<f64>(qb, u);
}

@inline function v(vp: usize, i: i32): f64 {
  return load<f64>(vp + (<usize>i << 3));
}

/** Reorders [0, n) so that positions [0, k) hold the k largest values (descending quickselect). */
export function selectTop(vp: usize, ip: usize, n: i32, k: i32): void {
  if (k <= 0 || k >= n) return;
  let lo: i32 = 0, hi: i32 = n - 1;
  const target = k - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    if (v(vp, mid) > v(vp, lo)) swap(vp, ip, mid, lo);
    if (v(vp, hi) > v(vp, lo)) swap(vp, ip, hi, lo);
    if (v(vp, hi) > v(vp, mid)) swap(vp, ip, hi, mid);
    const pivot = v(vp, mid);
    let i = lo, j = hi;
    while (i <= j) {
      while (v(vp, i) > pivot) i++;
      while (v(vp, j) < pivot) j--;
      if (i <= j) { swap(vp, ip, i, j); i++; j--; }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

/**
 * Appends the losses of one chunk that can still be in the top k. `size` values are already in
 * the buffer (capacity cap >= k + count); the threshold (k-th largest kept so far, -inf until
 * the first compaction) lives at thrp. Chunk sum and sum of squares are written to sumsp[0..1].
 * Returns the new size.
 */
export function tailPush(
  vp: usize, ip: usize, size: i32, cap: i32, k: i32,
  lossp: usize, count: i32, base: f64, thrp: usize, sumsp: usize,
): i32 {
  if (size + count > cap) {
    selectTop(vp, ip, size, k);
    size = k < size ? k : size;
    if (size == k) {
      let m = v(vp, 0);
      for (let i = 1; i < size; i++) { const x = v(vp, i); if (x < m) m = x; }
      store<f64>(thrp, m);
    }
  }
  const thr = load<f64>(thrp);
  let s: f64 = 0, s2: f64 = 0;
  for (let q = 0; q < count; q++) {
    const x = load<f64>(lossp + (<usize>q << 3));
    s += x; s2 += x * x;
    if (x > thr) {
      store<f64>(vp + (<usize>size << 3), x);
      store<f64>(ip + (<usize>size << 3), base + <f64>q);
      size++;
    }
  }
  store<f64>(sumsp, s);
  store<f64>(sumsp, s2, 8);
  return size;
}

/** Whether pair a goes before pair b in tail order: larger value first, equal values by smaller index. */
@inline function before(vp: usize, ip: usize, a: i32, b: i32): bool {
  const va = v(vp, a), vb = v(vp, b);
  return va > vb || (va == vb && v(ip, a) < v(ip, b));
}

/**
 * Sorts the pairs [0, m) in tail order (values descending, equal values by ascending index): the
 * order `sortTailDesc` of the TS side produces, done in place on the worker's kernel memory.
 * Quicksort (median of three, recursion on the smaller side) with insertion sort below 24.
 */
export function sortTail(vp: usize, ip: usize, m: i32): void {
  let lo: i32 = 0, hi: i32 = m - 1;
  while (hi - lo >= 24) {
    const mid = lo + ((hi - lo) >> 1);
    if (before(vp, ip, mid, lo)) swap(vp, ip, mid, lo);
    if (before(vp, ip, hi, lo)) swap(vp, ip, hi, lo);
    if (before(vp, ip, hi, mid)) swap(vp, ip, hi, mid);
    // pivot (the median) parked at hi - 1; lo <= pivot <= hi already
    swap(vp, ip, mid, hi - 1);
    const pv = v(vp, hi - 1), pi = v(ip, hi - 1);
    let i = lo, j = hi - 1;
    while (true) {
      do i++; while (v(vp, i) > pv || (v(vp, i) == pv && v(ip, i) < pi));
      do j--; while (v(vp, j) < pv || (v(vp, j) == pv && v(ip, j) > pi));
      if (i >= j) break;
      swap(vp, ip, i, j);
    }
    swap(vp, ip, i, hi - 1);
    // [lo, i) before the pivot at i, (i, hi] after it: recurse on the smaller side
    if (i - lo < hi - i) {
      sortTail(vp + (<usize>lo << 3), ip + (<usize>lo << 3), i - lo);
      lo = i + 1;
    } else {
      sortTail(vp + (<usize>(i + 1) << 3), ip + (<usize>(i + 1) << 3), hi - i);
      hi = i - 1;
    }
  }
  for (let a = lo + 1; a <= hi; a++) {
    const x = v(vp, a), xi = v(ip, a);
    let b = a - 1;
    while (b >= lo && (v(vp, b) < x || (v(vp, b) == x && v(ip, b) > xi))) {
      store<f64>(vp + (<usize>(b + 1) << 3), v(vp, b));
      store<f64>(ip + (<usize>(b + 1) << 3), v(ip, b));
      b--;
    }
    store<f64>(vp + (<usize>(b + 1) << 3), x);
    store<f64>(ip + (<usize>(b + 1) << 3), xi);
  }
}
