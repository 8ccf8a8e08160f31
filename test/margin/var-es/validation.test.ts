import { describe, expect, it } from 'vitest';
import type { Position } from '../../../src/instruments/index.js';
import { varEsMargin, type VarEsMarginConfig } from '../../../src/margin/var-es/index.js';
import type { PriceSeries } from '../../../src/market/index.js';
import { gbmHistory, isoDay, lastPrices } from './fixtures.js';
import { validationErrorOf } from '../../helpers.js';

const hist = gbmHistory({ symbols: ['BTC', 'ETH'], start: [50000, 3000], vol: [0.03, 0.04], days: 300, seed: 1 });
const market = lastPrices(hist);
const book: Position[] = [
  { kind: 'linear-perp', underlying: 'BTC', quantity: 1 },
  { kind: 'spot', underlying: 'ETH', quantity: 5 },
];


const withConfig = (config: unknown) => validationErrorOf(() => varEsMargin(book, market, hist, config as VarEsMarginConfig));

describe('history errors name the field', () => {
  it('names history.symbols and the position when an underlying has no series', () => {
    const e = validationErrorOf(() => varEsMargin([...book, { kind: 'linear-perp', underlying: 'SOL', quantity: 1 }], { prices: { ...market.prices, SOL: 150 } }, hist));
    expect(e.field).toBe('history.symbols');
    expect(e.message).toMatch(/no price series for underlying "SOL" \(positions\[2\]\.underlying\)/);
  });

  it('names history.prices when the history is too short for the MPOR and confidence', () => {
    const short: PriceSeries = { ...hist, dates: hist.dates.slice(0, 30), prices: hist.prices.slice(0, 30) };
    const e = validationErrorOf(() => varEsMargin(book, market, short));
    expect(e.field).toBe('history.prices');
    expect(e.rule).toBe('length');
    expect(e.message).toMatch(/needs at least 41 daily returns .*got 29/);
    expect(validationErrorOf(() => varEsMargin(book, market, short, { volModel: { kind: 'garch' } })).field).toBe('history.prices');
  });

  it('names the bad price with its row and column', () => {
    const prices = hist.prices.map((r) => r.slice());
    prices[3][1] = -2;
    const e = validationErrorOf(() => varEsMargin(book, market, { ...hist, prices }));
    expect(e.field).toBe('history.prices[3][1]');
    expect(e.message).toMatch(/price of ETH on 2015-01-04 must be a finite number > 0; got -2/);
  });

  it('names history.prices when the vol filter blows a jump after a near-flat period up to an infinite move', () => {
    // Pegged (1e-7 a day) for 300 days, re-pegs +40 % in a day, then 1 % a day: σ_used/σ_t ≈ 2e5 at the jump.
    // Before: the short call's P&L was −Infinity (margin Infinity) and a hedged book's NaN dropped out of the tail.
    const peg = gbmHistory({ symbols: ['USDX'], start: [1], vol: (t) => (t <= 300 ? 1e-7 : 0.01), days: 400, seed: 1, jump: (t) => (t === 301 ? 0.4 : 0) });
    const m = lastPrices(peg);
    const call: Position = { kind: 'option', optionType: 'call', style: 'linear', underlying: 'USDX', quantity: -1e6, strike: 1, expiry: 0.1, vol: 0.5 };
    const hedge: Position[] = [{ kind: 'spot', underlying: 'USDX', quantity: 1e6 }, { kind: 'linear-perp', underlying: 'USDX', quantity: -1e6 }];
    for (const b of [[call], [{ kind: 'spot', underlying: 'USDX', quantity: -1 }], hedge] as Position[][]) {
      const e = validationErrorOf(() => varEsMargin(b, m, peg));
      expect(e.field).toBe('history.prices');
      expect(e.rule).toBe('degenerate');
      expect(e.message).toMatch(/^history\.prices: filtered scenario 2015-10-2\d … 2015-10-\d\d has a non-finite P&L \(moves USDX Infinity\)/);
    }
    // Filtering only the returns after the jump is fine.
    expect(Number.isFinite(varEsMargin([call], m, peg, { lookbackDays: 90 }).initial)).toBe(true);
  });

  it('names history.prices when a move follows a flat seed window (zero conditional vol)', () => {
    const prices = hist.prices.map((r, t) => (t <= 40 ? [50000, 3000] : r.slice()));
    const e = validationErrorOf(() => varEsMargin(book, market, { ...hist, prices }));
    expect(e.field).toBe('history.prices');
    expect(e.message).toMatch(/conditional vol of BTC is 0 before the move on 2015-02-11/);
  });

  it('names history.prices on a shape mismatch and history.symbols on duplicates', () => {
    expect(validationErrorOf(() => varEsMargin(book, market, { ...hist, prices: hist.prices.slice(1) })).field).toBe('history.prices');
    expect(validationErrorOf(() => varEsMargin(book, market, { ...hist, symbols: ['BTC', 'BTC'] })).field).toBe('history.symbols[1]');
    expect(validationErrorOf(() => varEsMargin(book, market, null as unknown as PriceSeries)).field).toBe('history');
  });
});

