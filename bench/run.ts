/**
 * `npm run bench`: runs the benchmark suites and writes bench/results/ (one .json, .md and .svg per
 * suite, and README.md, the combined report).
 *
 *   node build/bench/run.js            standard run (a few minutes on 2 cores)
 *   node build/bench/run.js --quick    smoke run (< 1 min), results in bench/results/raw/quick/
 *   node build/bench/run.js --full     headline sizes and the sweeps (1e7 scenarios, 1,000 options ×
 *                                      100k scenarios, CVaR LP 100 × 20,000: takes much longer)
 *   node build/bench/run.js --suite covariance --suite kernels
 *
 * Timings are only meaningful on a quiet machine; the 1-minute load average is recorded with
 * every result file.
 */
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { writeReadme } from './lib/readme.js';
import { SUITE as COVARIANCE, covarianceSuite } from './covariance.bench.js';
import { SUITE as GRID_MARGIN, gridMarginSuite } from './grid-margin.bench.js';
import { SUITE as KERNELS, kernelsSuite } from './kernels.bench.js';
import { SUITE as MC_SCALING, mcScalingSuite } from './mc-scaling.bench.js';
import { SUITE as MC_VAR, mcVarSuite } from './mc-var.bench.js';
import { SUITE as OPTIMIZE, optimizeSuite } from './optimize.bench.js';
import { SUITE as REVALUATION, revaluationSuite } from './revaluation.bench.js';

const SUITES: Record<string, (flags: BenchFlags) => Promise<unknown>> = {
  [MC_VAR]: mcVarSuite,
  [MC_SCALING]: mcScalingSuite,
  [KERNELS]: kernelsSuite,
  [REVALUATION]: revaluationSuite,
  [GRID_MARGIN]: gridMarginSuite,
  [COVARIANCE]: covarianceSuite,
  [OPTIMIZE]: optimizeSuite,
};

async function main(): Promise<void> {
  const flags = parseBenchFlags();
  const names = flags.suites.length > 0 ? flags.suites : Object.keys(SUITES);
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const t0 = performance.now();
  const times: string[] = [];
  for (const name of names) {
    console.log(`\n## ${name}${flags.quick ? ' (quick)' : ''}${flags.full ? ' (full)' : ''}\n`);
    const t = performance.now();
    await SUITES[name](flags);
    times.push(`${name} ${((performance.now() - t) / 1e3).toFixed(1)} s`);
  }
  console.log(`\nreport: ${writeReadme(flags.outDir)}`);
  console.log(`bench done in ${((performance.now() - t0) / 1e3).toFixed(1)} s (${times.join(', ')}); results in ${flags.outDir}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error && err.message.startsWith('unknown suite') ? `bench: ${err.message}` : err);
  process.exit(1);
});
