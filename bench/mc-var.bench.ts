/**
 * Monte Carlo VaR/ES benchmark: 50 factors, full correlated shocks r = L·z, P&L, tail selection.
 *
 * Rows, measured side by side in one process: the pure-TS twin (1 thread, on fewer scenarios —
 * it is ~10× slower — compared by throughput), WASM on 1 thread, 2 threads (when the machine has
 * more than 2 cores) and all threads, and the peer programs (mc_var.c, mc_var_fast.c,
 * mc_var_numpy.py). Every row's result is checked against the Gaussian closed form before its
 * timing counts, and every timed iteration must reproduce the checked numbers (same seed).
 *
 * Timing: our rows time `engine.var(...)` end to end (validation, Cholesky, scenario generation,
 * P&L, tail selection and merge; engine creation excluded). Peers report their own `seconds`
 * (generation + P&L + selection; Cholesky excluded, which is microseconds at 50 factors).
 *
 * Run alone: `node build/bench/mc-var.bench.js [--quick] [--full]`, or through bench/run.ts.
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../src/index.js';
import type { Engine, VarResult } from '../src/index.js';
import { CHUNK_SCENARIOS, choleskyTs, runMcTaskWasm } from '../src/kernels/index.js';
import { tailCount } from '../src/risk/index.js';
import { WasmCore, relaxedSimdSupported } from '../src/wasm/index.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { machineInfo, peersDir } from './lib/machine.js';
import type { MachineInfo } from './lib/machine.js';
import { checkEstimate, mcTolerance, peerProblem } from './lib/model.js';
import type { PeerProblem } from './lib/model.js';
import { PeerToolchain, runPeer } from './lib/peers.js';
import { naiveMonteCarlo } from './lib/naive-mc.js';
import type { PeerCommand } from './lib/peers.js';
import { consoleTable, fmtCount, fmtMoney, fmtRate, fmtRatio, fmtSeconds, markdownTable, writeJson, writeText } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { barChart, lineChart, svgDocument } from './lib/svg.js';
import type { Bar } from './lib/svg.js';
import { timeRow } from './lib/timing.js';

export const SUITE = 'mc-var';

export interface McVarConfig {
  assets: number;
  scenarios: number;
  /** Scenarios for the pure-TS row (throughput compared). */
  tsScenarios: number;
  seed: number;
  iterations: number;
  warmupIterations: number;
  /** Timed runs per peer (median of self-reported seconds), after one discarded warm-up run. */
  peerRuns: number;
  quick: boolean;
}

export function mcVarConfig(flags: Pick<BenchFlags, 'quick'>): McVarConfig {
  return flags.quick
    ? { assets: 50, scenarios: 100_000, tsScenarios: 100_000, seed: 42, iterations: 2, warmupIterations: 1, peerRuns: 2, quick: true }
    : { assets: 50, scenarios: 1_000_000, tsScenarios: 200_000, seed: 42, iterations: 7, warmupIterations: 1, peerRuns: 5, quick: false };
}

export type RowId = 'ts-1t' | 'wasm-1t' | 'wasm-2t' | 'wasm-all' | 'kernel-strict' | 'kernel-relaxed' | 'c' | 'c-fast' | 'numpy' | 'js-naive';

export interface Row {
  id: RowId;
  label: string;
  /** What the row computes and how it is timed. */
  computes: string;
  kind: 'engine' | 'peer';
  status: 'ok' | 'skipped';
  skipReason?: string;
  threads: number;
  scenarios: number;
  /** Toolchain / kernel description. */
  version?: string;
  iterations?: number;
  warmupIterations?: number;
  /** Raw timings in seconds (tinybench samples, or each peer run's self-reported seconds). */
  samplesSeconds?: number[];
  medianSeconds?: number;
  spread?: { min: number; p25: number; p75: number; max: number };
  /** scenarios / median seconds. */
  throughput?: number;
  var99?: number;
  es975?: number;
  relErrVar99?: number;
  relErrEs975?: number;
}

