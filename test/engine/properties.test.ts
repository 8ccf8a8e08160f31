import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { equicorrelated } from '../helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});
afterAll(async () => {
  await engine.close();
});

const exposures = fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }).filter((x) => Math.abs(x) > 1), { minLength: 1, maxLength: 6 });
const method = fc.constantFrom('mc-normal' as const, 'mc-t' as const);
const cfg = { numRuns: 15 };

function covFor(n: number, rho: number): number[][] {
  return equicorrelated(Array.from({ length: n }, (_, i) => 0.01 + 0.005 * i), rho);
}

describe('properties of VaR/ES', () => {
  it('ES ≥ VaR at every confidence', async () => {
    await fc.assert(
      fc.asyncProperty(exposures, method, fc.double({ min: 0.5, max: 0.999, noNaN: true }), fc.nat(1000), async (w, m, a, seed) => {
        const r = await engine.var({ exposures: w }, { covariance: covFor(w.length, 0.3) }, { method: m, confidence: a, scenarios: 5000, seed });
        expect(r.es).toBeGreaterThanOrEqual(r.var);
      }),
      cfg,
    );
  });

  it('VaR and ES are non-decreasing in the confidence level (same scenarios)', async () => {
    await fc.assert(
      fc.asyncProperty(exposures, method, fc.uniqueArray(fc.double({ min: 0.5, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 5 }), async (w, m, as) => {
        const levels = [...as].sort((x, y) => x - y);
        const r = await engine.var({ exposures: w }, { covariance: covFor(w.length, -0.1) }, { method: m, confidence: levels, scenarios: 5000, seed: 5 });
        for (let i = 1; i < r.levels.length; i++) {
          expect(r.levels[i].var).toBeGreaterThanOrEqual(r.levels[i - 1].var);
          expect(r.levels[i].es).toBeGreaterThanOrEqual(r.levels[i - 1].es);
        }
      }),
      cfg,
    );
  });

  it('scales linearly with position size: VaR(c·w) = c·VaR(w) for c > 0', async () => {
    await fc.assert(
      fc.asyncProperty(exposures, method, fc.double({ min: 0.01, max: 100, noNaN: true }), async (w, m, c) => {
        const opts = { method: m, confidence: 0.99, scenarios: 4096, seed: 11 };
        const cov = covFor(w.length, 0.5);
        const a = await engine.var({ exposures: w }, { covariance: cov }, opts);
        const b = await engine.var({ exposures: w.map((x) => c * x) }, { covariance: cov }, opts);
        expect(Math.abs(b.var - c * a.var)).toBeLessThanOrEqual(1e-9 * Math.abs(c * a.var) + 1e-9);
        expect(Math.abs(b.es - c * a.es)).toBeLessThanOrEqual(1e-9 * Math.abs(c * a.es) + 1e-9);
      }),
      cfg,
    );
  });

  it('parametric ES is subadditive: ES(a + b) ≤ ES(a) + ES(b)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(exposures, exposures), fc.double({ min: -0.9, max: 0.9, noNaN: true }), async ([x, y], rho) => {
        const n = Math.min(x.length, y.length);
        const a = x.slice(0, n);
        const b = y.slice(0, n);
        const cov = covFor(n, rho / Math.max(1, n - 1));
        const opts = { method: 'parametric' as const, confidence: 0.99 };
        const ea = await engine.var({ exposures: a }, { covariance: cov }, opts);
        const eb = await engine.var({ exposures: b }, { covariance: cov }, opts);
        const eab = await engine.var({ exposures: a.map((v, i) => v + b[i]) }, { covariance: cov }, opts);
        expect(eab.es).toBeLessThanOrEqual((ea.es + eb.es) * (1 + 1e-12));
      }),
      { numRuns: 30 },
    );
  });
});
