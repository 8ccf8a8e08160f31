/**
 * Queue state loss: a real redis-server without persistence (loopback, free port) is shut down
 * with `shutdown nosave` and restarted on the same port while a coordinator waits for its jobs.
 * The waiting tasks fail with QueueStateLostError within 30 s of the restart (not at the 1 h job
 * timeout), /readyz is 503 while Redis is down and 200 once it is back, and close() — of the
 * cluster engine, of a chunk worker, of the `serve` process on SIGTERM — is bounded with Redis down.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, hasRedis, sleep } from './fixtures.js';
import { QueueStateLostError } from '../../../src/errors/index.js';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { RemotePool, createClusterEngine, startChunkWorker } from '../../../src/apps/cluster/index.js';
import type { QueueHealthEvent } from '../../../src/apps/cluster/index.js';
import { buildServer } from '../../../src/apps/service/index.js';

/** Polls `pred` every 100 ms; returns the ms it took, or throws naming `what` after `timeoutMs`. */
async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await pred()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

const n = 12;
const exposures = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1e5 + 1e4 * i));
const vols = Array.from({ length: n }, (_, i) => 0.01 + 0.002 * i);
const correlation = vols.map((_, i) => vols.map((__, j) => (i === j ? 1 : 0.3)));
const market = { vols, correlation };
/** The batch: big enough that its jobs are still waiting when Redis goes away (no worker runs them). */
const BIG = { method: 'mc-normal' as const, scenarios: 30_000_000, seed: 1 };

