/**
 * Service responsiveness under heavy batches: starts `margin-engine serve` from a checkout's own
 * build as a child process, submits two heavy batches at once (an FHS-GARCH VaR on a long return
 * history and a CVaR hedge LP on many scenarios) and, while they run, probes `GET /healthz` and a
 * small synchronous `POST /v1/var` every 50 ms, recording the latency of every probe.
 *
 *   node build/bench/service-responsiveness.js [--quick] [--root DIR] [--label NAME] [--out DIR]
 *
 * `--root` points at the checkout whose build/ is measured (default: this one), so the same script
 * measures an older build: build it there, then run with `--root /path/to/old --label before`.
 * Results merge by label into <out>/service-responsiveness.json (+ .md): a run replaces only its
 * own label, so "before" and "after" sit side by side.
 *
 * Probes are open-loop: one is started every interval whether or not the previous one answered, so
 * a server that stalls for a minute is charged for every probe it left waiting (a closed loop would
 * record a dozen slow probes and hide the stall). A probe that gets no answer within the timeout
 * counts as the timeout, which keeps the percentiles a lower bound rather than silently dropping
 * the worst cases. This is a measurement script, not a test: it asserts nothing about timings.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildScalingProblem } from '../src/optimize/index.js';
import { machineInfo, repoRoot, resultsDir } from './lib/machine.js';
import type { MachineInfo } from './lib/machine.js';
import { consoleTable, fmtSeconds, markdownTable, writeJson, writeText } from './lib/results.js';
import { writeReadme } from './lib/readme.js';
import { percentile } from './lib/stats.js';
import { isMain, machineLine, mulberry32, normals } from './lib/suite.js';

export const SUITE = 'service-responsiveness';

const HOST = '127.0.0.1';

const USAGE = `usage: node build/bench/service-responsiveness.js [--quick] [--root DIR] [--label NAME] [--out DIR]
  --quick           smaller batches (FHS 20,000 x 10 returns, CVaR 20,000 scenarios) and a 60 s limit
  --root DIR        checkout whose built CLI (build/src/apps/cli/main.js, or build/src/cli/main.js in
                    checkouts before the apps/ layout) is started (default: this checkout)
  --label NAME      key of this run in the merged result file (default: after)
  --out DIR         results directory (default bench/results; --quick: bench/results/raw/quick)
  --threads N       worker threads of the service (default 2)
  --time-limit S    stop waiting for the batches after S seconds (default 300; --quick 60)
  --interval MS     probe interval (default 50)
  --probe-timeout MS  a probe unanswered after this long counts as this long (default 5000)`;

export interface ResponsivenessConfig {
  mode: 'quick' | 'standard';
  root: string;
  label: string;
  outDir: string;
  threads: number;
  timeLimitSeconds: number;
  intervalMs: number;
  probeTimeoutMs: number;
  /** FHS-GARCH batch: return history rows × factors. */
  fhsRows: number;
  fhsFactors: number;
  horizonDays: number;
  /** CVaR batch: hedge instruments × scenarios. */
  cvarInstruments: number;
  cvarScenarios: number;
  seed: number;
  /** Probing before the batches are submitted, as the idle reference. */
  idleSeconds: number;
}

function parseConfig(argv: string[]): ResponsivenessConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      root: { type: 'string' },
      label: { type: 'string', default: 'after' },
      out: { type: 'string' },
      threads: { type: 'string', default: '2' },
      'time-limit': { type: 'string' },
      interval: { type: 'string', default: '50' },
      'probe-timeout': { type: 'string', default: '5000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const positive = (name: string, s: string): number => {
    const n = Number(s);
    if (!(Number.isFinite(n) && n > 0)) throw new Error(`--${name} must be a positive number; got ${s}`);
    return n;
  };
  const label = values.label ?? 'after';
  if (!/^[\w.-]{1,40}$/.test(label)) throw new Error(`--label must be 1-40 letters, digits, '.', '-' or '_'; got ${label}`);
  const here = repoRoot();
  return {
    mode: quick ? 'quick' : 'standard',
    root: path.resolve(values.root ?? here),
    label,
    outDir: values.out ? path.resolve(values.out) : quick ? path.join(resultsDir(here), 'raw', 'quick') : resultsDir(here),
    threads: Math.round(positive('threads', values.threads ?? '2')),
    timeLimitSeconds: positive('time-limit', values['time-limit'] ?? (quick ? '60' : '300')),
    intervalMs: positive('interval', values.interval ?? '50'),
    probeTimeoutMs: positive('probe-timeout', values['probe-timeout'] ?? '5000'),
    fhsRows: quick ? 20_000 : 80_000,
    fhsFactors: 10,
    horizonDays: 30,
    cvarInstruments: 10,
    cvarScenarios: quick ? 20_000 : 100_000,
    seed: 7,
    idleSeconds: 2,
  };
}

