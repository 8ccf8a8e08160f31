import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf, normalQuantile } from '../../src/stats/index.js';
import { ewmaVolatility } from '../../src/market/index.js';
import { cornishFisherEs, cornishFisherVar, filteredHistoricalScenarios, worstWindow } from '../../src/risk/index.js';
import { euReturns } from '../market/helpers.js';

describe('Cornish–Fisher VaR/ES', () => {
  it('reduces to the normal VaR (2.326σ) and ES (2.665σ) at 99 % with zero skew and kurtosis', () => {
    expect(cornishFisherVar(0, 1, 0, 0, 0.99)).toBeCloseTo(2.3263478740408408, 14);
    expect(cornishFisherEs(0, 1, 0, 0, 0.99)).toBeCloseTo(normalPdf(normalQuantile(0.99)) / 0.01, 10);
    expect(cornishFisherEs(0, 1, 0, 0, 0.99)).toBeCloseTo(2.665, 3);
    expect(cornishFisherVar(0.001, 0.02, 0, 0, 0.99)).toBeCloseTo(-0.001 + 0.02 * 2.3263478740408408, 15);
  });

  it('ES matches the closed-form tail integral of the CF quantile with skew and kurtosis', () => {
    // ∫_{−∞}^{z} uᵏ φ(u) du: Φ(z), −φ(z), Φ(z) − zφ(z), −(z² + 2)φ(z).
    const a = 0.975;
    const S = -0.6;
    const K = 2.5;
    const z = normalQuantile(1 - a);
    const [i0, i1, i2, i3] = [normalCdf(z), -normalPdf(z), normalCdf(z) - z * normalPdf(z), -(z * z + 2) * normalPdf(z)];
    const tail = i1 + ((i2 - i0) * S) / 6 + ((i3 - 3 * i1) * K) / 24 - ((2 * i3 - 5 * i1) * S * S) / 36;
    const es = -(0.0005 + 0.015 * (tail / (1 - a)));
    expect(cornishFisherEs(0.0005, 0.015, S, K, a)).toBeCloseTo(es, 12);
  });

  it('fat tails and negative skew raise VaR, and ES ≥ VaR', () => {
    const base = cornishFisherVar(0, 1, 0, 0, 0.99);
    const fat = cornishFisherVar(0, 1, -0.5, 3, 0.99);
    expect(fat).toBeGreaterThan(base);
    expect(cornishFisherEs(0, 1, -0.5, 3, 0.99)).toBeGreaterThan(fat);
  });

  it('rejects a confidence outside (0, 1) naming it', () => {
    expect(() => cornishFisherVar(0, 1, 0, 0, 1.5)).toThrow(/confidence: must be in \(0, 1\); got 1.5/);
    expect(() => cornishFisherEs(0, -1, 0, 0, 0.99)).toThrow(/sd: must be ≥ 0; got -1/);
  });
});

describe('filteredHistoricalScenarios', () => {
  const R = euReturns().slice(0, 300);

  it('equals historical scenarios when the vol is constant', () => {
    const vols = R.map(() => [0.01, 0.01, 0.01, 0.01]);
    expect(filteredHistoricalScenarios(R, vols, [0.01, 0.01, 0.01, 0.01])).toEqual(R);
  });

  it('rescales each column by current vol over conditional vol (EWMA filter)', () => {
    const cols = [0, 1, 2, 3].map((j) => ewmaVolatility(R.map((r) => r[j])));
    const vols = R.map((_, t) => cols.map((c) => c.vols[t]));
    const now = cols.map((c) => c.forecast);
    const f = filteredHistoricalScenarios(R, vols, now);
    expect(f[17][2]).toBeCloseTo((R[17][2] * now[2]) / vols[17][2], 18);
  });

  it('rejects a zero conditional vol naming its cell', () => {
    expect(() => filteredHistoricalScenarios([[0.1]], [[0]], [0.1])).toThrow(/vols\[0\]\[0\]: must be > 0; got 0/);
  });
});

describe('worstWindow', () => {
  it('finds the window with the largest cumulative loss, earliest on ties', () => {
    expect(worstWindow([1, -2, -3, 4], 2)).toEqual({ start: 1, end: 3, total: -5, pnl: [-2, -3] });
    expect(worstWindow([-1, 0, -1, 0], 2).start).toBe(0);
  });

  it('rejects a window longer than the series', () => {
    expect(() => worstWindow([1, 2], 3)).toThrow(/windowLength: must be ≤ the series length \(2\); got 3/);
  });
});
