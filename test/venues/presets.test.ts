/**
 * Venue presets against hand-computed examples from each venue's documentation (sources and dates
 * in the test names and in README, "Venue presets"). Tier tables come from the hand-written venue
 * payloads in ./fixtures through the loaders, and the preset's conventions through `applyVenue`
 * (what engine.margin / engine.liquidation do with `{ venue, tiers }`).
 */
import { describe, expect, it } from 'vitest';
import { applyVenue } from '../../src/engine/index.js';
import { tieredMargin, type Account, type TieredOptions } from '../../src/margin/tiered/index.js';
import { gridMargin } from '../../src/margin/grid/index.js';
import { VENUE_PRESETS, deribitOptionMargin, venuePreset } from '../../src/venues/index.js';
import { fixture } from './support.js';


type P = Account['positions'][number];
const acct = (mode: 'isolated' | 'cross', collateralCurrency: string, positions: P[], walletBalance = 0, feeRate?: number): Account =>
  ({ mode, walletBalance, collateralCurrency, positions, ...(feeRate !== undefined ? { feeRate } : {}) });

/** The tiered margin of an account under a venue preset and the venue's own payload. */
function venueMargin(venue: string, payload: string, account: Account, marks: Record<string, number>, tierOptions?: object, options: TieredOptions = {}) {
  const req = applyVenue({ portfolio: account, market: { marks, venue, tiers: fixture(payload), ...(tierOptions ? { tierOptions } : {}) }, options });
  return tieredMargin(req.portfolio, req.market.marks, (req.market as unknown as { tables: never }).tables, req.options);
}

