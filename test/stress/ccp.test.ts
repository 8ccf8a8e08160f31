import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateDefaultFund, defaultFundSize, toMinorUnits, uncoveredExposures } from '../../src/stress/index.js';
import type { ClearingMember } from '../../src/stress/index.js';

// Uncovered: A 600; B 400 + C 300 = 700 (group G); D 650; E 0 + F 600 = 600 (group H).
const members: ClearingMember[] = [
  { id: 'A', stressLoss: 1000, initialMargin: 400 },
  { id: 'B', stressLoss: 500, initialMargin: 100, group: 'G' },
  { id: 'C', stressLoss: 450, initialMargin: 100, collateral: 50, group: 'G' },
  { id: 'D', stressLoss: 650, initialMargin: 0 },
  { id: 'E', stressLoss: 100, initialMargin: 500, group: 'H' },
  { id: 'F', stressLoss: 800, initialMargin: 200, group: 'H' },
];

describe('uncoveredExposures', () => {
  it('is stress loss minus margin minus collateral, floored at zero', () => {
    expect(uncoveredExposures(members).map((m) => m.uncovered)).toEqual([600, 400, 300, 650, 0, 600]);
  });

  it('rejects a negative margin, naming the member index', () => {
    expect(() => uncoveredExposures([{ id: 'A', stressLoss: 1, initialMargin: -1 }])).toThrow(
      /members\[0\]\.initialMargin: must be >= 0; got -1/,
    );
  });

  it('rejects a duplicate member id', () => {
    expect(() =>
      uncoveredExposures([
        { id: 'A', stressLoss: 1, initialMargin: 0 },
        { id: 'A', stressLoss: 1, initialMargin: 0 },
      ]),
    ).toThrow(/members\[1\]\.id: must be unique; got duplicate "A"/);
  });
});

describe('defaultFundSize', () => {
  it('Cover-2 picks the two largest groups with affiliates merged (G = B + C, then D)', () => {
    const r = defaultFundSize(members);
    expect(r.covered.map((g) => g.group)).toEqual(['G', 'D']);
    expect(r.covered[0].members).toEqual(['B', 'C']);
    expect(r.size).toBe(1350); // 700 + 650; members alone would give D 650 + A 600 = 1250
    expect(r.cover2).toBe(1350);
  });

  it('does not let one affiliate’s excess margin offset another’s uncovered loss', () => {
    const h = defaultFundSize(members).groups.find((g) => g.group === 'H')!;
    expect(h.uncovered).toBe(600); // E has 400 excess margin, F is 600 short
  });

  it('Cover-1 is the single largest group', () => {
    const r = defaultFundSize(members, { cover: 1 });
    expect(r.size).toBe(700);
    expect(r.covered.map((g) => g.group)).toEqual(['G']);
  });

  it('Cover-2 with a single group is that group', () => {
    expect(defaultFundSize([{ id: 'A', stressLoss: 10, initialMargin: 4 }]).size).toBe(6);
  });

  it('rejects a cover other than 1 or 2', () => {
    expect(() => defaultFundSize(members, { cover: 3 as 2 })).toThrow(/options\.cover: must be 1 or 2; got 3/);
  });
});

describe('allocateDefaultFund', () => {
  const simple: ClearingMember[] = [
    { id: 'P', stressLoss: 700, initialMargin: 100 }, // uncovered 600
    { id: 'Q', stressLoss: 400, initialMargin: 100 }, // 300
    { id: 'R', stressLoss: 200, initialMargin: 100 }, // 100
    { id: 'S', stressLoss: 50, initialMargin: 100 }, // 0
  ];

  it('splits pro rata to uncovered exposure', () => {
    const r = allocateDefaultFund(simple, 1_000_000);
    expect(r.contributions.map((c) => c.amount)).toEqual([600_000, 300_000, 100_000, 0]);
    expect(r.total).toBe(1_000_000);
  });

  it('raises small shares to the minimum and re-splits the rest, summing exactly', () => {
    const r = allocateDefaultFund(simple, 1_000_000, { minimumContribution: 150_000 });
    // R and S pay 150,000; 700,000 split 600:300 -> 466,666.67 and 233,333.33 -> 466,667 and 233,333
    expect(r.contributions.map((c) => c.amount)).toEqual([466_667, 233_333, 150_000, 150_000]);
    expect(r.total).toBe(1_000_000);
  });

  it('repeats the minimum until no remaining share falls below it', () => {
    const three: ClearingMember[] = [
      { id: 'X', stressLoss: 10, initialMargin: 0 },
      { id: 'Y', stressLoss: 4, initialMargin: 0 },
      { id: 'Z', stressLoss: 1, initialMargin: 0 },
    ];
    // round 1: Z (66.7 < 260) fixed; round 2: Y (740 × 4/14 = 211.4 < 260) fixed; X pays 480
    const r = allocateDefaultFund(three, 1000, { minimumContribution: 260 });
    expect(r.contributions.map((c) => c.amount)).toEqual([480, 260, 260]);
  });

  it('can allocate pro rata to initial margin', () => {
    const r = allocateDefaultFund(members, 1_700, { basis: 'initialMargin' }); // margins 400,100,100,0,500,200
    expect(r.contributions.map((c) => c.amount)).toEqual([523, 131, 131, 0, 654, 261]);
    expect(r.total).toBe(1_700);
  });

  it('charges everyone the minimum when members × minimum exceeds the fund', () => {
    const r = allocateDefaultFund(simple, 100, { minimumContribution: 50 });
    expect(r.contributions.map((c) => c.amount)).toEqual([50, 50, 50, 50]);
    expect(r.total).toBe(200);
  });

  it('always sums to the fund exactly and respects the minimum (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e6 }),
        (losses, fund, min) => {
          const ms = losses.map((l, i) => ({ id: `m${i}`, stressLoss: l, initialMargin: 1000 }));
          const r = allocateDefaultFund(ms, fund, { minimumContribution: min });
          const sum = r.contributions.reduce((s, c) => s + c.amount, 0);
          expect(sum).toBe(r.total);
          expect(r.total).toBe(Math.max(fund, ms.length * min));
          for (const c of r.contributions) {
            expect(Number.isInteger(c.amount)).toBe(true);
            expect(c.amount).toBeGreaterThanOrEqual(min);
          }
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('rejects a fund that is not integer minor units', () => {
    expect(() => allocateDefaultFund(simple, 10.5)).toThrow(/fundSize: must be a non-negative safe integer amount in minor units/);
  });
});

describe('toMinorUnits', () => {
  it('rounds to cents and can round up without tripping on binary floats', () => {
    expect(toMinorUnits(12.34)).toBe(1234);
    expect(toMinorUnits(0.07, { mode: 'ceil' })).toBe(7); // 0.07 × 100 = 7.000000000000001
    expect(toMinorUnits(1350.001, { mode: 'ceil' })).toBe(135001);
  });

  it('rejects an unknown rounding mode instead of rounding silently', () => {
    expect(() => toMinorUnits(0.071, { mode: 'floor' as never })).toThrow(/^options\.mode: must be 'round' or 'ceil'; got "floor"/);
  });
});
