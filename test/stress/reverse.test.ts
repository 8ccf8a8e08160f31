import { describe, expect, it } from 'vitest';
import {
  hypotheticalStress,
  linearPnl,
  reverseStressUniform,
  reverseStressWorstDirection,
} from '../../src/stress/index.js';

describe('linearPnl and hypotheticalStress', () => {
  it('computes w·r and the loss of each named scenario', () => {
    expect(linearPnl([100, -50], [-0.1, 0.2])).toBeCloseTo(-20, 12);
    expect(hypotheticalStress([100, -50], [{ name: 'crash', shocks: [-0.3, -0.3] }])).toEqual([
      { name: 'crash', pnl: -15, loss: 15 },
    ]);
  });

  it('names the scenario with a wrong-sized shock vector', () => {
    expect(() => hypotheticalStress([1, 2], [{ name: 'x', shocks: [1] }])).toThrow(
      /scenarios\[0\]\.shocks: must have the same length as exposures \(2\); got 1/,
    );
  });
});

describe('reverseStressUniform', () => {
  it('finds the shock of a uniform fall on a linear book that breaches, and 1 % smaller does not', () => {
    const w = [100, -50, 200]; // a uniform fall of s loses 250 s
    const r = reverseStressUniform((s) => linearPnl(w, w.map(() => -s)), 50);
    expect(Math.abs(r.shock - 0.2) / 0.2).toBeLessThanOrEqual(1e-9);
    expect(r.breaches).toBe(true);
    expect(r.loss).toBeGreaterThanOrEqual(50);
    expect(r.check.shock).toBeCloseTo(0.99 * r.shock, 15);
    expect(r.check.breaches).toBe(false);
    expect(r.check.loss).toBeLessThan(50);
  });

  it('handles a convex loss (short gamma): 100 s + 500 s² ≥ 30 at s = 0.1569…', () => {
    const r = reverseStressUniform((s) => -(100 * s + 500 * s * s), 30);
    const exact = (-100 + Math.sqrt(100 * 100 + 4 * 500 * 30)) / (2 * 500);
    expect(Math.abs(r.shock - exact) / exact).toBeLessThanOrEqual(1e-9);
    expect(r.breaches).toBe(true);
    expect(r.check.breaches).toBe(false);
  });

  it('returns a zero shock when the book already breaches unshocked', () => {
    const r = reverseStressUniform(() => -100, 50);
    expect(r.shock).toBe(0);
    expect(r.breaches).toBe(true);
  });

  it('rejects a threshold no shock up to maxShock reaches', () => {
    expect(() => reverseStressUniform((s) => -s, 10, { maxShock: 5 })).toThrow(
      /threshold: is not reached by any shock up to maxShock 5; got 10/,
    );
  });

  it('rejects a P&L function that returns NaN', () => {
    expect(() => reverseStressUniform(() => NaN, 10)).toThrow(/pnlOf: must return a finite P&L; got NaN at s = 0/);
  });
});

describe('reverseStressWorstDirection', () => {
  // Two factors, vols 20 % and 50 %, correlation 0.5; a long book of 100 and 40.
  const w = [100, 40];
  const cov = [
    [0.04, 0.05],
    [0.05, 0.25],
  ];
  // Σw = [6, 15]; w'Σw = 600 + 600 = 1200; sqrt = 34.641016…
  const sigma = Math.sqrt(1200);

  it('follows the closed form: distance k = threshold / sqrt(w′Σw), shock = −kΣw / sqrt(w′Σw)', () => {
    const r = reverseStressWorstDirection(w, cov, 100);
    const k = 100 / sigma;
    expect(r.sigma).toBeCloseTo(sigma, 12);
    expect(r.distance).toBeCloseTo(k, 12);
    expect(r.shock[0]).toBeCloseTo((-k * 6) / sigma, 12);
    expect(r.shock[1]).toBeCloseTo((-k * 15) / sigma, 12);
    expect(r.loss).toBeGreaterThanOrEqual(100);
    expect(r.loss).toBeCloseTo(100, 9);
    expect(r.breaches).toBe(true);
  });

  it('has Mahalanobis distance k (checked with the 2×2 inverse)', () => {
    const r = reverseStressWorstDirection(w, cov, 100);
    const det = 0.04 * 0.25 - 0.05 * 0.05;
    const inv = [
      [0.25 / det, -0.05 / det],
      [-0.05 / det, 0.04 / det],
    ];
    const [a, b] = r.shock;
    const d2 = a * (inv[0][0] * a + inv[0][1] * b) + b * (inv[1][0] * a + inv[1][1] * b);
    expect(Math.sqrt(d2)).toBeCloseTo(r.distance, 10);
  });

  it('a shock 1 % smaller does not breach', () => {
    const r = reverseStressWorstDirection(w, cov, 100);
    expect(r.check.distance).toBeCloseTo(0.99 * r.distance, 14);
    expect(r.check.loss).toBeCloseTo(99, 9);
    expect(r.check.breaches).toBe(false);
  });

  it('no other direction at the same distance loses more', () => {
    const r = reverseStressWorstDirection(w, cov, 100);
    // another direction: both factors fall equally, scaled to the same Mahalanobis distance
    const det = 0.04 * 0.25 - 0.05 * 0.05;
    const u = [-1, -1];
    const d2 = (0.25 * 1 - 2 * 0.05 * 1 + 0.04 * 1) / det;
    const scale = r.distance / Math.sqrt(d2);
    expect(-linearPnl(w, u.map((x) => x * scale))).toBeLessThan(r.loss);
  });

  it('rejects an asymmetric covariance and a book with no variance', () => {
    expect(() => reverseStressWorstDirection(w, [[0.04, 0.05], [0.06, 0.25]], 100)).toThrow(
      /covariance\[1\]\[0\]: must equal covariance\[0\]\[1\] \(0.05\); got 0.06/,
    );
    expect(() => reverseStressWorstDirection([0, 0], cov, 100)).toThrow(/covariance: must give the book a positive variance/);
  });
});
