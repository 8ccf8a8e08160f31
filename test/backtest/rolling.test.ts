import { describe, expect, it } from 'vitest';
import {
  backtest,
  ewmaNormalForecaster,
  historicalForecaster,
  rollingBacktest,
  scaledForecaster,
  tailCount,
} from '../../src/backtest/index.js';
import { normals } from './rng.js';

const Z99 = 2.3263478740408408; // Φ⁻¹(0.99)

describe('rollingBacktest', () => {
  // 1,250 iid N(0, 1) losses from a seeded RNG; 1,000 backtested days after a 250-day window.
  const losses = normals(4, 1250);

  it('passes a correct model (the true 99 % quantile of N(0, 1)) on simulated normal data', () => {
    const r = rollingBacktest(losses, () => Z99, { window: 250, confidence: 0.99 });
    expect(r.n).toBe(1000);
    expect(r.start).toBe(250);
    expect(r.exceedances).toBe(14);
    expect(r.kupiec.pValue).toBeGreaterThanOrEqual(0.05);
    expect(r.christoffersen.pValueCc).toBeGreaterThanOrEqual(0.05);
    expect(r.trafficLight.zone).toBe('green');
    expect(r.passed).toBe(true);
    expect(r.failed).toBe(false);
  });

  it('fails a model whose VaR is half the correct one', () => {
    const r = rollingBacktest(losses, scaledForecaster(() => Z99, 0.5), { window: 250, confidence: 0.99 });
    expect(r.exceedances).toBeGreaterThan(100);
    expect(r.trafficLight.zone).toBe('red');
    expect(r.kupiec.pValue).toBeLessThan(0.05);
    expect(r.failed).toBe(true);
    expect(r.passed).toBe(false);
  });

  it('gives the forecaster only the previous `window` observations, oldest first', () => {
    const seen: number[][] = [];
    rollingBacktest([10, 11, 12, 13, 14], (h) => (seen.push(Array.from(h)), 100), { window: 2, confidence: 0.9 });
    expect(seen).toEqual([
      [10, 11],
      [11, 12],
      [12, 13],
    ]);
  });

  it('flips the sign of a P&L series so that losses are positive', () => {
    const r = rollingBacktest([0, 0, -5, 5], () => 1, { window: 2, confidence: 0.9, input: 'pnl' });
    expect(Array.from(r.losses)).toEqual([5, -5]);
    expect(Array.from(r.hits)).toEqual([1, 0]);
  });

  it('starts later when asked so that models with different windows share the same days', () => {
    const r = rollingBacktest(losses, historicalForecaster, { window: 100, start: 250, confidence: 0.99 });
    expect(r.n).toBe(1000);
    expect(r.window).toBe(100);
  });

  it('rejects a forecaster that returns NaN, naming the day', () => {
    expect(() => rollingBacktest([1, 2, 3], () => NaN, { window: 2, confidence: 0.99 })).toThrow(
      /forecaster: must return a finite VaR; got NaN for day 2/,
    );
  });

  it('rejects a series no longer than the window', () => {
    expect(() => rollingBacktest([1, 2], () => 1, { window: 2, confidence: 0.99 })).toThrow(
      /pnlOrLosses: must have at least 3 element\(s\); got 2/,
    );
  });
});

describe('backtest on given forecasts', () => {
  it('runs every test on the same hit sequence', () => {
    const r = backtest([1, 5, 2, 0], [3, 3, 3, 3], { confidence: 0.99 });
    expect(r.exceedances).toBe(1);
    expect(r.kupiec.exceedances).toBe(1);
    expect(r.trafficLight.n).toBe(4);
    expect(r.meanForecast).toBe(3);
  });
});

describe('built-in forecasters', () => {
  it('tailCount gives k = 10 for 99 % of 1,000 (not 11)', () => {
    expect(tailCount(1000, 0.99)).toBe(10);
    expect(tailCount(250, 0.99)).toBe(3); // ceil(2.5)
    expect(tailCount(10, 0.999)).toBe(1);
  });

  it('historical VaR is the k-th largest loss', () => {
    const h = Float64Array.from({ length: 1000 }, (_, i) => i + 1); // losses 1…1000
    expect(historicalForecaster(h, 0.99)).toBe(991); // 10th largest
    expect(historicalForecaster(Float64Array.from([4, 1, 3, 2]), 0.5)).toBe(3);
  });

  it('historical VaR does not reorder the history it is given', () => {
    const h = Float64Array.from([3, 1, 2]);
    historicalForecaster(h, 0.5);
    expect(Array.from(h)).toEqual([3, 1, 2]);
  });

  it('EWMA-normal VaR follows the RiskMetrics recursion from a mean-square seed', () => {
    // seed σ² = (1 + 4) / 2 = 2.5; then 0.9·2.5 + 0.1·1 = 2.35; then 0.9·2.35 + 0.1·4 = 2.515
    const v = ewmaNormalForecaster(0.9)(Float64Array.from([1, -2]), 0.99);
    expect(v).toBeCloseTo(Z99 * Math.sqrt(2.515), 12);
  });

  it('scaling multiplies the VaR', () => {
    expect(scaledForecaster(() => 2, 1.5)(new Float64Array(1), 0.99)).toBe(3);
    expect(() => scaledForecaster(() => 2, 0)).toThrow(/multiplier: must be in \(0, /);
  });

  it('rejects an EWMA lambda outside (0, 1)', () => {
    expect(() => ewmaNormalForecaster(1)).toThrow(/lambda: must be in \(0, 1\); got 1/);
  });
});
