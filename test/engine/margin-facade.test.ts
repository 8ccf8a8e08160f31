import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ValidationError, createEngine, sampleTierTables } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { parseCsv } from '../../src/market/index.js';
import { tieredMargin } from '../../src/margin/tiered/index.js';
import { CROSS_ACCOUNT, CROSS_MARKS } from '../helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

const account = CROSS_ACCOUNT;
const marks = CROSS_MARKS;

describe('engine.margin and engine.liquidation', () => {
  it('tiered: equals the model function on the shipped sample tables', async () => {
    const r = await engine.margin(account, { marks }, { model: 'tiered' });
    expect(r.model).toBe('tiered');
    const direct = tieredMargin(account, marks, sampleTierTables());
    expect(r.maintenance).toBe(direct.maintenance);
    expect(r.initial).toBe(2 * 61_000 / 20 + 10 * 3_100 / 10);
  });

  it('liquidation: long below and short above the mark in cross mode', async () => {
    const liq = await engine.liquidation(account, { marks }, { dailyVol: 0.03 });
    const btc = liq.find((p) => p.symbol === 'BTCUSDT')!;
    const eth = liq.find((p) => p.symbol === 'ETHUSDT')!;
    expect(btc.liquidationPrice!).toBeLessThan(61_000);
    expect(eth.liquidationPrice!).toBeGreaterThan(3_100);
  });

  it('scenario-grid: hedged option book returns its risk arrays', async () => {
    const positions = [
      { kind: 'linear-perp' as const, underlying: 'BTC', quantity: 1 },
      { kind: 'option' as const, underlying: 'BTC', quantity: -1, optionType: 'call' as const, style: 'inverse' as const, strike: 70_000, expiry: 0.1, vol: 0.6 },
    ];
    const g = await engine.margin({ positions }, { prices: { BTC: 61_000 } }, { model: 'scenario-grid' });
    expect(g.byUnderlying[0].riskArray.length).toBeGreaterThanOrEqual(27);
    expect(g.maintenance).toBeCloseTo(0.8 * g.initial, 9);
  });

  it('var-es: clearing-house margin on the real DAX history', async () => {
    const history = parseCsv(readFileSync(new URL('../../data/eustockmarkets.csv', import.meta.url), 'utf8'));
    const last = history.prices.at(-1)!;
    const r = await engine.margin(
      { positions: [{ kind: 'linear-future', underlying: 'DAX', quantity: 1 }] },
      { prices: { DAX: last[0] }, history },
      { model: 'var-es', config: { apc: { kind: 'buffer', buffer: 0.25 } } },
    );
    expect(r.components.filteredEs).toBeGreaterThan(0.01 * last[0]);
    expect(r.components.filteredEs).toBeLessThan(0.2 * last[0]);
    expect(r.initial).toBeGreaterThan(r.components.core);
  });

  it('names the field for an unknown model or missing market parts', async () => {
    await expect(engine.margin(account, { marks }, { model: 'magic' } as never)).rejects.toThrow(/options.model/);
    await expect(engine.margin(account, {} as never, { model: 'tiered' })).rejects.toThrow(/market.marks/);
    await expect(engine.margin({ positions: [] }, { prices: {} } as never, { model: 'var-es' })).rejects.toBeInstanceOf(ValidationError);
  });
});
