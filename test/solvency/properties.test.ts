/**
 * Properties of the venue simulator over random books, paths and rules (fast-check):
 * conservation of the ledger, finite results, fund events adding up, and cascade monotonicity
 * under its stated condition (with a counterexample outside it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleTierTables, tiered } from '../../src/margin/index.js';
import { continueRun, finishRun, ledger, ledgerScale, prepareBook, simulateBook, startRun, type PricePath, type VenueConfig, type VenueEvent } from '../../src/solvency/index.js';
import { accountArb, configArb, pathArb } from './support.js';

const tables = sampleTierTables();
/** Conservation tolerance: relative to the gross ledger (Σ |terms|) of the currency. */
const REL_TOL = 1e-9;

describe('conservation', () => {
  it('Σ account equity + fund + outside market + fees is unchanged by every run (1e-9 of the gross ledger)', () => {
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 14 }), pathArb(40), configArb, (accounts, path, config) => {
        const book = prepareBook(accounts, tables);
        const st = startRun(book, path, config);
        const start = ledger(st);
        const events: VenueEvent[] = [];
        continueRun(st, path, 0, path.times.length, (e) => events.push(e));
        const end = ledger(st);
        const scale = ledgerScale(st);
        for (let c = 0; c < start.length; c++) {
          expect(Math.abs(end[c]! - start[c]!)).toBeLessThanOrEqual(REL_TOL * Math.max(1, scale[c]!));
        }
        const r = finishRun(st, path, events, 0);
        for (const x of r.finalEquity) expect(Number.isFinite(x)).toBe(true);
        // the fund moves only through fund events
        for (const cur of r.summary.currencies) {
          const flows = events.filter((e) => e.type === 'fund' && e.currency === cur.currency).reduce((s, e) => s + (e as { amount: number }).amount, 0);
          expect(cur.fundEnd - cur.fundStart).toBeCloseTo(flows, 6);
          expect(cur.fundMin).toBeLessThanOrEqual(Math.min(cur.fundStart, cur.fundEnd));
        }
        // ADL never happens outside the 'adl' waterfall, clawbacks only when socialised
        if ((config.waterfall ?? 'adl') !== 'adl') expect(r.summary.adlFills).toBe(0);
        if (config.waterfall !== 'socialised') expect(r.summary.socialisedClawbacks).toBe(0);
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  it('a run cut into chunks of ticks gives the same result as one run', () => {
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 10 }), pathArb(30), configArb, fc.integer({ min: 1, max: 7 }), (accounts, path, config, chunk) => {
        const book = prepareBook(accounts, tables);
        const whole = simulateBook(book, path, config);
        const st = structuredClone(startRun(book, path, config));
        const events: VenueEvent[] = [];
        let s = st;
        for (let t = 0; t < path.times.length; t += chunk) {
          continueRun(s, path, t, Math.min(path.times.length, t + chunk), (e) => events.push(e));
          s = structuredClone(s); // as between workers
        }
        const parts = finishRun(s, path, events, 0);
        expect(parts.summary).toEqual(whole.summary);
        expect(parts.events).toEqual(whole.events);
        expect(Array.from(parts.finalEquity)).toEqual(Array.from(whole.finalEquity));
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});

describe('cascade monotonicity', () => {
  // Condition (see README): every position on the same side, full liquidations only
  // (partialLiquidation false), no per-tick cap, linear impact with no decay. Then the mark under
  // a larger coefficient is never above (longs) the mark under a smaller one at any point, and
  // the set of liquidated accounts only grows.
  const longsOnly = fc.array(
    fc.record({ qty: fc.double({ min: 0.05, max: 3, noNaN: true }), lev: fc.integer({ min: 2, max: 60 }), entry: fc.double({ min: 0.95, max: 1.05, noNaN: true }), cross: fc.boolean(), eth: fc.double({ min: 0, max: 20, noNaN: true }) }),
    { minLength: 1, maxLength: 25 },
  ).map((xs) => xs.map(({ qty, lev, entry, cross, eth }): tiered.Account => {
    const positions = [
      { symbol: 'BTCUSDT', contract: 'linear' as const, qty, entryPrice: 40000 * entry, leverage: lev },
      ...(cross && eth > 0.1 ? [{ symbol: 'ETHUSDT', contract: 'linear' as const, qty: eth, entryPrice: 2000 * entry, leverage: lev }] : []),
    ];
    return { mode: cross ? 'cross' : 'isolated', walletBalance: positions.reduce((s, p) => s + (p.qty * p.entryPrice) / p.leverage, 0), collateralCurrency: 'USDT', positions };
  }));

  const liquidatedSet = (accounts: tiered.Account[], path: PricePath, c: number, waterfall: VenueConfig['waterfall']) => {
    const r = simulateBook(prepareBook(accounts, tables), path, {
      partialLiquidation: false, waterfall, fund: { USDT: 1000 },
      impact: { BTCUSDT: { model: 'linear', depth: 20, coefficient: c }, ETHUSDT: { model: 'linear', depth: 200, coefficient: c } },
    });
    return new Set(r.events.filter((e) => e.type === 'liquidation').map((e) => (e as { account: number }).account));
  };

  it('holds under the condition: more impact never liquidates fewer accounts (and liquidates a superset)', () => {
    let stricter = 0;
    fc.assert(
      fc.property(longsOnly, pathArb(30, 0.25), fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), fc.constantFrom('adl' as const, 'socialised' as const, 'none' as const), (accounts, path, a, b, w) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const small = liquidatedSet(accounts, path, lo, w);
        const large = liquidatedSet(accounts, path, hi, w);
        for (const x of small) expect(large.has(x)).toBe(true);
        if (large.size > small.size) stricter++;
      }),
      { numRuns: 200, seed: 5 },
    );
    // the property is not vacuous: in some runs the larger impact did liquidate more accounts
    expect(stricter).toBeGreaterThan(2);
  });

  it('does not hold for a two-sided book: impact from a long liquidation keeps a short alive on the rebound', () => {
    // A long 1 @ 40,000 50x (liquidation 39,357), B short 1 @ 40,000 50x (liquidation 40,637.45).
    const iso = (qty: number): tiered.Account => ({ mode: 'isolated', walletBalance: 800, collateralCurrency: 'USDT', positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty, entryPrice: 40000, leverage: 50 }] });
    const path: PricePath = { symbols: ['BTCUSDT'], times: Float64Array.from([0, 1, 2]), marks: Float64Array.from([40000, 39300, 40650]) };
    const count = (c: number) => simulateBook(prepareBook([iso(1), iso(-1)], tables), path, {
      fund: { USDT: 10000 }, impact: { BTCUSDT: { model: 'linear', depth: 100, coefficient: c } },
    }).summary.liquidations;
    expect(count(0)).toBe(2);
    expect(count(1)).toBe(1); // the permanent impact e^−0.01 keeps the rebound at 40,245 < 40,637
  });
});
