/**
 * Regressions for the numeric-robustness defects: extreme but finite inputs that made the service
 * answer 500 or put `null` (a non-finite number) in a 200 body, unknown keys that were ignored,
 * and historical VaR from too few windows. Each now gets a typed 4xx naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { NumericalError, firstNonFinite, requireFiniteResult } from '../../../src/errors/index.js';
import { toHttpError } from '../../../src/apps/service/http-errors.js';
import { AUTH, account, gridBook, makeServer, removeTmpDirs } from './fixtures.js';

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
  app = await makeServer(engine);
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
  removeTmpDirs();
});

async function post(url: string, body: unknown): Promise<{ status: number; error: { code: string; field?: string; rule?: string; message: string } }> {
  const r = await app.inject({ method: 'POST', url, headers: AUTH, payload: body as object });
  return { status: r.statusCode, error: r.json().error };
}

const varOf = (market: unknown, options: Record<string, unknown>, exposures: number[] = [1e6, 1e6]) => ({ portfolio: { exposures }, market, options });

describe('extreme magnitudes: a typed 400 naming the field and the limit, never a 500 or a null', () => {
  it('optimize cvar with ±1e308 P&L and bounds (was 500: HiGHS could not read the LP)', async () => {
    const r = await post('/v1/optimize', { problem: { kind: 'cvar', confidence: 0.5, basePnl: [-1e308, 1e308], hedgePnl: [1e308, -1e308], instruments: [{ id: 'h', lower: 0, upper: 1e308 }] } });
    expect(r.status).toBe(400);
    expect(r.error.field).toBe('problem.basePnl[0]');
    expect(r.error.message).toMatch(/1e\+15/);
    const upper = await post('/v1/optimize', { problem: { kind: 'cvar', confidence: 0.5, basePnl: [-1, 1], hedgePnl: [1, -1], instruments: [{ id: 'h', lower: 0, upper: 1e308 }] } });
    expect(upper.status).toBe(400);
    expect(upper.error.field).toBe('problem.instruments[0].upper');
  });

  it('mc-normal VaR with exposures 1e308 (was 200 with es, meanLoss, stdLoss null)', async () => {
    const r = await post('/v1/var', varOf({ covariance: [[1e-4, 0], [0, 1e-4]] }, { method: 'mc-normal', scenarios: 1000 }, [1e308, 1e308]));
    expect(r.status).toBe(400);
    expect(r.error.field).toBe('portfolio.exposures[0]');
    expect(r.error.message).toMatch(/<= 1e\+15/);
  });

  it('a covariance of [[1e308, 0], [0, 1e308]] (was 200 with stdLoss null)', async () => {
    const r = await post('/v1/var', varOf({ covariance: [[1e308, 0], [0, 1e308]] }, { method: 'parametric' }));
    expect(r.status).toBe(400);
    expect(r.error.field).toBe('market.covariance[0][0]');
    expect(r.error.message).toMatch(/10000/);
  });

  it('hypothetical stress with exposures and shocks 1e308 (was 200 with pnl and loss null)', async () => {
    const r = await post('/v1/stress', { type: 'hypothetical', exposures: [1e308], scenarios: [{ name: 's', shocks: [1e308] }] });
    expect(r.status).toBe(400);
    expect(r.error.field).toBe('exposures[0]');
    const shocks = await post('/v1/stress', { type: 'hypothetical', exposures: [1e6], scenarios: [{ name: 's', shocks: [1e308] }] });
    expect(shocks.status).toBe(400);
    expect(shocks.error.field).toBe('scenarios[0].shocks[0]');
  });

  it('covariance of returns holding ±1e308 (was 200 with covariance[0][0] null)', async () => {
    const r = await post('/v1/covariance', { returns: [[1e308, 0.01], [-1e308, 0.02], [0.01, 0.01]] });
    expect(r.status).toBe(400);
    expect(r.error.field).toBe('returns[0][0]');
  });
});

describe('unknown keys and too-small samples are rejected, naming the field', () => {
  it('scenario-grid options.config with unknown keys (was 200, the keys ignored)', async () => {
    const r = await post('/v1/margin', { portfolio: gridBook, market: { prices: { BTC: 60_000 } }, options: { model: 'scenario-grid', config: { priceMoves: [1e308, -5], volMoves: 'x' } } });
    expect(r.status).toBe(400);
    expect(r.error.rule).toBe('unrecognized_keys');
    expect(r.error.field).toMatch(/priceMoves$/);
  });

  it('unknown keys in the var, stress, backtest and optimize envelopes', async () => {
    const v = await post('/v1/var', { ...varOf({ covariance: [[1e-4, 0], [0, 1e-4]] }, { method: 'parametric', confidnce: 0.99 }) });
    expect([v.status, v.error.field]).toEqual([400, 'options.confidnce']);
    const s = await post('/v1/stress', { type: 'reverse-uniform', exposures: [1], threshold: 1, treshold: 2 });
    expect([s.status, s.error.field]).toEqual([400, 'treshold']);
    const b = await post('/v1/backtest', { type: 'forecasts', losses: [1], forecasts: [1], confidence: 0.99, extra: 1 });
    expect([b.status, b.error.field]).toEqual([400, 'extra']);
    const o = await post('/v1/optimize', { problem: { kind: 'kelly', returns: [0.1, -0.1], kellyFracton: 0.5 } });
    expect([o.status, o.error.field]).toEqual([400, 'problem.kellyFracton']);
  });

  it('historical VaR from one window (1 row, or horizonDays 299 on 300 rows; was k = 1)', async () => {
    const one = await post('/v1/var', varOf({ returns: [[0.01, -0.02]] }, { method: 'historical', confidence: 0.99 }));
    expect(one.status).toBe(400);
    expect(one.error).toMatchObject({ field: 'market.returns', rule: 'min-sample' });
    expect(one.error.message).toMatch(/at least 100/);
    const rows = Array.from({ length: 300 }, (_, t) => [0.01 * Math.sin(t), 0.01 * Math.cos(t)]);
    const long = await post('/v1/var', varOf({ returns: rows }, { method: 'historical', confidence: 0.99, horizonDays: 299 }));
    expect(long.status).toBe(400);
    expect(long.error).toMatchObject({ field: 'market.returns', rule: 'min-sample' });
    const ok = await post('/v1/var', varOf({ returns: rows }, { method: 'historical', confidence: 0.99, horizonDays: 1 }));
    expect(ok.status).toBe(200);
  });

  it('a rolling historical backtest whose window is below ceil(1/(1 − a))', async () => {
    const series = Array.from({ length: 60 }, (_, t) => Math.sin(t));
    const r = await post('/v1/backtest', { type: 'rolling', series, forecaster: 'historical', window: 10, confidence: 0.99 });
    expect(r.status).toBe(400);
    expect(r.error.rule).toBe('min-sample');
  });
});

describe('the finite-output guard', () => {
  it('an account under water answers 200 with marginRatio null (was Infinity, which the guard would refuse)', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/margin', headers: AUTH, payload: { portfolio: account, market: { marks: { BTCUSDT: 2.567, ETHUSDT: 2950 } }, options: { model: 'tiered' } } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().equity).toBeLessThan(0);
    expect(r.json().marginRatio).toBeNull();
  });

  it('finds the first non-finite number (typed arrays and nesting included) and names it', () => {
    expect(firstNonFinite({ a: 1, b: [1, 2, { c: new Float64Array([0, NaN]) }] })).toEqual(['b[2].c[1]', 'NaN']);
    expect(firstNonFinite({ a: [1, 2], b: null, c: 'x', d: { e: -Infinity } })).toEqual(['d.e', '-Infinity']);
    expect(firstNonFinite({ a: [1, 2], b: { c: new Float32Array([1]) } })).toBeUndefined();
    expect(() => requireFiniteResult('var', { es: Infinity })).toThrow(NumericalError);
    expect(() => requireFiniteResult('var', { es: Infinity })).toThrow(/var: es is Infinity/);
  });

  it('maps NumericalError to a typed 422 naming the field', () => {
    const h = toHttpError(new NumericalError('var', 'es', 'Infinity'), 1024);
    expect(h.status).toBe(422);
    expect(h.body.error).toMatchObject({ code: 'E_NUMERICAL', field: 'es', rule: 'finite-result' });
  });
});
