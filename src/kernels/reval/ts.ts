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
import { MIN_TOTAL_VOL, gbsPrice } from './black.js';
import { normalCdf } from '../../stats/index.js';

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
 * Full revaluation of every instrument under every scenario (see module notes for formulas).
 * Writes `outTotal` (length nScenarios) and, when given, `outPositions` (length nScenarios·n).
 * Does not validate; a move ≤ −1 gives a meaningless (but finite for non-inverse) result.
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
  for (let i = 0; i < n; i++) {
    const kind = t.kind[i];
    const u = t.underlying[i];
    const q = t.quantity[i] * t.size[i];
    const x0 = t.price[i];
    const isOption = kind === KIND['option-linear'] || kind === KIND['option-inverse'];
    const inverseOption = kind === KIND['option-inverse'];
    const inverseFuture = kind === KIND['inverse-future'] || kind === KIND['inverse-perp'];
    const cp = t.callPut[i];
    const K = t.strike[i];
    const T0 = t.expiry[i];
    const r = t.rate[i];
    const b = t.carry[i];
    const sig0 = t.vol[i];
    const vs = t.volScale[i];
    const v0 = isOption ? gbsPrice(cp, x0, K, T0, r, b, sig0) : 0;
    // gbsPrice inlined with its expiry-only terms cached while consecutive scenarios share the
    // decayed expiry (same operations, same bits; the WASM kernel caches the same way)
    const bmr = b - r;
    const mr = -r;
    let lastT = Number.NaN;
    let carry = 0;
    let kdf = 0;
    let sqrtT = 0;
    for (let k = 0; k < ns; k++) {
      const j = k * nu + u;
      const x1 = x0 * (1 + s.move[j]);
      let pnl: number;
      if (isOption) {
        const sig1 = Math.max(0, sig0 + (s.volAbs[j] + s.volRel[j] * sig0) * vs);
        const T1 = Math.max(0, T0 - s.dt[k]);
        let v1: number;
        if (!(T1 > 0)) {
          v1 = Math.max(cp * (x1 - K), 0);
        } else {
          if (T1 !== lastT) {
            lastT = T1;
            carry = Math.exp(bmr * T1);
            kdf = K * Math.exp(mr * T1);
            sqrtT = Math.sqrt(T1);
          }
          const v = sig1 * sqrtT;
          if (!(v >= MIN_TOTAL_VOL)) {
            v1 = Math.max(cp * (x1 * carry - kdf), 0);
          } else {
            const d1 = (Math.log(x1 / K) + (b + 0.5 * sig1 * sig1) * T1) / v;
            const d2 = d1 - v;
            v1 = cp * (x1 * carry * normalCdf(cp * d1) - kdf * normalCdf(cp * d2));
          }
        }
        pnl = inverseOption ? q * (v1 - (v0 * x1) / x0) : q * (v1 - v0);
      } else if (inverseFuture) {
        pnl = (q * (x1 - x0)) / x0;
      } else {
        pnl = q * (x1 - x0);
      }
      outTotal[k] += pnl;
      if (outPositions !== null) outPositions[k * n + i] = pnl;
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
