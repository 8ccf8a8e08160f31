/**
 * More venue cases: an inverse tier re-solve (Binance COIN-M, brackets in coin) and cross-mode
 * liquidation under the fee-at-liquidation convention (Gate, OKX). Hand-computed; sources as in
 * presets.test.ts (read 2026-12-04).
 */
import { describe, expect, it } from 'vitest';
import { applyVenue } from '../../src/venues/index.js';
import { tieredMargin, type Account } from '../../src/margin/tiered/index.js';
import { fixture } from './support.js';

function run(venue: string, payload: string, account: Account, marks: Record<string, number>, tierOptions?: object) {
  const req = applyVenue({ portfolio: account, market: { marks, venue, tiers: fixture(payload), ...(tierOptions ? { tierOptions } : {}) }, options: {} });
  return tieredMargin(req.portfolio, req.market.marks, (req.market as unknown as { tables: never }).tables, req.options);
}

describe('inverse tier re-solve and cross with the fee at liquidation', () => {
  it('Binance COIN-M long, 100 × 100 USD at 2,100, 5x: tier 0 at the mark (4.76 BTC), tier 1 at the liquidation price (5.69 BTC) → LP = Q(1 + r₁)/(M + Q/E + cum₁)', () => {
    const account: Account = { mode: 'isolated', walletBalance: 0, collateralCurrency: 'BTC', positions: [{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: 100, entryPrice: 2100, leverage: 5 }] };
    const r = run('binance-coinm', 'binance-coinm-leverage-bracket.json', account, { BTCUSD_PERP: 2100 });
    const p = r.positions[0]!;
    const M = 10000 / 2100 / 5;
    expect(p.tier).toBe(0);
    expect(p.liquidationTier).toBe(1);
    expect(p.iterations).toBe(2);
    expect(p.liquidationPrice).toBeCloseTo((10000 * 1.005) / (M + 10000 / 2100 + 0.005), 8);
    expect(p.bankruptcyPrice).toBeCloseTo(10000 / (M + 10000 / 2100), 8);
  });
  it('Gate cross, wallet 5,000, 1 BTC long at 40,000, taker 0.05 %: LP = (E − W/Q)/(1 − (mmr + taker)) = 35000/0.9955', () => {
    const account: Account = { mode: 'cross', walletBalance: 5000, collateralCurrency: 'USDT', feeRate: 0.0005, positions: [{ symbol: 'BTC_USDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 10 }] };
    const r = run('gate', 'gate-risk-limit-tiers.json', account, { BTC_USDT: 40000 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(35000 / 0.9955, 8);
    expect(r.positions[0]!.bankruptcyPrice).toBeCloseTo(35000, 8);
  });
  it('OKX cross short, wallet 3,000, 200 contracts (2 BTC) at 40,000: LP = (E + W/Q)/(1 + mmr + taker) = 41500/1.0045', () => {
    const account: Account = { mode: 'cross', walletBalance: 3000, collateralCurrency: 'USDT', feeRate: 0.0005, positions: [{ symbol: 'BTC-USDT-SWAP', contract: 'linear', qty: -200, entryPrice: 40000, leverage: 10 }] };
    const r = run('okx', 'okx-position-tiers.json', account, { 'BTC-USDT-SWAP': 39000 }, { contractValue: 0.01 });
    expect(r.positions[0]!.liquidationPrice).toBeCloseTo(41500 / 1.0045, 8);
  });
});