describe.skipIf(!hasRedis)('queue state loss (Redis restarted without persistence)', () => {
  let port = 0;
  let url = '';
  let engine: Engine;
  let resultsDir = '';

  const cli = (...args: string[]): string => spawnSync('redis-cli', ['-p', String(port), ...args]).stdout?.toString().trim() ?? '';
  const redisUp = (): boolean => cli('ping') === 'PONG';
  const dbsize = (): number => Number(cli('dbsize')) || 0;

  async function startRedis(): Promise<void> {
    const r = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
    expect(r.status).toBe(0);
    await until(redisUp, 10_000, 'redis-server answers PING');
  }

  async function stopRedis(): Promise<void> {
    cli('shutdown', 'nosave');
    await until(() => !redisUp(), 10_000, 'redis-server stopped');
  }

  beforeAll(async () => {
    expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    await startRedis();
    engine = await createEngine({ threads: 1 });
    resultsDir = mkdtempSync(join(tmpdir(), 'me-queue-loss-'));
  }, 20_000);

  afterAll(async () => {
    await engine?.close();
    if (port) cli('shutdown', 'nosave');
    if (resultsDir) rmSync(resultsDir, { recursive: true, force: true });
  });

  it('tasks waiting on lost jobs fail with QueueStateLostError within 30 s of the restart; the queue then works; close() is bounded with Redis down', async () => {
    const events: QueueHealthEvent[] = [];
    const remote = await createClusterEngine({ url, queueName: 'loss', parallelism: 2, onEvent: (e) => events.push(e) });
    const pool = remote.runner;
    expect(pool).toBeInstanceOf(RemotePool);
    const health = pool as RemotePool;
    expect(health.status).toBe('ok');
    let closed = false;
    try {
      const outcome = remote.var({ exposures }, market, BIG).then(() => 'resolved' as const, (e: unknown) => e);
      await until(() => health.queueSize > 0 && dbsize() > 0, 10_000, 'jobs waiting in Redis');

      await stopRedis();
      await until(() => health.status === 'disconnected', 10_000, 'status disconnected');
      await startRedis();
      const t0 = Date.now();
      const err = await Promise.race([outcome, sleep(30_000).then(() => 'still waiting 30 s after the restart' as const)]);
      const detectedMs = Date.now() - t0;
      expect(err).toBeInstanceOf(QueueStateLostError);
      const lost = err as QueueStateLostError;
      expect(lost.reason).toBe('lost');
      expect(lost.code).toBe('E_QUEUE_LOST');
      expect(lost.message).toMatch(/^queue state lost: task job \S+ is no longer in Redis at 127\.0\.0\.1:\d+/);
      console.info(`queue state loss detected ${detectedMs} ms after the Redis restart`);
      // the 'lost' event may trail the rejection by one watchdog round
      await until(() => events.some((e) => e.type === 'lost'), 10_000, "a 'lost' event");
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['disconnected', 'reconnected', 'lost']));
      await until(() => health.status === 'ok', 10_000, 'status ok again');
      expect(health.queueSize).toBe(0);

      // the restarted queue works: a worker started now answers a new job
      const worker = await startChunkWorker({ url, queueName: 'loss', threads: 1 });
      try {
        const r = await remote.var({ exposures }, market, { method: 'mc-normal', scenarios: 20_000, seed: 2 });
        expect(r.n).toBe(20_000);
      } finally {
        // Redis down: the worker's and the coordinator's close() still return
        await stopRedis();
        const t1 = Date.now();
        await Promise.all([worker.close(), remote.close()]);
        closed = true;
        expect(Date.now() - t1).toBeLessThan(10_000);
      }
    } finally {
      if (!closed) await remote.close();
      if (!redisUp()) await startRedis();
    }
  }, 60_000);

  it('Redis unreachable past the grace period fails the waiting tasks (reason unreachable) instead of waiting', async () => {
    const remote = await createClusterEngine({ url, queueName: 'down', parallelism: 1, unreachableGraceMs: 1_500, watchdogIntervalMs: 500 });
    const health = remote.runner as RemotePool;
    try {
      const outcome = remote.var({ exposures }, market, BIG).then(() => 'resolved' as const, (e: unknown) => e);
      await until(() => health.queueSize > 0 && dbsize() > 0, 10_000, 'jobs waiting in Redis');
      await stopRedis();
      const err = await Promise.race([outcome, sleep(20_000).then(() => 'still waiting' as const)]);
      expect(err).toBeInstanceOf(QueueStateLostError);
      expect((err as QueueStateLostError).reason).toBe('unreachable');
      expect((err as Error).message).toMatch(/^queue state lost: Redis at 127\.0\.0\.1:\d+ unreachable for \d+ ms/);
      // new tasks fail at once while it stays down
      await expect(remote.var({ exposures }, market, { method: 'mc-normal', scenarios: 1000, seed: 1 })).rejects.toBeInstanceOf(QueueStateLostError);
      const t1 = Date.now();
      await remote.close();
      expect(Date.now() - t1).toBeLessThan(10_000);
    } finally {
      await remote.close();
      if (!redisUp()) await startRedis();
    }
  }, 40_000);

  it('service: /readyz is 503 while Redis is down and 200 after the restart; the batch on lost jobs ends failed with E_QUEUE_LOST', async () => {
    const app = await buildServer({ engine, apiKeys: false, resultsDir, queue: { url, queueName: 'svc', parallelism: 2 }, defaultMetrics: false });
    try {
      const readyz = async (): Promise<{ status: number; body: { queue?: boolean; error?: { code: string; message: string } } }> => {
        const r = await app.inject({ method: 'GET', url: '/readyz' });
        return { status: r.statusCode, body: r.json() };
      };
      const ok = await readyz();
      expect(ok.status).toBe(200);
      expect(ok.body.queue).toBe(true);

      const sub = await app.inject({ method: 'POST', url: '/v1/batches', payload: { operation: 'var', request: { portfolio: { exposures }, market, options: BIG } } });
      expect(sub.statusCode).toBe(202);
      const id = sub.json().id as string;
      const record = async (): Promise<{ status: string; error?: { code: string; message: string } }> => (await app.inject({ method: 'GET', url: `/v1/batches/${id}` })).json();
      await until(async () => (await record()).status === 'running' && dbsize() > 0, 10_000, 'batch running with jobs in Redis');

      await stopRedis();
      await until(async () => (await readyz()).status === 503, 10_000, '/readyz 503 with Redis down');
      const down = await readyz();
      expect(down.body.error?.code).toBe('E_QUEUE_UNAVAILABLE');
      expect(down.body.error?.message).toMatch(/^queue disconnected: Redis is unreachable/);

      await startRedis();
      await until(async () => (await record()).status === 'failed', 30_000, 'batch failed within 30 s of the restart');
      const rec = await record();
      expect(rec.error?.code, rec.error?.message).toBe('E_QUEUE_LOST');
      expect(rec.error?.message).toMatch(/^queue state lost: task job \S+ is no longer in Redis/);
      await until(async () => (await readyz()).status === 200, 15_000, '/readyz 200 after the restart');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('`margin-engine serve --queue` exits within seconds of SIGTERM with Redis down; its running batch is requeued', async () => {
    const httpPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'me-queue-loss-serve-'));
    const proc = spawn(process.execPath, [
      CLI, 'serve', '--queue', url, '--queue-name', 'sigterm', '--port', String(httpPort), '--no-auth',
      '--threads', '1', '--results-dir', dir, '--log-level', 'error',
    ], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${httpPort}`;
    const readyz = (): Promise<number> => fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    try {
      await until(async () => (await readyz()) === 200, 15_000, 'service ready');
      const sub = await fetch(`${base}/v1/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'var', request: { portfolio: { exposures }, market, options: BIG } }),
      });
      expect(sub.status).toBe(202);
      const { id } = (await sub.json()) as { id: string };
      const status = async (): Promise<string> => ((await (await fetch(`${base}/v1/batches/${id}`)).json()) as { status: string }).status;
      await until(async () => (await status()) === 'running' && dbsize() > 0, 10_000, 'batch running with jobs in Redis');

      await stopRedis();
      await until(async () => (await readyz()) === 503, 10_000, '/readyz 503 with Redis down');
      const t0 = Date.now();
      proc.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'alive 10 s after SIGTERM' as const)]);
      expect(code).toBe(0);
      console.info(`serve exited ${Date.now() - t0} ms after SIGTERM with Redis down`);
      const stored = readdirSync(dir).filter((f) => f === `${id}.json`);
      expect(stored).toHaveLength(1);
      expect((JSON.parse(readFileSync(join(dir, stored[0]!), 'utf8')) as { status: string }).status).toBe('requeued');
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (!redisUp()) await startRedis();
    }
  }, 60_000);
});
