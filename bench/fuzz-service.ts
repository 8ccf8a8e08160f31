/**
 * Fuzz / soak of the HTTP service: builds the service in-process (`buildServer`), listens on a
 * 127.0.0.1 port and sends real HTTP requests: ≥ 2,000 generated cases per endpoint (every
 * operation, and batches of every operation; generators in bench/lib/fuzz.ts), a few in flight at
 * a time. Properties: every answer is 2xx or a typed 4xx (never 5xx), every 2xx body holds only
 * finite numbers, sampled batch jobs finish without an internal error and with a finite result,
 * and `/healthz` answers 200 throughout (probed every 100 cases) and at the end.
 *
 *   node build/bench/fuzz-service.js [--cases N] [--seed S] [--budget SECONDS] [--out DIR]
 *
 * Bounded in time: each endpoint gets `budget / endpoints` seconds and stops early (reported) if it
 * runs out. Writes <out>/fuzz-service.json and .md; exits 1 if any property failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { buildServer } from '../src/apps/service/index.js';
import { createEngine } from '../src/engine/index.js';
import { ENDPOINTS, caseArb, nonFiniteIn, nullPaths, violation } from './lib/fuzz.js';
import type { FuzzCase } from './lib/fuzz.js';
import { machineInfo, resultsDir } from './lib/machine.js';
import { markdownTable, writeJson, writeText } from './lib/results.js';
import { isMain, machineLine } from './lib/suite.js';

export const SUITE = 'fuzz-service';
const KEY = 'fuzz-key';
const BODY_LIMIT = 2 * 1024 * 1024;

interface EndpointReport {
  endpoint: string;
  cases: number;
  statuses: Record<string, number>;
  fiveXx: number;
  nonFinite: number;
  violations: string[];
  /** Distinct error codes of the 4xx answers. */
  errorCodes: Record<string, number>;
  mutations: Record<string, number>;
  /** Where 2xx bodies held null (indices folded): optional or absent values, audited here. */
  nullPaths: string[];
  batchesChecked?: number;
  /** The five slowest answers (ms, status, mutation, body bytes). */
  slowest: { ms: number; status: number; mutation: string; bytes: number }[];
  seconds: number;
  stoppedEarly: boolean;
}

const bump = (o: Record<string, number>, k: string): void => {
  o[k] = (o[k] ?? 0) + 1;
};

/**
 * Sends one case. A connection the server closes while a body over its limit is still being sent
 * (Fastify answers 413 and drops the rest) surfaces here as a reset: that is reported as status
 * 413 with a note; a reset on a body within the limit is a violation (status 0).
 */
async function send(base: string, c: FuzzCase, bodyLimit: number): Promise<{ status: number; text: string }> {
  try {
    const r = await fetch(base + c.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: c.payload });
    return { status: r.status, text: await r.text() };
  } catch (e) {
    if (Buffer.byteLength(c.payload) > bodyLimit) return { status: 413, text: JSON.stringify({ error: { code: 'E_BODY_TOO_LARGE', message: 'connection closed after 413' } }) };
    return { status: 0, text: `network error: ${String((e as Error).cause ?? e)}` };
  }
}

/** Polls a batch until it ends (bounded); returns the property violation, if any. */
async function checkBatch(base: string, id: string, maxMs: number): Promise<string | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    const r = await fetch(`${base}/v1/batches/${id}`, { headers: { 'x-api-key': KEY } });
    const rec = (await r.json()) as { status: string; result?: unknown; error?: { code: string; message: string } };
    if (rec.status === 'succeeded') {
      const bad = nonFiniteIn(rec.result);
      return bad === undefined ? undefined : `batch ${id}: non-finite number at result.${bad}`;
    }
    if (rec.status === 'failed') {
      return rec.error && rec.error.code !== 'E_INTERNAL' && rec.error.code !== 'E_WORKER' ? undefined : `batch ${id} failed: ${JSON.stringify(rec.error)}`;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  return undefined; // still queued: not a violation (the queue is bounded and drains after the run)
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  budgetSeconds: number;
  concurrency?: number;
  /** Endpoints to fuzz (default all). */
  only?: readonly string[];
}

