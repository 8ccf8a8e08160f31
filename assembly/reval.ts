// Full-revaluation kernel: the WASM twin of revalueKernel (src/kernels/reval/ts.ts).
// No allocation, no I/O; the caller (src/kernels/reval/wasm.ts) owns memory.
//
// Memory layout (all f64, pointers are byte offsets):
//  * tabp: the instrument table, 12 columns of n values each, column c at tabp + c*n*8, in the
//    order of assembly/layout.ts;
//  * movep, volAbsp, volRelp: [scenario][underlying] row-major (index s*nu + u), ns*nu values;
//    dtp: [scenario], ns values (years);
//  * totp: ns values, overwritten with the portfolio P&L of each scenario;
//  * posp: ns*n values at [s*n + i], or 0 for none;
//  * scratchp: revalScratchBytes(ns, nu) bytes (16-byte aligned), overwritten.
//
// Method. What depends only on (scenario, underlying) is computed once per call, transposed to
// [underlying][scenario] so the option loop reads it contiguously: 1 + move, ln(1 + move) (vlog),
// the vol shifts. Per option, ln(X1/K) = ln(X0/K) + ln(1 + move) costs an add; the expiry terms
// e^{(b−r)T1}, K·e^{−rT1}, √T1 are cached while consecutive scenario pairs share the decayed
// expiry (with one time step per run they are computed once per option). Options run two
// scenarios per f64x2 lane pair, four scenarios per step so that their eight N(·) run as four
// interleaved Horner chains (normalCdf8). The base value V0 is the same lane formula at the
// unshocked point, so an unshocked scenario gives exactly zero P&L (linear options).
//
// Every lane performs the operations of the TS twin in the same order; in the strict build the
// results are bit-identical to the twin, in the relaxed build madd2 fuses (see assembly/simd.ts).
import {
  C_KIND, C_UNDERLYING, C_QUANTITY, C_SIZE, C_PRICE, C_STRIKE, C_EXPIRY, C_VOL, C_RATE, C_CARRY, C_CALLPUT, C_VOLSCALE,
  K_INVERSE_FUTURE, K_INVERSE_PERP, K_OPTION_LINEAR, K_OPTION_INVERSE, MIN_TOTAL_VOL,
} from './layout';
import { madd2 } from './simd';
import { ensureCdfTable, expK, logK, normalCdf8, normalCdfK, vexp, vlog } from './vmath';

export { ensureCdfTable as ensureErfcTable, normalCdfK as normalCdf } from './vmath';

// Static scratch: the eight N(·) arguments / values of a step (a1, a2 of pair A, then of pair B).
const ARG: usize = memory.data(64, 16);

/** Scenarios rounded up to a multiple of 4 (the option loop's step). */
@inline function padded(ns: i32): i32 {
  return (ns + 3) & ~3;
}

/** Scratch bytes revalue needs for ns scenarios and nu underlyings (f64: no i32 overflow for large runs). */
export function revalScratchBytes(ns: i32, nu: i32): f64 {
  return <f64>(4 * nu + 2) * <f64>padded(ns) * 8;
}

/**
 * The N(·) arguments of an option at two points, stored at p (cp·d1) and p + 16 (cp·d2); lanes
 * valued at intrinsic (σ√T below MIN_TOTAL_VOL) get 0 (their N(·) is not used).
 */
@inline function optionArgs(p: usize, cp: v128, lx: v128, sig: v128, T: v128, sqrtT: v128, b: v128): void {
  const v = f64x2.mul(sig, sqrtT);
  const w = madd2(f64x2.mul(f64x2.splat(0.5), sig), sig, b);
  const d1 = f64x2.div(madd2(w, T, lx), v);
  const d2 = f64x2.sub(d1, v);
  const ok = f64x2.ge(v, f64x2.splat(MIN_TOTAL_VOL));
  v128.store(p, v128.and(f64x2.mul(cp, d1), ok));
  v128.store(p, v128.and(f64x2.mul(cp, d2), ok), 16);
}

