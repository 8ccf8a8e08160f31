import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import { cumulativeAmounts, maintenanceMargin, parseTierTable, tierIndex } from '../../../src/margin/tiered/index.js';
import { allTables, btcUsdInverse, btcUsdt, relDiff } from './helpers.js';

const rawBtc = () => JSON.parse(JSON.stringify({ ...btcUsdt, tiers: btcUsdt.tiers.map(({ maintenanceAmount: _a, ...t }) => t) }));

describe('tier tables', () => {
  it('loads the three sample tables', () => {
    expect(allTables.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'BTCUSD_PERP']);
    expect(btcUsdInverse.bracketUnit).toBe('coin');
    expect(btcUsdInverse.contractValue).toBe(100);
  });

  it('derives cumulative maintenance amounts equal to the venue-published ones (amount_i = amount_{i−1} + floor_i·Δrate)', () => {
    const published = [0, 50, 1300, 16300, 266300, 1266300, 2516300, 5016300, 25016300, 100016300];
    expect(btcUsdt.tiers.map((t) => t.maintenanceAmount)).toHaveLength(published.length);
    btcUsdt.tiers.forEach((t, i) => expect(t.maintenanceAmount).toBeCloseTo(published[i]!, 6));
    expect(cumulativeAmounts([{ floor: 0, maintenanceMarginRate: 0.004 }, { floor: 50000, maintenanceMarginRate: 0.005 }])).toEqual([0, 50]);
  });

  it('MM is continuous across every tier boundary', () => {
    for (const table of allTables) {
      for (let i = 1; i < table.tiers.length; i++) {
        const floor = table.tiers[i]!.floor;
        const below = table.tiers[i - 1]!;
        const above = table.tiers[i]!;
        // Both lines meet at the floor…
        const left = floor * below.maintenanceMarginRate - below.maintenanceAmount;
        const right = floor * above.maintenanceMarginRate - above.maintenanceAmount;
        expect(relDiff(left, right)).toBeLessThan(1e-12);
        // …and the function has no jump just either side of it.
        const eps = floor * 1e-9;
        expect(Math.abs(maintenanceMargin(table, floor + eps) - maintenanceMargin(table, floor - eps))).toBeLessThan(eps * above.maintenanceMarginRate * 3);
      }
    }
  });

  it('uses floor < N ≤ cap for the bracket and extends the last tier beyond its cap', () => {
    expect(tierIndex(btcUsdt, 0)).toBe(0);
    expect(tierIndex(btcUsdt, 50000)).toBe(0);
    expect(tierIndex(btcUsdt, 50000.01)).toBe(1);
    expect(tierIndex(btcUsdt, 1e12)).toBe(btcUsdt.tiers.length - 1);
    expect(maintenanceMargin(btcUsdt, 100000)).toBeCloseTo(100000 * 0.005 - 50, 9);
  });

  it('rejects brackets that are not contiguous, naming the field', () => {
    const raw = rawBtc();
    raw.tiers[2].floor = 200000;
    expect(() => parseTierTable(raw)).toThrow(/^table\.tiers\[2\]\.floor: must equal the previous tier's cap 250000.*; got 200000$/);
  });

  it('rejects rates that do not increase and leverage that increases', () => {
    const r1 = rawBtc();
    r1.tiers[3].maintenanceMarginRate = 0.01;
    expect(() => parseTierTable(r1)).toThrow(/table\.tiers\[3\]\.maintenanceMarginRate: must be greater than the previous tier's rate 0\.01; got 0\.01/);
    const r2 = rawBtc();
    r2.tiers[1].maxLeverage = 150;
    expect(() => parseTierTable(r2)).toThrow(/table\.tiers\[1\]\.maxLeverage: .*; got 150/);
  });

  it('rejects a typed-in cumulative amount (it is derived)', () => {
    const raw = rawBtc();
    raw.tiers[1].maintenanceAmount = 50;
    try {
      parseTierTable(raw);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('table.tiers[1].maintenanceAmount');
    }
  });

  it('rejects an inverse table without a contract value or with quote brackets', () => {
    const raw = JSON.parse(JSON.stringify({ ...btcUsdInverse, tiers: btcUsdInverse.tiers.map(({ maintenanceAmount: _a, ...t }) => t) }));
    delete raw.contractValue;
    expect(() => parseTierTable(raw)).toThrow(/table\.contractValue: is required for inverse contracts/);
    raw.contractValue = 100;
    raw.bracketUnit = 'quote';
    expect(() => parseTierTable(raw)).toThrow(/table\.bracketUnit: must be "coin" or "size" for inverse contracts; got "quote"/);
  });
});
