import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { ewmaVolatility, fitGarch11, garchForecast } from '../../src/market/index.js';
import { euReturns, normals, rng } from './helpers.js';

describe('ewmaVolatility', () => {
  it('follows the RiskMetrics recursion by hand on 3 points', () => {
    const r = [0.01, -0.02, 0.015];
    const l = 0.94;
    const m = (0.01 - 0.02 + 0.015) / 3;
    const v0 = ((0.01 - m) ** 2 + (-0.02 - m) ** 2 + (0.015 - m) ** 2) / 2; // seed: sample variance of all 3
    const v1 = l * v0 + (1 - l) * 0.01 ** 2;
    const v2 = l * v1 + (1 - l) * 0.02 ** 2;
    const v3 = l * v2 + (1 - l) * 0.015 ** 2;
    const out = ewmaVolatility(r, { lambda: l });
    expect(out.variances[0]).toBeCloseTo(v0, 18);
    expect(out.variances[1]).toBeCloseTo(v1, 18);
    expect(out.variances[2]).toBeCloseTo(v2, 18);
    expect(out.forecastVariance).toBeCloseTo(v3, 18);
    expect(out.forecast).toBeCloseTo(Math.sqrt(v3), 15);
  });

  it('seeds with the first seedWindow returns only', () => {
    const r = [0.01, -0.01, 0.5, 0.3];
    expect(ewmaVolatility(r, { seedWindow: 2 }).variances[0]).toBeCloseTo(2e-4, 18);
  });

  it('rejects lambda = 1 naming the option', () => {
    expect(() => ewmaVolatility([0.1, 0.2], { lambda: 1 })).toThrow(/options\.lambda: must be in \(0, 1\); got 1/);
  });
});

describe('fitGarch11', () => {
  // Simulated GARCH(1,1): T = 4000 after a 500-step burn-in, ω = 1e-6, α = 0.08, β = 0.9, seed 1.
  const u = rng(1);
  const z = normals(u);
  const w = 1e-6, a = 0.08, b = 0.9;
  let h = w / (1 - a - b);
  const sim: number[] = [];
  for (let t = 0; t < 4500; t++) {
    const e = Math.sqrt(h) * z();
    if (t >= 500) sim.push(e);
    h = w + a * e * e + b * h;
  }
  const fit = fitGarch11(sim);

  it('recovers simulated parameters: |Δα| ≤ 0.025, |Δβ| ≤ 0.04, |Δ(α+β)| ≤ 0.015, long-run variance within 35 %', () => {
    expect(Math.abs(fit.alpha - a)).toBeLessThanOrEqual(0.025);
    expect(Math.abs(fit.beta - b)).toBeLessThanOrEqual(0.04);
    expect(Math.abs(fit.persistence - (a + b))).toBeLessThanOrEqual(0.015);
    expect(Math.abs(fit.longRunVariance / (w / (1 - a - b)) - 1)).toBeLessThan(0.35);
    expect(fit.converged).toBe(true);
  });

  it('finds a likelihood at least as high as at the true parameters', () => {
    let hh = sim.reduce((s, e) => s + e * e, 0) / sim.length;
    let ll = 0;
    for (let t = 0; t < sim.length; t++) {
      if (t > 0) hh = w + a * sim[t - 1] ** 2 + b * hh;
      ll += -0.5 * (Math.log(2 * Math.PI) + Math.log(hh) + sim[t] ** 2 / hh);
    }
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(ll - 1e-6);
  });

  it('returns conditional vols and a forecast converging to the long-run variance', () => {
    expect(fit.conditionalVol.length).toBe(sim.length);
    expect(fit.forecast.variance.length).toBe(10);
    const far = garchForecast(fit, fit.forecast.variance[0], 5000);
    expect(far[4999]).toBeCloseTo(fit.longRunVariance, 15);
    const e = sim[sim.length - 1];
    const last = fit.conditionalVol[sim.length - 1] ** 2;
    expect(fit.forecast.variance[0]).toBeCloseTo(fit.omega + fit.alpha * e * e + fit.beta * last, 18);
  });

  it('fits the DAX with high persistence and α + β < 1', () => {
    const dax = euReturns().map((r) => r[0]);
    const f = fitGarch11(dax, { mean: 'constant' });
    expect(f.alpha).toBeGreaterThan(0);
    expect(f.persistence).toBeLessThan(1);
    expect(f.persistence).toBeGreaterThan(0.8);
  });

  it('rejects a series shorter than 30 and a constant series', () => {
    expect(() => fitGarch11(sim.slice(0, 29))).toThrow(/returns: GARCH\(1,1\) needs at least 30 returns; got 29/);
    const e = (() => { try { fitGarch11(new Array(40).fill(0.01)); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).rule).toBe('constant');
  });
});
