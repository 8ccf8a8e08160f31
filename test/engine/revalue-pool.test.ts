import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { revalueGrid } from '../../src/instruments/index.js';
import type { Position, Scenario } from '../../src/instruments/index.js';

const engines: Engine[] = [];
beforeAll(async () => {
  engines.push(await createEngine({ threads: 2 }), await createEngine({ threads: 3, wasm: false }));
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

const positions: Position[] = [
  { kind: 'spot', underlying: 'ETH', quantity: 5 },
  { kind: 'linear-perp', underlying: 'BTC', quantity: -0.5 },
  { kind: 'inverse-perp', underlying: 'BTC', quantity: 1000, contractValueUsd: 100 },
  { kind: 'option', underlying: 'BTC', quantity: -3, optionType: 'put', style: 'inverse', strike: 55_000, expiry: 0.2, vol: 0.55 },
  { kind: 'option', underlying: 'ETH', quantity: 10, optionType: 'call', style: 'linear', strike: 3_300, expiry: 0.5, vol: 0.7 },
];
const market = { prices: { BTC: 60_000, ETH: 3_000 } };

describe('engine.revalue on the pool', () => {
  it('equals the single-threaded TS revaluation for any thread count and kernel', async () => {
    let x = 7;
    const r = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const scenarios: Scenario[] = Array.from({ length: 997 }, () => ({
      move: { BTC: (r() - 0.5) * 0.8, ETH: (r() - 0.5) * 0.8 }, volShift: (r() - 0.5) * 0.3, horizonDays: Math.floor(r() * 10),
    }));
    const ref = revalueGrid(positions, market, scenarios).total;
    for (const e of engines) {
      const out = await e.revalue({ positions }, market, scenarios);
      expect(out.total.length).toBe(997);
      for (let s = 0; s < ref.length; s++) expect(Math.abs(out.total[s] - ref[s])).toBeLessThanOrEqual(1e-9 + 1e-12 * Math.abs(ref[s]));
    }
  });

  it('gives zero P&L for the zero scenario on linear instruments', async () => {
    const out = await engines[0].revalue({ positions: positions.slice(0, 2) }, market, [{ move: 0 }]);
    expect(out.total[0]).toBe(0);
  });

  it('names the field of a bad scenario', async () => {
    await expect(engines[0].revalue({ positions }, market, [{ move: -1.5 }])).rejects.toThrow(/scenarios\[0\]/);
  });
});
