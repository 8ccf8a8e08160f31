/**
 * Venue presets in the simulator: `config.venue` (+ the venue's own tier payload) gives the same
 * liquidation trigger as the tiered model under the same preset (engine.liquidation), for each
 * maintenance basis the simulator honours: liquidation/mark notional (Binance, OKX size brackets)
 * and entry notional (Bybit isolated, linear and inverse). Conservation holds with the entry basis.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type VenueSimConfig } from '../../src/engine/index.js';
import { ValidationError } from '../../src/errors/index.js';
import { sampleTierTables, type tiered } from '../../src/margin/index.js';
import { continueRun, ledger, ledgerScale, prepareBook, startRun, type PricePath, type VenueEvent } from '../../src/solvency/index.js';
import { accountArb, configArb, pathArb } from './support.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../venues/fixtures/${name}`, import.meta.url), 'utf8'));

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

const path = (symbol: string, marks: number[]): PricePath => ({ symbols: [symbol], times: Float64Array.from(marks, (_, i) => i), marks: Float64Array.from(marks) });

/** Runs [start, just before P*, just past P*] and returns the liquidation events. */
async function crossAt(account: tiered.Account, symbol: string, start: number, liq: number, side: 1 | -1, config: VenueSimConfig) {
  const eps = 1e-8;
  const r = await engine.simulateVenue([account], path(symbol, [start, liq * (1 + side * eps), liq * (1 - side * eps)]), config);
  return r.events.filter((e): e is Extract<VenueEvent, { type: 'liquidation' }> => e.type === 'liquidation');
}

