import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blackScholes, type Position } from '../../../src/instruments/index.js';
import { normalCdf, normalQuantile } from '../../../src/stats/index.js';
import { aggregateReturns, ewmaVolatility, returns } from '../../../src/market/index.js';
import { filteredHistoricalScenarios } from '../../../src/risk/index.js';
import { DEFAULT_VAR_ES_CONFIG, varEsMargin } from '../../../src/margin/var-es/index.js';
import { gbmHistory, isoDay, lastPrices } from './fixtures.js';

/**
 * Exact ES of a long linear position of notional S under a driftless log return R ~ N(0, s²):
 * ES = S·(1 − e^{s²/2}·Φ(z − s)/(1 − a)), z = Φ⁻¹(1 − a) (≈ S·s·φ(z)/(1 − a), the normal closed form, for small s).
 */
function lognormalEs(S: number, s: number, a = 0.975): number {
  return S * (1 - (Math.exp((s * s) / 2) * normalCdf(normalQuantile(1 - a) - s)) / (1 - a));
}

const future = (underlying: string, quantity: number, extra: Partial<Position> = {}): Position =>
  ({ kind: 'linear-future', underlying, quantity, ...extra }) as Position;
const put = (quantity: number, strike: number): Position =>
  ({ kind: 'option', optionType: 'put', style: 'linear', underlying: 'BTC', quantity, strike, expiry: 30 / 365, vol: 0.6 });

// Constant-vol GBM, 2 % a day, 3000 daily returns.
const flat = gbmHistory({ symbols: ['BTC'], start: [50000], vol: [0.02], days: 3000, seed: 7 });
const flatMarket = lastPrices(flat);
const S = flatMarket.prices.BTC;

describe('filtered historical simulation on a constant-vol GBM', () => {
  const r = varEsMargin([future('BTC', 1)], flatMarket, flat);

  it('matches the closed-form ES σ·√MPOR·notional·φ(z)/(1 − a) at the model vol within 6 %', () => {
    expect(r.mporDays).toBe(2);
    expect(r.confidence).toBe(0.975);
    const closed = lognormalEs(S, r.vols[0].used * Math.SQRT2);
    expect(r.components.filteredEs / closed).toBeGreaterThan(0.94);
    expect(r.components.filteredEs / closed).toBeLessThan(1.06);
    // the normal (linear) closed form is within 2 % of the lognormal one at this size
    const normal = S * 0.02 * Math.SQRT2 * (Math.exp(-(normalQuantile(0.025) ** 2) / 2) / Math.sqrt(2 * Math.PI)) / 0.025;
    expect(lognormalEs(S, 0.02 * Math.SQRT2) / normal).toBeCloseTo(1, 1);
  });

  it('matches the closed form at the true vol within 20 % (EWMA estimation error of the current vol)', () => {
    const ratio = r.components.filteredEs / lognormalEs(S, 0.02 * Math.SQRT2);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
    expect(r.vols[0].current).toBeGreaterThan(0.016);
    expect(r.vols[0].current).toBeLessThan(0.024);
  });

  it('uses N − MPOR + 1 overlapping scenarios and k = ceil((1 − a)N)', () => {
    expect(r.scenarios).toBe(3000 - 2 + 1);
    expect(r.k).toBe(Math.ceil(0.025 * 2999));
  });

  it('blends core = 0.5·filtered + 0.5·stressed by default, maintenance = initial', () => {
    expect(r.components.core).toBeCloseTo(0.5 * r.components.filteredEs + 0.5 * r.components.stressedEs, 9);
    expect(r.initial).toBe(r.components.core);
    expect(r.maintenance).toBe(r.initial);
    expect(r.components.apc).toEqual({ kind: 'none', amount: 0, releasable: 0 });
  });

  it('reports the worst scenario with its dates and move', () => {
    const w = r.worstScenario;
    expect(w.loss).toBeCloseTo(-S * w.moves.BTC, 6);
    expect(w.loss).toBeGreaterThanOrEqual(r.components.filteredEs);
    expect(flat.dates.indexOf(w.date) - flat.dates.indexOf(w.startDate)).toBe(2);
  });

  it('returns the filtered P&L vector only on request', () => {
    expect(r.pnlVector).toBeUndefined();
    const v = varEsMargin([future('BTC', 1)], flatMarket, flat, { returnPnlVector: true }).pnlVector!;
    expect(v).toHaveLength(r.scenarios);
    const losses = Array.from(v, (x) => -x).sort((a, b) => b - a);
    expect(losses.slice(0, r.k).reduce((a, b) => a + b, 0) / r.k).toBeCloseTo(r.components.filteredEs, 6);
  });

  it('gives a similar ES with a GARCH(1,1) filter (within 20 % of the EWMA one)', () => {
    const short = gbmHistory({ symbols: ['BTC'], start: [50000], vol: [0.02], days: 800, seed: 8 });
    const m = lastPrices(short);
    const e = varEsMargin([future('BTC', 1)], m, short);
    const g = varEsMargin([future('BTC', 1)], m, short, { volModel: { kind: 'garch' } });
    expect(g.components.filteredEs / e.components.filteredEs).toBeGreaterThan(0.8);
    expect(g.components.filteredEs / e.components.filteredEs).toBeLessThan(1.2);
  });

  it('builds the same filtered moves as ewmaVolatility + filteredHistoricalScenarios + aggregateReturns', () => {
    const rets = returns(flat);
    const e = ewmaVolatility(rets.map((x) => x[0]), { lambda: 0.97, seedWindow: 30 });
    const fhs = filteredHistoricalScenarios(rets, e.vols.map((v) => [v]), [e.forecast]);
    const moves = aggregateReturns(fhs, 2).map((x) => Math.expm1(x[0]));
    const v = varEsMargin([{ kind: 'spot', underlying: 'BTC', quantity: 1 }], flatMarket, flat, { returnPnlVector: true }).pnlVector!;
    expect(v).toHaveLength(moves.length);
    for (const i of [0, 1, 500, moves.length - 1]) expect(v[i]).toBeCloseTo(S * moves[i], 6);
  });

  it('scales with the MPOR roughly like √h', () => {
    const r5 = varEsMargin([future('BTC', 1)], flatMarket, flat, { mporDays: 8 });
    expect(r5.components.filteredEs / r.components.filteredEs).toBeGreaterThan(1.7);
    expect(r5.components.filteredEs / r.components.filteredEs).toBeLessThan(2.3);
  });
});

