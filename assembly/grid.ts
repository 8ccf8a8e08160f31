// Scenario-grid margin of a batch of accounts: the WASM twin of gridMarginsTs
// (src/kernels/grid/ts.ts). No allocation, no I/O; the caller (src/kernels/grid/wasm.ts) owns memory.
//
// Memory layout (pointers are byte offsets):
//  * tabp: the accounts' rows, 12 f64 columns of n values each, column c at tabp + c*n*8, in the
//    TABLE_COLUMNS order of assembly/reval.ts; a row's `underlying` is its account's local index;
//  * offp: i32[nAcc + 1], rows of account a are [off[a], off[a + 1]);
//  * uoffp: i32[nAcc + 1], account a's underlyings are uid[uoff[a] .. uoff[a + 1]) (local order);
//  * uidp: i32, global id of each account-underlying; pricep: f64 price by global id;
//  * the grid is factored: scenario k = p*nVols + v for price move p (movep, f64[nMoves]) and
//    vol state v (volAbsp, volRelp: f64[nVols]); weightp: f64[nMoves*nVols] counted fraction;
//  * paramp: f64[5] = dt (years), shortOptionRate, spreadRate, maxCreditFraction, maintenanceFraction;
//  * pairs (highest rate first): pairAp, pairBp i32 global ids (−1: in no account), pairRatep f64;
//  * scratchp: f64[3*nVols + 2*ns + 2 + nMoves + maxU*(STATS + ns)] for maxU = the most underlyings of any
//    account;
//  * outp: f64[2*nAcc] = initial, maintenance of each account.
//
// Method (see src/margin/grid/grid.ts for the model): each row's P&L under every scenario is added
// into its underlying's P&L array in row order — the order the reference sums per-position P&L —
// with the formulas of assembly/reval.ts. What the factored grid shares is computed once: per row,
// the expiry terms and per vol state σ1, σ1√T1, 1/(σ1√T1) and (b + σ1²/2)T1; per price move, x1 and
// the base value term; ln(x1/K) as ln(x0/K) + ln(1 + move), with ln(1 + move) once per call. An
// option row's N(·) run four at a time as f64x2 lanes on the same Taylor expansion of erfc as the
// reference, with its coefficients precomputed per table point (see normalCdf8). Delta-one rows
// agree with the reference bit for bit; option rows round differently in the last bits (the log
// split, d1 by a reciprocal, the Horner form of erfc, Math.exp / Math.log of AssemblyScript and
// V8), a few ulp of each value, far inside the 1e-12 relative agreement the tests require.
import { ERFC_TAB, ensureErfcTable, gbsPrice, normalCdf } from './reval';

import {
  C_KIND, C_UNDERLYING, C_QUANTITY, C_SIZE, C_PRICE, C_STRIKE, C_EXPIRY, C_VOL, C_RATE, C_CARRY, C_CALLPUT, C_VOLSCALE,
  K_INVERSE_FUTURE, K_INVERSE_PERP, K_OPTION_LINEAR, K_OPTION_INVERSE, MIN_TOTAL_VOL,
} from './layout';
const ERFC_STEP: f64 = 64; // of assembly/reval.ts
const ERFC_MAX: f64 = 6;

const P_DT: i32 = 0;
const P_SHORT_OPTION: i32 = 1;
const P_SPREAD: i32 = 2;
const P_MAX_CREDIT: i32 = 3;
const P_MAINTENANCE: i32 = 4;

// Per-underlying statistics of the account being reduced, STATS f64 each (slot s at (s*nu + u)).
const STATS: i32 = 7;
const S_CALLS: i32 = 0;
const S_PUTS: i32 = 1;
const S_LONG: i32 = 2;
const S_SHORT: i32 = 3;
const S_WORST: i32 = 4;
const S_DIR: i32 = 5;
const S_CAP: i32 = 6;

@inline function col(tabp: usize, n: i32, c: i32, i: i32): f64 {
  return load<f64>(tabp + ((<usize>c * <usize>n + <usize>i) << 3));
}

