import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { gridMargin } from '../../src/margin/grid/index.js';
import type { Position } from '../../src/instruments/index.js';

let engine: Engine;
let tsEngine: Engine;
beforeAll(async () => {
  [engine, tsEngine] = await Promise.all([createEngine({ threads: 2 }), createEngine({ threads: 2, wasm: false })]);
});
afterAll(async () => {
  await Promise.all([engine.close(), tsEngine.close()]);
});

const market = { prices: { BTC: 60_000, ETH: 3_000 } };
function account(i: number): { positions: Position[] } {
  return {
    positions: [
      { kind: 'linear-perp', underlying: 'BTC', quantity: (i % 5) - 2 || 1 },
      { kind: 'spot', underlying: 'ETH', quantity: 3 + (i % 7) },
      { kind: 'option', underlying: 'ETH', quantity: -(1 + (i % 3)), optionType: i % 2 ? 'call' : 'put', style: 'inverse', strike: 2_500 + 50 * (i % 20), expiry: 0.05 + 0.01 * (i % 30), vol: 0.6 },
    ],
  };
}

describe('engine.gridMarginBatch', () => {
  it('equals gridMargin account by account, in input order (TS kernel: bit for bit)', async () => {
    const accounts = Array.from({ length: 101 }, (_, i) => account(i));
    const r = await tsEngine.gridMarginBatch(accounts, market);
    accounts.forEach((a, i) => {
      const ref = gridMargin(a.positions, market);
      expect(r.initial[i]).toBe(ref.initial);
      expect(r.maintenance[i]).toBe(ref.maintenance);
    });
  });

  it('agrees with gridMargin within 1e-12 relative on the WASM kernel (it rounds N(·), ln and exp differently in the last bits)', async () => {
    const accounts = Array.from({ length: 101 }, (_, i) => account(i));
    const r = await engine.gridMarginBatch(accounts, market);
    accounts.forEach((a, i) => {
      const ref = gridMargin(a.positions, market);
      expect(Math.abs(r.initial[i] - ref.initial)).toBeLessThanOrEqual(1e-12 * ref.initial);
      expect(Math.abs(r.maintenance[i] - ref.maintenance)).toBeLessThanOrEqual(1e-12 * ref.maintenance);
    });
  });

  it('names the account and field of a bad position', async () => {
    const accounts = Array.from({ length: 20 }, (_, i) => account(i));
    (accounts[13].positions[2] as { strike: number }).strike = -1;
    const err = await engine.gridMarginBatch(accounts, market).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toMatch(/^accounts\[13\]\.positions\[2\]\.strike/);
  });

  it('gives the same margins when an underlying of a credit pair first appears in a late slice', async () => {
    // ETH only from account 90 on: the slices handed out before it was seen know no id for it
    const accounts = Array.from({ length: 101 }, (_, i) => (i < 90 ? { positions: account(i).positions.filter((p) => p.underlying === 'BTC') } : account(i)));
    const r = await tsEngine.gridMarginBatch(accounts, market);
    let credited = 0;
    accounts.forEach((a, i) => {
      const ref = gridMargin(a.positions, market);
      credited += ref.offsets.total > 0 ? 1 : 0;
      expect(r.initial[i]).toBe(ref.initial);
      expect(r.maintenance[i]).toBe(ref.maintenance);
    });
    expect(credited).toBeGreaterThan(0);
  });

  it('names a bad account found after earlier slices went to the workers, and keeps working', async () => {
    const accounts = Array.from({ length: 200 }, (_, i) => account(i));
    (accounts[197].positions[0] as { quantity: unknown }).quantity = 'x';
    const err = await engine.gridMarginBatch(accounts, market).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('accounts[197].positions[0].quantity');
    const ok = await engine.gridMarginBatch(accounts.slice(0, 3), market);
    expect(ok.initial[2]).toBeCloseTo(gridMargin(accounts[2].positions, market).initial, 6);
  });

  it('gives the same margins on a reused table buffer (delta-one rows after option rows)', async () => {
    const accounts = Array.from({ length: 60 }, (_, i) => account(i));
    await tsEngine.gridMarginBatch(accounts, market);
    // same number of rows: each option becomes a spot position, whose option columns must read 0
    const deltaOne = accounts.map((a) => ({ positions: a.positions.map((p): Position => (p.kind === 'option' ? { kind: 'spot', underlying: p.underlying, quantity: 1 } : p)) }));
    const r = await tsEngine.gridMarginBatch(deltaOne, market);
    deltaOne.forEach((a, i) => {
      expect(r.initial[i]).toBe(gridMargin(a.positions, market).initial);
    });
  });

  it('returns empty arrays for no accounts', async () => {
    const r = await engine.gridMarginBatch([], market);
    expect(r.initial.length).toBe(0);
  });
});
