/**
 * Full revaluation of an option book under many scenarios: `engine.revalue` with the WASM kernel on
 * one thread and on all threads, the pure-TS twin on one thread (fewer scenarios, compared by
 * throughput), and a PEER: a straightforward JS loop (per scenario, per option, textbook
 * Black–Scholes / Black-76 with a Numerical Recipes erfc) written in this file.
 *
 * Timing: `engine.revalue` end to end (instrument table and scenario columns built from the objects,
 * fan-out over the pool, P&L per scenario gathered); the peer is timed on the same objects.
 * Results: every row's P&L vector is compared with the WASM 1-thread one on the common scenarios.
 *
 * Run alone: `node build/bench/revaluation.bench.js [--quick] [--full]`.
 */
import os from 'node:os';
import { createEngine } from '../src/index.js';
import type { Engine } from '../src/index.js';
import { buildInstrumentTable, toScenarioColumns } from '../src/instruments/index.js';
import type { OptionPosition, Scenario } from '../src/instruments/index.js';
import { revalueColumns, revalueColumnsWasm } from '../src/kernels/index.js';
import { WasmCore, relaxedSimdSupported } from '../src/wasm/index.js';
import type { WasmBuild } from '../src/wasm/index.js';
import { PeerToolchain, runPeer } from './lib/peers.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { PRICES, optionBook, revaluationScenarios } from './lib/fixtures.js';
import { machineInfo, peersDir } from './lib/machine.js';
import { fmtCount, fmtRate, fmtSeconds } from './lib/results.js';
import {
  fmtInt, isMain, logger, maxAbsDiff, modeOf, okRow, printSuite, ratioOf, requireClose, timeChecked, timingPlan, using, writeSuite,
} from './lib/suite.js';
import { skippedRow } from './lib/suite.js';
import type { Mode, RowCheck, SuiteReport, SuiteRow, TimingPlan } from './lib/suite.js';
import { barChart, svgDocument } from './lib/svg.js';

export const SUITE = 'revaluation';
const log = logger(SUITE);

export interface RevaluationConfig {
  mode: Mode;
  options: number;
  scenarios: number;
  tsScenarios: number;
  peerScenarios: number;
  /** Scenarios of the plain-C peer (reval_c.c, its own book of the same size) and its timed runs. */
  cScenarios: number;
  cRuns: number;
  plan: TimingPlan;
}

export function revaluationConfig(flags: Pick<BenchFlags, 'quick' | 'full'>): RevaluationConfig {
  const mode = modeOf(flags);
  const plan = timingPlan(mode);
  if (mode === 'quick') return { mode, options: 1000, scenarios: 10_000, tsScenarios: 2_000, peerScenarios: 1_000, cScenarios: 10_000, cRuns: 2, plan };
  if (mode === 'full') return { mode, options: 1000, scenarios: 100_000, tsScenarios: 20_000, peerScenarios: 10_000, cScenarios: 100_000, cRuns: 5, plan };
  return { mode, options: 1000, scenarios: 20_000, tsScenarios: 5_000, peerScenarios: 2_000, cScenarios: 20_000, cRuns: 5, plan };
}

// ------------------------------------------------------------------ the JS peer (textbook)

/** erfc, Numerical Recipes `erfcc` (Chebyshev fit, fractional error < 1.2e-7 everywhere). */
function erfcc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? ans : 2 - ans;
}

const N = (x: number): number => 0.5 * erfcc(-x / Math.SQRT2);

/** Textbook Black–Scholes with dividend yield q (Hull), or Black-76 on a forward F. */
function textbookPrice(o: OptionPosition, S: number, sigma: number, T: number): number {
  const K = o.strike;
  const r = o.rate ?? 0;
  const call = o.optionType === 'call';
  if (T <= 0) return Math.max(call ? S - K : K - S, 0);
  const sd = sigma * Math.sqrt(T);
  if (o.model === 'black-76') {
    const d1 = (Math.log(S / K) + 0.5 * sigma * sigma * T) / sd;
    const d2 = d1 - sd;
    const df = Math.exp(-r * T);
    return call ? df * (S * N(d1) - K * N(d2)) : df * (K * N(-d2) - S * N(-d1));
  }
  const q = o.dividendYield ?? 0;
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const d2 = d1 - sd;
  return call ? S * Math.exp(-q * T) * N(d1) - K * Math.exp(-r * T) * N(d2) : K * Math.exp(-r * T) * N(-d2) - S * Math.exp(-q * T) * N(-d1);
}

