/**
 * One-off timing of the GARCH(1,1) fit (not a `run.ts` suite): 10 simulated series × 80,000
 * returns, fitted one after another on one thread with the TS passes and with the WASM kernel.
 *
 *   npm run build && node build/bench/garch-fit.js [--t 80000] [--n 10]
 */
import { fitGarch11Core, tsPass, wasmPass, type GarchPass } from '../src/kernels/garch/index.js';
import { WasmCore } from '../src/wasm/index.js';

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
        console.log(`${name.padEnd(4)} ${N} × ${T}: ${ms.toFixed(0)} ms total, ${(ms / N).toFixed(1)} ms/series, ` +
          `${(evals / N).toFixed(0)} passes and ${(iters / N).toFixed(0)} BFGS iterations per series`);
      }
    }
  }
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
