/** Shared request bodies and a server factory for the service tests (small, fast inputs). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../../src/engine/index.js';
import { buildServer } from '../../../src/apps/service/index.js';
import type { ServerOptions } from '../../../src/apps/service/index.js';

export const KEY = 'test-key-1';
export const AUTH = { 'x-api-key': KEY };

export const varBody = (over: Record<string, unknown> = {}) => ({
  portfolio: { exposures: [1e6, -4e5, 2.5e5] },
  market: { vols: [0.03, 0.04, 0.02], correlation: [[1, 0.6, 0.2], [0.6, 1, 0.1], [0.2, 0.1, 1]] },
  options: { method: 'mc-normal', scenarios: 5000, seed: 7, confidence: [0.975, 0.99], ...over },
});

export const account = {
  mode: 'cross',
  walletBalance: 20_000,
  collateralCurrency: 'USDT',
  positions: [
    { symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 60_000, leverage: 10 },
    { symbol: 'ETHUSDT', contract: 'linear', qty: -10, entryPrice: 3_000, leverage: 5 },
  ],
};
export const marks = { BTCUSDT: 61_000, ETHUSDT: 2_950 };

export const gridBook = {
  positions: [
    { kind: 'linear-perp', underlying: 'BTC', quantity: 2 },
    { kind: 'option', underlying: 'BTC', quantity: -1, optionType: 'call', style: 'linear', strike: 65_000, expiry: 0.1, vol: 0.6 },
  ],
};

const dirs: string[] = [];

export function tmpDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Removes the directories made by tmpDir (call in afterAll). */
export function removeTmpDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function makeServer(engine: Engine, over: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ engine, apiKeys: [KEY], resultsDir: tmpDir('me-svc-'), defaultMetrics: false, ...over });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls GET /v1/batches/:id until the job ends (bounded). */
export async function waitBatch(app: FastifyInstance, id: string, maxMs = 10_000): Promise<Record<string, any>> {
  const t0 = Date.now();
  for (;;) {
    const r = await app.inject({ method: 'GET', url: `/v1/batches/${id}`, headers: AUTH });
    const rec = r.json();
    if (rec.status === 'succeeded' || rec.status === 'failed') return rec;
    if (Date.now() - t0 > maxMs) throw new Error(`batch ${id} still ${rec.status} after ${maxMs} ms`);
    await sleep(20);
  }
}
