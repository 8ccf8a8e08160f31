import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ValidationError, createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { isPsd, ledoitWolf, sampleCovariance } from '../../src/market/index.js';
import { balancedRowRanges } from '../../src/kernels/index.js';

const engines: Engine[] = [];
beforeAll(async () => {
  // strict build: the bit-identity checks below compare with the TS twins (the relaxed build fuses
  // multiply-adds and agrees only within rounding)
  engines.push(await createEngine({ threads: 1, wasmBuild: 'strict' }), await createEngine({ threads: 2, wasmBuild: 'strict' }), await createEngine({ threads: 3, wasm: false }));
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

const rows = readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',').slice(1).map(Number));
const returns = rows.slice(1).map((r, t) => r.map((p, i) => Math.log(p / rows[t][i])));

describe('covariance on the pool', () => {
  it('splits rows into ranges of equal work that cover 0..n once', () => {
    for (const [n, p] of [[500, 2], [7, 3], [3, 8], [1, 2]] as const) {
      const r = balancedRowRanges(n, p);
      expect(r[0][0]).toBe(0);
      expect(r.at(-1)![1]).toBe(n);
      for (let i = 1; i < r.length; i++) expect(r[i][0]).toBe(r[i - 1][1]);
    }
    const [a, b] = balancedRowRanges(500, 2);
    const work = ([f, t]: [number, number]): number => Array.from({ length: t - f }, (_, k) => 500 - (f + k)).reduce((s, x) => s + x, 0);
    expect(Math.abs(work(a) / work(b) - 1)).toBeLessThan(0.01);
  });

  it('is bit-identical for 1, 2 and 3 threads, WASM and TS, and equals the single-threaded twin', async () => {
    // 37 columns: odd, and not a multiple of the 8-wide tiles
    const x = Array.from({ length: 300 }, (_, t) => Array.from({ length: 37 }, (__, j) => Math.sin(0.37 * t * (j + 1)) + 0.01 * j * Math.cos(t)));
    const ref = sampleCovariance(x);
    for (const e of engines) {
      const c = await e.covariance(x);
      expect(c.covariance).toEqual(ref);
    }
  });

  it('gives a PSD sample covariance on the real index returns', async () => {
    const c = await engines[1].covariance(returns);
    expect(c.rows).toBe(1859);
    expect(isPsd(c.covariance)).toBe(true);
  });

  it('offers EWMA and Ledoit–Wolf estimators with the shrinkage intensity', async () => {
    const lw = await engines[0].covariance(returns, { method: 'ledoit-wolf' });
    expect(lw.shrinkage).toBeGreaterThanOrEqual(0);
    expect(lw.shrinkage).toBeLessThanOrEqual(1);
    const ew = await engines[0].covariance(returns, { method: 'ewma', lambda: 0.97 });
    expect(isPsd(ew.covariance)).toBe(true);
  });

  it('Ledoit–Wolf on the pool (XᵀX from the WASM kernel) equals the single-threaded estimator, both targets', async () => {
    for (const target of ['identity', 'constant-correlation'] as const) {
      const ref = ledoitWolf(returns, { target });
      for (const e of engines) {
        const got = await e.covariance(returns, { method: 'ledoit-wolf', target });
        expect(Math.abs(got.shrinkage! - ref.shrinkage)).toBeLessThanOrEqual(1e-12 * ref.shrinkage);
        got.covariance.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref.covariance[i][j])).toBeLessThanOrEqual(1e-12 * Math.abs(ref.covariance[i][i]))));
      }
    }
  });

  it('is bit-identical for 1, 2 and 3 threads on observations cut into chunks (T ≥ 2 × 4096), within 1e-13 of the two-pass twin', async () => {
    // 8,200 rows: two chunks merged on the caller; 13 columns: not a multiple of the 8-wide panels
    const t = 8_200;
    const n = 13;
    const data = new Float64Array(t * n);
    for (let r = 0; r < t; r++) for (let j = 0; j < n; j++) data[r * n + j] = 0.01 * Math.sin(0.37 * r * (j + 1)) + 0.002 * Math.cos(r + j) + 1e-3 * j;
    const ref = await engines[0].covariance({ data, rows: t, cols: n });
    for (const e of engines.slice(1)) expect((await e.covariance({ data, rows: t, cols: n })).covariance).toEqual(ref.covariance);
    const twoPass = sampleCovariance(Array.from({ length: t }, (_, r) => Array.from(data.subarray(r * n, (r + 1) * n))));
    ref.covariance.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - twoPass[i][j])).toBeLessThanOrEqual(1e-13 * twoPass[i][i])));
  });

  it('names the first non-finite cell of a typed matrix (found by the tasks, in any chunk), and keeps working after', async () => {
    const t = 8_200;
    const n = 3;
    const data = Float64Array.from({ length: t * n }, (_, i) => Math.sin(i));
    data[6_000 * n + 2] = Infinity;
    data[7_000 * n + 1] = NaN;
    for (const e of engines) {
      await expect(e.covariance({ data, rows: t, cols: n })).rejects.toThrow(/returns\[6000\]\[2\]: must be a finite number; got Infinity/);
      await expect(e.covariance({ data, rows: t, cols: n }, { method: 'ledoit-wolf' })).rejects.toBeInstanceOf(ValidationError);
      await expect(e.covariance({ data, rows: t, cols: n }, { method: 'ewma' })).rejects.toThrow(/returns\[6000\]\[2\]/);
    }
    data[6_000 * n + 2] = 0;
    data[7_000 * n + 1] = 0;
    data[10 * n] = -Infinity;
    await expect(engines[1].covariance({ data, rows: t, cols: n })).rejects.toThrow(/returns\[10\]\[0\]: must be a finite number; got -Infinity/);
    data[10 * n] = 0;
    const ok = await engines[1].covariance({ data, rows: t, cols: n });
    expect(isPsd(ok.covariance)).toBe(true);
  });

  it('names the cell for non-finite input and rejects ragged rows', async () => {
    await expect(engines[0].covariance([[1, 2], [3, NaN], [4, 5]])).rejects.toThrow(/returns\[1\]\[1\]: must be a finite number; got NaN/);
    await expect(engines[0].covariance([[1, 2], [3]])).rejects.toBeInstanceOf(ValidationError);
    await expect(engines[0].covariance([[1, 2]])).rejects.toThrow(/at least 2 rows/);
  });
});
