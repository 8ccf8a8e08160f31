/**
 * Sample covariance of a T×N return matrix: the engine (WASM on 1 thread and on all threads, the
 * pure-TS twin on 1 thread), numpy (peers/cov_numpy.py), ml-matrix `covariance` and
 * simple-statistics `sampleCovariance` (pairwise on columns, on fewer columns — stated); the sample
 * kernel in-process on one thread with the strict and the relaxed-SIMD (FMA) build (when the runtime
 * accepts it); EWMA before (the TS recursion on one thread) and after (the row-range kernel on the
 * pool, 1 and all threads); Ledoit–Wolf on 1 thread. Every result is compared with the engine's
 * WASM sample covariance or the EWMA references before its timing counts.
 *
 * Timing: `engine.covariance` end to end (validation, sharing the matrix with the workers, the
 * blocked kernel, the nested result); libraries: the covariance call only (inputs converted to the
 * library's format beforehand); numpy: the peer's own `np.cov` timing on its own N(0,1) data of the
 * same shape (its result on OUR data is checked separately).
 *
 * Run alone: `node build/bench/covariance.bench.js [--quick] [--full]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Matrix, covariance as mlCovariance } from 'ml-matrix';
import { sampleCovariance } from 'simple-statistics';
import { createEngine } from '../src/index.js';
import type { Engine } from '../src/index.js';
import { covChunks, mergeCovChunks, runCovChunkTask } from '../src/kernels/index.js';
import { ewmaCovariance } from '../src/market/index.js';
import { WasmCore, relaxedSimdSupported } from '../src/wasm/index.js';
import { parseBenchFlags } from './lib/cli.js';
import type { BenchFlags } from './lib/cli.js';
import { returnsMatrix } from './lib/fixtures.js';
import { machineInfo, peersDir } from './lib/machine.js';
import { PeerToolchain, runPeer } from './lib/peers.js';
import { fmtRate, fmtSeconds } from './lib/results.js';
import {
  fmtInt, isMain, logger, maxAbs, modeOf, okRow, printSuite, ratioOf, requireClose, skippedRow, timeChecked, timingPlan, using, writeSuite,
} from './lib/suite.js';
import type { Mode, RowCheck, SuiteReport, SuiteRow, TimingPlan } from './lib/suite.js';
import { barChart, svgDocument } from './lib/svg.js';

export const SUITE = 'covariance';
const log = logger(SUITE);

export interface CovarianceBenchConfig {
  mode: Mode;
  rows: number;
  cols: number;
  /** Columns given to simple-statistics (pairwise sampleCovariance). */
  simpleStatisticsCols: number;
  /** Columns of the independent EWMA reference. */
  ewmaCheckCols: number;
  numpyRepeats: number;
  lambda: number;
  plan: TimingPlan;
}

export function covarianceConfig(flags: Pick<BenchFlags, 'quick' | 'full'>): CovarianceBenchConfig {
  const mode = modeOf(flags);
  const base = { mode, simpleStatisticsCols: 50, ewmaCheckCols: 20, lambda: 0.94, plan: timingPlan(mode) };
  return mode === 'quick'
    ? { ...base, rows: 2_000, cols: 100, numpyRepeats: 3 }
    : { ...base, rows: 10_000, cols: 500, numpyRepeats: 5 };
}

type Cov = Float64Array; // row-major n×n

function flatten(c: number[][]): Cov {
  const n = c.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = c[i][j];
  return out;
}

/** max |a − ref| over the leading k×k block (a is k×k, ref is n×n). */
function blockDiff(a: Cov, k: number, ref: Cov, n: number): number {
  let m = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m = Math.max(m, Math.abs(a[i * k + j] - ref[i * n + j]));
  return m;
}

/** EWMA reference on the first k columns, written independently from the definition in src/market. */
function ewmaReference(x: { data: Float64Array; rows: number; cols: number }, k: number, lambda: number): Cov {
  const { data, rows, cols } = x;
  const m = Math.min(30, rows);
  const s = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let mi = 0;
      let mj = 0;
      for (let t = 0; t < m; t++) { mi += data[t * cols + i]; mj += data[t * cols + j]; }
      mi /= m;
      mj /= m;
      let c = 0;
      for (let t = 0; t < m; t++) c += (data[t * cols + i] - mi) * (data[t * cols + j] - mj);
      let v = c / (m - 1);
      for (let t = 0; t < rows; t++) v = lambda * v + (1 - lambda) * data[t * cols + i] * data[t * cols + j];
      s[i * k + j] = v;
    }
  }
  return s;
}

