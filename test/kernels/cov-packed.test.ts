import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import {
  assembleCovRows, balancedRowRanges, covEwmaRowsWasm, covChunks, covSampleRowsWasm, covSampleTs, mergeCovChunks, planCovTasks, runCovChunkTask, runCovEwmaTask,
  COV_CHUNK_MIN_ROWS, COV_MAX_CHUNKS,
} from '../../src/kernels/index.js';
import { ewmaCovariance, isPsd } from '../../src/market/index.js';
import { WasmCore } from '../../src/wasm/index.js';
import { euReturns, naiveCov, normals, rng } from '../market/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function randomMatrix(t: number, n: number, seed: number): Float64Array {
  const z = normals(rng(seed));
  const a = new Float64Array(t * n);
  for (let r = 0; r < t; r++) {
    const f = z();
    for (let j = 0; j < n; j++) a[r * n + j] = 0.01 * ((0.3 + j / n) * f + z()) + (j % 3 === 0 ? 0.002 : 0);
  }
  return a;
}

function share(x: Float64Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(x.byteLength);
  new Float64Array(sab).set(x);
  return sab;
}

function nested(x: Float64Array, t: number, n: number): number[][] {
  return Array.from({ length: t }, (_, r) => Array.from(x.subarray(r * n, (r + 1) * n)));
}

/** Rows [a, b) of the sample covariance from the one-chunk task (its co-moments / (T − 1)). */
function taskRows(core: WasmCore | null, x: Float64Array, t: number, n: number, a: number, b: number): Float64Array {
  const tri = runCovChunkTask(core, { shared: share(x), t, n, obsFrom: 0, obsTo: t, rowFrom: a, rowTo: b }).m2;
  expect(tri.length).toBe(((b - a) * (2 * n - a - b + 1)) / 2);
  const out = new Float64Array((b - a) * n);
  let o = 0;
  for (let i = a; i < b; i++) for (let j = i; j < n; j++) out[(i - a) * n + j] = tri[o++] / (t - 1);
  return out;
}

/** Full matrix from rows [0, n) computed as the given ranges by `rows(from, to)`. */
function byRanges(n: number, ranges: Array<[number, number]>, rows: (from: number, to: number) => Float64Array): Float64Array {
  return assembleCovRows(n, ranges, ranges.map(([a, b]) => rows(a, b)));
}

let core: WasmCore;
beforeAll(async () => {
  core = await WasmCore.create('strict');
});

