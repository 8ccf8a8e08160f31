/**
 * Timing of the GARCH(1,1) fit (not a `run.ts` suite): 10 simulated series × 80,000 returns,
 * fitted one after another on one thread with the TS passes and with the WASM kernel, then as a
 * panel on the pool — one `vol-path` task per series, as FHS VaR runs them — on 1 and 2 threads.
 * Every pool fit must equal the one-thread fit exactly before its time counts. Writes
 * bench/results/garch-fit.json and .md.
 *
 *   npm run build && node build/bench/garch-fit.js [--t 80000] [--n 10]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_TASK_MODULES } from '../src/engine/index.js';
import { VOL_PATH_TASK } from '../src/engine/tasks.js';
import { fitGarch11Core, tsPass, wasmPass, type GarchPass } from '../src/kernels/garch/index.js';
import { WorkerPool } from '../src/pool/index.js';
import { WasmCore } from '../src/wasm/index.js';
import { machineInfo, resultsDir } from './lib/machine.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Seeded GARCH(1,1) path (mulberry32 + Box–Muller), scaled to unit RMS as `fitGarch11` does. */
function simulate(seed: number, T: number, a: number, b: number): Float64Array {
  let st = seed >>> 0;
  const u = () => {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = st;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const w = 1e-6;
  let h = w / (1 - a - b);
  const y = new Float64Array(T);
  let ms = 0;
  for (let t = -500; t < T; t++) {
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const e = Math.sqrt(h) * z;
    if (t >= 0) { y[t] = e; ms += e * e; }
    h = w + a * e * e + b * h;
  }
  const s = Math.sqrt(ms / T);
  for (let t = 0; t < T; t++) y[t] /= s;
  return y;
}

async function main(): Promise<void> {
  const T = arg('t', 80_000);
  const N = arg('n', 10);
  const params = [[0.08, 0.9], [0.05, 0.94], [0.1, 0.85], [0.03, 0.96], [0.15, 0.6], [0.2, 0.75], [0.06, 0.93], [0.12, 0.8], [0.04, 0.955], [0.09, 0.89]];
  const series = Array.from({ length: N }, (_, k) => simulate(1000 + k, T, params[k % params.length][0], params[k % params.length][1]));
  const core = await WasmCore.create();
  const passes: [string, GarchPass][] = [['ts', tsPass], ['wasm', wasmPass(core)]];
  const rows: Array<{ row: string; ms: number; perSeriesMs: number }> = [];
  for (const round of ['warm-up', 'timed']) {
    for (const [name, pass] of passes) {
      let evals = 0;
      let iters = 0;
      const t0 = performance.now();
      for (const y of series) {
        const r = fitGarch11Core(y, 1, pass);
        evals += r.evaluations;
        iters += r.iterations;
      }
      const ms = performance.now() - t0;
      if (round === 'timed') {
        rows.push({ row: `one thread, ${name} pass, series one after another`, ms, perSeriesMs: ms / N });
        console.log(`${name.padEnd(4)} ${N} × ${T}: ${ms.toFixed(0)} ms total, ${(ms / N).toFixed(1)} ms/series, ` +
          `${(evals / N).toFixed(0)} passes and ${(iters / N).toFixed(0)} BFGS iterations per series`);
      }
    }
  }
  // The panel on the pool: one task per series (what FHS VaR does), WASM passes in the workers.
  const reference = await (async () => {
    const pool = new WorkerPool({ threads: 1, wasm: true, taskModules: ENGINE_TASK_MODULES });
    await pool.warmUp();
    const out = await Promise.all(series.map((y, j) => pool.run(VOL_PATH_TASK, { series: y, model: 'garch', lambda: 0.94, field: `series[${j}]` })));
    await pool.close();
    return out;
  })();
  for (const threads of [1, 2]) {
    const pool = new WorkerPool({ threads, wasm: true, taskModules: ENGINE_TASK_MODULES });
    await pool.warmUp();
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const out = await Promise.all(series.map((y, j) => pool.run(VOL_PATH_TASK, { series: y, model: 'garch', lambda: 0.94, field: `series[${j}]` })));
      times.push(performance.now() - t0);
      out.forEach((o, j) => {
        if (o.forecast !== reference[j].forecast) throw new Error(`pool fit of series ${j} differs on ${threads} thread(s)`);
      });
    }
    await pool.close();
    const ms = times.sort((a, b) => a - b)[1];
    rows.push({ row: `pool, ${threads} thread${threads > 1 ? 's' : ''}, one task per series (WASM)`, ms, perSeriesMs: ms / N });
    console.log(`pool ${threads} thread(s) ${N} × ${T}: ${ms.toFixed(0)} ms (median of 3)`);
  }
  const machine = machineInfo();
  const out = { suite: 'garch-fit', series: N, returns: T, node: process.version, machine, rows };
  const dir = resultsDir();
  writeFileSync(path.join(dir, 'garch-fit.json'), `${JSON.stringify(out, null, 2)}\n`);
  const md = [
    `# GARCH(1,1) fits, ${N} series × ${T.toLocaleString('en-US')} returns`, '',
    `Analytic gradients + BFGS; every pool fit equals the one-thread fit exactly. Node ${process.version}.`, '',
    '| row | total | per series |', '| --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.row} | ${r.ms.toFixed(0)} ms | ${r.perSeriesMs.toFixed(1)} ms |`), '',
  ].join('\n');
  writeFileSync(path.join(dir, 'garch-fit.md'), md);
  for (const [name, pass] of passes) {
    const s = pass(series[0], 1);
    const out = new Float64Array(4);
    const reps = 50;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) s.nllGrad(0.01, 0.08, 0.9, out);
    console.log(`${name.padEnd(4)} one likelihood+gradient pass over ${T}: ${((performance.now() - t0) / reps).toFixed(3)} ms`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