@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function setF64(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline function addF64(p: usize, i: i32, x: f64): void {
  const a = p + (<usize>i << 3);
  store<f64>(a, load<f64>(a) + x);
}

@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/**
 * Initial and maintenance margin of accounts [0, nAcc) (layout and method in the header).
 * Overwrites scratchp and outp.
 */
export function gridMargins(
  tabp: usize, n: i32, offp: usize, uoffp: usize, uidp: usize, nAcc: i32, pricep: usize,
  movep: usize, nMoves: i32, volAbsp: usize, volRelp: usize, nVols: i32, weightp: usize,
  upIdx: i32, downIdx: i32, paramp: usize,
  pairAp: usize, pairBp: usize, pairRatep: usize, nPairs: i32,
  scratchp: usize, outp: usize,
): void {
  ensurePolyTable();
  const ns = nMoves * nVols;
  const dt = f64At(paramp, P_DT);
  // per-row vol-state cache: σ1√T1 at [v], (b + σ1²/2)·T1 at [nVols + v], 1/(σ1√T1) at [2·nVols + v]
  const volp = scratchp;
  // per-row CDF arguments / values: [2k] for d1, [2k + 1] for d2 of scenario k; [2ns], [2ns + 1]
  // for the base value's
  const argp = volp + ((<usize>(3 * nVols)) << 3);
  // ln(1 + move) of each price move: ln(x1/K) = ln(x0/K) + ln(1 + move), one log per option row
  const lnp = argp + ((<usize>(2 * ns + 2)) << 3);
  for (let p = 0; p < nMoves; p++) setF64(lnp, p, Math.log(1 + f64At(movep, p)));
  const statp = lnp + ((<usize>nMoves) << 3);
  for (let a = 0; a < nAcc; a++) {
    const lo = i32At(offp, a);
    const hi = i32At(offp, a + 1);
    const ulo = i32At(uoffp, a);
    const nu = i32At(uoffp, a + 1) - ulo;
    const pnlp = statp + ((<usize>(STATS * nu)) << 3);
    memory.fill(statp, 0, (<usize>(nu * (STATS + ns))) << 3);
    for (let i = lo; i < hi; i++) {
      const kind = col(tabp, n, C_KIND, i);
      const u = <i32>col(tabp, n, C_UNDERLYING, i);
      const q = col(tabp, n, C_QUANTITY, i) * col(tabp, n, C_SIZE, i);
      const x0 = col(tabp, n, C_PRICE, i);
      const rowp = pnlp + ((<usize>u * <usize>ns) << 3);
      if (kind == K_OPTION_LINEAR || kind == K_OPTION_INVERSE) {
        const cp = col(tabp, n, C_CALLPUT, i);
        if (cp > 0) addF64(statp, S_CALLS * nu + u, q);
        else addF64(statp, S_PUTS * nu + u, q);
        optionRow(tabp, n, i, q, x0, kind == K_OPTION_INVERSE, cp, dt, movep, lnp, nMoves, volAbsp, volRelp, nVols, volp, argp, rowp);
      } else {
        const inverse = kind == K_INVERSE_FUTURE || kind == K_INVERSE_PERP;
        // USD notional: units·price for linear and spot, the USD face for inverse contracts
        const notional = inverse ? q : q * x0;
        if (notional > 0) addF64(statp, S_LONG * nu + u, notional);
        else addF64(statp, S_SHORT * nu + u, -notional);
        for (let p = 0; p < nMoves; p++) {
          const x1 = x0 * (1 + f64At(movep, p));
          const pnl = inverse ? (q * (x1 - x0)) / x0 : q * (x1 - x0);
          const k0 = p * nVols;
          for (let v = 0; v < nVols; v++) addF64(rowp, k0 + v, pnl);
        }
      }
    }
    const ab = reduceAccount(
      statp, pnlp, nu, ns, uidp + (<usize>ulo << 2), pricep, weightp, upIdx, downIdx, paramp,
      pairAp, pairBp, pairRatep, nPairs,
    );
    setF64(outp, 2 * a, ab);
    setF64(outp, 2 * a + 1, f64At(paramp, P_MAINTENANCE) * ab);
  }
}

/**
 * One option row: its P&L under every scenario added into rowp[k]. Three passes so that the
 * 2·ns normal CDFs — the bulk of the work — run back to back, four lanes at a time (normalCdfs):
 * (1) the CDF arguments cp·d1, cp·d2 of every scenario into argp; (2) N(·) in place; (3) values.
 */
function optionRow(
  tabp: usize, n: i32, i: i32, q: f64, x0: f64, inverse: bool, cp: f64, dt: f64,
  movep: usize, lnp: usize, nMoves: i32, volAbsp: usize, volRelp: usize, nVols: i32, volp: usize, argp: usize, rowp: usize,
): void {
  const K = col(tabp, n, C_STRIKE, i);
  const T0 = col(tabp, n, C_EXPIRY, i);
  const r = col(tabp, n, C_RATE, i);
  const b = col(tabp, n, C_CARRY, i);
  const sig0 = col(tabp, n, C_VOL, i);
  const vs = col(tabp, n, C_VOLSCALE, i);
  const T1 = Math.max(0, T0 - dt);
  if (!(T1 > 0)) {
    const v0 = gbsPrice(cp, x0, K, T0, r, b, sig0);
    // expired within the horizon: intrinsic value under every vol state
    for (let p = 0; p < nMoves; p++) {
      const x1 = x0 * (1 + f64At(movep, p));
      const v1 = Math.max(cp * (x1 - K), 0);
      const pnl = inverse ? q * (v1 - (v0 * x1) / x0) : q * (v1 - v0);
      const k0 = p * nVols;
      for (let v = 0; v < nVols; v++) addF64(rowp, k0 + v, pnl);
    }
    return;
  }
  const carry = Math.exp((b - r) * T1);
  const kdf = K * Math.exp(-r * T1);
  const sqrtT = Math.sqrt(T1);
  const lx0 = Math.log(x0 / K);
  // the base value v0 = gbsPrice(cp, x0, K, T0, r, b, sig0), its terms shared with the scenarios'
  // when there is no time decay (T0 = T1) and its two N(·) computed with theirs (the last two slots)
  let carry0 = carry;
  let kdf0 = kdf;
  let sqrtT0 = sqrtT;
  if (T0 != T1) {
    carry0 = Math.exp((b - r) * T0);
    kdf0 = K * Math.exp(-r * T0);
    sqrtT0 = Math.sqrt(T0);
  }
  const ns2 = 2 * nMoves * nVols;
  const w0 = sig0 * sqrtT0;
  let b1: f64 = 0;
  let b2: f64 = 0;
  if (w0 >= MIN_TOTAL_VOL) {
    b1 = (lx0 + (b + 0.5 * sig0 * sig0) * T0) / w0;
    b2 = b1 - w0;
  }
  setF64(argp, ns2, cp * b1);
  setF64(argp, ns2 + 1, cp * b2);
  for (let v = 0; v < nVols; v++) {
    const sig1 = Math.max(0, sig0 + (f64At(volAbsp, v) + f64At(volRelp, v) * sig0) * vs);
    setF64(volp, v, sig1 * sqrtT);
    setF64(volp, nVols + v, (b + 0.5 * sig1 * sig1) * T1);
    setF64(volp, 2 * nVols + v, 1 / (sig1 * sqrtT));
  }
  for (let p = 0; p < nMoves; p++) {
    const lx = lx0 + f64At(lnp, p);
    const k0 = p * nVols;
    for (let v = 0; v < nVols; v++) {
      const sv = f64At(volp, v);
      // scenarios valued at intrinsic get a dummy argument (their N(·) is not used)
      let d1: f64 = 0;
      let d2: f64 = 0;
      if (sv >= MIN_TOTAL_VOL) {
        d1 = (lx + f64At(volp, nVols + v)) * f64At(volp, 2 * nVols + v);
        d2 = d1 - sv;
      }
      setF64(argp, 2 * (k0 + v), cp * d1);
      setF64(argp, 2 * (k0 + v) + 1, cp * d2);
    }
  }
  normalCdfs(argp, ns2 + 2);
  const v0 = w0 >= MIN_TOTAL_VOL
    ? cp * (x0 * carry0 * f64At(argp, ns2) - kdf0 * f64At(argp, ns2 + 1))
    : Math.max(cp * (x0 * carry0 - kdf0), 0);
  for (let p = 0; p < nMoves; p++) {
    const x1 = x0 * (1 + f64At(movep, p));
    const base = inverse ? (v0 * x1) / x0 : v0;
    const xc = x1 * carry;
    const k0 = p * nVols;
    for (let v = 0; v < nVols; v++) {
      let v1: f64;
      if (!(f64At(volp, v) >= MIN_TOTAL_VOL)) {
        v1 = Math.max(cp * (xc - kdf), 0);
      } else {
        v1 = cp * (xc * f64At(argp, 2 * (k0 + v)) - kdf * f64At(argp, 2 * (k0 + v) + 1));
      }
      addF64(rowp, k0 + v, q * (v1 - base));
    }
  }
}

// N(x) = 0.5·erfc(−x/√2) with erfc from the same 9-term Taylor expansion around the table point
// z0 = k/64 as normalCdf of assembly/reval.ts, but with the expansion's coefficients precomputed
// per table point: erfc(z0 + h) = E(z0) + h·(c1 + h·(c2 + … + h·c9)), c_n = (2/√π)e^{−z0²}·(−1)^n·
// H_{n−1}(z0)/n! (H the Hermite polynomials). Evaluating that polynomial by Horner costs 9 multiply-
// adds instead of the recurrence's ~40 operations and 5 divisions. The rounding differs from the
// scalar function in the last bits (a few ulp of N, far below the 1e-12 relative agreement with the
// TS twin that the tests require). Lanes with |y| ≥ 6 or NaN take the scalar path (erfcDirect).
const NEG_SQRT1_2: f64 = -0.7071067811865476; // −1/√2 (Math.SQRT1_2)
const POLY_POINTS: i32 = 6 * 64 + 1; // ERFC_POINTS of assembly/reval.ts
const POLY_TERMS: i32 = 9;
/** Per table point k: E(z0), c1 … c9 (10 f64, 80 bytes). */
const POLY_STRIDE: i32 = (POLY_TERMS + 1) * 8;
const ERFC_POLY: usize = memory.data(POLY_POINTS * POLY_STRIDE, 16);
let polyReady = false;

/** Builds the coefficient table from the erfc table of assembly/reval.ts (on first use). */
function ensurePolyTable(): void {
  if (polyReady) return;
  ensureErfcTable();
  for (let k = 0; k < POLY_POINTS; k++) {
    const z0 = <f64>k / ERFC_STEP;
    const t = ERFC_TAB + (<usize>k << 4);
    const row = ERFC_POLY + <usize>k * <usize>POLY_STRIDE;
    const d = load<f64>(t, 8); // (2/√π)e^{−z0²}
    store<f64>(row, load<f64>(t));
    let hPrev: f64 = 1;
    let hCur = 2 * z0;
    let f: f64 = -1; // (−1)^n / n!
    store<f64>(row + 8, d * f * hPrev);
    for (let n = 2; n <= POLY_TERMS; n++) {
      f = -f / <f64>n;
      store<f64>(row + (<usize>n << 3), d * (f * hCur));
      const next = 2 * z0 * hCur - 2 * <f64>(n - 1) * hPrev;
      hPrev = hCur;
      hCur = next;
    }
  }
  polyReady = true;
}

@inline function polyPair(ra: usize, rb: usize, at: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(load<f64>(ra + at)), 1, load<f64>(rb + at));
}

