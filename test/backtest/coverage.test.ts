import { describe, expect, it } from 'vitest';
import { christoffersen, exceedances, kupiecPof } from '../../src/backtest/index.js';
import { ValidationError } from '../../src/errors/index.js';

describe('exceedances', () => {
  it('counts a day as an exceedance only when the loss is strictly above the VaR', () => {
    const r = exceedances([1, 3, 3.0001, -2], [3, 3, 3, 3]);
    expect(Array.from(r.hits)).toEqual([0, 0, 1, 0]);
    expect(r.count).toBe(1);
    expect(r.n).toBe(4);
    expect(r.rate).toBe(0.25);
  });

  it('rejects series of different lengths, naming the field', () => {
    expect(() => exceedances([1, 2], [1])).toThrow(/varForecasts: must have the same length as losses \(2\); got 1/);
  });

  it('rejects a non-finite loss, naming the index and the value', () => {
    expect(() => exceedances([1, NaN], [1, 1])).toThrow(/losses\[1\]: must be a finite number; got NaN/);
  });
});

describe('kupiecPof', () => {
  it('matches the formula computed by hand for n = 20, x = 3, p = 0.05', () => {
    // LR = -2[17 ln 0.95 + 3 ln 0.05] + 2[17 ln 0.85 + 3 ln 0.15] = 2.81000213826103
    const byHand = -2 * (17 * Math.log(0.95) + 3 * Math.log(0.05)) + 2 * (17 * Math.log(0.85) + 3 * Math.log(0.15));
    const r = kupiecPof(20, 3, 0.95);
    expect(r.lr).toBeCloseTo(byHand, 10);
    expect(r.lr).toBeCloseTo(2.81000213826103, 8);
    // chi-square(1) survival = erfc(sqrt(LR/2)) = 0.0936782508519142
    expect(r.pValue).toBeCloseTo(0.0936782508519142, 9);
    expect(r.observedRate).toBe(0.15);
  });

  it('is finite with zero exceedances: LR = -2 n ln(1 - p)', () => {
    const r = kupiecPof(250, 0, 0.99);
    expect(r.lr).toBeCloseTo(-2 * 250 * Math.log(0.99), 9); // 5.0251679…
    expect(Number.isFinite(r.pValue)).toBe(true);
  });

  it('is finite when every day is an exceedance: LR = -2 n ln p', () => {
    const r = kupiecPof(10, 10, 0.99);
    expect(r.lr).toBeCloseTo(-2 * 10 * Math.log(0.01), 9); // 92.1034…
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-20);
  });

  it('is zero (p-value 1) when the observed rate equals p', () => {
    const r = kupiecPof(100, 5, 0.95);
    expect(r.lr).toBeGreaterThanOrEqual(0);
    expect(r.lr).toBeLessThan(1e-12);
    expect(r.pValue).toBeCloseTo(1, 6);
  });

  it('rejects x > n and a confidence outside (0, 1), naming the value', () => {
    expect(() => kupiecPof(5, 6, 0.99)).toThrow(/x: must be an integer in \[0, 5\]; got 6/);
    expect(() => kupiecPof(5, 1, 1.5)).toThrow(/confidence: must be in \(0, 1\); got 1.5/);
    expect(() => kupiecPof(0, 0, 0.99)).toThrow(ValidationError);
  });
});

