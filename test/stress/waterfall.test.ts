import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultWaterfall } from '../../src/stress/index.js';
import type { WaterfallInput } from '../../src/stress/index.js';

// Amounts in cents.
const base: WaterfallInput = {
  members: [
    { id: 'D1', initialMargin: 1_000_000, fundContribution: 250_000 },
    { id: 'D2', initialMargin: 500_000, fundContribution: 100_000 },
    { id: 'A', initialMargin: 800_000, fundContribution: 333_333 },
    { id: 'B', initialMargin: 800_000, fundContribution: 333_333 },
    { id: 'C', initialMargin: 800_000, fundContribution: 333_334 },
  ],
  defaulters: [
    { id: 'D1', loss: 2_900_000 },
    { id: 'D2', loss: 300_000 },
  ],
  skinInTheGame: 150_000,
  assessmentMultiple: 0.5,
};

function sumUsed(r: ReturnType<typeof defaultWaterfall>): number {
  return r.layers.reduce((s, l) => s + l.used, 0);
}

describe('defaultWaterfall', () => {
  it('works the example through every layer and sums to the loss exactly', () => {
    const r = defaultWaterfall(base);
    // loss 2,900,000 + 300,000 = 3,200,000
    //  1 defaulters' margin: D1 1,000,000 + D2 300,000 (D2's 200,000 excess is not used for D1) -> 1,900,000 left
    //  2 defaulters' fund:   D1 250,000 (D2 has nothing left to cover)                        -> 1,650,000 left
    //  3 skin in the game:   150,000                                                          -> 1,500,000 left
    //  4 survivors' fund:    all 1,000,000 (333,333 + 333,333 + 333,334)                      ->   500,000 left
    //  5 assessments:        caps floor(0.5 × contribution) = 166,666 + 166,666 + 166,667 = 499,999,
    //                        all used                                                         ->         1 left
    expect(r.loss).toBe(3_200_000);
    expect(r.layers.map((l) => [l.layer, l.available, l.used, l.remainingAfter])).toEqual([
      ['defaulterMargin', 1_500_000, 1_300_000, 1_900_000],
      ['defaulterFund', 350_000, 250_000, 1_650_000],
      ['skinInTheGame', 150_000, 150_000, 1_500_000],
      ['survivorFund', 1_000_000, 1_000_000, 500_000],
      ['assessments', 499_999, 499_999, 1],
    ]);
    expect(r.uncovered).toBe(1);
    expect(r.survivors).toEqual([
      { id: 'A', fundUsed: 333_333, assessment: 166_666 },
      { id: 'B', fundUsed: 333_333, assessment: 166_666 },
      { id: 'C', fundUsed: 333_334, assessment: 166_667 },
    ]);
    expect(r.defaulters).toEqual([
      { id: 'D1', loss: 2_900_000, marginUsed: 1_000_000, fundUsed: 250_000, residual: 1_650_000 },
      { id: 'D2', loss: 300_000, marginUsed: 300_000, fundUsed: 0, residual: 0 },
    ]);
    expect(sumUsed(r) + r.uncovered).toBe(r.loss); // 1,300,000 + 250,000 + 150,000 + 1,000,000 + 499,999 + 1
  });

  it('splits a partial use of the assessments pro rata to the caps and exactly', () => {
    const r = defaultWaterfall({ ...base, defaulters: [{ id: 'D1', loss: 2_800_000 }, { id: 'D2', loss: 300_000 }] });
    // 400,000 left for assessments: 400,000 × (166,666, 166,666, 166,667) / 499,999
    //   = 133,333.07, 133,333.07, 133,333.87 -> floors 133,333 ×3 = 399,999, the last cent to C
    expect(r.survivors.map((s) => s.assessment)).toEqual([133_333, 133_333, 133_334]);
    expect(r.uncovered).toBe(0);
    expect(sumUsed(r)).toBe(3_100_000);
  });

  it('splits a partial use of the survivors’ fund pro rata and exactly', () => {
    const r = defaultWaterfall({ ...base, defaulters: [{ id: 'D1', loss: 2_000_000 }, { id: 'D2', loss: 0 }] });
    // 2,000,000 - 1,000,000 - 250,000 - 150,000 = 600,000 from the survivors' fund:
    // 199,999.8 / 199,999.8 / 200,000.4 -> floors 199,999 / 199,999 / 200,000 = 599,998; the two
    // largest remainders (A, B) get a cent each
    expect(r.survivors.map((s) => s.fundUsed)).toEqual([200_000, 200_000, 200_000]);
    expect(r.survivors.every((s) => s.assessment === 0)).toBe(true);
    expect(r.uncovered).toBe(0);
    expect(sumUsed(r)).toBe(2_000_000);
  });

  it('reports the loss left after every layer as uncovered', () => {
    const r = defaultWaterfall({ ...base, defaulters: [{ id: 'D1', loss: 4_000_000 }, { id: 'D2', loss: 0 }] });
    // 4,000,000 - 1,000,000 - 250,000 - 150,000 - 1,000,000 - 499,999 = 1,100,001
    expect(r.uncovered).toBe(1_100_001);
    expect(r.layers[4]).toEqual({ layer: 'assessments', available: 499_999, used: 499_999, remainingAfter: 1_100_001 });
    expect(sumUsed(r) + r.uncovered).toBe(4_000_000);
  });

  it('always sums exactly, never charges a survivor more than its contribution or cap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e8 })), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 0, max: 5e9 }),
        fc.integer({ min: 0, max: 1e8 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (ms, loss, sitg, multiple) => {
          const input: WaterfallInput = {
            members: ms.map(([im, f], i) => ({ id: `m${i}`, initialMargin: im, fundContribution: f })),
            defaulters: [{ id: 'm0', loss }],
            skinInTheGame: sitg,
            assessmentMultiple: multiple,
          };
          const r = defaultWaterfall(input);
          expect(sumUsed(r) + r.uncovered).toBe(loss);
          expect(r.uncovered).toBeGreaterThanOrEqual(0);
          r.survivors.forEach((s, i) => {
            const f = ms[i + 1][1];
            expect(s.fundUsed).toBeLessThanOrEqual(f);
            expect(s.assessment).toBeLessThanOrEqual(Math.floor(multiple * f));
          });
          expect(r.survivors.reduce((s, x) => s + x.fundUsed, 0)).toBe(r.layers[3].used);
          expect(r.survivors.reduce((s, x) => s + x.assessment, 0)).toBe(r.layers[4].used);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('rejects an amount that is not integer minor units, naming the field', () => {
    expect(() => defaultWaterfall({ ...base, skinInTheGame: 1.5 })).toThrow(/input\.skinInTheGame: must be a non-negative safe integer/);
  });

  it('rejects totals beyond 2^53 minor units, where integer sums stop being exact', () => {
    const big = 2 ** 53 - 1;
    const input: WaterfallInput = {
      members: [{ id: 'a', initialMargin: 0, fundContribution: 0 }, { id: 'b', initialMargin: 0, fundContribution: 0 }],
      defaulters: [{ id: 'a', loss: big }, { id: 'b', loss: big }],
      skinInTheGame: 0,
    };
    expect(() => defaultWaterfall(input)).toThrow(/^input\.defaulters\[\*\]\.loss: total exceeds the safe integer range/);
    const funds = { ...input, defaulters: [], members: input.members.map((m) => ({ ...m, fundContribution: big })) };
    expect(() => defaultWaterfall(funds)).toThrow(/^input\.members\[\*\]\.fundContribution: total exceeds/);
  });

  it('rejects a defaulter that is not a member', () => {
    expect(() => defaultWaterfall({ ...base, defaulters: [{ id: 'Z', loss: 1 }] })).toThrow(
      /input\.defaulters\[0\]\.id: must be one of input\.members; got "Z"/,
    );
  });
});