describe('config.venue: liquidation where the tiered model with the same preset puts it', () => {
  it('bybit-linear isolated (entry basis): 10 − (10/3 − 0.1) = 6.7667 by hand; the mark basis would not liquidate there', async () => {
    const tiers = fixture('bybit-risk-limit-linear.json');
    const account: tiered.Account = { mode: 'isolated', walletBalance: 10 / 3, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear', qty: 1, entryPrice: 10, leverage: 3 }] };
    const hand = 10 - (10 / 3 - 0.1);
    const [liq] = await engine.liquidation(account, { marks: { XYZUSDT: 10 }, venue: 'bybit', tiers });
    expect(liq!.liquidationPrice).toBeCloseTo(hand, 10);
    const ev = await crossAt(account, 'XYZUSDT', 10, hand, 1, { venue: 'bybit-linear', tiers });
    expect(ev).toHaveLength(1);
    expect(ev[0]!.tick).toBe(2);
    expect(ev[0]!.maintenance).toBeCloseTo(0.1, 12); // 10 × 1 % on the entry value, not on the mark value
    // the same payload margined on the mark (binance convention through plain tables): no liquidation at 6.7667
    const { tiered: t } = await import('../../src/margin/index.js');
    const { loadVenueTiers } = await import('../../src/venues/index.js');
    const tables = loadVenueTiers('bybit', tiers).map(t.tierTableInput);
    const markBasis = await crossAt(account, 'XYZUSDT', 10, hand, 1, { tables });
    expect(markBasis).toHaveLength(0);
  });

  it('bybit-linear cross (mark basis): maintenance re-taken at each tick’s mark, trigger (10 − 10/3)/(1 − 1 %) by hand', async () => {
    const tiers = fixture('bybit-risk-limit-linear.json');
    const account: tiered.Account = { mode: 'cross', walletBalance: 10 / 3, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear', qty: 1, entryPrice: 10, leverage: 3 }] };
    const hand = (10 - 10 / 3) / (1 - 0.01);
    const ev = await crossAt(account, 'XYZUSDT', 10, hand, 1, { venue: 'bybit', tiers });
    expect(ev.map((e) => [e.tick, e.kind])).toEqual([[2, 'full']]);
    expect(ev[0]!.maintenance).toBeCloseTo(0.01 * hand * (1 - 1e-8), 12);
  });

  it('bybit-inverse isolated short (entry basis): LP = Q / (Q/E − (IM − MM)) by hand, equal to engine.liquidation', async () => {
    const tiers = fixture('bybit-risk-limit-inverse.json');
    // 1,000,000 USD at 40,000: 25 BTC, IM = 25/50 = 0.5, MM = 25 × 0.5 % = 0.125 (tier 1, cap 150 BTC)
    const account: tiered.Account = { mode: 'isolated', walletBalance: 0.5, collateralCurrency: 'BTC', positions: [{ symbol: 'BTCUSD', contract: 'inverse', qty: -1_000_000, entryPrice: 40000, leverage: 50 }] };
    const hand = 1_000_000 / (25 - (0.5 - 0.125));
    const [liq] = await engine.liquidation(account, { marks: { BTCUSD: 40000 }, venue: 'bybit-inverse', tiers });
    expect(liq!.liquidationPrice).toBeCloseTo(hand, 6);
    const ev = await crossAt(account, 'BTCUSD', 40000, hand, -1, { venue: 'bybit-inverse', tiers });
    expect(ev.map((e) => e.tick)).toEqual([2]);
    expect(ev[0]!.maintenance).toBeCloseTo(0.125, 12);
  });

  it('binance-usdm (liquidation basis = the mark at the trigger), isolated and cross, tier above 0', async () => {
    const tiers = fixture('binance-usdm-leverage-bracket.json');
    for (const mode of ['isolated', 'cross'] as const) {
      // 2 BTC at 40,000: 80,000 notional (bracket 2: 0.5 %, cum 50); liquidated in bracket 2 (notional > 50,000)
      const account: tiered.Account = { mode, walletBalance: 8000, collateralCurrency: 'USDT', positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty: 2, entryPrice: 40000, leverage: 10 }] };
      const hand = (2 * 40000 - 8000 - 50) / (2 * (1 - 0.005));
      const [liq] = await engine.liquidation(account, { marks: { BTCUSDT: 40000 }, venue: 'binance-usdm', tiers });
      expect(liq!.liquidationPrice).toBeCloseTo(hand, 6);
      const ev = await crossAt(account, 'BTCUSDT', 40000, hand, 1, { venue: 'binance', tiers, partialLiquidation: false });
      expect(ev.map((e) => [e.tick, e.kind])).toEqual([[2, 'full']]);
    }
  });

  it('okx-swap (size brackets: the tier follows the size, not the price)', async () => {
    const tiers = fixture('okx-position-tiers.json');
    const tierOptions = { contractValue: 0.01 };
    const { loadVenueTiers } = await import('../../src/venues/index.js');
    const symbol = loadVenueTiers('okx', tiers, tierOptions)[0]!.symbol;
    // 600 contracts × 0.01 = 6 BTC: size tier 2 (5 < 6 ≤ 10 BTC, mmr 0.6 %) at any price
    const account: tiered.Account = { mode: 'isolated', walletBalance: (6 * 40000) / 50, collateralCurrency: 'USDT', positions: [{ symbol, contract: 'linear', qty: 600, entryPrice: 40000, leverage: 50 }] };
    const hand = (6 * 40000 - (6 * 40000) / 50) / (6 * (1 - 0.006));
    const [liq] = await engine.liquidation(account, { marks: { [symbol]: 40000 }, venue: 'okx-swap', tiers, tierOptions });
    expect(liq!.liquidationPrice).toBeCloseTo(hand, 6);
    const ev = await crossAt(account, symbol, 40000, hand, 1, { venue: 'okx-swap', tiers, tierOptions });
    expect(ev.map((e) => e.tick)).toEqual([2]);
    expect(ev[0]!.maintenance).toBeCloseTo(6 * hand * (1 - 1e-8) * 0.006, 6);
    // partial: cut to the previous size tier's cap (500 contracts = 5 BTC)
    expect(ev[0]!.kind).toBe('partial');
    expect(ev[0]!.fills[0]!.size).toBeCloseTo(1, 9);
  });
});

