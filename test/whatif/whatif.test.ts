/**
 * Pre-trade what-if: the incremental answer equals a full recompute of the account with the order
 * applied (tiered and grid), hand-computed cases (the Bybit known case as an order), the flags and
 * the rule that fired, and the liquidation buffer (closed forms for the deposit and the cut).
 */
import { describe, expect, it } from 'vitest';
import { prepareWhatIf, type Order } from '../../src/whatif/index.js';
import { tieredMargin } from '../../src/margin/tiered/index.js';
import { gridMargin } from '../../src/margin/grid/index.js';
import { applyVenue } from '../../src/venues/index.js';
import { account, tables } from './fixtures.js';
import { fixture } from '../venues/support.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(a), Math.abs(b));

describe('what-if equals a full recompute with the order applied', () => {
  const n = 50;
  const t = tables(n + 1);
  const { account: acc, marks } = account(n);
  marks.SYM50USDT = 123.45;
  const options = { models: ['tiered', 'scenario-grid'] as const, dailyVol: 0.04 };
  const session = prepareWhatIf(acc, { marks, tables: t }, { ...options, models: [...options.models] });
  const orders: Order[] = [
    { symbol: 'SYM3USDT', side: 'buy', qty: 40 },                       // add or reduce, at the mark
    { symbol: 'SYM4USDT', side: 'sell', qty: 7, price: marks.SYM4USDT! * 1.01 },
    { symbol: 'SYM5USDT', side: acc.positions[5]!.qty > 0 ? 'sell' : 'buy', qty: Math.abs(acc.positions[5]!.qty) },        // close
    { symbol: 'SYM6USDT', side: acc.positions[6]!.qty > 0 ? 'sell' : 'buy', qty: Math.abs(acc.positions[6]!.qty) * 2.5 },  // flip
    { symbol: 'SYM50USDT', side: 'buy', qty: 100, leverage: 10 },       // a new symbol
  ];
  for (const order of orders) {
    it(`${order.side} ${order.qty.toFixed(2)} ${order.symbol}: tiered margin, every liquidation price, grid margin`, () => {
      const r = session.order(order);
      expect(r.flags.rule === 'order-validation').toBe(false);
      const after = session.accountAfter(order);
      const full = tieredMargin(after, marks, t, { dailyVol: 0.04 });
      expect(rel(r.models.tiered!.after.initial, full.initial)).toBeLessThan(1e-12);
      expect(rel(r.models.tiered!.after.maintenance, full.maintenance)).toBeLessThan(1e-12);
      const p = full.positions.find((x) => x.symbol === order.symbol);
      expect(r.position.after?.liquidationPrice ?? null).toBe(p?.liquidationPrice ?? null);
      expect(r.account.after!.equity).toBeCloseTo(full.equity, 6);
      // the grid, recomputed from scratch on the instrument book after the order
      const books = session.books(order);
      const prices = Object.fromEntries(after.positions.map((x) => [x.symbol.replace('USDT', ''), marks[x.symbol]!]));
      const g = gridMargin(books.after!, { prices });
      expect(rel(r.models['scenario-grid']!.after.initial, g.initial)).toBeLessThan(1e-9);
      // and "before" is the account as it is
      expect(rel(r.models['scenario-grid']!.before.initial, gridMargin(books.before, { prices: { ...prices, ...Object.fromEntries(acc.positions.map((x) => [x.symbol.replace('USDT', ''), marks[x.symbol]!])) } }).initial)).toBeLessThan(1e-9);
    });
  }
  it('the session is not changed by an order (two identical orders give identical answers)', () => {
    expect(session.order(orders[0]!)).toEqual(session.order(orders[0]!));
  });
});

