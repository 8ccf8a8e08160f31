import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Engine, VarResult } from '../../src/index.js';
import { peerCovariance } from '../helpers.js';

const n = 13; // odd: exercises the single-row tail of the two-row blocked kernel
const cov = peerCovariance(n);
const w = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1e5 + 1e4 * i));
// 3 full chunks plus a partial one that ends inside a block of 8
const scenarios = 3 * 4096 + 1237;

const engines = new Map<string, Engine>();
beforeAll(async () => {
  for (const threads of [1, 2, 4, 8]) {
    engines.set(`wasm-${threads}`, await createEngine({ threads, wasm: true }));
  }
  engines.set('ts-1', await createEngine({ threads: 1, wasm: false }));
  engines.set('ts-3', await createEngine({ threads: 3, wasm: false }));
});
afterAll(async () => {
  await Promise.all([...engines.values()].map((e) => e.close()));
});

async function run(e: Engine, method: 'mc-normal' | 'mc-t', seed = 2024): Promise<VarResult> {
  return e.var({ exposures: w }, { covariance: cov }, { method, confidence: [0.99, 0.95, 0.5], scenarios, seed });
}

describe('reproducibility', () => {
  for (const method of ['mc-normal', 'mc-t'] as const) {
    it(`${method}: bit-identical VaR/ES for 1, 2, 4 and 8 threads`, async () => {
      const base = await run(engines.get('wasm-1')!, method);
      for (const threads of [2, 4, 8]) {
        const r = await run(engines.get(`wasm-${threads}`)!, method);
        expect(r.levels).toEqual(base.levels);
        expect(r.tail).toEqual(base.tail);
        expect(r.meanLoss).toBe(base.meanLoss);
      }
    });

    it(`${method}: WASM and the pure-TS twin agree within 1e-12 relative (any thread count)`, async () => {
      const a = await run(engines.get('wasm-2')!, method);
      for (const key of ['ts-1', 'ts-3']) {
        const b = await run(engines.get(key)!, method);
        expect(b.kernel).toBe('ts');
        b.levels.forEach((l, i) => {
          expect(Math.abs(l.var - a.levels[i].var)).toBeLessThanOrEqual(1e-12 * Math.abs(a.levels[i].var));
          expect(Math.abs(l.es - a.levels[i].es)).toBeLessThanOrEqual(1e-12 * Math.abs(a.levels[i].es));
        });
        expect(b.tail.index).toEqual(a.tail.index);
      }
    });
  }

  it('a different seed gives different scenarios, the same seed the same', async () => {
    const e = engines.get('wasm-2')!;
    const a = await run(e, 'mc-normal', 1);
    const b = await run(e, 'mc-normal', 2);
    const c = await run(e, 'mc-normal', 1);
    expect(a.var).not.toBe(b.var);
    expect(c.var).toBe(a.var);
  });
});