/** Throughput ratios (numerator faster when > 1); null when a row was skipped. */
export interface McVarRatios {
  wasm1T_vs_cFast: number | null;
  wasm1T_vs_c: number | null;
  wasm1T_vs_numpy: number | null;
  wasm1T_vs_ts1T: number | null;
  wasm1T_vs_jsNaive: number | null;
  wasmAllT_vs_cFast: number | null;
  wasm2T_vs_wasm1T: number | null;
  wasmAllT_vs_wasm1T: number | null;
  kernelStrict_vs_cFast: number | null;
  kernelRelaxed_vs_cFast: number | null;
}

export interface McVarReport {
  suite: typeof SUITE;
  mode: 'quick' | 'standard';
  machine: MachineInfo;
  config: McVarConfig;
  model: { assets: number; sigmaP: number; var99Analytic: number; es975Analytic: number; tolerance: { var99: number; es975: number } };
  ratioDefinition: string;
  rows: Row[];
  ratios: McVarRatios;
  /** TS twin vs WASM at the same seed and scenario count (DESIGN: equal within 1e-12 relative). */
  twinCrossCheck?: { scenarios: number; var99Ts: number; var99Wasm: number; es975Ts: number; es975Wasm: number; maxRelDiff: number };
  peersDir: string;
}

const CONFIDENCE = [0.99, 0.975];

function varOptions(scenarios: number, seed: number) {
  return { method: 'mc-normal' as const, confidence: CONFIDENCE, scenarios, seed };
}

/** var99 / es975 in the peers' sense from an engine result (levels[0] = 99 %, levels[1] = 97.5 %). */
function peerNumbers(r: VarResult): { var99: number; es975: number } {
  return { var99: r.levels[0].var, es975: r.levels[1].es };
}

const log = (msg: string): void => console.error(`[${SUITE}] ${msg}`);

interface EngineRowSpec {
  id: RowId;
  label: string;
  threads: number;
  wasm: boolean;
  scenarios: number;
}

/**
 * Times one engine configuration: create the engine (untimed), run once and check the result
 * against the closed form, then time `iterations` runs that must each reproduce it.
 */
async function engineRow(spec: EngineRowSpec, cfg: McVarConfig, problem: PeerProblem, before?: (e: Engine) => Promise<void>): Promise<Row> {
  const engine = await createEngine({ threads: spec.threads, wasm: spec.wasm });
  try {
    if (engine.wasm !== spec.wasm) throw new Error(`${spec.label}: engine.wasm = ${engine.wasm}, wanted ${spec.wasm}`);
    await before?.(engine);
    const portfolio = { exposures: problem.exposures };
    const market = { covariance: problem.covariance };
    const opts = varOptions(spec.scenarios, cfg.seed);
    const first = await engine.var(portfolio, market, opts);
    const expectedKernel = spec.wasm ? 'wasm' : 'ts';
    if (first.kernel !== expectedKernel) throw new Error(`${spec.label}: ran on kernel ${first.kernel}, wanted ${expectedKernel}`);
    const ref = peerNumbers(first);
    const checked = checkEstimate(spec.label, problem, spec.scenarios, ref.var99, ref.es975);
    log(`${spec.label}: var99 ${fmtMoney(ref.var99)} (${(checked.relErrVar99 * 100).toFixed(2)} %), es975 ${fmtMoney(ref.es975)} (${(checked.relErrEs975 * 100).toFixed(2)} %) — timing ${cfg.iterations} iterations`);
    const timed = await timeRow(spec.id, async () => {
      const r = peerNumbers(await engine.var(portfolio, market, opts));
      if (r.var99 !== ref.var99 || r.es975 !== ref.es975) {
        throw new Error(`${spec.label}: same seed gave var99 ${r.var99} / es975 ${r.es975}, first run ${ref.var99} / ${ref.es975}`);
      }
    }, { iterations: cfg.iterations, warmupIterations: cfg.warmupIterations });
    const s = timed.summary;
    return {
      id: spec.id, label: spec.label, kind: 'engine', status: 'ok', threads: spec.threads, scenarios: spec.scenarios,
      computes: `engine.var mc-normal, ${spec.wasm ? 'WASM' : 'TS-twin'} kernels on ${spec.threads} worker(s): validation, Cholesky, normals, full L·z, P&L, k-largest tail merge`,
      version: `${spec.wasm ? 'WASM (AssemblyScript)' : 'pure-TS twin'} kernels, ${spec.threads} worker thread(s), Node ${process.version}`,
      iterations: timed.iterations, warmupIterations: timed.warmupIterations, samplesSeconds: timed.samplesSeconds,
      medianSeconds: s.median, spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
      throughput: spec.scenarios / s.median, ...checked,
    };
  } finally {
    await engine.close();
  }
}