// ---- request bodies ------------------------------------------------------------------------------

/** Rounds to 1e-6: keeps the bodies small (JSON size dominates upload and parse) at no cost to the model. */
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * T × N daily log returns: GARCH(1,1) per factor (α 0.08, β 0.90, long-run vol 2 %) on Student-t(5)
 * innovations with a common factor (correlation ≈ 0.5), so the FHS fit has real clustering to find.
 */
export function garchReturns(rows: number, factors: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  const z = normals(rnd);
  const df = 5;
  const tScale = Math.sqrt((df - 2) / df);
  const student = (): number => {
    let chi = 0;
    for (let k = 0; k < df; k++) chi += z() ** 2;
    return (z() / Math.sqrt(chi / df)) * tScale;
  };
  const alpha = 0.08;
  const beta = 0.9;
  const longRunVar = 0.02 ** 2;
  const omega = longRunVar * (1 - alpha - beta);
  const variance = new Float64Array(factors).fill(longRunVar);
  const prev = new Float64Array(factors);
  const out: number[][] = [];
  for (let t = 0; t < rows; t++) {
    const common = student();
    const row = new Array<number>(factors);
    for (let j = 0; j < factors; j++) {
      variance[j] = omega + alpha * prev[j] ** 2 + beta * variance[j];
      const e = Math.SQRT1_2 * common + Math.SQRT1_2 * student();
      prev[j] = Math.sqrt(variance[j]) * e;
      row[j] = r6(prev[j]);
    }
    out.push(row);
  }
  return out;
}

function fhsBatchBody(cfg: ResponsivenessConfig): string {
  const exposures = Array.from({ length: cfg.fhsFactors }, (_, j) => (j % 3 === 2 ? -5e5 : 1e6) * (1 + j / 10));
  return JSON.stringify({
    operation: 'var',
    request: {
      portfolio: { exposures },
      market: { returns: garchReturns(cfg.fhsRows, cfg.fhsFactors, cfg.seed) },
      options: { method: 'fhs', volModel: 'garch', horizonDays: cfg.horizonDays },
    },
  });
}

/** The bench suite's synthetic ES-hedge LP (bench/optimize.bench.ts), as a JSON request. */
function cvarBatchBody(cfg: ResponsivenessConfig): string {
  const p = buildScalingProblem(cfg.cvarInstruments, cfg.cvarScenarios, cfg.seed);
  const round4 = (a: ArrayLike<number>): number[] => Array.from(a, (x) => Math.round(x * 1e4) / 1e4);
  return JSON.stringify({
    operation: 'optimize',
    request: { problem: { ...p, kind: 'cvar', basePnl: round4(p.basePnl), hedgePnl: round4(p.hedgePnl) } },
  });
}

/** The probe: parametric VaR of a 3-factor book with the covariance given (microseconds of work). */
const SMALL_VAR_BODY = JSON.stringify({
  portfolio: { exposures: [1e6, -4e5, 2.5e5] },
  market: { vols: [0.02, 0.03, 0.025], correlation: [[1, 0.6, 0.3], [0.6, 1, 0.4], [0.3, 0.4, 1]] },
  options: { method: 'parametric', confidence: 0.99 },
});

// ---- the child service ---------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

interface Service {
  child: ChildProcess;
  base: string;
  apiKey: string;
  resultsDir: string;
  /** Last lines the service wrote (for error messages). */
  tail(): string;
  exited: Promise<number | null>;
}