export async function runFuzz(opts: FuzzOptions): Promise<{ reports: EndpointReport[]; healthy: boolean; seconds: number }> {
  const engine = await createEngine({ threads: 2 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'me-fuzz-'));
  // tight work limits so heavy generated requests get their 422 rather than minutes of CPU
  const app = await buildServer({
    engine, apiKeys: [KEY], resultsDir: dir, defaultMetrics: false, logger: false,
    limits: { bodyBytes: BODY_LIMIT, maxSyncWork: 2e8, maxBatchWork: 1e9, maxConcurrentBatches: 2 },
  } as Parameters<typeof buildServer>[0]);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const t0 = performance.now();
  const reports: EndpointReport[] = [];
  let healthy = true;
  const concurrency = opts.concurrency ?? 4;
  try {
    for (const [e, endpoint] of ENDPOINTS.entries()) {
      if (opts.only && !opts.only.includes(endpoint)) continue;
      const cases = fc.sample(caseArb(endpoint), { numRuns: opts.cases, seed: opts.seed + e });
      const rep: EndpointReport = {
        endpoint, cases: 0, statuses: {}, fiveXx: 0, nonFinite: 0, violations: [], errorCodes: {}, mutations: {}, nullPaths: [], slowest: [], seconds: 0, stoppedEarly: false,
      };
      const nulls = new Set<string>();
      const batchIds: string[] = [];
      const start = performance.now();
      const deadline = start + (opts.budgetSeconds * 1000) / (opts.only?.length ?? ENDPOINTS.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < cases.length) {
          if (performance.now() > deadline) {
            rep.stoppedEarly = true;
            return;
          }
          const i = next++;
          const c = cases[i];
          const t = performance.now();
          const r = await send(address, c, BODY_LIMIT);
          const ms = performance.now() - t;
          if (rep.slowest.length < 5 || ms > rep.slowest[rep.slowest.length - 1].ms) {
            rep.slowest.push({ ms: Math.round(ms), status: r.status, mutation: c.mutation, bytes: c.payload.length });
            rep.slowest.sort((x, y) => y.ms - x.ms).splice(5);
          }
          rep.cases++;
          bump(rep.statuses, String(r.status));
          bump(rep.mutations, c.mutation.split('+')[0]);
          if (r.status >= 500 || r.status === 0) rep.fiveXx++;
          const v = violation(r.status, r.text);
          if (v !== undefined) {
            if (v.includes('non-finite')) rep.nonFinite++;
            if (rep.violations.length < 20) rep.violations.push(`${v} ← ${c.url} ${c.payload.slice(0, 300)}`);
          }
          if (r.status >= 400 && r.status < 500) {
            try {
              bump(rep.errorCodes, (JSON.parse(r.text) as { error: { code: string } }).error.code);
            } catch {
              // counted as a violation above
            }
          }
          if (r.status >= 200 && r.status < 300) {
            for (const p of nullPaths(JSON.parse(r.text))) nulls.add(p);
            if (endpoint === 'batches' && batchIds.length < 200 && i % 5 === 0) batchIds.push((JSON.parse(r.text) as { id: string }).id);
          }
          if (i % 100 === 0) {
            const h = await fetch(`${address}/healthz`);
            if (h.status !== 200) healthy = false;
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
      if (batchIds.length > 0) {
        rep.batchesChecked = 0;
        for (const id of batchIds) {
          const v = await checkBatch(address, id, 5_000);
          rep.batchesChecked++;
          if (v !== undefined) {
            if (v.includes('non-finite')) rep.nonFinite++;
            else rep.fiveXx++;
            if (rep.violations.length < 20) rep.violations.push(v);
          }
        }
      }
      rep.nullPaths = [...nulls].sort();
      rep.seconds = (performance.now() - start) / 1000;
      reports.push(rep);
      console.log(`${endpoint.padEnd(12)} ${String(rep.cases).padStart(6)} cases  ${JSON.stringify(rep.statuses)}  5xx ${rep.fiveXx}  non-finite ${rep.nonFinite}  ${rep.seconds.toFixed(1)} s${rep.stoppedEarly ? ' (budget reached)' : ''}`);
    }
    const h = await fetch(`${address}/healthz`);
    if (h.status !== 200) healthy = false;
  } finally {
    await app.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { reports, healthy, seconds: (performance.now() - t0) / 1000 };
}

function markdown(run: Awaited<ReturnType<typeof runFuzz>>, opts: FuzzOptions): string {
  const total = run.reports.reduce((s, r) => s + r.cases, 0);
  const rows = run.reports.map((r) => [
    r.endpoint, String(r.cases), Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' '), String(r.fiveXx), String(r.nonFinite),
    r.batchesChecked === undefined ? '—' : String(r.batchesChecked), `${r.seconds.toFixed(1)} s`,
  ]);
  const nulls = run.reports.filter((r) => r.nullPaths.length > 0).map((r) => `- ${r.endpoint}: ${r.nullPaths.map((p) => `\`${p}\``).join(', ')}`);
  return [
    '# Service fuzz',
    '',
    `${total} generated requests over real HTTP (127.0.0.1) against \`buildServer\`, seed ${opts.seed}, ${opts.cases} cases per endpoint, in ${run.seconds.toFixed(1)} s. ${machineLine(machineInfo())}`,
    '',
    'Each case is a valid request of one endpoint (every VaR method, margin model, stress and backtest type, optimisation problem, and batches of every operation) with 0–3 mutations: extreme magnitudes (±1e308, 1e16, 5e-324…), scaling, wrong types, unknown keys, deleted keys, deep nesting (to 2,000 levels), huge arrays (to 60,000 entries) — or a random JSON body. Properties: status 2xx or typed 4xx, never 5xx; every 2xx body (and every sampled batch result) holds only finite numbers; `/healthz` answers 200 throughout.',
    '',
    markdownTable(['endpoint', 'cases', 'statuses', '5xx', 'non-finite', 'batches checked', 'time'], rows, ['l', 'r', 'l', 'r', 'r', 'r', 'r']),
    '',
    'Error codes of the 4xx answers:',
    '',
    ...run.reports.map((r) => `- ${r.endpoint}: ${Object.entries(r.errorCodes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`),
    '',
    `Healthy throughout and at the end: ${run.healthy ? 'yes' : 'NO'}.`,
    '',
    'Nulls seen in 2xx bodies (optional values that are absent by definition, e.g. an ES without an ES budget; none stands for a non-finite number — the engine raises E_NUMERICAL instead):',
    '',
    ...(nulls.length ? nulls : ['- none']),
    '',
    ...run.reports.flatMap((r) => (r.violations.length ? [`Violations on ${r.endpoint}:`, '', ...r.violations.map((v) => `- ${v}`), ''] : [])),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string' }, seed: { type: 'string' }, budget: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } } });
  const opts: FuzzOptions = { cases: Number(values.cases ?? 2000), seed: Number(values.seed ?? 20261204), budgetSeconds: Number(values.budget ?? 600), ...(values.only ? { only: values.only.split(',') } : {}) };
  const run = await runFuzz(opts);
  const out = values.out ?? resultsDir();
  const summary = {
    suite: SUITE, seed: opts.seed, casesPerEndpoint: opts.cases, seconds: run.seconds, healthy: run.healthy,
    total: { cases: run.reports.reduce((s, r) => s + r.cases, 0), fiveXx: run.reports.reduce((s, r) => s + r.fiveXx, 0), nonFinite: run.reports.reduce((s, r) => s + r.nonFinite, 0) },
    endpoints: run.reports, machine: machineInfo(),
  };
  writeJson(path.join(out, `${SUITE}.json`), summary);
  writeText(path.join(out, `${SUITE}.md`), markdown(run, opts) + '\n');
  console.log(`total ${summary.total.cases} cases, 5xx ${summary.total.fiveXx}, non-finite ${summary.total.nonFinite}, healthy ${run.healthy}`);
  const failed = summary.total.fiveXx > 0 || summary.total.nonFinite > 0 || !run.healthy || run.reports.some((r) => r.violations.length > 0 || r.stoppedEarly);
  process.exitCode = failed ? 1 : 0;
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
