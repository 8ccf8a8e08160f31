import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { ledoitWolf, sampleCovariance } from '../../src/market/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});
afterAll(async () => {
  await engine.close();
});

// Real daily closes of DAX, SMI, CAC, FTSE (1991–1998) → log returns.
const rows = readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',').slice(1).map(Number));
const returns = rows.slice(1).map((r, t) => r.map((p, i) => Math.log(p / rows[t][i])));
const w = [1e6, -5e5, 8e5, 2e5];

/** A seeded normal stream (Box–Muller on a 32-bit LCG) for synthetic histories. */
function normals(n: number, seed: number): number[] {
  let x = seed >>> 0;
  const u = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out: number[] = [];
  while (out.length < n) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    out.push(r * Math.cos(t), r * Math.sin(t));
  }
  return out.slice(0, n);
}

describe('history-driven VaR/ES methods', () => {
  it('parametric with an estimated sample covariance equals parametric with that covariance given', async () => {
    const est = await engine.var({ exposures: w }, { returns }, { method: 'parametric', covarianceModel: 'sample' });
    const given = await engine.var({ exposures: w }, { covariance: sampleCovariance(returns) }, { method: 'parametric' });
    expect(est.covarianceSource).toBe('sample');
    expect(est.var).toBeCloseTo(given.var, 8);
  });

  it('Monte Carlo can run on a Ledoit–Wolf covariance estimated from the history', async () => {
    const r = await engine.var({ exposures: w }, { returns }, { method: 'mc-normal', covarianceModel: 'ledoit-wolf', scenarios: 50_000 });
    const p = await engine.var({ exposures: w }, { covariance: ledoitWolf(returns).covariance }, { method: 'parametric' });
    expect(r.covarianceSource).toBe('ledoit-wolf');
    expect(Math.abs(r.var / p.var - 1)).toBeLessThan(0.03);
  });

  it('FHS on a constant-vol history equals historical simulation', async () => {
    // |r| constant: the EWMA vol converges to that constant, so scaling factors → 1
    const sigma = 0.01;
    const z = normals(600, 7);
    const hist = z.map((x) => [x >= 0 ? sigma : -sigma]);
    const fhs = await engine.var({ exposures: [1e6] }, { returns: hist }, { method: 'fhs', confidence: 0.95 });
    const hs = await engine.var({ exposures: [1e6] }, { returns: hist }, { method: 'historical', confidence: 0.95 });
    expect(fhs.var).toBeCloseTo(hs.var, 0);
    expect(Math.abs(fhs.var / hs.var - 1)).toBeLessThan(0.02);
  });

  it('FHS rescales the history to the current volatility regime', async () => {
    // calm then turbulent: FHS scales the whole history up to the (high) current vol
    const z = normals(1000, 3);
    const hist = z.map((x, t) => [x * (t < 700 ? 0.005 : 0.03)]);
    const fhs = await engine.var({ exposures: [1e6] }, { returns: hist }, { method: 'fhs', confidence: 0.99 });
    const hs = await engine.var({ exposures: [1e6] }, { returns: hist }, { method: 'historical', confidence: 0.99 });
    expect(fhs.var).toBeGreaterThan(1.3 * hs.var);
    // current vol ≈ 3 %: FHS VaR99 near 2.33 × 3 % of 1 M
    expect(fhs.var).toBeGreaterThan(0.6 * 2.33 * 0.03 * 1e6);
    expect(fhs.var).toBeLessThan(1.5 * 2.33 * 0.03 * 1e6);
  });

  it('FHS with GARCH vols runs on the real index history', async () => {
    const r = await engine.var({ exposures: w }, { returns }, { method: 'fhs', volModel: 'garch', confidence: 0.99 });
    expect(r.n).toBe(returns.length);
    expect(r.es).toBeGreaterThan(r.var);
  });

  it('Cornish–Fisher on a normal history agrees with the normal quantile (skew, kurtosis ≈ 0)', async () => {
    const pnl = normals(200_000, 11).map((x) => 1000 * x);
    const r = await engine.var({ exposures: [1] }, { pnl }, { method: 'cornish-fisher', confidence: 0.99 });
    expect(Math.abs(r.moments!.skew)).toBeLessThan(0.03);
    expect(r.var / 1000).toBeCloseTo(2.3263, 1);
    expect(r.es / 1000).toBeCloseTo(2.6652, 1);
  });

  it('Cornish–Fisher raises VaR for a fat left tail compared with the normal formula', async () => {
    const cf = await engine.var({ exposures: w }, { returns }, { method: 'cornish-fisher', confidence: 0.99 });
    const p = await engine.var({ exposures: w }, { returns }, { method: 'parametric', confidence: 0.99 });
    expect(cf.moments!.exKurt).toBeGreaterThan(1); // equity index returns are leptokurtic
    expect(cf.var).toBeGreaterThan(p.var);
  });

  it('stressed VaR picks the crisis window of the history', async () => {
    const z = normals(1500, 5);
    const pnl = z.map((x, t) => x * (t >= 900 && t < 1100 ? 5000 : 1000));
    const r = await engine.var({ exposures: [1] }, { pnl }, { method: 'stressed', confidence: 0.99, stressWindowDays: 200 });
    expect(r.window!.start).toBeGreaterThan(850);
    expect(r.window!.start).toBeLessThan(950);
    expect(r.n).toBe(200);
    const h = await engine.var({ exposures: [1] }, { pnl }, { method: 'historical', confidence: 0.99 });
    expect(r.es).toBeGreaterThan(h.es);
    // tail indices point into the full history
    expect(pnl[r.tail.index[0]]).toBe(-r.tail.losses[0]);
  });

  it('names the field when the history is missing or too short', async () => {
    await expect(engine.var({ exposures: [1] }, { covariance: [[1]] }, { method: 'fhs' })).rejects.toThrow(/market.returns/);
    await expect(engine.var({ exposures: [1] }, { returns: [[0.01], [0.02]] }, { method: 'fhs' })).rejects.toThrow(/at least 30 rows/);
    await expect(engine.var({ exposures: [1] }, { pnl: [1, 2, 3] }, { method: 'stressed' })).rejects.toThrow(/options.stressWindowDays/);
  });
});
