import { describe, expect, it } from 'vitest';
import { deleverage, gridMarginFunction } from '../../src/optimize/deleverage.js';
import { SolverError } from '../../src/errors/index.js';
import { tieredMargin, type TierTableInput } from '../../src/margin/tiered/index.js';
import { market, sampleBook } from './fixtures.js';

const positions = [
  { id: 'A', quantity: 10, marginPerUnit: 100, weight: 1, tradingCost: 5 },
  { id: 'B', quantity: -2, marginPerUnit: 300, weight: 2, tradingCost: 20 },
  { id: 'C', quantity: 8, marginPerUnit: 50, weight: 0.5, tradingCost: 1 },
];
const equity = 1000;
const buffer = 0.1;
const mm = (q: number[]) => q.reduce((s, x, i) => s + Math.abs(x) * positions[i].marginPerUnit, 0);

describe('deleverage', () => {
  it('restores the buffer with the least weighted cut (brute force over a grid of reductions)', async () => {
    const r = await deleverage({ positions, equity, buffer });
    // Hand: relief per unit (1.1·m − c) = 105, 310, 54; per weight 105, 155, 108 → B fully (620), C fully (432), A 148/105.
    expect(r.reductions[1]).toBeCloseTo(2, 9);
    expect(r.reductions[2]).toBeCloseTo(8, 9);
    expect(r.reductions[0]).toBeCloseTo(148 / 105, 7);
    expect(r.after.excess).toBeGreaterThanOrEqual(-1e-6);
    expect(r.before.excess).toBeCloseTo(equity - 1.1 * 2000, 9);
    expect(r.rounds).toBe(1);
    const step = 0.1;
    let best = Infinity;
    for (let a = 0; a <= 10 + 1e-9; a += step) {
      for (let b = 0; b <= 2 + 1e-9; b += step) {
        for (let c = 0; c <= 8 + 1e-9; c += 4 * step) {
          const cost = a * 5 + b * 20 + c * 1;
          const q = [10 - a, -2 + b, 8 - c];
          if (equity - cost >= 1.1 * mm(q) - 1e-9) best = Math.min(best, a * 1 + b * 2 + c * 0.5);
        }
      }
    }
    expect(r.objective).toBeLessThanOrEqual(best + 1e-9);
    expect(best - r.objective).toBeLessThan(step * 2 + 1e-9); // the grid can only miss by its resolution
    // Ordered by relief per unit weight: B (300/2 = 150), A (100), C (50/0.5 = 100) — A before C by input order on ties.
    expect(r.trades.map((t) => t.id)).toEqual(['B', 'A', 'C']);
    expect(r.trades[0].quantity).toBeCloseTo(2, 9); // buy back the short
  });

  it('does nothing when the buffer already holds', async () => {
    const r = await deleverage({ positions, equity: 5000, buffer });
    expect(r.rounds).toBe(0);
    expect(r.trades).toEqual([]);
  });

  it("throws SolverError 'margin-buffer' when even closing everything cannot restore it", async () => {
    const err = await deleverage({ positions, equity: 10, buffer }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ status: 'Infeasible', constraintSet: 'margin-buffer' });
  });

  it('iterates with the real tiered margin across a tier boundary to the least cut', async () => {
    const table: TierTableInput = {
      symbol: 'BTCUSDT', contract: 'linear', settleCurrency: 'USDT', bracketUnit: 'quote',
      tiers: [
        { floor: 0, cap: 100000, maxLeverage: 50, maintenanceMarginRate: 0.01 },
        { floor: 100000, cap: 500000, maxLeverage: 20, maintenanceMarginRate: 0.025 },
        { floor: 500000, cap: 5000000, maxLeverage: 10, maintenanceMarginRate: 0.05 },
      ],
    };
    const eth = { ...table, symbol: 'ETHUSDT' };
    const marks = { BTCUSDT: 60000, ETHUSDT: 3000 };
    const margin = (q: number[]) => {
      const ps = [
        { symbol: 'BTCUSDT', contract: 'linear' as const, qty: q[0], entryPrice: 60000, leverage: 5 },
        { symbol: 'ETHUSDT', contract: 'linear' as const, qty: q[1], entryPrice: 3000, leverage: 5 },
      ].filter((p) => p.qty !== 0);
      return ps.length === 0 ? 0 : tieredMargin({ mode: 'cross', walletBalance: 0, collateralCurrency: 'USDT', positions: ps }, marks, [table, eth]).maintenance;
    };
    const q0 = [12, -150]; // 720k and 450k notional: tiers 3 and 2
    // MM: BTC 720k·5 % − 14,000 = 22,000; ETH 450k·2.5 % − 1,500 = 9,750. Equity 15,000 at buffer 0.2 allows
    // MM ≤ 12,500. Relief per weight: BTC 3,000 then 1,500 (below 500k); ETH 75 / 0.1 = 750 — so only BTC is cut,
    // down to 0.025·N − 1,500 = 2,750 → N = 170,000 → q = 2.8333: the tier change at 500k needs a second round.
    const r = await deleverage({ positions: [{ id: 'BTC', quantity: q0[0], weight: 1 }, { id: 'ETH', quantity: q0[1], weight: 0.1 }], equity: 15000, buffer: 0.2, margin });
    expect(r.reductions[0]).toBeCloseTo(12 - 170000 / 60000, 6);
    expect(r.reductions[1]).toBeCloseTo(0, 9);
    expect(r.before.excess).toBeLessThan(0);
    expect(r.after.excess).toBeGreaterThanOrEqual(-1e-6);
    expect(r.after.margin).toBeCloseTo(margin(r.after.quantities), 9);
    expect(r.rounds).toBeGreaterThanOrEqual(2);
    expect(r.rounds).toBeLessThanOrEqual(4);
  });

  it('restores the buffer on the sample book with the real grid margin', async () => {
    const margin = gridMarginFunction(sampleBook, market);
    const m0 = margin(sampleBook.map((p) => p.quantity));
    const r = await deleverage({
      positions: sampleBook.map((p) => ({ id: p.id as string, quantity: p.quantity, weight: p.kind === 'option' ? 3 : 1 })),
      equity: 0.8 * m0, buffer: 0.1, margin,
    });
    expect(r.after.excess).toBeGreaterThanOrEqual(-1e-6);
    expect(margin(r.after.quantities)).toBeCloseTo(r.after.margin, 9);
  });
});