describe('what-if, hand-computed', () => {
  it('Bybit preset: opening 1 XYZUSDT at 10 with leverage 3 (isolated) puts the liquidation price at 6.7667', () => {
    const req = applyVenue({ portfolio: { mode: 'isolated', walletBalance: 100, collateralCurrency: 'USDT', positions: [] }, market: { marks: { XYZUSDT: 10 }, venue: 'bybit', tiers: fixture('bybit-risk-limit-linear.json') }, options: {} });
    const s = prepareWhatIf(req.portfolio, req.market, req.options);
    const r = s.order({ symbol: 'XYZUSDT', side: 'buy', qty: 1, leverage: 3 });
    expect(r.position.before).toBeNull();
    expect(r.position.after!.liquidationPrice).toBeCloseTo(10 - (10 / 3 - 0.1), 10);
    expect(r.models.tiered!.delta.initial).toBeCloseTo(10 / 3, 12);
    expect(r.models.tiered!.delta.maintenance).toBeCloseTo(0.1, 12);
    expect(r.flags.reject).toBe(false);
  });
  it('adding to a long averages the entry (linear: Σq·P/Σq) and moves the liquidation price', () => {
    const s = prepareWhatIf({ mode: 'isolated', walletBalance: 10000, collateralCurrency: 'USDT', positions: [{ symbol: 'SYM0USDT', contract: 'linear', qty: 1, entryPrice: 100, leverage: 10 }] }, { marks: { SYM0USDT: 110 }, tables: tables(1) });
    const r = s.order({ symbol: 'SYM0USDT', side: 'buy', qty: 1, price: 110 });
    expect(r.position.after!.entryPrice).toBeCloseTo(105, 12);
    // isolated margin = 2·105/10 = 21: LP = (Q·E − M)/(Q(1 − r)) = (210 − 21)/(2·0.996)
    expect(r.position.after!.liquidationPrice).toBeCloseTo(189 / 1.992, 10);
  });
  it('reducing realises P&L into the wallet: sell 0.5 of 1 long at 120 from 100 realises +10', () => {
    const s = prepareWhatIf({ mode: 'cross', walletBalance: 1000, collateralCurrency: 'USDT', positions: [{ symbol: 'SYM0USDT', contract: 'linear', qty: 1, entryPrice: 100, leverage: 10 }] }, { marks: { SYM0USDT: 120 }, tables: tables(1) });
    const r = s.order({ symbol: 'SYM0USDT', side: 'sell', qty: 0.5 });
    expect(r.order.realizedPnl).toBeCloseTo(10, 12);
    expect(r.account.after!.equity).toBeCloseTo(1000 + 10 + 0.5 * 20, 10);
  });
});

describe('flags and the rule that fired', () => {
  const base = { mode: 'cross' as const, walletBalance: 1000, collateralCurrency: 'USDT', positions: [{ symbol: 'SYM0USDT', contract: 'linear' as const, qty: 10, entryPrice: 100, leverage: 10 }] };
  const market = { marks: { SYM0USDT: 100, SYM1USDT: 50 }, tables: tables(2) };
  it('a leverage above the tier’s maximum is rejected by order-validation, naming the rule', () => {
    const r = prepareWhatIf(base, market).order({ symbol: 'SYM1USDT', side: 'buy', qty: 1, leverage: 200 });
    expect(r.flags).toMatchObject({ reject: true, rule: 'order-validation' });
    expect(r.flags.reason).toMatch(/max-leverage: positions\[1\]\.leverage: must be between 1 and 125/);
    expect(r.position.after).toBeNull();
  });
  it('initial margin above equity rejects (initial-margin): 1,000 wallet, +250 SYM1 at 50 with 10x needs 1,250 more', () => {
    const r = prepareWhatIf(base, market).order({ symbol: 'SYM1USDT', side: 'buy', qty: 250, leverage: 10 });
    // initial after = 1000/10 + 12500/10 = 1,350 > equity 1,000
    expect(r.flags).toMatchObject({ reject: true, rule: 'initial-margin' });
    expect(r.account.after!.available).toBeCloseTo(1000 - 1350, 10);
  });
  it('a margin call without a reject: a reducing order leaving maintenance / equity between the call ratio and 1', () => {
    // 10 SYM0 at 100 in cross with 4.5 wallet; selling 0.1 leaves MM = 9.9·100·0.4 % = 3.96, ratio 0.88
    const r = prepareWhatIf({ ...base, walletBalance: 4.5 }, market).order({ symbol: 'SYM0USDT', side: 'sell', qty: 0.1 });
    expect(r.account.after!.marginRatio).toBeCloseTo(3.96 / 4.5, 12);
    expect(r.flags).toMatchObject({ reject: false, marginCall: true, liquidation: false, rule: 'margin-call' });
  });
  it('an order that leaves the account past maintenance is flagged liquidation and rejected', () => {
    const r = prepareWhatIf({ ...base, walletBalance: 3 }, market).order({ symbol: 'SYM0USDT', side: 'buy', qty: 1 });
    expect(r.flags).toMatchObject({ reject: true, liquidation: true, rule: 'liquidation' });
  });
  it('an unknown symbol in the order is a ValidationError naming order.symbol', () => {
    expect(() => prepareWhatIf(base, market).order({ symbol: 'NOPE', side: 'buy', qty: 1 })).toThrow(/order\.symbol: unknown symbol/);
    expect(() => prepareWhatIf(base, market).order({ symbol: 'SYM1USDT', side: 'buy', qty: 1 })).toThrow(/order\.leverage: is required/);
    expect(() => prepareWhatIf(base, market).order({ symbol: 'SYM0USDT', side: 'buy', qty: -1 })).toThrow(/order\.qty: must be positive/);
  });
});

