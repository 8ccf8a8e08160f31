/**
 * The venue simulator through the engine: one task equals the in-process run, the stream equals
 * one run, and sizing gives the same numbers for any thread count and any split into tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { sampleTierTables, type tiered } from '../../src/margin/index.js';
import { formatFeedCsv, prepareBook, scenarioPath, simulateBook, type MonteCarloSpec, type VenueEvent } from '../../src/solvency/index.js';
import { ValidationError } from '../../src/errors/index.js';

const tables = sampleTierTables();
let one: Engine;
let two: Engine;
beforeAll(async () => {
  [one, two] = await Promise.all([createEngine({ threads: 1 }), createEngine({ threads: 2 })]);
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

/** A small deterministic book: longs and shorts, isolated and cross, leverage 3..50. */
function book(n: number): tiered.Account[] {
  return Array.from({ length: n }, (_, i) => {
    const lev = 3 + ((i * 7) % 48);
    const side = i % 3 === 0 ? -1 : 1;
    const qty = 0.1 + ((i * 13) % 20) / 10;
    const entry = 40000 * (1 + (((i * 17) % 11) - 5) / 200);
    const positions: tiered.Position[] = [{ symbol: 'BTCUSDT', contract: 'linear', qty: side * qty, entryPrice: entry, leverage: lev }];
    if (i % 4 === 1) positions.push({ symbol: 'ETHUSDT', contract: 'linear', qty: -side * qty * 10, entryPrice: 2000, leverage: lev });
    const margin = positions.reduce((s, p) => s + (Math.abs(p.qty) * p.entryPrice) / p.leverage, 0);
    return { mode: i % 2 ? 'cross' : 'isolated', walletBalance: margin * 1.02, collateralCurrency: 'USDT', positions };
  });
}

const crash: MonteCarloSpec = {
  kind: 'monte-carlo', symbols: ['BTCUSDT', 'ETHUSDT'], start: [40000, 2000], ticks: 120, dtDays: 1 / 1440, vol: [0.8, 1.0], rho: 0.9, df: 4,
  jumps: { intensity: 20, mean: -0.03, sd: 0.02 }, drift: [-50, -50], seed: 11,
};
const config = { fund: { USDT: 2000 }, impact: { BTCUSDT: { model: 'sqrt' as const, depth: 200, coefficient: 0.3 }, ETHUSDT: { model: 'linear' as const, depth: 5000 } }, takerFee: 0.0005 };

describe('engine.simulateVenue / streamVenue', () => {
  it('one task gives the in-process result; a CSV feed of the same marks gives the same run', async () => {
    const accounts = book(60);
    const path = scenarioPath(crash, 3);
    const direct = simulateBook(prepareBook(accounts, tables), path, config);
    expect(direct.summary.liquidations).toBeGreaterThan(5);
    const viaPool = await two.simulateVenue(accounts, path, config);
    expect(viaPool.summary).toEqual(direct.summary);
    expect(viaPool.events).toEqual(direct.events);
    const viaCsv = await one.simulateVenue(accounts, { csv: formatFeedCsv(path) }, config);
    expect(viaCsv.summary).toEqual(direct.summary);
    const viaSpec = await one.simulateVenue(accounts, { scenario: crash, index: 3 }, config);
    expect(viaSpec.events).toEqual(direct.events);
  });

  it('the stream yields the run’s events in order, progress per chunk, and the same summary', async () => {
    const accounts = book(60);
    const whole = await one.simulateVenue(accounts, { scenario: crash, index: 5 }, config);
    const events: VenueEvent[] = [];
    const progress: number[] = [];
    let summary;
    for await (const item of two.streamVenue(accounts, { scenario: crash, index: 5 }, config, { chunkTicks: 17 })) {
      if (item.type === 'progress') progress.push(item.tick);
      else if (item.type === 'summary') summary = item.summary;
      else events.push(item);
    }
    expect(events).toEqual(whole.events);
    expect(summary).toEqual(whole.summary);
    expect(progress).toEqual([17, 34, 51, 68, 85, 102, 119, 121]);
  });

  it('rejects a bad config naming the field', async () => {
    await expect(one.simulateVenue(book(2), { scenario: crash }, { impact: { BTCUSDT: { model: 'cubic' as never, depth: 1 } } })).rejects.toThrow(/config\.impact\.BTCUSDT\.model/);
    await expect(one.simulateVenue(book(2), { csv: 'timestamp,symbol,mark\n1,BTCUSDT,-5\n' }, {})).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('engine.venueSizing', () => {
  it('gives identical distributions for 1 and 2 threads and any paths per task', async () => {
    const accounts = book(40);
    const spec = { ...crash, ticks: 60 };
    const a = await one.venueSizing(accounts, spec, config, { paths: 24, confidence: 0.9 });
    const b = await two.venueSizing(accounts, spec, config, { paths: 24, confidence: 0.9, pathsPerTask: 5 });
    const c = await two.venueSizing(accounts, spec, config, { paths: 24, confidence: 0.9, pathsPerTask: 1 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const usdt = a.currencies.find((x) => x.currency === 'USDT')!;
    expect(usdt.maxRequirement).toBeGreaterThan(0);
    // k = ceil(0.1 · 24) = 3: the third largest requirement
    expect(a.k).toBe(3);
    expect(usdt.fundAtConfidence).toBe(Float64Array.from(usdt.requirements).sort()[21]);
  });

  it('sizes a hand-computed book: one 50x long gapping 2.5 % below entry needs 200; Cover-2 sums the two largest shortfalls', async () => {
    const iso = (qty: number, lev: number): tiered.Account => ({ mode: 'isolated', walletBalance: (Math.abs(qty) * 40000) / lev, collateralCurrency: 'USDT', positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty, entryPrice: 40000, leverage: lev }] });
    // history: one row −ln(40000/39000); path 0 replays it
    const spec = { kind: 'historical' as const, symbols: ['BTCUSDT'], start: [40000], returns: [[Math.log(39000 / 40000)]], length: 1 };
    const r = await two.venueSizing([iso(1, 50), iso(2, 20), iso(0.5, 100)], spec, {}, { paths: 1, confidence: 0.5 });
    const usdt = r.currencies.find((x) => x.currency === 'USDT')!;
    // each is bankrupt at 39,000: shortfalls 1000 − 800 = 200, 2000 − 4000 < 0 → 0, 500 − 200 = 300
    expect(usdt.fundAtConfidence).toBeCloseTo(500, 9);
    expect(usdt.cover2AtConfidence).toBeCloseTo(500, 9);
    expect(usdt.adlProbability).toBe(0); // no opposite side: nothing to deleverage
  });
});

describe('sizing shortcut', () => {
  it('skipping the second run when the fund covers the requirement changes nothing', async () => {
    const { sizeChunk, prepareBook: prep } = await import('../../src/solvency/index.js');
    const b = prep(book(40), tables);
    for (const fund of [0, 300, 3000, 1e6]) {
      const cfg = { ...config, fund: { USDT: fund } };
      expect(sizeChunk(b, cfg, { ...crash, ticks: 50 }, 0, 12, true, true)).toEqual(sizeChunk(b, cfg, { ...crash, ticks: 50 }, 0, 12, true, false));
    }
  });
});