interface PeerRowSpec {
  id: RowId;
  label: string;
  computes: string;
  command: PeerCommand;
}

function peerRow(spec: PeerRowSpec, cfg: McVarConfig, problem: PeerProblem): Row {
  const base = { id: spec.id, label: spec.label, computes: spec.computes, kind: 'peer' as const, threads: 1, scenarios: cfg.scenarios };
  if (!spec.command.ok) {
    log(`${spec.label}: SKIPPED — ${spec.command.reason}`);
    return { ...base, status: 'skipped', skipReason: spec.command.reason };
  }
  log(`${spec.label}: ${cfg.peerRuns} runs (+1 warm-up)`);
  const runs = runPeer(spec.command, ['--assets', String(cfg.assets), '--scenarios', String(cfg.scenarios), '--seed', String(cfg.seed)], cfg.peerRuns);
  for (const o of runs.outputs) {
    // The peer's own closed form must be ours: otherwise it is not the same problem.
    const dv = Math.abs(o.var99_analytic - problem.var99) / problem.var99;
    const de = Math.abs(o.es975_analytic - problem.es975) / problem.es975;
    if (!(dv < 1e-6 && de < 1e-6)) {
      throw new Error(`${spec.label}: analytic var99/es975 ${o.var99_analytic}/${o.es975_analytic} differ from ours ${problem.var99}/${problem.es975}: not the same model`);
    }
    if (o.scenarios !== cfg.scenarios || o.assets !== cfg.assets) throw new Error(`${spec.label}: ran ${o.assets}×${o.scenarios}, asked ${cfg.assets}×${cfg.scenarios}`);
    checkEstimate(spec.label, problem, cfg.scenarios, o.var99, o.es975);
  }
  const last = runs.outputs[runs.outputs.length - 1];
  const checked = checkEstimate(spec.label, problem, cfg.scenarios, last.var99, last.es975);
  const s = summarize(runs.seconds);
  return {
    ...base, status: 'ok', version: spec.command.version, iterations: runs.seconds.length, warmupIterations: 1,
    samplesSeconds: runs.seconds, medianSeconds: s.median, spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
    throughput: cfg.scenarios / s.median, ...checked,
  };
}

/** The straightforward JS Monte Carlo peer, in-process on the calling thread. */
async function naiveRow(cfg: McVarConfig, problem: PeerProblem): Promise<Row> {
  const scenarios = cfg.tsScenarios;
  const label = `straightforward JS MC (${fmtCount(scenarios)} scen.)`;
  const first = naiveMonteCarlo(problem.covariance, problem.exposures, scenarios, cfg.seed);
  const checked = checkEstimate(label, problem, scenarios, first.var99, first.es975);
  log(`${label}: var99 ${fmtMoney(first.var99)}, es975 ${fmtMoney(first.es975)} — timing ${cfg.iterations} iterations`);
  const timed = await timeRow('js-naive', async () => {
    naiveMonteCarlo(problem.covariance, problem.exposures, scenarios, cfg.seed);
  }, { iterations: Math.min(cfg.iterations, 3), warmupIterations: cfg.warmupIterations });
  const s = timed.summary;
  return {
    id: 'js-naive', label, kind: 'peer', status: 'ok', threads: 1, scenarios,
    computes: 'PEER plain JS, 1 thread: seeded mulberry32 + polar normals, Cholesky, full L·z per scenario, full sort (bench/lib/naive-mc.ts)',
    version: `Node ${process.version}`,
    iterations: timed.iterations, warmupIterations: timed.warmupIterations, samplesSeconds: timed.samplesSeconds,
    medianSeconds: s.median, spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
    throughput: scenarios / s.median, ...checked,
  };
}

