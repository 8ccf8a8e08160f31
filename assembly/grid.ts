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
// option row's N(·) run eight at a time as f64x2 lanes (normalCdf8 of assembly/vmath.ts: the
// Taylor expansion of erfc with its coefficients tabulated per point, Horner steps by madd2). Delta-one rows
// agree with the reference bit for bit; option rows round differently in the last bits (the log
// split, d1 by a reciprocal, the Horner form of erfc, Math.exp / Math.log of AssemblyScript and
// V8), a few ulp of each value, far inside the 1e-12 relative agreement the tests require.
import { gbsPrice } from './reval';
import { ensureCdfTable, expK, logK, normalCdf8, normalCdfK } from './vmath';

import {
  C_KIND, C_UNDERLYING, C_QUANTITY, C_SIZE, C_PRICE, C_STRIKE, C_EXPIRY, C_VOL, C_RATE, C_CARRY, C_CALLPUT, C_VOLSCALE,
  K_INVERSE_FUTURE, K_INVERSE_PERP, K_OPTION_LINEAR, K_OPTION_INVERSE, MIN_TOTAL_VOL,
} from './layout';

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
  ensureCdfTable();
  const ns = nMoves * nVols;
  const dt = f64At(paramp, P_DT);
  // per-row vol-state cache: σ1√T1 at [v], (b + σ1²/2)·T1 at [nVols + v], 1/(σ1√T1) at [2·nVols + v]
  const volp = scratchp;
  // per-row CDF arguments / values: [2k] for d1, [2k + 1] for d2 of scenario k; [2ns], [2ns + 1]
  // for the base value's
  const argp = volp + ((<usize>(3 * nVols)) << 3);
  // ln(1 + move) of each price move: ln(x1/K) = ln(x0/K) + ln(1 + move), one log per option row
  const lnp = argp + ((<usize>(2 * ns + 2)) << 3);
  for (let p = 0; p < nMoves; p++) setF64(lnp, p, logK(1 + f64At(movep, p)));
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
    const w0 = v0 / x0;
    // expired within the horizon: intrinsic value under every vol state
    for (let p = 0; p < nMoves; p++) {
      const x1 = x0 * (1 + f64At(movep, p));
      const v1 = Math.max(cp * (x1 - K), 0);
      const pnl = inverse ? q * (v1 - w0 * x1) : q * (v1 - v0);
      const k0 = p * nVols;
      for (let v = 0; v < nVols; v++) addF64(rowp, k0 + v, pnl);
    }
    return;
  }
  const carry = expK((b - r) * T1);
  const kdf = K * expK(-r * T1);
  const sqrtT = Math.sqrt(T1);
  const lx0 = logK(x0 / K);
  // the base value v0 = gbsPrice(cp, x0, K, T0, r, b, sig0), its terms shared with the scenarios'
  // when there is no time decay (T0 = T1) and its two N(·) computed with theirs (the last two slots)
  let carry0 = carry;
  let kdf0 = kdf;
  let sqrtT0 = sqrtT;
  if (T0 != T1) {
    carry0 = expK((b - r) * T0);
    kdf0 = K * expK(-r * T0);
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
    const base = inverse ? (v0 / x0) * x1 : v0;
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

/** N(·) of the `count` values at p, in place (blocks of 8 on the f64x2 path, the rest one by one). */
function normalCdfs(p: usize, count: i32): void {
  let j = 0;
  for (; j + 8 <= count; j += 8) normalCdf8(p + (<usize>j << 3));
  for (; j < count; j++) {
    const a = p + (<usize>j << 3);
    store<f64>(a, normalCdfK(load<f64>(a)));
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
