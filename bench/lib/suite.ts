/**
 * Shared shape of the suites added after mc-var (mc-scaling, kernels, revaluation, grid-margin,
 * covariance, optimize): one row per implementation × size, each with what it computes, the values
 * it produced, how it was checked, and its timing (median and spread of tinybench samples).
 *
 * Timing plan: every row first runs once untimed and its result is checked (a wrong result never
 * produces a timing); that run is also the first warm-up. Fast rows get `warmupIterations` more
 * warm-up runs. The number of timed iterations is chosen from the first run's duration so a row
 * costs about `budgetSeconds`, within [minIterations, maxIterations]; every timed iteration must
 * reproduce the checked result.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchFlags } from './cli.js';
import type { MachineInfo } from './machine.js';
import { consoleTable, fmtRate, fmtRatio, fmtSeconds, markdownTable, writeJson, writeText } from './results.js';
import { timeRow } from './timing.js';

export type Mode = 'quick' | 'standard' | 'full';

export function modeOf(flags: Pick<BenchFlags, 'quick' | 'full'>): Mode {
  return flags.quick ? 'quick' : flags.full ? 'full' : 'standard';
}

export interface TimingPlan {
  budgetSeconds: number;
  minIterations: number;
  maxIterations: number;
  /** Extra warm-up runs after the checked first run, for rows whose first run took < 0.5 s. */
  warmupIterations: number;
}

export function timingPlan(mode: Mode): TimingPlan {
  return mode === 'quick'
    ? { budgetSeconds: 0.5, minIterations: 2, maxIterations: 3, warmupIterations: 1 }
    : { budgetSeconds: 3, minIterations: 2, maxIterations: 7, warmupIterations: 1 };
}

export interface Spread { min: number; p25: number; p75: number; max: number }

/** A correctness check that passed (failed checks throw before any timing). */
export interface RowCheck {
  /** What the result was compared with. */
  against: string;
  /** e.g. `max abs diff`, `rel err VaR99`. */
  metric: string;
  value: number;
  tolerance: number;
}

export interface SuiteRow {
  id: string;
  label: string;
  /** What the row computes and what the timing covers. */
  computes: string;
  impl: 'engine' | 'peer' | 'library';
  status: 'ok' | 'skipped';
  skipReason?: string;
  threads?: number;
  /** Human-readable problem size, e.g. `10,000 × 500`. */
  size: string;
  /** Units of work per call (throughput = work / median seconds). */
  work: number;
  workUnit: string;
  iterations?: number;
  warmupIterations?: number;
  samplesSeconds?: number[];
  medianSeconds?: number;
  spread?: Spread;
  throughput?: number;
  /** Numbers the implementation produced (so like is compared with like). */
  values?: Record<string, number | string | boolean | null>;
  checks?: RowCheck[];
  /** Anything a reader must know (extrapolated, different data, …). */
  note?: string;
}

export interface SuiteReport {
  suite: string;
  title: string;
  mode: Mode;
  machine: MachineInfo;
  config: Record<string, unknown>;
  /** Method notes shown under the title. */
  notes: string[];
  rows: SuiteRow[];
  ratioDefinition: string;
  /** Ratios for bench:check (higher is better); null when a row was skipped. */
  ratios: Record<string, number | null>;
  ratioLabels: Record<string, string>;
  /** Suite-specific extra results (curves, targets). */
  extra?: Record<string, unknown>;
  /** Extra Markdown sections appended to the suite's .md. */
  sections?: string[];
}

export interface TimedResult<T> {
  first: T;
  firstSeconds: number;
  timing: Pick<SuiteRow, 'iterations' | 'warmupIterations' | 'samplesSeconds' | 'medianSeconds' | 'spread'>;
}

/**
 * Runs `run` once (untimed, returned for checking by the caller via `check`), then times it per
 * the plan; each timed result goes through `same(first, again)`, which throws when they differ.
 */
export async function timeChecked<T>(
  name: string,
  run: () => Promise<T>,
  check: (first: T) => void,
  same: (first: T, again: T) => void,
  plan: TimingPlan,
): Promise<TimedResult<T>> {
  const t0 = performance.now();
  const first = await run();
  const firstSeconds = (performance.now() - t0) / 1e3;
  check(first);
  const iterations = Math.max(plan.minIterations, Math.min(plan.maxIterations, Math.ceil(plan.budgetSeconds / Math.max(firstSeconds, 1e-6))));
  const warmupIterations = firstSeconds < 0.5 ? plan.warmupIterations : 0;
  const t = await timeRow(name, async () => same(first, await run()), { iterations, warmupIterations });
  const s = t.summary;
  return {
    first,
    firstSeconds,
    timing: {
      iterations: t.iterations,
      // the checked first run is a warm-up too
      warmupIterations: warmupIterations + 1,
      samplesSeconds: t.samplesSeconds,
      medianSeconds: s.median,
      spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
    },
  };
}

/** Throws unless |value| ≤ tolerance; returns the check record. */
export function requireClose(row: string, against: string, metric: string, value: number, tolerance: number): RowCheck {
  if (!(Math.abs(value) <= tolerance)) {
    throw new Error(`${row}: ${metric} vs ${against} = ${value} exceeds tolerance ${tolerance}: results disagree, no timing reported`);
  }
  return { against, metric, value, tolerance };
}

