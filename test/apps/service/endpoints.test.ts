/**
 * The service's endpoints through app.inject: every synchronous operation returns the numbers of the
 * direct engine or module call; auth, body and work limits and validation errors are typed 4xx;
 * health, readiness, metrics and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { backtest } from '../../../src/backtest/index.js';
import { hypotheticalStress, reverseStressWorstDirection } from '../../../src/stress/index.js';
import { toJson } from '../../../src/util/index.js';
import { AUTH, KEY, account, gridBook, makeServer, marks, varBody, waitBatch, removeTmpDirs } from './fixtures.js';

const plain = (x: unknown): any => JSON.parse(toJson(x));
const withoutTiming = ({ elapsedMs: _e, ...rest }: Record<string, unknown>) => rest;

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
  app = await makeServer(engine, { limits: { bodyBytes: 16 * 1024, maxSyncWork: 1e8 } });
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
  removeTmpDirs();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = AUTH) => app.inject({ method: 'POST', url, headers, payload: payload as object });

describe('synchronous endpoints return the direct call numbers', () => {
  it('POST /v1/var (Monte Carlo and parametric)', async () => {
    for (const method of ['mc-normal', 'mc-t', 'parametric']) {
      const body = varBody({ method });
      const r = await post('/v1/var', body);
      expect(r.statusCode).toBe(200);
      const direct = await engine.var(body.portfolio, body.market, body.options as never);
      expect(withoutTiming(r.json())).toEqual(withoutTiming(plain(direct)));
    }
  });

  it('POST /v1/margin (tiered and scenario-grid)', async () => {
    const t = await post('/v1/margin', { portfolio: account, market: { marks }, options: { model: 'tiered', dailyVol: 0.03 } });
    expect(t.statusCode).toBe(200);
    expect(t.json()).toEqual(plain(await engine.margin(account as never, { marks }, { model: 'tiered', dailyVol: 0.03 })));
    const g = await post('/v1/margin', { portfolio: gridBook, market: { prices: { BTC: 60_000 } }, options: { model: 'scenario-grid' } });
    expect(g.statusCode).toBe(200);
    expect(g.json()).toEqual(plain(await engine.margin(gridBook as never, { prices: { BTC: 60_000 } }, { model: 'scenario-grid' })));
  });

  it('POST /v1/liquidation', async () => {
    const r = await post('/v1/liquidation', { portfolio: account, market: { marks } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(plain(await engine.liquidation(account as never, { marks })));
  });

  it('POST /v1/stress (hypothetical, reverse-worst)', async () => {
    const scenarios = [{ name: 'crash', shocks: [-0.3, -0.2, -0.1] }, { name: 'rally', shocks: [0.2, 0.1, 0] }];
    const h = await post('/v1/stress', { type: 'hypothetical', exposures: [100, 50, -20], scenarios });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ type: 'hypothetical', scenarios: hypotheticalStress([100, 50, -20], scenarios) });
    const cov = [[0.04, 0.01], [0.01, 0.09]];
    const w = await post('/v1/stress', { type: 'reverse-worst', exposures: [100, -50], covariance: cov, threshold: 40 });
    expect(w.statusCode).toBe(200);
    expect(w.json()).toEqual({ type: 'reverse-worst', ...plain(reverseStressWorstDirection([100, -50], cov, 40)) });
  });

  it('POST /v1/backtest (given forecasts)', async () => {
    const losses = [1, 5, 2, 0, 3, 7, 1];
    const forecasts = [3, 3, 3, 3, 4, 4, 4];
    const r = await post('/v1/backtest', { type: 'forecasts', losses, forecasts, confidence: 0.99 });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ type: 'forecasts', ...plain(backtest(losses, forecasts, { confidence: 0.99 })) });
  });

  it('POST /v1/batches then GET /v1/batches/:id gives the same numbers', async () => {
    const body = varBody({ seed: 99 });
    const sub = await post('/v1/batches', { operation: 'var', request: body });
    expect(sub.statusCode).toBe(202);
    expect(sub.headers.location).toBe(`/v1/batches/${sub.json().id}`);
    const rec = await waitBatch(app, sub.json().id);
    expect(rec.status).toBe('succeeded');
    expect(rec.progress).toEqual({ done: 5000, total: 5000 });
    const direct = await engine.var(body.portfolio, body.market, body.options as never);
    expect(withoutTiming(rec.result)).toEqual(withoutTiming(plain(direct)));
  });
});

describe('authentication', () => {
  it('401 JSON error without a key or with a wrong key; health endpoints stay open', async () => {
    const bad: Record<string, string>[] = [{}, { 'x-api-key': 'nope' }, { authorization: 'Bearer nope' }, { authorization: `Basic ${KEY}` }];
    for (const headers of bad) {
      const r = await post('/v1/var', varBody(), headers);
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('E_UNAUTHORIZED');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/batches/x' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('accepts Authorization: Bearer', async () => {
    const r = await post('/v1/var', varBody({ method: 'parametric' }), { authorization: `Bearer ${KEY}` });
    expect(r.statusCode).toBe(200);
  });
});

describe('limits and validation', () => {
  it('413 with a clear message for an oversize body', async () => {
    const r = await post('/v1/var', varBody({ pad: 'x'.repeat(20_000) }));
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'E_BODY_TOO_LARGE' });
    expect(r.json().error.message).toMatch(/16384 bytes/);
  });

  it('422 naming the field when scenarios × factors² is above the work limit', async () => {
    const r = await post('/v1/var', varBody({ scenarios: 5_000_000 }));
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toMatchObject({ code: 'E_WORK_LIMIT', field: 'options.scenarios', rule: 'work-limit' });
    expect(r.json().error.message).toMatch(/POST \/v1\/batches/);
  });

  it('400 with { code, field, rule, message } for bad input', async () => {
    const r = await post('/v1/var', varBody({ confidence: 1.5 }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'E_VALIDATION', field: 'options.confidence' });
    expect(r.json().error.message).toMatch(/1\.5/);
    const psd = await post('/v1/var', { ...varBody(), market: { vols: [0.1, 0.1, 0.1], correlation: [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]] } });
    expect(psd.statusCode).toBe(400);
    expect(psd.json().error).toMatchObject({ field: 'market.correlation', rule: 'psd' });
    const margin = await post('/v1/margin', { portfolio: account, market: { marks }, options: { model: 'span' } });
    expect(margin.json().error).toMatchObject({ field: 'options.model' });
    const batch = await post('/v1/batches', { operation: 'var', request: varBody({ seed: -1 }) });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error).toMatchObject({ field: 'request.options.seed' });
    const op = await post('/v1/batches', { operation: 'nope', request: {} });
    expect(op.json().error).toMatchObject({ field: 'operation', rule: 'enum' });
  });

  it('404 for an unknown batch id and route', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/batches/00000000-0000-4000-8000-000000000000', headers: AUTH })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/..%2F..%2Fetc%2Fpasswd', headers: AUTH })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v2/nothing', headers: AUTH })).json().error.code).toBe('E_NOT_FOUND');
  });
});

describe('operations endpoints', () => {
  it('/metrics has HTTP, batch, duration and pool gauges', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics', headers: AUTH });
    expect(r.statusCode).toBe(200);
    for (const m of ['margin_engine_http_requests_total', 'margin_engine_batch_jobs{status="succeeded"}', 'margin_engine_batch_duration_seconds', 'margin_engine_pool_utilization']) {
      expect(r.body).toContain(m);
    }
  });

  it('/openapi.json is OpenAPI 3.1 with every operation and its zod-derived schema', async () => {
    const r = await app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/v1/var', '/v1/margin', '/v1/liquidation', '/v1/stress', '/v1/backtest', '/v1/batches', '/v1/batches/{id}']) expect(doc.paths[p]).toBeDefined();
    expect(doc.components.schemas.varRequest.properties.options.properties.method.enum).toContain('mc-normal');
  });
});

describe('endpoints for optimisation, covariance, CCP margin, book stress and recalibration', () => {
  it('POST /v1/optimize solves a collateral allocation (hand-checked cost 1.6)', async () => {
    const r = await post('/v1/optimize', {
      problem: {
        kind: 'collateral',
        assets: [{ id: 'USDC', available: 60, haircut: 0, costRate: 0.01 }, { id: 'BTC', available: 1000, haircut: 0.2, costRate: 0.02 }],
        venues: [{ id: 'V', requirement: 100 }],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().objective).toBeCloseTo(1.6, 9);
  });

  it('POST /v1/optimize names the constraint set of an infeasible problem with a 4xx', async () => {
    const r = await post('/v1/optimize', {
      problem: { kind: 'collateral', assets: [{ id: 'USDC', available: 10, haircut: 0, costRate: 0.01 }], venues: [{ id: 'V', requirement: 100 }] },
    });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(JSON.stringify(r.json())).toMatch(/requirement|availability/);
  });

  it('POST /v1/covariance equals engine.covariance', async () => {
    const returns = Array.from({ length: 40 }, (_, t) => [Math.sin(t), Math.cos(1.3 * t), Math.sin(0.7 * t + 1)]);
    const r = await post('/v1/covariance', { returns, options: { method: 'ledoit-wolf' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().covariance).toEqual((await engine.covariance(returns, { method: 'ledoit-wolf' })).covariance);
  });

  it('POST /v1/margin with the var-es model on a price history', async () => {
    const dates = Array.from({ length: 120 }, (_, t) => `d${t}`);
    const prices = dates.map((_, t) => [60_000 * Math.exp(0.02 * Math.sin(t * 1.7) + 0.001 * t)]);
    const history = { dates, symbols: ['BTC'], prices };
    const body = { portfolio: gridBook, market: { prices: { BTC: prices.at(-1)![0] }, history }, options: { model: 'var-es' } };
    const r = await post('/v1/margin', body);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().components.filteredEs).toBeGreaterThan(0);
  });

  it('POST /v1/stress with type book revalues the positions', async () => {
    const r = await post('/v1/stress', { type: 'book', positions: gridBook.positions, market: { prices: { BTC: 60_000 } }, options: { margin: 5_000 } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().results.some((x: { kind: string }) => x.kind === 'reverse')).toBe(true);
  });

  it('POST /v1/backtest with type recalibrate', async () => {
    const series = Array.from({ length: 600 }, (_, t) => Math.sin(t * 12.9898) * 43758.5453 % 1);
    const r = await post('/v1/backtest', { type: 'recalibrate', series, window: 250, confidence: 0.99 });
    expect(r.statusCode, r.body).toBe(200);
    expect(['not-needed', 'recalibrated', 'no-passing-candidate']).toContain(r.json().status);
  });
});