describe('packed sample-covariance kernel (panels of 8, 2-row register tiles)', () => {
  it.each([[600, 11], [257, 8], [3, 1], [2, 2], [1000, 19], [513, 37], [300, 141]])('WASM (strict) and TS twin are bit-identical to covSampleTs for T=%i, N=%i', (t, n) => {
    const x = randomMatrix(t, n, t * 7 + n);
    const want = new Float64Array(n * n);
    covSampleTs(x, t, n, new Float64Array(n), want);
    const all: Array<[number, number]> = [[0, n]];
    const wasm = byRanges(n, all, (a, b) => covSampleRowsWasm(core, x, t, n, a, b));
    const twin = byRanges(n, all, (a, b) => taskRows(null, x, t, n, a, b));
    expect(Array.from(wasm)).toEqual(Array.from(want));
    expect(Array.from(twin)).toEqual(Array.from(want));
    const ref = naiveCov(nested(x, t, n)).flat();
    for (let k = 0; k < n * n; k++) expect(Math.abs(wasm[k] - ref[k])).toBeLessThanOrEqual(1e-12 * Math.abs(ref[k]) + 1e-17);
  });

  it('gives the same bits for any split into row ranges (odd starts, ranges inside one panel)', () => {
    const t = 300;
    const n = 29;
    const x = randomMatrix(t, n, 3);
    const whole = byRanges(n, [[0, n]], (a, b) => covSampleRowsWasm(core, x, t, n, a, b));
    for (const ranges of [[[0, 3], [3, 4], [4, 17], [17, 29]], balancedRowRanges(n, 2), balancedRowRanges(n, 5)] as Array<Array<[number, number]>>) {
      expect(Array.from(byRanges(n, ranges, (a, b) => covSampleRowsWasm(core, x, t, n, a, b)))).toEqual(Array.from(whole));
      expect(Array.from(byRanges(n, ranges, (a, b) => taskRows(null, x, t, n, a, b)))).toEqual(Array.from(whole));
    }
  });

  it('gives the same bits for any split when the columns span several panel groups (N = 141: 18 panels)', () => {
    const t = 270;
    const n = 141;
    const x = randomMatrix(t, n, 9);
    const want = new Float64Array(n * n);
    covSampleTs(x, t, n, new Float64Array(n), want);
    for (const ranges of [[[0, n]], [[0, 3], [3, 67], [67, 70], [70, 129], [129, 141]], balancedRowRanges(n, 3)] as Array<Array<[number, number]>>) {
      expect(Array.from(byRanges(n, ranges, (a, b) => covSampleRowsWasm(core, x, t, n, a, b)))).toEqual(Array.from(want));
    }
  });

  it('rejects a row range outside 0..n in the task', () => {
    const x = randomMatrix(10, 3, 1);
    expect(() => runCovChunkTask(null, { shared: share(x), t: 10, n: 3, obsFrom: 0, obsTo: 10, rowFrom: 2, rowTo: 4 })).toThrow(/bad row range/);
    expect(() => runCovChunkTask(null, { shared: share(x), t: 10, n: 3, obsFrom: 4, obsTo: 4, rowFrom: 0, rowTo: 3 })).toThrow(/bad observation range/);
    expect(() => runCovChunkTask(null, { shared: share(x), t: 10, n: 3, obsFrom: 0, obsTo: 11, rowFrom: 0, rowTo: 3 })).toThrow(/bad observation range/);
  });
});