/** np.cov on our data (check only), through a temp file; null when python3/numpy is missing. */
function numpyOnOurData(x: { data: Float64Array; rows: number; cols: number }): { cov: Cov } | { skip: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'margin-engine-cov-'));
  try {
    const inFile = path.join(dir, 'x.f64');
    const outFile = path.join(dir, 'c.f64');
    writeFileSync(inFile, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    const code = `import numpy as np, sys\nX = np.fromfile(sys.argv[1], dtype='<f8').reshape(${x.rows}, ${x.cols})\nnp.cov(X, rowvar=False).astype('<f8').tofile(sys.argv[2])\n`;
    const r = spawnSync('python3', ['-c', code, inFile, outFile], { encoding: 'utf8' });
    if (r.error) return { skip: 'python3 not available' };
    if (r.status !== 0) return { skip: `python3/numpy failed: ${r.stderr.trim().split('\n').at(-1)}` };
    const buf = readFileSync(outFile);
    return { cov: new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCovariance(cfg: CovarianceBenchConfig): Promise<SuiteReport> {
  const machine = machineInfo();
  const cores = os.availableParallelism();
  const x = returnsMatrix(cfg.rows, cfg.cols);
  const { rows: T, cols: n } = cfg;
  const pairs = (k: number): number => (k * (k + 1)) / 2;
  const work = T * pairs(n);
  const size = `${fmtInt(T)} × ${n}`;
  log(`${size} (${fmtInt(pairs(n))} covariances), ${cores} threads, load ${machine.loadAverage1m}`);
  const rows: SuiteRow[] = [];
  let ref: Cov | undefined; // engine WASM 1-thread sample covariance
  let scale = 1; // max |C|, for relative tolerances
  const sameCov = (label: string) => (a: Cov, b: Cov): void => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`${label}: repeated run differs`);
  };
  const push = (r: SuiteRow): void => {
    rows.push(r);
    log(`${r.label}: ${r.status === 'ok' ? `${fmtSeconds(r.medianSeconds)} → ${fmtRate(r.throughput, ' row·pairs/s')}` : `SKIPPED — ${r.skipReason}`}`);
  };

  let refBuild: Engine['wasmBuild'] = null; // the build behind `ref` (auto: relaxed where the runtime accepts it)
  const engineSample = async (engine: Engine, id: string, label: string): Promise<void> => {
    let checks: RowCheck[] = [];
    const t = await timeChecked(id, async () => {
      const r = await engine.covariance(x, { method: 'sample' });
      if (r.kernel !== (engine.wasm ? 'wasm' : 'ts')) throw new Error(`${label}: kernel ${r.kernel}`);
      return flatten(r.covariance);
    }, (first) => {
      if (ref) checks = [requireClose(label, 'engine WASM 1 thread', 'max abs diff / max|C|', blockDiff(first, n, ref, n) / scale, 1e-12)];
    }, sameCov(label), cfg.plan);
    if (!ref) {
      ref = t.first;
      refBuild = engine.wasmBuild;
      scale = maxAbs(ref);
    }
    push(okRow({
      id, label, impl: 'engine', threads: engine.threads,
      computes: `engine.covariance sample (ddof 1), ${engine.wasm ? 'WASM blocked kernel' : 'pure-TS twin kernel'} on ${engine.threads} thread(s)`,
      size, work, workUnit: 'row·pairs', values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1], 'trace': trace(t.first, n) }, checks,
    }, t.timing));
  };
  await using(() => createEngine({ threads: 1, wasm: true }), (e) => engineSample(e, 'wasm-1t', 'engine WASM, 1 thread'));
  await using(() => createEngine({ threads: cores, wasm: true }), (e) => engineSample(e, 'wasm-all', `engine WASM, ${cores} threads`));
  await using(() => createEngine({ threads: 1, wasm: false }), (e) => engineSample(e, 'ts-1t', 'engine pure-TS twin, 1 thread'));
  const reference = ref!;

  // numpy peer: timing from cov_numpy.py (its own data), check on our data
  {
    const base = {
      id: 'numpy', label: 'numpy np.cov (cov_numpy.py)', impl: 'peer' as const, threads: 1, size, work, workUnit: 'row·pairs',
      computes: 'PEER cov_numpy.py: np.cov(X, rowvar=False) on the peer\'s own N(0,1) data of the same shape (median of its repeats; BLAS may use several threads)',
    };
    const tools = new PeerToolchain(peersDir());
    try {
      const cmd = tools.python('cov_numpy.py');
      if (!cmd.ok) push(skippedRow(base, cmd.reason));
      else {
        const run = runPeer(cmd, ['--rows', String(T), '--cols', String(n), '--repeats', String(cfg.numpyRepeats)], 1, 0).outputs[0] as unknown as { seconds: number; seconds_median: number; checksum_trace: number; rows: number; cols: number; numpy: string };
        if (run.rows !== T || run.cols !== n) throw new Error(`cov_numpy.py ran ${run.rows}×${run.cols}, asked ${T}×${n}`);
        const checks: RowCheck[] = [requireClose(base.label, `E[trace] = ${n} for its N(0,1) data`, 'trace − cols', run.checksum_trace - n, 6 * Math.sqrt((2 * n) / (T - 1)))];
        const same = numpyOnOurData(x);
        if ('cov' in same) checks.push(requireClose(base.label, 'engine WASM 1 thread, np.cov on the bench data', 'max abs diff / max|C|', blockDiff(same.cov, n, reference, n) / scale, 1e-12));
        else log(`numpy same-data check skipped: ${same.skip}`);
        push({
          ...base, status: 'ok', iterations: cfg.numpyRepeats, warmupIterations: 0, medianSeconds: run.seconds_median,
          spread: { min: run.seconds, p25: NaN, p75: NaN, max: NaN }, throughput: work / run.seconds_median,
          values: { 'trace (its data)': run.checksum_trace, numpy: run.numpy }, checks,
          note: `in-process timing by the peer; min = best of ${cfg.numpyRepeats}, max not reported`,
        });
      }
    } finally {
      tools.cleanup();
    }
  }

  // ml-matrix
  {
    const label = 'ml-matrix covariance';
    const m = new Matrix(T, n);
    for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) m.set(t, j, x.data[t * n + j]);
    let checks: RowCheck[] = [];
    const t = await timeChecked('ml-matrix', async () => Float64Array.from(mlCovariance(m).to1DArray()), (first) => {
      checks = [requireClose(label, 'engine WASM 1 thread', 'max abs diff / max|C|', blockDiff(first, n, reference, n) / scale, 1e-12)];
    }, sameCov(label), cfg.plan);
    push(okRow({
      id: 'ml-matrix', label, impl: 'library', threads: 1,
      computes: 'ml-matrix 6 covariance(X): copy, centre columns, XᵀX, scale by 1/(T−1); Matrix built beforehand (untimed)',
      size, work, workUnit: 'row·pairs', values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1], trace: trace(t.first, n) }, checks,
    }, t.timing));
  }

  // simple-statistics, pairwise on the first k columns
  {
    const k = Math.min(cfg.simpleStatisticsCols, n);
    const label = `simple-statistics sampleCovariance (${fmtInt(T)} × ${k})`;
    const columns = Array.from({ length: k }, (_, j) => Array.from({ length: T }, (__, t) => x.data[t * n + j]));
    let checks: RowCheck[] = [];
    const t = await timeChecked('simple-statistics', async () => {
      const c = new Float64Array(k * k);
      for (let i = 0; i < k; i++) {
        for (let j = i; j < k; j++) {
          const v = sampleCovariance(columns[i], columns[j]);
          c[i * k + j] = v;
          c[j * k + i] = v;
        }
      }
      return c;
    }, (first) => {
      checks = [requireClose(label, `engine WASM 1 thread (leading ${k}×${k} block)`, 'max abs diff / max|C|', blockDiff(first, k, reference, n) / scale, 1e-12)];
    }, sameCov(label), cfg.plan);
    push(okRow({
      id: 'simple-statistics', label, impl: 'library', threads: 1,
      computes: `simple-statistics 7 sampleCovariance(x, y) for every pair i ≤ j of the first ${k} columns (column arrays built beforehand, untimed)`,
      size: `${fmtInt(T)} × ${k}`, work: T * pairs(k), workUnit: 'row·pairs', values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1] }, checks,
      note: k < n ? `run on ${k} of the ${n} columns (not extrapolated); compare by throughput in row·pairs/s` : undefined,
    }, t.timing));
  }

  // EWMA: before = market.ewmaCovariance on the calling thread (the engine's path until this
  // change: one TS task), after = the row-range kernel on the pool, 1 and all threads.
  {
    const k = Math.min(cfg.ewmaCheckCols, n);
    const refE = ewmaReference(x, k, cfg.lambda);
    const nestedX = Array.from({ length: T }, (_, r) => Array.from(x.data.subarray(r * n, (r + 1) * n)));
    let before: Cov | undefined;
    {
      const label = `EWMA before: TS recursion on one thread (market.ewmaCovariance, λ = ${cfg.lambda})`;
      let checks: RowCheck[] = [];
      const t = await timeChecked('ewma-before', async () => flatten(ewmaCovariance(nestedX, cfg.lambda)), (first) => {
        checks = [requireClose(label, `bench EWMA recursion on the first ${k} columns`, 'max abs diff / max|C|', blockDiff(refE, k, first, n) / maxAbs(refE), 1e-10)];
      }, sameCov(label), cfg.plan);
      before = t.first;
      push(okRow({
        id: 'ewma-before', label, impl: 'engine', threads: 1,
        computes: 'market.ewmaCovariance (pure TS): seed = sample covariance of the first 30 rows, then Σ ← λΣ + (1−λ) r rᵀ over all rows; nested input built beforehand (untimed)',
        size, work, workUnit: 'row·pairs', values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1], trace: trace(t.first, n) }, checks,
      }, t.timing));
    }
    const ewmaEngine = async (engine: Engine, id: string, label: string): Promise<void> => {
      let checks: RowCheck[] = [];
      const t = await timeChecked(id, async () => flatten((await engine.covariance(x, { method: 'ewma', lambda: cfg.lambda })).covariance), (first) => {
        checks = [
          requireClose(label, `bench EWMA recursion on the first ${k} columns`, 'max abs diff / max|C|', blockDiff(refE, k, first, n) / maxAbs(refE), 1e-10),
          // the strict build gives the TS recursion's bits; the relaxed (FMA) build agrees within rounding
          engine.wasmBuild === 'strict'
            ? requireClose(label, 'EWMA before (TS recursion), bit for bit (strict build)', 'max abs diff', blockDiff(first, n, before!, n), 0)
            : requireClose(label, `EWMA before (TS recursion), ${engine.wasmBuild} build`, 'max abs diff / max|C|', blockDiff(first, n, before!, n) / maxAbs(before!), 1e-12),
        ];
      }, sameCov(label), cfg.plan);
      push(okRow({
        id, label, impl: 'engine', threads: engine.threads,
        computes: `engine.covariance ewma: row ranges of the packed WASM recursion (2 rows × 4 columns per register tile) on ${engine.threads} worker(s)`,
        size, work, workUnit: 'row·pairs', values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1], trace: trace(t.first, n) }, checks,
      }, t.timing));
    };
    await using(() => createEngine({ threads: 1, wasm: true }), (e) => ewmaEngine(e, 'ewma-1t', `engine EWMA (λ = ${cfg.lambda}), 1 thread`));
    await using(() => createEngine({ threads: cores, wasm: true }), (e) => ewmaEngine(e, 'ewma-all', `engine EWMA (λ = ${cfg.lambda}), ${cores} threads`));
  }

  // The sample kernel in-process on one thread, strict build vs the relaxed-SIMD (FMA) build when
  // this runtime accepts it: the FMA gain without the pool.
  for (const [id, file] of [['kernel-strict', 'core.wasm'], ['kernel-relaxed', 'core-relaxed.wasm']] as const) {
    const label = `sample kernel in-process, 1 thread, ${file}`;
    const base = {
      id, label, impl: 'engine' as const, threads: 1, size, work, workUnit: 'row·pairs',
      computes: `the engine's sample-covariance tasks run one after the other on the calling thread (per chunk of observations: copy in, means, pack, tiled XᵀX; then the merge) with build/${file} instantiated directly`,
    };
    const build = id === 'kernel-strict' ? 'strict' : 'relaxed';
    if (build === 'relaxed' && !(await relaxedSimdSupported())) {
      push(skippedRow(base, `this runtime (Node ${process.version}) rejects ${file}`));
      continue;
    }
    const core = await WasmCore.create(build);
    let checks: RowCheck[] = [];
    const shared = new SharedArrayBuffer(T * n * 8); // the tasks' input, as the engine shares it (untimed)
    new Float64Array(shared).set(x.data.subarray(0, T * n));
    const t = await timeChecked(id, async () => mergeCovChunks(n, T, covChunks(T).map(([obsFrom, obsTo]) => ({
      count: obsTo - obsFrom,
      ranges: [[0, n] as const],
      parts: [runCovChunkTask(core, { shared, t: T, n, obsFrom, obsTo, rowFrom: 0, rowTo: n })],
    }))), (first) => {
      checks = [requireClose(label, 'engine WASM 1 thread', 'max abs diff / max|C|', blockDiff(first, n, reference, n) / scale, id === `kernel-${refBuild}` ? 0 : 1e-13)];
    }, sameCov(label), cfg.plan);
    push(okRow({ ...base, values: { 'C[0][0]': t.first[0], 'C[0][1]': t.first[1], trace: trace(t.first, n) }, checks }, t.timing));
  }

  await using(() => createEngine({ threads: 1, wasm: true }), async (engine) => {
    {
      const label = 'engine Ledoit–Wolf (identity target), 1 thread';
      let checks: RowCheck[] = [];
      let shrinkage = NaN;
      const t = await timeChecked('lw-1t', async () => {
        const r = await engine.covariance(x, { method: 'ledoit-wolf' });
        shrinkage = r.shrinkage ?? NaN;
        return flatten(r.covariance);
      }, (first) => {
        // LW = (1 − δ)·S + δ·μ·I with S = (T−1)/T · sample covariance, μ = tr(S)/N
        if (!(shrinkage >= 0 && shrinkage <= 1)) throw new Error(`${label}: shrinkage ${shrinkage} not in [0, 1]`);
        const f = (T - 1) / T;
        const mu = (f * trace(reference, n)) / n;
        let d = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          const want = (1 - shrinkage) * f * reference[i * n + j] + (i === j ? shrinkage * mu : 0);
          d = Math.max(d, Math.abs(first[i * n + j] - want));
        }
        checks = [requireClose(label, '(1−δ)·S_biased + δ·μ·I from the engine WASM sample covariance', 'max abs diff / max|C|', d / scale, 1e-10)];
      }, sameCov(label), cfg.plan);
      push(okRow({
        id: 'lw-1t', label, impl: 'engine', threads: 1,
        computes: 'engine.covariance ledoit-wolf: centred biased S, fourth-moment sums, scikit-learn shrinkage δ toward μ·I (calling thread)',
        size, work, workUnit: 'row·pairs', values: { shrinkage, 'C[0][0]': t.first[0], 'C[0][1]': t.first[1] }, checks,
      }, t.timing));
    }
  });

  const ratios = {
    wasm1T_vs_ts1T: ratioOf(rows, 'wasm-1t', 'ts-1t'),
    wasmAllT_vs_wasm1T: ratioOf(rows, 'wasm-all', 'wasm-1t'),
    wasmAllT_vs_numpy: ratioOf(rows, 'wasm-all', 'numpy'),
    wasm1T_vs_numpy: ratioOf(rows, 'wasm-1t', 'numpy'),
    kernelRelaxed_vs_kernelStrict: ratioOf(rows, 'kernel-relaxed', 'kernel-strict'),
    kernelRelaxed_vs_numpy: ratioOf(rows, 'kernel-relaxed', 'numpy'),
    ewmaAllT_vs_ewmaBefore: ratioOf(rows, 'ewma-all', 'ewma-before'),
    ewmaAllT_vs_ewma1T: ratioOf(rows, 'ewma-all', 'ewma-1t'),
    wasm1T_vs_mlMatrix: ratioOf(rows, 'wasm-1t', 'ml-matrix'),
    wasm1T_vs_simpleStatistics: ratioOf(rows, 'wasm-1t', 'simple-statistics'),
  };
  return {
    suite: SUITE,
    title: `Covariance — ${size} (${fmtInt(pairs(n))} covariances)`,
    mode: cfg.mode,
    machine,
    config: { ...cfg, cores } as unknown as Record<string, unknown>,
    notes: [
      `Data (synthetic): ${fmtInt(T)} daily returns of ${n} assets, one market factor (loadings 0.3–1.2) plus idiosyncratic noise.`,
      'Work unit: row·pairs = rows × N(N+1)/2 (one multiply-add per row per covariance); rows of different sizes are compared by this throughput.',
      `simple-statistics runs pairwise on the first ${Math.min(cfg.simpleStatisticsCols, n)} columns only (its cost is that of N(N+1)/2 separate passes); its numbers are measured on that size, not extrapolated.`,
      'numpy: timing is cov_numpy.py\'s own (np.cov on its own standard-normal data of the same shape, median of its repeats, BLAS threads as installed); numpy\'s result on the bench data is checked against the engine separately.',
      `Timing: ${cfg.plan.budgetSeconds} s budget per row, ${cfg.plan.minIterations}–${cfg.plan.maxIterations} timed iterations after a checked warm-up run; median [min–max].`,
    ],
    rows,
    ratioDefinition: 'a_vs_b = throughput(a) / throughput(b), throughput = row·pairs / median seconds; > 1 means a is faster.',
    ratios,
    ratioLabels: {
      wasm1T_vs_ts1T: 'engine WASM 1 thread vs pure-TS twin',
      wasmAllT_vs_wasm1T: 'engine WASM all threads vs 1 thread',
      wasmAllT_vs_numpy: 'engine WASM all threads vs numpy',
      wasm1T_vs_numpy: 'engine WASM 1 thread vs numpy',
      kernelRelaxed_vs_kernelStrict: 'sample kernel in-process: relaxed (FMA) build vs strict build',
      kernelRelaxed_vs_numpy: 'sample kernel in-process, relaxed build, 1 thread vs numpy',
      ewmaAllT_vs_ewmaBefore: 'EWMA: engine all threads vs before (TS, one thread)',
      ewmaAllT_vs_ewma1T: 'EWMA: engine all threads vs 1 thread',
      wasm1T_vs_mlMatrix: 'engine WASM 1 thread vs ml-matrix',
      wasm1T_vs_simpleStatistics: 'engine WASM 1 thread vs simple-statistics (fewer columns)',
    },
  };
}

