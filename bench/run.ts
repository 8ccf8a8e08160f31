/**
 * `npm run bench`: runs the benchmark suites and writes bench/results/.
 *
 *   node build/bench/run.js            standard run (mc-var: 50 factors × 1e6 scenarios)
 *   node build/bench/run.js --quick    smoke run (< 1 min), results in bench/results/raw/quick/
 *   node build/bench/run.js --full     also the sweeps (scenarios 1e4…1e7, threads 1…cores)
 *
 * Timings are only meaningful on a quiet machine; the 1-minute load average is recorded with
 * every result file.
 */
import { parseBenchFlags } from './lib/cli.js';
import { SUITE as MC_VAR, mcVarSuite } from './mc-var.bench.js';
import type { BenchFlags } from './lib/cli.js';

const SUITES: Record<string, (flags: BenchFlags) => Promise<unknown>> = {
  [MC_VAR]: mcVarSuite,
};

async function main(): Promise<void> {
  const flags = parseBenchFlags();
  const names = flags.suites.length > 0 ? flags.suites : Object.keys(SUITES);
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const t0 = performance.now();
  for (const name of names) {
    console.log(`\n## ${name}${flags.quick ? ' (quick)' : ''}${flags.full ? ' (full)' : ''}\n`);
    await SUITES[name](flags);
  }
  console.log(`\nbench done in ${((performance.now() - t0) / 1e3).toFixed(1)} s; results in ${flags.outDir}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error && err.message.startsWith('unknown suite') ? `bench: ${err.message}` : err);
  process.exit(1);
});
