import { describe, expect, it } from 'vitest';
import { recalibrate, rollingBacktest, historicalForecaster } from '../../src/backtest/index.js';
import { garchLosses } from './rng.js';

describe('recalibrate', () => {
  // GARCH(1,1) losses (α = 0.10, β = 0.88): volatility clusters, so 250-day historical VaR reacts too slowly.
  const losses = garchLosses(4, 1250);
  const byDefault = recalibrate(losses, { window: 250, confidence: 0.99 });

  it('turns a failing historical model into a passing one', () => {
    const before = rollingBacktest(losses, historicalForecaster, { window: 250, confidence: 0.99 });
    expect(before.trafficLight.zone).toBe('red');

    const r = byDefault;
    expect(r.status).toBe('recalibrated');
    expect(r.before.result.failed).toBe(true);
    expect(r.after).not.toBeNull();
    const after = r.after!;
    expect(after.result.passed).toBe(true);
    expect(after.result.trafficLight.zone).toBe('green');
    expect(after.result.kupiec.pValue).toBeGreaterThanOrEqual(0.05);
    expect(after.result.christoffersen.pValueCc).toBeGreaterThanOrEqual(0.05);
    expect(after.result.n).toBe(r.before.result.n);
  });

  it('proposes the passing candidate with the smallest mean VaR', () => {
    const r = byDefault;
    const passing = r.evaluated.filter((c) => c.passed);
    const cheapest = Math.min(...passing.map((c) => c.meanForecast));
    expect(r.after!.result.meanForecast).toBe(cheapest);
    expect(r.evaluated).toHaveLength(4 * 6); // historical + 3 lambdas, × 6 multipliers
  });

  it('is deterministic', () => {
    const a = recalibrate(losses, { window: 250, confidence: 0.99, candidates: { windows: [100, 250] } });
    const b = recalibrate(losses, { window: 250, confidence: 0.99, candidates: { windows: [100, 250] } });
    expect(a.after!.model).toEqual(b.after!.model);
    expect(a.evaluated).toEqual(b.evaluated);
  });

  it('leaves a model that does not fail alone', () => {
    const calm = garchLosses(1, 1250);
    const r = recalibrate(calm, { window: 250, confidence: 0.99 });
    expect(r.status).toBe('not-needed');
    expect(r.after!.model).toEqual(r.before.model);
    expect(r.evaluated).toEqual([]);
  });

  it('reports when no candidate passes', () => {
    const r = recalibrate(losses, {
      window: 250,
      confidence: 0.99,
      candidates: { lambdas: [0.94], multipliers: [0.5] },
    });
    expect(r.status).toBe('no-passing-candidate');
    expect(r.after).toBeNull();
    expect(r.evaluated.every((c) => !c.passed)).toBe(true);
  });

  it('rejects a series too short for the largest candidate window', () => {
    expect(() =>
      recalibrate(losses.subarray(0, 300), { window: 250, confidence: 0.99, candidates: { windows: [500] } }),
    ).toThrow(/losses: must have at least 501 element\(s\); got 300/);
  });
});
