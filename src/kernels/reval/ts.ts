/**
 * Pure-TS twin of the full-revaluation kernel: flat Float64Array columns in, P&L out.
 * No validation, no allocation inside the loops; the WASM kernel mirrors this file line by line.
 *
 * Layout:
 * - Instrument table: one Float64Array per column, length n (see {@link InstrumentColumns}).
 * - Scenarios: `move`, `volAbs`, `volRel` are [scenario][underlying] row-major (index s·nU + u);
 *   `dt` is [scenario] in years.
 * - Output: `outTotal[s]` = portfolio P&L of scenario s (USD); `outPositions[s·n + i]` (optional) per position.
 *
 * Per instrument i with X0 = price[i], X1 = X0·(1 + move), Q = quantity·size:
 * - spot / linear future / linear perp: Q·(X1 − X0)
 * - inverse future / perp (size = USD face): coin Q·(1/X0 − 1/X1), USD at X1: Q·(X1 − X0)/X0
 * - linear option: Q·(V(X1, σ1, T1) − V(X0, σ0, T0))
 * - inverse option: coin Q·(V1/X1 − V0/X0), USD at X1: Q·(V1 − V0·X1/X0)
 *   with σ1 = max(0, σ0 + (volAbs + volRel·σ0)·volScale[i]) and T1 = max(0, T0 − dt).
 */
import { MIN_TOTAL_VOL } from './black.js';
import { expK, logK, normalCdfK } from './math.js';

/** Kind codes of the instrument table (stable: shared with the WASM kernel). */
export const KIND = {
  spot: 0,
  'linear-future': 1,
  'linear-perp': 2,
  'inverse-future': 3,
  'inverse-perp': 4,
  'option-linear': 5,
  'option-inverse': 6,
} as const;

/** Column-oriented instrument table. All columns have length `n`. */
export interface InstrumentColumns {
  n: number;
  /** {@link KIND} code. */
  kind: Float64Array;
  /** Index into the underlying list. */
  underlying: Float64Array;
  /** Signed quantity. */
  quantity: Float64Array;
  /** Contract size (units of underlying) or, for inverse futures, USD face per contract. */
  size: Float64Array;
  /** Reference price X0 (spot, mark or forward), USD. */
  price: Float64Array;
  /** Options: strike (0 otherwise). */
  strike: Float64Array;
  /** Options: years to expiry (0 otherwise). */
  expiry: Float64Array;
  /** Options: implied vol (0 otherwise). */
  vol: Float64Array;
  /** Options: rate r. */
  rate: Float64Array;
  /** Options: cost of carry b (r − q for Black–Scholes, 0 for Black-76). */
  carry: Float64Array;
  /** Options: +1 call, −1 put (0 otherwise). */
  callPut: Float64Array;
  /** Multiplier on the scenario vol shifts (1 by default; the grid margin uses a term-structure scale). */
  volScale: Float64Array;
}

/** Column-oriented scenario set. */
export interface ScenarioColumns {
  nScenarios: number;
  nUnderlyings: number;
  /** Relative price moves, [s·nUnderlyings + u]. */
  move: Float64Array;
  /** Absolute vol shifts, [s·nUnderlyings + u]. */
  volAbs: Float64Array;
  /** Relative vol shifts, [s·nUnderlyings + u]. */
  volRel: Float64Array;
  /** Elapsed time in years, [s]. */
  dt: Float64Array;
}

/** Allocates an empty table of `n` instruments (volScale filled with 1). */
export function allocateColumns(n: number): InstrumentColumns {
  const col = (): Float64Array => new Float64Array(n);
  const volScale = col();
  volScale.fill(1);
  return {
    n, kind: col(), underlying: col(), quantity: col(), size: col(), price: col(), strike: col(),
    expiry: col(), vol: col(), rate: col(), carry: col(), callPut: col(), volScale,
  };
}

/**
 * Generalized Black–Scholes value by the kernel's formula (own exp / log / N of ./math.ts, the
 * expiry clamped at 0): the WASM kernel's gbsPrice lane for lane. Agrees with gbsPrice
 * of ./black.ts to ~1e-15 relative.
 */
export function gbsPriceK(cp: number, S: number, K: number, T: number, r: number, b: number, sigma: number): number {
  const T1 = Math.max(0, T);
  const carry = expK((b - r) * T1);
  const kdf = K * expK(-r * T1);
  const sqrtT = Math.sqrt(T1);
  return optionValue(cp, S, logK(S / K), sigma, T1, sqrtT, b, carry, kdf);
}

