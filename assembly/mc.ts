// Monte Carlo loss kernel: RNG streams, ziggurat normals, Student-t mixing and the blocked
// correlated-shock P&L. No allocation, no I/O; the caller (src/pool/worker.ts) owns memory.
//
// The generation order is the contract shared with the pure-TS twin (src/kernels/mc.ts):
//  * a chunk is processed in blocks of BS = 8 scenarios; a block needs n*BS normals laid out
//    as z[factor][scenario];
//  * normals j = 0..n*BS-1 of a block come from 64-bit draws r_j of four interleaved
//    xoshiro256** lanes (lane j % 4), turned into normals by a 256-layer ziggurat; a rejected
//    draw is finished (in index order) by ziggurat retries on a fifth, scalar "aux" stream;
//  * for Student-t, scenario s of the block then draws W_s = 2·Gamma(nu/2) from the aux stream
//    (Marsaglia–Tsang) and its shocks are scaled by sqrt((nu-2)/W_s) (unit-variance t);
//  * P&L of scenario s = sum_i w_i * sum_{k<=i} L_ik z_ks, computed two rows at a time
//    (pnl += w_i r_i + w_{i+1} r_{i+1}); loss = -pnl (times the t scale).
// Every floating-point operation below has the same order in the twin, so results agree
// bit for bit except where exp/log of the two runtimes differ in the last ulp (rare slow paths).
// The P&L multiply-adds go through madd2 (assembly/simd.ts): fused in the relaxed build (which
// then agrees with the twin within rounding, not bit for bit), mul-then-add in the strict build.

import { madd2 } from './simd';

const BS: i32 = 8;
const ZR: f64 = 3.6541528853610088;

// ---- state layout at statep (u64 words) ----
// [0..3]  s0 of lanes 0..3, [4..7] s1, [8..11] s2, [12..15] s3, [16..19] aux s0..s3

// ---- ziggurat tables at tabp (f64) ----
// [0..255] zw = x_i / 2^52, [256..511] zk = floor(2^52 x_{i+1}/x_i), [512..768] zf = exp(-x_i^2/2),
// [769] pad, then 512 signed pairs [770 + 2e, 771 + 2e] = (±zw_i, zk_i) for e = sign·256 + i
// (sign = bit 8 of the draw, i = bits 0..7): one load per draw gives the signed scale and the
// fast-path bound, and x = u·(−zw_i) equals −(u·zw_i) exactly.
const ZWK: usize = 770 << 3;

// f64 bit pattern of 2^52, loaded once per call (V8 would rebuild a v128 constant at every use).
const TWO52: f64 = 4503599627370496.0;
const K52: usize = memory.data<u64>([0x4330000000000000, 0x4330000000000000]);

@inline function rotl(x: u64, k: i32): u64 {
  return (x << k) | (x >> (64 - k));
}

/** One draw of the scalar aux xoshiro256** stream stored at statep + 128. */
function auxNext(statep: usize): u64 {
  const p = statep + 128;
  let s0 = load<u64>(p), s1 = load<u64>(p, 8), s2 = load<u64>(p, 16), s3 = load<u64>(p, 24);
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t; s3 = rotl(s3, 45);
  store<u64>(p, s0); store<u64>(p, s1, 8); store<u64>(p, s2, 16); store<u64>(p, s3, 24);
  return result;
}

@inline function unif(statep: usize): f64 {
  return <f64>(auxNext(statep) >> 11) * 1.1102230246251565e-16; // 2^-53
}

@inline function unifPos(statep: usize): f64 {
  return <f64>((auxNext(statep) >> 11) + 1) * 1.1102230246251565e-16;
}

/**
 * The wedge test y < exp(-x²/2) of layer idx (1..255; x in [x_{idx+1}, x_idx], y between
 * f0 = f(x_idx) and f1 = f(x_{idx+1})), deciding most draws without exp: g(t) = exp(-t) is convex
 * in t = x²/2, so its tangents at the layer's ends are lower bounds and, for t inside the layer,
 * the chord is an upper bound. A draw within SQUEEZE of a bound goes to exp, so the decision is
 * always the one `y < Math.exp(-0.5 * x * x)` gives (the bounds' own rounding is ~1e-15, and
 * f ≥ f(r) ≈ 1.3e-3 in every layer): same numbers, fewer exp calls.
 */