/**
 * The Monte Carlo kernel in-process on the calling thread (one task over every chunk, its tail
 * sorted), from a given build file: the single-core cost without the pool, and the strict vs the
 * relaxed-SIMD (FMA) build where the runtime accepts it.
 */
async function kernelRow(id: 'kernel-strict' | 'kernel-relaxed', file: string, cfg: McVarConfig, problem: PeerProblem): Promise<Row> {
  const label = `WASM kernel in-process, 1 thread, ${file}`;
  const base = {
    id, label, kind: 'engine' as const, threads: 1, scenarios: cfg.scenarios,
    computes: `runMcTaskWasm over all chunks on the calling thread with build/${file} instantiated directly (Cholesky untimed, as for the C peers): normals, full L·z, P&L, k-largest tail, sorted`,
  };
  const build = id === 'kernel-strict' ? 'strict' : 'relaxed';
  if (build === 'relaxed' && !(await relaxedSimdSupported())) {
    log(`${label}: SKIPPED — Node ${process.version} rejects it`);
    return { ...base, status: 'skipped', skipReason: `this runtime (Node ${process.version}) rejects ${file}` };
  }
  const n = problem.n;
  const nl = (n * (n + 1)) / 2;
  const lp = new Float64Array(nl);
  if (choleskyTs(Float64Array.from(problem.covariance.flat()), n, lp, 1e-12) >= 0) throw new Error(`${label}: covariance not positive definite`);
  const shared = new SharedArrayBuffer((nl + n) * 8);
  new Float64Array(shared, 0, nl).set(lp.subarray(0, nl));
  new Float64Array(shared, nl * 8, n).set(problem.exposures);
  const k99 = tailCount(cfg.scenarios, 0.99);
  const k975 = tailCount(cfg.scenarios, 0.975);
  const core = await WasmCore.create(build);
  const task = { shared, n, nu: 0, seed: cfg.seed, scenarios: cfg.scenarios, chunkFrom: 0, chunkTo: Math.ceil(cfg.scenarios / CHUNK_SCENARIOS), k: Math.max(k99, k975) };
  const numbers = (): { var99: number; es975: number } => {
    const r = runMcTaskWasm(core, task);
    let s = 0;
    for (let i = 0; i < k975; i++) s += r.tail[i];
    return { var99: r.tail[k99 - 1], es975: s / k975 };
  };
  const first = numbers();
  const checked = checkEstimate(label, problem, cfg.scenarios, first.var99, first.es975);
  const samples: number[] = [];
  for (let i = 0; i < cfg.warmupIterations + cfg.iterations; i++) {
    const t0 = performance.now();
    const r = numbers();
    if (i >= cfg.warmupIterations) samples.push((performance.now() - t0) / 1e3);
    if (r.var99 !== first.var99 || r.es975 !== first.es975) throw new Error(`${label}: same seed gave different numbers`);
  }
  const s = summarize(samples);
  log(`${label}: ${fmtSeconds(s.median)}`);
  return {
    ...base, status: 'ok', version: `${file}, Node ${process.version}`, iterations: samples.length, warmupIterations: cfg.warmupIterations + 1,
    samplesSeconds: samples, medianSeconds: s.median, spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
    throughput: cfg.scenarios / s.median, ...checked,
  };
}

function ratio(rows: readonly Row[], a: RowId, b: RowId): number | null {
  const ra = rows.find((r) => r.id === a && r.status === 'ok');
  const rb = rows.find((r) => r.id === b && r.status === 'ok');
  return ra?.throughput && rb?.throughput ? ra.throughput / rb.throughput : null;
}

