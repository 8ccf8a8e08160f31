// Two-lane (f64x2) elementary functions of the revaluation kernels: exp, log and the normal
// distribution function N(x). src/kernels/reval/math.ts is the scalar TS twin: the same IEEE
// operations in the same order, so in the strict build (madd2 = multiply then add) each lane gives
// the very bits of the twin; in the relaxed build the Horner steps fuse (one rounding fewer each).
//
// Error bounds (test/kernels/vmath.test.ts checks them against 50-digit references and V8's Math):
//  * vexp(x), −708 ≤ x ≤ 709: Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2, ln2 split in a
//    32-bit head and a tail), e^r by its Taylor polynomial of degree 13 (truncation < 5e-18),
//    2^n by adding n to the exponent field. Relative error < 4e-16 (measured < 2.3e-16).
//    x < −708 gives 0, x > 709 gives +∞, NaN gives NaN.
//  * vlog(x), x normal and finite: x = 2^k·m, √½ ≤ m < √2, log m = f − f²/2 + s(f²/2 + R(s²)) with
//    f = m − 1, s = f/(2 + f) and fdlibm's degree-14 minimax R; error < 1 ulp (relative < 2.3e-16
//    measured). Other x (0, negative, subnormal, ∞, NaN) go to Math.log.
//  * N(x) = ½·erfc(−x/√2): |y| = |x|/√2 < 6 by the 9-term Taylor expansion of erfc around the
//    nearest z0 = k/64 (|h| ≤ 1/128; truncation < 1e-17 relative), its coefficients
//    cₙ = (2/√π)e^{−z0²}(−1)ⁿH_{n−1}(z0)/n! tabulated per point, evaluated by Horner (madd2);
//    |y| ≥ 6 by Lentz's continued fraction with x/√2 and the square in e^{−y²} carried in
//    double-double (normalCdfTail). Relative error ≤ 1e-14 over x ∈ [−37, 9] (measured: 8.9e-15
//    near the table's edge, where the rounding of x/√2 costs ≈ y²·2e-16; < 1e-15 in the tail).

import { madd2 } from './simd';

const SHIFT: f64 = 6755399441055744.0; // 1.5·2^52: x + SHIFT − SHIFT rounds to an integer, ties to even
const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01; // 32 significant bits: n·LN2_HI is exact for |n| < 2^20
const LN2_LO: f64 = 1.90821492927058770002e-10;
const EXP_MIN: f64 = -708;
const EXP_MAX: f64 = 709;
// 1/k! for k = 2..13
const E2: f64 = 0.5;
const E3: f64 = 0.16666666666666666;
const E4: f64 = 0.041666666666666664;
const E5: f64 = 0.008333333333333333;
const E6: f64 = 0.001388888888888889;
const E7: f64 = 0.0001984126984126984;
const E8: f64 = 0.0000248015873015873;
const E9: f64 = 0.0000027557319223985893;
const E10: f64 = 2.755731922398589e-7;
const E11: f64 = 2.505210838544172e-8;
const E12: f64 = 2.08767569878681e-9;
const E13: f64 = 1.6059043836821613e-10;

/** e^x of both lanes (bounds in the header). */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(SHIFT));
  const n = f64x2.sub(t, f64x2.splat(SHIFT));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(E13);
  p = madd2(p, r, f64x2.splat(E12));
  p = madd2(p, r, f64x2.splat(E11));
  p = madd2(p, r, f64x2.splat(E10));
  p = madd2(p, r, f64x2.splat(E9));
  p = madd2(p, r, f64x2.splat(E8));
  p = madd2(p, r, f64x2.splat(E7));
  p = madd2(p, r, f64x2.splat(E6));
  p = madd2(p, r, f64x2.splat(E5));
  p = madd2(p, r, f64x2.splat(E4));
  p = madd2(p, r, f64x2.splat(E3));
  p = madd2(p, r, f64x2.splat(E2));
  p = madd2(p, r, f64x2.splat(1));
  p = madd2(p, r, f64x2.splat(1));
  // the low mantissa bits of t hold n (two's complement): n << 52 added to p's exponent is p·2^n
  let y = i64x2.add(p, i64x2.shl(t, 52));
  y = v128.bitselect(f64x2.splat(0), y, f64x2.lt(x, f64x2.splat(EXP_MIN)));
  y = v128.bitselect(f64x2.splat(Infinity), y, f64x2.gt(x, f64x2.splat(EXP_MAX)));
  return v128.bitselect(x, y, f64x2.ne(x, x));
}

