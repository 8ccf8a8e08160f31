import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../../../src/errors/index.js';
import { revalue, type Market, type Position } from '../../../src/instruments/index.js';
import { DEFAULT_GRID_PROFILE, corePriceMoves, gridMargin, gridScenarios, volShockScale } from '../../../src/margin/grid/index.js';
import { validationErrorOf } from '../../helpers.js';

const market: Market = { prices: { BTC: 50000, ETH: 2500, SOL: 150 } };
const perp = (underlying: string, quantity: number): Position => ({ kind: 'linear-perp', underlying, quantity });
const call = (quantity: number, strike = 55000, expiry = 30 / 365): Position =>
  ({ kind: 'option', optionType: 'call', style: 'linear', underlying: 'BTC', quantity, strike, expiry, vol: 0.6 });

describe('default profile', () => {
  it('has exactly 27 core scenarios (9 price points × 3 vol states) with the 0 move included', () => {
    const core = gridScenarios(DEFAULT_GRID_PROFILE).filter((s) => !s.extended);
    expect(core).toHaveLength(27);
    expect(corePriceMoves(DEFAULT_GRID_PROFILE)).toEqual([-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16].map((x) => expect.closeTo(x, 15)));
    expect(core.filter((s) => s.priceMove === 0).map((s) => s.vol)).toEqual(['up', 'unchanged', 'down']);
    expect(gridScenarios(DEFAULT_GRID_PROFILE).filter((s) => s.extended)).toHaveLength(12);
  });

  it('puts the end points exactly at ±priceRange and the grid symmetric for any range and point count', () => {
    for (let c = 1; c < 99; c++) {
      for (const pricePoints of [3, 5, 7, 9, 13, 21]) {
        const priceRange = c / 100;
        const m = corePriceMoves({ priceRange, pricePoints });
        expect(m[0]).toBe(-priceRange);
        expect(m[pricePoints - 1]).toBe(priceRange);
        m.forEach((x, k) => expect(x).toBe(-m[pricePoints - 1 - k] + 0));
      }
    }
  });

  it('scales the vol shock by sqrt(30 d / T) within [0.5, 2]', () => {
    const v = DEFAULT_GRID_PROFILE.volShock;
    expect(volShockScale(v, 30 / 365)).toBeCloseTo(1, 12);
    expect(volShockScale(v, 7.5 / 365)).toBeCloseTo(2, 12);
    expect(volShockScale(v, 1 / 365)).toBe(2);
    expect(volShockScale(v, 2)).toBe(0.5);
    expect(volShockScale(v, 0)).toBe(2);
  });
});