/** erfc(y) of both lanes (|y| < 6), by the coefficient table. */
@inline function erfcPoly2(y: v128, z: v128, k: v128): v128 {
  const ra = ERFC_POLY + <usize>i32x4.extract_lane(k, 0) * <usize>POLY_STRIDE;
  const rb = ERFC_POLY + <usize>i32x4.extract_lane(k, 1) * <usize>POLY_STRIDE;
  const h = f64x2.sub(z, f64x2.mul(f64x2.convert_low_i32x4_s(k), f64x2.splat(1 / ERFC_STEP)));
  let acc = polyPair(ra, rb, 72);
  acc = f64x2.add(polyPair(ra, rb, 64), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 56), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 48), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 40), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 32), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 24), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 16), f64x2.mul(h, acc));
  acc = f64x2.add(polyPair(ra, rb, 8), f64x2.mul(h, acc));
  const r = f64x2.add(polyPair(ra, rb, 0), f64x2.mul(h, acc));
  return v128.bitselect(r, f64x2.sub(f64x2.splat(2), r), f64x2.ge(y, f64x2.splat(0)));
}

/** Table index round(64·min(z, 6)) of both lanes (NaN gives 0; such lanes are redone by the caller). */
@inline function polyIndex(z: v128): v128 {
  return i32x4.trunc_sat_f64x2_s_zero(f64x2.nearest(f64x2.mul(f64x2.min(z, f64x2.splat(ERFC_MAX)), f64x2.splat(ERFC_STEP))));
}