/**
 * Naive revaluation: for each scenario, for each option, reprice at the shocked spot, vol and expiry;
 * P&L in USD (inverse options: coin P&L converted at the shocked price, Q·(V1 − V0·S1/S0)).
 */
export function naiveRevalue(positions: readonly OptionPosition[], prices: Record<string, number>, scenarios: readonly Scenario[]): Float64Array {
  const v0 = positions.map((o) => textbookPrice(o, prices[o.underlying], o.vol, o.expiry as number));
  const out = new Float64Array(scenarios.length);
  for (let s = 0; s < scenarios.length; s++) {
    const sc = scenarios[s];
    const moves = sc.move as Record<string, number>;
    const dT = (sc.horizonDays ?? 0) / 365;
    let total = 0;
    for (let i = 0; i < positions.length; i++) {
      const o = positions[i];
      const S0 = prices[o.underlying];
      const S1 = S0 * (1 + (moves[o.underlying] ?? 0));
      const sigma1 = Math.max(0, o.vol + (sc.volShift as number));
      const T1 = Math.max(0, (o.expiry as number) - dT);
      const v1 = textbookPrice(o, S1, sigma1, T1);
      const q = o.quantity * (o.contractSize ?? 1);
      total += o.style === 'inverse' ? q * (v1 - (v0[i] * S1) / S0) : q * (v1 - v0[i]);
    }
    out[s] = total;
  }
  return out;
}

// ------------------------------------------------------------------ suite

function pnlValues(total: Float64Array, common: number): Record<string, number> {
  let min = Infinity;
  let sum = 0;
  for (let i = 0; i < common; i++) { min = Math.min(min, total[i]); sum += total[i]; }
  return { 'P&L scen 0': total[0], [`worst P&L first ${fmtCount(common)}`]: min, [`mean P&L first ${fmtCount(common)}`]: sum / common };
}