describe('config.venue per symbol', () => {
  it('each symbol takes its preset’s basis: Bybit entry basis on XYZUSDT liquidates at 6.7667, Binance (mark) does not', async () => {
    const { tiered: t } = await import('../../src/margin/index.js');
    const { loadVenueTiers } = await import('../../src/venues/index.js');
    const tables = [...loadVenueTiers('bybit', fixture('bybit-risk-limit-linear.json')).map(t.tierTableInput), t.tierTableInput(sampleTierTables().ETHUSDT!)];
    const account: tiered.Account = { mode: 'isolated', walletBalance: 10 / 3, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear', qty: 1, entryPrice: 10, leverage: 3 }] };
    const hand = 10 - (10 / 3 - 0.1);
    const bybit = await crossAt(account, 'XYZUSDT', 10, hand, 1, { tables, venue: { XYZUSDT: 'bybit-linear', ETHUSDT: 'binance-usdm' } });
    expect(bybit.map((e) => [e.tick, e.maintenance])).toEqual([[2, 0.1]]);
    const binance = await crossAt(account, 'XYZUSDT', 10, hand, 1, { tables, venue: { XYZUSDT: 'binance-usdm' } });
    expect(binance).toHaveLength(0);
    const field = async (config: VenueSimConfig) => engine.simulateVenue([account], path('XYZUSDT', [10, 9]), config).then(() => '', (e: ValidationError) => e.field);
    expect(await field({ tables, venue: { FOOUSDT: 'bybit' } })).toBe('config.venue.FOOUSDT');
    expect(await field({ tables, venue: { XYZUSDT: 'deribit-options' } })).toBe('config.venue.XYZUSDT');
    expect(await field({ venue: { XYZUSDT: 'bybit' }, tiers: fixture('bybit-risk-limit-linear.json') })).toBe('config.tiers');
  });
});

describe('config.venue validation', () => {
  const acc: tiered.Account = { mode: 'isolated', walletBalance: 10 / 3, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear', qty: 1, entryPrice: 10, leverage: 3 }] };
  const p = path('XYZUSDT', [10, 9]);
  const tiers = fixture('bybit-risk-limit-linear.json');
  const rejects = async (config: VenueSimConfig, field: RegExp, account = acc) => {
    const e = await engine.simulateVenue([account], p, config).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toMatch(field);
  };
  it('names the field: non-tiered preset, unknown name, payload without venue, bad payload, tables and tiers, fee to close', async () => {
    await rejects({ venue: 'deribit-options' }, /^config\.venue$/);
    await rejects({ venue: 'nope' }, /^config\.venue$/);
    await rejects({ tiers }, /^config\.tiers$/);
    await rejects({ venue: 'bybit', tiers: { retCode: 0 } }, /^config\.tiers\.result/);
    await rejects({ venue: 'bybit', tiers, tables: sampleTierTables() }, /^config\.tiers$/);
    await rejects({ venue: 'bybit', tiers }, /^accounts\[0\]\.feeRate$/, { ...acc, feeRate: 0.0005 });
    // a linear position under an inverse preset
    await rejects({ venue: 'bybit-inverse', tables: (await import('../../src/venues/index.js')).loadVenueTiers('bybit', tiers) }, /^accounts\[0\]\.positions\[0\]\.contract$/);
  });
});

describe('conservation with a preset basis', () => {
  it('entry-basis books (Bybit) conserve the ledger on random books and paths', () => {
    const tables = sampleTierTables();
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 12 }), pathArb(30), configArb, fc.constantFrom('entry' as const, 'mark' as const), (accounts, pth, config, cross) => {
        const book = prepareBook(accounts, tables, { basis: { isolated: 'entry', cross }, venue: 'bybit-linear' });
        const st = startRun(book, pth, config);
        const start = ledger(st);
        continueRun(st, pth, 0, pth.times.length, null);
        const end = ledger(st);
        const scale = ledgerScale(st);
        for (let c = 0; c < start.length; c++) expect(Math.abs(end[c]! - start[c]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, scale[c]!));
      }),
      { numRuns: 80, seed: 42 },
    );
  });
});
