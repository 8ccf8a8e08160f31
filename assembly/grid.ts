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
//  * scratchp: f64[2*nVols + 2*ns + maxU*(STATS + ns)] for maxU = the most underlyings of any account;
//  * outp: f64[2*nAcc] = initial, maintenance of each account.
//
// Method (see src/margin/grid/grid.ts for the model): each row's P&L under every scenario is added
// into its underlying's P&L array in row order — the order the reference sums per-position P&L —
// with the formulas of assembly/reval.ts. What the factored grid shares is computed once: per row,
// the expiry terms and per vol state σ1, σ1√T1 and (b + σ1²/2)T1; per price move, x1, ln(x1/K) and
// the base value term. Every value is the same IEEE expression as in the reference, so results
// agree bit for bit except where Math.exp / Math.log of AssemblyScript and V8 differ in the last ulp.
// The N(·) of an option row's scenarios run four at a time as f64x2 lanes (same operations per lane).
import { ERFC_TAB, ensureErfcTable, gbsPrice, normalCdf } from './reval';

const C_KIND: i32 = 0;
const C_UNDERLYING: i32 = 1;
const C_QUANTITY: i32 = 2;
const C_SIZE: i32 = 3;
const C_PRICE: i32 = 4;
const C_STRIKE: i32 = 5;
const C_EXPIRY: i32 = 6;
const C_VOL: i32 = 7;
const C_RATE: i32 = 8;
const C_CARRY: i32 = 9;
const C_CALLPUT: i32 = 10;
const C_VOLSCALE: i32 = 11;

const K_INVERSE_FUTURE: f64 = 3;
const K_INVERSE_PERP: f64 = 4;
const K_OPTION_LINEAR: f64 = 5;
const K_OPTION_INVERSE: f64 = 6;

