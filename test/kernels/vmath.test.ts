/**
 * Error bounds of the revaluation kernels' elementary functions (assembly/vmath.ts and their TS
 * twins in src/kernels/reval/math.ts) against an independent reference: values of N(x), e^x and
 * ln x computed with mpmath at 50 digits (test/kernels/fixtures/vmath-reference.json, each rounded
 * to the nearest double), and V8's Math.exp / Math.log on random points. The strict WASM build
 * must give the twin's bits; the relaxed build (fused Horner steps) the same bounds.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expK, logK, normalCdfK } from '../../src/kernels/reval/math.js';
import { WasmCore, relaxedSimdSupported } from '../../src/wasm/index.js';
import { mulberry32 } from '../helpers.js';

interface Reference {
  ncdf: [number, string][];
  exp: [number, string][];
  log: [number, string][];
}
const REF = JSON.parse(readFileSync(new URL('./fixtures/vmath-reference.json', import.meta.url), 'utf8')) as Reference;
const RELAXED = await relaxedSimdSupported();

const relErr = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

/** Worst relative error of f over reference pairs. */
function worst(f: (x: number) => number, pairs: [number, string][]): number {
  let w = 0;
  for (const [x, v] of pairs) w = Math.max(w, relErr(f(x), Number(v)));
  return w;
}

const OPS = { exp: 0, log: 1, ncdf: 2 } as const;

/** Applies a vmath op of a WASM build to xs (array entry point: f64x2 blocks, scalar tail). */
function wasmApply(core: WasmCore, op: keyof typeof OPS, xs: readonly number[]): Float64Array {
  core.reset();
  const p = core.alloc(xs.length * 8);
  core.f64(p, xs.length).set(xs);
  core.x.vmathApply(OPS[op], p, xs.length);
  return core.f64(p, xs.length).slice();
}

/** The bounds stated in assembly/vmath.ts. */
const BOUND = { exp: 4e-16, log: 2.3e-16, ncdf: 1e-14 } as const;

describe('TS twins against 50-digit references', () => {
  it('N(x): relative error ≤ 1e-14 over x ∈ [−37, 9] (1,051 points, table and tail paths)', () => {
    expect(REF.ncdf.length).toBeGreaterThan(1000);
    expect(Math.min(...REF.ncdf.map(([x]) => x))).toBeLessThanOrEqual(-37);
    expect(worst(normalCdfK, REF.ncdf)).toBeLessThanOrEqual(BOUND.ncdf);
  });

  it('e^x: relative error ≤ 4e-16 over [−708, 709]; ln x: ≤ 2.3e-16 over normal doubles', () => {
    expect(worst(expK, REF.exp)).toBeLessThanOrEqual(BOUND.exp);
    expect(worst(logK, REF.log)).toBeLessThanOrEqual(BOUND.log);
  });

  it('agree with Math.exp / Math.log within the same bounds on 20,000 random points; special values', () => {
    const r = mulberry32(151);
    for (let i = 0; i < 10_000; i++) {
      const x = -700 + 1400 * r();
      expect(relErr(expK(x), Math.exp(x))).toBeLessThanOrEqual(2 * BOUND.exp);
      const y = Math.exp(-600 + 1200 * r());
      expect(relErr(logK(y), Math.log(y))).toBeLessThanOrEqual(2 * BOUND.log);
    }
    expect(expK(0)).toBe(1);
    expect(expK(-800)).toBe(0);
    expect(expK(800)).toBe(Infinity);
    expect(expK(NaN)).toBeNaN();
    expect(logK(1)).toBe(0);
    expect(logK(0)).toBe(-Infinity);
    expect(logK(-1)).toBeNaN();
    expect(normalCdfK(0)).toBe(0.5);
    expect(normalCdfK(-Infinity)).toBe(0);
    expect(normalCdfK(Infinity)).toBe(1);
    expect(normalCdfK(NaN)).toBeNaN();
  });

  it('N is monotone and N(x) + N(−x) = 1 within 2e-16 on a fine grid', () => {
    let prev = 0;
    for (let x = -12; x <= 12; x += 1 / 256) {
      const v = normalCdfK(x);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
      expect(Math.abs(v + normalCdfK(-x) - 1)).toBeLessThanOrEqual(2.3e-16);
    }
  });
});

describe('WASM builds', () => {
  let strict: WasmCore;
  let relaxed: WasmCore | undefined;
  beforeAll(async () => {
    strict = await WasmCore.create('strict');
    if (RELAXED) relaxed = await WasmCore.create('relaxed');
  });

  it('strict build: the TS twins\' bits at every reference point (f64x2 lanes and scalar tail)', () => {
    for (const op of ['exp', 'log', 'ncdf'] as const) {
      const f = op === 'exp' ? expK : op === 'log' ? logK : normalCdfK;
      const xs = REF[op].map(([x]) => x);
      expect(Array.from(wasmApply(strict, op, xs))).toEqual(xs.map(f));
    }
  });

  it.skipIf(!RELAXED)(`relaxed build (fused multiply-add): the same error bounds${RELAXED ? '' : ` (skipped: Node ${process.versions.node} does not validate relaxed SIMD)`}`, () => {
    const core = relaxed as WasmCore;
    for (const op of ['exp', 'log', 'ncdf'] as const) {
      const xs = REF[op].map(([x]) => x);
      const ys = wasmApply(core, op, xs);
      let w = 0;
      REF[op].forEach(([, v], i) => { w = Math.max(w, relErr(ys[i], Number(v))); });
      expect(w).toBeLessThanOrEqual(BOUND[op]);
    }
  });
});