/** Option values from N(·) at p, p + 16 (see optionArgs); intrinsic on the forward where σ√T is tiny. */
@inline function optionValue(p: usize, cp: v128, x: v128, sig: v128, sqrtT: v128, carry: v128, kdf: v128): v128 {
  const xc = f64x2.mul(x, carry);
  const ok = f64x2.ge(f64x2.mul(sig, sqrtT), f64x2.splat(MIN_TOTAL_VOL));
  const full = f64x2.mul(cp, f64x2.sub(f64x2.mul(xc, v128.load(p)), f64x2.mul(kdf, v128.load(p, 16))));
  const intrinsic = f64x2.max(f64x2.mul(cp, f64x2.sub(xc, kdf)), f64x2.splat(0));
  return v128.bitselect(full, intrinsic, ok);
}

/**
 * Generalized Black–Scholes value by the kernel's lane formula (the twin's gbsPriceK): the
 * expiry is clamped at 0, where the value is intrinsic.
 */
export function gbsPrice(cp: f64, S: f64, K: f64, T: f64, r: f64, b: f64, sigma: f64): f64 {
  ensureCdfTable();
  const T1 = Math.max(0, T);
  const carry = f64x2.splat(expK((b - r) * T1));
  const kdf = f64x2.splat(K * expK(-r * T1));
  const sqrtT = f64x2.splat(Math.sqrt(T1));
  const cp2 = f64x2.splat(cp);
  const sig = f64x2.splat(sigma);
  optionArgs(ARG, cp2, f64x2.splat(logK(S / K)), sig, f64x2.splat(T1), sqrtT, f64x2.splat(b));
  v128.store(ARG, v128.load(ARG), 32);
  v128.store(ARG, v128.load(ARG, 16), 48);
  normalCdf8(ARG);
  return f64x2.extract_lane(optionValue(ARG, cp2, f64x2.splat(S), sig, sqrtT, carry, kdf), 0);
}

@inline function col(tabp: usize, n: i32, c: i32, i: i32): f64 {
  return load<f64>(tabp + ((<usize>c * <usize>n + <usize>i) << 3));
}

/** Stores the lanes of pnl that are real scenarios (k + lane < ns) at posp[(k + lane)·n + i]. */
@inline function storePositions(posp: usize, n: i32, i: i32, k: i32, ns: i32, pnl: v128): void {
  const pp = posp + ((<usize>k * <usize>n + <usize>i) << 3);
  if (k < ns) store<f64>(pp, f64x2.extract_lane(pnl, 0));
  if (k + 1 < ns) store<f64>(pp + (<usize>n << 3), f64x2.extract_lane(pnl, 1));
}

/** Delta-one instruments, two scenarios per f64x2 (the same IEEE operations per lane as the twin). */
function linearRows(i: i32, n: i32, q: f64, x0: f64, inverse: bool, gp: usize, ns: i32, totp: usize, posp: usize): void {
  const q2 = f64x2.splat(q);
  const x02 = f64x2.splat(x0);
  const nsp = padded(ns);
  for (let k = 0; k < nsp; k += 2) {
    const x1 = f64x2.mul(x02, v128.load(gp + (<usize>k << 3)));
    let pnl = f64x2.mul(q2, f64x2.sub(x1, x02));
    if (inverse) pnl = f64x2.div(pnl, x02);
    const tp = totp + (<usize>k << 3);
    v128.store(tp, f64x2.add(v128.load(tp), pnl));
    if (posp != 0) storePositions(posp, n, i, k, ns, pnl);
  }
}