function startService(cfg: ResponsivenessConfig, port: number): Service {
  // the CLI moved under src/apps; older checkouts (the 'before' runs) keep it at src/cli
  const appsMain = path.join(cfg.root, 'build', 'src', 'apps', 'cli', 'main.js');
  const main = existsSync(appsMain) ? appsMain : path.join(cfg.root, 'build', 'src', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} not found: run \`npm run build\` in ${cfg.root} first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'me-svcbench-'));
  const apiKey = randomBytes(16).toString('hex');
  const args = [
    main, 'serve', '--host', HOST, '--port', String(port), '--threads', String(cfg.threads), '--results-dir', dir,
    // the FHS and CVaR bodies are ~10 MB of JSON, above the 8 MB default
    '--body-limit', '256mb', '--log-level', 'warn',
    // stopping should not wait 30 s for the batches to finish
    '--shutdown-deadline', '1000',
  ];
  const child = spawn(process.execPath, args, {
    cwd: cfg.root,
    env: { ...process.env, MARGIN_ENGINE_API_KEYS: apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // keep only the last lines, and always drain the pipes so the child never blocks on a full one
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return { child, base: `http://${HOST}:${port}`, apiKey, resultsDir: dir, tail: () => lines.join('\n'), exited };
}

/** SIGTERM, then SIGKILL if the service has not exited (a blocked event loop never runs its handler). */
async function stopService(svc: Service): Promise<void> {
  if (svc.child.exitCode === null && svc.child.signalCode === null) {
    svc.child.kill('SIGTERM');
    const exitedInTime = await Promise.race([svc.exited.then(() => true), sleep(5000).then(() => false)]);
    if (!exitedInTime) {
      svc.child.kill('SIGKILL');
      await Promise.race([svc.exited, sleep(5000)]);
    }
  }
  rmSync(svc.resultsDir, { recursive: true, force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- HTTP ----------------------------------------------------------------------------------------

interface HttpResult {
  status: number;
  body: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

/** One request with a deadline; never throws (timeouts and connection errors are results). */
async function request(svc: Service, method: 'GET' | 'POST', route: string, body: string | undefined, timeoutMs: number): Promise<HttpResult> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${svc.base}${route}`, {
      method,
      headers: { 'x-api-key': svc.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: performance.now() - t0, timedOut: false };
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    return { status: 0, body: '', ms: timedOut ? timeoutMs : performance.now() - t0, timedOut, error: timedOut ? undefined : `${err.name}: ${err.message}` };
  }
}

async function waitHealthy(svc: Service, limitMs: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < limitMs; i++) {
    if (svc.child.exitCode !== null) throw new Error(`service exited with code ${svc.child.exitCode}:\n${svc.tail()}`);
    const r = await request(svc, 'GET', '/healthz', undefined, 1000);
    if (r.status === 200) return (performance.now() - t0) / 1e3;
    await sleep(Math.min(200, 20 * (i + 1)));
  }
  throw new Error(`service not healthy after ${limitMs / 1e3} s:\n${svc.tail()}`);
}

// ---- probes --------------------------------------------------------------------------------------

type ProbeOutcome = 'ok' | 'timeout' | 'error';

interface Probe {
  /** Seconds since the batches were submitted (negative: idle reference phase). */
  t: number;
  ms: number;
  outcome: ProbeOutcome;
}

class Prober {
  readonly probes: Probe[] = [];
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: () => Promise<HttpResult>,
    private readonly origin: () => number,
  ) {}

  start(intervalMs: number): void {
    const fire = (): void => {
      const t = (performance.now() - this.origin()) / 1e3;
      const p = this.send().then((r) => {
        const outcome: ProbeOutcome = r.timedOut ? 'timeout' : r.status === 200 ? 'ok' : 'error';
        this.probes.push({ t, ms: r.ms, outcome });
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    };
    fire();
    this.timer = setInterval(fire, intervalMs);
  }

  /** Stops firing and waits for the probes in flight (each ends by its own timeout). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.pending]);
  }
}

export interface LatencySummary {
  probes: number;
  ok: number;
  timeouts: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Longest run of consecutive probes without an answer within the timeout, in seconds of probe starts. */
  longestUnansweredSeconds: number;
}

const round = (x: number, d = 1): number | null => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

export function summarizeProbes(probes: readonly Probe[], intervalMs: number): LatencySummary {
  const ms = probes.map((p) => p.ms);
  const sorted = [...probes].sort((a, b) => a.t - b.t);
  let longest = 0;
  let runStart: number | undefined;
  for (const p of sorted) {
    if (p.outcome === 'timeout') {
      runStart ??= p.t;
      longest = Math.max(longest, p.t - runStart + intervalMs / 1e3);
    } else {
      runStart = undefined;
    }
  }
  return {
    probes: probes.length,
    ok: probes.filter((p) => p.outcome === 'ok').length,
    timeouts: probes.filter((p) => p.outcome === 'timeout').length,
    errors: probes.filter((p) => p.outcome === 'error').length,
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.length ? Math.max(...ms) : NaN),
    longestUnansweredSeconds: round(longest, 2) ?? 0,
  };
}

/** Worst latency per whole second since submission: enough to see when the server stalled. */
function timeline(probes: readonly Probe[]): { second: number; probes: number; maxMs: number; timeouts: number }[] {
  const by = new Map<number, { second: number; probes: number; maxMs: number; timeouts: number }>();
  for (const p of probes) {
    if (p.t < 0) continue;
    const s = Math.floor(p.t);
    const b = by.get(s) ?? { second: s, probes: 0, maxMs: 0, timeouts: 0 };
    b.probes++;
    b.maxMs = Math.max(b.maxMs, Math.round(p.ms));
    if (p.outcome === 'timeout') b.timeouts++;
    by.set(s, b);
  }
  return [...by.values()].sort((a, b) => a.second - b.second);
}

// ---- batches -------------------------------------------------------------------------------------

export interface BatchOutcome {
  name: string;
  operation: string;
  size: string;
  requestBytes: number;
  /** Time until POST /v1/batches answered (upload, parse, validation, record written). */
  submitSeconds: number | null;
  submitStatus: number;
  id: string | null;
  /** Last status seen: succeeded, failed, or queued/running when the time limit hit; 'rejected' if the POST failed. */
  status: string;
  /** Submission to the poll that saw the job finished (client clock). */
  observedSeconds: number | null;
  /** startedAt → finishedAt of the record (server clock): the run itself. */
  runSeconds: number | null;
  error?: string;
  /** A few numbers from the result, to show it is a real answer. */
  result?: Record<string, number | string | null>;
}

interface RecordJson {
  id?: string;
  status?: string;
  startedAt?: string;
  finishedAt?: string;
  result?: Record<string, unknown>;
  error?: { code?: string; message?: string };
}

function parseRecord(text: string): RecordJson | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as RecordJson) : undefined;
  } catch {
    return undefined;
  }
}

function resultHighlights(name: string, r: Record<string, unknown> | undefined): Record<string, number | string | null> | undefined {
  if (!r) return undefined;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (name === 'fhs-garch') return { var: num(r.var), es: num(r.es), method: typeof r.method === 'string' ? r.method : null };
  const after = r.after as { es?: unknown } | undefined;
  const before = r.before as { es?: unknown } | undefined;
  return { status: typeof r.status === 'string' ? r.status : null, esBefore: num(before?.es), esAfter: num(after?.es) };
}

// ---- run -----------------------------------------------------------------------------------------

export interface RunReport {
  label: string;
  mode: 'quick' | 'standard';
  checkout: { root: string; commit: string | null; describe: string | null; dirty: boolean | null };
  machine: MachineInfo;
  config: Omit<ResponsivenessConfig, 'outDir' | 'root' | 'label' | 'mode'>;
  startupSeconds: number;
  /** Submission of the batches to the end of the load phase (both done, or the time limit). */
  loadSeconds: number;
  timeLimitHit: boolean;
  batches: BatchOutcome[];
  idle: { healthz: LatencySummary; smallVar: LatencySummary };
  underLoad: { healthz: LatencySummary; smallVar: LatencySummary };
  /**
   * Probes started after both submissions were answered: the batches' compute alone, without the
   * upload and JSON parse of the ~10 MB bodies (which the service does on its event loop).
   */
  whileRunning: { fromSeconds: number; healthz: LatencySummary; smallVar: LatencySummary };
  targets: { healthzP99Ms: number; smallVarP99Ms: number; healthzMet: boolean; smallVarMet: boolean };
  timeline: { healthz: ReturnType<typeof timeline>; smallVar: ReturnType<typeof timeline> };
}

export const TARGETS = { healthzP99Ms: 50, smallVarP99Ms: 200 } as const;

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function checkoutInfo(root: string): RunReport['checkout'] {
  // result files written by earlier runs are not changes to what is measured
  const status = git(root, ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results']);
  return { root, commit: git(root, ['rev-parse', 'HEAD']), describe: git(root, ['log', '-1', '--format=%h %s']), dirty: status === null ? null : status.length > 0 };
}

const log = (msg: string): void => console.error(`[${SUITE}] ${msg}`);

export async function runResponsiveness(cfg: ResponsivenessConfig, registerService: (s: Service) => void): Promise<RunReport> {
  const machine = machineInfo();
  const checkout = checkoutInfo(cfg.root);
  log(`measuring ${checkout.describe ?? cfg.root} (label ${cfg.label}, ${cfg.mode}), load ${machine.loadAverage1m}`);
  // bodies are built before the service starts: serialising ~10 MB in the probing process would stall its own timers
  const t0 = performance.now();
  const bodies = [
    { name: 'fhs-garch', operation: 'var', size: `${cfg.fhsRows.toLocaleString('en-US')} × ${cfg.fhsFactors} returns, horizon ${cfg.horizonDays} d`, body: fhsBatchBody(cfg) },
    { name: 'cvar-lp', operation: 'optimize', size: `${cfg.cvarInstruments} instruments × ${cfg.cvarScenarios.toLocaleString('en-US')} scenarios`, body: cvarBatchBody(cfg) },
  ];
  log(`request bodies: ${bodies.map((b) => `${b.name} ${(b.body.length / 2 ** 20).toFixed(1)} MiB`).join(', ')} (${((performance.now() - t0) / 1e3).toFixed(1)} s)`);

  const svc = startService(cfg, await freePort());
  registerService(svc);
  try {
    const startupSeconds = await waitHealthy(svc, 60_000);
    log(`service up at ${svc.base} after ${startupSeconds.toFixed(2)} s`);
    // one untimed small VaR: the first request pays for lazy initialisation, not the batches
    const warm = await request(svc, 'POST', '/v1/var', SMALL_VAR_BODY, 10_000);
    if (warm.status !== 200) throw new Error(`small VaR probe request fails (${warm.status} ${warm.error ?? warm.body.slice(0, 300)})`);

    let origin = performance.now() + cfg.idleSeconds * 1e3;
    const healthz = new Prober(() => request(svc, 'GET', '/healthz', undefined, cfg.probeTimeoutMs), () => origin);
    const smallVar = new Prober(() => request(svc, 'POST', '/v1/var', SMALL_VAR_BODY, cfg.probeTimeoutMs), () => origin);
    healthz.start(cfg.intervalMs);
    smallVar.start(cfg.intervalMs);
    await sleep(cfg.idleSeconds * 1e3);

    origin = performance.now();
    const deadline = origin + cfg.timeLimitSeconds * 1e3;
    log(`submitting ${bodies.map((b) => b.name).join(' and ')}; limit ${cfg.timeLimitSeconds} s`);
    const outcomes: BatchOutcome[] = await Promise.all(bodies.map(async (b) => {
      // the upload of a large body may itself wait on a blocked server: allow it the whole time limit
      const r = await request(svc, 'POST', '/v1/batches', b.body, cfg.timeLimitSeconds * 1e3);
      const rec = parseRecord(r.body);
      const out: BatchOutcome = {
        name: b.name, operation: b.operation, size: b.size, requestBytes: b.body.length,
        submitSeconds: r.timedOut ? null : round(r.ms / 1e3, 3), submitStatus: r.status,
        id: r.status === 202 && rec?.id ? rec.id : null,
        status: r.status === 202 ? (rec?.status ?? 'queued') : 'rejected',
        observedSeconds: null, runSeconds: null,
      };
      if (r.status !== 202) out.error = r.error ?? (r.timedOut ? 'submission timed out' : r.body.slice(0, 500));
      return out;
    }));
    for (const o of outcomes) log(`${o.name}: ${o.status} after ${o.submitSeconds ?? '—'} s (HTTP ${o.submitStatus})`);

    // poll until both are done or the limit: bounded by the deadline, one poll per batch per second
    const finished = (s: string): boolean => s === 'succeeded' || s === 'failed' || s === 'rejected';
    while (performance.now() < deadline && !outcomes.every((o) => finished(o.status))) {
      if (svc.child.exitCode !== null) throw new Error(`service exited with code ${svc.child.exitCode} during the run:\n${svc.tail()}`);
      await Promise.all(outcomes.filter((o) => !finished(o.status) && o.id).map(async (o) => {
        const left = Math.max(100, Math.min(cfg.probeTimeoutMs, deadline - performance.now()));
        const r = await request(svc, 'GET', `/v1/batches/${o.id}`, undefined, left);
        const rec = r.status === 200 ? parseRecord(r.body) : undefined;
        if (!rec?.status) return;
        o.status = rec.status;
        if (finished(rec.status)) {
          o.observedSeconds = round((performance.now() - origin) / 1e3, 2);
          if (rec.startedAt && rec.finishedAt) o.runSeconds = round((Date.parse(rec.finishedAt) - Date.parse(rec.startedAt)) / 1e3, 2);
          if (rec.error) o.error = `${rec.error.code ?? ''} ${rec.error.message ?? ''}`.trim();
          o.result = resultHighlights(o.name, rec.result);
          log(`${o.name}: ${o.status} at ${o.observedSeconds} s (run ${o.runSeconds ?? '—'} s)`);
        }
      }));
      await sleep(1000);
    }
    const loadSeconds = (performance.now() - origin) / 1e3;
    const timeLimitHit = !outcomes.every((o) => finished(o.status));
    if (timeLimitHit) log(`time limit: ${outcomes.filter((o) => !finished(o.status)).map((o) => `${o.name} still ${o.status}`).join(', ')}`);
    await Promise.all([healthz.stop(), smallVar.stop()]);

    const phase = (p: Prober, load: boolean): Probe[] => p.probes.filter((x) => (load ? x.t >= 0 && x.t <= loadSeconds : x.t < 0));
    const underLoad = { healthz: summarizeProbes(phase(healthz, true), cfg.intervalMs), smallVar: summarizeProbes(phase(smallVar, true), cfg.intervalMs) };
    const accepted = Math.max(0, ...outcomes.map((o) => o.submitSeconds ?? loadSeconds));
    const running = (p: Prober): Probe[] => p.probes.filter((x) => x.t >= accepted && x.t <= loadSeconds);
    const whileRunning = {
      fromSeconds: round(accepted, 2) ?? 0,
      healthz: summarizeProbes(running(healthz), cfg.intervalMs),
      smallVar: summarizeProbes(running(smallVar), cfg.intervalMs),
    };
    const { outDir: _o, root: _r, label: _l, mode: _m, ...config } = cfg;
    return {
      label: cfg.label,
      mode: cfg.mode,
      checkout,
      machine,
      config,
      startupSeconds: round(startupSeconds, 2) ?? 0,
      loadSeconds: round(loadSeconds, 2) ?? 0,
      timeLimitHit,
      batches: outcomes,
      idle: { healthz: summarizeProbes(phase(healthz, false), cfg.intervalMs), smallVar: summarizeProbes(phase(smallVar, false), cfg.intervalMs) },
      underLoad,
      whileRunning,
      targets: {
        ...TARGETS,
        healthzMet: underLoad.healthz.p99Ms !== null && underLoad.healthz.p99Ms < TARGETS.healthzP99Ms,
        smallVarMet: underLoad.smallVar.p99Ms !== null && underLoad.smallVar.p99Ms < TARGETS.smallVarP99Ms,
      },
      timeline: { healthz: timeline(phase(healthz, true)), smallVar: timeline(phase(smallVar, true)) },
    };
  } finally {
    await stopService(svc);
  }
}

// ---- output --------------------------------------------------------------------------------------

export interface ResponsivenessFile {
  suite: typeof SUITE;
  title: string;
  notes: string[];
  /** One run per label (e.g. before / after); a new run replaces only its own label. */
  runs: Record<string, RunReport>;
}

const TITLE = 'Service responsiveness while heavy batches run (FHS-GARCH VaR + CVaR LP)';

const NOTES = [
  'The service is started from the measured checkout\'s own build (`margin-engine serve --threads 2`) as a child process, on 127.0.0.1.',
  'Two batches are submitted at once (`POST /v1/batches`): an FHS VaR with GARCH(1,1) vol fits on a synthetic GARCH/Student-t return history, and a CVaR (ES) hedge LP on the synthetic scenario set of the optimize suite.',
  'While they run, `GET /healthz` and a small synchronous `POST /v1/var` (parametric, 3 factors, covariance given) are each sent every 50 ms, open-loop (a new probe does not wait for the last), with a 5 s timeout; an unanswered probe counts as 5 s, so the percentiles are lower bounds when there are timeouts.',
  '"Under load" covers the probes started from the submission until both batches finished (or the time limit); "idle" is the 2 s before the submission.',
  '"After both submissions were accepted" leaves out the upload and parse of the ~8 MB bodies, which the service does on its event loop. "submit (202)" is the time to the answer, so it includes any stall of the event loop: in a build that runs the batches on it, the answer can wait for a batch\'s compute, and that window then starts late.',
  `Targets: /healthz p99 < ${TARGETS.healthzP99Ms} ms and small VaR p99 < ${TARGETS.smallVarP99Ms} ms under load.`,
];

function readExisting(file: string): ResponsivenessFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<ResponsivenessFile>;
    return v.suite === SUITE && v.runs && typeof v.runs === 'object' ? (v as ResponsivenessFile) : undefined;
  } catch {
    return undefined; // a broken file is replaced rather than merged
  }
}

const ms = (x: number | null): string => (x === null ? '—' : x >= 1000 ? `${(x / 1000).toPrecision(3)} s` : `${x.toPrecision(3)} ms`);

function latencyCells(s: LatencySummary): string[] {
  return [ms(s.p50Ms), ms(s.p95Ms), ms(s.p99Ms), ms(s.maxMs), `${s.probes}`, `${s.timeouts}`, `${s.errors}`, `${s.longestUnansweredSeconds} s`];
}

export function responsivenessMarkdown(file: ResponsivenessFile): string {
  const runs = Object.values(file.runs).sort((a, b) => (a.label === 'before' ? -1 : b.label === 'before' ? 1 : a.label.localeCompare(b.label)));
  const lines = [`# ${file.title}`, '', ...file.notes.map((n) => `- ${n}`), ''];
  lines.push('## Probe latency under load', '');
  const header = ['run', 'probe', 'p50', 'p95', 'p99', 'max', 'probes', 'timeouts', 'errors', 'longest unanswered', 'target'];
  const rows: string[][] = [];
  for (const r of runs) {
    rows.push([r.label, '/healthz', ...latencyCells(r.underLoad.healthz), `p99 < ${r.targets.healthzP99Ms} ms: ${r.targets.healthzMet ? 'met' : 'not met'}`]);
    rows.push([r.label, 'small VaR', ...latencyCells(r.underLoad.smallVar), `p99 < ${r.targets.smallVarP99Ms} ms: ${r.targets.smallVarMet ? 'met' : 'not met'}`]);
  }
  lines.push(markdownTable(header, rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']), '');
  lines.push('### After both submissions were accepted', '', 'The same probes, counted only from the moment both `POST /v1/batches` had answered: the batches\' compute without the upload and parse of their bodies.', '');
  const wrows: string[][] = [];
  for (const r of runs) {
    if (!r.whileRunning) continue; // files written before this breakdown existed
    wrows.push([r.label, `${r.whileRunning.fromSeconds} s`, '/healthz', ...latencyCells(r.whileRunning.healthz)]);
    wrows.push([r.label, `${r.whileRunning.fromSeconds} s`, 'small VaR', ...latencyCells(r.whileRunning.smallVar)]);
  }
  lines.push(markdownTable(['run', 'from', 'probe', ...header.slice(2, -1)], wrows, ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']), '');
  lines.push('## Batches', '');
  const brows: string[][] = [];
  for (const r of runs) {
    for (const b of r.batches) {
      const res = b.result ? Object.entries(b.result).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(6) : v ?? '—'}`).join('; ') : '';
      brows.push([r.label, b.name, b.size, `${(b.requestBytes / 2 ** 20).toFixed(1)} MiB`, fmtSeconds(b.submitSeconds), b.status, fmtSeconds(b.runSeconds), fmtSeconds(b.observedSeconds), b.error ? `${res} ${b.error}`.trim() : res || '—']);
    }
  }
  lines.push(markdownTable(['run', 'batch', 'size', 'body', 'submit (202)', 'status', 'run (server)', 'done after submit', 'result / error'], brows, ['l', 'l', 'l', 'r', 'r', 'l', 'r', 'r', 'l']), '');
  lines.push('## Runs', '');
  for (const r of runs) {
    lines.push(`### ${r.label} (${r.mode}${r.timeLimitHit ? `, stopped at the ${r.config.timeLimitSeconds} s limit` : ''})`, '');
    lines.push(`Checkout \`${r.checkout.describe ?? '?'}\` (${r.checkout.commit ?? 'no git'}${r.checkout.dirty ? ', with uncommitted changes' : ''}). ${machineLine(r.machine)}`, '');
    lines.push(`Service up after ${r.startupSeconds} s; load phase ${r.loadSeconds} s. Idle reference: /healthz p99 ${ms(r.idle.healthz.p99Ms)} (${r.idle.healthz.probes} probes), small VaR p99 ${ms(r.idle.smallVar.p99Ms)} (${r.idle.smallVar.probes} probes).`, '');
  }
  return lines.join('\n');
}

export function writeResponsiveness(outDir: string, run: RunReport): string[] {
  const file = path.join(outDir, `${SUITE}.json`);
  const prev = readExisting(file);
  const merged: ResponsivenessFile = { suite: SUITE, title: TITLE, notes: NOTES, runs: { ...(prev?.runs ?? {}), [run.label]: run } };
  return [writeJson(file, merged), writeText(path.join(outDir, `${SUITE}.md`), responsivenessMarkdown(merged))];
}

function printRun(r: RunReport): void {
  console.log(`\n${r.label}: ${r.checkout.describe ?? r.checkout.root}${r.timeLimitHit ? ` (time limit ${r.config.timeLimitSeconds} s hit)` : ''}\n`);
  console.log(consoleTable(['probe (under load)', 'p50', 'p95', 'p99', 'max', 'probes', 'timeouts', 'errors', 'longest unanswered'], [
    ['/healthz', ...latencyCells(r.underLoad.healthz)],
    ['small VaR', ...latencyCells(r.underLoad.smallVar)],
    [`/healthz from ${r.whileRunning.fromSeconds} s`, ...latencyCells(r.whileRunning.healthz)],
    [`small VaR from ${r.whileRunning.fromSeconds} s`, ...latencyCells(r.whileRunning.smallVar)],
  ]));
  console.log('');
  console.log(consoleTable(['batch', 'submit', 'status', 'run (server)', 'done after submit'], r.batches.map((b) => [b.name, fmtSeconds(b.submitSeconds), b.status, fmtSeconds(b.runSeconds), fmtSeconds(b.observedSeconds)])));
  console.log(`\ntargets: /healthz p99 < ${r.targets.healthzP99Ms} ms ${r.targets.healthzMet ? 'met' : 'not met'}; small VaR p99 < ${r.targets.smallVarP99Ms} ms ${r.targets.smallVarMet ? 'met' : 'not met'}`);
}

async function main(): Promise<void> {
  let cfg: ResponsivenessConfig;
  try {
    cfg = parseConfig(process.argv.slice(2));
  } catch (e) {
    console.error(`${SUITE}: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  // the child must not outlive this process, whatever ends it
  let svc: Service | undefined;
  const killNow = (): void => {
    if (svc && svc.child.exitCode === null && svc.child.signalCode === null) svc.child.kill('SIGKILL');
  };
  process.once('exit', killNow);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the service`);
      killNow();
      if (svc) rmSync(svc.resultsDir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const run = await runResponsiveness(cfg, (s) => (svc = s));
  printRun(run);
  for (const f of writeResponsiveness(cfg.outDir, run)) log(`wrote ${f}`);
  log(`report: ${writeReadme(cfg.outDir)}`);
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