describe('hedges and sizes', () => {
  it('needs ≈ 0 core margin for long spot + short future of the same underlying', () => {
    const r = varEsMargin(
      [{ kind: 'spot', underlying: 'BTC', quantity: 3 }, future('BTC', -3)],
      flatMarket, flat, { liquidity: { capacityUsd: { BTC: 1e6 } } },
    );
    expect(r.components.core).toBeLessThan(1e-9 * S);
    expect(r.components.liquidityAddOn).toBeLessThan(1e-6);
    expect(r.initial).toBeLessThan(1e-6);
  });

  it('is monotone in the size of an outright position (property)', () => {
    const hist = gbmHistory({ symbols: ['BTC'], start: [50000], vol: [0.03], days: 400, seed: 11 });
    const market = lastPrices(hist);
    const cfg = { liquidity: { capacityUsd: { BTC: 5e6 } }, stressed: { windowDays: 120 } };
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 200, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }), fc.boolean(), (q, c, short) => {
        const sign = short ? -1 : 1;
        const small = varEsMargin([future('BTC', sign * q)], market, hist, cfg).initial;
        const big = varEsMargin([future('BTC', sign * q * c)], market, hist, cfg).initial;
        return big >= small * (1 - 1e-12);
      }),
      { numRuns: 25, seed: 42 },
    );
  });
});

