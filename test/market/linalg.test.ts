import { describe, expect, it } from 'vitest';
import { conditionNumber, isPsd, jacobiEigen, nearestPsd } from '../../src/market/index.js';
import { matmul, maxAbsDiff, transpose } from './helpers.js';

describe('jacobiEigen', () => {
  // Known 3×3: eigenvalues 2 − √2, 2, 2 + √2 of the tridiagonal [2 −1 0; −1 2 −1; 0 −1 2].
  const A = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]];

  it('finds the known eigenvalues of a 3×3 tridiagonal matrix', () => {
    const { values } = jacobiEigen(A);
    expect(values[0]).toBeCloseTo(2 - Math.SQRT2, 14);
    expect(values[1]).toBeCloseTo(2, 14);
    expect(values[2]).toBeCloseTo(2 + Math.SQRT2, 14);
  });

  it('satisfies A·v = λ·v, VᵀV = I and V·Λ·Vᵀ = A', () => {
    const B = [[4, 1, 2, 0.5], [1, 3, 0.2, -1], [2, 0.2, 5, 0.3], [0.5, -1, 0.3, 2]];
    for (const M of [A, B]) {
      const { values, vectors: V } = jacobiEigen(M);
      const n = M.length;
      const AV = matmul(M, V);
      for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) expect(AV[i][k]).toBeCloseTo(values[k] * V[i][k], 13);
      const I = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      expect(maxAbsDiff(matmul(transpose(V), V), I)).toBeLessThan(1e-14);
      const L = V.map((r) => r.map((v, k) => v * values[k]));
      expect(maxAbsDiff(matmul(L, transpose(V)), M)).toBeLessThan(1e-13);
    }
  });

  it('is scale-free: entries near 1e200 or 1e-200 give the scaled eigenvalues, not the diagonal', () => {
    // [[1, 2], [2, 1]] has eigenvalues −1 and 3; squaring 1e200 entries overflows a naive norm test.
    for (const s of [1e200, 1e-200]) {
      const { values } = jacobiEigen([[s, 2 * s], [2 * s, s]]);
      expect(values[0] / s).toBeCloseTo(-1, 12);
      expect(values[1] / s).toBeCloseTo(3, 12);
      expect(isPsd([[s, 2 * s], [2 * s, s]])).toBe(false);
    }
    const fixed = nearestPsd([[1e200, 2e200], [2e200, 1e200]]);
    expect(fixed[0][1] / 1e200).toBeCloseTo(1.5, 12);
  });

  it('rejects a non-symmetric matrix naming the entry', () => {
    expect(() => jacobiEigen([[1, 2], [3, 1]])).toThrow(/a\[0\]\[1\]: must equal a\[1\]\[0\]/);
  });
});

describe('nearestPsd', () => {
  const bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]];

  it('clip repairs a non-PSD matrix (min eigenvalue ≥ −1e-12)', () => {
    expect(isPsd(bad)).toBe(false);
    const r = nearestPsd(bad, { method: 'clip' });
    expect(jacobiEigen(r).values[0]).toBeGreaterThanOrEqual(-1e-12);
    expect(r).toEqual(r.map((row, i) => row.map((_, j) => r[j][i])));
  });

  it('clip honours a positive eigenvalue floor', () => {
    const r = nearestPsd(bad, { minEigenvalue: 1e-4 });
    expect(jacobiEigen(r).values[0]).toBeGreaterThan(1e-4 - 1e-12);
  });

  it('higham gives a PSD matrix with the original diagonal', () => {
    const r = nearestPsd(bad, { method: 'higham' });
    expect(jacobiEigen(r).values[0]).toBeGreaterThanOrEqual(-1e-12);
    for (let i = 0; i < 3; i++) expect(r[i][i]).toBeCloseTo(1, 14);
    const cov = bad.map((row, i) => row.map((v, j) => v * (i + 1) * (j + 1) * 0.01));
    const rc = nearestPsd(cov, { method: 'higham' });
    expect(jacobiEigen(rc).values[0]).toBeGreaterThanOrEqual(-1e-12);
    for (let i = 0; i < 3; i++) expect(rc[i][i]).toBeCloseTo(cov[i][i], 15);
  });

  it('higham reproduces the published nearest correlation matrix of [[1,1,0],[1,1,1],[0,1,1]]', () => {
    // Higham (2002), §3: off-diagonals 0.7607 and 0.1573 (4 decimals in the paper).
    const r = nearestPsd([[1, 1, 0], [1, 1, 1], [0, 1, 1]], { method: 'higham' });
    expect(r[0][1]).toBeCloseTo(0.7607, 4);
    expect(r[1][2]).toBeCloseTo(0.7607, 4);
    expect(r[0][2]).toBeCloseTo(0.1573, 4);
    expect(jacobiEigen(r).values[0]).toBeGreaterThanOrEqual(-1e-12);
  });

  it.each(['clip', 'higham'] as const)('%s leaves a PSD matrix unchanged', (method) => {
    const ok = [[1, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 1]];
    expect(nearestPsd(ok, { method })).toEqual(ok);
  });
});

describe('isPsd and conditionNumber', () => {
  it('conditionNumber is λmax/λmin for a diagonal matrix and Infinity when singular', () => {
    expect(conditionNumber([[4, 0], [0, 1]])).toBeCloseTo(4, 14);
    expect(conditionNumber([[1, 1], [1, 1]])).toBe(Infinity);
  });

  it('isPsd accepts a singular PSD matrix', () => {
    expect(isPsd([[1, 1], [1, 1]])).toBe(true);
  });
});
