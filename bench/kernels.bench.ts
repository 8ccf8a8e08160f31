/**
 * WASM kernels vs their pure-TS twins, kernel by kernel, on identical inputs and one worker thread:
 * - MC loss chunk (normal and Student-t): `engine.var` — normals (or t draws), L·z, P&L, and the
 *   tail selection, which runs inside the same chunk task (there is no separate tail entry point);
 * - sample covariance: `engine.covariance` (blocked kernel);
 * - full revaluation: `engine.revalue` (options + delta-one book).
 * The TS result must equal the WASM one (relative 1e-9 or better) before either timing counts.
 *
 * Run alone: `node build/bench/kernels.bench.js [--quick] [--full]`.
 */
import { createEngine } from '../src/index.js';
import type { Engine } from '../src/index.js';
import type { Position } from '../src/instruments/index.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { PRICES, gridAccounts, optionBook, returnsMatrix, revaluationScenarios } from './lib/fixtures.js';
import { machineInfo } from './lib/machine.js';
import { peerProblem } from './lib/model.js';
import { fmtCount, fmtRatio, fmtSeconds } from './lib/results.js';
import {
  fmtInt, isMain, logger, maxAbs, maxAbsDiff, modeOf, okRow, printSuite, ratioOf, requireClose, timeChecked, timingPlan, writeSuite,
} from './lib/suite.js';
import type { Mode, RowCheck, SuiteReport, SuiteRow, TimingPlan } from './lib/suite.js';
import { barChart, svgDocument } from './lib/svg.js';

export const SUITE = 'kernels';
const log = logger(SUITE);

export interface KernelsConfig {
  mode: Mode;
  mcFactors: number;
  mcScenarios: number;
  df: number;
  covRows: number;
  covCols: number;
  revalPositions: number;
  revalScenarios: number;
  plan: TimingPlan;
}

export function kernelsConfig(flags: Pick<BenchFlags, 'quick' | 'full'>): KernelsConfig {
  const mode = modeOf(flags);
  const base = { mode, mcFactors: 50, df: 5, plan: timingPlan(mode) };
  return mode === 'quick'
    ? { ...base, mcScenarios: 20_000, covRows: 1_000, covCols: 100, revalPositions: 500, revalScenarios: 1_000 }
    : { ...base, mcScenarios: 100_000, covRows: 5_000, covCols: 200, revalPositions: 1_000, revalScenarios: 4_000 };
}

interface Kernel<T> {
  key: string;
  name: string;
  size: string;
  work: number;
  workUnit: string;
  computes: string;
  run: (e: Engine) => Promise<T>;
  /** Relative difference between two results (0 = identical). */
  diff: (a: T, b: T) => number;
  values: (r: T) => Record<string, number>;
}