export async function runRevaluation(cfg: RevaluationConfig): Promise<SuiteReport> {
  const machine = machineInfo();
  const cores = os.availableParallelism();
  const positions = optionBook(cfg.options);
  const market = { prices: PRICES };
  const scenarios = revaluationScenarios(cfg.scenarios);
  const common = cfg.peerScenarios;
  const gross = positions.reduce((s, p) => s + Math.abs(p.quantity) * PRICES[p.underlying], 0);
  const nInverse = positions.filter((p) => (p as OptionPosition).style === 'inverse').length;
  const nB76 = positions.filter((p) => (p as OptionPosition).model === 'black-76').length;
  log(`${cfg.options} options × ${fmtCount(cfg.scenarios)} scenarios (TS ${fmtCount(cfg.tsScenarios)}, peer ${fmtCount(cfg.peerScenarios)}), ${cores} threads, load ${machine.loadAverage1m}`);

  const rows: SuiteRow[] = [];
  let reference: Float64Array | undefined;
  const same = (label: string) => (a: Float64Array, b: Float64Array): void => {
    if (maxAbsDiff(a, b) !== 0 || a.length !== b.length) throw new Error(`${label}: repeated run gave a different P&L vector`);
  };
  const engineRow = async (engine: Engine, id: string, label: string, n: number): Promise<void> => {
    const sc = n === scenarios.length ? scenarios : scenarios.slice(0, n);
    let checks: RowCheck[] = [];
    const t = await timeChecked(id, async () => (await engine.revalue({ positions }, market, sc)).total, (first) => {
      if (first.length !== n || first.some((x) => !Number.isFinite(x))) throw new Error(`${label}: bad P&L vector`);
      if (reference) checks = [requireClose(label, 'WASM 1 thread', 'max abs diff / gross notional', maxAbsDiff(first, reference, Math.min(n, reference.length)) / gross, 1e-9)];
    }, same(label), cfg.plan);
    reference ??= t.first;
    const row = okRow({
      id, label, impl: 'engine', threads: engine.threads,
      computes: `engine.revalue, ${engine.wasm ? `WASM kernel (${engine.wasmBuild ?? '?'} build)` : 'pure-TS twin kernel'} on ${engine.threads} thread(s): P&L per scenario of the whole book (USD)`,
      size: `${fmtInt(cfg.options)} opt × ${fmtCount(n)} scen`, work: cfg.options * n, workUnit: 'option-reval',
      values: pnlValues(t.first, common), checks,
    }, t.timing);
    log(`${label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' option-reval/s')}`);
    rows.push(row);
  };

  await using(() => createEngine({ threads: 1, wasm: true }), (e) => engineRow(e, 'wasm-1t', 'WASM, 1 thread', cfg.scenarios));
  await using(() => createEngine({ threads: cores, wasm: true }), (e) => engineRow(e, 'wasm-all', `WASM, ${cores} threads`, cfg.scenarios));
  await using(() => createEngine({ threads: 1, wasm: false }), (e) => engineRow(e, 'ts-1t', `TS twin, 1 thread (${fmtCount(cfg.tsScenarios)} scen.)`, cfg.tsScenarios));

  {
    const label = `JS peer: naive loop + textbook BS (${fmtCount(cfg.peerScenarios)} scen.)`;
    const sc = scenarios.slice(0, cfg.peerScenarios);
    let checks: RowCheck[] = [];
    const t = await timeChecked('js-peer', async () => naiveRevalue(positions as OptionPosition[], PRICES, sc), (first) => {
      // erfcc is accurate to ~1.2e-7 relative: agreement is to ~1e-7 of notional, not to the last bit
      checks = [requireClose(label, 'WASM 1 thread', 'max abs diff / gross notional', maxAbsDiff(first, reference!, cfg.peerScenarios) / gross, 1e-6)];
    }, same(label), cfg.plan);
    const row = okRow({
      id: 'js-peer', label, impl: 'peer', threads: 1,
      computes: 'PEER (written in this bench file): per scenario, per option object, textbook Black–Scholes / Black-76 with Numerical Recipes erfcc; 1 thread, main thread',
      size: `${fmtInt(cfg.options)} opt × ${fmtCount(cfg.peerScenarios)} scen`, work: cfg.options * cfg.peerScenarios, workUnit: 'option-reval',
      values: pnlValues(t.first, common), checks,
    }, t.timing);
    log(`${label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' option-reval/s')}`);
    rows.push(row);
  }

  // ---- kernel rows: prepared columns, one thread (this one), no pool: the revaluation loop itself
  const table = buildInstrumentTable(positions, market);
  const cols = toScenarioColumns(scenarios, table.underlyings);
  const tsCols = { ...cols, nScenarios: cfg.tsScenarios };
  const relaxed = await relaxedSimdSupported();
  const builds: WasmBuild[] = relaxed ? ['relaxed', 'strict'] : ['strict'];
  let kernelRef: Float64Array | undefined;
  for (const build of builds) {
    const core = await WasmCore.create(build);
    const label = `WASM kernel (${build} build), 1 thread`;
    let checks: RowCheck[] = [];
    const t = await timeChecked(`kernel-${build}`, async () => revalueColumnsWasm(core, table.columns, cols, false).total, (first) => {
      checks = [requireClose(label, 'WASM 1 thread (engine)', 'max abs diff / gross notional', maxAbsDiff(first, reference!) / gross, 1e-9)];
      if (kernelRef) checks.push(requireClose(label, `WASM kernel (${builds[0]} build)`, 'max abs diff / gross notional', maxAbsDiff(first, kernelRef) / gross, 1e-9));
    }, same(label), cfg.plan);
    kernelRef ??= t.first;
    const row = okRow({
      id: `kernel-${build}`, label, impl: 'engine', threads: 1,
      computes: `revalueColumnsWasm on prepared instrument/scenario columns (build/${build === 'relaxed' ? 'core-relaxed' : 'core'}.wasm${build === 'relaxed' ? ', fused multiply-add' : ''}), calling thread: the kernel without pool or object conversion`,
      size: `${fmtInt(cfg.options)} opt × ${fmtCount(cfg.scenarios)} scen`, work: cfg.options * cfg.scenarios, workUnit: 'option-reval',
      values: pnlValues(t.first, common), checks,
    }, t.timing);
    log(`${label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' option-reval/s')}`);
    rows.push(row);
  }
  {
    const label = `TS twin kernel, 1 thread (${fmtCount(cfg.tsScenarios)} scen.)`;
    let checks: RowCheck[] = [];
    const t = await timeChecked('kernel-ts', async () => revalueColumns(table.columns, tsCols, false).total, (first) => {
      checks = [requireClose(label, 'WASM 1 thread (engine)', 'max abs diff / gross notional', maxAbsDiff(first, reference!, cfg.tsScenarios) / gross, 1e-9)];
    }, same(label), cfg.plan);
    const row = okRow({
      id: 'kernel-ts', label, impl: 'engine', threads: 1,
      computes: 'revalueColumns (pure-TS twin, same operation order as the strict WASM build) on the same prepared columns, calling thread',
      size: `${fmtInt(cfg.options)} opt × ${fmtCount(cfg.tsScenarios)} scen`, work: cfg.options * cfg.tsScenarios, workUnit: 'option-reval',
      values: pnlValues(t.first, common), checks,
    }, t.timing);
    log(`${label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' option-reval/s')}`);
    rows.push(row);
  }
  {
    const tools = new PeerToolchain(peersDir());
    const cmd = tools.compileC('reval_c.c');
    const base = {
      id: 'c-peer', label: `reval_c.c (gcc -O3 -march=native), 1 thread (${fmtCount(cfg.cScenarios)} scen.)`, impl: 'peer' as const, threads: 1,
      computes: 'PEER ../shared/peers/reval_c.c: straightforward C loop, Black-76 with libm log/exp/erfc, its own synthetic book of the same size (1,000 options, 2 underlyings, half inverse); self-reported seconds of the revaluation loop, median of runs after 1 warm-up',
      size: `${fmtInt(cfg.options)} opt × ${fmtCount(cfg.cScenarios)} scen`, work: cfg.options * cfg.cScenarios, workUnit: 'option-reval',
    };
    try {
      if (!cmd.ok) {
        rows.push(skippedRow(base, cmd.reason));
      } else {
        const runs = runPeer(cmd, ['--options', String(cfg.options), '--scenarios', String(cfg.cScenarios)], cfg.cRuns);
        const s = [...runs.seconds].sort((a, b) => a - b);
        const row: SuiteRow = {
          ...base, status: 'ok', iterations: s.length, warmupIterations: 1, samplesSeconds: runs.seconds, medianSeconds: runs.medianSeconds,
          spread: { min: s[0], p25: s[Math.floor((s.length - 1) / 4)], p75: s[Math.ceil((3 * (s.length - 1)) / 4)], max: s[s.length - 1] },
          throughput: base.work / runs.medianSeconds,
          values: { checksum: Number(runs.outputs[0].checksum), compiler: cmd.version },
          note: 'different (but same-size) book and scenarios: compared by throughput only',
        };
        log(`${base.label}: ${fmtSeconds(row.medianSeconds)} → ${fmtRate(row.throughput, ' option-reval/s')}`);
        rows.push(row);
      }
    } finally {
      tools.cleanup();
    }
  }

  const ratios = {
    wasm1T_vs_ts1T: ratioOf(rows, 'wasm-1t', 'ts-1t'),
    wasmAllT_vs_wasm1T: ratioOf(rows, 'wasm-all', 'wasm-1t'),
    wasm1T_vs_jsPeer: ratioOf(rows, 'wasm-1t', 'js-peer'),
    wasmAllT_vs_jsPeer: ratioOf(rows, 'wasm-all', 'js-peer'),
    wasmKernel1T_vs_cPeer: ratioOf(rows, `kernel-${builds[0]}`, 'c-peer'),
    wasmKernel1T_vs_tsKernel: ratioOf(rows, `kernel-${builds[0]}`, 'kernel-ts'),
    strictKernel1T_vs_cPeer: ratioOf(rows, 'kernel-strict', 'c-peer'),
    wasm1T_vs_cPeer: ratioOf(rows, 'wasm-1t', 'c-peer'),
  };
  return {
    suite: SUITE,
    title: `Full revaluation — ${fmtInt(cfg.options)} options × ${fmtCount(cfg.scenarios)} scenarios`,
    mode: cfg.mode,
    machine,
    config: { ...cfg, cores } as unknown as Record<string, unknown>,
    notes: [
      `Book (synthetic): ${cfg.options} European options on BTC/ETH, ${nInverse} inverse (Deribit style, coin-settled, P&L converted to USD at the shocked price) and ${cfg.options - nInverse} linear; ${nB76} Black-76, ${cfg.options - nB76} Black–Scholes (r 3 %, q 1 %); strikes 60–140 % of spot, expiries 7 d–1 y, vols 35–110 %.`,
      `Node ${process.version}; WASM build chosen by the engine (auto): ${builds[0]}${relaxed ? ' (this runtime validates relaxed SIMD; the strict build is timed too)' : ' (this runtime rejects relaxed SIMD)'}.`,
      'Kernel rows time the revaluation kernel alone on prepared columns (calling thread); engine rows time engine.revalue end to end (instrument table and scenario columns built from objects, pool fan-out, gather). reval_c.c reports its own loop seconds.',
      'Scenarios: one-day correlated price moves (4–7 % daily vol, 5 % stress days at 3×), a common implied-vol shift (±25 vol points max), 1 day of decay.',
      `Headline size in --full is 1,000 × 100k; the standard run uses ${fmtCount(cfg.scenarios)} scenarios to keep \`npm run bench\` to a few minutes. The TS twin and the JS peer run fewer scenarios and are compared by throughput (option revaluations per second).`,
      'Every P&L vector is compared with the WASM 1-thread one on the common scenarios (tolerance relative to the book\'s gross notional: 1e-9 for engine rows, 1e-6 for the peer, whose erfc approximation is good to ~1e-7).',
      `Timing: ${cfg.plan.budgetSeconds} s budget per row, ${cfg.plan.minIterations}–${cfg.plan.maxIterations} timed iterations after a checked warm-up run; median [min–max].`,
    ],
    rows,
    ratioDefinition: 'a_vs_b = throughput(a) / throughput(b), throughput = options × scenarios / median seconds; > 1 means a is faster.',
    ratios,
    ratioLabels: {
      wasm1T_vs_ts1T: 'WASM 1 thread vs TS twin 1 thread',
      wasmAllT_vs_wasm1T: 'WASM all threads vs WASM 1 thread',
      wasm1T_vs_jsPeer: 'WASM 1 thread vs naive JS peer',
      wasmAllT_vs_jsPeer: 'WASM all threads vs naive JS peer',
      wasmKernel1T_vs_cPeer: `WASM kernel (${builds[0]} build) 1 thread vs reval_c.c`,
      wasmKernel1T_vs_tsKernel: `WASM kernel (${builds[0]} build) vs TS twin kernel, 1 thread`,
      strictKernel1T_vs_cPeer: 'WASM kernel (strict build) 1 thread vs reval_c.c',
      wasm1T_vs_cPeer: 'engine.revalue WASM 1 thread (end to end) vs reval_c.c',
    },
    extra: { grossNotionalUsd: gross, inverseOptions: nInverse, black76Options: nB76, node: process.version, wasmBuild: builds[0], relaxedSimdValidated: relaxed },
  };
}

export function revaluationSvg(rep: SuiteReport): string {
  const m = rep.machine;
  return svgDocument([barChart({
    title: rep.title,
    subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; blue = margin-engine, grey = naive JS peer`,
    unit: 'option revaluations per second (median)',
    bars: rep.rows.filter((r) => r.status === 'ok').map((r) => ({
      label: r.label, value: r.throughput ?? 0,
      note: `${fmtRate(r.throughput, '/s')} (${fmtSeconds(r.medianSeconds)})`,
      color: r.impl === 'peer' ? '#9c9c9c' : r.id === 'ts-1t' ? '#76b7b2' : '#4e79a7',
    })),
  })], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export async function revaluationSuite(flags: BenchFlags): Promise<SuiteReport> {
  const rep = await runRevaluation(revaluationConfig(flags));
  printSuite(rep);
  for (const f of writeSuite(rep, revaluationSvg(rep), flags.outDir)) log(`wrote ${f}`);
  return rep;
}

if (isMain(import.meta.url)) {
  revaluationSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