const MIN_TOTAL_VOL: f64 = 1e-12;
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
  ensureErfcTable();
  const ns = nMoves * nVols;
  const dt = f64At(paramp, P_DT);
  // per-row vol-state cache: σ1√T1 at [v], (b + σ1²/2)·T1 at [nVols + v]
  const volp = scratchp;
  // per-row CDF arguments / values: [2k] for d1, [2k + 1] for d2 of scenario k
  const argp = volp + ((<usize>(2 * nVols)) << 3);
  const statp = argp + ((<usize>(2 * ns)) << 3);
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
        optionRow(tabp, n, i, q, x0, kind == K_OPTION_INVERSE, cp, dt, movep, nMoves, volAbsp, volRelp, nVols, volp, argp, rowp);
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
  movep: usize, nMoves: i32, volAbsp: usize, volRelp: usize, nVols: i32, volp: usize, argp: usize, rowp: usize,
): void {
  const K = col(tabp, n, C_STRIKE, i);
  const T0 = col(tabp, n, C_EXPIRY, i);
  const r = col(tabp, n, C_RATE, i);
  const b = col(tabp, n, C_CARRY, i);
  const sig0 = col(tabp, n, C_VOL, i);
  const vs = col(tabp, n, C_VOLSCALE, i);
  const v0 = gbsPrice(cp, x0, K, T0, r, b, sig0);
  const T1 = Math.max(0, T0 - dt);
  if (!(T1 > 0)) {
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
  for (let v = 0; v < nVols; v++) {
    const sig1 = Math.max(0, sig0 + (f64At(volAbsp, v) + f64At(volRelp, v) * sig0) * vs);
    setF64(volp, v, sig1 * sqrtT);
    setF64(volp, nVols + v, (b + 0.5 * sig1 * sig1) * T1);
  }
  for (let p = 0; p < nMoves; p++) {
    const x1 = x0 * (1 + f64At(movep, p));
    const lx = Math.log(x1 / K);
    const k0 = p * nVols;
    for (let v = 0; v < nVols; v++) {
      const sv = f64At(volp, v);
      // scenarios valued at intrinsic get a dummy argument (their N(·) is not used)
      let d1: f64 = 0;
      let d2: f64 = 0;
      if (sv >= MIN_TOTAL_VOL) {
        d1 = (lx + f64At(volp, nVols + v)) / sv;
        d2 = d1 - sv;
      }
      setF64(argp, 2 * (k0 + v), cp * d1);
      setF64(argp, 2 * (k0 + v) + 1, cp * d2);
    }
  }
  normalCdfs(argp, 2 * nMoves * nVols);
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

// normalCdf (assembly/reval.ts) lane by lane: N(x) = 0.5·erfc(−x/√2), erfc by the 9-term Taylor
// expansion around the table point z0 = round(64|y|)/64. Each lane performs exactly the scalar
// operations in the scalar order (WASM has no fused multiply-add), so the bits are the scalar
// function's; lanes with |y| ≥ 6 or NaN take the scalar path.
const SQRT2: f64 = 1.4142135623730951;

@inline function tableIndex(z: f64): i32 {
  return z < ERFC_MAX ? <i32>Math.round(z * ERFC_STEP) : 0;
}

@inline function tablePair(k0: i32, k1: i32, at: i32): v128 {
  const a = f64x2.splat(load<f64>(ERFC_TAB + (<usize>k0 << 4) + <usize>at));
  return f64x2.replace_lane(a, 1, load<f64>(ERFC_TAB + (<usize>k1 << 4) + <usize>at));
}

/** N(·) of the 4 values at p, in place: two f64x2 chains interleaved (the recurrence is latency-bound). */
function normalCdf4(p: usize): void {
  const xa = v128.load(p);
  const xb = v128.load(p, 16);
  const ya = f64x2.div(f64x2.neg(xa), f64x2.splat(SQRT2));
  const yb = f64x2.div(f64x2.neg(xb), f64x2.splat(SQRT2));
  const za = f64x2.abs(ya);
  const zb = f64x2.abs(yb);
  const a0 = tableIndex(f64x2.extract_lane(za, 0));
  const a1 = tableIndex(f64x2.extract_lane(za, 1));
  const b0 = tableIndex(f64x2.extract_lane(zb, 0));
  const b1 = tableIndex(f64x2.extract_lane(zb, 1));
  // k/64 as k·(1/64): the same value, 1/64 being exact
  const step = f64x2.splat(1 / ERFC_STEP);
  const z0a = f64x2.mul(f64x2.replace_lane(f64x2.splat(<f64>a0), 1, <f64>a1), step);
  const z0b = f64x2.mul(f64x2.replace_lane(f64x2.splat(<f64>b0), 1, <f64>b1), step);
  const ha = f64x2.sub(za, z0a);
  const hb = f64x2.sub(zb, z0b);
  const nha = f64x2.neg(ha);
  const nhb = f64x2.neg(hb);
  const two = f64x2.splat(2);
  const tza = f64x2.mul(two, z0a);
  const tzb = f64x2.mul(two, z0b);
  // the Taylor recurrence for n = 2..9, unrolled; x/n for n = 2, 4, 8 is done as x·(1/n), which
  // is the same correctly rounded value (1/n exact), and skips three divisions per chain
  let pwA = nha;
  let pwB = nhb;
  let accA = f64x2.mul(pwA, f64x2.splat(1));
  let accB = f64x2.mul(pwB, f64x2.splat(1));
  // h_0 = 1, h_1 = 2·z0, h_n = 2·z0·h_{n−1} − 2(n−1)·h_{n−2}
  let hPrevA = f64x2.splat(1);
  let hPrevB = hPrevA;
  let hCurA = tza;
  let hCurB = tzb;
  // n = 2
  pwA = f64x2.mul(pwA, f64x2.mul(nha, f64x2.splat(0.5)));
  pwB = f64x2.mul(pwB, f64x2.mul(nhb, f64x2.splat(0.5)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(2);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 3
  pwA = f64x2.mul(pwA, f64x2.div(nha, f64x2.splat(3)));
  pwB = f64x2.mul(pwB, f64x2.div(nhb, f64x2.splat(3)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(4);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 4
  pwA = f64x2.mul(pwA, f64x2.mul(nha, f64x2.splat(0.25)));
  pwB = f64x2.mul(pwB, f64x2.mul(nhb, f64x2.splat(0.25)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(6);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 5
  pwA = f64x2.mul(pwA, f64x2.div(nha, f64x2.splat(5)));
  pwB = f64x2.mul(pwB, f64x2.div(nhb, f64x2.splat(5)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(8);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 6
  pwA = f64x2.mul(pwA, f64x2.div(nha, f64x2.splat(6)));
  pwB = f64x2.mul(pwB, f64x2.div(nhb, f64x2.splat(6)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(10);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 7
  pwA = f64x2.mul(pwA, f64x2.div(nha, f64x2.splat(7)));
  pwB = f64x2.mul(pwB, f64x2.div(nhb, f64x2.splat(7)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(12);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 8
  pwA = f64x2.mul(pwA, f64x2.mul(nha, f64x2.splat(0.125)));
  pwB = f64x2.mul(pwB, f64x2.mul(nhb, f64x2.splat(0.125)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  {
    const c = f64x2.splat(14);
    const nextA = f64x2.sub(f64x2.mul(tza, hCurA), f64x2.mul(c, hPrevA));
    const nextB = f64x2.sub(f64x2.mul(tzb, hCurB), f64x2.mul(c, hPrevB));
    hPrevA = hCurA;
    hPrevB = hCurB;
    hCurA = nextA;
    hCurB = nextB;
  }
  // n = 9 (the last: no next Hermite term needed)
  pwA = f64x2.mul(pwA, f64x2.div(nha, f64x2.splat(9)));
  pwB = f64x2.mul(pwB, f64x2.div(nhb, f64x2.splat(9)));
  accA = f64x2.add(accA, f64x2.mul(pwA, hCurA));
  accB = f64x2.add(accB, f64x2.mul(pwB, hCurB));
  const ra = f64x2.add(tablePair(a0, a1, 0), f64x2.mul(tablePair(a0, a1, 8), accA));
  const rb = f64x2.add(tablePair(b0, b1, 0), f64x2.mul(tablePair(b0, b1, 8), accB));
  const zero = f64x2.splat(0);
  const half = f64x2.splat(0.5);
  const ea = v128.bitselect(ra, f64x2.sub(two, ra), f64x2.ge(ya, zero));
  const eb = v128.bitselect(rb, f64x2.sub(two, rb), f64x2.ge(yb, zero));
  v128.store(p, f64x2.mul(half, ea));
  v128.store(p, f64x2.mul(half, eb), 16);
  // lanes outside the table: the scalar path (erfcDirect)
  if (!(f64x2.extract_lane(za, 0) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(xa, 0)));
  if (!(f64x2.extract_lane(za, 1) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(xa, 1)), 8);
  if (!(f64x2.extract_lane(zb, 0) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(xb, 0)), 16);
  if (!(f64x2.extract_lane(zb, 1) < ERFC_MAX)) store<f64>(p, normalCdf(f64x2.extract_lane(xb, 1)), 24);
}

/** N(·) of the `count` values at p, in place. */
function normalCdfs(p: usize, count: i32): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) normalCdf4(p + (<usize>j << 3));
  for (; j < count; j++) {
    const a = p + (<usize>j << 3);
    store<f64>(a, normalCdf(load<f64>(a)));
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
