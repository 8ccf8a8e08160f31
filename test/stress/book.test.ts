import { describe, expect, it } from 'vitest';
import type { Position } from '../../src/instruments/index.js';
import { historicalEpisodes, stressBook } from '../../src/stress/index.js';

const btc: Position = { id: 'btc-perp', kind: 'linear-perp', underlying: 'BTC', quantity: 1 };
const market = { prices: { BTC: 60_000 } };
// BTC closes: one-day moves −10 %, −11.1 %, +25 %, −50 %, +20 %.
const history = {
  dates: ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'],
  symbols: ['BTC'],
  prices: [[100], [90], [80], [100], [50], [60]],
};

describe('stressBook: hypothetical shocks', () => {
  it('gives the linear loss, the liquidity cost and the margin coverage', () => {
    const [r] = stressBook([btc], market, { shocks: [{ name: 'x', move: -0.1, liquidityHaircut: 0.01 }], margin: 3_300 });
    expect(r.loss).toBeCloseTo(6_000 + 600, 9);
    expect(r.coverage).toBeCloseTo(3_300 / 6_600, 12);
    expect(r.drivers[0]).toMatchObject({ index: 0, id: 'btc-perp' });
  });

  it('runs no reverse stress for a zero margin and no threshold', () => {
    const r = stressBook([btc], market, { shocks: [{ name: 'x', move: -0.1 }], margin: 0 });
    expect(r.map((x) => x.kind)).toEqual(['hypothetical']);
  });
});

describe('historicalEpisodes', () => {
  it('replays the worst non-overlapping windows, worst first', () => {
    const r = historicalEpisodes([btc], market, history, 1, 2);
    expect(r.map((x) => x.window)).toEqual([{ start: 'd3', end: 'd4' }, { start: 'd1', end: 'd2' }]);
    expect(r[0].loss).toBeCloseTo(30_000, 9);
    expect(r[1].loss).toBeCloseTo(60_000 / 9, 9);
  });
});

describe('stressBook: validation', () => {
  const shocks = [{ name: 'x', move: -0.1 }];

  it('rejects a margin that is not a finite amount >= 0, naming margin', () => {
    expect(() => stressBook([btc], market, { shocks, margin: NaN })).toThrow(/^margin: must be a finite amount >= 0; got NaN/);
    expect(() => stressBook([btc], market, { shocks, margin: -5 })).toThrow(/^margin: must be a finite amount >= 0; got -5/);
  });

  it('rejects shocks that are not an array', () => {
    expect(() => stressBook([btc], market, { shocks: 5 as never })).toThrow(/^shocks: must be an array of scenarios; got 5/);
  });

  it('rejects an episode count that is not an integer >= 1', () => {
    for (const episodes of [0, 1.5, NaN]) {
      expect(() => stressBook([btc], market, { shocks: [], history, windowDays: 1, episodes })).toThrow(/^episodes: must be an integer >= 1/);
    }
  });

  it('names the bad price of a history instead of an internal scenario', () => {
    const bad = { ...history, prices: history.prices.map((row, t) => (t === 2 ? [0] : row)) };
    expect(() => stressBook([btc], market, { shocks: [], history: bad, windowDays: 1 })).toThrow(/^history\.prices\[2\]\[0\]: must be a finite price > 0; got 0/);
    const ragged = { ...history, symbols: ['ETH', 'BTC'], prices: history.prices.map((row, t) => (t === 3 ? [1] : [1, row[0]])) };
    expect(() => stressBook([btc], market, { shocks: [], history: ragged, windowDays: 1 })).toThrow(/^history\.prices\[3\]\[1\]: must be a finite price > 0; got undefined/);
  });

  it('rejects a history that is not a PriceSeries or whose dates do not match the rows', () => {
    expect(() => stressBook([btc], market, { shocks: [], history: {} as never })).toThrow(/^history: must be a PriceSeries/);
    expect(() => stressBook([btc], market, { shocks: [], history: { ...history, dates: ['d0'] }, windowDays: 1 })).toThrow(
      /^history\.dates: must have one date per row of prices \(6\); got 1/,
    );
  });
});