const SQUEEZE: f64 = 1e-12;
@inline function wedgeAccept(y: f64, x: f64, idx: usize, f0: f64, f1: f64, tabp: usize): bool {
  const t = 0.5 * x * x;
  const xi = load<f64>(tabp + (idx << 3)) * TWO52;
  const ti = 0.5 * xi * xi;
  let ti1: f64 = 0; // x_256 = 0
  if (idx < 255) {
    const xi1 = load<f64>(tabp + ((idx + 1) << 3)) * TWO52;
    ti1 = 0.5 * xi1 * xi1;
  }
  const lo = Math.max(f0 * (1.0 - (t - ti)), f1 * (1.0 - (t - ti1)));
  if (y < lo - SQUEEZE) return true;
  if (t >= ti1 && t <= ti && y > f1 + (f0 - f1) * ((t - ti1) / (ti - ti1)) + SQUEEZE) return false;
  return y < Math.exp(-0.5 * x * x);
}

/** Finishes a ziggurat draw whose fast path failed (retries draw from the aux stream). */
function zigSlow(r0: u64, tabp: usize, statep: usize): f64 {
  let r = r0;
  while (true) {
    const idx = <usize>(r & 0xff);
    const neg = ((r >> 8) & 1) != 0;
    const rabs = <f64>(<i64>(r >> 12));
    const x = rabs * load<f64>(tabp + (idx << 3));
    if (rabs < load<f64>(tabp + ((256 + idx) << 3))) return neg ? -x : x;
    if (idx == 0) {
      let xx: f64, yy: f64;
      do {
        xx = -Math.log(unifPos(statep)) / ZR;
        yy = -Math.log(unifPos(statep));
      } while (yy + yy < xx * xx);
      return neg ? -(ZR + xx) : ZR + xx;
    }
    const f0 = load<f64>(tabp + ((512 + idx) << 3));
    const f1 = load<f64>(tabp + ((513 + idx) << 3));
    const y = f0 + unif(statep) * (f1 - f0);
    if (wedgeAccept(y, x, idx, f0, f1, tabp)) return neg ? -x : x;
    r = auxNext(statep);
  }
}

/** Gamma(a, 1) for a > 1 by Marsaglia & Tsang (2000), from the aux stream. */
function gammaDraw(a: f64, tabp: usize, statep: usize): f64 {
  const d = a - 1.0 / 3.0;
  const c = 1.0 / Math.sqrt(9.0 * d);
  while (true) {
    let x: f64, v: f64;
    do {
      x = zigSlow(auxNext(statep), tabp, statep);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const u = unif(statep);
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * (x2 * x2)) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) return d * v;
  }
}

/**
 * Ziggurat fast path for two draws (lanes of r) that become normals j and j+1. c52: both lanes
 * 2^52 (OR-ing a value below 2^52 into its mantissa and subtracting 2^52 converts it to f64
 * exactly). Draws that fail the fast test are recorded as (j, r) pairs at badp for the ordered
 * fix-up pass; returns the new number of recorded draws.
 */
@inline function zigPair(r: v128, c52: v128, zp: usize, tabp: usize, badp: usize, nbad: i32, j: i32): i32 {
  const e0 = <usize>(i32x4.extract_lane(r, 0) & 0x1ff) << 4;
  const e1 = <usize>(i32x4.extract_lane(r, 2) & 0x1ff) << 4;
  const fr = f64x2.sub(v128.or(i64x2.shr_u(r, 12), c52), c52);
  const p0 = v128.load(tabp + e0, ZWK); // (±zw, zk) of draw 0
  const p1 = v128.load(tabp + e1, ZWK); // (±zw, zk) of draw 1
  v128.store(zp, f64x2.mul(fr, v128.shuffle<u64>(p0, p1, 0, 2)));
  const bad = i64x2.bitmask(f64x2.ge(fr, v128.shuffle<u64>(p0, p1, 1, 3)));
  if (bad != 0) {
    if ((bad & 1) != 0) {
      store<u64>(badp + (<usize>nbad << 4), <u64>j);
      store<u64>(badp + (<usize>nbad << 4), <u64>i64x2.extract_lane(r, 0), 8);
      nbad++;
    }
    if ((bad & 2) != 0) {
      store<u64>(badp + (<usize>nbad << 4), <u64>(j + 1));
      store<u64>(badp + (<usize>nbad << 4), <u64>i64x2.extract_lane(r, 1), 8);
      nbad++;
    }
  }
  return nbad;
}

