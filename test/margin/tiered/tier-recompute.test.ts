import { describe, expect, it } from 'vitest';
import { liquidationPrices, tierIndex, type Account } from '../../../src/margin/tiered/index.js';
import { btcUsdInverse, btcUsdt, economics, relDiff } from './helpers.js';

const one = (p: Account['positions'][number], currency = 'USDT'): Account => ({ mode: 'isolated', walletBalance: 0, collateralCurrency: currency, positions: [p] });

describe('tier recomputation at the liquidation price', () => {
  it('long linear: naive price in the mark tier lands in a lower tier; the consistent one is returned', () => {
    // 5 BTC at 60000, 2x: notional 300000 → tier 2 (1 %, amount 1300), M = 150000.
    const naive = (300000 - 150000 - 1300) / (5 * 0.99); // 30040.40 → notional 150202: tier 1, not 2
    expect(tierIndex(btcUsdt, 5 * naive)).toBe(1);
    const consistent = (300000 - 150000 - 50) / (5 * 0.995); // 30140.70 → notional 150703: tier 1
    const [r] = liquidationPrices(one({ symbol: 'BTCUSDT', contract: 'linear', qty: 5, entryPrice: 60000, leverage: 2 }), { BTCUSDT: 60000 }, [btcUsdt]);
    expect(r!.liquidationPrice).toBeCloseTo(consistent, 8);
    expect(r!.liquidationPrice).not.toBeCloseTo(naive, 0);
    expect(r!.liquidationTier).toBe(1);
    expect(r!.iterations).toBe(2);
    const e = economics(btcUsdt, 5, 60000, r!.liquidationPrice!);
    expect(relDiff(150000 + e.pnl, e.mm)).toBeLessThan(1e-9);
  });

  it('short linear: notional grows into the next tier before liquidation', () => {
    // −4.9 BTC at 50000, 10x: notional 245000 → tier 1 (0.5 %), M = 24500.
    const naive = (24500 + 245000 + 50) / (4.9 * 1.005); // 54736.5 → notional 268209: tier 2
    expect(tierIndex(btcUsdt, 4.9 * naive)).toBe(2);
    const consistent = (24500 + 245000 + 1300) / (4.9 * 1.01);
    const [r] = liquidationPrices(one({ symbol: 'BTCUSDT', contract: 'linear', qty: -4.9, entryPrice: 50000, leverage: 10 }), { BTCUSDT: 50000 }, [btcUsdt]);
    expect(r!.liquidationPrice).toBeCloseTo(consistent, 8);
    expect(r!.liquidationTier).toBe(2);
    const e = economics(btcUsdt, -4.9, 50000, r!.liquidationPrice!);
    expect(relDiff(24500 + e.pnl, e.mm)).toBeLessThan(1e-9);
  });

  it('long inverse: the coin notional grows as the price falls, into the next tier', () => {
    // 1900 contracts × 100 USD at 40000: 4.75 BTC → tier 0 (cap 5), 10x: M = 0.475 BTC.
    const Q = 190000;
    const naive = (Q * 1.004) / (0.475 + Q / 40000); // 36509 → 5.204 BTC: tier 1
    expect(tierIndex(btcUsdInverse, Q / naive)).toBe(1);
    const consistent = (Q * 1.005) / (0.475 + Q / 40000 + 0.005);
    const [r] = liquidationPrices(one({ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: 1900, entryPrice: 40000, leverage: 10 }, 'BTC'), { BTCUSD_PERP: 40000 }, [btcUsdInverse]);
    expect(r!.liquidationPrice).toBeCloseTo(consistent, 8);
    expect(r!.liquidationTier).toBe(1);
    const e = economics(btcUsdInverse, 1900, 40000, r!.liquidationPrice!);
    expect(relDiff(0.475 + e.pnl, e.mm)).toBeLessThan(1e-9);
  });
});