/** One option value at one point (the lane formula of optionArgs / optionValue, assembly/reval.ts). */
function optionValue(cp: number, x: number, lx: number, sig: number, T: number, sqrtT: number, b: number, carry: number, kdf: number): number {
  const v = sig * sqrtT;
  const xc = x * carry;
  if (!(v >= MIN_TOTAL_VOL)) return Math.max(cp * (xc - kdf), 0);
  const w = 0.5 * sig * sig + b;
  const d1 = (w * T + lx) / v;
  const d2 = d1 - v;
  return cp * (xc * normalCdfK(cp * d1) - kdf * normalCdfK(cp * d2));
}

/**
 * Full revaluation of every instrument under every scenario (see module notes for formulas).
 * Writes `outTotal` (length nScenarios) and, when given, `outPositions` (length nScenarios·n).
 * Does not validate; a move ≤ −1 gives a meaningless (but finite for non-inverse) result.
 *
 * Method (the WASM kernel, assembly/reval.ts, performs the same operations in the same order):
 * ln(1 + move) once per (scenario, underlying), ln(X1/K) = ln(X0/K) + ln(1 + move); the expiry
 * terms e^{(b−r)T1}, K·e^{−rT1}, √T1 cached while consecutive scenarios share the decayed expiry;
 * V0 by the same formula at the unshocked point; inverse options' V0·X1/X0 as (V0/X0)·X1.
 */
export function revalueKernel(
  t: InstrumentColumns,
  s: ScenarioColumns,
  outTotal: Float64Array,
  outPositions: Float64Array | null,
): void {
  const n = t.n;
  const ns = s.nScenarios;
  const nu = s.nUnderlyings;
  outTotal.fill(0, 0, ns);
  // per (scenario, underlying): ln(1 + move)
  const lnG = new Float64Array(ns * nu);
  for (let j = 0; j < ns * nu; j++) lnG[j] = logK(1 + s.move[j]);
  for (let i = 0; i < n; i++) {
    const kind = t.kind[i];
    const u = t.underlying[i];
    const q = t.quantity[i] * t.size[i];
    const x0 = t.price[i];
    if (kind === KIND['option-linear'] || kind === KIND['option-inverse']) {
      const inverse = kind === KIND['option-inverse'];
      const cp = t.callPut[i];
      const K = t.strike[i];
      const T0 = t.expiry[i];
      const r = t.rate[i];
      const b = t.carry[i];
      const sig0 = t.vol[i];
      const vs = t.volScale[i];
      const lx0 = logK(x0 / K);
      const v0 = gbsPriceK(cp, x0, K, T0, r, b, sig0);
      const w0 = v0 / x0;
      const bmr = b - r;
      const mr = -r;
      let lastT = Number.NaN;
      let carry = 0;
      let kdf = 0;
      let sqrtT = 0;
      for (let k = 0; k < ns; k++) {
        const j = k * nu + u;
        const x1 = x0 * (1 + s.move[j]);
        const sig1 = Math.max(0, (s.volRel[j] * sig0 + s.volAbs[j]) * vs + sig0);
        const T1 = Math.max(0, T0 - s.dt[k]);
        if (T1 !== lastT) {
          lastT = T1;
          carry = expK(bmr * T1);
          kdf = K * expK(mr * T1);
          sqrtT = Math.sqrt(T1);
        }
        const v1 = optionValue(cp, x1, lx0 + lnG[j], sig1, T1, sqrtT, b, carry, kdf);
        const pnl = inverse ? q * (v1 - w0 * x1) : q * (v1 - v0);
        outTotal[k] += pnl;
        if (outPositions !== null) outPositions[k * n + i] = pnl;
      }
    } else {
      const inverse = kind === KIND['inverse-future'] || kind === KIND['inverse-perp'];
      for (let k = 0; k < ns; k++) {
        const j = k * nu + u;
        const x1 = x0 * (1 + s.move[j]);
        const pnl = inverse ? (q * (x1 - x0)) / x0 : q * (x1 - x0);
        outTotal[k] += pnl;
        if (outPositions !== null) outPositions[k * n + i] = pnl;
      }
    }
  }
}

/** Runs the kernel on prepared tables (no validation). */
export function revalueColumns(table: InstrumentColumns, scenarios: ScenarioColumns, perPosition = false): { total: Float64Array; byPosition: Float64Array | null } {
  const total = new Float64Array(scenarios.nScenarios);
  const byPosition = perPosition ? new Float64Array(scenarios.nScenarios * table.n) : null;
  revalueKernel(table, scenarios, total, byPosition);
  return { total, byPosition };
}
