import type { tiered } from '../../src/margin/index.js';

/** n linear perps SYM0USDT … with Binance-like brackets (tiers 0.4 %, 0.5 % from 50k, 1 % from 250k). */
export function tables(n: number): tiered.TierTableInput[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: `SYM${i}USDT`, contract: 'linear' as const, settleCurrency: 'USDT', bracketUnit: 'quote' as const,
    tiers: [
      { floor: 0, cap: 50_000, maxLeverage: 125, maintenanceMarginRate: 0.004 },
      { floor: 50_000, cap: 250_000, maxLeverage: 100, maintenanceMarginRate: 0.005 },
      { floor: 250_000, cap: 10_000_000, maxLeverage: 50, maintenanceMarginRate: 0.01 },
    ],
  }));
}

/** A cross account of n positions, deterministic (a small LCG), and its marks. */
export function account(n: number, mode: 'cross' | 'isolated' = 'cross', seed = 7): { account: tiered.Account; marks: Record<string, number> } {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const marks: Record<string, number> = {};
  const positions = Array.from({ length: n }, (_, i) => {
    const mark = 10 + 1000 * rnd();
    marks[`SYM${i}USDT`] = mark;
    const qty = (rnd() < 0.5 ? -1 : 1) * (5 + 200 * rnd());
    return { symbol: `SYM${i}USDT`, contract: 'linear' as const, qty, entryPrice: mark * (0.9 + 0.2 * rnd()), leverage: 5 + Math.floor(15 * rnd()) };
  });
  const gross = positions.reduce((t, p) => t + Math.abs(p.qty) * marks[p.symbol]!, 0);
  return { account: { mode, walletBalance: gross / 4, collateralCurrency: 'USDT', positions }, marks };
}
