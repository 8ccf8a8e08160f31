/**
 * An AbortSignal reaches every kind of work: each engine method rejects with AbortError when its
 * signal has fired, a long HiGHS solve running in a worker is stopped mid-flight, and the pool
 * stays usable afterwards (the aborted thread is replaced).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { buildScalingProblem } from '../../src/optimize/index.js';
import { CROSS_ACCOUNT, CROSS_MARKS } from '../helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});
afterAll(async () => {
  await engine.close();
});

const returns = Array.from({ length: 300 }, (_, t) => [0.01 * Math.sin(t), 0.012 * Math.cos(1.3 * t)]);
const book = { positions: [{ kind: 'linear-perp' as const, underlying: 'BTC', quantity: 1 }] };
const prices = { BTC: 60_000 };
const venueAccount = { mode: 'isolated' as const, walletBalance: 800, collateralCurrency: 'USDT', positions: [{ symbol: 'BTCUSDT', contract: 'linear' as const, qty: 1, entryPrice: 40000, leverage: 50 }] };
const venuePath = { symbols: ['BTCUSDT'], times: Float64Array.from([0, 1]), marks: Float64Array.from([40000, 39000]) };

describe('AbortSignal on every engine method', () => {
  it('rejects with AbortError when the signal has already fired', async () => {
    const signal = AbortSignal.abort(new Error('stop'));
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['var (historical)', () => engine.var({ exposures: [1, 1] }, { returns }, { method: 'historical', signal })],
      ['var (fhs)', () => engine.var({ exposures: [1, 1] }, { returns }, { method: 'fhs', signal })],
      ['margin', () => engine.margin(CROSS_ACCOUNT, { marks: CROSS_MARKS }, { model: 'tiered' }, { signal })],
      ['liquidation', () => engine.liquidation(CROSS_ACCOUNT, { marks: CROSS_MARKS }, {}, { signal })],
      ['whatIf', () => engine.whatIf(CROSS_ACCOUNT, { symbol: CROSS_ACCOUNT.positions[0]!.symbol, side: 'buy', qty: 0.1 }, { marks: CROSS_MARKS }, {}, { signal })],
      ['whatIfBatch', () => engine.whatIfBatch(CROSS_ACCOUNT, [{ symbol: CROSS_ACCOUNT.positions[0]!.symbol, side: 'buy', qty: 0.1 }], { marks: CROSS_MARKS }, {}, { signal })],
      ['gridMarginBatch', () => engine.gridMarginBatch([book], { prices }, {}, { signal })],
      ['revalue', () => engine.revalue(book, { prices }, [{ move: 0.1 }], { signal })],
      ['stress', () => engine.stress(book, { prices }, {}, { signal })],
      ['backtest', () => engine.backtest(returns.map((r) => r[0]), undefined, { window: 100 }, { signal })],
      ['covariance', () => engine.covariance(returns, { method: 'ewma' }, { signal })],
      ['optimize', () => engine.optimize({ kind: 'kelly', returns: [1, -1, 1] }, {}, { signal })],
      ['simulateVenue', () => engine.simulateVenue([venueAccount], venuePath, {}, { signal })],
      ['venueSizing', () => engine.venueSizing([venueAccount], { kind: 'monte-carlo', symbols: ['BTCUSDT'], start: [40000], ticks: 10, vol: [0.8] }, {}, { paths: 4, signal })],
      ['streamVenue', async () => {
        for await (const _ of engine.streamVenue([venueAccount], venuePath, {}, { signal })) { /* never reached */ }
      }],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toBeInstanceOf(AbortError);
    }
  });

  it('stops a HiGHS solve running in a worker, and the pool keeps working', async () => {
    const problem = buildScalingProblem(40, 40_000, 3);
    const ctl = new AbortController();
    const job = engine.optimize({ kind: 'cvar', ...problem }, {}, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('user cancelled')), 100);
    const err = await job.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('user cancelled'));
    const r = await engine.margin(CROSS_ACCOUNT, { marks: CROSS_MARKS }, { model: 'tiered' });
    expect(r.initial).toBe((2 * 61_000) / 20 + (10 * 3_100) / 10);
  }, 60_000);
});
