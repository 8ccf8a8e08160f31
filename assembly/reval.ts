// Full-revaluation kernel: the WASM twin of revalueKernel (src/instruments/kernel.ts).
// No allocation, no I/O; the caller (src/instruments/reval-wasm.ts) owns memory.
//
// Memory layout (all f64, pointers are byte offsets):
//  * tabp: the instrument table, 12 columns of n values each, column c at tabp + c*n*8, in the
//    order kind, underlying, quantity, size, price, strike, expiry, vol, rate, carry, callPut,
//    volScale (the fields of InstrumentColumns);
//  * movep, volAbsp, volRelp: [scenario][underlying] row-major (index s*nu + u), ns*nu values;
//    dtp: [scenario], ns values (years);
//  * totp: ns values, overwritten with the portfolio P&L of each scenario;
//  * posp: ns*n values at [s*n + i], or 0 for none.
//
// Every floating-point operation has the same order as the TS twin (positions outer, scenarios
// inner, so each scenario total is summed in position order), so results agree bit for bit except
// where Math.exp / Math.log of the two runtimes differ in the last ulp. Values that depend only on
// the time to expiry (e^{(b−r)T}, K·e^{−rT}, √T) are cached across consecutive scenarios with the
// same decayed expiry: a cache hit returns the very bits the twin recomputes. Options are done two
// scenarios per step so that their four N(·) run as f64x2 lanes (see normalCdf4).

import {
  C_KIND, C_UNDERLYING, C_QUANTITY, C_SIZE, C_PRICE, C_STRIKE, C_EXPIRY, C_VOL, C_RATE, C_CARRY, C_CALLPUT, C_VOLSCALE,
  K_INVERSE_FUTURE, K_INVERSE_PERP, K_OPTION_LINEAR, K_OPTION_INVERSE, MIN_TOTAL_VOL,
} from './layout';
const SQRT2: f64 = 1.4142135623730951; // Math.SQRT2
const SQRT_PI: f64 = 1.7724538509055159; // Math.sqrt(Math.PI), correctly rounded in both runtimes
const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126; // 2 / Math.sqrt(Math.PI)
const TINY: f64 = 1e-300;

// erfc as in src/stats/index.ts: a 9-term Taylor expansion around z0 = k/64 from a table of
// erfc(z0) and (2/sqrt(pi)) e^{-z0^2}, built on first use by the direct method (series below 1,
// Lentz continued fraction above), which also serves |x| >= 6.
const ERFC_STEP: f64 = 64;
const ERFC_MAX: f64 = 6;
const ERFC_POINTS: i32 = 6 * 64 + 1;
export const ERFC_TAB: usize = memory.data(ERFC_POINTS * 16, 16);
let erfcReady = false;