const SQRT1_2_BITS: i64 = 0x3fe6a09e667f3bcd; // √½
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/** Natural log of both lanes (bounds in the header). */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  const u = i64x2.sub(x, i64x2.splat(SQRT1_2_BITS));
  const k = i64x2.shr_s(u, 52);
  const m = i64x2.sub(x, i64x2.shl(k, 52)); // √½ ≤ m < √2
  const kf = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(m, f64x2.splat(1));
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd2(w, madd2(w, f64x2.splat(LG6), f64x2.splat(LG4)), f64x2.splat(LG2)));
  const t2 = f64x2.mul(z, madd2(w, madd2(w, madd2(w, f64x2.splat(LG7), f64x2.splat(LG5)), f64x2.splat(LG3)), f64x2.splat(LG1)));
  const R = f64x2.add(t2, t1);
  const y = f64x2.sub(
    f64x2.mul(kf, f64x2.splat(LN2_HI)),
    f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(kf, f64x2.splat(LN2_LO)))), f),
  );
  const ok = v128.and(f64x2.ge(x, f64x2.splat(MIN_NORMAL)), f64x2.lt(x, f64x2.splat(Infinity)));
  if (i64x2.all_true(ok)) return y;
  const a = i64x2.extract_lane(ok, 0) != 0 ? f64x2.extract_lane(y, 0) : Math.log(f64x2.extract_lane(x, 0));
  const b = i64x2.extract_lane(ok, 1) != 0 ? f64x2.extract_lane(y, 1) : Math.log(f64x2.extract_lane(x, 1));
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

/** e^x of one value (lane 0 of vexp: the same bits as the twin's expK). */
@inline export function expK(x: f64): f64 {
  return f64x2.extract_lane(vexp(f64x2.splat(x)), 0);
}

/** log x of one value (lane 0 of vlog). */
@inline export function logK(x: f64): f64 {
  return f64x2.extract_lane(vlog(f64x2.splat(x)), 0);
}

// ------------------------------------------------------------------ erfc / N

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126; // 2/√π
const SQRT_PI: f64 = 1.7724538509055159;
const TINY: f64 = 1e-300;
const NEG_SQRT1_2: f64 = -0.7071067811865476;
export const ERFC_STEP: f64 = 64;
export const ERFC_MAX: f64 = 6;
const POINTS: i32 = 6 * 64 + 1;
const TERMS: i32 = 9;
/** Per table point k (z0 = k/64): erfc(z0), c1 … c9 (10 f64, 80 bytes). */
const STRIDE: i32 = (TERMS + 1) * 8;
const POLY: usize = memory.data(POINTS * STRIDE, 16);
let polyReady = false;

const NEG_SQRT1_2_LO: f64 = 4.833646656726457e-17; // −1/√2 − NEG_SQRT1_2

/** The rounding error of p = a·b (a·b = p + e exactly), by Veltkamp splitting (no FMA). */
function prodErr(a: f64, b: f64, p: f64): f64 {
  const ca = 134217729 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * erfc by the all-positive series (z < 1) or Lentz's continued fraction (z ≥ 1); x carries the
 * sign, zl is the low part of z (z + zl the exact argument): e^{−(z+zl)²} is taken as
 * e^{−z²↑}·e^{−(z² − z²↑ + 2·z·zl)} with z²↑ the rounded square, so the square's rounding (≈ z²·1e-16
 * relative) does not reach the result.
 */
