import { describe, expect, it } from 'vitest';
import { liquidationPrices, tieredMargin, type Account } from '../../../src/margin/tiered/index.js';
import { btcUsdInverse, btcUsdt, economics, relDiff } from './helpers.js';

type P = Account['positions'][number];
const isolated = (positions: P[], collateralCurrency = 'USDT', feeRate?: number): Account => ({
  mode: 'isolated',
  walletBalance: 10_000,
  collateralCurrency,
  positions,
  ...(feeRate !== undefined ? { feeRate } : {}),
});

/** Isolated equity at P minus (MM(P) + fee reserve), relative to MM(P). */
function plugBack(table: typeof btcUsdt, qty: number, entry: number, margin: number, price: number, reserve = 0): number {
  const e = economics(table, qty, entry, price);
  return relDiff(margin + e.pnl, e.mm + reserve);
}

describe('isolated liquidation price — closed forms', () => {
  it('linear long: P_L = (Q·E − M − amount) / (Q·(1 − rate)), P_B = E − M/Q', () => {
    // 1 BTC at 40000, 50x: M = 800, notional 40000 → tier 0 (rate 0.4 %, amount 0).
    const [r] = liquidationPrices(isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50 }]), { BTCUSDT: 40000 }, [btcUsdt]);
    const expected = (40000 - 800 - 0) / (1 * (1 - 0.004)); // 39357.42971887550…
    expect(r!.liquidationPrice).toBeCloseTo(expected, 8);
    expect(r!.bankruptcyPrice).toBeCloseTo(39200, 8);
    expect(plugBack(btcUsdt, 1, 40000, 800, r!.liquidationPrice!)).toBeLessThan(1e-9);
  });

  it('linear short: P_L = (M + Q·E + amount) / (Q·(1 + rate)), P_B = E + M/Q', () => {
    // −2 BTC at 30000, 20x: M = 3000, notional 60000 → tier 1 (0.5 %, amount 50).
    const [r] = liquidationPrices(isolated([{ symbol: 'BTCUSDT', contract: 'linear', side: 'short', qty: 2, entryPrice: 30000, leverage: 20 }]), { BTCUSDT: 30000 }, [btcUsdt]);
    const expected = (3000 + 60000 + 50) / (2 * 1.005); // 31368.159…
    expect(r!.liquidationPrice).toBeCloseTo(expected, 8);
    expect(r!.bankruptcyPrice).toBeCloseTo(31500, 8);
    expect(r!.liquidationTier).toBe(1);
    expect(plugBack(btcUsdt, -2, 30000, 3000, r!.liquidationPrice!)).toBeLessThan(1e-9);
  });

  it('inverse long: 1/P_L = (M + Q/E + amount) / (Q·(1 + rate)), P_B = E·lev/(lev + 1)', () => {
    // 100 contracts × 100 USD = Q 10000 USD at 40000, 25x: 0.25 BTC notional → tier 0; M = 0.01 BTC.
    const [r] = liquidationPrices(isolated([{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: 100, entryPrice: 40000, leverage: 25 }], 'BTC'), { BTCUSD_PERP: 40000 }, [btcUsdInverse]);
    const expected = (10000 * 1.004) / (0.01 + 0.25); // 38615.384…
    expect(r!.liquidationPrice).toBeCloseTo(expected, 8);
    expect(r!.bankruptcyPrice).toBeCloseTo((40000 * 25) / 26, 8);
    expect(plugBack(btcUsdInverse, 100, 40000, 0.01, r!.liquidationPrice!)).toBeLessThan(1e-9);
  });

  it('inverse short: 1/P_L = (Q/E − M − amount) / (Q·(1 − rate)), P_B = E·lev/(lev − 1)', () => {
    const [r] = liquidationPrices(isolated([{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: -100, entryPrice: 40000, leverage: 25 }], 'BTC'), { BTCUSD_PERP: 40000 }, [btcUsdInverse]);
    const expected = (10000 * 0.996) / (0.25 - 0.01); // 41500
    expect(r!.liquidationPrice).toBeCloseTo(expected, 8);
    expect(r!.bankruptcyPrice).toBeCloseTo((40000 * 25) / 24, 8);
    expect(plugBack(btcUsdInverse, -100, 40000, 0.01, r!.liquidationPrice!)).toBeLessThan(1e-9);
  });

  it('uses the given isolatedMargin instead of entry notional / leverage', () => {
    const [r] = liquidationPrices(
      isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50, isolatedMargin: 2000 }]),
      { BTCUSDT: 41000 },
      [btcUsdt],
    );
    expect(r!.liquidationPrice).toBeCloseTo((40000 - 2000) / 0.996, 8);
  });

  it('gives no liquidation price for a fully collateralised long linear or short inverse', () => {
    const [a] = liquidationPrices(isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 1, isolatedMargin: 40000 }]), { BTCUSDT: 40000 }, [btcUsdt]);
    expect(a!.liquidationPrice).toBeNull();
    expect(a!.distance).toBeNull();
    const [b] = liquidationPrices(isolated([{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: -100, entryPrice: 40000, leverage: 1 }], 'BTC'), { BTCUSD_PERP: 40000 }, [btcUsdInverse]);
    expect(b!.liquidationPrice).toBeNull();
  });
});

