/**
 * Monte Carlo VaR/ES scaling: throughput vs scenarios and vs factors, normal and Student-t, on the
 * peers' problem (bench/lib/model.ts) so every result is checked against a closed form; plus the
 * WASM kernels on one thread vs the pure-TS twin per factor count (same seed and scenarios:
 * results must agree to 1e-9 relative, then throughputs are compared).
 *
 * Timing: `engine.var(...)` end to end (validation, Cholesky, scenario generation, correlated
 * shocks, P&L, tail selection, merge); engine creation excluded.
 *
 * Run alone: `node build/bench/mc-scaling.bench.js [--quick] [--full]`.
 */
import os from 'node:os';
import { createEngine } from '../src/index.js';
import type { Engine, VarResult } from '../src/index.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { machineInfo } from './lib/machine.js';
import { checkEstimate, mcTolerance, peerProblem } from './lib/model.js';
import type { PeerProblem } from './lib/model.js';
import { fmtCount, fmtRate, fmtSeconds } from './lib/results.js';
import { tClosedForm, tTolerance } from './lib/student.js';
import {
  isMain, logger, modeOf, okRow, printSuite, ratioOf, requireClose, timeChecked, timingPlan, using, writeSuite,
} from './lib/suite.js';
import type { Mode, RowCheck, SuiteReport, SuiteRow, TimingPlan } from './lib/suite.js';
import { lineChart, svgDocument } from './lib/svg.js';

export const SUITE = 'mc-scaling';
const log = logger(SUITE);

export interface McScalingConfig {
  mode: Mode;
  seed: number;
  df: number;
  /** Factors of the scenario curve. */
  scenarioCurveFactors: number;
  scenarioSizes: number[];
  factorCounts: number[];
  /** Scenarios of the factor curve. */
  factorCurveScenarios: number;
  /** WASM 1 thread vs TS twin: scenarios per factor count (chosen so the TS row takes ~1 s). */
  twinScenarios: Record<number, number>;
  plan: TimingPlan;
}

export function mcScalingConfig(flags: Pick<BenchFlags, 'quick' | 'full'>): McScalingConfig {
  const mode = modeOf(flags);
  const base = { mode, seed: 42, df: 5, scenarioCurveFactors: 50, factorCurveScenarios: 100_000, plan: timingPlan(mode) };
  if (mode === 'quick') return { ...base, scenarioSizes: [1e4, 1e5], factorCounts: [10, 50, 200], twinScenarios: { 10: 20_000, 50: 20_000, 200: 5_000 } };
  return {
    ...base,
    scenarioSizes: mode === 'full' ? [1e4, 1e5, 1e6, 1e7] : [1e4, 1e5, 1e6],
    factorCounts: [10, 50, 200, 500],
    twinScenarios: { 10: 100_000, 50: 100_000, 200: 20_000, 500: 5_000 },
  };
}

type Method = 'mc-normal' | 'mc-t';

interface Numbers { var99: number; es975: number; levels: number[] }

function numbers(r: VarResult): Numbers {
  return { var99: r.levels[0].var, es975: r.levels[1].es, levels: r.levels.flatMap((l) => [l.var, l.es]) };
}

/** Checks an estimate against its closed form; throws when outside tolerance. */
function closedFormChecks(label: string, method: Method, problem: PeerProblem, scenarios: number, df: number, n: Numbers): RowCheck[] {
  if (method === 'mc-normal') {
    const c = checkEstimate(label, problem, scenarios, n.var99, n.es975);
    const tol = mcTolerance(scenarios);
    return [
      { against: 'Gaussian closed form', metric: 'rel err VaR99', value: c.relErrVar99, tolerance: tol.var99 },
      { against: 'Gaussian closed form', metric: 'rel err ES97.5', value: c.relErrEs975, tolerance: tol.es975 },
    ];
  }
  const cf = tClosedForm(problem, df);
  const tol = tTolerance(cf, scenarios);
  return [
    requireClose(label, `Student-t(${df}) closed form`, 'rel err VaR99', (n.var99 - cf.var99) / cf.var99, tol.var99),
    requireClose(label, `Student-t(${df}) closed form`, 'rel err ES97.5', (n.es975 - cf.es975) / cf.es975, tol.es975),
  ];
}

