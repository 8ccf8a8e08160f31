import { execSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInstrumentTable, revalueKernel, type Position } from '../../src/instruments/index.js';
import type { InstrumentColumns, ScenarioColumns } from '../../src/kernels/index.js';
import { revalueColumnsWasm, revalueScenarioRangeWasm } from '../../src/kernels/index.js';
import { WasmCore, relaxedSimdSupported } from '../../src/wasm/index.js';

const RELAXED = await relaxedSimdSupported();
const RELAXED_NOTE = RELAXED ? '' : ` (skipped: Node ${process.versions.node} does not validate build/core-relaxed.wasm, relaxed SIMD)`;
let relaxedCore: WasmCore | undefined;

/** Entries whose bits differ (a length mismatch counts as all). */
function bitDiffs(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}
import { mulberry32 } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WASM = `${ROOT}build/core.wasm`;

/** Builds build/core.wasm unless it exists, exports `revalue` and is newer than assembly/reval.ts. */
async function ensureWasm(): Promise<void> {
  let fresh = false;
  try {
    const mod = await WebAssembly.compile(readFileSync(WASM));
    const instance = await WebAssembly.instantiate(mod, { env: { abort: () => undefined } });
    fresh = 'revalue' in instance.exports
      && statSync(WASM).mtimeMs >= statSync(`${ROOT}assembly/reval.ts`).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) execSync('npm run build:wasm', { cwd: ROOT, stdio: 'pipe' });
}

const rng = mulberry32;

const market = { prices: { BTC: 60000, ETH: 3000, SOL: 150 } };
const SPOT = market.prices;
type U = keyof typeof SPOT;

/** Mixed book: delta-one of every kind, linear & inverse calls/puts over strikes and expiries (incl. expired, zero and tiny vol). */
function mixedBook(): Position[] {
  const book: Position[] = [
    { kind: 'spot', underlying: 'ETH', quantity: 12.5 },
    { kind: 'spot', underlying: 'SOL', quantity: -300, contractSize: 1 },
    { kind: 'linear-perp', underlying: 'BTC', quantity: 3, contractSize: 0.1 },
    { kind: 'linear-future', underlying: 'ETH', quantity: -7, markPrice: 3012.5 },
    { kind: 'inverse-perp', underlying: 'BTC', quantity: 2500, contractValueUsd: 10 },
    { kind: 'inverse-future', underlying: 'ETH', quantity: -800, contractValueUsd: 10, markPrice: 3020 },
  ];
  const r = rng(7);
  for (const u of ['BTC', 'ETH', 'SOL'] as U[]) {
    for (const m of [0.5, 0.8, 0.95, 1, 1.05, 1.25, 2]) {
      for (const expiry of [0, 1 / 365, 0.02, 0.25, 1.5]) {
        for (const style of ['linear', 'inverse'] as const) {
          const optionType = r() < 0.5 ? 'call' : 'put';
          const vol = expiry === 0.25 && m === 1 ? 0 : expiry === 0.02 && m === 0.95 ? 1e-14 : 0.2 + r();
          book.push({
            kind: 'option', underlying: u, optionType, style, strike: SPOT[u] * m, expiry, vol,
            quantity: Math.round((r() - 0.5) * 40) || 1, rate: r() < 0.5 ? 0 : 0.05,
            model: r() < 0.5 ? 'black-76' : 'black-scholes', dividendYield: r() < 0.3 ? 0.02 : 0,
          });
        }
      }
    }
  }
  return book;
}

/** Random scenarios: moves −60 %…+100 %, vol shifts, time decay; a few unshocked ones. */
function randomScenarios(ns: number, nu: number, seed: number): ScenarioColumns {
  const r = rng(seed);
  const s: ScenarioColumns = {
    nScenarios: ns, nUnderlyings: nu,
    move: new Float64Array(ns * nu), volAbs: new Float64Array(ns * nu), volRel: new Float64Array(ns * nu), dt: new Float64Array(ns),
  };
  const days = [0, 0, 1, 1, 1, 7, 30];
  for (let k = 0; k < ns; k++) {
    if (k % 97 === 0) continue; // unshocked scenario
    s.dt[k] = (r() < 0.8 ? days[Math.floor(r() * days.length)] : 60 * r()) / 365;
    for (let u = 0; u < nu; u++) {
      const j = k * nu + u;
      s.move[j] = -0.6 + 1.6 * r();
      s.volAbs[j] = r() < 0.3 ? 0 : -0.3 + 0.6 * r();
      s.volRel[j] = r() < 0.5 ? 0 : -0.5 + r();
    }
  }
  return s;
}