describe('fee reserve and bankruptcy price', () => {
  it('reserves qty × P_B × fee: P_B = (Q·E − M)/(Q·(1 − f)), liquidation when equity = MM + reserve', () => {
    const f = 0.0005;
    const res = tieredMargin(isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50 }], 'USDT', f), { BTCUSDT: 40000 }, [btcUsdt]);
    const p = res.positions[0]!;
    const pB = (40000 - 800) / (1 - f);
    expect(p.bankruptcyPrice).toBeCloseTo(pB, 8);
    expect(p.feeReserve).toBeCloseTo(1 * pB * f, 10);
    expect(p.liquidationPrice).toBeCloseTo((40000 - 800 + pB * f) / 0.996, 8);
    // Equity at P_B is exactly the fee to close there; at P_L it is MM + reserve.
    expect(relDiff(800 + (pB - 40000), pB * f)).toBeLessThan(1e-9);
    expect(plugBack(btcUsdt, 1, 40000, 800, p.liquidationPrice!, p.feeReserve)).toBeLessThan(1e-9);
    expect(p.maintenance).toBeCloseTo(40000 * 0.004 + p.feeReserve, 10);
  });

  it('puts the bankruptcy price beyond the liquidation price on both sides, both contract types', () => {
    for (const feeRate of [0, 0.0006]) {
      for (const qty of [3, -3]) {
        const lin = liquidationPrices(isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty, entryPrice: 40000, leverage: 20 }], 'USDT', feeRate), { BTCUSDT: 40000 }, [btcUsdt])[0]!;
        const inv = liquidationPrices(isolated([{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: qty * 100, entryPrice: 40000, leverage: 20 }], 'BTC', feeRate), { BTCUSD_PERP: 40000 }, [btcUsdInverse])[0]!;
        for (const r of [lin, inv]) {
          if (qty > 0) expect(r.bankruptcyPrice!).toBeLessThan(r.liquidationPrice!);
          else expect(r.bankruptcyPrice!).toBeGreaterThan(r.liquidationPrice!);
          if (qty > 0) expect(r.liquidationPrice!).toBeLessThan(40000);
          else expect(r.liquidationPrice!).toBeGreaterThan(40000);
        }
      }
    }
  });
});

describe('distance to liquidation', () => {
  it('reports price, percent and daily-sigma distances', () => {
    const [r] = liquidationPrices(
      isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50 }]),
      { BTCUSDT: 40000 },
      [btcUsdt],
      { dailyVol: 0.03, horizonDays: 4 },
    );
    const pL = (40000 - 800) / 0.996;
    expect(r!.distance!.price).toBeCloseTo(40000 - pL, 8);
    expect(r!.distance!.percent).toBeCloseTo((100 * (40000 - pL)) / 40000, 10);
    expect(r!.distance!.sigmas).toBeCloseTo(Math.abs(Math.log(pL / 40000)) / 0.03, 10);
    expect(r!.distance!.horizonSigmas).toBeCloseTo(Math.abs(Math.log(pL / 40000)) / (0.03 * 2), 10);
    expect(r!.distance!.breached).toBe(false);
  });

  it('flags a mark already beyond the liquidation price', () => {
    const [r] = liquidationPrices(isolated([{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50 }]), { BTCUSDT: 39000 }, [btcUsdt]);
    expect(r!.distance!.breached).toBe(true);
    expect(r!.distance!.sigmas).toBeNull();
  });
});
