import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSortedTail, runMcTaskTs, runMcTaskWasm, sortTailDesc } from '../../src/kernels/index.js';
import { TailMerger, mergeTails, planTasks } from '../../src/risk/mc.js';
import { WasmCore } from '../../src/wasm/index.js';

const part = (tail: number[], index: number[]) => ({ tail: Float64Array.from(tail), index: Float64Array.from(index), sums: new Float64Array(0), chunks: new Int32Array(0) });

describe('tail merge', () => {
  it('keeps the k largest of the union, descending, whatever the split', () => {
    const a = mergeTails([part([5, 1, 9], [0, 1, 2]), part([7, 3], [3, 4])], 3);
    const b = mergeTails([part([3, 9], [4, 2]), part([1], [1]), part([7, 5], [3, 0])], 3);
    expect(Array.from(a.v)).toEqual([9, 7, 5]);
    expect(Array.from(a.ix)).toEqual([2, 3, 0]);
    expect(b).toEqual(a);
  });

  it('orders equal losses by ascending scenario index', () => {
    const r = mergeTails([part([4, 4, 2], [9, 3, 1]), part([4, 8], [5, 0])], 4);
    expect(Array.from(r.v)).toEqual([8, 4, 4, 4]);
    expect(Array.from(r.ix)).toEqual([0, 3, 5, 9]);
  });

  it('returns everything when k exceeds the union', () => {
    expect(Array.from(mergeTails([part([1, 2], [0, 1])], 10).v)).toEqual([2, 1]);
  });

  it('plans contiguous task ranges covering every chunk once', () => {
    for (const [chunks, threads] of [[245, 2], [3, 8], [1, 1], [100, 3]] as const) {
      const r = planTasks(chunks, threads);
      expect(r[0][0]).toBe(0);
      expect(r.at(-1)![1]).toBe(chunks);
      for (let i = 1; i < r.length; i++) expect(r[i][0]).toBe(r[i - 1][1]);
    }
  });
});

describe('sorted tails (workers sort, the main thread merges)', () => {
  it('merging sorted parts in any arrival order gives the top k of the union, ties by index', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 5 }),
      (vals, k, parts) => {
        // unique scenario indices, values with many ties
        const all = vals.map((v, i) => ({ v, i }));
        const want = [...all].sort((a, b) => b.v - a.v || a.i - b.i).slice(0, k);
        const split = Array.from({ length: parts }, (_, p) => all.filter((_, j) => j % parts === p));
        const sortedParts = split.map((s) => {
          const r = sortTailDesc(Float64Array.from(s.map((e) => e.v)), Float64Array.from(s.map((e) => e.i)), s.length);
          expect(isSortedTail(r.v, r.ix, s.length)).toBe(true);
          return { tail: r.v, index: r.ix, sums: new Float64Array(0), chunks: new Int32Array(0) };
        });
        for (const order of [sortedParts, [...sortedParts].reverse()]) {
          const m = new TailMerger(k);
          for (const p of order) m.add(p);
          const got = m.finish();
          expect(Array.from(got.v)).toEqual(want.map((e) => e.v));
          expect(Array.from(got.ix)).toEqual(want.map((e) => e.i));
        }
      },
    ));
  });

  it('a Monte Carlo task returns its tail sorted (WASM and TS twin alike)', async () => {
    const n = 3;
    const lp = Float64Array.from([0.02, 0.004, 0.03, 0.001, 0.002, 0.01]);
    const shared = new SharedArrayBuffer((6 + n) * 8);
    new Float64Array(shared, 0, 6).set(lp);
    new Float64Array(shared, 48, n).set([1e6, -5e5, 2e6]);
    const task = { shared, n, nu: 0, seed: 9, scenarios: 20_000, chunkFrom: 1, chunkTo: 5, k: 300 };
    const ts = runMcTaskTs(task);
    const wasm = runMcTaskWasm(await WasmCore.create('strict'), task);
    expect(isSortedTail(ts.tail, ts.index, ts.tail.length)).toBe(true);
    expect(ts.tail.length).toBe(300);
    expect(Array.from(wasm.tail)).toEqual(Array.from(ts.tail));
    expect(Array.from(wasm.index)).toEqual(Array.from(ts.index));
  });

  it('tasks claiming chunks from a shared counter run every chunk once and merge to the fixed-range result', async () => {
    const n = 3;
    const shared = new SharedArrayBuffer((6 + n) * 8);
    new Float64Array(shared, 0, 6).set([0.02, 0.004, 0.03, 0.001, 0.002, 0.01]);
    new Float64Array(shared, 48, n).set([1e6, -5e5, 2e6]);
    const scenarios = 9 * 4096 + 123; // 10 chunks, the last one partial
    const base = { shared, n, nu: 0, seed: 5, scenarios, chunkFrom: 0, chunkTo: 10, k: 500 };
    const core = await WasmCore.create('strict');
    const whole = runMcTaskWasm(core, base);
    expect(Array.from(whole.chunks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const run of [(t: typeof base) => runMcTaskWasm(core, t), runMcTaskTs]) {
      // four tasks of at most three chunks each, run one after the other on one counter
      const claim = new SharedArrayBuffer(4);
      const parts = [0, 1, 2, 3].map(() => run({ ...base, claim, quota: 3 }));
      expect(parts.map((p) => p.chunks.length)).toEqual([3, 3, 3, 1]);
      const ran = parts.flatMap((p) => Array.from(p.chunks)).sort((a, b) => a - b);
      expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const merged = mergeTails(parts, base.k);
      expect(Array.from(merged.v)).toEqual(Array.from(whole.tail));
      expect(Array.from(merged.ix)).toEqual(Array.from(whole.index));
      // per-chunk sums are the fixed-range task's, whoever ran the chunk
      for (const p of parts) {
        p.chunks.forEach((c, j) => {
          expect(p.sums[2 * j]).toBe(whole.sums[2 * c]);
          expect(p.sums[2 * j + 1]).toBe(whole.sums[2 * c + 1]);
        });
      }
      // no quota: the first task takes everything that is left
      const claim2 = new SharedArrayBuffer(4);
      expect(run({ ...base, claim: claim2 }).chunks.length).toBe(10);
      expect(run({ ...base, claim: claim2 }).chunks.length).toBe(0);
    }
  });
});