/** Options: full repricing, four scenarios per step (scratch rows of the underlying in gp … dtp). */
function optionRows(
  tabp: usize, i: i32, n: i32, q: f64, x0: f64, inverse: bool,
  gp: usize, lp: usize, vap: usize, vrp: usize, dtp: usize, ns: i32, totp: usize, posp: usize, uniformDt: bool,
): void {
  const cpS = col(tabp, n, C_CALLPUT, i);
  const K = col(tabp, n, C_STRIKE, i);
  const T0 = col(tabp, n, C_EXPIRY, i);
  const r = col(tabp, n, C_RATE, i);
  const bS = col(tabp, n, C_CARRY, i);
  const sig0S = col(tabp, n, C_VOL, i);
  const vsS = col(tabp, n, C_VOLSCALE, i);
  const cp = f64x2.splat(cpS);
  const b = f64x2.splat(bS);
  const sig0 = f64x2.splat(sig0S);
  const vs = f64x2.splat(vsS);
  const x02 = f64x2.splat(x0);
  const q2 = f64x2.splat(q);
  const T02 = f64x2.splat(T0);
  const bmr = f64x2.splat(bS - r);
  const mr = f64x2.splat(-r);
  const K2 = f64x2.splat(K);
  const lx0 = f64x2.splat(logK(x0 / K));
  const v0 = gbsPrice(cpS, x0, K, T0, r, bS, sig0S);
  // inverse options: V0·X1/X0 as (V0/X0)·X1
  const w0 = f64x2.splat(v0 / x0);
  const v02 = f64x2.splat(v0);
  const zero = f64x2.splat(0);
  // expiry-term cache, keyed by the T1 pair (NaN: empty)
  let lastT = f64x2.max(zero, f64x2.sub(T02, v128.load(dtp)));
  let carry = vexp(f64x2.mul(bmr, lastT));
  let kdf = f64x2.mul(K2, vexp(f64x2.mul(mr, lastT)));
  let sqrtT = f64x2.sqrt(lastT);
  let TA = lastT;
  let TB = lastT;
  const nsp = padded(ns);
  for (let k = 0; k < nsp; k += 4) {
    const o = <usize>k << 3;
    // pair A: scenarios k, k + 1
    const gA = v128.load(gp + o);
    const xA = f64x2.mul(x02, gA);
    const sA = f64x2.max(zero, madd2(madd2(v128.load(vrp + o), sig0, v128.load(vap + o)), vs, sig0));
    // with one time step in the run (uniformDt) the terms computed before the loop hold throughout
    if (!uniformDt) TA = f64x2.max(zero, f64x2.sub(T02, v128.load(dtp + o)));
    if (!uniformDt && !i64x2.all_true(f64x2.eq(TA, lastT))) {
      lastT = TA;
      carry = vexp(f64x2.mul(bmr, TA));
      kdf = f64x2.mul(K2, vexp(f64x2.mul(mr, TA)));
      sqrtT = f64x2.sqrt(TA);
    }
    const carryA = carry;
    const kdfA = kdf;
    const sqrtTA = sqrtT;
    optionArgs(ARG, cp, f64x2.add(lx0, v128.load(lp + o)), sA, TA, sqrtTA, b);
    // pair B: scenarios k + 2, k + 3
    const gB = v128.load(gp + o, 16);
    const xB = f64x2.mul(x02, gB);
    const sB = f64x2.max(zero, madd2(madd2(v128.load(vrp + o, 16), sig0, v128.load(vap + o, 16)), vs, sig0));
    if (!uniformDt) TB = f64x2.max(zero, f64x2.sub(T02, v128.load(dtp + o, 16)));
    if (!uniformDt && !i64x2.all_true(f64x2.eq(TB, lastT))) {
      lastT = TB;
      carry = vexp(f64x2.mul(bmr, TB));
      kdf = f64x2.mul(K2, vexp(f64x2.mul(mr, TB)));
      sqrtT = f64x2.sqrt(TB);
    }
    optionArgs(ARG + 32, cp, f64x2.add(lx0, v128.load(lp + o, 16)), sB, TB, sqrtT, b);
    normalCdf8(ARG);
    const vA = optionValue(ARG, cp, xA, sA, sqrtTA, carryA, kdfA);
    const vB = optionValue(ARG + 32, cp, xB, sB, sqrtT, carry, kdf);
    const pA = f64x2.mul(q2, f64x2.sub(vA, inverse ? f64x2.mul(w0, xA) : v02));
    const pB = f64x2.mul(q2, f64x2.sub(vB, inverse ? f64x2.mul(w0, xB) : v02));
    const tp = totp + o;
    v128.store(tp, f64x2.add(v128.load(tp), pA));
    v128.store(tp, f64x2.add(v128.load(tp, 16), pB), 16);
    if (posp != 0) {
      storePositions(posp, n, i, k, ns, pA);
      storePositions(posp, n, i, k + 2, ns, pB);
    }
  }
}