describe('per-position Euler allocation', () => {
  const hist = gbmHistory({ symbols: ['BTC', 'ETH'], start: [50000, 3000], vol: [0.03, 0.04], rho: 0.7, days: 800, seed: 3 });
  const market = lastPrices(hist);
  const book: Position[] = [
    { ...future('BTC', 2), id: 'btc-fut' } as Position,
    { kind: 'spot', underlying: 'ETH', quantity: -10 },
    { kind: 'inverse-perp', underlying: 'BTC', quantity: 500, contractValueUsd: 100 },
    { kind: 'option', optionType: 'call', style: 'inverse', underlying: 'ETH', quantity: -20, strike: 3300, expiry: 0.1, vol: 0.7 },
  ];
  const r = varEsMargin(book, market, hist);

  it('sums the component ES to the filtered and the stressed ES, and the core components to the core', () => {
    const sum = (f: (p: (typeof r.perPosition)[number]) => number) => r.perPosition.reduce((s, p) => s + f(p), 0);
    expect(sum((p) => p.filteredEs)).toBeCloseTo(r.components.filteredEs, 6);
    expect(sum((p) => p.stressedEs)).toBeCloseTo(r.components.stressedEs, 6);
    expect(sum((p) => p.core)).toBeCloseTo(r.components.core, 6);
    expect(r.perPosition[0]).toMatchObject({ index: 0, id: 'btc-fut', underlying: 'BTC', kind: 'linear-future' });
  });

  it('keeps correlations: a long/short pair of correlated underlyings needs less than the two legs alone', () => {
    const pair: Position[] = [future('BTC', 1), future('ETH', -50000 / 3000)];
    const both = varEsMargin(pair, market, hist).components.filteredEs;
    const legs = varEsMargin([pair[0]], market, hist).components.filteredEs + varEsMargin([pair[1]], market, hist).components.filteredEs;
    expect(both).toBeLessThan(0.75 * legs);
  });
});

describe('liquidity add-on', () => {
  const cfg = { liquidity: { capacityUsd: { BTC: 10 * S }, spreadBps: 20 } };
  const addOn = (q: number) => varEsMargin([future('BTC', q)], flatMarket, flat, cfg).components.liquidityAddOn;

  it('grows faster than linearly with size (spread + square-root impact)', () => {
    const a1 = addOn(1);
    const a2 = addOn(2);
    const a4 = addOn(4);
    expect(a1).toBeGreaterThan(0);
    expect(a2).toBeGreaterThan(2 * a1);
    expect(a4 - a2).toBeGreaterThan(2 * (a2 - a1));
  });

  it('charges |D|·(spread/2 + impact·√(|D|/capacity)) with impact = current daily vol by default', () => {
    const r = varEsMargin([future('BTC', -3)], flatMarket, flat, cfg);
    const line = r.liquidity[0];
    const D = 3 * S;
    expect(line.netDeltaUsd).toBeCloseTo(-D, 4);
    expect(line.impact).toBe(r.vols[0].used);
    expect(line.addOn).toBeCloseTo(D * (20 / 2 / 1e4 + r.vols[0].used * Math.sqrt(D / (10 * S))), 4);
    expect(r.initial).toBeCloseTo(r.components.core + line.addOn, 6);
  });
});

describe('anti-procyclicality', () => {
  it('buffer: initial is exactly 1.25 × core and the buffer is reported as releasable', () => {
    const r = varEsMargin([future('BTC', 1)], flatMarket, flat, { apc: { kind: 'buffer', buffer: 0.25 } });
    expect(r.initial).toBe(1.25 * r.components.core);
    expect(r.components.apc).toEqual({ kind: 'buffer', amount: 0.25 * r.components.core, releasable: 0.25 * r.components.core });
  });

  // Volatile for 1500 days, then calm (0.4 % a day) for the last 400.
  const calm = gbmHistory({ symbols: ['BTC'], start: [50000], vol: (t) => (t <= 1500 ? 0.03 : 0.004), days: 1900, seed: 5 });
  const calmMarket = lastPrices(calm);

  it('floor: binds when the current regime is calm, lifting the core to the unfiltered lookback ES', () => {
    const r = varEsMargin([future('BTC', 1)], calmMarket, calm, { apc: { kind: 'floor', lookbackYears: 10 } });
    const apc = r.components.apc;
    expect(apc.lookbackReturns).toBe(1900); // shorter history than 10 years → all of it
    expect(apc.floorEs!).toBeGreaterThan(r.components.core);
    expect(apc.amount).toBeCloseTo(apc.floorEs! - r.components.core, 9);
    expect(r.initial).toBeCloseTo(apc.floorEs!, 9);
    expect(r.components.filteredEs).toBeLessThan(0.3 * apc.floorEs!);
  });

  it('stressed weight: lifts the stressed weight to the APC minimum when the configured one is lower', () => {
    const cfg = { weights: { filtered: 0.9, stressed: 0.1 }, apc: { kind: 'stressed-weight' as const, weight: 0.25 } };
    const r = varEsMargin([future('BTC', 1)], calmMarket, calm, cfg);
    const { filteredEs, stressedEs } = r.components;
    expect(r.components.apc.stressedWeight).toBe(0.25);
    expect(r.initial).toBeCloseTo(0.75 * filteredEs + 0.25 * stressedEs, 9);
    expect(r.components.core).toBeCloseTo(0.9 * filteredEs + 0.1 * stressedEs, 9);
    const notBinding = varEsMargin([future('BTC', 1)], calmMarket, calm, { apc: { kind: 'stressed-weight' } });
    expect(notBinding.components.apc.amount).toBe(0);
  });

  it('vol floor: a median-vol floor raises the calm-regime filtered ES', () => {
    const plain = varEsMargin([future('BTC', 1)], calmMarket, calm);
    const floored = varEsMargin([future('BTC', 1)], calmMarket, calm, { volFloorQuantile: 0.5 });
    expect(floored.vols[0].floor!).toBeGreaterThan(floored.vols[0].current);
    expect(floored.vols[0].used).toBe(floored.vols[0].floor);
    expect(floored.components.filteredEs).toBeGreaterThan(3 * plain.components.filteredEs);
  });
});

