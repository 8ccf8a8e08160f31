/**
 * Scalar twins of the f64x2 functions of assembly/vmath.ts: exp, log and the normal distribution
 * function N(x) with the same IEEE operations in the same order, so each value equals a lane of
 * the strict WASM build bit for bit (`madd2(a, b, c)` is `a * b + c` here).
 *
 * Error bounds (checked in test/kernels/vmath.test.ts against 50-digit references):
 * - {@link expK}: relative error < 4e-16 on [−708, 709] (Cody–Waite reduction, degree-13 Taylor
 *   polynomial, exact scaling by 2^n); 0 below −708, +∞ above 709, NaN for NaN.
 * - {@link logK}: < 1 ulp for normal finite x > 0 (fdlibm's reduction to [√½, √2) and minimax
 *   polynomial); other x go to Math.log.
 * - {@link normalCdfK}: relative error < 1e-14 wherever N(x) ≥ 1e-300: the 9-term Taylor expansion
 *   of erfc around the nearest z0 = k/64 (|h| ≤ 1/128), coefficients tabulated per point and
 *   evaluated by Horner, for |x|/√2 < 6; the series / continued fraction beyond.
 */

const SHIFT = 6755399441055744.0; // 1.5·2^52
const LOG2E = 1.4426950408889634;
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const E = [
  0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889,
  0.0001984126984126984, 0.0000248015873015873, 0.0000027557319223985893, 2.755731922398589e-7,
  2.505210838544172e-8, 2.08767569878681e-9, 1.6059043836821613e-10,
] as const;
const [E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13] = E;

/** 2^n for n in [−1022, 1023] (exact), at POW2[n + 1022]. */
const POW2 = (() => {
  const t = new Float64Array(2046);
  t[1022] = 1;
  for (let n = 1; n <= 1023; n++) t[1022 + n] = t[1021 + n] * 2;
  for (let n = 1; n <= 1022; n++) t[1022 - n] = t[1023 - n] / 2;
  return t;
})();

/** e^x: lane formula of vexp (assembly/vmath.ts). */
export function expK(x: number): number {
  if (x !== x) return x;
  if (x < -708) return 0;
  if (x > 709) return Infinity;
  const t = x * LOG2E + SHIFT;
  const n = t - SHIFT;
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = E13;
  p = p * r + E12;
  p = p * r + E11;
  p = p * r + E10;
  p = p * r + E9;
  p = p * r + E8;
  p = p * r + E7;
  p = p * r + E6;
  p = p * r + E5;
  p = p * r + E4;
  p = p * r + E3;
  p = p * r + E2;
  p = p * r + 1;
  p = p * r + 1;
  return p * POW2[n + 1022];
}

const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
const MIN_NORMAL = 2.2250738585072014e-308;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** log x: lane formula of vlog (assembly/vmath.ts). */
export function logK(x: number): number {
  if (!(x >= MIN_NORMAL && x < Infinity)) return Math.log(x);
  F64[0] = x;
  const hi = U32[HI];
  let k = (hi >>> 20) - 1023;
  U32[HI] = (hi & 0xfffff) | 0x3ff00000;
  let m = F64[0]; // [1, 2)
  if (m >= Math.SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const f = m - 1;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (w * (w * LG6 + LG4) + LG2);
  const t2 = z * (w * (w * (w * LG7 + LG5) + LG3) + LG1);
  const R = t2 + t1;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SQRT_PI = 1.7724538509055159;
const TINY = 1e-300;
const NEG_SQRT1_2 = -0.7071067811865476;
const ERFC_STEP = 64;
const ERFC_MAX = 6;
const POINTS = ERFC_MAX * ERFC_STEP + 1;
const TERMS = 9;
const STRIDE = TERMS + 1;

const NEG_SQRT1_2_LO = 4.833646656726457e-17; // −1/√2 − NEG_SQRT1_2

/** The rounding error of p = a·b (a·b = p + e exactly), by Veltkamp splitting (no FMA). */
function prodErr(a: number, b: number, p: number): number {
  const ca = 134217729 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * erfc by the series (z < 1) or Lentz's continued fraction (z ≥ 1); x carries the sign, zl is the
 * low part of z: e^{−(z+zl)²} as e^{−z²↑}·e^{−(z² − z²↑ + 2·z·zl)} (z²↑ the rounded square).
 */
export function erfcDirectK(x: number, z: number, zl = 0): number {
  let r: number;
  if (z === Infinity) {
    r = 0;
  } else if (z < 1) {
    const z2 = z * z;
    const t2 = 2 * z2;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= t2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = 1 - TWO_OVER_SQRT_PI * expK(-z2) * sum;
  } else {
    let f = z;
    let C = z;
    let D = 0;
    for (let n = 1; n < 500; n++) {
      const an = n / 2;
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

/** Per point k: erfc(k/64), c1 … c9 (the table of assembly/vmath.ts). */
const POLY = (() => {
  const t = new Float64Array(POINTS * STRIDE);
  for (let k = 0; k < POINTS; k++) {
    const z0 = k / ERFC_STEP;
    const row = k * STRIDE;
    const d = TWO_OVER_SQRT_PI * expK(-z0 * z0);
    t[row] = erfcDirectK(z0, z0);
    let hPrev = 1;
    let hCur = 2 * z0;
    let f = -1;
    t[row + 1] = d * f * hPrev;
    for (let n = 2; n <= TERMS; n++) {
      f = -f / n;
      t[row + n] = d * (f * hCur);
      const next = 2 * z0 * hCur - 2 * (n - 1) * hPrev;
      hPrev = hCur;
      hCur = next;
    }
  }
  return t;
})();

/** N(x) = ½·erfc(−x/√2): lane formula of normalCdf8 (assembly/vmath.ts). */
export function normalCdfK(x: number): number {
  const y = x * NEG_SQRT1_2;
  const z = Math.abs(y);
  if (!(z < ERFC_MAX)) {
    // outside the table: x·(−1/√2) carried to double-double
    const yl = prodErr(x, NEG_SQRT1_2, y) + x * NEG_SQRT1_2_LO;
    return 0.5 * erfcDirectK(y, z, y >= 0 ? yl : -yl);
  }
  const k = z * ERFC_STEP + SHIFT - SHIFT; // round half to even, as f64x2.nearest
  const h = z - k * (1 / ERFC_STEP);
  const o = k * STRIDE;
  const t = POLY;
  let acc = t[o + 9];
  acc = h * acc + t[o + 8];
  acc = h * acc + t[o + 7];
  acc = h * acc + t[o + 6];
  acc = h * acc + t[o + 5];
  acc = h * acc + t[o + 4];
  acc = h * acc + t[o + 3];
  acc = h * acc + t[o + 2];
  acc = h * acc + t[o + 1];
  const r = h * acc + t[o];
  return 0.5 * (y >= 0 ? r : 2 - r);
}
