/**
 * POST /v1/venue/stream: a posted feed replayed through the venue simulator, streamed as
 * server-sent events that equal the engine's run; a bad request is a 400 naming the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { AUTH, makeServer, removeTmpDirs } from './fixtures.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'data', 'venue');
const demo = JSON.parse(readFileSync(join(dir, 'demo-accounts.json'), 'utf8')) as { accounts: object[]; tables: object[] };
const config = JSON.parse(readFileSync(join(dir, 'demo-config.json'), 'utf8')) as Record<string, unknown>;
const csv = readFileSync(join(dir, 'crash-feed.csv'), 'utf8');

let engine: Engine;
let app: FastifyInstance;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
  app = await makeServer(engine, { limits: { bodyBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
  removeTmpDirs();
});

function parseSse(text: string): { event: string; data: Record<string, unknown> }[] {
  return text.trim().split('\n\n').map((block) => {
    const lines = block.split('\n');
    return { event: lines[0]!.slice('event: '.length), data: JSON.parse(lines[1]!.slice('data: '.length)) as Record<string, unknown> };
  });
}

describe('POST /v1/venue/stream', () => {
  it('streams the demo crash replay as events equal to engine.simulateVenue', async () => {
    const body = { accounts: demo.accounts, path: { csv }, config: { ...config, tables: demo.tables }, chunkTicks: 50 };
    const res = await app.inject({ method: 'POST', url: '/v1/venue/stream', headers: AUTH, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const items = parseSse(res.body);
    const whole = await engine.simulateVenue(demo.accounts as never, { csv }, { ...config, tables: demo.tables } as never);
    const events = items.filter((i) => i.event !== 'progress' && i.event !== 'summary').map((i) => i.data);
    expect(events).toEqual(JSON.parse(JSON.stringify(whole.events)));
    expect(items.filter((i) => i.event === 'progress').map((i) => i.data.tick)).toEqual([50, 100, 150, 200, 240]);
    expect(items.at(-1)!.event).toBe('summary');
    expect(items.at(-1)!.data.summary).toEqual(JSON.parse(JSON.stringify(whole.summary)));
  });

  it('takes a venue preset and its tier payload in config; a non-tiered preset is a 400 naming config.venue', async () => {
    const tiers = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'venues', 'fixtures', 'bybit-risk-limit-linear.json'), 'utf8')) as object;
    const accounts = [{ mode: 'isolated', walletBalance: 10 / 3, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear', qty: 1, entryPrice: 10, leverage: 3 }] }];
    // Bybit isolated: maintenance on the entry value (0.1), liquidation at 10 − (10/3 − 0.1) = 6.7667
    const path = { symbols: ['XYZUSDT'], times: [0, 1, 2], marks: [10, 6.77, 6.76] };
    const res = await app.inject({ method: 'POST', url: '/v1/venue/stream', headers: AUTH, payload: { accounts, path, config: { venue: 'bybit-linear', tiers } } });
    expect(res.statusCode).toBe(200);
    const liq = parseSse(res.body).filter((i) => i.event === 'liquidation').map((i) => i.data);
    expect(liq.map((e) => [e.tick, e.maintenance])).toEqual([[2, 0.1]]);
    const bad = await app.inject({ method: 'POST', url: '/v1/venue/stream', headers: AUTH, payload: { accounts, path, config: { venue: 'deribit-pm' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('config.venue');
  });

  it('answers 400 naming the field for a bad request, before any stream', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/venue/stream', headers: AUTH, payload: { accounts: demo.accounts, path: { csv: 'timestamp,symbol,mark\n1,BTCUSDT,abc\n' }, config: { tables: demo.tables } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('path.csv[1].mark');
    const unauth = await app.inject({ method: 'POST', url: '/v1/venue/stream', payload: {} });
    expect(unauth.statusCode).toBe(401);
  });
});