describe('sample covariance in chunks of observations (merged on the caller)', () => {
  /** The sample covariance through the tasks of `planCovTasks(t, n, threads)` and the merge. */
  const viaTasks = (x: Float64Array, t: number, n: number, threads: number, wasm: boolean): Float64Array => {
    const shared = share(x);
    const plan = planCovTasks(t, n, threads);
    return mergeCovChunks(n, t, plan.map(({ obsFrom, obsTo, ranges }) => ({
      count: obsTo - obsFrom,
      ranges,
      parts: ranges.map(([rowFrom, rowTo]) => runCovChunkTask(wasm ? core : null, { shared, t, n, obsFrom, obsTo, rowFrom, rowTo })),
    })));
  };

  it('cuts T rows into chunks that depend on T only and cover 0..T once', () => {
    for (const t of [2, 4095, 4096, 8191, 8192, 10_000, 12_289, 16_384, 1_000_000]) {
      const c = covChunks(t);
      expect(c.length).toBe(Math.min(COV_MAX_CHUNKS, Math.max(1, Math.floor(t / COV_CHUNK_MIN_ROWS))));
      expect(c[0][0]).toBe(0);
      expect(c.at(-1)![1]).toBe(t);
      for (let k = 1; k < c.length; k++) expect(c[k][0]).toBe(c[k - 1][1]);
      for (const [a, b] of c) expect(b - a).toBeGreaterThanOrEqual(Math.min(t, COV_CHUNK_MIN_ROWS));
      for (const threads of [1, 2, 3, 8]) expect(planCovTasks(t, 37, threads).map((p) => [p.obsFrom, p.obsTo])).toEqual(c);
    }
  });

  it('merges two chunks of a hand-computed 4×2 case exactly (Chan et al. pairwise update)', () => {
    // rows (1, 2), (3, 0) | (−1, 1), (5, 3): chunk means (2, 1) and (2, 2), M_a = [[2, −2], [−2, 2]],
    // M_b = [[18, 6], [6, 2]], δ = (0, 1), f = 2·2/4 = 1 → M = [[20, 4], [4, 5]], C = M / 3
    const x = Float64Array.from([1, 2, 3, 0, -1, 1, 5, 3]);
    for (const wasm of [true, false]) {
      const shared = share(x);
      const run = (obsFrom: number, obsTo: number, rowFrom: number, rowTo: number) =>
        runCovChunkTask(wasm ? core : null, { shared, t: 4, n: 2, obsFrom, obsTo, rowFrom, rowTo });
      const got = mergeCovChunks(2, 4, [
        { count: 2, ranges: [[0, 1], [1, 2]], parts: [run(0, 2, 0, 1), run(0, 2, 1, 2)] },
        { count: 2, ranges: [[0, 2]], parts: [run(2, 4, 0, 2)] },
      ]);
      expect(Array.from(got)).toEqual([20 / 3, 4 / 3, 4 / 3, 5 / 3]);
    }
  });

  it.each([[8_300, 13], [8_192, 5], [12_500, 8], [16_400, 3]])('T=%i, N=%i: same bits for 1, 2 and 3 threads, WASM strict = TS twin, and the two-pass value within 1e-13', (t, n) => {
    const x = randomMatrix(t, n, t + 3 * n);
    const ref = viaTasks(x, t, n, 1, true);
    for (const threads of [2, 3]) expect(Array.from(viaTasks(x, t, n, threads, true))).toEqual(Array.from(ref));
    for (const threads of [1, 3]) expect(Array.from(viaTasks(x, t, n, threads, false))).toEqual(Array.from(ref));
    const twoPass = new Float64Array(n * n);
    covSampleTs(x, t, n, new Float64Array(n), twoPass);
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, twoPass[i * n + i]);
    for (let k = 0; k < n * n; k++) expect(Math.abs(ref[k] - twoPass[k])).toBeLessThanOrEqual(1e-13 * scale);
  });

  it('keeps one chunk bit-identical to the two-pass kernel', () => {
    const t = 4_000;
    const n = 11;
    const x = randomMatrix(t, n, 5);
    const want = new Float64Array(n * n);
    covSampleTs(x, t, n, new Float64Array(n), want);
    for (const threads of [1, 2, 3]) expect(Array.from(viaTasks(x, t, n, threads, true))).toEqual(Array.from(want));
  });

  it('reports the first non-finite cell of its chunk (row-major), or −1', () => {
    const t = 50;
    const n = 9;
    const x = randomMatrix(t, n, 2);
    x[31 * n + 7] = Infinity;
    x[33 * n + 2] = NaN;
    x[12 * n + 8] = -Infinity;
    for (const wasm of [true, false]) {
      const shared = share(x);
      const run = (obsFrom: number, obsTo: number, rowFrom: number) => runCovChunkTask(wasm ? core : null, { shared, t, n, obsFrom, obsTo, rowFrom, rowTo: n }).bad;
      expect(run(0, 50, 0)).toBe(12 * n + 8);
      expect(run(20, 50, 0)).toBe(31 * n + 7);
      expect(run(32, 50, 0)).toBe(33 * n + 2);
      expect(run(34, 50, 0)).toBe(-1);
      expect(run(0, 10, 0)).toBe(-1);
    }
  });
});