interface RowSpec {
  id: string;
  label: string;
  method: Method;
  factors: number;
  scenarios: number;
}

async function varRow(engine: Engine, spec: RowSpec, cfg: McScalingConfig, problems: Map<number, PeerProblem>): Promise<{ row: SuiteRow; result: Numbers }> {
  let problem = problems.get(spec.factors);
  if (!problem) {
    problem = peerProblem(spec.factors);
    problems.set(spec.factors, problem);
  }
  const portfolio = { exposures: problem.exposures };
  const market = { covariance: problem.covariance };
  const opts = { method: spec.method, df: cfg.df, confidence: [0.99, 0.975], scenarios: spec.scenarios, seed: cfg.seed };
  let checks: RowCheck[] = [];
  const p = problem;
  const t = await timeChecked(spec.id, async () => {
    const r = await engine.var(portfolio, market, opts);
    if (r.kernel !== (engine.wasm ? 'wasm' : 'ts')) throw new Error(`${spec.label}: ran on kernel ${r.kernel}`);
    return numbers(r);
  }, (first) => {
    checks = closedFormChecks(spec.label, spec.method, p, spec.scenarios, cfg.df, first);
  }, (a, b) => {
    if (a.levels.some((x, i) => x !== b.levels[i])) throw new Error(`${spec.label}: same seed gave a different result`);
  }, cfg.plan);
  const kernel = engine.wasm ? 'WASM' : 'TS twin';
  const row = okRow({
    id: spec.id, label: spec.label, impl: 'engine', threads: engine.threads,
    computes: `engine.var ${spec.method}${spec.method === 'mc-t' ? ` (ν = ${cfg.df})` : ''}, ${kernel} on ${engine.threads} thread(s), ${spec.factors} factors, VaR/ES at 99 % and 97.5 %`,
    size: `${spec.factors} f × ${fmtCount(spec.scenarios)} scen`, work: spec.scenarios, workUnit: 'scen',
    values: { var99: t.first.var99, es975: t.first.es975 }, checks,
  }, t.timing);
  log(`${spec.label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' scen/s')}`);
  return { row, result: t.first };
}

