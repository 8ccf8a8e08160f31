import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { GRID_BATCH_TASK, gridMarginsTs, gridMarginsWasm } from '../../src/kernels/index.js';
import { TASKS } from '../../src/kernels/tasks.js';
import type { Market, Position } from '../../src/instruments/index.js';
import { gridMargin, prepareGrid } from '../../src/margin/grid/index.js';
import type { GridMarginConfig } from '../../src/margin/grid/index.js';
import { packAccounts, prepareGridKernelInput } from '../../src/margin/grid/batch.js';
import { WasmCore } from '../../src/wasm/index.js';

const market: Market = { prices: { BTC: 60_000, ETH: 3_000, SOL: 150, XRP: 0.6 } };
const UNDERLYINGS = ['BTC', 'ETH', 'SOL', 'XRP'] as const;

const positionArb: fc.Arbitrary<Position> = fc.constantFrom(...UNDERLYINGS).chain((underlying) => {
  const spot = market.prices[underlying];
  const qty = fc.double({ min: -50, max: 50, noNaN: true });
  return fc.oneof(
    fc.record({ kind: fc.constant('spot' as const), underlying: fc.constant(underlying), quantity: qty }),
    fc.record({
      kind: fc.constantFrom('linear-perp' as const, 'linear-future' as const), underlying: fc.constant(underlying), quantity: qty,
      markPrice: fc.double({ min: 0.9 * spot, max: 1.1 * spot, noNaN: true }),
    }),
    fc.record({
      kind: fc.constantFrom('inverse-perp' as const, 'inverse-future' as const), underlying: fc.constant(underlying),
      quantity: fc.integer({ min: -500, max: 500 }), contractValueUsd: fc.constantFrom(10, 100),
    }),
    fc.record({
      kind: fc.constant('option' as const), underlying: fc.constant(underlying), quantity: qty,
      optionType: fc.constantFrom('call' as const, 'put' as const), style: fc.constantFrom('linear' as const, 'inverse' as const),
      strike: fc.double({ min: 0.5 * spot, max: 1.6 * spot, noNaN: true }),
      expiry: fc.oneof(fc.double({ min: 0.001, max: 2, noNaN: true }), fc.constant(0)),
      vol: fc.oneof(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.constant(0)),
      rate: fc.double({ min: 0, max: 0.08, noNaN: true }),
      model: fc.constantFrom('black-scholes' as const, 'black-76' as const),
    }),
  );
});

const accountsArb = fc.array(fc.record({ positions: fc.array(positionArb, { minLength: 0, maxLength: 12 }) }), { minLength: 1, maxLength: 12 });

const configArb: fc.Arbitrary<GridMarginConfig> = fc.oneof(
  fc.constant({}),
  fc.record({
    horizonDays: fc.constantFrom(0, 1, 30),
    pricePoints: fc.constantFrom(3, 7, 9),
    volShock: fc.record({ mode: fc.constantFrom('relative' as const, 'absolute' as const), up: fc.constantFrom(0, 0.2), down: fc.constantFrom(0, 0.3) }),
    offsets: fc.constant<GridMarginConfig['offsets']>({
      pairs: [{ underlyings: ['BTC', 'ETH'], credit: 0.3 }, { underlyings: ['SOL', 'BTC'], credit: 0.5 }, { underlyings: ['ETH', 'DOGE'], credit: 0.9 }],
      maxCreditFraction: 0.4,
    }),
  }),
);