describe('christoffersen', () => {
  // hits 0 0 1 1 1 0 0 0 0 1 0 0: transitions n00 = 5, n01 = 2, n10 = 2, n11 = 2; x = 4 of n = 12.
  const hits = [0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0];

  it('counts the transitions of a stated sequence', () => {
    const r = christoffersen(hits, 0.9);
    expect([r.n00, r.n01, r.n10, r.n11]).toEqual([5, 2, 2, 2]);
    expect(r.pi01).toBeCloseTo(2 / 7, 15);
    expect(r.pi11).toBe(0.5);
    expect(r.pi).toBeCloseTo(4 / 11, 15);
  });

  it('matches LR_ind, LR_pof and LR_cc computed by hand', () => {
    const pi01 = 2 / 7;
    const pi11 = 1 / 2;
    const pi = 4 / 11;
    const lrInd =
      -2 * (7 * Math.log(1 - pi) + 4 * Math.log(pi)) +
      2 * (5 * Math.log(1 - pi01) + 2 * Math.log(pi01) + 2 * Math.log(1 - pi11) + 2 * Math.log(pi11));
    const lrPof = -2 * (8 * Math.log(0.9) + 4 * Math.log(0.1)) + 2 * (8 * Math.log(8 / 12) + 4 * Math.log(4 / 12));
    const r = christoffersen(hits, 0.9);
    expect(r.lrInd).toBeCloseTo(lrInd, 12);
    expect(r.lrInd).toBeCloseTo(0.4996473411574751, 10);
    expect(r.lrPof).toBeCloseTo(lrPof, 12);
    expect(r.lrPof).toBeCloseTo(4.830108955402078, 10);
    expect(r.lrCc).toBeCloseTo(5.3297562965595535, 10);
    // chi-square(2) survival = exp(-LR/2)
    expect(r.pValueCc).toBeCloseTo(Math.exp(-5.3297562965595535 / 2), 10);
  });

  it('gives LR_ind = 0 and finite LR_cc for zero exceedances (n01 = n11 = 0)', () => {
    const r = christoffersen(new Array(50).fill(0), 0.99);
    expect([r.n00, r.n01, r.n10, r.n11]).toEqual([49, 0, 0, 0]);
    expect(r.lrInd).toBe(0);
    expect(r.lrCc).toBeCloseTo(-2 * 50 * Math.log(0.99), 9);
    expect(Number.isFinite(r.pValueCc)).toBe(true);
  });

  it('is finite when every day is an exceedance (no state-0 transitions)', () => {
    const r = christoffersen([1, 1, 1, 1], 0.99);
    expect([r.n00, r.n01, r.n10, r.n11]).toEqual([0, 0, 0, 3]);
    expect(r.lrInd).toBe(0);
    expect(r.lrCc).toBeCloseTo(-2 * 4 * Math.log(0.01), 9);
    expect(Number.isFinite(r.pValueCc)).toBe(true);
  });

  it('is finite when exceedances never follow one another (n11 = 0)', () => {
    // 0 1 0 1 0: n00 = 0, n01 = 2, n10 = 2, n11 = 0 -> pi01 = 1, pi11 = 0, pi = 1/2
    const r = christoffersen([0, 1, 0, 1, 0], 0.9);
    expect([r.n00, r.n01, r.n10, r.n11]).toEqual([0, 2, 2, 0]);
    expect(r.lrInd).toBeCloseTo(-2 * (2 * Math.log(0.5) + 2 * Math.log(0.5)), 12); // 5.5451774…
    expect(Number.isFinite(r.pValueInd)).toBe(true);
  });

  it('is finite when n01 = 0 (a single leading exceedance)', () => {
    const r = christoffersen([1, 0, 0, 0], 0.9);
    expect([r.n00, r.n01, r.n10, r.n11]).toEqual([2, 0, 1, 0]);
    expect(r.lrInd).toBe(0);
    expect(Number.isFinite(r.lrCc)).toBe(true);
  });

  it('has no transitions and LR_ind = 0 for a single observation', () => {
    const r = christoffersen([1], 0.99);
    expect(r.lrInd).toBe(0);
    expect(r.pValueInd).toBe(1);
    expect(r.lrCc).toBeCloseTo(-2 * Math.log(0.01), 12);
  });

  it('rejects a hit that is not 0/1, naming the index', () => {
    expect(() => christoffersen([0, 2], 0.99)).toThrow(/hits\[1\]: must be 0, 1, true or false; got 2/);
  });
});
