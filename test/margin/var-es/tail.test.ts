import { describe, expect, it } from 'vitest';
import { levelsFromLosses } from '../../../src/risk/tail.js';
import { componentEs, esWithTail, maxEsWindow, quantileType7 } from '../../../src/margin/var-es/index.js';
import { normals } from './fixtures.js';

describe('tail helpers', () => {
  const z = normals(3);
  const losses = Float64Array.from({ length: 1000 }, () => z());

  it('uses k = 10 at 99 % of 1,000 scenarios and agrees with levelsFromLosses', () => {
    const t = esWithTail(losses, 0.99);
    expect(t.k).toBe(10);
    expect(t.es).toBe(levelsFromLosses(losses, [0.99])[0].es);
    expect(Array.from(t.tail, (i) => losses[i])).toEqual(Array.from(losses).sort((a, b) => b - a).slice(0, 10));
  });

  it('breaks ties toward the earlier scenario', () => {
    expect(Array.from(esWithTail(Float64Array.of(1, 3, 3, 0), 0.5).tail)).toEqual([1, 2]);
  });

  it('allocates the tail to positions so the components sum to the ES', () => {
    // two positions, P&L at [s·2 + i]
    const pnl = Float64Array.of(-1, -2, 3, 0, -4, 1, 0, 0);
    const total = Float64Array.of(3, -3, 3, 0); // losses = −(sum of P&L)
    const t = esWithTail(total, 0.5);
    const c = componentEs(pnl, 2, t.tail);
    expect(c[0] + c[1]).toBeCloseTo(t.es, 12);
    expect(Array.from(c)).toEqual([2.5, 0.5]);
  });

  it('finds the rolling window with the largest ES, as a brute force does', () => {
    const m = 120;
    const got = maxEsWindow(losses, m, 0.975);
    let best = { start: 0, es: -Infinity };
    for (let s = 0; s + m <= losses.length; s++) {
      const es = esWithTail(losses, 0.975, s, s + m).es;
      if (es > best.es) best = { start: s, es };
    }
    expect(got.start).toBe(best.start);
    expect(got.es).toBeCloseTo(best.es, 12);
  });

  it('takes type-7 quantiles (linear interpolation between order statistics)', () => {
    expect(quantileType7([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantileType7([4, 1, 3, 2], 0)).toBe(1);
    expect(quantileType7([4, 1, 3, 2], 1)).toBe(4);
  });
});