describe('stressed window', () => {
  // 2000 quiet days (1 %) with a crash: −8 % a day on days 1200…1204.
  const crash = gbmHistory({
    symbols: ['BTC'], start: [50000], vol: [0.01], days: 2000, seed: 9,
    jump: (t) => (t >= 1200 && t <= 1204 ? -0.08 : 0),
  });
  const market = lastPrices(crash);

  it('is found automatically around an embedded crash, for a long position', () => {
    const r = varEsMargin([future('BTC', 1)], market, crash);
    const start = crash.dates.indexOf(r.stressedWindow.start);
    const end = crash.dates.indexOf(r.stressedWindow.end);
    expect(r.stressedWindow.source).toBe('auto');
    expect(end - start).toBe(DEFAULT_VAR_ES_CONFIG.stressWindowDays);
    expect(start).toBeLessThanOrEqual(1199);
    expect(end).toBeGreaterThanOrEqual(1204);
    expect(r.stressedScenarios).toBe(250 - 2 + 1);
    expect(r.components.stressedEs).toBeGreaterThan(2 * r.components.filteredEs);
  });

  it('uses an explicit date range when configured', () => {
    const r = varEsMargin([future('BTC', 1)], market, crash, { stressed: { start: isoDay(100), end: isoDay(300) } });
    expect(r.stressedWindow).toEqual({ start: isoDay(100), end: isoDay(300), source: 'range' });
    expect(r.stressedScenarios).toBe(200 - 2 + 1);
  });
});

describe('options', () => {
  it("charges a short put more than a long put (the long put's loss is capped at the premium)", () => {
    for (const moneyness of [1, 0.9]) {
      const short = varEsMargin([put(-1, moneyness * S)], flatMarket, flat);
      const long = varEsMargin([put(1, moneyness * S)], flatMarket, flat);
      expect(short.initial).toBeGreaterThan(long.initial);
      expect(long.worstScenario.loss).toBeGreaterThan(0);
    }
    // out of the money the asymmetry is large: the long put can lose little more than its premium
    const otm = put(1, 0.9 * S) as Extract<Position, { kind: 'option' }>;
    const premium = blackScholes('put', S, otm.strike, 30 / 365, 0, 0.6);
    const long = varEsMargin([otm], flatMarket, flat);
    const short = varEsMargin([put(-1, 0.9 * S)], flatMarket, flat);
    expect(long.worstScenario.loss).toBeLessThan(premium);
    expect(short.initial).toBeGreaterThan(1.4 * long.initial);
  });

  it('reprices options with a configured implied-vol shift (a long put gains from a vol rise)', () => {
    const base = varEsMargin([put(1, S)], flatMarket, flat);
    const up = varEsMargin([put(1, S)], flatMarket, flat, { impliedVolShift: { absolute: 0.1 } });
    expect(up.components.filteredEs).toBeLessThan(base.components.filteredEs);
  });
});