/** N(·) of the 8 values at p, in place: four f64x2 Horner chains, interleaved step by step (each
 * chain is latency-bound, so the four run side by side). */
function normalCdf8(p: usize): void {
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
  const ka = polyIndex(za);
  const kb = polyIndex(zb);
  const kc = polyIndex(zc);
  const kd = polyIndex(zd);
  const step = f64x2.splat(1 / ERFC_STEP);
  const ha = f64x2.sub(za, f64x2.mul(f64x2.convert_low_i32x4_s(ka), step));
  const hb = f64x2.sub(zb, f64x2.mul(f64x2.convert_low_i32x4_s(kb), step));
  const hc = f64x2.sub(zc, f64x2.mul(f64x2.convert_low_i32x4_s(kc), step));
  const hd = f64x2.sub(zd, f64x2.mul(f64x2.convert_low_i32x4_s(kd), step));
  const a0 = ERFC_POLY + <usize>i32x4.extract_lane(ka, 0) * <usize>POLY_STRIDE;
  const a1 = ERFC_POLY + <usize>i32x4.extract_lane(ka, 1) * <usize>POLY_STRIDE;
  const b0 = ERFC_POLY + <usize>i32x4.extract_lane(kb, 0) * <usize>POLY_STRIDE;
  const b1 = ERFC_POLY + <usize>i32x4.extract_lane(kb, 1) * <usize>POLY_STRIDE;
  const c0 = ERFC_POLY + <usize>i32x4.extract_lane(kc, 0) * <usize>POLY_STRIDE;
  const c1 = ERFC_POLY + <usize>i32x4.extract_lane(kc, 1) * <usize>POLY_STRIDE;
  const d0 = ERFC_POLY + <usize>i32x4.extract_lane(kd, 0) * <usize>POLY_STRIDE;
  const d1 = ERFC_POLY + <usize>i32x4.extract_lane(kd, 1) * <usize>POLY_STRIDE;
  let accA = polyPair(a0, a1, 72);
  let accB = polyPair(b0, b1, 72);
  let accC = polyPair(c0, c1, 72);
  let accD = polyPair(d0, d1, 72);
  for (let at: usize = 64; ; at -= 8) {
    accA = f64x2.add(polyPair(a0, a1, at), f64x2.mul(ha, accA));
    accB = f64x2.add(polyPair(b0, b1, at), f64x2.mul(hb, accB));
    accC = f64x2.add(polyPair(c0, c1, at), f64x2.mul(hc, accC));
    accD = f64x2.add(polyPair(d0, d1, at), f64x2.mul(hd, accD));
    if (at == 0) break;
  }
  const two = f64x2.splat(2);
  const zero = f64x2.splat(0);
  const half = f64x2.splat(0.5);
  v128.store(p, f64x2.mul(half, v128.bitselect(accA, f64x2.sub(two, accA), f64x2.ge(ya, zero))));
  v128.store(p, f64x2.mul(half, v128.bitselect(accB, f64x2.sub(two, accB), f64x2.ge(yb, zero))), 16);
  v128.store(p, f64x2.mul(half, v128.bitselect(accC, f64x2.sub(two, accC), f64x2.ge(yc, zero))), 32);
  v128.store(p, f64x2.mul(half, v128.bitselect(accD, f64x2.sub(two, accD), f64x2.ge(yd, zero))), 48);
  // lanes outside the table (|y| >= 6 or NaN): the scalar path
  const max = f64x2.splat(ERFC_MAX);
  if (!i64x2.all_true(v128.and(v128.and(f64x2.lt(za, max), f64x2.lt(zb, max)), v128.and(f64x2.lt(zc, max), f64x2.lt(zd, max))))) {
    outside(p, xa, za);
    outside(p + 16, xb, zb);
    outside(p + 32, xc, zc);
    outside(p + 48, xd, zd);
  }
}