function sliceScenarios(s: ScenarioColumns, from: number, to: number): ScenarioColumns {
  const nu = s.nUnderlyings;
  return {
    nScenarios: to - from, nUnderlyings: nu, move: s.move.slice(from * nu, to * nu),
    volAbs: s.volAbs.slice(from * nu, to * nu), volRel: s.volRel.slice(from * nu, to * nu), dt: s.dt.slice(from, to),
  };
}

function tsRun(t: InstrumentColumns, s: ScenarioColumns, perPosition: boolean) {
  const total = new Float64Array(s.nScenarios);
  const byPosition = perPosition ? new Float64Array(s.nScenarios * t.n) : null;
  revalueKernel(t, s, total, byPosition);
  return { total, byPosition };
}

/** Largest relative difference, counting |a − b| <= abs as agreement (values near 0). */
function maxRelDiff(a: Float64Array, b: Float64Array, abs = 1e-9): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= abs)) worst = Math.max(worst, d / Math.max(Math.abs(a[i]), Math.abs(b[i])));
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return Infinity;
  }
  return worst;
}

/**
 * Largest difference of scenario totals relative to the gross Σ_i |pnl_i| of the scenario: the
 * scale of a sum's rounding error (a total can cancel to near 0 while its terms carry ulp errors);
 * |a − b| <= abs counts as agreement (unshocked scenarios: gross itself is ulp residue).
 */
function maxTotalDiff(a: Float64Array, b: Float64Array, byPosition: Float64Array, n: number, abs = 1e-9): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    let gross = 0;
    for (let i = 0; i < n; i++) gross += Math.abs(byPosition[k * n + i]);
    const d = Math.abs(a[k] - b[k]);
    if (Number.isNaN(d)) return Infinity;
    if (d > abs) worst = Math.max(worst, d / Math.max(gross, Math.abs(a[k]), Math.abs(b[k])));
  }
  return worst;
}

let core: WasmCore;
const book = mixedBook();
const table = buildInstrumentTable(book, market).columns;
const nu = 3;
const scen = randomScenarios(3001, nu, 42);

beforeAll(async () => {
  await ensureWasm();
  core = await WasmCore.create('strict');
  if (RELAXED) relaxedCore = await WasmCore.create('relaxed');
}, 120_000);

describe('builds and the TS twin (determinism contract)', () => {
  it('the strict build equals the TS twin bit for bit (totals and per position) on the mixed book × 3001 scenarios', () => {
    expect(core.build).toBe('strict');
    expect(core.x.fusedMultiplyAdd()).toBe(0);
    const w = revalueColumnsWasm(core, table, scen, true);
    const t = tsRun(table, scen, true);
    expect(bitDiffs(w.total, t.total)).toBe(0);
    expect(bitDiffs(w.byPosition as Float64Array, t.byPosition as Float64Array)).toBe(0);
  });

  it.skipIf(!RELAXED)(`the relaxed (FMA) build agrees with the strict one within 1e-12 of the gross (totals) and 1e-10 relative (positions)${RELAXED_NOTE}`, () => {
    const rc = relaxedCore as WasmCore;
    expect(rc.build).toBe('relaxed');
    expect(rc.x.fusedMultiplyAdd()).toBe(1);
    const r = revalueColumnsWasm(rc, table, scen, true);
    const s = revalueColumnsWasm(core, table, scen, true);
    expect(maxTotalDiff(r.total, s.total, s.byPosition as Float64Array, table.n)).toBeLessThanOrEqual(1e-12);
    expect(maxRelDiff(r.byPosition as Float64Array, s.byPosition as Float64Array)).toBeLessThanOrEqual(1e-10);
    // fusing changes roundings: the builds are not bitwise equal (else the relaxed build would not fuse)
    expect(bitDiffs(r.byPosition as Float64Array, s.byPosition as Float64Array)).toBeGreaterThan(0);
  });
});