describe('EWMA covariance kernel (row ranges of the RiskMetrics recursion)', () => {
  const ewmaRows = (x: Float64Array, t: number, n: number, lambda: number, seedRows: number, ranges: Array<[number, number]>, wasm: boolean): Float64Array =>
    byRanges(n, ranges, (a, b) => (wasm
      ? covEwmaRowsWasm(core, x, t, n, lambda, seedRows, a, b)
      : runCovEwmaTask(null, { shared: share(x), t, n, rowFrom: a, rowTo: b, lambda, seedRows })));

  it.each([[1859, 4, 0.94], [700, 13, 0.97], [40, 9, 0.5], [31, 1, 0.94]])('equals market.ewmaCovariance bit for bit (WASM strict and TS twin), T=%i N=%i λ=%f', (t, n, lambda) => {
    const x = t === 1859 ? Float64Array.from(euReturns().flat()) : randomMatrix(t, n, t + n);
    const want = Float64Array.from(ewmaCovariance(nested(x, t, n), lambda).flat());
    expect(Array.from(ewmaRows(x, t, n, lambda, 30, [[0, n]], true))).toEqual(Array.from(want));
    expect(Array.from(ewmaRows(x, t, n, lambda, 30, [[0, n]], false))).toEqual(Array.from(want));
  });

  it('is the same for any split into row ranges, and PSD', () => {
    const t = 400;
    const n = 21;
    const x = randomMatrix(t, n, 11);
    const whole = ewmaRows(x, t, n, 0.94, 30, [[0, n]], true);
    for (const ranges of [[[0, 1], [1, 6], [6, 21]], balancedRowRanges(n, 3)] as Array<Array<[number, number]>>) {
      expect(Array.from(ewmaRows(x, t, n, 0.94, 30, ranges, true))).toEqual(Array.from(whole));
      expect(Array.from(ewmaRows(x, t, n, 0.94, 30, ranges, false))).toEqual(Array.from(whole));
    }
    expect(isPsd(nested(whole, n, n))).toBe(true);
  });

  it('matches the closed form for constant returns: seed 0, then Σ_T = (1 − λ^T)·r·rᵀ', () => {
    const r = [0.01, -0.02, 0.005, 0.03, -0.001, 0.002, 0.004, -0.007, 0.011];
    const n = r.length;
    const t = 50;
    const x = new Float64Array(t * n);
    for (let k = 0; k < t; k++) x.set(r, k * n);
    const lambda = 0.9;
    const got = ewmaRows(x, t, n, lambda, 30, balancedRowRanges(n, 2), true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const want = (1 - lambda ** t) * r[i] * r[j];
        expect(Math.abs(got[i * n + j] - want)).toBeLessThanOrEqual(1e-14 * Math.abs(r[i] * r[j]));
      }
    }
  });

  it('matches a hand-computed 2×2 case (seed window of 2 rows)', () => {
    // rows (1, 2), (3, 0), (−1, 1); seed = sample cov of the first two rows = [[2, −2], [−2, 2]]
    // λ = 0.5: S1 = 0.5·seed + 0.5·(1,2)(1,2)ᵀ = [[1.5, 0], [0, 3]]
    //          S2 = 0.5·S1 + 0.5·(3,0)(3,0)ᵀ = [[5.25, 0], [0, 1.5]]
    //          S3 = 0.5·S2 + 0.5·(−1,1)(−1,1)ᵀ = [[3.125, −0.5], [−0.5, 1.25]]
    const x = Float64Array.from([1, 2, 3, 0, -1, 1]);
    for (const wasm of [true, false]) {
      expect(Array.from(ewmaRows(x, 3, 2, 0.5, 2, [[0, 2]], wasm))).toEqual([3.125, -0.5, -0.5, 1.25]);
      expect(Array.from(ewmaRows(x, 3, 2, 0.5, 2, [[0, 1], [1, 2]], wasm))).toEqual([3.125, -0.5, -0.5, 1.25]);
    }
  });

  it('rejects λ outside (0, 1) and a seed window below 2 in the task', () => {
    const x = randomMatrix(10, 3, 1);
    expect(() => runCovEwmaTask(null, { shared: share(x), t: 10, n: 3, rowFrom: 0, rowTo: 3, lambda: 1, seedRows: 30 })).toThrow(/lambda/);
    expect(() => runCovEwmaTask(null, { shared: share(x), t: 10, n: 3, rowFrom: 0, rowTo: 3, lambda: 0.9, seedRows: 1 })).toThrow(/seedRows/);
  });
});

