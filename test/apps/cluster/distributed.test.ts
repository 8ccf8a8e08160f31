/**
 * Distributed Monte Carlo on BullMQ over a real redis-server (loopback, free port): two
 * `margin-engine worker` processes give the single-machine engine's numbers bit for bit, through
 * the coordinator engine and through the service's batch endpoint; a worker killed with SIGKILL
 * mid-job has its chunk retried by the other worker and the batch result does not change.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, hasRedis, sleep } from './fixtures.js';
import { readFileSync } from 'node:fs';
import { SolverError, ValidationError } from '../../../src/errors/index.js';
import { parseCsv, returns } from '../../../src/market/index.js';
import { createEngine } from '../../../src/engine/index.js';
import { CROSS_ACCOUNT, CROSS_MARKS } from '../../helpers.js';
import type { Engine, VarResult } from '../../../src/engine/index.js';
import { createClusterEngine, startChunkWorker } from '../../../src/apps/cluster/index.js';
import { buildServer } from '../../../src/apps/service/index.js';
import { planTasks } from '../../../src/risk/mc.js';
import { CHUNK_SCENARIOS } from '../../../src/kernels/index.js';
import { syntheticVenue } from '../../../src/solvency/index.js';

interface WorkerProc {
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
}

const procs: ChildProcess[] = [];

function spawnWorker(url: string, queueName: string, preload: string[] = []): WorkerProc {
  const proc = spawn(process.execPath, [
    ...preload.flatMap((p) => ['--import', p]), CLI, 'worker', '--queue', url, '--queue-name', queueName, '--threads', '1',
    '--lock-duration', '1500', '--stalled-interval', '500', '--max-stalled', '3',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not a log line */
      }
      for (const w of waiters.splice(0)) w();
    }
  });
  proc.stderr!.on('data', () => {});
  return {
    proc,
    lines,
    async waitFor(pred, timeoutMs) {
      const t0 = Date.now();
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (Date.now() - t0 > timeoutMs || proc.exitCode !== null) throw new Error(`worker: condition not met in ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
  };
}

function expectSameNumbers(a: VarResult, b: VarResult): void {
  expect(a.var).toBe(b.var);
  expect(a.es).toBe(b.es);
  expect(a.levels).toEqual(b.levels);
  expect(a.meanLoss).toBe(b.meanLoss);
  expect(a.stdLoss).toBe(b.stdLoss);
  expect(a.tail).toEqual(b.tail);
  expect(a.n).toBe(b.n);
}

const n = 12;
const exposures = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1e5 + 1e4 * i));
const vols = Array.from({ length: n }, (_, i) => 0.01 + 0.002 * i);
const correlation = vols.map((_, i) => vols.map((__, j) => (i === j ? 1 : 0.3)));
const market = { vols, correlation };

describe.skipIf(!hasRedis)('distributed Monte Carlo on BullMQ', () => {
  let port = 0;
  let url = '';
  let engine: Engine;
  let resultsDir = '';

  beforeAll(async () => {
    expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    const r = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
    expect(r.status).toBe(0);
    for (let i = 0; i < 50; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') break;
      await sleep(100);
    }
    engine = await createEngine({ threads: 1 });
    resultsDir = mkdtempSync(join(tmpdir(), 'me-cluster-'));
  }, 20_000);

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await engine?.close();
    if (port) spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    if (resultsDir) rmSync(resultsDir, { recursive: true, force: true });
  });

  it('every engine method on a cluster engine returns the local result (two worker processes)', async () => {
    const queueName = 'every-method';
    const workers = [spawnWorker(url, queueName), spawnWorker(url, queueName)];
    await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'worker ready', 10_000)));
    const remote = await createClusterEngine({ url, queueName, parallelism: 2 });
    const dropTiming = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'elapsedMs' || k === 'timeMs' || k === 'timing' || k === 'masterMs' || k === 'pricingMs' ? undefined : v)));
    const same = async (call: (e: Engine) => Promise<unknown>): Promise<void> => {
      const [a, b] = await Promise.all([call(remote), call(engine)]);
      expect(dropTiming(a)).toEqual(dropTiming(b));
    };
    try {
      const history = parseCsv(readFileSync(new URL('../../../data/eustockmarkets.csv', import.meta.url), 'utf8'));
      const rets = returns(history);
      const dax = rets.map((r) => [r[0], r[1]]);
      const book = { exposures: [1e6, -4e5] };
      const account = CROSS_ACCOUNT;
      const marks = CROSS_MARKS;
      const options = [
        { kind: 'linear-perp' as const, underlying: 'BTC', quantity: 1 },
        { kind: 'option' as const, underlying: 'BTC', quantity: -1, optionType: 'call' as const, style: 'inverse' as const, strike: 70_000, expiry: 0.1, vol: 0.6 },
      ];
      const last = history.prices.at(-1)!;
      const daxBook = { positions: [{ kind: 'linear-future' as const, underlying: 'DAX', quantity: 1 }] };

      for (const method of ['historical', 'fhs', 'cornish-fisher', 'stressed', 'parametric'] as const) {
        await same((e) => e.var(book, { returns: dax }, { method, confidence: [0.99, 0.975], horizonDays: 2, attribution: method !== 'cornish-fisher' }));
      }
      await same((e) => e.var(book, { returns: dax }, { method: 'fhs', volModel: 'garch' }));
      await same((e) => e.var(book, { returns: dax }, { method: 'mc-normal', scenarios: 40_000, seed: 3, covarianceModel: 'ledoit-wolf', attribution: true }));
      await same((e) => e.margin(account, { marks }, { model: 'tiered' }));
      await same((e) => e.liquidation(account, { marks }, { dailyVol: 0.03 }));
      await same((e) => e.margin({ positions: options }, { prices: { BTC: 61_000 } }, { model: 'scenario-grid' }));
      await same((e) => e.margin(daxBook, { prices: { DAX: last[0] }, history }, { model: 'var-es' }));
      await same((e) => e.gridMarginBatch([{ positions: options }, { positions: options.slice(0, 1) }], { prices: { BTC: 61_000 } }));
      await same((e) => e.revalue({ positions: options }, { prices: { BTC: 61_000 } }, [{ move: -0.1 }, { move: 0.05, volShift: 0.1 }]));
      await same((e) => e.stress(daxBook, { prices: { DAX: last[0] }, history }, { windowDays: 10, episodes: 2, margin: 500 }));
      await same((e) => e.stressRequest({ type: 'default-fund', members: [{ id: 'a', stressLoss: 100, initialMargin: 40 }, { id: 'b', stressLoss: 70, initialMargin: 20 }] }));
      const pnl = rets.map((r) => 1e6 * r[0]);
      await same((e) => e.backtest(pnl, undefined, { model: 'ewma', window: 250, confidence: 0.99 }));
      await same((e) => e.backtestRequest({ type: 'rolling', series: pnl, forecaster: 'historical', window: 250, confidence: 0.99 }));
      await same((e) => e.recalibrate(pnl.map((x) => -x), { window: 250, confidence: 0.99, model: { kind: 'historical', multiplier: 0.6 } }));
      for (const method of ['sample', 'ewma', 'ledoit-wolf'] as const) await same((e) => e.covariance(rets, { method }));
      await same((e) => e.optimize({ kind: 'kelly', returns: [1, 1, 1, -1, -1], kellyFraction: 0.5 }));
      // the venue simulator: one run, a streamed run (state moved between jobs) and fund sizing over paths
      const venue = syntheticVenue(60, 3, 5);
      const crash = { kind: 'monte-carlo' as const, symbols: venue.symbols, start: venue.start, ticks: 90, vol: [0.9, 1, 1.2], drift: [-200, -200, -200], jumps: { intensity: 30, mean: -0.03, sd: 0.02 }, seed: 9 };
      const venueConfig = { tables: venue.tables, fund: { USDT: 500 }, impact: { BTCUSDT: { model: 'sqrt' as const, depth: 50, coefficient: 0.1 } } };
      await same((e) => e.simulateVenue(venue.accounts, { scenario: crash, index: 2 }, venueConfig));
      await same((e) => e.venueSizing(venue.accounts, { ...crash, ticks: 40 }, venueConfig, { paths: 12, confidence: 0.9, pathsPerTask: 5 }));
      await same(async (e) => {
        const items = [];
        for await (const item of e.streamVenue(venue.accounts, { scenario: crash, index: 2 }, venueConfig, { chunkTicks: 25 })) items.push(item.type === 'summary' ? item.summary : item);
        return items;
      });
      await same((e) => e.optimize({
        kind: 'collateral',
        assets: [{ id: 'USDC', available: 60, haircut: 0, costRate: 0.01 }, { id: 'BTC', available: 1000, haircut: 0.2, costRate: 0.02 }],
        venues: [{ id: 'V', requirement: 100 }],
      }));
      // a long solve's progress comes back through the queue (the worker relays its task's progress cell)
      const S = 600;
      const cvar = {
        kind: 'cvar' as const, confidence: 0.95,
        basePnl: Array.from({ length: S }, (_, s) => 40 * Math.sin(1.3 * s) + 7 * Math.cos(0.7 * s)),
        hedgePnl: Array.from({ length: S * 3 }, (_, j) => (j % 3 === 0 ? -30 : 10 * (j % 3)) * Math.sin(1.3 * Math.floor(j / 3)) + Math.cos(0.31 * j)),
        instruments: [{ id: 'a', lower: -5, upper: 5 }, { id: 'b', lower: -5, upper: 5 }, { id: 'c', lower: -5, upper: 5 }],
      };
      const seen: Array<{ iteration: number; gap: number }> = [];
      const [viaQueue, local] = await Promise.all([
        remote.optimize(cvar, {}, { onProgress: (x) => seen.push({ iteration: x.iteration, gap: x.gap }) }),
        engine.optimize(cvar),
      ]);
      expect(dropTiming(viaQueue)).toEqual(dropTiming(local));
      const iterations = (viaQueue as { solver: { iterations: number } }).solver.iterations;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toEqual({ iteration: iterations, gap: expect.any(Number) });
      expect(seen.at(-1)!.gap).toBeLessThanOrEqual(1e-9);
      // typed errors come back as themselves
      await expect(remote.margin({ positions: [] }, { prices: {} } as never, { model: 'var-es' })).rejects.toBeInstanceOf(ValidationError);
      await expect(remote.optimize({
        kind: 'collateral', assets: [{ id: 'USDC', available: 10, haircut: 0, costRate: 0.01 }], venues: [{ id: 'V', requirement: 100 }],
      })).rejects.toBeInstanceOf(SolverError);
    } finally {
      await remote.close();
      for (const w of workers) w.proc.kill('SIGTERM');
    }
  }, 120_000);

  it('two worker processes give engine.var bit for bit (coordinator engine and service batch)', async () => {
    const queueName = 'equal';
    const workers = [spawnWorker(url, queueName), spawnWorker(url, queueName)];
    await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'worker ready', 10_000)));
    const options = { method: 'mc-t' as const, df: 5, scenarios: 150_000, seed: 11, confidence: [0.975, 0.99] };
    const ref = await engine.var({ exposures }, market, options);

    const remote = await createClusterEngine({ url, queueName, parallelism: 2 });
    try {
      const got = await remote.var({ exposures }, market, options);
      expectSameNumbers(got, ref);
    } finally {
      await remote.close();
    }
    // each chunk-range job of the split (planTasks for parallelism 2) completed exactly once, after
    // the one Cholesky factorisation job (log lines may trail the queue events)
    const jobs = planTasks(Math.ceil(options.scenarios / CHUNK_SCENARIOS), 2).length + 1;
    const completed = (): number => workers.reduce((s, w) => s + w.lines.filter((l) => l.msg === 'job completed').length, 0);
    for (let i = 0; i < 50 && completed() < jobs; i++) await sleep(100);
    expect(completed()).toBe(jobs);

    // the same through the service: POST /v1/batches with --queue
    const app = await buildServer({ engine, apiKeys: ['k'], resultsDir, queue: { url, queueName, parallelism: 2 }, defaultMetrics: false });
    try {
      const h = { 'x-api-key': 'k' };
      const sub = await app.inject({ method: 'POST', url: '/v1/batches', headers: h, payload: { operation: 'var', request: { portfolio: { exposures }, market, options } } });
      expect(sub.statusCode).toBe(202);
      const id = sub.json().id as string;
      let rec: { status: string; result?: VarResult } = { status: 'queued' };
      for (let i = 0; i < 200 && (rec.status === 'queued' || rec.status === 'running'); i++) {
        await sleep(50);
        rec = (await app.inject({ method: 'GET', url: `/v1/batches/${id}`, headers: h })).json();
      }
      expect(rec.status).toBe('succeeded');
      expectSameNumbers(rec.result!, JSON.parse(JSON.stringify(ref)) as VarResult);
    } finally {
      await app.close();
    }
    for (const w of workers) w.proc.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => new Promise<number | null>((r) => (w.proc.exitCode !== null ? r(w.proc.exitCode) : w.proc.once('exit', (c) => r(c))))));
    expect(codes).toEqual([0, 0]); // clean shutdown closes the queue connections
  }, 30_000);

  it('a coordinator waiting on 16 jobs over one caller signal prints no MaxListenersExceededWarning (abort or queue \'closing\')', async () => {
    const queueName = 'listeners';
    const worker = await startChunkWorker({ url, queueName, threads: 2 });
    const remote = await createClusterEngine({ url, queueName, parallelism: 16 }); // planTasks: at least 16 jobs
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    process.on('warning', onWarning);
    try {
      const ctl = new AbortController();
      const r = await remote.var({ exposures: [1e6, 2e6] }, { vols: [0.02, 0.03], correlation: [[1, 0.3], [0.3, 1]] }, { method: 'mc-normal', scenarios: 2_000_000, seed: 4, signal: ctl.signal });
      expect(r.n).toBe(2_000_000);
      await sleep(0); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
      await remote.close();
      await worker.close();
    }
    expect(warnings).toEqual([]);
  }, 30_000);

  it('a worker killed with SIGKILL mid-job: its chunk is retried by another worker, same result', async () => {
    const queueName = 'kill';
    // the victim kills itself with SIGKILL as soon as it has taken the job (see die-on-job-active.mjs),
    // so the job is always mid-flight when its worker dies; the rescuer starts only after that
    const victim = spawnWorker(url, queueName, [new URL('./die-on-job-active.mjs', import.meta.url).href]);
    await victim.waitFor((l) => l.msg === 'worker ready', 10_000);
    const options = { method: 'mc-normal' as const, scenarios: 4_000_000, seed: 5, confidence: 0.99 };
    const ref = await engine.var({ exposures }, market, options);

    const remote = await createClusterEngine({ url, queueName, parallelism: 1 });
    try {
      const pending = remote.var({ exposures }, market, options);
      const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => victim.proc.once('close', (code, sig) => r([code, sig])));
      expect(signal).toBe('SIGKILL');
      const taken = victim.lines.find((l) => l.msg === 'job active');
      expect(taken).toBeDefined();
      expect(victim.lines.some((l) => l.msg === 'job completed')).toBe(false);
      const rescuer = spawnWorker(url, queueName);
      const got = await pending;
      expectSameNumbers(got, ref);
      await rescuer.waitFor((l) => l.msg === 'job completed' && l.jobId === taken!.jobId, 5000); // the log line may trail the queue event
      rescuer.proc.kill('SIGTERM');
    } finally {
      await remote.close();
    }
  }, 30_000);
});
