import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  conditionNumber, correlationFromCovariance, covarianceFromVolsAndCorrelation, ewmaCovariance, ewmaVolatility,
  isPsd, jacobiEigen, ledoitWolf, sampleCovariance,
} from '../../src/market/index.js';
import { euReturns, maxAbsDiff, naiveCov } from './helpers.js';

const R = euReturns();
const minEig = (a: number[][]) => jacobiEigen(a).values[0];

/** sklearn.covariance.ledoit_wolf_shrinkage + ledoit_wolf, transcribed loop by loop (assume_centered=False). */
function sklearnLedoitWolf(x: number[][]): { cov: number[][]; shrinkage: number } {
  const n = x.length;
  const p = x[0].length;
  const m = Array.from({ length: p }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const X = x.map((r) => r.map((v, j) => v - m[j]));
  const X2 = X.map((r) => r.map((v) => v * v));
  const empCovTrace = Array.from({ length: p }, (_, j) => X2.reduce((s, r) => s + r[j], 0) / n);
  const mu = empCovTrace.reduce((a, b) => a + b, 0) / p;
  let beta_ = 0;
  let delta_ = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let b = 0;
      let d = 0;
      for (let k = 0; k < n; k++) { b += X2[k][i] * X2[k][j]; d += X[k][i] * X[k][j]; }
      beta_ += b;
      delta_ += d * d;
    }
  }
  delta_ /= n * n;
  let beta = (1 / (p * n)) * (beta_ / n - delta_);
  let delta = delta_ - 2 * mu * empCovTrace.reduce((a, b) => a + b, 0) + p * mu * mu;
  delta /= p;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const emp = naiveCov(x).map((r) => r.map((v) => (v * (n - 1)) / n));
  const cov = emp.map((r, i) => r.map((v, j) => (1 - shrinkage) * v + (i === j ? shrinkage * mu : 0)));
  return { cov, shrinkage };
}

describe('sampleCovariance', () => {
  it('matches a naive two-pass computation on EuStockMarkets returns', () => {
    const c = sampleCovariance(R);
    const ref = naiveCov(R);
    expect(maxAbsDiff(c, ref)).toBeLessThan(1e-18);
    expect(c[0][0]).toBeGreaterThan(1e-5);
  });

  it('is symmetric and PSD', () => {
    const c = sampleCovariance(R);
    expect(c).toEqual(c.map((r, i) => r.map((_, j) => c[j][i])));
    expect(isPsd(c)).toBe(true);
    expect(minEig(c)).toBeGreaterThan(0);
  });

  it('stays accurate for data with a large offset (two-pass, no cancellation)', () => {
    const x = [[1e9 + 1], [1e9 + 2], [1e9 + 3], [1e9 + 4]];
    expect(sampleCovariance(x)[0][0]).toBeCloseTo(5 / 3, 12);
  });

  it('permuting columns permutes the covariance (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((n) =>
          fc.tuple(
            fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: 3, maxLength: 12 }),
            fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
          )),
        ([x, perm]) => {
          const c = sampleCovariance(x);
          const cp = sampleCovariance(x.map((r) => perm.map((k) => r[k])));
          for (let i = 0; i < perm.length; i++) {
            for (let j = 0; j < perm.length; j++) {
              expect(cp[i][j]).toBeCloseTo(c[perm[i]][perm[j]], 12);
            }
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('rejects a non-finite entry naming its position', () => {
    expect(() => sampleCovariance([[1, 2], [3, NaN]])).toThrow(/x\[1\]\[1\]: must be a finite number; got NaN/);
    expect(() => sampleCovariance([[1, 2]])).toThrow(ValidationError);
  });
});