export async function runMcScaling(cfg: McScalingConfig): Promise<SuiteReport> {
  const machine = machineInfo();
  const cores = os.availableParallelism();
  const problems = new Map<number, PeerProblem>();
  const rows: SuiteRow[] = [];
  const seen = new Map<string, SuiteRow>();
  const scenCurve: Record<Method, [number, string][]> = { 'mc-normal': [], 'mc-t': [] };
  const facCurve: Record<Method, [number, string][]> = { 'mc-normal': [], 'mc-t': [] };
  log(`${cores} threads, load ${machine.loadAverage1m}; scenarios ${cfg.scenarioSizes.map(fmtCount).join(', ')} at ${cfg.scenarioCurveFactors} factors; factors ${cfg.factorCounts.join(', ')} at ${fmtCount(cfg.factorCurveScenarios)}`);

  await using(() => createEngine({ threads: cores, wasm: true }), async (engine) => {
    const add = async (method: Method, factors: number, scenarios: number): Promise<string> => {
      const key = `${method}|${factors}|${scenarios}`;
      const existing = seen.get(key);
      if (existing) return existing.id;
      const short = method === 'mc-normal' ? 'normal' : `t(${cfg.df})`;
      const { row } = await varRow(engine, { id: `all-${method === 'mc-normal' ? 'normal' : 't'}-f${factors}-s${scenarios}`, label: `WASM ${cores} threads, ${short}, ${factors} f × ${fmtCount(scenarios)}`, method, factors, scenarios }, cfg, problems);
      rows.push(row);
      seen.set(key, row);
      return row.id;
    };
    for (const method of ['mc-normal', 'mc-t'] as const) {
      for (const s of cfg.scenarioSizes) scenCurve[method].push([s, await add(method, cfg.scenarioCurveFactors, s)]);
      for (const f of cfg.factorCounts) facCurve[method].push([f, await add(method, f, cfg.factorCurveScenarios)]);
    }
  });

  const twin: { factors: number; scenarios: number; wasmId: string; tsId: string; maxRelDiff: number }[] = [];
  await using(() => createEngine({ threads: 1, wasm: true }), (w1) => using(() => createEngine({ threads: 1, wasm: false }), async (ts1) => {
    for (const f of cfg.factorCounts) {
      const s = cfg.twinScenarios[f];
      const spec = (id: string, label: string): RowSpec => ({ id, label, method: 'mc-normal', factors: f, scenarios: s });
      const w = await varRow(w1, spec(`wasm1t-normal-f${f}`, `WASM 1 thread, normal, ${f} f × ${fmtCount(s)}`), cfg, problems);
      const t = await varRow(ts1, spec(`ts1t-normal-f${f}`, `TS twin 1 thread, normal, ${f} f × ${fmtCount(s)}`), cfg, problems);
      const d = Math.max(...w.result.levels.map((x, i) => Math.abs(x - t.result.levels[i]) / Math.abs(x)));
      const chk = requireClose(`twin ${f} factors`, 'WASM 1 thread (same seed)', 'max rel diff VaR/ES', d, 1e-9);
      t.row.checks = [...(t.row.checks ?? []), chk];
      rows.push(w.row, t.row);
      twin.push({ factors: f, scenarios: s, wasmId: w.row.id, tsId: t.row.id, maxRelDiff: d });
    }
  }));

  const byId = (id: string): SuiteRow => rows.find((r) => r.id === id)!;
  const ratios: Record<string, number | null> = {};
  const ratioLabels: Record<string, string> = {};
  for (const f of [10, 50, 200, 500]) {
    const tw = twin.find((x) => x.factors === f);
    ratios[`wasm1T_vs_ts1T_f${f}`] = tw ? ratioOf(rows, tw.wasmId, tw.tsId) : null;
    ratioLabels[`wasm1T_vs_ts1T_f${f}`] = `WASM 1 thread vs TS twin, ${f} factors (mc-normal)`;
  }
  const scenId = (m: Method, s: number): string | undefined => scenCurve[m].find(([x]) => x === s)?.[1];
  const r2 = (a?: string, b?: string): number | null => (a && b ? ratioOf(rows, a, b) : null);
  ratios.t_vs_normal_s1e5 = r2(scenId('mc-t', 1e5), scenId('mc-normal', 1e5));
  ratioLabels.t_vs_normal_s1e5 = `Student-t vs normal, ${cfg.scenarioCurveFactors} factors × 100k, all threads`;
  ratios.normal_s1e5_vs_s1e4 = r2(scenId('mc-normal', 1e5), scenId('mc-normal', 1e4));
  ratioLabels.normal_s1e5_vs_s1e4 = 'throughput at 100k vs at 10k scenarios (fixed-cost amortisation), normal';
  ratios.normal_s1e6_vs_s1e4 = r2(scenId('mc-normal', 1e6), scenId('mc-normal', 1e4));
  ratioLabels.normal_s1e6_vs_s1e4 = 'throughput at 1M vs at 10k scenarios, normal';

  const twinTable = ['| factors | scenarios | WASM 1 thread | TS twin | WASM / TS | max rel diff |', '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...twin.map((x) => {
      const w = byId(x.wasmId);
      const t = byId(x.tsId);
      return `| ${x.factors} | ${fmtCount(x.scenarios)} | ${fmtRate(w.throughput, ' scen/s')} | ${fmtRate(t.throughput, ' scen/s')} | ${((w.throughput ?? NaN) / (t.throughput ?? NaN)).toPrecision(3)}× | ${x.maxRelDiff.toExponential(1)} |`;
    })].join('\n');

  return {
    suite: SUITE,
    title: 'Monte Carlo VaR/ES scaling — scenarios, factors, normal and Student-t',
    mode: cfg.mode,
    machine,
    config: { ...cfg, cores } as unknown as Record<string, unknown>,
    notes: [
      `Problem: the peers' ${cfg.scenarioCurveFactors}-factor model generalised to N factors (3-factor structure plus idiosyncratic variance, equal 1e6 notional); full Cholesky L·z per scenario, so cost grows ~N² per scenario.`,
      `Every result is checked against the closed form before its timing counts: Gaussian for mc-normal, scaled Student-t (ν = ${cfg.df}) for mc-t.`,
      'WASM vs TS twin rows use the same seed and scenario count (scenarios shrink with N so the TS row stays ~1 s); their VaR/ES must agree to 1e-9 relative.',
      `Timing: ${cfg.plan.budgetSeconds} s budget per row, ${cfg.plan.minIterations}–${cfg.plan.maxIterations} timed iterations after a checked warm-up run; median [min–max].`,
    ],
    rows,
    ratioDefinition: 'a_vs_b = throughput(a) / throughput(b), throughput = scenarios / median seconds; > 1 means a is faster.',
    ratios,
    ratioLabels,
    extra: { scenarioCurve: scenCurve, factorCurve: facCurve, twin },
    sections: ['## WASM 1 thread vs pure-TS twin (mc-normal)', '', twinTable],
  };
}