describe('config errors name the field', () => {
  it('rejects weights that do not sum to 1', () => {
    const e = withConfig({ weights: { filtered: 0.7, stressed: 0.5 } });
    expect(e.field).toBe('config.weights');
    expect(e.message).toBe(`config.weights: filtered + stressed must sum to 1 (got 1.2); got {"filtered":0.7,"stressed":0.5}`);
  });

  it('rejects a negative weight', () => {
    expect(withConfig({ weights: { filtered: 1.5, stressed: -0.5 } }).field).toBe('config.weights.filtered');
  });

  it('rejects a confidence outside (0, 1) with the bad value', () => {
    const e = withConfig({ confidence: 1.5 });
    expect(e.field).toBe('config.confidence');
    expect(e.message).toMatch(/got 1\.5$/);
  });

  it('rejects a non-integer MPOR and an unknown field', () => {
    expect(withConfig({ mporDays: 2.5 }).field).toBe('config.mporDays');
    expect(withConfig({ mpor: 2 }).field).toBe('config.mpor');
  });

  it('rejects an EWMA lambda outside (0, 1) and an unknown vol model', () => {
    expect(withConfig({ volModel: { kind: 'ewma', lambda: 1 } }).field).toBe('config.volModel.lambda');
    expect(withConfig({ volModel: { kind: 'arch' } }).field).toBe('config.volModel.kind');
  });

  it('requires a capacity for every underlying when the liquidity add-on is on', () => {
    const e = withConfig({ liquidity: { capacityUsd: { BTC: 1e6 } } });
    expect(e.field).toBe('config.liquidity.capacityUsd.ETH');
    expect(withConfig({ liquidity: { capacityUsd: { BTC: 0, ETH: 1 } } }).field).toBe('config.liquidity.capacityUsd.BTC');
    // an underlying named like an Object.prototype member has no inherited capacity (before: NaN add-on)
    const h = { ...hist, symbols: ['constructor', 'ETH'] };
    const inherited = validationErrorOf(() => varEsMargin([{ kind: 'spot', underlying: 'constructor', quantity: 1 }], { prices: { constructor: 50000 } }, h, { liquidity: { capacityUsd: {} } }));
    expect(inherited.field).toBe('config.liquidity.capacityUsd.constructor');
  });

  it('requires start and end of a stressed range together, inside the history', () => {
    expect(withConfig({ stressed: { start: isoDay(10) } }).field).toBe('config.stressed.end');
    expect(withConfig({ stressed: { start: isoDay(50), end: isoDay(10) } }).field).toBe('config.stressed.end');
    expect(withConfig({ stressed: { start: 'yesterday', end: isoDay(10) } }).field).toBe('config.stressed.start');
    expect(withConfig({ stressed: { start: isoDay(1000), end: isoDay(2000) } }).field).toBe('config.stressed');
  });

  it('rejects a stressed window or lookback longer than the history when set explicitly', () => {
    expect(withConfig({ stressed: { windowDays: 301 } }).field).toBe('config.stressed.windowDays');
    expect(withConfig({ lookbackDays: 301 }).field).toBe('config.lookbackDays');
    expect(withConfig({ lookbackDays: 20 }).field).toBe('config.lookbackDays');
  });

  it('rejects a bad APC kind and a maintenance fraction above 1', () => {
    expect(withConfig({ apc: { kind: 'cap' } }).field).toBe('config.apc.kind');
    expect(withConfig({ apc: { kind: 'buffer', buffer: -0.1 } }).field).toBe('config.apc.buffer');
    expect(withConfig({ maintenanceFraction: 1.2 }).field).toBe('config.maintenanceFraction');
  });

  it('passes position errors through from the instruments module', () => {
    const e = validationErrorOf(() => varEsMargin([{ kind: 'spot', underlying: 'BTC', quantity: Number.NaN }], market, hist));
    expect(e.field).toBe('positions[0].quantity');
  });
});

describe('defaults', () => {
  it('runs on the default 250-day stressed window clamped to a shorter history', () => {
    const short: PriceSeries = { ...hist, dates: hist.dates.slice(0, 101), prices: hist.prices.slice(0, 101) };
    const r = varEsMargin(book, market, short);
    expect(r.stressedWindow).toEqual({ start: short.dates[0], end: short.dates[100], source: 'auto' });
  });

  it('applies a maintenance fraction', () => {
    const r = varEsMargin(book, market, hist, { maintenanceFraction: 0.8 });
    expect(r.maintenance).toBeCloseTo(0.8 * r.initial, 12);
  });

  it('gives zero margin for an empty portfolio', () => {
    const r = varEsMargin([], market, hist);
    expect(r.initial).toBe(0);
    expect(r.perPosition).toEqual([]);
  });
});
