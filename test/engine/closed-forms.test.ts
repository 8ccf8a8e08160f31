import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { normalPdf, normalQuantile, studentTEsStandard, studentTPdf, studentTQuantile } from '../../src/stats/index.js';
import { equicorrelated, portfolioSigma } from '../helpers.js';

// A 5-factor book with mixed long/short exposures on a correlated covariance.
const cov = equicorrelated([0.01, 0.02, 0.015, 0.03, 0.025], 0.35);
const w = [2e6, -1e6, 1.5e6, 5e5, -8e5];
const sigma = portfolioSigma(w, cov);

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});
afterAll(async () => {
  await engine.close();
});

/**
 * Monte Carlo standard errors of the tail estimators (asymptotic, p = 1 − a, N scenarios):
 *   SE(VaR) = sqrt(p(1−p)/N) / f(q)                     (quantile of density f)
 *   SE(ES)  = sqrt([Var(L | L ≥ q) + (1−p)(ES − q)²] / (N p))
 * The tests accept |estimate − closed form| ≤ 4 SE (a false alarm about 6 in 100,000 runs —
 * and the seed is fixed, so a pass is reproducible).
 */
function tolerances(n: number, a: number, q: number, es: number, density: number, tailVar: number) {
  const p = 1 - a;
  return {
    varTol: 4 * (Math.sqrt((p * (1 - p)) / n) / density),
    esTol: 4 * Math.sqrt((tailVar + (1 - p) * (es - q) ** 2) / (n * p)),
  };
}

describe('closed forms', () => {
  it('parametric normal VaR99 is 2.3263σ and ES99 is 2.6652σ', async () => {
    const r = await engine.var({ exposures: w }, { covariance: cov }, { method: 'parametric', confidence: 0.99 });
    expect(r.var / sigma).toBeCloseTo(2.3263478740408408, 12);
    expect(r.es / sigma).toBeCloseTo(2.6652142203458076, 10);
  });

  it('parametric scales with sqrt of the horizon and subtracts the mean', async () => {
    const mean = [1e-4, 0, 2e-4, 0, 0];
    const mu = 2e6 * 1e-4 + 1.5e6 * 2e-4;
    const r = await engine.var({ exposures: w }, { covariance: cov, mean }, { method: 'parametric', confidence: 0.99, horizonDays: 10 });
    expect(r.var).toBeCloseTo(2.3263478740408408 * sigma * Math.sqrt(10) - 10 * mu, 6);
  });

  it('Monte Carlo normal VaR99 and ES99 agree with 2.3263σ and 2.6652σ within 4 standard errors', async () => {
    const n = 400_000;
    const a = 0.99;
    const q = normalQuantile(a);
    const es = normalPdf(q) / (1 - a);
    // normal tail: E[L² | L ≥ q] = 1 + q·ES, so Var = 1 + q·ES − ES²
    const { varTol, esTol } = tolerances(n, a, q, es, normalPdf(q), 1 + q * es - es * es);
    const r = await engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', confidence: a, scenarios: n, seed: 1 });
    expect(r.k).toBe(4000);
    expect(Math.abs(r.var / sigma - q)).toBeLessThan(varTol);
    expect(Math.abs(r.es / sigma - es)).toBeLessThan(esTol);
    expect(Math.abs(r.meanLoss / sigma)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(r.stdLoss / sigma - 1)).toBeLessThan(4 / Math.sqrt(2 * n));
  });

  it('Monte Carlo Student-t ES matches the unit-variance t closed form within 4 standard errors', async () => {
    const n = 400_000;
    const a = 0.99;
    const nu = 5;
    const c = Math.sqrt((nu - 2) / nu); // unit-variance scaling
    const q = c * studentTQuantile(a, nu);
    const es = c * studentTEsStandard(a, nu);
    // known-answer check of the distribution functions themselves (tables: t_{0.99,5} = 3.36493)
    expect(studentTQuantile(a, nu)).toBeCloseTo(3.36493, 5);
    const r = await engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-t', df: nu, confidence: a, scenarios: n, seed: 3 });
    // tail variance estimated from the run's own k largest losses (in σ units)
    const tail = r.tail.losses.map((x) => x / sigma);
    const m = tail.reduce((s, x) => s + x, 0) / tail.length;
    const tailVar = tail.reduce((s, x) => s + (x - m) ** 2, 0) / (tail.length - 1);
    const { varTol, esTol } = tolerances(n, a, q, es, studentTPdf(q / c, nu) / c, tailVar);
    expect(Math.abs(r.var / sigma - q)).toBeLessThan(varTol);
    expect(Math.abs(r.es / sigma - es)).toBeLessThan(esTol);
    // unit variance: the loss standard deviation is σ_p
    expect(Math.abs(r.stdLoss / sigma - 1)).toBeLessThan(0.02);
  });

  it('Monte Carlo with vols + correlation equals Monte Carlo with the covariance they imply', async () => {
    const vols = [0.01, 0.02, 0.015, 0.03, 0.025];
    const corr = vols.map((_, i) => vols.map((__, j) => (i === j ? 1 : 0.35)));
    const opts = { method: 'mc-normal' as const, scenarios: 20_000, seed: 9 };
    const a = await engine.var({ exposures: w }, { vols, correlation: corr }, opts);
    const b = await engine.var({ exposures: w }, { covariance: cov }, opts);
    expect(a.var).toBeCloseTo(b.var, 6);
  });
});
