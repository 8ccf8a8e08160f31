/**
 * Batch jobs: 200 concurrent submissions all complete (none lost, each with its own numbers);
 * finished results survive a restart on the same resultsDir; jobs still waiting or running at
 * shutdown are stored as requeued and finished by the next instance; records are written atomically.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { BatchManager, QueueFullError, writeFileAtomic } from '../../../src/apps/service/batches.js';
import type { BatchRunner } from '../../../src/apps/service/batches.js';
import { operation } from '../../../src/engine/index.js';
import { buildScalingProblem } from '../../../src/optimize/index.js';
import { AUTH, makeServer, tmpDir, varBody, waitBatch, removeTmpDirs } from './fixtures.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});

afterAll(async () => {
  await engine?.close();
  removeTmpDirs();
});

describe('batches', () => {
  it('200 concurrent small batch requests: all accepted, all complete, none lost', async () => {
    const app = await makeServer(engine, { limits: { maxConcurrentBatches: 4 } });
    try {
      const subs = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          app.inject({ method: 'POST', url: '/v1/batches', headers: AUTH, payload: { operation: 'var', request: varBody({ scenarios: 1000, seed: i, confidence: 0.99 }) } }),
        ),
      );
      expect(subs.map((r) => r.statusCode)).toEqual(Array(200).fill(202));
      const ids = subs.map((r) => r.json().id as string);
      expect(new Set(ids).size).toBe(200);
      const recs = [];
      for (const id of ids) recs.push(await waitBatch(app, id, 15_000)); // bounded per job
      expect(recs.every((r) => r.status === 'succeeded')).toBe(true);
      // each job ran its own request: spot-check seeds against the engine
      for (const i of [0, 57, 199]) {
        const b = varBody({ scenarios: 1000, seed: i, confidence: 0.99 });
        expect(recs[i].result.var).toBe((await engine.var(b.portfolio, b.market, b.options as never)).var);
      }
      const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers: AUTH })).body;
      expect(metrics).toMatch(/margin_engine_batch_jobs\{status="succeeded"\} 200/);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('an ES optimisation batch reports its iteration and bound gap on the batch status', async () => {
    const app = await makeServer(engine);
    try {
      const p = buildScalingProblem(6, 3000, 4);
      const problem = { kind: 'cvar', ...p, basePnl: Array.from(p.basePnl), hedgePnl: Array.from(p.hedgePnl) };
      const sub = await app.inject({ method: 'POST', url: '/v1/batches', headers: AUTH, payload: { operation: 'optimize', request: { problem } } });
      expect(sub.statusCode).toBe(202);
      const rec = await waitBatch(app, sub.json().id as string, 30_000);
      expect(rec.status).toBe('succeeded');
      expect(rec.progress).toMatchObject({ done: 100, total: 100, iteration: rec.result.solver.iterations });
      expect(rec.progress.gap).toBeLessThanOrEqual(1e-9);
    } finally {
      await app.close();
    }
  }, 40_000);

  it('finished results survive a restart on the same resultsDir (written atomically)', async () => {
    const dir = tmpDir('me-restart-');
    const a = await makeServer(engine, { resultsDir: dir });
    const sub = await a.inject({ method: 'POST', url: '/v1/batches', headers: AUTH, payload: { operation: 'var', request: varBody({ seed: 3 }) } });
    const id = sub.json().id as string;
    const done = await waitBatch(a, id);
    expect(done.status).toBe('succeeded');
    await a.close();

    const b = await makeServer(engine, { resultsDir: dir });
    try {
      const again = await b.inject({ method: 'GET', url: `/v1/batches/${id}`, headers: AUTH });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(done);
    } finally {
      await b.close();
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')).request).toBeUndefined();
  });

  it('shutdown: waiting jobs and jobs past the deadline are requeued and finished by the next instance', async () => {
    const dir = tmpDir('me-requeue-');
    const a = await makeServer(engine, { resultsDir: dir, limits: { maxConcurrentBatches: 1, shutdownDeadlineMs: 1, maxSyncWork: 1e12 } });
    // the first job (40M scenarios) is still running at close even on a loaded machine, where
    // 5M scenarios could finish before the later submissions returned; the 1 ms deadline cancels
    // it; the others wait behind it
    const bodies = [40_000_000, 100_000, 100_000].map((scenarios, i) => varBody({ scenarios, seed: 100 + i, confidence: 0.99 }));
    const submit = (body: unknown) => a.inject({ method: 'POST', url: '/v1/batches', headers: AUTH, payload: { operation: 'var', request: body } });
    const first = await submit(bodies[0]);
    const rest = await Promise.all(bodies.slice(1).map(submit));
    // a margin job too: its parsed form differs from its body, and the body is what is stored
    const account = {
      mode: 'cross', walletBalance: 20_000, collateralCurrency: 'USDT',
      positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty: 2, entryPrice: 60_000, leverage: 20 }],
    };
    const marginBody = { portfolio: account, market: { marks: { BTCUSDT: 61_000 } }, options: { model: 'tiered' } };
    const margin = await a.inject({ method: 'POST', url: '/v1/batches', headers: AUTH, payload: { operation: 'margin', request: marginBody } });
    const ids = [first, ...rest, margin].map((r) => r.json().id as string);
    await a.close(); // deadline 1 ms: the running job is cancelled and requeued too
    const states = ids.map((id) => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')).status as string);
    expect(states).toEqual(['requeued', 'requeued', 'requeued', 'requeued']);
    // the request is kept as the client sent it, beside the record, until the job ends
    expect(JSON.parse(readFileSync(join(dir, `${ids[3]}.request.json`), 'utf8'))).toEqual({ operation: 'margin', request: marginBody });
    const b = await makeServer(engine, { resultsDir: dir });
    try {
      for (let i = 0; i < 3; i++) {
        const rec = await waitBatch(b, ids[i], 15_000);
        expect(rec.status).toBe('succeeded');
        expect(rec.result.var).toBe((await engine.var(bodies[i].portfolio, bodies[i].market, bodies[i].options as never)).var);
      }
      const m = await waitBatch(b, ids[3], 15_000);
      expect(m.status).toBe('succeeded');
      expect(m.result.maintenance).toBe((await engine.margin(account as never, { marks: { BTCUSDT: 61_000 } }, { model: 'tiered' })).maintenance);
    } finally {
      await b.close();
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.request.json'))).toEqual([]);
  }, 30_000);
});

describe('BatchManager limits and failures (fake runner, no engine)', () => {
  /** A runner whose jobs end only when released, so the queue state is known when the checks run. */
  function gatedRunner(): { run: BatchRunner; release: () => void } {
    const gates: Array<() => void> = [];
    let open = false;
    return {
      run: () => (open ? Promise.resolve({ ok: true }) : new Promise((r) => gates.push(() => r({ ok: true })))),
      release: () => {
        open = true;
        for (const g of gates.splice(0)) g();
      },
    };
  }
  const op = operation('var');

  it('concurrent submissions cannot push the queue past maxQueued', async () => {
    const g = gatedRunner();
    const m = new BatchManager({ resultsDir: tmpDir('me-bm-'), maxConcurrent: 1, maxQueued: 2, run: g.run, operation });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => m.submit(op, { i })));
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    expect(m.jobCounts().queued).toBeLessThanOrEqual(2);
    g.release();
    await m.close(5_000);
  });

  it('the requests held by waiting jobs are bounded in bytes (429, not unbounded memory)', async () => {
    const g = gatedRunner();
    const m = new BatchManager({ resultsDir: tmpDir('me-bm-'), maxConcurrent: 1, maxQueuedBytes: 10_000, run: g.run, operation });
    const big = { pad: 'x'.repeat(4_000) };
    await m.submit(op, big); // runs at once: not waiting
    await m.submit(op, big);
    await m.submit(op, big);
    await expect(m.submit(op, big)).rejects.toThrow(QueueFullError);
    expect(m.jobCounts()).toMatchObject({ running: 1, queued: 2 });
    g.release();
    await m.close(5_000);
  });

  it('a results directory that cannot be created fails the submission instead of crashing the process', async () => {
    const file = join(tmpDir('me-bm-'), 'a-file');
    writeFileSync(file, '');
    const m = new BatchManager({ resultsDir: join(file, 'results'), run: async () => 1, operation });
    // let the manager's own mkdir fail while nothing awaits it (an unobserved rejection fails the run)
    await expect(mkdir(join(file, 'results'), { recursive: true })).rejects.toThrow(/ENOTDIR/);
    await new Promise((r) => setTimeout(r, 20));
    await expect(m.submit(op, {})).rejects.toThrow(/ENOTDIR/);
    await m.close(5_000);
  });

  it('writeFileAtomic leaves no temporary file behind when the rename fails', async () => {
    const dir = tmpDir('me-atomic-');
    mkdirSync(join(dir, 'target')); // renaming a file over a directory fails
    await expect(writeFileAtomic(join(dir, 'target'), 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
  });
});