/** Runs the suite's rows and returns the report (writes nothing). */
export async function runMcVar(cfg: McVarConfig): Promise<McVarReport> {
  const machine = machineInfo();
  const problem = peerProblem(cfg.assets);
  const cores = os.availableParallelism();
  const dir = peersDir();
  log(`${cfg.assets} factors × ${fmtCount(cfg.scenarios)} scenarios (TS twin: ${fmtCount(cfg.tsScenarios)}), ${cores} threads available, load ${machine.loadAverage1m}`);
  log(`analytic var99 ${fmtMoney(problem.var99)}, es975 ${fmtMoney(problem.es975)}; peers in ${dir}`);

  const rows: Row[] = [];
  let twinCrossCheck: McVarReport['twinCrossCheck'];
  rows.push(await engineRow({ id: 'ts-1t', label: `pure TS, 1 thread (${fmtCount(cfg.tsScenarios)} scen.)`, threads: 1, wasm: false, scenarios: cfg.tsScenarios }, cfg, problem));
  const ts = rows[0];
  rows.push(await engineRow({ id: 'wasm-1t', label: 'WASM, 1 thread', threads: 1, wasm: true, scenarios: cfg.scenarios }, cfg, problem, async (engine) => {
    // Same seed and scenario count as the TS row: the twins must agree (DESIGN: within 1e-12).
    const w = peerNumbers(await engine.var({ exposures: problem.exposures }, { covariance: problem.covariance }, varOptions(cfg.tsScenarios, cfg.seed)));
    const d = Math.max(Math.abs(w.var99 - ts.var99!) / Math.abs(w.var99), Math.abs(w.es975 - ts.es975!) / Math.abs(w.es975));
    twinCrossCheck = { scenarios: cfg.tsScenarios, var99Ts: ts.var99!, var99Wasm: w.var99, es975Ts: ts.es975!, es975Wasm: w.es975, maxRelDiff: d };
    if (!(d <= 1e-9)) throw new Error(`TS twin and WASM disagree at seed ${cfg.seed}, ${cfg.tsScenarios} scenarios: ${JSON.stringify(twinCrossCheck)}`);
    log(`TS twin = WASM at ${fmtCount(cfg.tsScenarios)} scenarios (max rel diff ${d.toExponential(1)})`);
  }));
  if (cores > 2) rows.push(await engineRow({ id: 'wasm-2t', label: 'WASM, 2 threads', threads: 2, wasm: true, scenarios: cfg.scenarios }, cfg, problem));
  rows.push(await engineRow({ id: 'wasm-all', label: `WASM, all threads (${cores})`, threads: cores, wasm: true, scenarios: cfg.scenarios }, cfg, problem));

  rows.push(await kernelRow('kernel-strict', 'core.wasm', cfg, problem));
  rows.push(await kernelRow('kernel-relaxed', 'core-relaxed.wasm', cfg, problem));
  rows.push(await naiveRow(cfg, problem));

  const tools = new PeerToolchain(dir);
  try {
    rows.push(peerRow({ id: 'c', label: 'mc_var.c (gcc -O3)', command: tools.compileC('mc_var.c'),
      computes: 'plain C, 1 thread: polar normals, full L·z, quickselect' }, cfg, problem));
    rows.push(peerRow({ id: 'c-fast', label: 'mc_var_fast.c (gcc -O3)', command: tools.compileC('mc_var_fast.c'),
      computes: 'optimised C, 1 thread: SIMD RNG lanes, ziggurat, blocked L·z, quickselect' }, cfg, problem));
    rows.push(peerRow({ id: 'numpy', label: 'mc_var_numpy.py', command: tools.python('mc_var_numpy.py'),
      computes: 'numpy: PCG64 normals, Z·Lᵀ BLAS matmul, np.partition' }, cfg, problem));
  } finally {
    tools.cleanup();
  }

  const wasm2 = rows.some((r) => r.id === 'wasm-2t') ? 'wasm-2t' : cores === 2 ? 'wasm-all' : null;
  const ratios: McVarRatios = {
    wasm1T_vs_cFast: ratio(rows, 'wasm-1t', 'c-fast'),
    wasm1T_vs_c: ratio(rows, 'wasm-1t', 'c'),
    wasm1T_vs_numpy: ratio(rows, 'wasm-1t', 'numpy'),
    wasm1T_vs_ts1T: ratio(rows, 'wasm-1t', 'ts-1t'),
    wasm1T_vs_jsNaive: ratio(rows, 'wasm-1t', 'js-naive'),
    wasmAllT_vs_cFast: ratio(rows, 'wasm-all', 'c-fast'),
    wasm2T_vs_wasm1T: wasm2 ? ratio(rows, wasm2, 'wasm-1t') : null,
    wasmAllT_vs_wasm1T: ratio(rows, 'wasm-all', 'wasm-1t'),
    kernelStrict_vs_cFast: ratio(rows, 'kernel-strict', 'c-fast'),
    kernelRelaxed_vs_cFast: ratio(rows, 'kernel-relaxed', 'c-fast'),
  };
  return {
    suite: SUITE,
    mode: cfg.quick ? 'quick' : 'standard',
    machine,
    config: cfg,
    model: { assets: cfg.assets, sigmaP: problem.sigmaP, var99Analytic: problem.var99, es975Analytic: problem.es975, tolerance: mcTolerance(cfg.scenarios) },
    ratioDefinition: 'a_vs_b = throughput(a) / throughput(b), throughput = scenarios / median seconds; > 1 means a is faster. Rows with different scenario counts (TS twin) are compared by throughput.',
    rows,
    ratios,
    twinCrossCheck,
    peersDir: dir,
  };
}