describe('gridMargin', () => {
  it('charges an outright perp its worst core move (16 %), maintenance 80 % of initial', () => {
    const r = gridMargin([perp('BTC', 2)], market);
    expect(r.initial).toBeCloseTo(2 * 0.16 * 50000, 6);
    expect(r.maintenance).toBeCloseTo(0.8 * r.initial, 9);
    expect(r.byUnderlying[0]).toMatchObject({ underlying: 'BTC', direction: 1, worstScenario: { priceMove: -0.16, extended: false } });
    expect(r.byUnderlying[0].riskArray).toHaveLength(39);
  });

  it('counts extended moves at extendedFraction of the loss', () => {
    const r = gridMargin([perp('BTC', -1)], market, { extendedFraction: 0.35 });
    expect(r.byUnderlying[0].worstScenario).toMatchObject({ priceMove: 1, extended: true, weight: 0.35 });
    expect(r.initial).toBeCloseTo(0.35 * 50000, 6);
  });

  it('finds the worst loss of a short call under vol up and adds the short-option minimum', () => {
    const r = gridMargin([call(-1)], market);
    const u = r.byUnderlying[0];
    expect(u.worstScenario.vol).toBe('up');
    expect(u.worstScenario.priceMove).toBeGreaterThan(0);
    expect(r.addOns.byUnderlying[0]).toMatchObject({ netShortOptionUnits: 1, shortOption: 0.01 * 50000 });
    expect(r.initial).toBeCloseTo(u.worstLoss + 500, 6);
  });

  it('applies the vol shock (relative or absolute) scaled by time to expiry, matching revalue', () => {
    const pos = call(-2, 52000, 7.5 / 365); // scale = 2
    const rel = gridMargin([pos], market).byUnderlying[0];
    const k = rel.worstScenario.index;
    const s = rel.worstScenario;
    const expected = -s.weight * revalue([pos], market, { move: s.priceMove, volShiftRelative: s.vol === 'up' ? 0.5 : s.vol === 'down' ? -0.5 : 0 }).total;
    expect(rel.riskArray[k]).toBeCloseTo(expected, 8);
    const abs = gridMargin([pos], market, { volShock: { mode: 'absolute', up: 0.1, down: 0.1 } }).byUnderlying[0];
    const upIdx = abs.worstScenario.index; // vol up is worst for a short call
    expect(abs.worstScenario.vol).toBe('up');
    expect(abs.riskArray[upIdx]).toBeCloseTo(-abs.worstScenario.weight * revalue([pos], market, { move: abs.worstScenario.priceMove, volShift: 0.2 }).total, 8);
  });

  it('margins a hedged book (long future + short future) at no more than the legs standalone', () => {
    const legA: Position = { kind: 'linear-future', underlying: 'BTC', quantity: 1, markPrice: 51000 };
    const legB: Position = perp('BTC', -1);
    const both = gridMargin([legA, legB], market);
    const sum = gridMargin([legA], market).initial + gridMargin([legB], market).initial;
    expect(both.initial).toBeLessThanOrEqual(sum);
    expect(both.addOns.byUnderlying[0].offsettingNotional).toBeCloseTo(50000, 6);
    expect(both.addOns.byUnderlying[0].spread).toBeCloseTo(250, 6);
  });

  it('margins a covered call at no more than the legs standalone', () => {
    const spot: Position = { kind: 'spot', underlying: 'BTC', quantity: 1 };
    const both = gridMargin([spot, call(-1)], market);
    expect(both.initial).toBeLessThan(gridMargin([spot], market).initial + gridMargin([call(-1)], market).initial);
  });

  it('gives an inter-underlying credit only for opposite directions, capped at 50 % of the smaller side', () => {
    const hedged = gridMargin([perp('BTC', 1), perp('ETH', -20)], market);
    const [btc, eth] = hedged.byUnderlying;
    expect(hedged.offsets.credits).toHaveLength(1);
    expect(hedged.offsets.total).toBeCloseTo(0.3 * Math.min(btc.worstLoss, eth.worstLoss), 6);
    const full = gridMargin([perp('BTC', 1), perp('ETH', -20)], market, { offsets: { pairs: [{ underlyings: ['BTC', 'ETH'], credit: 1 }] } });
    expect(full.offsets.total).toBeCloseTo(0.5 * Math.min(btc.worstLoss, eth.worstLoss), 6);
    const same = gridMargin([perp('BTC', 1), perp('ETH', 20)], market);
    expect(same.offsets.total).toBe(0);
    expect(same.initial).toBeCloseTo(same.scanningRisk, 9);
  });

  it('finds the direction and the credit with a price range whose grid points are not exact (0.05 over 7 points)', () => {
    // (0.05·6)/6 is 0.05000000000000001: the ±range scenarios were looked up by equality with ±0.05,
    // not found, and every underlying read as direction −1, so no pair ever earned a credit.
    const cfg = { priceRange: 0.05, pricePoints: 7 };
    const r = gridMargin([perp('BTC', 1), perp('ETH', -20)], market, cfg);
    expect(r.byUnderlying.map((u) => u.direction)).toEqual([1, -1]);
    expect(r.offsets.credits).toHaveLength(1);
    expect(r.offsets.total).toBeCloseTo(0.3 * Math.min(r.byUnderlying[0].worstLoss, r.byUnderlying[1].worstLoss), 6);
    expect(gridMargin([perp('BTC', 1), perp('ETH', 20)], market, cfg).offsets.total).toBe(0);
  });

  it('is monotone in position size for a single outright position (property)', () => {
    const instruments: ((q: number) => Position)[] = [
      (q) => perp('BTC', q),
      (q) => ({ kind: 'inverse-perp', underlying: 'BTC', quantity: q, contractValueUsd: 100 }),
      (q) => call(q, 48000, 0.1),
      (q) => ({ kind: 'option', optionType: 'put', style: 'inverse', underlying: 'ETH', quantity: q, strike: 2200, expiry: 0.05, vol: 0.8 }),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: instruments.length - 1 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        fc.boolean(),
        (which, q, factor, short) => {
          const sign = short ? -1 : 1;
          const small = gridMargin([instruments[which](sign * q)], market).initial;
          const large = gridMargin([instruments[which](sign * q * factor)], market).initial;
          expect(large).toBeGreaterThanOrEqual(small * (1 - 1e-12));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('charges nothing for an empty book', () => {
    expect(gridMargin([], market)).toMatchObject({ initial: 0, maintenance: 0, byUnderlying: [] });
  });
});

describe('grid margin validation', () => {
  const bad = (config: object): ValidationError => validationErrorOf(() => gridMargin([perp('BTC', 1)], market, config));

  it.each([
    [{ pricePoints: 8 }, 'profile.pricePoints'],
    [{ priceRange: 0 }, 'profile.priceRange'],
    [{ extendedFraction: 1.5 }, 'profile.extendedFraction'],
    [{ extendedMoves: [-0.5, -1] }, 'profile.extendedMoves[1]'],
    [{ maintenanceFraction: 0 }, 'profile.maintenanceFraction'],
    [{ volShock: { mode: 'percent' } }, 'profile.volShock.mode'],
    [{ volShock: { minScale: 3 } }, 'profile.volShock.maxScale'],
    [{ offsets: { maxCreditFraction: -0.1 } }, 'profile.offsets.maxCreditFraction'],
    [{ offsets: { pairs: [{ underlyings: ['BTC', 'BTC'], credit: 0.2 }] } }, 'profile.offsets.pairs[0].underlyings'],
    [{ offsets: { pairs: [{ underlyings: ['BTC', 'ETH'], credit: 2 }] } }, 'profile.offsets.pairs[0].credit'],
  ])('rejects %j naming %s', (config, field) => {
    const e = bad(config);
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it('names the position field for a bad position', () => {
    expect(() => gridMargin([perp('BTC', Number.NaN)], market)).toThrow('positions[0].quantity: must be a finite number; got NaN');
  });
});