/**
 * m (multiple of 4) standard normals into zp: four xoshiro256** lanes in SIMD registers (state
 * loaded once per call), the ziggurat fast path fused in, then the recorded slow draws finished
 * in index order from the aux stream. badp: scratch of 2m u64.
 */
function gaussFill(zp: usize, badp: usize, m: i32, tabp: usize, statep: usize): void {
  let a0 = v128.load(statep), a1 = v128.load(statep, 16);
  let b0 = v128.load(statep, 32), b1 = v128.load(statep, 48);
  let c0 = v128.load(statep, 64), c1 = v128.load(statep, 80);
  let d0 = v128.load(statep, 96), d1 = v128.load(statep, 112);
  const c52 = v128.load(K52);
  let nbad: i32 = 0;
  let zj = zp;
  for (let j = 0; j < m; j += 4) {
    // result = rotl(s1 * 5, 7) * 9, with *5 and *9 as shift-add
    let x0 = i64x2.add(i64x2.shl(b0, 2), b0);
    let x1 = i64x2.add(i64x2.shl(b1, 2), b1);
    x0 = v128.or(i64x2.shl(x0, 7), i64x2.shr_u(x0, 57));
    x1 = v128.or(i64x2.shl(x1, 7), i64x2.shr_u(x1, 57));
    x0 = i64x2.add(i64x2.shl(x0, 3), x0);
    x1 = i64x2.add(i64x2.shl(x1, 3), x1);
    const t0 = i64x2.shl(b0, 17);
    const t1 = i64x2.shl(b1, 17);
    c0 = v128.xor(c0, a0); c1 = v128.xor(c1, a1);
    d0 = v128.xor(d0, b0); d1 = v128.xor(d1, b1);
    b0 = v128.xor(b0, c0); b1 = v128.xor(b1, c1);
    a0 = v128.xor(a0, d0); a1 = v128.xor(a1, d1);
    c0 = v128.xor(c0, t0); c1 = v128.xor(c1, t1);
    d0 = v128.or(i64x2.shl(d0, 45), i64x2.shr_u(d0, 19));
    d1 = v128.or(i64x2.shl(d1, 45), i64x2.shr_u(d1, 19));
    nbad = zigPair(x0, c52, zj, tabp, badp, nbad, j);
    nbad = zigPair(x1, c52, zj + 16, tabp, badp, nbad, j + 2);
    zj += 32;
  }
  v128.store(statep, a0); v128.store(statep, a1, 16);
  v128.store(statep, b0, 32); v128.store(statep, b1, 48);
  v128.store(statep, c0, 64); v128.store(statep, c1, 80);
  v128.store(statep, d0, 96); v128.store(statep, d1, 112);
  for (let q = 0; q < nbad; q++) {
    const j = <usize>load<u64>(badp + (<usize>q << 4));
    const r = load<u64>(badp + (<usize>q << 4), 8);
    store<f64>(zp + (j << 3), zigSlow(r, tabp, statep));
  }
}