const RATIO_LABELS: Record<keyof McVarRatios, string> = {
  wasm1T_vs_cFast: 'WASM 1 thread vs mc_var_fast.c',
  wasm1T_vs_c: 'WASM 1 thread vs mc_var.c',
  wasm1T_vs_numpy: 'WASM 1 thread vs numpy',
  wasm1T_vs_ts1T: 'WASM 1 thread vs pure-TS twin (1 thread)',
  wasm1T_vs_jsNaive: 'WASM 1 thread vs straightforward JS Monte Carlo (1 thread)',
  wasmAllT_vs_cFast: 'WASM all threads vs mc_var_fast.c',
  wasm2T_vs_wasm1T: 'WASM 2 threads vs WASM 1 thread',
  wasmAllT_vs_wasm1T: 'WASM all threads vs WASM 1 thread',
  kernelStrict_vs_cFast: 'WASM kernel in-process, strict build vs mc_var_fast.c',
  kernelRelaxed_vs_cFast: 'WASM kernel in-process, relaxed (FMA) build vs mc_var_fast.c',
};

function tableRows(rep: McVarReport): string[][] {
  const fast = rep.rows.find((r) => r.id === 'c-fast' && r.status === 'ok')?.throughput;
  return rep.rows.map((r) => r.status === 'skipped'
    ? [r.label, r.computes, fmtCount(r.scenarios), `skipped: ${r.skipReason ?? ''}`, '—', '—', '—', '—']
    : [
      r.label,
      r.computes,
      fmtCount(r.scenarios),
      `${fmtSeconds(r.medianSeconds)} [${fmtSeconds(r.spread?.min)}–${fmtSeconds(r.spread?.max)}]`,
      fmtRate(r.throughput, ' scen/s'),
      fmtMoney(r.var99),
      fmtMoney(r.es975),
      fast && r.throughput ? fmtRatio(r.throughput / fast) : '—',
    ]);
}

const HEADER = ['row', 'what is computed', 'scenarios', 'median [min–max]', 'throughput', 'VaR99', 'ES97.5', '× mc_var_fast'];

