/** engine.whatIf through the pool (tiered, grid and var-es), and the whatif operation (service body, errors). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, operation, type Engine } from '../../src/engine/index.js';
import { prepareWhatIf } from '../../src/whatif/index.js';
import { account, tables } from '../whatif/fixtures.js';
import { fixture } from '../venues/support.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});
afterAll(async () => {
  await engine.close();
});

function history(symbols: string[], days: number) {
  let s = 11;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const prices: number[][] = [];
  let row = symbols.map(() => 100);
  for (let t = 0; t < days; t++) {
    prices.push(row);
    row = row.map((p) => p * Math.exp(0.03 * (rnd() + rnd() + rnd() - 1.5)));
  }
  const dates = Array.from({ length: days }, (_, t) => new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10));
  return { dates, symbols, prices };
}

describe('engine.whatIf', () => {
  it('equals the in-process session for tiered and grid, and adds var-es from two pool tasks', async () => {
    const { account: acc, marks } = account(6);
    const t = tables(6);
    const order = { symbol: 'SYM2USDT', side: 'buy' as const, qty: 25 };
    const options = { models: ['tiered', 'scenario-grid', 'var-es'] as Array<'tiered' | 'scenario-grid' | 'var-es'>, dailyVol: 0.05 };
    const hist = history(Array.from({ length: 6 }, (_, i) => `SYM${i}`), 400);
    const r = await engine.whatIf(acc, order, { marks, tables: t, history: hist }, options);
    const local = prepareWhatIf(acc, { marks, tables: t }, { ...options, models: ['tiered', 'scenario-grid'] }).order(order);
    expect(r.models.tiered).toEqual(local.models.tiered);
    expect(r.models['scenario-grid']).toEqual(local.models['scenario-grid']);
    expect(r.position).toEqual(local.position);
    const v = r.models['var-es']!;
    expect(v.before.initial).toBeGreaterThan(0);
    expect(v.delta.initial).toBeCloseTo(v.after.initial - v.before.initial, 9);
    // var-es after equals a margin request on the book after the order
    const after = prepareWhatIf(acc, { marks, tables: t }).books(order).after!;
    const direct = await engine.margin({ positions: after }, { prices: Object.fromEntries(after.map((p) => [p.underlying, (p as { markPrice: number }).markPrice])), history: hist }, { model: 'var-es' });
    expect(v.after.initial).toBeCloseTo(direct.initial, 9);
  });
  it('takes { venue, tiers } and names a missing history for var-es', async () => {
    const r = await engine.whatIf({ mode: 'isolated', walletBalance: 100, collateralCurrency: 'USDT', positions: [] }, { symbol: 'XYZUSDT', side: 'sell', qty: 1, leverage: 3 }, { marks: { XYZUSDT: 10 }, venue: 'bybit', tiers: fixture('bybit-risk-limit-linear.json') });
    expect(r.position.after!.liquidationPrice).toBeCloseTo(10 + 10 / 3 - 0.1, 10);
    await expect(engine.whatIf({ mode: 'cross', walletBalance: 100, collateralCurrency: 'USDT', positions: [] }, { symbol: 'SYM0USDT', side: 'buy', qty: 1, leverage: 3 }, { marks: { SYM0USDT: 10 }, tables: tables(1) }, { models: ['var-es'] }))
      .rejects.toThrow(/market\.history: is required by the var-es model/);
  });
  it('the whatif operation (POST /v1/whatif, CLI whatif) parses the body, names fields, and runs', async () => {
    const op = operation('whatif');
    expect(() => op.parse({ portfolio: { mode: 'cross', walletBalance: 1, collateralCurrency: 'USDT', positions: [] }, order: { symbol: 'X', side: 'hold', qty: 1 }, market: { marks: {} } }))
      .toThrow(/order\.side/);
    expect(() => op.parse({ portfolio: { mode: 'cross', walletBalance: 1, collateralCurrency: 'USDT', positions: [] }, order: { symbol: 'X', side: 'buy', qty: 1 }, market: { marks: {}, venue: 'bybit', tiers: { retCode: 0, result: { category: 'linear', list: [] } } } }))
      .toThrow(/market\.tiers\.result\.list/);
    const req = op.parse({ portfolio: { mode: 'cross', walletBalance: 1000, collateralCurrency: 'USDT', positions: [] }, order: { symbol: 'SYM0USDT', side: 'buy', qty: 1, leverage: 10 }, market: { marks: { SYM0USDT: 100 }, tables: tables(1) } });
    const out = (await op.run(req, { engine })) as { models: { tiered: { delta: { initial: number } } } };
    expect(out.models.tiered.delta.initial).toBeCloseTo(10, 12);
  });
});

describe('engine.whatIfBatch', () => {
  it('answers each order alone from one prepared account, equal to the in-process session; errors name orders[i]', async () => {
    const { account: acc, marks } = account(10);
    const t = tables(10);
    const orders = [
      { symbol: 'SYM1USDT', side: 'buy' as const, qty: 5 },
      { symbol: 'SYM2USDT', side: 'sell' as const, qty: 50, price: marks.SYM2USDT! * 0.99 },
      { symbol: 'SYM3USDT', side: 'buy' as const, qty: 1 },
    ];
    const out = await engine.whatIfBatch(acc, orders, { marks, tables: t }, { models: ['tiered', 'scenario-grid'] });
    const s = prepareWhatIf(acc, { marks, tables: t }, { models: ['tiered', 'scenario-grid'] });
    expect(out).toHaveLength(3);
    orders.forEach((o, i) => expect(out[i]!.models).toEqual(s.order(o).models));
    await expect(engine.whatIfBatch(acc, [orders[0]!, { ...orders[1]!, qty: -1 }], { marks, tables: t })).rejects.toThrow(/orders\[1\]\.qty: must be positive/);
    await expect(engine.whatIfBatch(acc, [{ ...orders[0]!, side: 'hold' as never }], { marks, tables: t })).rejects.toThrow(/orders\[0\]\.side/);
  });
});
