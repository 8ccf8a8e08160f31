/**
 * The incremental what-if equals a full recompute in every convention: isolated and cross, linear
 * and inverse, maintenance on the entry / mark / liquidation notional, the fee to close at bankruptcy
 * or at liquidation.
 */
import { describe, expect, it } from 'vitest';
import { prepareWhatIf, type Order } from '../../src/whatif/index.js';
import { tieredMargin, type Account, type TieredOptions } from '../../src/margin/tiered/index.js';
import { gridMargin } from '../../src/margin/grid/index.js';

const inverseTables = (n: number) => Array.from({ length: n }, (_, i) => ({
  symbol: `C${i}USD_PERP`, contract: 'inverse' as const, settleCurrency: 'BTC', bracketUnit: 'coin' as const, contractValue: 100,
  tiers: [
    { floor: 0, cap: 5, maxLeverage: 125, maintenanceMarginRate: 0.004 },
    { floor: 5, cap: 10, maxLeverage: 100, maintenanceMarginRate: 0.005 },
    { floor: 10, cap: 1000, maxLeverage: 50, maintenanceMarginRate: 0.01 },
  ],
}));

function inverseAccount(n: number, mode: 'cross' | 'isolated'): { account: Account; marks: Record<string, number> } {
  const marks: Record<string, number> = {};
  const positions = Array.from({ length: n }, (_, i) => {
    marks[`C${i}USD_PERP`] = 20000 + 1000 * i;
    return { symbol: `C${i}USD_PERP`, contract: 'inverse' as const, qty: (i % 2 ? -1 : 1) * (50 + 30 * i), entryPrice: 20000 + 900 * i, leverage: 5 + i };
  });
  return { account: { mode, walletBalance: 5, collateralCurrency: 'BTC', feeRate: 0.0005, positions }, marks };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(a), Math.abs(b));

const cases: Array<[string, 'cross' | 'isolated', TieredOptions]> = [
  ['cross, liquidation basis, fee at bankruptcy', 'cross', {}],
  ['cross, mark basis, fee at liquidation', 'cross', { maintenanceBasis: 'mark', feeAt: 'liquidation' }],
  ['isolated, entry basis (Bybit)', 'isolated', { maintenanceBasis: 'entry' }],
  ['isolated, liquidation basis, fee at liquidation', 'isolated', { feeAt: 'liquidation' }],
];

describe('inverse accounts: what-if = full recompute', () => {
  for (const [name, mode, opts] of cases) {
    it(name, () => {
      const n = 8;
      const t = inverseTables(n + 1);
      const { account, marks } = inverseAccount(n, mode);
      marks[`C${n}USD_PERP`] = 30000;
      const s = prepareWhatIf(account, { marks, tables: t }, { ...opts, models: ['tiered', 'scenario-grid'], dailyVol: 0.05 });
      const orders: Order[] = [
        { symbol: 'C1USD_PERP', side: 'sell', qty: 40, price: 21500 },
        { symbol: 'C2USD_PERP', side: 'sell', qty: 300 },
        { symbol: 'C3USD_PERP', side: 'buy', qty: 140 },
        { symbol: `C${n}USD_PERP`, side: 'sell', qty: 70, leverage: 20 },
      ];
      for (const o of orders) {
        const r = s.order(o);
        expect(r.flags.rule, JSON.stringify(o)).not.toBe('order-validation');
        const full = tieredMargin(s.accountAfter(o), marks, t, { ...opts, dailyVol: 0.05 });
        expect(rel(r.models.tiered!.after.maintenance, full.maintenance)).toBeLessThan(1e-12);
        expect(rel(r.models.tiered!.after.initial, full.initial)).toBeLessThan(1e-12);
        const p = full.positions.find((x) => x.symbol === o.symbol);
        expect(r.position.after?.liquidationPrice ?? null).toBe(p?.liquidationPrice ?? null);
        expect(r.position.after?.bankruptcyPrice ?? null).toBe(p?.bankruptcyPrice ?? null);
        const book = s.books(o).after!;
        const prices = Object.fromEntries(book.map((x) => [x.underlying, (x as { markPrice: number }).markPrice]));
        expect(rel(r.models['scenario-grid']!.after.initial, gridMargin(book, { prices }).initial)).toBeLessThan(1e-9);
      }
    });
  }
});