describe('relaxed-SIMD build (fused multiply-add) of the covariance kernels', () => {
  const file = `${ROOT}build/core-relaxed.wasm`;
  const bytes = existsSync(file) ? Uint8Array.from(readFileSync(file)) : undefined;
  const runs = bytes !== undefined && WebAssembly.validate(bytes);
  it.runIf(runs)('agrees with the strict build within 1e-13 of the largest entry (not bit for bit)', () => {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes!), { env: { abort: () => { throw new Error('abort'); } } });
    const ex = inst.exports as unknown as {
      memory: WebAssembly.Memory; heapBase(): number; covColumnMeans(...a: number[]): void; covPackBytes(t: number, n: number): number;
      covPack(...a: number[]): void; covGramRows(...a: number[]): void; covScaleRows(...a: number[]): void; covEwmaRows(...a: number[]): void;
    };
    const t = 600;
    const n = 19;
    const n8 = 24;
    const x = randomMatrix(t, n, 5);
    const base = (ex.heapBase() + 63) & ~63;
    const xP = base;
    const mP = xP + t * n * 8;
    const pP = mP + n * 8;
    const aP = pP + ex.covPackBytes(t, n);
    const end = aP + n * n8 * 8;
    if (end > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((end - ex.memory.buffer.byteLength) / 65536));
    new Float64Array(ex.memory.buffer, xP, t * n).set(x);
    ex.covColumnMeans(xP, t, n, mP);
    ex.covPack(xP, t, n, mP, pP, 0);
    ex.covGramRows(pP, t, n, aP, 0, n);
    ex.covScaleRows(aP, n, 0, n, t - 1);
    const acc = new Float64Array(ex.memory.buffer, aP, n * n8);
    const strict = covSampleRowsWasm(core, x, t, n, 0, n);
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, strict[i * n + i]);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expect(Math.abs(acc[i * n8 + j] - strict[i * n + j])).toBeLessThanOrEqual(1e-13 * scale);
    // EWMA: seed from the first 30 rows, then the recursion (uncentred pack)
    new Float64Array(ex.memory.buffer, mP, n).fill(0);
    ex.covColumnMeans(xP, 30, n, mP);
    ex.covPack(xP, 30, n, mP, pP, 0);
    ex.covGramRows(pP, 30, n, aP, 0, n);
    ex.covScaleRows(aP, n, 0, n, 29);
    new Float64Array(ex.memory.buffer, mP, n).fill(0);
    ex.covPack(xP, t, n, mP, pP, 0);
    ex.covEwmaRows(pP, t, n, 0.94, aP, 0, n);
    const ew = new Float64Array(ex.memory.buffer, aP, n * n8);
    const ewStrict = covEwmaRowsWasm(core, x, t, n, 0.94, 30, 0, n);
    let es = 0;
    for (let i = 0; i < n; i++) es = Math.max(es, ewStrict[i * n + i]);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expect(Math.abs(ew[i * n8 + j] - ewStrict[i * n + j])).toBeLessThanOrEqual(1e-13 * es);
  });
});

describe('EWMA covariance on the engine', () => {
  const engines: Engine[] = [];
  beforeAll(async () => {
    // strict build: the bit-identity checks below compare with the TS twins (the relaxed build fuses
  // multiply-adds and agrees only within rounding)
  engines.push(await createEngine({ threads: 1, wasmBuild: 'strict' }), await createEngine({ threads: 2, wasmBuild: 'strict' }), await createEngine({ threads: 3, wasm: false }));
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  it('gives market.ewmaCovariance bit for bit on 1, 2 and 3 threads, WASM and TS', async () => {
    const t = 500;
    const n = 23;
    const x = nested(randomMatrix(t, n, 8), t, n);
    const want = ewmaCovariance(x, 0.97);
    for (const e of engines) {
      const got = await e.covariance(x, { method: 'ewma', lambda: 0.97 });
      expect(got.covariance).toEqual(want);
    }
  });

  it('names options.lambda when λ is outside (0, 1)', async () => {
    await expect(engines[0].covariance([[1, 2], [3, 4], [5, 7]], { method: 'ewma', lambda: 1.5 })).rejects.toThrow(/options\.lambda.*\(0, 1\); got 1\.5/);
  });
});
