import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { parseCsv } from '../../src/market/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

const btcPerp = { kind: 'linear-perp' as const, underlying: 'BTC', quantity: 1 };

describe('engine.stress', () => {
  it('hypothetical shocks revalue the book and name the drivers', async () => {
    const r = await engine.stress({ positions: [btcPerp, { kind: 'spot', underlying: 'ETH', quantity: -10 }] }, { prices: { BTC: 60_000, ETH: 3_000 } }, {
      shocks: [{ name: 'BTC −10 %, ETH +5 %', move: { BTC: -0.1, ETH: 0.05 } }], margin: 3_000,
    });
    const s = r[0];
    expect(s.loss).toBeCloseTo(6_000 + 1_500, 9);
    expect(s.drivers[0]).toMatchObject({ underlying: 'BTC' });
    expect(s.drivers[0].loss).toBeCloseTo(6_000, 9);
    expect(s.coverage).toBeCloseTo(3_000 / 7_500, 12);
  });

  it('a liquidity haircut adds the close-out cost', async () => {
    const r = await engine.stress({ positions: [btcPerp] }, { prices: { BTC: 60_000 } }, { shocks: [{ name: 'liq', move: 0, liquidityHaircut: 0.01 }] });
    expect(r[0].loss).toBeCloseTo(600, 9);
  });

  it('reverse stress finds the move that breaches the margin, and 1 % less does not', async () => {
    const r = await engine.stress({ positions: [btcPerp] }, { prices: { BTC: 60_000 } }, { shocks: [], margin: 6_000 });
    const rev = r.find((x) => x.kind === 'reverse')!;
    expect(rev.moves.BTC).toBeCloseTo(-0.1, 6);
    expect(rev.loss).toBeGreaterThanOrEqual(6_000 - 1e-6);
    const smaller = await engine.stress({ positions: [btcPerp] }, { prices: { BTC: 60_000 } }, { shocks: [{ name: 'x', move: 0.99 * rev.moves.BTC }] });
    expect(smaller[0].loss).toBeLessThan(6_000);
  });

  it('a short book breaches on the way up', async () => {
    const r = await engine.stress({ positions: [{ ...btcPerp, quantity: -2 }] }, { prices: { BTC: 50_000 } }, { shocks: [], reverseThreshold: 20_000 });
    expect(r[0].moves.BTC).toBeCloseTo(0.2, 6);
  });

  it('replays the worst historical episodes of the book', async () => {
    const history = parseCsv(readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8'));
    const r = await engine.stress({ positions: [{ kind: 'linear-future', underlying: 'DAX', quantity: 1 }] }, { prices: { DAX: 5_000 }, history }, { shocks: [], windowDays: 10, episodes: 3 });
    expect(r).toHaveLength(3);
    expect(r.every((x) => x.kind === 'historical' && x.loss > 0)).toBe(true);
    expect(r[0].loss).toBeGreaterThanOrEqual(r[1].loss);
  });
});

describe('engine.backtest', () => {
  it('fixed forecasts: counts exceedances and gives the traffic light', async () => {
    const pnl = Array.from({ length: 250 }, (_, t) => (t % 50 === 0 ? -30 : 1));
    const r = await engine.backtest(pnl, new Array(250).fill(20), { confidence: 0.99 });
    expect(r.exceedances).toBe(5);
    expect(r.trafficLight.zone).toBe('yellow');
  });

  it('rolling: historical VaR on the real DAX P&L history', async () => {
    const rows = readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    const pnl = rows.slice(1).map((p, t) => 1e6 * (p / rows[t] - 1));
    const r = await engine.backtest(pnl, undefined, { model: 'historical', window: 250, confidence: 0.99 });
    expect(r.n).toBe(pnl.length - 250);
    expect(Number.isFinite(r.kupiec.pValue)).toBe(true);
  });
});

describe('engine.recalibrate', () => {
  it('turns a too-small VaR model into one that passes, or says none is needed', async () => {
    // losses with volatility clustering: calm, then a turbulent stretch
    let x = 11;
    const u = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    const losses: number[] = [];
    for (let t = 0; t < 1500; t++) {
      const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      losses.push(z * (t > 900 && t < 1200 ? 3 : 1));
    }
    const r = await engine.recalibrate(losses, { window: 250, confidence: 0.99, model: { kind: 'historical', multiplier: 0.6 } });
    expect(r.status).toBe('recalibrated');
    expect(r.after!.result.kupiec.pValue).toBeGreaterThanOrEqual(0.05);
    expect(r.before.result.exceedances).toBeGreaterThan(r.after!.result.exceedances);
  });
});
