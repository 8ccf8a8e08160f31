/**
 * ES (CVaR) minimisation against the scipy/HiGHS peer (../shared/peers/cvar_scipy.py), on the peer's own
 * problem: long-only weights summing to 1, losses L = −(F B + E) from numpy's default_rng(1), 97.5 %.
 * The loss matrix is written by bench/lib/cvar_peer_data.py (the peer's generator, same draws), so both
 * sides solve the same LP and the optimum must agree.
 *
 * Rows per size: engine `minimizeCvar` (scenario generation, default), the peer's primal dual-simplex
 * and its dual interior-point forms (its best forms per the issue), and at 50 × 5,000 the engine's
 * full Rockafellar–Uryasev LP (`esMethod: 'lp'`, the method before) as the baseline.
 * Standard: 50 × 5,000 and 100 × 20,000. --full adds 100 × 1,000,000 (engine only: no peer form fits;
 * one timed run, peak RSS from process.resourceUsage()). --quick: 20 × 1,000.
 *
 * Run alone: `node build/bench/optimize.bench.js [--quick] [--full]` (inside flock, see README).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimizeCvar } from '../src/optimize/index.js';
import type { CvarHedgeProblem, CvarHedgeResult } from '../src/optimize/index.js';
import { levelsFromLosses } from '../src/risk/index.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { machineInfo, peersDir } from './lib/machine.js';
import { fmtSeconds } from './lib/results.js';
import { fmtInt, isMain, logger, modeOf, okRow, printSuite, requireClose, skippedRow, timeChecked, writeSuite } from './lib/suite.js';
import type { Mode, RowCheck, SuiteReport, SuiteRow, TimingPlan } from './lib/suite.js';
import { barChart, svgDocument } from './lib/svg.js';

export const SUITE = 'optimize';
const log = logger(SUITE);
const CONFIDENCE = 0.975;

interface Size { n: number; S: number; peerForms: Array<'primal' | 'dual'>; lpBaseline: boolean; plan: TimingPlan }

export interface OptimizeBenchConfig { mode: Mode; seed: number; sizes: Size[] }

export function optimizeConfig(flags: Pick<BenchFlags, 'quick' | 'full'>): OptimizeBenchConfig {
  const mode = modeOf(flags);
  const few: TimingPlan = { budgetSeconds: 4, minIterations: 2, maxIterations: 5, warmupIterations: 0 };
  const one: TimingPlan = { budgetSeconds: 0, minIterations: 1, maxIterations: 1, warmupIterations: 0 };
  if (mode === 'quick') return { mode, seed: 1, sizes: [{ n: 20, S: 1000, peerForms: ['primal', 'dual'], lpBaseline: true, plan: few }] };
  const sizes: Size[] = [
    { n: 50, S: 5000, peerForms: ['primal', 'dual'], lpBaseline: true, plan: few },
    { n: 100, S: 20_000, peerForms: ['dual'], lpBaseline: false, plan: few },
  ];
  if (mode === 'full') sizes.push({ n: 100, S: 1_000_000, peerForms: [], lpBaseline: false, plan: one });
  return { mode, seed: 1, sizes };
}

/** The peer's problem as a minimizeCvar problem: P&L = −L, weights w ≥ 0 with Σ w = 1 (delta row W ∈ [1, 1]). */
function peerProblem(n: number, S: number, seed: number, dir: string): CvarHedgeProblem | string {
  const out = path.join(dir, `L_${n}_${S}.bin`);
  const gen = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bench/lib/cvar_peer_data.py');
  const r = spawnSync('python3', [gen, String(n), String(S), String(seed), out], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `python3 data generator failed: ${(r.stderr || String(r.error)).trim()}`;
  const buf = readFileSync(out);
  rmSync(out);
  const L = new Float64Array(buf.buffer, buf.byteOffset, n * S);
  const P = new Float64Array(n * S);
  for (let j = 0; j < P.length; j++) P[j] = -L[j];
  return {
    confidence: CONFIDENCE, basePnl: new Float64Array(S), hedgePnl: P,
    instruments: Array.from({ length: n }, (_, i) => ({ id: `a${i}`, lower: 0, delta: { W: 1 } })),
    deltaBounds: { W: [1, 1] },
  };
}

interface PeerResult { seconds: number; objective: number; es_check: number; status: number }

function runPeer(n: number, S: number, seed: number, form: 'primal' | 'dual'): PeerResult | string {
  const script = path.join(peersDir(), 'cvar_scipy.py');
  if (!existsSync(script)) return `${script} not found`;
  const method = form === 'primal' ? 'highs-ds' : 'highs-ipm';
  const r = spawnSync('python3', [script, '--instruments', String(n), '--scenarios', String(S), '--confidence', String(CONFIDENCE), '--seed', String(seed), '--form', form, '--method', method], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0) return `peer failed: ${(r.stderr || String(r.error)).trim().slice(-300)}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as PeerResult;
}

function esOf(p: CvarHedgeProblem, q: readonly number[]): number {
  const S = p.basePnl.length;
  const n = q.length;
  const losses = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let pnl = 0;
    for (let i = 0; i < n; i++) pnl += p.hedgePnl[s * n + i] * q[i];
    losses[s] = -pnl;
  }
  return levelsFromLosses(losses, [CONFIDENCE])[0].es;
}

export async function runOptimize(cfg: OptimizeBenchConfig): Promise<SuiteReport> {
  const machine = machineInfo();
  log(`ES minimisation vs scipy/HiGHS, load ${machine.loadAverage1m}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'margin-engine-cvar-'));
  const rows: SuiteRow[] = [];
  const ratios: Record<string, number | null> = {};
  const ratioLabels: Record<string, string> = {};
  const table: string[] = ['| size | engine (scenario generation) | iterations | explicit scenarios | peer primal (dual simplex) | peer dual (interior point) | engine full LP (before) | peer best / engine | peak RSS |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  // load HiGHS once, untimed
  await minimizeCvar({ confidence: 0.5, basePnl: [-1, 1], hedgePnl: [1, -1], instruments: [{ id: 'h', lower: 0, upper: 1 }] });
  try {
    for (const z of cfg.sizes) {
      const size = `${z.n} × ${fmtInt(z.S)}`;
      const work = z.n * z.S;
      const problem = peerProblem(z.n, z.S, cfg.seed, dir);
      if (typeof problem === 'string') {
        rows.push(skippedRow({ id: `engine-${z.n}x${z.S}`, label: 'minimizeCvar', impl: 'engine', computes: 'ES minimisation', size, work, workUnit: 'cells' }, problem));
        continue;
      }
      let checks: RowCheck[] = [];
      const eng = await timeChecked(`minimizeCvar ${size}`, () => minimizeCvar(problem), (r) => {
        checks = [requireClose('minimizeCvar', 'engine ES of the optimised book re-evaluated on all scenarios', 'rel diff', (r.objective - esOf(problem, r.quantities)) / r.objective, 1e-9)];
      }, (a, b) => {
        if (Math.abs(a.objective - b.objective) > 1e-9 * Math.abs(a.objective)) throw new Error(`minimizeCvar: objective ${b.objective} vs first ${a.objective}`);
      }, z.plan);
      const r: CvarHedgeResult = eng.first;
      const rss = process.resourceUsage().maxRSS * 1024;
      const peers: Partial<Record<'primal' | 'dual', number>> = {};
      for (const form of z.peerForms) {
        const label = form === 'primal' ? 'scipy linprog primal (highs-ds)' : 'scipy linprog dual (highs-ipm)';
        const runs: PeerResult[] = [];
        let fail = '';
        for (let k = 0; k < (z.S > 10_000 ? 1 : 2); k++) {
          const p = runPeer(z.n, z.S, cfg.seed, form);
          if (typeof p === 'string') { fail = p; break; }
          runs.push(p);
        }
        const base = { id: `peer-${form}-${z.n}x${z.S}`, label, impl: 'peer' as const, threads: 1, computes: `cvar_scipy.py --form ${form}: builds the LP arrays and runs linprog (self-timed)`, size, work, workUnit: 'cells' };
        if (runs.length === 0) { rows.push(skippedRow(base, fail)); continue; }
        const secs = runs.map((x) => x.seconds).sort((a, b) => a - b);
        const med = secs[Math.floor((secs.length - 1) / 2)];
        peers[form] = med;
        rows.push(okRow({ ...base, values: { objective: runs[0].objective, es_check: runs[0].es_check },
          checks: [requireClose(label, 'engine optimum (same data)', 'rel diff of the optimum', (runs[0].objective - r.objective) / r.objective, 1e-6)] },
        { iterations: runs.length, warmupIterations: 0, samplesSeconds: secs, medianSeconds: med, spread: { min: secs[0], p25: secs[0], p75: secs[secs.length - 1], max: secs[secs.length - 1] } }));
      }
      rows.push(okRow({
        id: `engine-${z.n}x${z.S}`, label: 'minimizeCvar (scenario generation)', impl: 'engine', threads: 1,
        computes: 'validation + exact ES minimisation on all scenarios (HiGHS master + pricing) + before/after metrics',
        size, work, workUnit: 'cells',
        values: { objective: r.objective, iterations: r.solver.iterations, 'first-run master s': r.solver.masterMs / 1e3, 'first-run pricing s': r.solver.pricingMs / 1e3, 'explicit scenarios': r.solver.scenarios, 'peak RSS MiB': Math.round(rss / 2 ** 20) },
        checks,
      }, eng.timing));
      let lpSeconds: number | null = null;
      if (z.lpBaseline) {
        const lp = await timeChecked(`minimizeCvar lp ${size}`, () => minimizeCvar(problem, { esMethod: 'lp' }), (x) => {
          requireClose('minimizeCvar lp', 'scenario generation', 'rel diff of the optimum', (x.objective - r.objective) / r.objective, 1e-7);
        }, () => undefined, { budgetSeconds: 0, minIterations: 1, maxIterations: 1, warmupIterations: 0 });
        lpSeconds = lp.timing.medianSeconds ?? null;
        rows.push(okRow({ id: `engine-lp-${z.n}x${z.S}`, label: 'minimizeCvar full RU LP (esMethod lp, before)', impl: 'engine', threads: 1, computes: 'one row per scenario, HiGHS', size, work, workUnit: 'cells', values: { objective: lp.first.objective } }, lp.timing));
      }
      const e = eng.timing.medianSeconds as number;
      const best = Math.min(...Object.values(peers));
      const ratio = Number.isFinite(best) ? best / e : null;
      ratios[`peer-best-over-engine-${z.n}x${z.S}`] = ratio;
      ratioLabels[`peer-best-over-engine-${z.n}x${z.S}`] = `peer's best form / engine, ${size}`;
      table.push(`| ${size} | ${fmtSeconds(e)} | ${r.solver.iterations} | ${fmtInt(r.solver.scenarios)} | ${peers.primal !== undefined ? fmtSeconds(peers.primal) : '—'} | ${peers.dual !== undefined ? fmtSeconds(peers.dual) : '—'} | ${lpSeconds === null ? '—' : fmtSeconds(lpSeconds)} | ${ratio === null ? '—' : `${ratio.toFixed(2)}×`} | ${Math.round(rss / 2 ** 20)} MiB |`);
      log(`${size}: engine ${fmtSeconds(e)}, peer best ${Number.isFinite(best) ? fmtSeconds(best) : '—'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    suite: SUITE,
    title: 'ES (CVaR) minimisation vs scipy/HiGHS on the same problems',
    mode: cfg.mode,
    machine,
    config: cfg as unknown as Record<string, unknown>,
    notes: [
      'Same data on both sides: bench/lib/cvar_peer_data.py replays the peer\'s generator (numpy default_rng(1)); weights ≥ 0, Σ w = 1, confidence 97.5 %. The optimum of every row is checked against the engine\'s (1e-6 relative; the engine\'s full LP 1e-7).',
      'Engine: one thread (the optimiser runs in one worker); timing covers validation, the solve and the before/after metrics. Peer: self-reported seconds (LP array build + linprog), median of its runs.',
      'Peak RSS is the process high-water mark after the row (it includes the earlier rows and the loss matrices).',
    ],
    rows,
    ratioDefinition: 'peer\'s best form seconds / engine seconds (higher is better; issue target ≥ 2 at 50 × 5,000)',
    ratios,
    ratioLabels,
    extra: {},
    sections: [['## Summary', '', ...table].join('\n')],
  };
}

export function optimizeSvg(rep: SuiteReport): string {
  const m = rep.machine;
  return svgDocument([barChart({
    title: rep.title,
    subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; medians; blue = engine, grey = peer`,
    unit: 'seconds',
    format: (v) => `${+v.toPrecision(3)} s`,
    bars: rep.rows.filter((r) => r.status === 'ok').map((r) => ({
      label: `${r.label} ${r.size}`, value: r.medianSeconds ?? 0, note: fmtSeconds(r.medianSeconds), ...(r.impl === 'peer' ? { color: '#9c9c9c' } : {}),
    })),
  })], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export async function optimizeSuite(flags: BenchFlags): Promise<SuiteReport> {
  const rep = await runOptimize(optimizeConfig(flags));
  printSuite(rep);
  for (const f of writeSuite(rep, optimizeSvg(rep), flags.outDir)) log(`wrote ${f}`);
  return rep;
}

if (isMain(import.meta.url)) {
  optimizeSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