/** max |a[i] − b[i]| over the first n entries. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** A finished row from a timed result. */
export function okRow(base: Omit<SuiteRow, 'status'>, t: TimedResult<unknown>['timing']): SuiteRow {
  return { ...base, status: 'ok', ...t, throughput: base.work / (t.medianSeconds ?? NaN) };
}

export function skippedRow(base: Omit<SuiteRow, 'status'>, reason: string): SuiteRow {
  return { ...base, status: 'skipped', skipReason: reason };
}

/** throughput(a) / throughput(b), null when either row is missing or skipped. */
export function ratioOf(rows: readonly SuiteRow[], a: string, b: string): number | null {
  const ra = rows.find((r) => r.id === a && r.status === 'ok');
  const rb = rows.find((r) => r.id === b && r.status === 'ok');
  return ra?.throughput && rb?.throughput ? ra.throughput / rb.throughput : null;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function fmtValue(v: number | string | boolean | null): string {
  if (v === null) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return fmtInt(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(3);
  return v.toLocaleString('en-US', { maximumSignificantDigits: 7 });
}

export function valuesText(r: SuiteRow): string {
  return Object.entries(r.values ?? {}).map(([k, v]) => `${k} ${fmtValue(v)}`).join('; ') || '—';
}

export function checksText(r: SuiteRow): string {
  return (r.checks ?? []).map((c) => `${c.metric} vs ${c.against}: ${c.value === 0 ? '0' : c.value.toExponential(1)} (≤ ${c.tolerance.toExponential(0)})`).join('; ') || '—';
}

export function timingText(r: SuiteRow): string {
  if (r.status !== 'ok') return `skipped: ${r.skipReason ?? ''}`;
  return `${fmtSeconds(r.medianSeconds)} [${fmtSeconds(r.spread?.min)}–${fmtSeconds(r.spread?.max)}] n=${r.iterations}`;
}

export function throughputText(r: SuiteRow): string {
  return r.status === 'ok' ? fmtRate(r.throughput, ` ${r.workUnit}/s`) : '—';
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGiB} GiB, Node ${m.node}, ${m.platform}/${m.arch}; ${m.date}; 1-min load average at start ${m.loadAverage1m}`
    + (m.loadAverage1m > m.cores * 0.5 ? ' (machine busy: timings are inflated and noisy)' : '') + '.';
}

export function suiteMarkdown(rep: SuiteReport): string {
  const header = ['row', 'what is computed', 'size', 'median [min–max] n', 'throughput', 'values', 'check'];
  const rows = rep.rows.map((r) => [r.label, r.computes + (r.note ? ` — ${r.note}` : ''), r.size, timingText(r), throughputText(r), valuesText(r), checksText(r)]);
  const ratioKeys = Object.keys(rep.ratioLabels);
  const lines = [
    `# ${rep.title}${rep.mode === 'quick' ? ' (quick smoke run)' : rep.mode === 'full' ? ' (full run)' : ''}`,
    '',
    machineLine(rep.machine),
    '',
    ...rep.notes.map((n) => `- ${n}`),
    '',
    markdownTable(header, rows, ['l', 'l', 'r', 'r', 'r', 'l', 'l']),
    '',
  ];
  if (ratioKeys.length > 0) {
    lines.push('## Ratios', '', rep.ratioDefinition, '', markdownTable(['ratio', 'key', 'value'], ratioKeys.map((k) => [rep.ratioLabels[k], `\`${k}\``, fmtRatio(rep.ratios[k])]), ['l', 'l', 'r']), '');
  }
  for (const s of rep.sections ?? []) lines.push(s, '');
  lines.push(`![${rep.suite}](${rep.suite}.svg)`, '');
  return lines.join('\n');
}

export function printSuite(rep: SuiteReport): void {
  console.log(consoleTable(['row', 'size', 'median [min–max] n', 'throughput', 'values'], rep.rows.map((r) => [r.label, r.size, timingText(r), throughputText(r), valuesText(r)])));
  const keys = Object.keys(rep.ratioLabels);
  if (keys.length > 0) console.log('');
  for (const k of keys) console.log(`${rep.ratioLabels[k].padEnd(52)} ${fmtRatio(rep.ratios[k])}`);
}

/** Writes <suite>.json, .md and .svg; returns the paths. */
export function writeSuite(rep: SuiteReport, svg: string, outDir: string): string[] {
  return [
    writeJson(path.join(outDir, `${rep.suite}.json`), rep),
    writeText(path.join(outDir, `${rep.suite}.md`), suiteMarkdown(rep)),
    writeText(path.join(outDir, `${rep.suite}.svg`), svg),
  ];
}

/** Logger prefixed with the suite name (stderr, so stdout holds the tables). */
export function logger(suite: string): (msg: string) => void {
  return (msg) => console.error(`[${suite}] ${msg}`);
}

/** Runs `fn` with an engine-like resource and always closes it. */
export async function using<E extends { close(): Promise<void> }, T>(make: () => Promise<E>, fn: (e: E) => Promise<T>): Promise<T> {
  const e = await make();
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

/** Deterministic uniform generator (mulberry32) for fixtures. */
export function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform generator. */
export function normals(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** Entry point helper: run a suite when its compiled file is executed directly. */
export function isMain(metaUrl: string): boolean {
  return !!process.argv[1] && metaUrl === pathToFileURL(process.argv[1]).href;
}
