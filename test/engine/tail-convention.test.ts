import { describe, expect, it } from 'vitest';
import { createEngine, tailCount } from '../../src/index.js';
import { levelsFromLosses, snapCeil } from '../../src/risk/index.js';

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

  it('k = 750,000 for 97.5 % of 3e7 despite (1 - 0.975) * 3e7 = 750000.0000000007 (a relative snap)', () => {
    expect((1 - 0.975) * 3e7).toBeGreaterThan(750_000);
    expect(tailCount(30_000_000, 0.975)).toBe(750_000);
  });

  it('equals the exact rational ceil((1 − a)·N) at N = 1e3 … 1e9 and a = 0.9 … 0.999', () => {
    // a = p/1000 exactly in decimal, so k = ceil((1000 − p)·N / 1000) in integers
    for (const n of [1_000, 1_000_000, 30_000_000, 1_000_000_000, 1_234_567, 999_999_937]) {
      for (const p of [900, 950, 975, 990, 999]) {
        const exact = ((1000n - BigInt(p)) * BigInt(n) + 999n) / 1000n;
        expect(tailCount(n, p / 1000), `N = ${n}, a = ${p / 1000}`).toBe(Number(exact));
      }
    }
  });

  it('snapCeil snaps only within 1e-9 relative of an integer', () => {
    expect(snapCeil(10.000000000000009)).toBe(10);
    expect(snapCeil(750000.0000000007)).toBe(750_000);
    expect(snapCeil(2.5)).toBe(3);
    expect(snapCeil(1e6 + 0.01)).toBe(1_000_001);
    expect(snapCeil(0.3)).toBe(1);
  });

  it('takes VaR as the k-th largest loss and ES as the mean of the k largest', () => {
    const losses = [5, -3, 10, -2, 1, -7, 8, -4, 0, 6];
    const [a80, a90, a75] = levelsFromLosses(losses, [0.8, 0.9, 0.75]);
    expect(a80).toEqual({ confidence: 0.8, var: 8, es: 9, k: 2 });
    expect(a90).toEqual({ confidence: 0.9, var: 10, es: 10, k: 1 });
    expect(a75).toEqual({ confidence: 0.75, var: 6, es: 8, k: 3 });
  });

  it('a Monte Carlo run of 3e7 scenarios at 97.5 % reports k = 750,000 (the defect the relative snap fixes)', async () => {
    const engine = await createEngine({ threads: 2 });
    try {
      const r = await engine.var({ exposures: [1e6] }, { covariance: [[0.03 ** 2]] }, { method: 'mc-normal', scenarios: 30_000_000, confidence: 0.975, seed: 1 });
      expect(r.k).toBe(750_000);
      expect(r.tail.losses.length).toBe(750_000);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