export function erfcDirect(x: f64, z: f64, zl: f64 = 0): f64 {
  let r: f64;
  if (z == Infinity) {
    r = 0;
  } else if (z < 1) {
    const z2 = z * z;
    const t2 = 2 * z2;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= t2 / <f64>(2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = 1 - TWO_OVER_SQRT_PI * expK(-z2) * sum;
  } else {
    let f = z;
    let C = z;
    let D: f64 = 0;
    for (let n = 1; n < 500; n++) {
      const an = <f64>n / 2;
      D = z + an * D;
      D = Math.abs(D) < TINY ? TINY : D;
      C = z + an / C;
      C = Math.abs(C) < TINY ? TINY : C;
      D = 1 / D;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    const z2 = z * z;
    r = (expK(-z2) * expK(-(prodErr(z, z, z2) + 2 * z * zl))) / SQRT_PI / f;
  }
  return x >= 0 ? r : 2 - r;
}

/** N(x) outside the table (|x|/√2 ≥ 6, NaN): x·(−1/√2) carried to double-double into erfcDirect. */
function normalCdfTail(x: f64): f64 {
  const y = x * NEG_SQRT1_2;
  const yl = prodErr(x, NEG_SQRT1_2, y) + x * NEG_SQRT1_2_LO;
  return 0.5 * erfcDirect(y, Math.abs(y), y >= 0 ? yl : -yl);
}

/** Builds the coefficient table on first use (every caller of normalCdf* calls this first). */
export function ensureCdfTable(): void {
  if (polyReady) return;
  for (let k = 0; k < POINTS; k++) {
    const z0 = <f64>k / ERFC_STEP;
    const row = POLY + <usize>k * <usize>STRIDE;
    const d = TWO_OVER_SQRT_PI * expK(-z0 * z0);
    store<f64>(row, erfcDirect(z0, z0));
    let hPrev: f64 = 1;
    let hCur = 2 * z0;
    let f: f64 = -1; // (−1)^n / n!
    store<f64>(row + 8, d * f * hPrev);
    for (let n = 2; n <= TERMS; n++) {
      f = -f / <f64>n;
      store<f64>(row + (<usize>n << 3), d * (f * hCur));
      const next = 2 * z0 * hCur - 2 * <f64>(n - 1) * hPrev;
      hPrev = hCur;
      hCur = next;
    }
  }
  polyReady = true;
}

/** N(x) of one value by the scalar path (the twin's normalCdfK). */
export function normalCdfK(x: f64): f64 {
  const y = x * NEG_SQRT1_2;
  const z = Math.abs(y);
  if (!(z < ERFC_MAX)) return normalCdfTail(x);
  const r = f64x2.extract_lane(erfcPoly(f64x2.splat(y), f64x2.splat(z)), 0);
  return 0.5 * r;
}

@inline function pair(ra: usize, rb: usize, at: usize): v128 {
  return v128.load64_lane(rb + at, v128.load64_splat(ra + at), 1);
}

/**
 * t = 64·min(z, 6) + 1.5·2^52: its low mantissa bits hold k = round(64·z) (ties to even) and
 * t − 1.5·2^52 = k exactly (the twin's `z * 64 + SHIFT - SHIFT`).
 */
@inline function shifted(z: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.min(z, f64x2.splat(ERFC_MAX)), f64x2.splat(ERFC_STEP)), f64x2.splat(SHIFT));
}

/** Row address of lane `lane` of t (see shifted); k is clamped to the table so a NaN lane cannot read past it. */
@inline function rowOf(t: v128, lane: u8): usize {
  const k = <u32>(lane == 0 ? i32x4.extract_lane(t, 0) : i32x4.extract_lane(t, 2));
  return POLY + <usize>(k < <u32>(POINTS - 1) ? k : <u32>(POINTS - 1)) * <usize>STRIDE;
}

/** h = z − k/64 of both lanes. */
@inline function offset(z: v128, t: v128): v128 {
  return f64x2.sub(z, f64x2.mul(f64x2.sub(t, f64x2.splat(SHIFT)), f64x2.splat(1 / ERFC_STEP)));
}