describe('revalueColumnsWasm', () => {
  it('agrees with the TS kernel within 1e-12 relative (totals: of the gross) on a mixed book × 3001 random scenarios', () => {
    expect(table.n).toBeGreaterThan(200);
    const w = revalueColumnsWasm(core, table, scen, true);
    const t = tsRun(table, scen, true);
    expect(maxTotalDiff(w.total, t.total, t.byPosition as Float64Array, table.n)).toBeLessThanOrEqual(1e-12);
    expect(maxRelDiff(w.byPosition as Float64Array, t.byPosition as Float64Array)).toBeLessThanOrEqual(1e-12);
  });

  it('is bit-identical to the TS kernel on delta-one instruments and expired options (no exp/log involved)', () => {
    const rows = [...book.keys()].filter((i) => table.kind[i] < 5 || table.expiry[i] === 0);
    const sub = buildInstrumentTable(rows.map((i) => book[i]), market).columns;
    for (const ns of [3001, 1]) { // odd counts exercise the scalar tail of the f64x2 loop
      const s = sliceScenarios(scen, 0, ns);
      const w = revalueColumnsWasm(core, sub, s, true);
      const t = tsRun(sub, s, true);
      expect(w.total).toEqual(t.total);
      expect(w.byPosition).toEqual(t.byPosition);
    }
  });

  it('gives exactly zero P&L in an unshocked scenario except inverse options (V0·X1/X0 rounds)', () => {
    const w = revalueColumnsWasm(core, table, sliceScenarios(scen, 0, 1), true);
    const pnl = w.byPosition as Float64Array;
    for (let i = 0; i < table.n; i++) {
      if (table.kind[i] !== 6) expect(Math.abs(pnl[i])).toBe(0);
      else expect(Math.abs(pnl[i])).toBeLessThan(1e-9);
    }
  });

  it('returns the same totals with and without the per-position matrix', () => {
    const a = revalueColumnsWasm(core, table, scen, false);
    const b = revalueColumnsWasm(core, table, scen, true);
    expect(a.byPosition).toBeNull();
    expect(a.total).toEqual(b.total);
  });

  it('returns empty results for no scenarios and zeros for an empty book', () => {
    const none = revalueColumnsWasm(core, table, sliceScenarios(scen, 0, 0), true);
    expect(none.total.length).toBe(0);
    expect(none.byPosition?.length).toBe(0);
    const empty = buildInstrumentTable([], market).columns;
    const z = revalueColumnsWasm(core, empty, sliceScenarios(scen, 0, 5), true);
    expect(Array.from(z.total)).toEqual([0, 0, 0, 0, 0]);
  });

  it('revalues 1,000 options × 2,000 scenarios, matching the TS kernel on a sample', () => {
    const r = rng(99);
    const opts: Position[] = Array.from({ length: 1000 }, (_, i) => {
      const u = (['BTC', 'ETH', 'SOL'] as U[])[i % 3];
      return {
        kind: 'option', underlying: u, optionType: r() < 0.5 ? 'call' : 'put', style: r() < 0.5 ? 'linear' : 'inverse',
        strike: SPOT[u] * (0.5 + r()), expiry: 0.01 + r(), vol: 0.3 + r() * 0.7, quantity: Math.round((r() - 0.5) * 20) || 1,
      };
    });
    const t = buildInstrumentTable(opts, market).columns;
    const s = randomScenarios(2_000, nu, 5);
    const w = revalueColumnsWasm(core, t, s, false);
    expect(w.total.length).toBe(2_000);
    expect(w.total.every(Number.isFinite)).toBe(true);
    const sample = tsRun(t, sliceScenarios(s, 1000, 1100), true);
    expect(maxTotalDiff(w.total.subarray(1000, 1100), sample.total, sample.byPosition as Float64Array, t.n)).toBeLessThanOrEqual(1e-12);
  });
});

describe('revalueScenarioRangeWasm', () => {
  it('concatenated ranges equal the full run bit for bit', () => {
    const s = sliceScenarios(scen, 0, 601);
    const full = revalueColumnsWasm(core, table, s, true);
    const cuts = [0, 1, 256, 257, 601];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const part = revalueScenarioRangeWasm(core, table, s, cuts[c], cuts[c + 1], true);
      expect(part.total).toEqual(full.total.slice(cuts[c], cuts[c + 1]));
      expect(part.byPosition).toEqual((full.byPosition as Float64Array).slice(cuts[c] * table.n, cuts[c + 1] * table.n));
    }
  });

  it('rejects a range outside [0, nScenarios]', () => {
    expect(() => revalueScenarioRangeWasm(core, table, scen, 10, 5)).toThrow('scenario range must satisfy 0 <= from <= to <= 3001; got [10, 5)');
    expect(() => revalueScenarioRangeWasm(core, table, scen, 0, 3002)).toThrow(RangeError);
  });
});

describe('input shape checks', () => {
  it('rejects an underlying index outside the scenario set', () => {
    const s = sliceScenarios(scen, 0, 10);
    expect(() => revalueColumnsWasm(core, table, { ...s, nUnderlyings: 2, move: s.move, volAbs: s.volAbs, volRel: s.volRel }))
      .toThrow(/^table\.underlying\[\d+\] must be an integer in \[0, 2\); got 2$/);
  });

  it('rejects a scenario column shorter than nScenarios·nUnderlyings', () => {
    const s = sliceScenarios(scen, 0, 10);
    expect(() => revalueColumnsWasm(core, table, { ...s, volRel: new Float64Array(29) }))
      .toThrow('scenarios.volRel must have length >= 30; got 29');
  });
});