export function mcScalingSvg(rep: SuiteReport): string {
  const m = rep.machine;
  const ex = rep.extra as { scenarioCurve: Record<Method, [number, string][]>; factorCurve: Record<Method, [number, string][]>; twin: { factors: number; wasmId: string; tsId: string }[] };
  const tp = (id: string): number => rep.rows.find((r) => r.id === id)?.throughput ?? NaN;
  const cfg = rep.config as unknown as McScalingConfig & { cores: number };
  const pts = (c: [number, string][]): [number, number][] => c.map(([x, id]) => [x, tp(id)]);
  return svgDocument([
    lineChart({
      title: `Throughput vs scenarios — WASM, ${cfg.cores} threads, ${cfg.scenarioCurveFactors} factors`,
      subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}`,
      xLabel: 'scenarios', yLabel: 'scenarios / s (median)', logX: true,
      series: [{ name: 'normal', points: pts(ex.scenarioCurve['mc-normal']) }, { name: `Student-t (ν=${cfg.df})`, points: pts(ex.scenarioCurve['mc-t']) }],
    }),
    lineChart({
      title: `Throughput vs factors — ${fmtCount(cfg.factorCurveScenarios)} scenarios (1-thread rows: fewer scenarios)`,
      xLabel: 'factors', yLabel: 'scenarios / s (median)', logX: true, formatX: (v) => String(v),
      series: [
        { name: `WASM ${cfg.cores}T normal`, points: pts(ex.factorCurve['mc-normal']) },
        { name: `WASM ${cfg.cores}T t(${cfg.df})`, points: pts(ex.factorCurve['mc-t']) },
        { name: 'WASM 1T normal', points: ex.twin.map((x) => [x.factors, tp(x.wasmId)] as [number, number]) },
        { name: 'TS twin 1T normal', dashed: true, points: ex.twin.map((x) => [x.factors, tp(x.tsId)] as [number, number]) },
      ],
    }),
    lineChart({
      title: 'WASM 1 thread / pure-TS twin — throughput ratio by factor count',
      xLabel: 'factors', yLabel: 'speed-up (×)', logX: true, formatX: (v) => String(v), height: 320,
      series: [{ name: 'WASM / TS', points: ex.twin.map((x) => [x.factors, tp(x.wasmId) / tp(x.tsId)] as [number, number]) }],
    }),
  ], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export async function mcScalingSuite(flags: BenchFlags): Promise<SuiteReport> {
  const rep = await runMcScaling(mcScalingConfig(flags));
  printSuite(rep);
  for (const f of writeSuite(rep, mcScalingSvg(rep), flags.outDir)) log(`wrote ${f}`);
  return rep;
}

if (isMain(import.meta.url)) {
  mcScalingSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
