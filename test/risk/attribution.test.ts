import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/index.js';
import type { Engine, VarResult } from '../../src/index.js';
import { equicorrelated } from '../helpers.js';

let engine: Engine;
let tsEngine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
  tsEngine = await createEngine({ threads: 1, wasm: false });
});
afterAll(async () => {
  await Promise.all([engine.close(), tsEngine.close()]);
});

const cov = equicorrelated([0.02, 0.03, 0.01, 0.025], 0.4);
const w = [1e6, -4e5, 2e6, 5e5];
const rows = readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',').slice(1).map(Number));
const returns = rows.slice(1).map((r, t) => r.map((p, i) => Math.log(p / rows[t][i])));

function sumComponents(r: VarResult): number {
  return r.contributions!.reduce((s, c) => s + c.componentEs, 0);
}

describe('ES attribution by factor', () => {
  for (const method of ['mc-normal', 'mc-t'] as const) {
    it(`${method}: component ES sums to ES, from the same scenarios as the run`, async () => {
      const r = await engine.var({ exposures: w }, { covariance: cov }, { method, scenarios: 50_000, seed: 4, attribution: true });
      expect(r.contributions).toHaveLength(4);
      expect(Math.abs(sumComponents(r) - r.es)).toBeLessThan(1e-9 * r.es);
      expect(r.contributions![1].marginalEs).toBeCloseTo(r.contributions![1].componentEs / -4e5, 12);
    });
  }

  it('Monte Carlo components are identical on WASM and on the TS twin', async () => {
    const opts = { method: 'mc-normal' as const, scenarios: 20_000, seed: 8, attribution: true };
    const a = await engine.var({ exposures: w }, { covariance: cov }, opts);
    const b = await tsEngine.var({ exposures: w }, { covariance: cov }, opts);
    a.contributions!.forEach((c, i) => expect(Math.abs(c.componentEs - b.contributions![i].componentEs)).toBeLessThan(1e-9 * Math.abs(a.es)));
  });

  it('Monte Carlo components converge to the parametric Euler allocation', async () => {
    const mc = await engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', scenarios: 400_000, seed: 2, attribution: true });
    const p = await engine.var({ exposures: w }, { covariance: cov }, { method: 'parametric', attribution: true });
    expect(Math.abs(sumComponents(p) - p.es)).toBeLessThan(1e-9 * p.es);
    mc.contributions!.forEach((c, i) => expect(Math.abs(c.componentEs - p.contributions![i].componentEs)).toBeLessThan(0.03 * p.es));
  });

  it('historical component ES sums to the ES on the real index history, for 1 and 10 days', async () => {
    for (const horizonDays of [1, 10]) {
      const r = await engine.var({ exposures: w }, { returns }, { method: 'historical', attribution: true, horizonDays });
      expect(Math.abs(sumComponents(r) - r.es)).toBeLessThan(1e-9 * r.es);
    }
  });

  it('incremental ES equals ES minus the ES of the book without the factor', async () => {
    const r = await engine.var({ exposures: w }, { returns }, { method: 'historical', attribution: true, incremental: true });
    const without = await engine.var({ exposures: [1e6, 0, 2e6, 5e5] }, { returns }, { method: 'historical' });
    expect(r.contributions![1].incrementalEs).toBeCloseTo(r.es - without.es, 6);
  });

  it('a single-factor book attributes all of the ES to that factor', async () => {
    const r = await engine.var({ exposures: [3e6] }, { covariance: [[4e-4]] }, { method: 'mc-normal', scenarios: 10_000, attribution: true });
    expect(r.contributions![0].share).toBeCloseTo(1, 12);
  });

  it('names the field when attribution is impossible', async () => {
    await expect(engine.var({ exposures: [1] }, { pnl: [1, -2, 3, -4] }, { method: 'historical', attribution: true, confidence: 0.5 })).rejects.toThrow(/options.attribution/);
  });
});