/** Redoes the lanes of x (stored at p) whose |y| = z is outside the table by the scalar path. */
function outside(p: usize, x: v128, z: v128): void {
  if (!(f64x2.extract_lane(z, 0) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(x, 0)));
  if (!(f64x2.extract_lane(z, 1) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(x, 1)), 8);
}

/** N(·) of the `count` values at p, in place (the last count mod 8 one by one on the 2-lane path). */
function normalCdfs(p: usize, count: i32): void {
  let j = 0;
  for (; j + 8 <= count; j += 8) normalCdf8(p + (<usize>j << 3));
  for (; j < count; j++) {
    const a = p + (<usize>j << 3);
    const x = load<f64>(a);
    const y = f64x2.splat(x * NEG_SQRT1_2);
    const z = f64x2.abs(y);
    store<f64>(a, Math.abs(x * NEG_SQRT1_2) < ERFC_MAX ? 0.5 * f64x2.extract_lane(erfcPoly2(y, z, polyIndex(z)), 0) : normalCdf(x));
  }
}

/** Worst losses, directions, add-ons and credits of one account; returns its initial margin. */
function reduceAccount(
  statp: usize, pnlp: usize, nu: i32, ns: i32, uidp: usize, pricep: usize, weightp: usize,
  upIdx: i32, downIdx: i32, paramp: usize, pairAp: usize, pairBp: usize, pairRatep: usize, nPairs: i32,
): f64 {
  const shortOptionRate = f64At(paramp, P_SHORT_OPTION);
  const spreadRate = f64At(paramp, P_SPREAD);
  const maxCredit = f64At(paramp, P_MAX_CREDIT);
  let scanning: f64 = 0;
  let addOns: f64 = 0;
  for (let u = 0; u < nu; u++) {
    const pp = pnlp + ((<usize>u * <usize>ns) << 3);
    let best = -f64At(pp, 0) * f64At(weightp, 0) + 0; // + 0 turns −0 into 0
    for (let k = 1; k < ns; k++) {
      const loss = -f64At(pp, k) * f64At(weightp, k) + 0;
      if (loss > best) best = loss;
    }
    const worst = Math.max(0, best);
    const up = f64At(pp, upIdx);
    const down = f64At(pp, downIdx);
    const swing = up - down;
    const scale = Math.abs(up) + Math.abs(down);
    const dir: f64 = Math.abs(swing) <= 1e-12 * scale ? 0 : swing > 0 ? 1 : -1;
    setF64(statp, S_WORST * nu + u, worst);
    setF64(statp, S_DIR * nu + u, dir);
    setF64(statp, S_CAP * nu + u, maxCredit * worst);
    const netShort = Math.max(Math.max(0, -f64At(statp, S_CALLS * nu + u)), -f64At(statp, S_PUTS * nu + u));
    const price = f64At(pricep, i32At(uidp, u));
    const shortOption = shortOptionRate * price * netShort;
    const spread = spreadRate * Math.min(f64At(statp, S_LONG * nu + u), f64At(statp, S_SHORT * nu + u));
    scanning += worst;
    addOns += shortOption + spread;
  }
  let credits: f64 = 0;
  for (let j = 0; j < nPairs; j++) {
    const ia = localIndex(uidp, nu, i32At(pairAp, j));
    const ib = localIndex(uidp, nu, i32At(pairBp, j));
    if (ia < 0 || ib < 0) continue;
    if (f64At(statp, S_DIR * nu + ia) * f64At(statp, S_DIR * nu + ib) >= 0) continue;
    const la = f64At(statp, S_WORST * nu + ia);
    const lb = f64At(statp, S_WORST * nu + ib);
    const capA = f64At(statp, S_CAP * nu + ia);
    const capB = f64At(statp, S_CAP * nu + ib);
    const credit = Math.min(Math.min(f64At(pairRatep, j) * Math.min(la, lb), capA), capB);
    if (!(credit > 0)) continue;
    setF64(statp, S_CAP * nu + ia, capA - credit);
    setF64(statp, S_CAP * nu + ib, capB - credit);
    credits += credit;
  }
  return Math.max(0, scanning + addOns - credits);
}

/** The local index of global underlying `id` in the account (−1 if absent). */
function localIndex(uidp: usize, nu: i32, id: i32): i32 {
  if (id < 0) return -1;
  for (let u = 0; u < nu; u++) if (i32At(uidp, u) == id) return u;
  return -1;
}