describe('liquidation buffer', () => {
  it('isolated: deposit restoring a 5 % distance = MM and margin at P* (closed form); no cut helps', () => {
    // 1 at 40,000, 50x: M = 800. P* = 38,000: M* = Q·E − P*·Q·(1 − r) = 40000 − 38000·0.996 = 2,152
    const s = prepareWhatIf({ mode: 'isolated', walletBalance: 5000, collateralCurrency: 'USDT', positions: [] }, { marks: { SYM0USDT: 40000 }, tables: tables(1) }, { targetBuffer: { percent: 5 } });
    const r = s.order({ symbol: 'SYM0USDT', side: 'buy', qty: 1, leverage: 50 });
    expect(r.buffer!.met).toBe(false);
    expect(r.buffer!.targetLiquidationPrice).toBeCloseTo(38000, 8);
    expect(r.buffer!.deposit).toBeCloseTo(2152 - 800, 6);
    expect(r.buffer!.cut).toBeNull();
  });
  it('cross, one position: cut to Q′ = W/(E − P*(1 − r)) and deposit W* = Q(E − P*(1 − r)) − W', () => {
    const W = 3000;
    const s = prepareWhatIf({ mode: 'cross', walletBalance: W, collateralCurrency: 'USDT', positions: [{ symbol: 'SYM0USDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 20 }] }, { marks: { SYM0USDT: 40000 }, tables: tables(1) }, { targetBuffer: { sigmas: 3 }, dailyVol: 0.03 });
    const r = s.order({ symbol: 'SYM0USDT', side: 'buy', qty: 0.2 });
    const pStar = 40000 * Math.exp(-0.09);
    // 1.2 at 40,000: notional 48,000 (tier 0) at the mark and below
    const qPrime = W / (40000 - pStar * 0.996);
    expect(r.buffer!.cut!.qty).toBeCloseTo(1.2 - qPrime, 6);
    expect(r.buffer!.deposit).toBeCloseTo(1.2 * (40000 - pStar * 0.996) - W, 4);
    expect(r.position.after!.distance!.sigmas).toBeCloseTo(Math.abs(Math.log(r.position.after!.liquidationPrice! / 40000)) / 0.03, 10);
  });
});

describe('grid preset by name', () => {
  it("options.grid: 'deribit-pm' margins the order on Deribit's PM grid: 1 BTC long at 50,000 → IM 8,000, MM 6,400", () => {
    const s = prepareWhatIf({ mode: 'cross', walletBalance: 20000, collateralCurrency: 'USDT', positions: [] }, { marks: { SYM0USDT: 50000 }, tables: tables(1) }, { models: ['tiered', 'scenario-grid'], grid: 'deribit-pm' });
    const r = s.order({ symbol: 'SYM0USDT', side: 'buy', qty: 1, leverage: 10 });
    expect(r.models['scenario-grid']!.after.initial).toBeCloseTo(8000, 6);
    expect(r.models['scenario-grid']!.after.maintenance).toBeCloseTo(6400, 6);
    expect(() => prepareWhatIf({ mode: 'cross', walletBalance: 1, collateralCurrency: 'USDT', positions: [] }, { marks: {}, tables: tables(1) }, { models: ['scenario-grid'], grid: 'bybit' }))
      .toThrow(/options\.grid: preset bybit-linear has no grid profile/);
  });
});

describe('distance in σ of the EWMA vol of the history', () => {
  it('without dailyVol, σ is the RiskMetrics EWMA (λ 0.94, seeded with the first 30 variances) of the underlying’s log returns', () => {
    const prices = Array.from({ length: 60 }, (_, t) => [100 * Math.exp(0.02 * Math.sin(t) + 0.001 * t)]);
    const history = { dates: prices.map((_, t) => `d${t}`), symbols: ['SYM0'], prices };
    const s = prepareWhatIf({ mode: 'isolated', walletBalance: 1000, collateralCurrency: 'USDT', positions: [] }, { marks: { SYM0USDT: 100 }, tables: tables(1), history });
    const r = s.order({ symbol: 'SYM0USDT', side: 'buy', qty: 1, leverage: 10 });
    // independent EWMA: seed = sample variance (ddof 1) of the first 30 returns, then v ← λv + (1 − λ)r²
    const x = prices.slice(1).map((p, t) => Math.log(p[0]! / prices[t]![0]!));
    const m = x.slice(0, 30);
    const mean = m.reduce((a, b) => a + b, 0) / m.length;
    let v = m.reduce((a, b) => a + (b - mean) ** 2, 0) / (m.length - 1);
    for (const xt of x) v = 0.94 * v + 0.06 * xt * xt;
    const lp = r.position.after!.liquidationPrice!;
    expect(r.position.after!.distance!.sigmas).toBeCloseTo(Math.abs(Math.log(lp / 100)) / Math.sqrt(v), 9);
  });
});
