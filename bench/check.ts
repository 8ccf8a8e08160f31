/**
 * `bench:check`: compares the ratios of a fresh results file with the committed baseline and exits
 * non-zero when one regresses by more than the tolerance.
 *
 *   node build/bench/check.js [fresh.json ...] [--baseline bench/results/baseline.json]
 *                             [--tolerance 0.25] [--strict]
 *   node build/bench/check.js --update [fresh.json ...]   (re)writes the baseline's entries for those suites
 *
 * Without files: every suite result file in bench/results (mc-var, mc-scaling, kernels, revaluation,
 * grid-margin, covariance, optimize) that exists; a suite without a baseline entry is reported and
 * skipped (a failure with --strict).
 *
 * Ratios are throughput ratios where higher is better (ours / peer, threads N / 1), so a ratio
 * regresses when fresh < baseline × (1 − tolerance). Ratios are used rather than seconds because
 * they travel between machines far better than absolute timings. A ratio missing from either side
 * (a peer skipped for lack of gcc/numpy) is reported and ignored, unless --strict.
 * Exit codes: 0 ok, 1 regression (or missing ratio with --strict), 2 bad usage or unreadable files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resultsDir } from './lib/machine.js';
import { REPORT_ORDER } from './lib/readme.js';
import { consoleTable, fmtRatio, writeJson } from './lib/results.js';

/** The committed baseline: per suite, the ratios of a reference run. */
export interface Baseline {
  description: string;
  tolerance: number;
  suites: Record<string, { from: { date: string; cpuModel: string; cores: number; node: string; mode: string; loadAverage1m?: number }; ratios: Record<string, number | null> }>;
}

interface ResultsFile {
  suite: string;
  mode?: string;
  machine?: { date: string; cpuModel: string; cores: number; node: string; loadAverage1m?: number };
  ratios: Record<string, number | null>;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    console.error(`bench:check: cannot read ${file}: ${(err as Error).message}`);
    process.exit(2);
  }
}

/** The result files to use: the given ones, or every known suite's file in the results directory. */
function freshFiles(positionals: string[]): string[] {
  if (positionals.length > 0) return positionals.map((p) => path.resolve(p));
  const files = REPORT_ORDER.map((s) => path.join(resultsDir(), `${s}.json`)).filter((f) => existsSync(f));
  if (files.length === 0) {
    console.error(`bench:check: no result files in ${resultsDir()}; run \`npm run bench\` first`);
    process.exit(2);
  }
  return files;
}

function update(files: string[], basePath: string): void {
  const baseline: Baseline = existsSync(basePath)
    ? readJson<Baseline>(basePath)
    : { description: 'Reference throughput ratios for `bench:check` (higher is better); update with `node build/bench/check.js --update`.', tolerance: 0.25, suites: {} };
  for (const fresh of files) {
    const res = readJson<ResultsFile>(fresh);
    const m = res.machine;
    baseline.suites[res.suite] = {
      from: { date: m?.date ?? '', cpuModel: m?.cpuModel ?? '', cores: m?.cores ?? 0, node: m?.node ?? '', mode: res.mode ?? '', loadAverage1m: m?.loadAverage1m },
      ratios: res.ratios,
    };
    console.log(`bench:check: baseline ${basePath} updated for suite ${res.suite} from ${fresh}`);
  }
  writeJson(basePath, baseline);
}

interface Outcome { regressions: number; missing: number; noBaseline: boolean }

function checkOne(fresh: string, baseline: Baseline, basePath: string, tol: number, strict: boolean): Outcome {
  const res = readJson<ResultsFile>(fresh);
  const base = baseline.suites[res.suite];
  if (!base) {
    console.log(`bench:check ${res.suite}: ${fresh}\n  baseline ${basePath} has no suite "${res.suite}" (add it with --update)${strict ? ': MISSING' : ': skipped'}\n`);
    return { regressions: 0, missing: 0, noBaseline: true };
  }
  console.log(`bench:check ${res.suite}: ${fresh}`);
  console.log(`  fresh:    ${res.machine?.cpuModel}, ${res.machine?.cores} cores, Node ${res.machine?.node}, ${res.machine?.date}, mode ${res.mode}, load ${res.machine?.loadAverage1m}`);
  console.log(`  baseline: ${base.from.cpuModel}, ${base.from.cores} cores, Node ${base.from.node}, ${base.from.date}, mode ${base.from.mode}, load ${base.from.loadAverage1m}`);
  if (res.mode !== base.from.mode) console.log(`  note: comparing a ${res.mode} run with a ${base.from.mode} baseline; sizes differ and quick runs are noisier`);
  if (res.machine && res.machine.cores !== base.from.cores) console.log(`  note: core counts differ (${res.machine.cores} vs ${base.from.cores}); thread ratios are not comparable`);
  console.log(`  tolerance: a ratio regresses when fresh < baseline × ${(1 - tol).toFixed(2)}\n`);

  const keys = [...new Set([...Object.keys(base.ratios), ...Object.keys(res.ratios)])];
  if (keys.length === 0) {
    console.log('  (no ratios in this suite: absolute times only)\n');
    return { regressions: 0, missing: 0, noBaseline: false };
  }
  let regressions = 0;
  let missing = 0;
  const rows = keys.map((k) => {
    const b = base.ratios[k];
    const f = res.ratios[k];
    if (b == null || f == null) {
      missing++;
      return [k, fmtRatio(b), fmtRatio(f), '—', strict ? 'MISSING' : 'skipped'];
    }
    const change = f / b - 1;
    const bad = f < b * (1 - tol);
    if (bad) regressions++;
    return [k, fmtRatio(b), fmtRatio(f), `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`, bad ? 'REGRESSION' : 'ok'];
  });
  console.log(consoleTable(['ratio', 'baseline', 'fresh', 'change', 'status'], rows));
  console.log('');
  return { regressions, missing, noBaseline: false };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      tolerance: { type: 'string' },
      strict: { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: node build/bench/check.js [fresh.json ...] [--baseline F] [--tolerance 0.25] [--strict] [--update]
  Compares the throughput ratios of fresh result files (default: every suite file in bench/results)
  with the baseline; exits 1 when a ratio falls below baseline × (1 − tolerance).
  --update  write the fresh ratios into the baseline instead.`);
    return;
  }
  const files = freshFiles(positionals);
  const basePath = path.resolve(values.baseline ?? path.join(resultsDir(), 'baseline.json'));
  if (values.update) {
    update(files, basePath);
    return;
  }
  const baseline = readJson<Baseline>(basePath);
  const tol = values.tolerance !== undefined ? Number(values.tolerance) : baseline.tolerance ?? 0.25;
  if (!(tol >= 0 && tol < 1)) {
    console.error(`bench:check: --tolerance must be in [0, 1); got ${values.tolerance}`);
    process.exit(2);
  }
  const outcomes = files.map((f) => checkOne(f, baseline, basePath, tol, values.strict));
  const regressions = outcomes.reduce((s, o) => s + o.regressions, 0);
  const missing = outcomes.reduce((s, o) => s + o.missing, 0);
  const noBaseline = outcomes.filter((o) => o.noBaseline).length;
  const failed = regressions > 0 || (values.strict && (missing > 0 || noBaseline > 0));
  console.log(`${files.length} suite(s): ${regressions} regression(s)${missing ? `, ${missing} ratio(s) missing` : ''}${noBaseline ? `, ${noBaseline} without baseline` : ''}: ${failed ? 'FAIL' : 'ok'}`);
  process.exit(failed ? 1 : 0);
}

main();
