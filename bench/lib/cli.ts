/**
 * Flags shared by bench/run.ts and the suite entries (each suite also runs on its own).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resultsDir } from './machine.js';

export interface BenchFlags {
  /** Smoke run: small sizes, 2 iterations, results under bench/results/raw/quick (git-ignored). */
  quick: boolean;
  /** Headline sizes and the longer sweeps (scenarios, threads). */
  full: boolean;
  /** Where results go. */
  outDir: string;
  /** Suites to run (empty = all). */
  suites: string[];
}

export const USAGE = `usage: node build/bench/run.js [--quick] [--full] [--out DIR] [--suite NAME ...]
  --quick   smoke run (small sizes, 2-3 iterations, < 1 min); writes bench/results/raw/quick/
  --full    headline sizes and sweeps (scenarios 1e4..1e7, threads 1..cores, 1,000 options x 100k
            scenarios, ES minimisation 100 x 1,000,000); takes much longer
  --out     results directory (default bench/results)
  --suite   run only the named suite(s): mc-var, mc-scaling, kernels, revaluation, grid-margin,
            covariance, optimize (repeatable)
env: MARGIN_ENGINE_PEERS  peers directory (default ../shared/peers next to the repo)`;

export function parseBenchFlags(argv = process.argv.slice(2)): BenchFlags {
  let parsed;
  try {
    parsed = parseFlags(argv);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const outDir = values.out ? path.resolve(values.out) : quick ? path.join(resultsDir(), 'raw', 'quick') : resultsDir();
  return { quick, full: values.full ?? false, outDir, suites: values.suite ?? [] };
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      out: { type: 'string' },
      suite: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}
