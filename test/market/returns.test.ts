import { describe, expect, it } from 'vitest';
import { aggregateReturns, fromArrays, returns, rollingWindows } from '../../src/market/index.js';

describe('returns', () => {
  const s = fromArrays(['1', '2', '3'], ['A', 'B'], [[100, 10], [110, 5], [99, 10]]);

  it('computes log returns by default', () => {
    const r = returns(s);
    expect(r[0][0]).toBeCloseTo(Math.log(1.1), 15);
    expect(r[1][1]).toBeCloseTo(Math.log(2), 15);
  });

  it('computes simple returns on request', () => {
    const r = returns(s, { kind: 'simple' });
    expect(r[0][0]).toBeCloseTo(0.1, 15);
    expect(r[0][1]).toBeCloseTo(-0.5, 15);
    expect(r[1][0]).toBeCloseTo(-0.1, 15);
  });

  it('rejects a non-positive price in a plain matrix naming the cell', () => {
    expect(() => returns([[1], [0]])).toThrow(/prices\[1\]\[0\]: price must be > 0; got 0/);
  });
});

describe('aggregateReturns', () => {
  it('sums log returns over overlapping windows', () => {
    const r = [[0.1], [0.2], [-0.05], [0.3]];
    const h = aggregateReturns(r, 2, 'log');
    expect(h.map((x) => x[0])).toEqual([0.1 + 0.2, 0.2 - 0.05, -0.05 + 0.3]);
  });

  it('compounds simple returns and agrees with log aggregation of the same prices', () => {
    const p = [[100], [110], [99], [120], [118]];
    const simple = aggregateReturns(returns(p, { kind: 'simple' }), 3, 'simple');
    const logs = aggregateReturns(returns(p), 3, 'log');
    expect(simple.length).toBe(2);
    for (let w = 0; w < 2; w++) {
      expect(simple[w][0]).toBeCloseTo(p[w + 3][0] / p[w][0] - 1, 14);
      expect(Math.exp(logs[w][0]) - 1).toBeCloseTo(simple[w][0], 14);
    }
  });

  it('rejects a horizon longer than the series', () => {
    expect(() => aggregateReturns([[0.1]], 2)).toThrow(/horizonDays: must be ≤ the number of returns \(1\); got 2/);
  });
});

describe('rollingWindows', () => {
  it('lists half-open windows with a step', () => {
    expect(rollingWindows(5, 3, 2)).toEqual([{ start: 0, end: 3 }, { start: 2, end: 5 }]);
    expect(rollingWindows(5, 3)).toHaveLength(3);
    expect(rollingWindows(2, 3)).toEqual([]);
  });

  it('rejects a zero step', () => {
    expect(() => rollingWindows(5, 3, 0)).toThrow(/step: must be an integer ≥ 1; got 0/);
  });
});
