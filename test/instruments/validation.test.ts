import { describe, expect, it } from 'vitest';
import { blackScholes, optionGreeks, revalue, revalueGrid, type Market, type Position } from '../../src/instruments/index.js';
import { validationErrorOf } from '../helpers.js';

const market: Market = { prices: { BTC: 50000 } };
const call = (o: Record<string, unknown>): Position =>
  ({ kind: 'option', optionType: 'call', style: 'linear', underlying: 'BTC', quantity: 1, strike: 50000, expiry: 0.5, vol: 0.5, ...o }) as Position;

function fieldOf(fn: () => unknown): string {
  const e = validationErrorOf(fn);
  return `${e.field} | ${e.message}`;
}

describe('input validation', () => {
  it('names the position field and the bad value', () => {
    const ps = [call({}), call({}), call({ strike: -5 })];
    expect(fieldOf(() => revalue(ps, market, {}))).toBe('positions[2].strike | positions[2].strike: must be a finite number > 0; got -5');
  });

  it.each([
    [{ vol: -0.1 }, 'positions[0].vol'],
    [{ vol: 60 }, 'positions[0].vol'],
    [{ expiry: -1 }, 'positions[0].expiry'],
    [{ expiry: '2020-01-01' }, 'market.valuationDate'],
    [{ optionType: 'straddle' }, 'positions[0].optionType'],
    [{ style: 'quanto' }, 'positions[0].style'],
    [{ model: 'heston' }, 'positions[0].model'],
    [{ quantity: Number.NaN }, 'positions[0].quantity'],
    [{ underlying: 'DOGE' }, 'positions[0].underlying'],
    [{ kind: 'swap' }, 'positions[0].kind'],
    [{ rate: Number.POSITIVE_INFINITY }, 'positions[0].rate'],
  ])('rejects option %j at %s', (patch, field) => {
    expect(fieldOf(() => revalue([call(patch)], market, {})).split(' | ')[0]).toBe(field);
  });

  it('rejects an expiry date before the valuation date', () => {
    const m = { ...market, valuationDate: '2025-01-01' };
    expect(fieldOf(() => revalue([call({ expiry: '2024-12-31' })], m, {}))).toMatch(/^positions\[0\]\.expiry/);
  });

  it('rejects inverse futures without a positive contract value', () => {
    const p = { kind: 'inverse-perp', underlying: 'BTC', quantity: 1, contractValueUsd: 0 } as Position;
    expect(fieldOf(() => revalue([p], market, {}))).toMatch(/^positions\[0\]\.contractValueUsd/);
  });

  it('rejects bad market prices and scenario fields', () => {
    expect(fieldOf(() => revalue([], { prices: { BTC: -1 } }, {}))).toMatch(/^market\.prices\.BTC/);
    expect(fieldOf(() => revalue([call({})], market, { move: -1 }))).toBe('scenario.move | scenario.move: must be > -1; got -1');
    expect(fieldOf(() => revalueGrid([call({})], market, [{}, { move: { BTC: Number.NaN } }]))).toMatch(/^scenarios\[1\]\.move\.BTC/);
    expect(fieldOf(() => revalueGrid([call({})], market, [{ horizonDays: -2 }]))).toMatch(/^scenarios\[0\]\.horizonDays/);
  });

  it('rejects bad pricing inputs', () => {
    expect(fieldOf(() => blackScholes('call', 0, 40, 0.5, 0.1, 0.2))).toMatch(/^option\.underlyingPrice/);
    expect(fieldOf(() => optionGreeks({ optionType: 'put', underlyingPrice: 1, strike: 1, expiryYears: Number.NaN, vol: 0.2 }))).toMatch(/^option\.expiryYears/);
  });
});

describe('symbols named like Object.prototype members', () => {
  it('treats an inherited key as a missing price, not as a price', () => {
    // Before: prices['constructor'] (the Object function) passed the `=== undefined` check and every P&L was NaN.
    const p: Position = { kind: 'spot', underlying: 'constructor', quantity: 1 };
    expect(fieldOf(() => revalue([p], market, { move: 0.1 }))).toBe(
      'positions[0].underlying | positions[0].underlying: has no price in market.prices; got "constructor"',
    );
  });

  it('prices an own key of that name and ignores inherited keys of a per-underlying scenario record', () => {
    const p: Position = { kind: 'spot', underlying: 'toString', quantity: 2 };
    const r = revalueGrid([p], { prices: { toString: 100 } }, [{ move: 0.1 }, { move: { BTC: 0.5 } }]);
    expect(r.total[0]).toBeCloseTo(20, 9);
    expect(r.total[1]).toBe(0);
  });
});
