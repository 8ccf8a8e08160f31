import { describe, expect, it } from 'vitest';
import { tailCount } from '../../src/index.js';
import { levelsFromLosses } from '../../src/risk/tail.js';

describe('discrete tail convention', () => {
  it('gives k = 10 for 99 % of 1,000 scenarios despite (1 - 0.99) * 1000 = 10.000000000000009', () => {
    expect((1 - 0.99) * 1000).toBeGreaterThan(10);
    expect(tailCount(1000, 0.99)).toBe(10);
  });

  it('rounds up a genuinely fractional tail and never returns 0', () => {
    expect(tailCount(1001, 0.99)).toBe(11); // 10.01 → 11
    expect(tailCount(10, 0.999)).toBe(1);
    expect(tailCount(250, 0.99)).toBe(3); // 2.5 → 3
    expect(tailCount(1_000_000, 0.975)).toBe(25_000);
  });

  it('takes VaR as the k-th largest loss and ES as the mean of the k largest', () => {
    const losses = [5, -3, 10, -2, 1, -7, 8, -4, 0, 6];
    const [a80, a90, a75] = levelsFromLosses(losses, [0.8, 0.9, 0.75]);
    expect(a80).toEqual({ confidence: 0.8, var: 8, es: 9, k: 2 });
    expect(a90).toEqual({ confidence: 0.9, var: 10, es: 10, k: 1 });
    expect(a75).toEqual({ confidence: 0.75, var: 6, es: 8, k: 3 });
  });
});