describe('ewmaCovariance', () => {
  it('has the EWMA vol forecast squared on its diagonal and is PSD', () => {
    const c = ewmaCovariance(R, 0.94);
    for (let j = 0; j < 4; j++) {
      const v = ewmaVolatility(R.map((r) => r[j]), { lambda: 0.94 }).forecastVariance;
      expect(c[j][j]).toBeCloseTo(v, 15);
      expect(Math.abs(c[j][j] - v) / v).toBeLessThan(1e-12);
    }
    expect(minEig(c)).toBeGreaterThan(0);
  });

  it('follows the recursion by hand on 3 rows', () => {
    const x = [[0.01, 0.02], [-0.02, 0.01], [0.03, -0.01]];
    const l = 0.9;
    let s = naiveCov(x); // seed: all 3 rows (fewer than seedWindow)
    for (const r of x) s = s.map((row, i) => row.map((v, j) => l * v + (1 - l) * r[i] * r[j]));
    expect(maxAbsDiff(ewmaCovariance(x, { lambda: l }), s)).toBeLessThan(1e-18);
  });

  it('rejects lambda outside (0, 1)', () => {
    expect(() => ewmaCovariance(R, 1)).toThrow(/lambda: must be in \(0, 1\); got 1/);
  });
});

describe('ledoitWolf', () => {
  it('identity target equals the scikit-learn formula on a small matrix', () => {
    const x = [
      [0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.6, 0.9, 0.2], [0.8, -0.3, 1.4], [-1.5, 0.7, -0.1], [0.2, 1.6, -0.9],
    ];
    const ref = sklearnLedoitWolf(x);
    const lw = ledoitWolf(x, { target: 'identity' });
    expect(lw.shrinkage).toBeCloseTo(ref.shrinkage, 14);
    expect(maxAbsDiff(lw.covariance, ref.cov)).toBeLessThan(1e-14);
  });

  it('identity target equals the scikit-learn formula on EuStockMarkets returns', () => {
    const ref = sklearnLedoitWolf(R);
    const lw = ledoitWolf(R);
    expect(Math.abs(lw.shrinkage - ref.shrinkage)).toBeLessThan(1e-12);
    expect(maxAbsDiff(lw.covariance, ref.cov)).toBeLessThan(1e-18);
  });

  it.each(['identity', 'constant-correlation'] as const)('%s: intensity in [0, 1], PSD output, lower condition number', (target) => {
    const lw = ledoitWolf(R, { target });
    expect(lw.shrinkage).toBeGreaterThan(0);
    expect(lw.shrinkage).toBeLessThanOrEqual(1);
    expect(minEig(lw.covariance)).toBeGreaterThan(0);
    expect(conditionNumber(lw.covariance)).toBeLessThan(conditionNumber(sampleCovariance(R)));
  });

  it('constant-correlation target keeps variances and has one common correlation', () => {
    const lw = ledoitWolf(R, { target: 'constant-correlation' });
    const rho = correlationFromCovariance(lw.target);
    const s = naiveCov(R).map((r) => r.map((v) => (v * (R.length - 1)) / R.length));
    for (let i = 0; i < 4; i++) {
      expect(lw.covariance[i][i]).toBeCloseTo(s[i][i], 16);
      for (let j = 0; j < 4; j++) if (i !== j) expect(rho[i][j]).toBeCloseTo(rho[0][1], 12);
    }
  });

  it('shrinks harder when there are few observations for many variables', () => {
    const rows = R.slice(0, 12);
    expect(ledoitWolf(rows).shrinkage).toBeGreaterThan(ledoitWolf(R).shrinkage);
  });
});

describe('correlation ↔ covariance', () => {
  it('round-trips vols and correlation', () => {
    const c = sampleCovariance(R);
    const rho = correlationFromCovariance(c);
    const vols = c.map((r, i) => Math.sqrt(r[i]));
    expect(rho.every((r, i) => r[i] === 1)).toBe(true);
    expect(maxAbsDiff(covarianceFromVolsAndCorrelation(vols, rho), c)).toBeLessThan(1e-18);
  });

  it('rejects a non-PSD correlation with a hint to repair it', () => {
    const bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]];
    expect(() => covarianceFromVolsAndCorrelation([1, 1, 1], bad)).toThrow(/correlation: must be positive semi-definite.*nearestPsd/);
  });

  it('rejects a zero variance naming the entry', () => {
    expect(() => correlationFromCovariance([[1, 0], [0, 0]])).toThrow(/covariance\[1\]\[1\]: variance must be > 0; got 0/);
  });
});