/** Losses of one block of BS scenarios: out[s] = -(sum_i w_i (L z)_is) * scale[s]. */
function blockLoss(n: i32, lp: usize, wp: usize, zp: usize, scalep: usize, useScale: bool, outp: usize, cnt: i32): void {
  let p0 = f64x2.splat(0), p1 = f64x2.splat(0), p2 = f64x2.splat(0), p3 = f64x2.splat(0);
  let i: i32 = 0;
  let row: usize = lp; // start of packed row i
  for (; i + 1 < n; i += 2) {
    const row1 = row + (<usize>(i + 1) << 3);
    let r00 = f64x2.splat(0), r01 = f64x2.splat(0), r02 = f64x2.splat(0), r03 = f64x2.splat(0);
    let r10 = f64x2.splat(0), r11 = f64x2.splat(0), r12 = f64x2.splat(0), r13 = f64x2.splat(0);
    let zk = zp;
    const rowEnd = row1;
    for (let lk = row; lk < rowEnd; lk += 8) {
      const l0 = v128.load64_splat(lk);
      const l1 = v128.load64_splat(lk + (<usize>(i + 1) << 3));
      const z0 = v128.load(zk), z1 = v128.load(zk, 16), z2 = v128.load(zk, 32), z3 = v128.load(zk, 48);
      r00 = madd2(l0, z0, r00); r10 = madd2(l1, z0, r10);
      r01 = madd2(l0, z1, r01); r11 = madd2(l1, z1, r11);
      r02 = madd2(l0, z2, r02); r12 = madd2(l1, z2, r12);
      r03 = madd2(l0, z3, r03); r13 = madd2(l1, z3, r13);
      zk += 64;
    }
    const l1 = f64x2.splat(load<f64>(row1 + (<usize>(i + 1) << 3)));
    r10 = madd2(l1, v128.load(zk), r10);
    r11 = madd2(l1, v128.load(zk, 16), r11);
    r12 = madd2(l1, v128.load(zk, 32), r12);
    r13 = madd2(l1, v128.load(zk, 48), r13);
    const w0 = f64x2.splat(load<f64>(wp + (<usize>i << 3)));
    const w1 = f64x2.splat(load<f64>(wp + (<usize>(i + 1) << 3)));
    p0 = f64x2.add(p0, madd2(w1, r10, f64x2.mul(w0, r00)));
    p1 = f64x2.add(p1, madd2(w1, r11, f64x2.mul(w0, r01)));
    p2 = f64x2.add(p2, madd2(w1, r12, f64x2.mul(w0, r02)));
    p3 = f64x2.add(p3, madd2(w1, r13, f64x2.mul(w0, r03)));
    row = row1 + (<usize>(i + 2) << 3);
  }
  if (i < n) {
    let r00 = f64x2.splat(0), r01 = f64x2.splat(0), r02 = f64x2.splat(0), r03 = f64x2.splat(0);
    let zk = zp;
    const rowEnd = row + (<usize>(i + 1) << 3);
    for (let lk = row; lk < rowEnd; lk += 8) {
      const l0 = v128.load64_splat(lk);
      r00 = madd2(l0, v128.load(zk), r00);
      r01 = madd2(l0, v128.load(zk, 16), r01);
      r02 = madd2(l0, v128.load(zk, 32), r02);
      r03 = madd2(l0, v128.load(zk, 48), r03);
      zk += 64;
    }
    const w0 = f64x2.splat(load<f64>(wp + (<usize>i << 3)));
    p0 = madd2(w0, r00, p0);
    p1 = madd2(w0, r01, p1);
    p2 = madd2(w0, r02, p2);
    p3 = madd2(w0, r03, p3);
  }
  if (useScale) {
    p0 = f64x2.mul(p0, v128.load(scalep));
    p1 = f64x2.mul(p1, v128.load(scalep, 16));
    p2 = f64x2.mul(p2, v128.load(scalep, 32));
    p3 = f64x2.mul(p3, v128.load(scalep, 48));
  }
  if (cnt == BS) {
    v128.store(outp, f64x2.neg(p0));
    v128.store(outp, f64x2.neg(p1), 16);
    v128.store(outp, f64x2.neg(p2), 32);
    v128.store(outp, f64x2.neg(p3), 48);
  } else {
    // partial last block: stage in the scale scratch's second half, copy cnt values
    const tmp = scalep + 64;
    v128.store(tmp, f64x2.neg(p0));
    v128.store(tmp, f64x2.neg(p1), 16);
    v128.store(tmp, f64x2.neg(p2), 32);
    v128.store(tmp, f64x2.neg(p3), 48);
    memory.copy(outp, tmp, <usize>cnt << 3);
  }
}

/**
 * Losses of `count` scenarios of one chunk into outp.
 * n: factors; lp: packed lower Cholesky factor (row i has i+1 entries, horizon-scaled);
 * wp: exposures (n); zp: scratch n*8 f64 (16-byte aligned); ubp: scratch 2*n*8 u64 (slow-draw list);
 * scalep: scratch 16 f64; tabp: ziggurat tables; statep: the chunk's RNG state (20 u64,
 * advanced in place); nu: Student-t degrees of freedom (> 2), or 0 for normal shocks.
 */