function erfcDirect(x: f64, z: f64): f64 {
  let r: f64;
  if (z < 1) {
    const z2 = z * z;
    const t2 = 2 * z2;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= t2 / <f64>(2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = 1 - TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
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
    r = Math.exp(-z * z) / SQRT_PI / f;
  }
  return x >= 0 ? r : 2 - r;
}

function buildErfcTable(): void {
  for (let k = 0; k < ERFC_POINTS; k++) {
    const z0 = <f64>k / ERFC_STEP;
    store<f64>(ERFC_TAB + (<usize>k << 4), erfcDirect(z0, z0));
    store<f64>(ERFC_TAB + (<usize>k << 4), TWO_OVER_SQRT_PI * Math.exp(-z0 * z0), 8);
  }
  erfcReady = true;
}

function erfc(x: f64): f64 {
  const z = Math.abs(x);
  if (!(z < ERFC_MAX)) return erfcDirect(x, z);
  const k = <i32>Math.round(z * ERFC_STEP);
  const z0 = <f64>k / ERFC_STEP;
  const h = z - z0;
  let hPrev: f64 = 1;
  let hCur = 2 * z0;
  let pw = -h;
  let acc = pw * hPrev;
  for (let n = 2; n <= 9; n++) {
    pw *= -h / <f64>n;
    acc += pw * hCur;
    const next = 2 * z0 * hCur - 2 * <f64>(n - 1) * hPrev;
    hPrev = hCur;
    hCur = next;
  }
  const p = ERFC_TAB + (<usize>k << 4);
  const r = load<f64>(p) + load<f64>(p, 8) * acc;
  return x >= 0 ? r : 2 - r;
}

/** Builds the erfc table on first use; every kernel calling normalCdf calls this first. */
export function ensureErfcTable(): void {
  if (!erfcReady) buildErfcTable();
}

/** normalCdf of src/stats/index.ts. */
@inline export function normalCdf(x: f64): f64 {
  return 0.5 * erfc(-x / SQRT2);
}

// Static scratch of normalCdf4 (the kernel allocates nothing): 4 arguments in, 4 values out.
const CDF: usize = memory.data(4 * 8, 16);

/** normalCdf of CDF[0..count) in place (count 2 or 4). */
function normalCdf4(count: i32): void {
  for (let j = 0; j < count; j++) {
    const p = CDF + (<usize>j << 3);
    store<f64>(p, normalCdf(load<f64>(p)));
  }
}

/** gbsPrice of src/instruments/pricing.ts (used once per option for the base value). */
export function gbsPrice(cp: f64, S: f64, K: f64, T: f64, r: f64, b: f64, sigma: f64): f64 {
  if (!(T > 0)) return Math.max(cp * (S - K), 0);
  const carry = Math.exp((b - r) * T);
  const dfR = Math.exp(-r * T);
  const v = sigma * Math.sqrt(T);
  if (!(v >= MIN_TOTAL_VOL)) return Math.max(cp * (S * carry - K * dfR), 0);
  const d1 = (Math.log(S / K) + (b + 0.5 * sigma * sigma) * T) / v;
  const d2 = d1 - v;
  return cp * (S * carry * normalCdf(cp * d1) - K * dfR * normalCdf(cp * d2));
}

@inline function col(tabp: usize, n: i32, c: i32, i: i32): f64 {
  return load<f64>(tabp + ((<usize>c * <usize>n + <usize>i) << 3));
}

/** Adds `pnl` to totp[k] and stores it at posp[k*n + i] when posp != 0. */
@inline function emit(totp: usize, posp: usize, n: i32, i: i32, k: i32, pnl: f64): void {
  const tp = totp + (<usize>k << 3);
  store<f64>(tp, load<f64>(tp) + pnl);
  if (posp != 0) store<f64>(posp + ((<usize>k * <usize>n + <usize>i) << 3), pnl);
}

/** Delta-one instruments, two scenarios per f64x2 (exact: same IEEE operations per lane). */
function linearRows(
  i: i32, n: i32, u: i32, q: f64, x0: f64, inverse: bool,
  movep: usize, ns: i32, nu: i32, totp: usize, posp: usize,
): void {
  const q2 = f64x2.splat(q);
  const x02 = f64x2.splat(x0);
  const one = f64x2.splat(1);
  const stride = <usize>nu << 3;
  let mp = movep + (<usize>u << 3);
  let k = 0;
  for (; k + 1 < ns; k += 2) {
    const m = f64x2.replace_lane(f64x2.splat(load<f64>(mp)), 1, load<f64>(mp + stride));
    mp += stride << 1;
    const x1 = f64x2.mul(x02, f64x2.add(one, m));
    let pnl = f64x2.mul(q2, f64x2.sub(x1, x02));
    if (inverse) pnl = f64x2.div(pnl, x02);
    const tp = totp + (<usize>k << 3);
    v128.store(tp, f64x2.add(v128.load(tp), pnl));
    if (posp != 0) {
      const pp = posp + ((<usize>k * <usize>n + <usize>i) << 3);
      store<f64>(pp, f64x2.extract_lane(pnl, 0));
      store<f64>(pp + (<usize>n << 3), f64x2.extract_lane(pnl, 1));
    }
  }
  if (k < ns) {
    const x1 = x0 * (1 + load<f64>(mp));
    const pnl = inverse ? (q * (x1 - x0)) / x0 : q * (x1 - x0);
    emit(totp, posp, n, i, k, pnl);
  }
}

// Per-scenario state of optionRows for the two scenarios of a step (slot 0, 1).
// OPT[slot]: v1 when ready; OPT[2 + slot]: x1·e^{(b−r)T1}; OPT[4 + slot]: K·e^{−rT1}.
const OPT: usize = memory.data(6 * 8, 16);

/** Options: full repricing per scenario, two scenarios per step (their four N(·) share one loop). */
function optionRows(
  tabp: usize, i: i32, n: i32, u: i32, q: f64, x0: f64, inverse: bool,
  movep: usize, volAbsp: usize, volRelp: usize, dtp: usize, ns: i32, nu: i32, totp: usize, posp: usize,
): void {
  const cp = col(tabp, n, C_CALLPUT, i);
  const K = col(tabp, n, C_STRIKE, i);
  const T0 = col(tabp, n, C_EXPIRY, i);
  const r = col(tabp, n, C_RATE, i);
  const b = col(tabp, n, C_CARRY, i);
  const sig0 = col(tabp, n, C_VOL, i);
  const vs = col(tabp, n, C_VOLSCALE, i);
  const v0 = gbsPrice(cp, x0, K, T0, r, b, sig0);
  const bmr = b - r;
  const mr = -r;
  // cache of the expiry-only terms, keyed by T1 (NaN: empty)
  let lastT: f64 = NaN;
  let carry: f64 = 0;
  let kdf: f64 = 0;
  let sqrtT: f64 = 0;
  for (let k = 0; k < ns; k += 2) {
    const m = k + 1 < ns ? 2 : 1;
    let need = 0; // bit slot: N(d1), N(d2) of that slot are pending in CDF[2·slot], CDF[2·slot + 1]
    for (let slot = 0; slot < m; slot++) {
      const ks = k + slot;
      const jo = (<usize>ks * <usize>nu + <usize>u) << 3;
      const x1 = x0 * (1 + load<f64>(movep + jo));
      const sig1 = Math.max(0, sig0 + (load<f64>(volAbsp + jo) + load<f64>(volRelp + jo) * sig0) * vs);
      const T1 = Math.max(0, T0 - load<f64>(dtp + (<usize>ks << 3)));
      const so = <usize>slot << 3;
      if (!(T1 > 0)) {
        store<f64>(OPT + so, Math.max(cp * (x1 - K), 0));
        continue;
      }
      if (T1 != lastT) {
        lastT = T1;
        carry = Math.exp(bmr * T1);
        kdf = K * Math.exp(mr * T1);
        sqrtT = Math.sqrt(T1);
      }
      const v = sig1 * sqrtT;
      if (!(v >= MIN_TOTAL_VOL)) {
        store<f64>(OPT + so, Math.max(cp * (x1 * carry - kdf), 0));
        continue;
      }
      const d1 = (Math.log(x1 / K) + (b + 0.5 * sig1 * sig1) * T1) / v;
      const d2 = d1 - v;
      store<f64>(OPT + so, x1 * carry, 16);
      store<f64>(OPT + so, kdf, 32);
      need |= 1 << slot;
      // pending arguments are packed from CDF[0]
      const at = need == 3 ? CDF + 16 : CDF;
      store<f64>(at, cp * d1);
      store<f64>(at, cp * d2, 8);
    }
    if (need != 0) {
      normalCdf4(need == 3 ? 4 : 2);
      // the first pending slot's values are in CDF[0..1], the second's (if any) in CDF[2..3]
      let at = CDF;
      for (let slot = 0; slot < 2; slot++) {
        if ((need & (1 << slot)) == 0) continue;
        const so = <usize>slot << 3;
        store<f64>(OPT + so, cp * (load<f64>(OPT + so, 16) * load<f64>(at) - load<f64>(OPT + so, 32) * load<f64>(at, 8)));
        at += 16;
      }
    }
    for (let slot = 0; slot < m; slot++) {
      const ks = k + slot;
      const v1 = load<f64>(OPT + (<usize>slot << 3));
      const x1 = x0 * (1 + load<f64>(movep + ((<usize>ks * <usize>nu + <usize>u) << 3)));
      const pnl = inverse ? q * (v1 - (v0 * x1) / x0) : q * (v1 - v0);
      emit(totp, posp, n, i, ks, pnl);
    }
  }
}

/**
 * Full revaluation of n instruments under ns scenarios (layout in the header). Overwrites totp
 * (and posp when non-zero). For a range of scenarios pass pointers offset to its first row.
 */
export function revalue(
  tabp: usize, n: i32,
  movep: usize, volAbsp: usize, volRelp: usize, dtp: usize, ns: i32, nu: i32,
  totp: usize, posp: usize,
): void {
  if (!erfcReady) buildErfcTable();
  memory.fill(totp, 0, <usize>(ns < 0 ? 0 : ns) << 3);
  for (let i = 0; i < n; i++) {
    const kind = col(tabp, n, C_KIND, i);
    const u = <i32>col(tabp, n, C_UNDERLYING, i);
    const q = col(tabp, n, C_QUANTITY, i) * col(tabp, n, C_SIZE, i);
    const x0 = col(tabp, n, C_PRICE, i);
    if (kind == K_OPTION_LINEAR || kind == K_OPTION_INVERSE) {
      optionRows(tabp, i, n, u, q, x0, kind == K_OPTION_INVERSE, movep, volAbsp, volRelp, dtp, ns, nu, totp, posp);
    } else {
      linearRows(i, n, u, q, x0, kind == K_INVERSE_FUTURE || kind == K_INVERSE_PERP, movep, ns, nu, totp, posp);
    }
  }
}
