/**
 * A synthetic ES-hedging problem of a chosen size, for the benchmark suite (scaling of the CVaR LP in
 * instruments × scenarios). Not a market model: a reproducible, well-posed LP of realistic shape.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { CvarHedgeProblem } from './cvar.js';
import type { HedgeInstrument } from './types.js';

/**
 * Builds a dense `instruments × scenarios` ES-minimisation problem, identical for a given seed.
 *
 * ## Method
 * Four factors (BTC, ETH, vol, rates) with fat tails (a 5 % stress regime at 3× volatility), drawn with
 * mulberry32 + Box–Muller from `seed`. Instrument i loads on one of the price factors (delta 1 per unit on
 * BTC or ETH, alternating) plus a small loading on the others and idiosyncratic noise, with a small positive
 * drift. The base book is long both price factors (delta 3 per instrument on that underlying, so the
 * hedge can always reach the target) and short vol. Constraints: positions in [−10, 10], net delta per
 * underlying in [−5, 5], gross budget Σ |x_i| ≤ 4·instruments, confidence 0.975.
 * The matrix is dense: instruments · scenarios non-zeros in the tail rows (2e6 for the default size).
 *
 * @param instruments number of hedge instruments H ≥ 1 (default 100).
 * @param scenarios number of scenarios S ≥ 2 (default 20,000).
 * @param seed 32-bit seed (default 1).
 */
export function buildScalingProblem(instruments = 100, scenarios = 20000, seed = 1): CvarHedgeProblem {
  for (const [f, v, min] of [['instruments', instruments, 1], ['scenarios', scenarios, 2]] as const) {
    if (!Number.isInteger(v) || v < min) throw new ValidationError(f, 'integer', `must be an integer >= ${min}; got ${describeValue(v)}`, v);
  }
  if (!Number.isInteger(seed)) throw new ValidationError('seed', 'integer', `must be an integer; got ${describeValue(seed)}`, seed);
  const rnd = mulberry32(seed >>> 0);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const H = instruments;
  const S = scenarios;
  const nf = 4;
  const vols = [0.04, 0.05, 0.03, 0.01];
  const loadings = new Float64Array(H * nf);
  const drift = new Float64Array(H);
  const idio = new Float64Array(H);
  const inst: HedgeInstrument[] = [];
  for (let i = 0; i < H; i++) {
    const main = i % 2;
    for (let f = 0; f < nf; f++) loadings[i * nf + f] = f === main ? 1 : 0.2 * normal();
    drift[i] = 0.002 * rnd();
    idio[i] = 0.01 * (0.5 + rnd());
    inst.push({ id: `h${i}`, lower: -10, upper: 10, cost: 1, delta: { [main === 0 ? 'BTC' : 'ETH']: 1 } });
  }
  const nBtc = Math.ceil(H / 2);
  const nEth = H - nBtc;
  const basePnl = new Float64Array(S);
  const hedgePnl = new Float64Array(S * H);
  const factor = new Float64Array(nf);
  for (let s = 0; s < S; s++) {
    const scale = rnd() < 0.05 ? 3 : 1;
    const common = normal();
    for (let f = 0; f < nf; f++) factor[f] = vols[f] * scale * (f < 2 ? 0.7 * common + 0.71 * normal() : normal());
    basePnl[s] = 100 * (3 * nBtc * factor[0] + 3 * nEth * factor[1] - 8 * factor[2]);
    for (let i = 0; i < H; i++) {
      let x = drift[i] + idio[i] * normal();
      for (let f = 0; f < nf; f++) x += loadings[i * nf + f] * factor[f];
      hedgePnl[s * H + i] = 100 * x;
    }
  }
  return {
    confidence: 0.975,
    basePnl,
    hedgePnl,
    instruments: inst,
    baseDelta: { BTC: 3 * nBtc, ETH: 3 * nEth },
    deltaBounds: { BTC: [-5, 5], ETH: [-5, 5] },
    budget: { limit: 4 * H, mode: 'gross' },
  };
}

/** mulberry32: a small 32-bit generator, good enough for a synthetic benchmark fixture. */
function mulberry32(a: number): () => number {
  let t = a;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