export async function runKernels(cfg: KernelsConfig): Promise<SuiteReport> {
  const machine = machineInfo();
  log(`1 worker thread per engine, load ${machine.loadAverage1m}`);
  const problem = peerProblem(cfg.mcFactors);
  const cov = returnsMatrix(cfg.covRows, cfg.covCols);
  const nOpt = Math.round(cfg.revalPositions * 0.6);
  const positions: Position[] = [...optionBook(nOpt, 13), ...gridAccounts(1, cfg.revalPositions - nOpt, 17)[0].positions.filter((p) => p.kind !== 'option')];
  while (positions.length < cfg.revalPositions) positions.push({ kind: 'linear-perp', underlying: 'BTC', quantity: 0.1 * positions.length });
  const scen = revaluationScenarios(cfg.revalScenarios, 19);
  const relLevels = (a: number[], b: number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(x)));
  const mc = (method: 'mc-normal' | 'mc-t'): Kernel<number[]> => ({
    key: method === 'mc-normal' ? 'mcNormal' : 'mcT',
    name: `MC loss chunk, ${method === 'mc-normal' ? 'normal' : `Student-t ν=${cfg.df}`}`,
    size: `${cfg.mcFactors} f × ${fmtCount(cfg.mcScenarios)} scen`, work: cfg.mcScenarios, workUnit: 'scen',
    computes: `engine.var ${method}: ${method === 'mc-t' ? 'normals + χ² draws' : 'normals'}, L·z, P&L, k-largest tail selection (inside the chunk), merge`,
    run: async (e) => (await e.var({ exposures: problem.exposures }, { covariance: problem.covariance }, { method, df: cfg.df, confidence: [0.99, 0.975], scenarios: cfg.mcScenarios, seed: 42 })).levels.flatMap((l) => [l.var, l.es]),
    diff: relLevels,
    values: (r) => ({ var99: r[0], es975: r[3] }),
  });
  const kernels: Kernel<unknown>[] = [
    mc('mc-normal') as Kernel<unknown>,
    mc('mc-t') as Kernel<unknown>,
    {
      key: 'covariance', name: 'sample covariance', size: `${fmtInt(cfg.covRows)} × ${cfg.covCols}`,
      work: (cfg.covRows * cfg.covCols * (cfg.covCols + 1)) / 2, workUnit: 'row·pairs',
      computes: 'engine.covariance sample: column means, blocked XᵀX (upper triangle), ddof 1',
      run: async (e) => (await e.covariance(cov, { method: 'sample' })).covariance.flat(),
      diff: (a, b) => maxAbsDiff(a as number[], b as number[]) / maxAbs(a as number[]),
      values: (r) => ({ 'C[0][0]': (r as number[])[0], 'C[0][1]': (r as number[])[1] }),
    } as Kernel<unknown>,
    {
      key: 'revaluation', name: 'full revaluation', size: `${fmtInt(cfg.revalPositions)} pos × ${fmtCount(cfg.revalScenarios)} scen`,
      work: cfg.revalPositions * cfg.revalScenarios, workUnit: 'pos-reval',
      computes: `engine.revalue: ${nOpt} options (Black–Scholes / Black-76, linear and inverse) + ${cfg.revalPositions - nOpt} delta-one, P&L per scenario`,
      run: async (e) => (await e.revalue({ positions }, { prices: PRICES }, scen)).total,
      diff: (a, b) => maxAbsDiff(a as Float64Array, b as Float64Array) / maxAbs(a as Float64Array),
      values: (r) => ({ 'P&L scen 0': (r as Float64Array)[0] }),
    } as Kernel<unknown>,
  ];

  const wasm = await createEngine({ threads: 1, wasm: true });
  const ts = await createEngine({ threads: 1, wasm: false });
  const rows: SuiteRow[] = [];
  const speedups: { key: string; name: string; speedup: number; diff: number }[] = [];
  try {
    for (const k of kernels) {
      const out: Record<'wasm' | 'ts', unknown> = { wasm: undefined, ts: undefined };
      for (const [impl, engine] of [['wasm', wasm], ['ts', ts]] as const) {
        const label = `${k.name} — ${impl === 'wasm' ? 'WASM' : 'TS twin'}`;
        let checks: RowCheck[] = [];
        const t = await timeChecked(`${k.key}-${impl}`, () => k.run(engine), (first) => {
          if (impl === 'ts') checks = [requireClose(label, 'WASM, same inputs', 'max rel diff', k.diff(out.wasm, first), 1e-9)];
        }, (a, b) => {
          if (k.diff(a, b) !== 0) throw new Error(`${label}: repeated run differs`);
        }, cfg.plan);
        out[impl] = t.first;
        const row = okRow({
          id: `${k.key}-${impl}`, label, impl: 'engine', threads: 1, computes: `${k.computes}; ${impl === 'wasm' ? 'WASM' : 'pure-TS twin'} kernel, 1 worker`,
          size: k.size, work: k.work, workUnit: k.workUnit, values: k.values(t.first), checks,
        }, t.timing);
        log(`${label}: ${fmtSeconds(row.medianSeconds)}`);
        rows.push(row);
      }
      speedups.push({ key: k.key, name: k.name, speedup: ratioOf(rows, `${k.key}-wasm`, `${k.key}-ts`) ?? NaN, diff: k.diff(out.wasm, out.ts) });
    }
  } finally {
    await wasm.close();
    await ts.close();
  }
  const ratios: Record<string, number | null> = {};
  const ratioLabels: Record<string, string> = {};
  for (const s of speedups) {
    ratios[`wasm_vs_ts_${s.key}`] = Number.isFinite(s.speedup) ? s.speedup : null;
    ratioLabels[`wasm_vs_ts_${s.key}`] = `WASM vs TS twin: ${s.name}`;
  }
  return {
    suite: SUITE,
    title: 'WASM kernels vs pure-TS twins (1 worker thread, same inputs)',
    mode: cfg.mode,
    machine,
    config: cfg as unknown as Record<string, unknown>,
    notes: [
      'Each kernel runs through its engine entry point on an engine with one worker, once with WASM and once with the pure-TS twin; timings include the (identical) dispatch around the kernel.',
      'Tail selection has no separate entry point: it runs inside the MC chunk task, so it is included in both MC rows.',
      'The TS twin\'s result is compared with WASM\'s on the same inputs (max relative difference, tolerance 1e-9) before either timing counts.',
      `Timing: ${cfg.plan.budgetSeconds} s budget per row, ${cfg.plan.minIterations}–${cfg.plan.maxIterations} timed iterations after a checked warm-up run; median [min–max].`,
    ],
    rows,
    ratioDefinition: 'wasm_vs_ts_X = median seconds (TS twin) / median seconds (WASM) on identical inputs; > 1 means WASM is faster.',
    ratios,
    ratioLabels,
    extra: { speedups },
    sections: [['## Speed-ups', '', '| kernel | WASM / TS | max rel diff |', '| --- | ---: | ---: |',
      ...speedups.map((x) => `| ${x.name} | ${fmtRatio(x.speedup)} | ${x.diff === 0 ? '0 (identical)' : x.diff.toExponential(1)} |`)].join('\n')],
  };
}

export function kernelsSvg(rep: SuiteReport): string {
  const m = rep.machine;
  const sp = (rep.extra as { speedups: { name: string; speedup: number }[] }).speedups;
  return svgDocument([barChart({
    title: 'WASM speed-up over the pure-TS twin, per kernel (1 thread)',
    subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; same inputs, results checked equal`,
    unit: 'speed-up (TS time / WASM time)',
    format: (v) => `${+v.toPrecision(3)}×`,
    bars: sp.map((s) => ({ label: s.name, value: s.speedup, note: fmtRatio(s.speedup) })),
  })], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export async function kernelsSuite(flags: BenchFlags): Promise<SuiteReport> {
  const rep = await runKernels(kernelsConfig(flags));
  printSuite(rep);
  for (const f of writeSuite(rep, kernelsSvg(rep), flags.outDir)) log(`wrote ${f}`);
  return rep;
}

if (isMain(import.meta.url)) {
  kernelsSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