describe('Bybit (isolated: MM on the position value at entry; Bybit help centre "Liquidation Price Calculation under Isolated Mode (UTA)", read 2026-12-04)', () => {
  const pos = (side: 'long' | 'short'): P => ({ symbol: 'XYZUSDT', contract: 'linear', side, qty: 1, entryPrice: 10, leverage: 3 });
  it('linear long, entry 10, leverage 3, MMR 1 %: LP = E − (IM − MM)/Q = 10 − (3.3333 − 0.1) = 6.7667 (freqtrade bybit.py dry_run_liquidation_price)', () => {
    const r = venueMargin('bybit', 'bybit-risk-limit-linear.json', acct('isolated', 'USDT', [pos('long')]), { XYZUSDT: 10 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(10 - (10 / 3 - 0.1), 10);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(10 - 10 / 3, 10);
    expect(r.positions[0]!.maintenance).toBeCloseTo(0.1, 12);
  });
  it('the same long on the liquidation-price basis (Binance convention) gives 6.734 = (10 − 10/3)/(1 − 0.01)', () => {
    const r = venueMargin('bybit', 'bybit-risk-limit-linear.json', acct('isolated', 'USDT', [pos('long')]), { XYZUSDT: 10 }, undefined, { maintenanceBasis: 'liquidation' });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo((10 - 10 / 3) / 0.99, 10);
  });
  it('linear short: LP = E + (IM − MM)/Q = 13.2333, BP = 13.3333', () => {
    const r = venueMargin('bybit', 'bybit-risk-limit-linear.json', acct('isolated', 'USDT', [pos('short')]), { XYZUSDT: 10 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(10 + 10 / 3 - 0.1, 10);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(10 + 10 / 3, 10);
  });
  it('entry basis with a tier-2 position: MM = value at entry × 1.5 % − 1000 deduction (mmDeduction from the payload)', () => {
    // 30,000 XYZ at entry 10 = 300,000 USDT (tier 2), 20x: IM 15,000; MM 300,000·0.015 − 1000 = 3,500
    const r = venueMargin('bybit', 'bybit-risk-limit-linear.json', acct('isolated', 'USDT', [{ symbol: 'XYZUSDT', contract: 'linear', qty: 30000, entryPrice: 10, leverage: 20 }]), { XYZUSDT: 10.5 });
    expect(r.positions[0]!.maintenance).toBeCloseTo(3500, 8);
    expect(r.positions[0]!.tier).toBe(1);
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(10 - (15000 - 3500) / 30000, 10);
  });
  it('inverse long, Bybit doc example: 60,000 USD at 50,000, 10x, MMR 0.5 % → LP = Q/(Q/E + IM − MM) = 60000/1.314 = 45,662.10', () => {
    const r = venueMargin('bybit-inverse', 'bybit-risk-limit-inverse.json', acct('isolated', 'BTC', [{ symbol: 'BTCUSD', contract: 'inverse', qty: 60000, entryPrice: 50000, leverage: 10 }]), { BTCUSD: 50000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(60000 / (1.2 + 0.12 - 0.006), 6);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(60000 / 1.32, 6);
  });
  it('inverse short: LP = Q/(Q/E − (IM − MM)) = 60000/1.086 = 55,248.62', () => {
    const r = venueMargin('bybit-inverse', 'bybit-risk-limit-inverse.json', acct('isolated', 'BTC', [{ symbol: 'BTCUSD', contract: 'inverse', qty: -60000, entryPrice: 50000, leverage: 10 }]), { BTCUSD: 50000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(60000 / (1.2 - 0.114), 6);
  });
  it('inverse cross with the fee to close at bankruptcy (Bybit "How to calculate Liquidation Price (Inverse Contract)", read 2026-12-04): BP = 1.00075·10000/(10000/8000 + 0.5) = 5,718.57', () => {
    const r = venueMargin('bybit-inverse', 'bybit-risk-limit-inverse.json', acct('cross', 'BTC', [{ symbol: 'BTCUSD', contract: 'inverse', qty: 10000, entryPrice: 8000, leverage: 100 }], 0.5, 0.00075), { BTCUSD: 8000 });
    const bp = (1.00075 * 10000) / (10000 / 8000 + 0.5);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(bp, 6);
    expect(r.positions[0]!.bankruptcyPrice!).toBeCloseTo(5718.57, 2);
    // the page's equation: 10000·(1/8000 − 1/LP) = −(0.5 − 1.25·0.5 % − 10000·0.00075/BP); it prints 5,739.50,
    // the equation itself evaluates to 5,739.13 (the page rounds an intermediate)
    const lp = 1 / (1 / 8000 + (0.5 - 1.25 * 0.005 - (10000 * 0.00075) / bp) / 10000);
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(lp, 6);
    expect(Math.abs(r.positions[0]!.liquidationPrice! - 5739.5)).toBeLessThan(0.5);
  });
});

describe('Binance USDⓈ-M (MM at the liquidation-price notional; Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Contracts", read 2026-12-04)', () => {
  it('isolated long in tier 1 at the mark re-solves into tier 0: 1.5 BTC at 40,000, 5x → LP = 48000/(1.5·0.996) = 32,128.51', () => {
    const r = venueMargin('binance', 'binance-usdm-leverage-bracket.json', acct('isolated', 'USDT', [{ symbol: 'BTCUSDT', contract: 'linear', qty: 1.5, entryPrice: 40000, leverage: 5 }]), { BTCUSDT: 40000 });
    const p = r.positions[0]!;
    expect(p.tier).toBe(1);
    expect(p.liquidationTier).toBe(0);
    expect(p.iterations).toBe(2);
    expect(p.liquidationPrice).toBeCloseTo(48000 / (1.5 * 0.996), 8);
  });
  it('isolated short in tier 1 stays there: 2 BTC short at 40,000, 10x → LP = (Q·E + M + cum)/(Q·(1 + r)) = 88050/2.01 = 43,805.97', () => {
    const r = venueMargin('binance', 'binance-usdm-leverage-bracket.json', acct('isolated', 'USDT', [{ symbol: 'BTCUSDT', contract: 'linear', qty: -2, entryPrice: 40000, leverage: 10 }]), { BTCUSDT: 40000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(88050 / 2.01, 8);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(44000, 8);
  });
  it('cross: LP = (WB − TMM₁ + UPNL₁ + cum − s·Q·E)/(Q·MMR − s·Q) with the ETH short’s MM and uPnL (Binance cross formula)', () => {
    const account = acct('cross', 'USDT', [
      { symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 20 },
      { symbol: 'ETHUSDT', contract: 'linear', qty: -3, entryPrice: 3000, leverage: 20 },
    ], 10000);
    const r = venueMargin('binance', 'binance-usdm-leverage-bracket.json', account, { BTCUSDT: 41000, ETHUSDT: 2900 });
    // ETH: notional 8,700 (tier 0, 0.5 %): MM 43.5, uPnL 3·100 = 300
    const lp = (10000 - 43.5 + 300 + 0 - 40000) / (0.004 - 1);
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(lp, 8);
  });
  it('COIN-M inverse long: brackets in coin, 100 USD contracts; LP from Q·(1/E − 1/P) + M = Q/P·r', () => {
    // 100 contracts = 10,000 USD at 40,000 (0.25 BTC, tier 0), 20x: M = 0.0125 BTC → 1/P = (M + Q/E)/(Q·(1 + 0.004))
    const r = venueMargin('binance-coinm', 'binance-coinm-leverage-bracket.json', acct('isolated', 'BTC', [{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: 100, entryPrice: 40000, leverage: 20 }]), { BTCUSD_PERP: 40000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo((10000 * 1.004) / (0.0125 + 0.25), 6);
  });
});

describe('OKX and Gate (fee to close at the liquidation price: LP = (E ∓ M/Q)/(1 ∓ (mmr + taker)); freqtrade exchange.py, read 2026-12-04)', () => {
  it('OKX long, 100 contracts × ctVal 0.01 at 40,000, 10x, taker 0.05 %: LP = 36000/0.9955 = 36,162.73', () => {
    const r = venueMargin('okx', 'okx-position-tiers.json', acct('isolated', 'USDT', [{ symbol: 'BTC-USDT-SWAP', contract: 'linear', qty: 100, entryPrice: 40000, leverage: 10 }], 0, 0.0005), { 'BTC-USDT-SWAP': 40000 }, { contractValue: 0.01 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(36000 / (1 - 0.0045), 8);
  });
  it('OKX short: LP = 44000/1.0045 = 43,803.88; a size in tier 2 (600 contracts = 6 BTC) keeps tier 2 at any price', () => {
    const r = venueMargin('okx', 'okx-position-tiers.json', acct('isolated', 'USDT', [{ symbol: 'BTC-USDT-SWAP', contract: 'linear', qty: -100, entryPrice: 40000, leverage: 10 }], 0, 0.0005), { 'BTC-USDT-SWAP': 40000 }, { contractValue: 0.01 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(44000 / 1.0045, 8);
    const big = venueMargin('okx', 'okx-position-tiers.json', acct('isolated', 'USDT', [{ symbol: 'BTC-USDT-SWAP', contract: 'linear', qty: 600, entryPrice: 40000, leverage: 10 }], 0, 0.0005), { 'BTC-USDT-SWAP': 40000 }, { contractValue: 0.01 });
    expect(big.positions[0]!.liquidationTier).toBe(1);
    expect(big.positions[0]!.liquidationPrice).toBeCloseTo(36000 / (1 - 0.0065), 8);
  });
  it('Gate long, 1 BTC at 40,000, 10x, taker 0.05 %: LP = 36000/(1 − 0.0045)', () => {
    const r = venueMargin('gate', 'gate-risk-limit-tiers.json', acct('isolated', 'USDT', [{ symbol: 'BTC_USDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 10 }], 0, 0.0005), { BTC_USDT: 40000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(36000 / 0.9955, 8);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(36000, 8);
  });
});

describe('Deribit (futures: Deribit "Futures" spec, IM 2 % + 0.5 %/100 BTC, MM 1.5 % + 0.5 %/100 BTC; options and PM, read 2026-12-04)', () => {
  it('BTC-PERPETUAL long 1,000 × 10 USD at 50,000, 10x: LP where M + Q(1/E − 1/P) = MM(Q/P), tier 0 secant rate 1.505 %', () => {
    const r = venueMargin('deribit', 'deribit-instruments.json', acct('isolated', 'BTC', [{ symbol: 'BTC-PERPETUAL', contract: 'inverse', qty: 1000, entryPrice: 50000, leverage: 10 }]), { 'BTC-PERPETUAL': 50000 });
    const lp = (10000 * 1.01505) / (0.02 + 0.2);
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(lp, 6);
    // against the exact quadratic MM(N) = N(0.015 + 0.00005·N): b·Q²u² + (a + 1)·Q·u − (M + Q/E) = 0
    const a = 0.015, b = 0.00005, Q = 10000, c = 0.22;
    const u = (-(a + 1) * Q + Math.sqrt(((a + 1) * Q) ** 2 + 4 * b * Q * Q * c)) / (2 * b * Q * Q);
    expect(Math.abs(r.positions[0]!.liquidationPrice! * u - 1)).toBeLessThan(1e-4);
  });
  it('a 300 BTC position (step 10 brackets): MM within 0.1 % of the quadratic', () => {
    const r = venueMargin('deribit', 'deribit-instruments.json', acct('isolated', 'BTC', [{ symbol: 'BTC-PERPETUAL', contract: 'inverse', qty: 1_500_000, entryPrice: 50000, leverage: 20 }]), { 'BTC-PERPETUAL': 50000 });
    const N = 300;
    expect(Math.abs(r.positions[0]!.maintenance / (N * (0.015 + 0.00005 * N)) - 1)).toBeLessThan(1e-3);
  });
  it('standard option margin: short 2 calls K 60,000, S 50,000, mark 0.01 BTC → IM 2·(0.1 + 0.01), MM 2·(0.075 + 0.01)', () => {
    const m = deribitOptionMargin({ type: 'call', qty: -2, strike: 60000, underlyingPrice: 50000, markPrice: 0.01 });
    expect(m.initial).toBeCloseTo(0.22, 12);
    expect(m.maintenance).toBeCloseTo(0.17, 12);
    const put = deribitOptionMargin({ type: 'put', qty: -1, strike: 48000, underlyingPrice: 50000, markPrice: 0.02 });
    expect(put.initial).toBeCloseTo(Math.max(0.15 - 2000 / 50000, 0.1) + 0.02, 12);
    expect(put.maintenance).toBeCloseTo(0.075 + 0.02, 12);
    expect(deribitOptionMargin({ type: 'put', qty: 3, strike: 48000, underlyingPrice: 50000, markPrice: 0.02 })).toEqual({ initial: 0, maintenance: 0 });
  });
  it('portfolio margin (deribit-pm grid): 1 BTC perp long at 50,000 → IM = 16 % move = 8,000, MM = 0.8 IM', () => {
    const g = gridMargin([{ kind: 'linear-perp', underlying: 'BTC', quantity: 1 }], { prices: { BTC: 50000 } }, venuePreset('deribit-pm').grid);
    expect(g.initial).toBeCloseTo(8000, 6);
    expect(g.maintenance).toBeCloseTo(6400, 6);
    // a short: +500 % extended move at 2 % = 5,000 < the 8,000 core loss
    const s = gridMargin([{ kind: 'linear-perp', underlying: 'BTC', quantity: -1 }], { prices: { BTC: 50000 } }, venuePreset('deribit-pm').grid);
    expect(s.initial).toBeCloseTo(8000, 6);
  });
});

describe('presets are data', () => {
  it('every preset names its sources with a date, what it models and what it leaves out', () => {
    for (const p of Object.values(VENUE_PRESETS)) {
      expect(p.sources.length, p.name).toBeGreaterThan(0);
      for (const s of p.sources) expect(s.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.models.length, p.name).toBeGreaterThan(0);
      expect(p.leavesOut.length, p.name).toBeGreaterThan(0);
    }
  });
  it('an unknown venue is a ValidationError naming market.venue', () => {
    expect(() => applyVenue({ portfolio: {}, market: { marks: {}, venue: 'ftx' }, options: {} })).toThrow(/market\.venue: must be one of .*got "ftx"/);
  });
  it('a preset of another model cannot feed tiered margin', () => {
    expect(() => applyVenue({ portfolio: {}, market: { marks: {}, venue: 'deribit-pm', tiers: [] }, options: {} })).toThrow(/market\.venue: preset deribit-pm is a scenario-grid model/);
  });
});