/**
 * Full revaluation of n instruments under ns scenarios (layout in the header). Overwrites totp
 * (and posp when non-zero) and the scratch. For a range of scenarios pass pointers offset to its
 * first row.
 */
export function revalue(
  tabp: usize, n: i32,
  movep: usize, volAbsp: usize, volRelp: usize, dtp: usize, ns: i32, nu: i32,
  totp: usize, posp: usize, scratchp: usize,
): void {
  if (ns <= 0) return;
  ensureCdfTable();
  const nsp = padded(ns);
  const row = <usize>nsp << 3;
  const gp = scratchp;
  const lp = gp + row * <usize>nu;
  const vap = lp + row * <usize>nu;
  const vrp = vap + row * <usize>nu;
  const dp = vrp + row * <usize>nu;
  const tp = dp + row;
  for (let u = 0; u < nu; u++) {
    const ro = row * <usize>u;
    for (let k = 0; k < nsp; k++) {
      const o = ro + (<usize>k << 3);
      if (k < ns) {
        const j = (<usize>k * <usize>nu + <usize>u) << 3;
        store<f64>(gp + o, 1 + load<f64>(movep + j));
        store<f64>(vap + o, load<f64>(volAbsp + j));
        store<f64>(vrp + o, load<f64>(volRelp + j));
      } else {
        store<f64>(gp + o, 1);
        store<f64>(vap + o, 0);
        store<f64>(vrp + o, 0);
      }
    }
    for (let k = 0; k < nsp; k += 2) {
      const o = ro + (<usize>k << 3);
      v128.store(lp + o, vlog(v128.load(gp + o)));
    }
  }
  // pads repeat the last time step, so a run with one time step is uniform over the padded rows
  const dtLast = load<f64>(dtp + (<usize>(ns - 1) << 3));
  let uniformDt = true;
  for (let k = 0; k < nsp; k++) {
    const d = k < ns ? load<f64>(dtp + (<usize>k << 3)) : dtLast;
    store<f64>(dp + (<usize>k << 3), d);
    if (d != dtLast) uniformDt = false;
  }
  memory.fill(tp, 0, row);
  for (let i = 0; i < n; i++) {
    const kind = col(tabp, n, C_KIND, i);
    const ro = row * <usize>(<i32>col(tabp, n, C_UNDERLYING, i));
    const q = col(tabp, n, C_QUANTITY, i) * col(tabp, n, C_SIZE, i);
    const x0 = col(tabp, n, C_PRICE, i);
    if (kind == K_OPTION_LINEAR || kind == K_OPTION_INVERSE) {
      optionRows(tabp, i, n, q, x0, kind == K_OPTION_INVERSE, gp + ro, lp + ro, vap + ro, vrp + ro, dp, ns, tp, posp, uniformDt);
    } else {
      linearRows(i, n, q, x0, kind == K_INVERSE_FUTURE || kind == K_INVERSE_PERP, gp + ro, ns, tp, posp);
    }
  }
  memory.copy(totp, tp, <usize>ns << 3);
}