export function mcVarMarkdown(rep: McVarReport): string {
  const m = rep.machine;
  const lines = [
    `# Monte Carlo VaR/ES — ${rep.config.assets} factors, ${fmtCount(rep.config.scenarios)} scenarios${rep.mode === 'quick' ? ' (quick smoke run)' : ''}`,
    '',
    `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGiB} GiB, Node ${m.node}, ${m.platform}/${m.arch}; ${m.date}; 1-min load average at start ${m.loadAverage1m}.`,
    `Analytic (Gaussian closed form): VaR99 ${fmtMoney(rep.model.var99Analytic)}, ES97.5 ${fmtMoney(rep.model.es975Analytic)}; every row is checked against it before its timing counts `
      + `(tolerance ${(rep.model.tolerance.var99 * 100).toFixed(1)} %).`,
    `Our rows: tinybench, ${rep.config.warmupIterations} warm-up + ${rep.config.iterations} iterations of \`engine.var\` (engine creation excluded). `
      + `Peers: median of ${rep.config.peerRuns} runs' self-reported seconds (after 1 warm-up run).`,
    '',
    markdownTable(HEADER, tableRows(rep), ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    '## Ratios (throughput, > 1 = first is faster)',
    '',
    markdownTable(['ratio', 'value'], (Object.keys(RATIO_LABELS) as (keyof McVarRatios)[]).map((k) => [RATIO_LABELS[k], fmtRatio(rep.ratios[k])]), ['l', 'r']),
    '',
  ];
  if (rep.twinCrossCheck) {
    lines.push(`TS twin vs WASM at seed ${rep.config.seed}, ${fmtCount(rep.twinCrossCheck.scenarios)} scenarios: max relative difference ${rep.twinCrossCheck.maxRelDiff.toExponential(1)}.`, '');
  }
  return lines.join('\n');
}

export function mcVarSvg(rep: McVarReport): string {
  const colors: Record<string, string> = { engine: '#4e79a7', peer: '#9c9c9c' };
  const bars: Bar[] = rep.rows.filter((r) => r.status === 'ok').map((r) => ({
    label: r.label,
    value: r.throughput ?? 0,
    note: `${fmtRate(r.throughput, ' scen/s')} (${fmtSeconds(r.medianSeconds)} for ${fmtCount(r.scenarios)})`,
    color: r.id === 'ts-1t' ? '#76b7b2' : colors[r.kind],
  }));
  const m = rep.machine;
  return svgDocument([barChart({
    title: `Monte Carlo VaR/ES throughput — ${rep.config.assets} factors, full L·z`,
    subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; blue = margin-engine, grey = peers (one thread)`,
    unit: 'scenarios per second (median)',
    bars,
  })], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export function printMcVar(rep: McVarReport): void {
  const h = HEADER.filter((_, i) => i !== 1);
  console.log(consoleTable(h, tableRows(rep).map((r) => r.filter((_, i) => i !== 1))));
  console.log('');
  for (const k of Object.keys(RATIO_LABELS) as (keyof McVarRatios)[]) console.log(`${RATIO_LABELS[k].padEnd(44)} ${fmtRatio(rep.ratios[k])}`);
}

export function writeMcVar(rep: McVarReport, outDir: string): string[] {
  return [
    writeJson(path.join(outDir, 'mc-var.json'), rep),
    writeText(path.join(outDir, 'mc-var.md'), mcVarMarkdown(rep)),
    writeText(path.join(outDir, 'mc-var.svg'), mcVarSvg(rep)),
  ];
}

// ---------------------------------------------------------------- sweeps (--full)

export interface SweepPoint {
  scenarios: number;
  threads: number;
  medianSeconds: number;
  spread: { min: number; p25: number; p75: number; max: number };
  samplesSeconds: number[];
  throughput: number;
  var99: number;
  es975: number;
  relErrVar99: number;
  relErrEs975: number;
}

export interface McVarSweepReport {
  suite: 'mc-var-sweep';
  machine: MachineInfo;
  config: { assets: number; seed: number; iterations: number; warmupIterations: number };
  /** WASM, all threads, scenarios 1e4 … 1e7. */
  scenarios: SweepPoint[];
  /** WASM, 1 … cores threads, fixed scenarios. */
  threads: SweepPoint[];
}

async function sweepPoint(engine: Engine, problem: PeerProblem, scenarios: number, seed: number, iterations: number, warmupIterations: number): Promise<SweepPoint> {
  const portfolio = { exposures: problem.exposures };
  const market = { covariance: problem.covariance };
  const opts = varOptions(scenarios, seed);
  const ref = peerNumbers(await engine.var(portfolio, market, opts));
  const label = `sweep ${engine.threads} thread(s) × ${fmtCount(scenarios)}`;
  const checked = checkEstimate(label, problem, scenarios, ref.var99, ref.es975);
  const t = await timeRow(label, async () => {
    const r = peerNumbers(await engine.var(portfolio, market, opts));
    if (r.var99 !== ref.var99 || r.es975 !== ref.es975) throw new Error(`${label}: same seed, different result`);
  }, { iterations, warmupIterations });
  const s = t.summary;
  log(`${label}: ${fmtSeconds(s.median)} → ${fmtRate(scenarios / s.median, ' scen/s')}`);
  return {
    scenarios, threads: engine.threads, medianSeconds: s.median, spread: { min: s.min, p25: s.p25, p75: s.p75, max: s.max },
    samplesSeconds: t.samplesSeconds, throughput: scenarios / s.median, ...checked,
  };
}

/** Scenario sweep (WASM all threads) and thread sweep (1 … cores, at cfg.scenarios). */
export async function runMcVarSweep(cfg: McVarConfig): Promise<McVarSweepReport> {
  const problem = peerProblem(cfg.assets);
  const cores = os.availableParallelism();
  const sizes = cfg.quick ? [1e4, 1e5] : [1e4, 1e5, 1e6, 1e7];
  const iterations = Math.max(2, Math.min(cfg.iterations, 5));
  const scenarios: SweepPoint[] = [];
  const threads: SweepPoint[] = [];
  const all = await createEngine({ threads: cores, wasm: true });
  try {
    for (const s of sizes) scenarios.push(await sweepPoint(all, problem, s, cfg.seed, s >= 1e7 ? Math.min(iterations, 3) : iterations, cfg.warmupIterations));
  } finally {
    await all.close();
  }
  for (let t = 1; t <= cores; t++) {
    const e = await createEngine({ threads: t, wasm: true });
    try {
      threads.push(await sweepPoint(e, problem, cfg.scenarios, cfg.seed, iterations, cfg.warmupIterations));
    } finally {
      await e.close();
    }
  }
  return { suite: 'mc-var-sweep', machine: machineInfo(), config: { assets: cfg.assets, seed: cfg.seed, iterations, warmupIterations: cfg.warmupIterations }, scenarios, threads };
}

export function writeMcVarSweep(rep: McVarSweepReport, outDir: string): string[] {
  const m = rep.machine;
  const t1 = rep.threads[0]?.throughput ?? NaN;
  const svg = svgDocument([
    lineChart({
      title: 'Throughput vs scenarios — WASM, all threads',
      subtitle: `${rep.config.assets} factors; ${m.cpuModel}, ${m.cores} cores`,
      xLabel: 'scenarios', yLabel: 'scenarios / s (median)', logX: true,
      series: [{ name: `WASM ${rep.scenarios[0]?.threads ?? '?'} threads`, points: rep.scenarios.map((p) => [p.scenarios, p.throughput] as const) }],
    }),
    lineChart({
      title: `Throughput vs worker threads — WASM, ${fmtCount(rep.threads[0]?.scenarios ?? 0)} scenarios`,
      xLabel: 'worker threads', yLabel: 'scenarios / s (median)', formatX: (v) => String(v),
      series: [
        { name: 'measured', points: rep.threads.map((p) => [p.threads, p.throughput] as const) },
        { name: 'linear scaling', dashed: true, color: '#bbbbbb', points: rep.threads.map((p) => [p.threads, p.threads * t1] as const) },
      ],
    }),
  ], `margin-engine bench mc-var sweep · ${m.date} · load ${m.loadAverage1m}`);
  return [writeJson(path.join(outDir, 'mc-var-sweep.json'), rep), writeText(path.join(outDir, 'mc-var-sweep.svg'), svg)];
}

/** Runs the suite (and with `full` the sweeps), prints and writes the results. */
export async function mcVarSuite(flags: BenchFlags): Promise<McVarReport> {
  const cfg = mcVarConfig(flags);
  const rep = await runMcVar(cfg);
  printMcVar(rep);
  for (const f of writeMcVar(rep, flags.outDir)) log(`wrote ${f}`);
  if (flags.full) {
    const sweep = await runMcVarSweep(cfg);
    for (const f of writeMcVarSweep(sweep, flags.outDir)) log(`wrote ${f}`);
  }
  return rep;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mcVarSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
