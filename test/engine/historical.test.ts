import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

describe('historical VaR/ES', () => {
  it('matches a hand-checked P&L vector', async () => {
    // losses 5,-3,10,-2,1,-7,8,-4,0,6 → at 80 %: k = 2, VaR = 8, ES = (10 + 8)/2 = 9
    const pnl = [-5, 3, -10, 2, -1, 7, -8, 4, 0, -6];
    const r = await engine.var({ exposures: [1] }, { pnl }, { method: 'historical', confidence: 0.8 });
    expect(r).toMatchObject({ var: 8, es: 9, k: 2, n: 10 });
    expect(r.tail).toEqual({ losses: [10, 8], index: [2, 6] });
  });

  it('aggregates P&L over overlapping h-day windows', async () => {
    // 2-day windows of [-5,3,-10,2,-1]: -2,-7,-8,1 → losses 2,7,8,-1; 75 %: k = 1 → 8
    const r = await engine.var({ exposures: [1] }, { pnl: [-5, 3, -10, 2, -1] }, { method: 'historical', confidence: 0.75, horizonDays: 2 });
    expect(r.n).toBe(4);
    expect(r.var).toBe(8);
  });

  it('revalues factor returns linearly: simple returns times exposures', async () => {
    const returns = [[0.01, -0.02], [-0.03, 0.01], [0.02, 0.02], [-0.01, -0.04]];
    const exposures = [100, 50];
    // losses: -(1 - 1) = 0, -(-3 + 0.5) = 2.5, -(2 + 1) = -3, -(-1 - 2) = 3
    const r = await engine.var({ exposures }, { returns, returnType: 'simple' }, { method: 'historical', confidence: 0.5 });
    expect(r.k).toBe(2);
    expect(r.var).toBeCloseTo(2.5, 12);
    expect(r.es).toBeCloseTo(2.75, 12);
  });

  it('compounds log returns over the horizon: R = exp(Σ r) − 1', async () => {
    const returns = [[0.01], [-0.03], [0.02]];
    const r = await engine.var({ exposures: [1000] }, { returns }, { method: 'historical', confidence: 0.5, horizonDays: 2 });
    // windows: exp(-0.02) − 1 and exp(-0.01) − 1 → losses 19.80…, 9.95… ; k = 1
    expect(r.var).toBeCloseTo(-1000 * Math.expm1(-0.02), 10);
  });

  it('runs on the shipped EuStockMarkets closes', async () => {
    const rows = readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)
      .map((l) => l.split(',').slice(1).map(Number));
    const returns = rows.slice(1).map((r, t) => r.map((p, i) => Math.log(p / rows[t][i])));
    const r = await engine.var({ exposures: [1e6, 1e6, 1e6, 1e6] }, { returns }, { method: 'historical', confidence: 0.99 });
    expect(r.n).toBe(1859);
    expect(r.k).toBe(19);
    // a 4 M EUR equity book: daily VaR99 of a few percent
    expect(r.var).toBeGreaterThan(0.02 * 4e6);
    expect(r.var).toBeLessThan(0.06 * 4e6);
    expect(r.es).toBeGreaterThan(r.var);
  });
});
