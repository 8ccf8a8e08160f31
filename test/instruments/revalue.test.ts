import { describe, expect, it } from 'vitest';
import {
  buildInstrumentTable, optionPrice, revalue, revalueGrid, revalueKernel, toScenarioColumns,
  type Market, type Position,
} from '../../src/instruments/index.js';

const market: Market = { prices: { BTC: 50000, ETH: 2500 }, valuationDate: '2025-01-01T00:00:00Z' };

const book: Position[] = [
  { kind: 'spot', underlying: 'ETH', quantity: 10 },
  { kind: 'linear-perp', underlying: 'BTC', quantity: 2, contractSize: 0.5 },
  { kind: 'linear-future', underlying: 'BTC', quantity: -1, markPrice: 50500 },
  { kind: 'inverse-perp', underlying: 'BTC', quantity: 1000, contractValueUsd: 10 },
  { kind: 'inverse-future', underlying: 'ETH', quantity: -50, contractValueUsd: 10, markPrice: 2520 },
  { id: 'c1', kind: 'option', optionType: 'call', style: 'inverse', underlying: 'BTC', quantity: -3, strike: 55000, expiry: '2025-03-28T08:00:00Z', vol: 0.6 },
  { kind: 'option', optionType: 'put', style: 'linear', underlying: 'ETH', quantity: 5, strike: 2400, expiry: 0.2, vol: 0.7, rate: 0.04, model: 'black-76' },
];

describe('revalue', () => {
  it('gives zero P&L at zero shock for every instrument kind', () => {
    const r = revalue(book, market, {});
    expect(Math.abs(r.total)).toBe(0); // exactly zero (sign of zero aside)
    for (const p of r.positions) expect(Math.abs(p.pnl)).toBe(0);
  });

  it('linear future P&L = qty·contractSize·(F1 − F0) in USD', () => {
    const r = revalue([{ kind: 'linear-future', underlying: 'BTC', quantity: 3, contractSize: 0.1, markPrice: 40000 }], market, { move: 0.05 });
    expect(r.positions[0].pnl).toBeCloseTo(3 * 0.1 * 2000, 9);
    expect(r.positions[0].settlementCurrency).toBe('USD');
  });

  it('inverse future P&L = qty·face·(1/F0 − 1/F1) coin, USD at F1; same sign as linear', () => {
    for (const move of [0.1, -0.1]) {
      const r = revalue([
        { kind: 'inverse-future', underlying: 'BTC', quantity: 100, contractValueUsd: 100 },
        { kind: 'linear-future', underlying: 'BTC', quantity: 1 },
      ], market, { move });
      const F0 = 50000, F1 = F0 * (1 + move);
      const coin = 100 * 100 * (1 / F0 - 1 / F1);
      const inv = r.positions[0];
      expect(inv.settlementCurrency).toBe('coin');
      expect(inv.pnlSettlement).toBeCloseTo(coin, 12);
      expect(inv.pnl).toBeCloseTo(coin * F1, 8);
      expect(inv.pnl).toBeCloseTo(10000 * move, 8); // face·move: long inverse = long USD face
      expect(Math.sign(inv.pnl)).toBe(Math.sign(r.positions[1].pnl));
    }
    // coin P&L is convex against the USD face: a −10 % move loses more coin than +10 % gains
    const up = revalue([{ kind: 'inverse-perp', underlying: 'BTC', quantity: 1, contractValueUsd: 100 }], market, { move: 0.1 });
    const dn = revalue([{ kind: 'inverse-perp', underlying: 'BTC', quantity: 1, contractValueUsd: 100 }], market, { move: -0.1 });
    expect(-dn.positions[0].pnlSettlement).toBeGreaterThan(up.positions[0].pnlSettlement);
  });

  it('reprices options at the shocked price, vol and decayed expiry', () => {
    const opt: Position = { kind: 'option', optionType: 'call', style: 'linear', underlying: 'BTC', quantity: 2, strike: 52000, expiry: 0.25, vol: 0.5 };
    const r = revalue([opt], market, { move: -0.1, volShift: 0.05, horizonDays: 7 });
    const v0 = optionPrice({ optionType: 'call', underlyingPrice: 50000, strike: 52000, expiryYears: 0.25, vol: 0.5 });
    const v1 = optionPrice({ optionType: 'call', underlyingPrice: 45000, strike: 52000, expiryYears: 0.25 - 7 / 365, vol: 0.55 });
    expect(r.total).toBeCloseTo(2 * (v1 - v0), 9);
  });

  it('converts inverse option coin P&L to USD at the shocked price', () => {
    const base = { optionType: 'put' as const, strike: 48000, expiryYears: 0.1, vol: 0.8 };
    const r = revalue([{ kind: 'option', style: 'inverse', underlying: 'BTC', quantity: 4, ...base, expiry: 0.1 }], market, { move: -0.2 });
    const c0 = optionPrice({ ...base, underlyingPrice: 50000, style: 'inverse' });
    const c1 = optionPrice({ ...base, underlyingPrice: 40000, style: 'inverse' });
    expect(r.positions[0].pnlSettlement).toBeCloseTo(4 * (c1 - c0), 12);
    expect(r.positions[0].pnl).toBeCloseTo(4 * (c1 - c0) * 40000, 7);
  });

  it('applies per-underlying moves from a record and ignores unknown symbols', () => {
    const r = revalue(book.slice(0, 2), market, { move: { ETH: 0.1, SOL: 0.5 } });
    expect(r.positions[0].pnl).toBeCloseTo(2500, 9);
    expect(r.positions[1].pnl).toBe(0);
  });
});

describe('revalueGrid', () => {
  it('agrees with revalue scenario by scenario', () => {
    const scenarios = [{ move: 0.1 }, { move: -0.3, volShift: 0.1 }, { move: { BTC: 0.02, ETH: -0.05 }, volShiftRelative: -0.2, horizonDays: 3 }];
    const g = revalueGrid(book, market, scenarios, { perPosition: true });
    expect(g.total).toBeInstanceOf(Float64Array);
    scenarios.forEach((s, k) => {
      const r = revalue(book, market, s);
      expect(g.total[k]).toBeCloseTo(r.total, 8);
      r.positions.forEach((p, i) => expect((g.byPosition as Float64Array)[k * g.nPositions + i]).toBeCloseTo(p.pnl, 8));
    });
  });

  it('kernel on flat columns writes totals for many scenarios', () => {
    const t = buildInstrumentTable(book, market);
    const sc = toScenarioColumns(Array.from({ length: 50 }, (_, k) => ({ move: -0.25 + k * 0.01 })), t.underlyings);
    const out = new Float64Array(50).fill(123);
    revalueKernel(t.columns, sc, out, null);
    expect(out[25]).toBeCloseTo(0, 9);
    for (const x of out) expect(Number.isFinite(x)).toBe(true);
  });
});