export function mcLossChunk(
  n: i32, lp: usize, wp: usize, zp: usize, ubp: usize, scalep: usize,
  tabp: usize, statep: usize, nu: f64, outp: usize, count: i32,
): void {
  const m = n * BS;
  const useScale = nu > 0;
  const halfNu = nu * 0.5;
  for (let s0 = 0; s0 < count; s0 += BS) {
    gaussFill(zp, ubp, m, tabp, statep);
    if (useScale) {
      for (let s = 0; s < BS; s++) {
        const g = gammaDraw(halfNu, tabp, statep);
        store<f64>(scalep + (<usize>s << 3), Math.sqrt((nu - 2.0) / (2.0 * g)));
      }
    }
    const cnt = count - s0 < BS ? count - s0 : BS;
    blockLoss(n, lp, wp, zp, scalep, useScale, outp + (<usize>s0 << 3), cnt);
  }
}

/** Fills m standard normals (m multiple of 4) for distribution tests of the generator. */
export function normals(zp: usize, ubp: usize, m: i32, tabp: usize, statep: usize): void {
  gaussFill(zp, ubp, m, tabp, statep);
}

/**
 * Per-factor loss contributions of selected scenarios of one chunk, replaying exactly the streams
 * of `mcLossChunk` (same normals, same Student-t scales). selp: nsel ascending i32 offsets within
 * the chunk; outp: nsel × n f64, out[q][i] = -(w_i (L z)_i) · scale for scenario sel[q]. The
 * contributions of a scenario add up to its loss (up to rounding: the summation order differs).
 * Blocks after the last selected scenario are not generated.
 */
export function mcContribChunk(
  n: i32, lp: usize, wp: usize, zp: usize, ubp: usize, scalep: usize,
  tabp: usize, statep: usize, nu: f64, selp: usize, nsel: i32, outp: usize,
): void {
  const m = n * BS;
  const useScale = nu > 0;
  const halfNu = nu * 0.5;
  let q: i32 = 0;
  for (let s0 = 0; q < nsel; s0 += BS) {
    gaussFill(zp, ubp, m, tabp, statep);
    if (useScale) {
      for (let s = 0; s < BS; s++) {
        const g = gammaDraw(halfNu, tabp, statep);
        store<f64>(scalep + (<usize>s << 3), Math.sqrt((nu - 2.0) / (2.0 * g)));
      }
    }
    while (q < nsel && load<i32>(selp + (<usize>q << 2)) < s0 + BS) {
      const s = load<i32>(selp + (<usize>q << 2)) - s0;
      const scale = useScale ? load<f64>(scalep + (<usize>s << 3)) : 1.0;
      const o = outp + (<usize>q * <usize>n << 3);
      let row: usize = lp;
      for (let i = 0; i < n; i++) {
        let r: f64 = 0;
        for (let k = 0; k <= i; k++) r += load<f64>(row + (<usize>k << 3)) * load<f64>(zp + ((<usize>k * BS + s) << 3));
        store<f64>(o + (<usize>i << 3), -(load<f64>(wp + (<usize>i << 3)) * r) * scale);
        row += <usize>(i + 1) << 3;
      }
      q++;
    }
  }
}

@inline function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/**
 * The initial RNG state of chunk `chunk` for `seed` (a safe integer >= 0) into statep (20 u64):
 * the same splitmix64 derivation as chunkState in src/kernels/mc/rng.ts, without BigInt.
 */
export function mcChunkState(seed: f64, chunk: i32, statep: usize): void {
  const GOLDEN: u64 = 0x9e3779b97f4a7c15;
  let sm = mix64(<u64>seed * GOLDEN) ^ mix64(<u64>chunk + 0xd1b54a32d192ed03);
  for (let lane = 0; lane < 4; lane++) {
    for (let w = 0; w < 4; w++) {
      sm += GOLDEN;
      store<u64>(statep + (<usize>(w * 4 + lane) << 3), mix64(sm));
    }
  }
  for (let w = 0; w < 4; w++) {
    sm += GOLDEN;
    store<u64>(statep + (<usize>(16 + w) << 3), mix64(sm));
  }
}