/** erfc(y) of both lanes for z = |y| < 6 (other lanes: garbage, the caller redoes them). */
@inline function erfcPoly(y: v128, z: v128): v128 {
  const t = shifted(z);
  const ra = rowOf(t, 0);
  const rb = rowOf(t, 1);
  const h = offset(z, t);
  let acc = pair(ra, rb, 72);
  acc = madd2(h, acc, pair(ra, rb, 64));
  acc = madd2(h, acc, pair(ra, rb, 56));
  acc = madd2(h, acc, pair(ra, rb, 48));
  acc = madd2(h, acc, pair(ra, rb, 40));
  acc = madd2(h, acc, pair(ra, rb, 32));
  acc = madd2(h, acc, pair(ra, rb, 24));
  acc = madd2(h, acc, pair(ra, rb, 16));
  acc = madd2(h, acc, pair(ra, rb, 8));
  const r = madd2(h, acc, pair(ra, rb, 0));
  return v128.bitselect(r, f64x2.sub(f64x2.splat(2), r), f64x2.ge(y, f64x2.splat(0)));
}

/**
 * N(·) of the 8 values at p (16-byte aligned), in place: four f64x2 Horner chains interleaved
 * step by step (each chain is latency-bound, so the four run side by side). Lanes with
 * |x|/√2 ≥ 6 or NaN are redone by the scalar path.
 */
export function normalCdf8(p: usize): void {
  const c = f64x2.splat(NEG_SQRT1_2);
  const xa = v128.load(p);
  const xb = v128.load(p, 16);
  const xc = v128.load(p, 32);
  const xd = v128.load(p, 48);
  const ya = f64x2.mul(xa, c);
  const yb = f64x2.mul(xb, c);
  const yc = f64x2.mul(xc, c);
  const yd = f64x2.mul(xd, c);
  const za = f64x2.abs(ya);
  const zb = f64x2.abs(yb);
  const zc = f64x2.abs(yc);
  const zd = f64x2.abs(yd);
  const ta = shifted(za);
  const tb = shifted(zb);
  const tc = shifted(zc);
  const td = shifted(zd);
  const ha = offset(za, ta);
  const hb = offset(zb, tb);
  const hc = offset(zc, tc);
  const hd = offset(zd, td);
  const a0 = rowOf(ta, 0);
  const a1 = rowOf(ta, 1);
  const b0 = rowOf(tb, 0);
  const b1 = rowOf(tb, 1);
  const c0 = rowOf(tc, 0);
  const c1 = rowOf(tc, 1);
  const d0 = rowOf(td, 0);
  const d1 = rowOf(td, 1);
  let accA = pair(a0, a1, 72);
  let accB = pair(b0, b1, 72);
  let accC = pair(c0, c1, 72);
  let accD = pair(d0, d1, 72);
  accA = madd2(ha, accA, pair(a0, a1, 64)); accB = madd2(hb, accB, pair(b0, b1, 64));
  accC = madd2(hc, accC, pair(c0, c1, 64)); accD = madd2(hd, accD, pair(d0, d1, 64));
  accA = madd2(ha, accA, pair(a0, a1, 56)); accB = madd2(hb, accB, pair(b0, b1, 56));
  accC = madd2(hc, accC, pair(c0, c1, 56)); accD = madd2(hd, accD, pair(d0, d1, 56));
  accA = madd2(ha, accA, pair(a0, a1, 48)); accB = madd2(hb, accB, pair(b0, b1, 48));
  accC = madd2(hc, accC, pair(c0, c1, 48)); accD = madd2(hd, accD, pair(d0, d1, 48));
  accA = madd2(ha, accA, pair(a0, a1, 40)); accB = madd2(hb, accB, pair(b0, b1, 40));
  accC = madd2(hc, accC, pair(c0, c1, 40)); accD = madd2(hd, accD, pair(d0, d1, 40));
  accA = madd2(ha, accA, pair(a0, a1, 32)); accB = madd2(hb, accB, pair(b0, b1, 32));
  accC = madd2(hc, accC, pair(c0, c1, 32)); accD = madd2(hd, accD, pair(d0, d1, 32));
  accA = madd2(ha, accA, pair(a0, a1, 24)); accB = madd2(hb, accB, pair(b0, b1, 24));
  accC = madd2(hc, accC, pair(c0, c1, 24)); accD = madd2(hd, accD, pair(d0, d1, 24));
  accA = madd2(ha, accA, pair(a0, a1, 16)); accB = madd2(hb, accB, pair(b0, b1, 16));
  accC = madd2(hc, accC, pair(c0, c1, 16)); accD = madd2(hd, accD, pair(d0, d1, 16));
  accA = madd2(ha, accA, pair(a0, a1, 8)); accB = madd2(hb, accB, pair(b0, b1, 8));
  accC = madd2(hc, accC, pair(c0, c1, 8)); accD = madd2(hd, accD, pair(d0, d1, 8));
  accA = madd2(ha, accA, pair(a0, a1, 0)); accB = madd2(hb, accB, pair(b0, b1, 0));
  accC = madd2(hc, accC, pair(c0, c1, 0)); accD = madd2(hd, accD, pair(d0, d1, 0));
  const two = f64x2.splat(2);
  const zero = f64x2.splat(0);
  const half = f64x2.splat(0.5);
  v128.store(p, f64x2.mul(half, v128.bitselect(accA, f64x2.sub(two, accA), f64x2.ge(ya, zero))));
  v128.store(p, f64x2.mul(half, v128.bitselect(accB, f64x2.sub(two, accB), f64x2.ge(yb, zero))), 16);
  v128.store(p, f64x2.mul(half, v128.bitselect(accC, f64x2.sub(two, accC), f64x2.ge(yc, zero))), 32);
  v128.store(p, f64x2.mul(half, v128.bitselect(accD, f64x2.sub(two, accD), f64x2.ge(yd, zero))), 48);
  const max = f64x2.splat(ERFC_MAX);
  if (!i64x2.all_true(v128.and(v128.and(f64x2.lt(za, max), f64x2.lt(zb, max)), v128.and(f64x2.lt(zc, max), f64x2.lt(zd, max))))) {
    outside(p, xa, za);
    outside(p + 16, xb, zb);
    outside(p + 32, xc, zc);
    outside(p + 48, xd, zd);
  }
}

