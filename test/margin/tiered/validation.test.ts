import { describe, expect, it } from 'vitest';
import { parseTierTable, tieredMargin, type Account } from '../../../src/margin/tiered/index.js';
import { btcUsdInverse, btcUsdt, ethUsdt } from './helpers.js';
import { validationErrorOf } from '../../helpers.js';

const base = (p: Partial<Account['positions'][number]> = {}, a: Partial<Account> = {}): Account => ({
  mode: 'isolated',
  walletBalance: 1000,
  collateralCurrency: 'USDT',
  positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 10, ...p }],
  ...a,
});
const tables = [btcUsdt, ethUsdt, btcUsdInverse];
const marks = { BTCUSDT: 40000, ETHUSDT: 2000, BTCUSD_PERP: 40000 };
const rawBtc = { ...btcUsdt, tiers: btcUsdt.tiers.map(({ maintenanceAmount: _a, ...t }) => t) };


describe('validation errors name the field and the bad value', () => {
  it('leverage above the tier max leverage', () => {
    const e = validationErrorOf(() => tieredMargin(base({ leverage: 200 }), marks, tables));
    expect(e.field).toBe('positions[0].leverage');
    expect(e.message).toMatch(/^positions\[0\]\.leverage: must be between 1 and 125 \(max leverage of BTCUSDT tier 0 at notional 40000\); got 200$/);
  });

  it('leverage allowed in tier 0 but not in the mark tier of a large position', () => {
    // 10 BTC at 40000 = 400000 notional → tier 2, max 50x.
    const e = validationErrorOf(() => tieredMargin(base({ qty: 10, leverage: 75 }), marks, tables));
    expect(e.message).toMatch(/positions\[0\]\.leverage: must be between 1 and 50 .*; got 75$/);
  });

  it('negative entry price and negative mark', () => {
    expect(validationErrorOf(() => tieredMargin(base({ entryPrice: -40000 }), marks, tables)).message).toBe('positions[0].entryPrice: must be positive; got -40000');
    const e = validationErrorOf(() => tieredMargin(base(), { ...marks, BTCUSDT: -1 }, tables));
    expect(e.field).toBe('marks.BTCUSDT');
    expect(e.message).toBe('marks.BTCUSDT: must be a positive price; got -1');
  });

  it('unknown symbol', () => {
    const e = validationErrorOf(() => tieredMargin(base({ symbol: 'XRPUSDT' }), marks, tables));
    expect(e.message).toBe('positions[0].symbol: unknown symbol (no tier table); got "XRPUSDT"');
  });

  it('missing mark price', () => {
    expect(validationErrorOf(() => tieredMargin(base(), { ETHUSDT: 2000 }, tables)).field).toBe('marks.BTCUSDT');
  });

  it('missing mark price for a symbol named like an Object.prototype member', () => {
    // Before: marks['constructor'] (the Object function) counted as a mark and every amount was NaN.
    const t = parseTierTable({ ...rawBtc, symbol: 'constructor' });
    const e = validationErrorOf(() => tieredMargin(base({ symbol: 'constructor' }), marks, [t]));
    expect(e.field).toBe('marks.constructor');
  });

  it('zero quantity, leverage below 1, NaN wallet', () => {
    expect(validationErrorOf(() => tieredMargin(base({ qty: 0 }), marks, tables)).message).toBe('positions[0].qty: must be non-zero; got 0');
    expect(validationErrorOf(() => tieredMargin(base({ leverage: 0.5 }), marks, tables)).message).toBe('positions[0].leverage: must be ≥ 1; got 0.5');
    expect(validationErrorOf(() => tieredMargin(base({}, { walletBalance: NaN }), marks, tables)).field).toBe('walletBalance');
  });

  it('contract type and settlement currency must match the table and account', () => {
    expect(validationErrorOf(() => tieredMargin(base({ contract: 'inverse' }), marks, tables)).message).toMatch(/^positions\[0\]\.contract: must be "linear"/);
    const e = validationErrorOf(() => tieredMargin(base({ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: 100 }), marks, tables));
    expect(e.message).toMatch(/^positions\[0\]\.symbol: settles in BTC but collateralCurrency is USDT/);
  });

  it('isolatedMargin in cross mode, duplicate symbols, notional above the last cap', () => {
    expect(validationErrorOf(() => tieredMargin(base({ isolatedMargin: 100 }, { mode: 'cross' }), marks, tables)).field).toBe('positions[0].isolatedMargin');
    const dup = base();
    dup.positions.push({ ...dup.positions[0]! });
    expect(validationErrorOf(() => tieredMargin(dup, marks, tables)).field).toBe('positions[1].symbol');
    expect(validationErrorOf(() => tieredMargin(base({ qty: 20000, leverage: 1 }), marks, tables)).message).toMatch(/^positions\[0\]\.qty: notional 800000000 at mark exceeds the last tier cap 500000000/);
  });

  it('signed qty with side is rejected; side with positive qty is a short', () => {
    expect(validationErrorOf(() => tieredMargin(base({ side: 'short', qty: -1 }), marks, tables)).field).toBe('positions[0].qty');
    expect(tieredMargin(base({ side: 'short', qty: 1 }), marks, tables).positions[0]!.qty).toBe(-1);
  });
});