function trace(c: Cov, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += c[i * n + i];
  return s;
}

export function covarianceSvg(rep: SuiteReport): string {
  const m = rep.machine;
  return svgDocument([barChart({
    title: rep.title,
    subtitle: `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; blue = margin-engine sample, teal = EWMA / Ledoit–Wolf, grey = peers and libraries`,
    unit: 'row·pairs per second (median) — rows × N(N+1)/2 / s',
    bars: rep.rows.filter((r) => r.status === 'ok').map((r) => ({
      label: r.label, value: r.throughput ?? 0, note: `${fmtRate(r.throughput, '/s')} (${fmtSeconds(r.medianSeconds)})`,
      color: r.impl !== 'engine' ? '#9c9c9c' : r.id.startsWith('ewma') || r.id.startsWith('lw') || r.id.startsWith('kernel') ? '#76b7b2' : '#4e79a7',
    })),
  })], `margin-engine bench ${rep.suite} · ${rep.mode} · ${m.date} · load ${m.loadAverage1m}`);
}

export async function covarianceSuite(flags: BenchFlags): Promise<SuiteReport> {
  const rep = await runCovariance(covarianceConfig(flags));
  printSuite(rep);
  for (const f of writeSuite(rep, covarianceSvg(rep), flags.outDir)) log(`wrote ${f}`);
  return rep;
}

if (isMain(import.meta.url)) {
  covarianceSuite(parseBenchFlags()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