/** Redoes the lanes of x (stored at p) whose z = |x|/√2 is outside the table (normalCdfTail). */
function outside(p: usize, x: v128, z: v128): void {
  if (!(f64x2.extract_lane(z, 0) < ERFC_MAX)) store<f64>(p, normalCdfTail(f64x2.extract_lane(x, 0)));
  if (!(f64x2.extract_lane(z, 1) < ERFC_MAX)) store<f64>(p, normalCdfTail(f64x2.extract_lane(x, 1)), 8);
}

// ------------------------------------------------------------------ array entry points (tests, tools)

const BLOCK: usize = memory.data(64, 16);

/** Applies op (0 exp, 1 log, 2 N) to the n values at p in place. */
export function vmathApply(op: i32, p: usize, n: i32): void {
  ensureCdfTable();
  let i = 0;
  if (op == 2) {
    for (; i + 8 <= n; i += 8) {
      const q = p + (<usize>i << 3);
      memory.copy(BLOCK, q, 64);
      normalCdf8(BLOCK);
      memory.copy(q, BLOCK, 64);
    }
    for (; i < n; i++) {
      const q = p + (<usize>i << 3);
      store<f64>(q, normalCdfK(load<f64>(q)));
    }
    return;
  }
  for (; i + 2 <= n; i += 2) {
    const q = p + (<usize>i << 3);
    const x = v128.load(q);
    v128.store(q, op == 0 ? vexp(x) : vlog(x));
  }
  if (i < n) {
    const q = p + (<usize>i << 3);
    store<f64>(q, op == 0 ? expK(load<f64>(q)) : logK(load<f64>(q)));
  }
}
