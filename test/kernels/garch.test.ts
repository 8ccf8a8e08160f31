import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitGarch11Core, garchNllGradTs, garchVariancesTs, tsPass, wasmPass, type GarchPass,
} from '../../src/kernels/garch/index.js';
import { fitGarch11, fitGarch11With } from '../../src/market/index.js';
import { WasmCore } from '../../src/wasm/index.js';
import { validationErrorOf } from '../helpers.js';
import { euReturns, normals, rng } from '../market/helpers.js';
import { negLogLikReference, nelderMeadGarchFit } from './garch-reference.js';

/** GARCH(1,1) path of T returns after a 500-step burn-in (α = β = 0 gives iid normals). */
function simulate(seed: number, T: number, w: number, a: number, b: number): number[] {
  const z = normals(rng(seed));
  let h = w / Math.max(1 - a - b, 1e-3);
  const out: number[] = [];
  for (let t = 0; t < T + 500; t++) {
    const e = Math.sqrt(h) * z();
    if (t >= 500) out.push(e);
    h = w + a * e * e + b * h;
  }
  return out;
}

/** Centred (optionally) and scaled to unit RMS, as `fitGarch11` does before fitting. */
function scaled(x: number[], constantMean = false): Float64Array {
  let mu = 0;
  if (constantMean) { for (const v of x) mu += v; mu /= x.length; }
  let ms = 0;
  for (const v of x) ms += (v - mu) ** 2;
  const s = Math.sqrt(ms / x.length);
  return Float64Array.from(x, (v) => (v - mu) / s);
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

let core: WasmCore;
let wasm: GarchPass;
beforeAll(async () => {
  core = await WasmCore.create();
  wasm = wasmPass(core);
});

const sim = scaled(simulate(1, 4000, 1e-6, 0.08, 0.9));
const points: [number, number, number][] = [[0.02, 0.08, 0.9], [0.3, 0.2, 0.5], [1e-3, 0.01, 0.985], [0.5, 0.4, 0]];

describe('GARCH(1,1) likelihood pass', () => {
  it('matches the likelihood of the old fit to rounding', () => {
    const out = new Float64Array(4);
    for (const [w, a, b] of points) {
      garchNllGradTs(sim, 1, w, a, b, out);
      expect(relDiff(out[0], negLogLikReference(sim, 1, w, a, b))).toBeLessThan(1e-13);
    }
  });

  it('has an analytic gradient equal to central finite differences (rel. 1e-6)', () => {
    const out = new Float64Array(4);
    const tmp = new Float64Array(4);
    const f = (th: number[]) => { garchNllGradTs(sim, 1, th[0], th[1], th[2], tmp); return tmp[0]; };
    for (const th of points) {
      garchNllGradTs(sim, 1, th[0], th[1], th[2], out);
      for (let k = 0; k < 3; k++) {
        const step = 1e-5 * Math.max(th[k], 1e-2);
        const up = th.slice(); up[k] += step;
        const dn = th.slice(); dn[k] -= step;
        const fd = (f(up) - f(dn)) / (2 * step);
        // Scale by the gradient's norm: a near-zero component is judged against the others.
        const norm = Math.hypot(out[1], out[2], out[3]);
        expect(Math.abs(out[1 + k] - fd) / norm).toBeLessThan(1e-6);
      }
    }
  });

  it('WASM kernel equals the TS twin within 1e-12 relative, with and without the h output', () => {
    const series = wasm(sim, 1);
    const ts = tsPass(sim, 1);
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    for (const [w, al, be] of points) {
      series.nllGrad(w, al, be, a);
      ts.nllGrad(w, al, be, b);
      for (let k = 0; k < 4; k++) expect(relDiff(a[k], b[k])).toBeLessThan(1e-12);
    }
    // The optional h output of the combined pass, and the variances-only export.
    const T = sim.length;
    const yp = core.alloc(T * 8);
    const outp = core.alloc(32);
    const hp = core.alloc(T * 8);
    core.f64(yp, T).set(sim);
    core.x.garchNllGrad(yp, T, 1, 0.02, 0.08, 0.9, outp, hp);
    const hw = core.f64(hp, T).slice();
    const hTs = new Float64Array(T);
    garchNllGradTs(sim, 1, 0.02, 0.08, 0.9, b, hTs);
    for (let t = 0; t < T; t++) expect(hw[t]).toBe(hTs[t]);
    expect(relDiff(core.f64(outp, 4)[0], b[0])).toBeLessThan(1e-12);
    const hv = new Float64Array(T);
    series.variances(0.02, 0.08, 0.9, hv);
    garchVariancesTs(sim, 1, 0.02, 0.08, 0.9, hTs);
    expect(Array.from(hv)).toEqual(Array.from(hTs));
  });
});

describe('fitGarch11Core (BFGS) against the old Nelder–Mead fit', () => {
  const eu = euReturns();
  const cases: [string, Float64Array][] = [
    ['simulated α = 0.08, β = 0.9', sim],
    ['simulated α = 0.2, β = 0.5', scaled(simulate(3, 3000, 1e-5, 0.2, 0.5))],
    ['near-IGARCH α = 0.1, β = 0.8999', scaled(simulate(4, 4000, 1e-7, 0.1, 0.8999))],
    ['near-IGARCH α = 0.04, β = 0.9599', scaled(simulate(14, 4000, 1e-7, 0.04, 0.9599))],
    ['iid normals (α = 0 boundary, two local minima)', scaled(simulate(5, 2000, 1e-4, 0, 0))],
    ['α ≈ 0 with a low-β and a high-β basin', scaled(simulate(100, 500, 1e-6, 0.02, 0.95))],
    ['ARCH(1) (β = 0 boundary)', scaled(simulate(9, 3000, 1e-5, 0.3, 0))],
    ['60 returns', scaled(simulate(7, 60, 1e-6, 0.08, 0.9))],
    ...[0, 1, 2, 3].map((j): [string, Float64Array] => [`EuStockMarkets column ${j}, constant mean`, scaled(eu.map((r) => r[j]), true)]),
    ['EuStockMarkets DAX, zero mean', scaled(eu.map((r) => r[0]))],
  ];
  for (const [name, y] of cases) {
    it(`${name}: log-likelihood ≥ old − 1e-6·|old|, on both passes`, () => {
      const old = nelderMeadGarchFit(y, 1);
      const fit = fitGarch11Core(y, 1, tsPass);
      expect(fit.converged).toBe(true);
      expect(fit.evaluations).toBeLessThan(400);
      // nll is the negative log-likelihood up to a constant.
      expect(fit.nll).toBeLessThanOrEqual(old.nll + 1e-6 * Math.abs(old.nll));
      expect(fit.alpha).toBeGreaterThanOrEqual(0);
      expect(fit.beta).toBeGreaterThanOrEqual(0);
      expect(fit.alpha + fit.beta).toBeLessThan(1);
      const fw = fitGarch11Core(y, 1, wasm);
      expect(fw.nll).toBeLessThanOrEqual(old.nll + 1e-6 * Math.abs(old.nll));
      expect(relDiff(fw.nll, fit.nll)).toBeLessThan(1e-10);
    });
  }

  it('recovers α ≈ 0 on iid normals without leaving the domain', () => {
    const y = scaled(simulate(11, 5000, 1e-4, 0, 0));
    const fit = fitGarch11Core(y, 1, tsPass);
    expect(fit.converged).toBe(true);
    expect(fit.alpha).toBeLessThan(0.01);
    expect(Number.isFinite(fit.nll)).toBe(true);
  });

  it('is deterministic and returns h_t at the optimum on request', () => {
    const a = fitGarch11Core(sim, 1, tsPass, { variances: true });
    const b = fitGarch11Core(sim, 1, tsPass);
    expect(b.nll).toBe(a.nll);
    expect(b.alpha).toBe(a.alpha);
    const h = new Float64Array(sim.length);
    garchVariancesTs(sim, 1, a.omega, a.alpha, a.beta, h);
    expect(Array.from(a.h as Float64Array)).toEqual(Array.from(h));
  });

  it('rejects an all-zero series, a non-positive h0 and fewer than 2 observations', () => {
    expect(validationErrorOf(() => fitGarch11Core(new Float64Array(40), 1, tsPass)).rule).toBe('constant');
    expect(validationErrorOf(() => fitGarch11Core(sim, 0, tsPass)).field).toBe('h0');
    expect(validationErrorOf(() => fitGarch11Core(new Float64Array(1), 1, tsPass)).rule).toBe('length');
  });
});

describe('fitGarch11With', () => {
  it('gives the same fit on the WASM core as fitGarch11 on the TS passes', () => {
    const dax = euReturns().map((r) => r[0]);
    const a = fitGarch11(dax, { mean: 'constant' });
    const b = fitGarch11With(core, dax, { mean: 'constant' });
    expect(relDiff(a.logLikelihood, b.logLikelihood)).toBeLessThan(1e-10);
    expect(Math.abs(a.alpha - b.alpha)).toBeLessThan(1e-6);
    expect(Math.abs(a.beta - b.beta)).toBeLessThan(1e-6);
    expect(b.conditionalVol.length).toBe(dax.length);
  });

  it('rejects a constant series as fitGarch11 does', () => {
    expect(validationErrorOf(() => fitGarch11With(core, new Array(40).fill(0.01))).rule).toBe('constant');
  });
});
