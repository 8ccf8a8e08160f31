import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liquidationPrices, tieredMargin, type Account } from '../../../src/margin/tiered/index.js';
import { allTables, economics } from './helpers.js';

const tableArb = fc.constantFrom(...allTables);
const unit = fc.double({ min: 0, max: 1, noNaN: true });

/** Contracts for a target notional at `mark` (bracket unit of the table). */
function qtyFor(table: (typeof allTables)[number], notional: number, mark: number): number {
  return table.contract === 'linear' ? notional / (mark * table.contractValue) : (notional * mark) / table.contractValue;
}

describe('properties', () => {
  it('initial and maintenance margin are monotone in position size', () => {
    fc.assert(
      fc.property(tableArb, unit, unit, fc.boolean(), fc.double({ min: 100, max: 100000, noNaN: true }), (table, a, b, long, mark) => {
        const lastCap = table.tiers[table.tiers.length - 1]!.cap;
        const [n1, n2] = [a, b].map((x) => 1e-6 * lastCap + x * 0.999 * lastCap).sort((x, y) => x - y) as [number, number];
        const run = (n: number) => {
          const qty = qtyFor(table, n, mark) * (long ? 1 : -1);
          const acc: Account = {
            mode: 'isolated',
            walletBalance: 0,
            collateralCurrency: table.settleCurrency,
            positions: [{ symbol: table.symbol, contract: table.contract, qty, entryPrice: mark, leverage: 1 }],
          };
          return tieredMargin(acc, { [table.symbol]: mark }, [table]);
        };
        const r1 = run(n1);
        const r2 = run(n2);
        expect(r2.initial).toBeGreaterThanOrEqual(r1.initial * (1 - 1e-12));
        expect(r2.maintenance).toBeGreaterThanOrEqual(r1.maintenance * (1 - 1e-12));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('the isolated liquidation price is tier-consistent and puts equity on maintenance (random positions)', () => {
    fc.assert(
      fc.property(
        tableArb,
        unit,
        unit,
        fc.boolean(),
        fc.double({ min: -0.1, max: 0.1, noNaN: true }),
        fc.double({ min: 100, max: 100000, noNaN: true }),
        (table, nx, lx, long, drift, mark) => {
          const lastCap = table.tiers[table.tiers.length - 1]!.cap;
          const notional = lastCap * (1e-6 + 0.9 * nx);
          const tier = table.tiers.find((t) => notional <= t.cap)!;
          const leverage = 1 + lx * (tier.maxLeverage - 1);
          const entry = mark * (1 + drift);
          const qty = qtyFor(table, notional, mark) * (long ? 1 : -1);
          const acc: Account = {
            mode: 'isolated',
            walletBalance: 0,
            collateralCurrency: table.settleCurrency,
            positions: [{ symbol: table.symbol, contract: table.contract, qty, entryPrice: entry, leverage }],
          };
          const [r] = liquidationPrices(acc, { [table.symbol]: mark }, [table]);
          if (r!.liquidationPrice === null) return;
          const margin = (table.contract === 'linear' ? Math.abs(qty) * table.contractValue * entry : (Math.abs(qty) * table.contractValue) / entry) / leverage;
          const e = economics(table, qty, entry, r!.liquidationPrice);
          const used = table.tiers[r!.liquidationTier]!;
          expect(e.notional).toBeGreaterThanOrEqual(used.floor * (1 - 1e-12));
          if (r!.liquidationTier < table.tiers.length - 1) expect(e.notional).toBeLessThanOrEqual(used.cap * (1 + 1e-12));
          // 1e-9 relative to MM, plus the rounding of margin + P&L themselves (they nearly cancel
          // when the liquidation price is far away, e.g. 1x leverage).
          expect(Math.abs(margin + e.pnl - e.mm)).toBeLessThanOrEqual(1e-9 * e.mm + 1e-12 * (margin + Math.abs(e.pnl)));
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