function kernelInput(accounts: { positions: Position[] }[], config: GridMarginConfig) {
  const prep = prepareGrid(config);
  const { names, ...packed } = packAccounts(accounts, market, prep);
  return { packed, grid: prepareGridKernelInput(prep, names, market) };
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

let core: WasmCore;
beforeAll(async () => {
  core = await WasmCore.create();
});

describe('grid kernel', () => {
  it('is registered as the grid-batch task', () => {
    expect(GRID_BATCH_TASK.kind).toBe('grid-batch');
    expect(TASKS).toContain(GRID_BATCH_TASK);
  });

  it('TS twin equals gridMargin bit for bit on random books (all instrument kinds, several underlyings, credits)', () => {
    fc.assert(fc.property(accountsArb, configArb, (accounts, config) => {
      const { packed, grid } = kernelInput(accounts, config);
      const out = new Float64Array(2 * accounts.length);
      gridMarginsTs(packed, grid, 0, accounts.length, out);
      accounts.forEach((a, i) => {
        const ref = gridMargin(a.positions, market, config);
        expect(out[2 * i]).toBe(ref.initial);
        expect(out[2 * i + 1]).toBe(ref.maintenance);
      });
    }), { numRuns: 150 });
  });

  it('WASM agrees with the TS twin within 1e-12 relative, and with gridMargin', () => {
    fc.assert(fc.property(accountsArb, configArb, fc.nat(), (accounts, config, cut) => {
      const { packed, grid } = kernelInput(accounts, config);
      const ts = new Float64Array(2 * accounts.length);
      gridMarginsTs(packed, grid, 0, accounts.length, ts);
      // any sub-range of accounts gives the same numbers as the whole run
      const from = cut % accounts.length;
      const w = gridMarginsWasm(core, packed, grid, from, accounts.length);
      for (let i = from; i < accounts.length; i++) {
        expect(relDiff(w[2 * (i - from)], ts[2 * i])).toBeLessThanOrEqual(1e-12);
        expect(relDiff(w[2 * (i - from) + 1], ts[2 * i + 1])).toBeLessThanOrEqual(1e-12);
        const ref = gridMargin(accounts[i].positions, market, config);
        expect(relDiff(w[2 * (i - from)], ref.initial)).toBeLessThanOrEqual(1e-12);
      }
    }), { numRuns: 150 });
  });

  it('matches gridMargin on a hand-built book: spot, linear/inverse futures and perps, linear and inverse options, BTC/ETH credit', () => {
    const book = (s: number): Position[] => [
      { kind: 'spot', underlying: 'BTC', quantity: 0.5 * s },
      { kind: 'linear-perp', underlying: 'BTC', quantity: 2 * s },
      { kind: 'inverse-future', underlying: 'BTC', quantity: -300, contractValueUsd: 100, markPrice: 60_500 },
      { kind: 'inverse-perp', underlying: 'ETH', quantity: -200 * s, contractValueUsd: 10 },
      { kind: 'linear-future', underlying: 'ETH', quantity: -20 * s, markPrice: 3_050 },
      { kind: 'option', underlying: 'ETH', quantity: -10, optionType: 'call', style: 'linear', strike: 3_300, expiry: 20 / 365, vol: 0.7 },
      { kind: 'option', underlying: 'BTC', quantity: -1, optionType: 'put', style: 'inverse', strike: 55_000, expiry: 90 / 365, vol: 0.55, model: 'black-76' },
      { kind: 'option', underlying: 'SOL', quantity: 40, optionType: 'call', style: 'linear', strike: 160, expiry: 7 / 365, vol: 0.9, rate: 0.03 },
    ];
    const accounts = [1, -1, 2, 0.5].map((s) => ({ positions: book(s) }));
    const { packed, grid } = kernelInput(accounts, {});
    const w = gridMarginsWasm(core, packed, grid, 0, accounts.length);
    const ts = new Float64Array(2 * accounts.length);
    gridMarginsTs(packed, grid, 0, accounts.length, ts);
    let credited = 0;
    accounts.forEach((a, i) => {
      const ref = gridMargin(a.positions, market);
      credited += ref.offsets.total > 0 ? 1 : 0;
      expect(ts[2 * i]).toBe(ref.initial);
      expect(relDiff(w[2 * i], ref.initial)).toBeLessThanOrEqual(1e-12);
      expect(relDiff(w[2 * i + 1], ref.maintenance)).toBeLessThanOrEqual(1e-12);
    });
    expect(credited).toBeGreaterThan(0); // the credit path is exercised
  });

  it('gives empty accounts zero margin and rejects a bad account range', () => {
    const { packed, grid } = kernelInput([{ positions: [] }, { positions: [{ kind: 'spot', underlying: 'BTC', quantity: 1 }] }], {});
    expect(Array.from(gridMarginsWasm(core, packed, grid, 0, 1))).toEqual([0, 0]);
    expect(() => gridMarginsWasm(core, packed, grid, 1, 3)).toThrow(RangeError);
  });
});

describe('engine.gridMarginBatch on the grid kernel', () => {
  let engines: Engine[];
  beforeAll(async () => {
    engines = await Promise.all([createEngine({ threads: 1 }), createEngine({ threads: 2 }), createEngine({ threads: 2, wasm: false })]);
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  it('gives the same numbers on 1 and 2 threads, and the TS twin engine equals gridMargin exactly', async () => {
    const accounts = fc.sample(fc.record({ positions: fc.array(positionArb, { minLength: 1, maxLength: 20 }) }), { numRuns: 300, seed: 7 });
    const config: GridMarginConfig = { horizonDays: 1 };
    const [one, two, ts] = await Promise.all(engines.map((e) => e.gridMarginBatch(accounts, market, config)));
    expect(Array.from(two.initial)).toEqual(Array.from(one.initial));
    expect(Array.from(two.maintenance)).toEqual(Array.from(one.maintenance));
    accounts.forEach((a, i) => {
      const ref = gridMargin(a.positions, market, config);
      expect(ts.initial[i]).toBe(ref.initial);
      expect(ts.maintenance[i]).toBe(ref.maintenance);
      expect(relDiff(two.initial[i], ref.initial)).toBeLessThanOrEqual(1e-12);
    });
  });
});
