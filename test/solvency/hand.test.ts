/**
 * Hand-computed venue runs on the sample BTCUSDT table (tier 0: rate 0.004 up to 50,000 USDT;
 * tier 1: rate 0.005, amount 50, up to 250,000).
 */
import { describe, expect, it } from 'vitest';
import { sampleTierTables, tiered } from '../../src/margin/index.js';
import { prepareBook, simulateBook, type PricePath, type VenueConfig, type VenueEvent } from '../../src/solvency/index.js';

const tables = sampleTierTables();
type Acc = tiered.Account;
const iso = (qty: number, entryPrice: number, leverage: number): Acc => ({
  mode: 'isolated', walletBalance: (Math.abs(qty) * entryPrice) / leverage, collateralCurrency: 'USDT',
  positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty, entryPrice, leverage }],
});
const btcPath = (...marks: number[]): PricePath => ({ symbols: ['BTCUSDT'], times: Float64Array.from(marks, (_, i) => i), marks: Float64Array.from(marks) });
const run = (accounts: Acc[], marks: number[], config: VenueConfig = {}) => simulateBook(prepareBook(accounts, tables), btcPath(...marks), config);
const ofType = <T extends VenueEvent['type']>(events: VenueEvent[], type: T) => events.filter((e): e is Extract<VenueEvent, { type: T }> => e.type === type);
const markAt = (r: ReturnType<typeof run>, t: number) => r.series.marks[t * r.series.symbols.length + r.series.symbols.indexOf('BTCUSDT')];
const usdt = (r: ReturnType<typeof run>) => r.summary.currencies.find((c) => c.currency === 'USDT')!;

describe('one isolated long 1 BTC @ 40,000, 50x (margin 800, bankruptcy 39,200, liquidation 39,357.43)', () => {
  it('is not liquidated at 39,400 and is liquidated at 39,300; without impact the fund receives 100', () => {
    const r = run([iso(1, 40000, 50)], [40000, 39400, 39300]);
    const liq = ofType(r.events, 'liquidation');
    expect(liq).toHaveLength(1);
    expect(liq[0]!.tick).toBe(2);
    expect(liq[0]!.kind).toBe('full');
    expect(liq[0]!.equity).toBeCloseTo(100, 9); // 800 − 700
    expect(liq[0]!.maintenance).toBeCloseTo(157.2, 9); // 0.004 × 39,300
    expect(liq[0]!.fills[0]!.price).toBeCloseTo(39200, 9);
    expect(ofType(r.events, 'bankruptcy')).toHaveLength(0);
    expect(ofType(r.events, 'execution')[0]!.price).toBe(39300);
    expect(usdt(r).fundEnd).toBeCloseTo(100, 9);
    expect(r.finalEquity[0]).toBeCloseTo(0, 9);
  });

  it('the first liquidation tick matches tieredMargin’s liquidation price', () => {
    const lp = tiered.tieredMargin(iso(1, 40000, 50), { BTCUSDT: 40000 }, tables).positions[0]!.liquidationPrice!;
    expect(lp).toBeCloseTo(39200 / 0.996, 6);
    expect(ofType(run([iso(1, 40000, 50)], [40000, lp + 1e-6]).events, 'liquidation')).toHaveLength(0);
    expect(ofType(run([iso(1, 40000, 50)], [40000, lp - 1e-6]).events, 'liquidation')).toHaveLength(1);
  });

  it('with linear impact (depth 100 BTC, c = 1) the engine sells at 39,300·e^−0.005 and the fund pays 96.01', () => {
    const r = run([iso(1, 40000, 50)], [40000, 39300], { fund: { USDT: 1000 }, impact: { BTCUSDT: { model: 'linear', depth: 100 } } });
    const x = 39300 * Math.exp(-0.005); // average of c·w/D over w in [0, 1]: 0.5/100
    expect(ofType(r.events, 'execution')[0]!.price).toBeCloseTo(x, 8);
    expect(usdt(r).fundEnd).toBeCloseTo(1000 + (x - 39200), 8);
    expect(usdt(r).fundEnd).toBeCloseTo(903.99043, 4);
    expect(markAt(r, 1)).toBeCloseTo(39300 * Math.exp(-0.01), 8); // mark moves by g(1) = 0.01
  });

  it('square-root impact fills at M·e^(−(2/3)·√(1/D))', () => {
    const r = run([iso(1, 40000, 50)], [40000, 39300], { fund: { USDT: 1000 }, impact: { BTCUSDT: { model: 'sqrt', depth: 100, coefficient: 0.5 } } });
    expect(ofType(r.events, 'execution')[0]!.price).toBeCloseTo(39300 * Math.exp(-(2 / 3) * 0.5 * 0.1), 8);
    expect(markAt(r, 1)).toBeCloseTo(39300 * Math.exp(-0.05), 8);
  });

  it('a gap to 39,000 is a bankruptcy: equity −200, the fund pays 200', () => {
    const r = run([iso(1, 40000, 50)], [40000, 39000], { fund: { USDT: 1000 } });
    expect(ofType(r.events, 'bankruptcy')[0]!.equity).toBeCloseTo(-200, 9);
    const fund = ofType(r.events, 'fund');
    expect(fund).toHaveLength(1);
    expect(fund[0]!.amount).toBeCloseTo(-200, 9);
    expect(usdt(r).fundEnd).toBeCloseTo(800, 9);
    expect(usdt(r).fundDrawdown).toBeCloseTo(200, 9);
  });

  it('a taker fee on the engine’s execution leaves the system: fund +80.35, fees 19.65', () => {
    const r = run([iso(1, 40000, 50)], [40000, 39300], { takerFee: 0.0005 });
    expect(usdt(r).fees).toBeCloseTo(19.65, 9);
    expect(usdt(r).fundEnd).toBeCloseTo(80.35, 9);
    expect(usdt(r).ledgerEnd).toBeCloseTo(usdt(r).ledgerStart, 9);
  });
});

describe('partial liquidation by tier step-down', () => {
  it('2 BTC @ 40,000, 50x at 39,360 is cut to the tier-0 cap (50,000 USDT) and survives', () => {
    // N = 78,720 (tier 1): MM = 393.6 − 50 = 343.6 ≥ equity 1600 − 1280 = 320 → breach
    const r = run([iso(2, 40000, 50)], [40000, 39360]);
    const liq = ofType(r.events, 'liquidation');
    expect(liq).toHaveLength(1);
    expect(liq[0]!.kind).toBe('partial');
    const q = 2 - 50000 / 39360;
    expect(liq[0]!.fills[0]!.size).toBeCloseTo(q, 12);
    expect(liq[0]!.fills[0]!.price).toBeCloseTo(39200, 9); // bankruptcy: 39,360 − 320 / 2
    expect(usdt(r).fundEnd).toBeCloseTo(q * 160, 9);
    // equity kept in proportion: 320 · (1 − q/2) = 203.25 > MM 200 in tier 0
    expect(r.finalEquity[0]).toBeCloseTo(320 * (1 - q / 2), 9);
    expect(r.summary.liquidations).toBe(1);
  });

  it('with partialLiquidation false the same account is closed in full', () => {
    const r = run([iso(2, 40000, 50)], [40000, 39360], { partialLiquidation: false });
    expect(ofType(r.events, 'liquidation')[0]!.kind).toBe('full');
    expect(usdt(r).fundEnd).toBeCloseTo(2 * 160, 9);
  });
});

describe('insurance fund exhausted: ADL and socialised loss on a small book', () => {
  // A long 3 @ 40,000 50x (margin 2,400); B short 1 @ 40,000 10x (4,000); C short 2 @ 41,000 10x (8,200).
  // Gap to 38,000: A's equity 2,400 − 6,000 = −3,600; bankruptcy price 38,000 + 3,600/3 = 39,200.
  const book = [iso(3, 40000, 50), iso(-1, 40000, 10), iso(-2, 41000, 10)];

  it('ranks C (0.3916) before B (0.3167) and fills C 2, B 1 at 39,200', () => {
    const r = run(book, [40000, 38000], { waterfall: 'adl' });
    const adl = ofType(r.events, 'adl');
    expect(adl.map((e) => e.account)).toEqual([2, 1]);
    // C: PnL% 6,000/82,000, effective leverage 76,000 / 14,200; B: 2,000/40,000 × 38,000/6,000
    expect(adl[0]!.score).toBeCloseTo((6000 / 82000) * (76000 / 14200), 12);
    expect(adl[1]!.score).toBeCloseTo((2000 / 40000) * (38000 / 6000), 12);
    expect(adl.map((e) => e.size)).toEqual([2, 1]);
    expect(adl[0]!.price).toBeCloseTo(39200, 9);
    expect(ofType(r.events, 'execution')).toHaveLength(0);
    expect(usdt(r).fundEnd).toBe(0);
    expect(usdt(r).adlVolume).toBeCloseTo(3 * 39200, 6);
    // C loses 2 × 1,200, B loses 1 × 1,200 against their equity at the mark
    expect(Array.from(r.finalEquity)).toEqual([expect.closeTo(0, 9), expect.closeTo(4800, 9), expect.closeTo(11800, 9)]);
  });

  it('a fund large enough pays instead (no ADL)', () => {
    const r = run(book, [40000, 38000], { waterfall: 'adl', fund: { USDT: 5000 } });
    expect(ofType(r.events, 'adl')).toHaveLength(0);
    expect(usdt(r).fundEnd).toBeCloseTo(1400, 9);
  });

  it('socialised: the 3,600 deficit is clawed back pro rata to profits (B 2,000 → 900; C 6,000 → 2,700)', () => {
    const r = run(book, [40000, 38000], { waterfall: 'socialised' });
    const soc = ofType(r.events, 'socialised');
    expect(soc.map((e) => e.account)).toEqual([1, 2]);
    expect(soc[0]!.amount).toBeCloseTo(900, 9);
    expect(soc[1]!.amount).toBeCloseTo(2700, 9);
    expect(usdt(r).fundEnd).toBeCloseTo(0, 9);
    expect(usdt(r).socialised).toBeCloseTo(3600, 9);
    expect(r.finalEquity[1]).toBeCloseTo(6000 - 900, 9);
  });

  it("'none' lets the fund go negative by the deficit", () => {
    const r = run(book, [40000, 38000], { waterfall: 'none' });
    expect(usdt(r).fundEnd).toBeCloseTo(-3600, 9);
    expect(usdt(r).uncovered).toBeCloseTo(3600, 9);
  });
});

describe('cross accounts and inverse contracts', () => {
  it('a cross account with two longs is liquidated in full when equity ≤ Σ maintenance', () => {
    const acc: Acc = {
      mode: 'cross', walletBalance: 1000, collateralCurrency: 'USDT',
      positions: [
        { symbol: 'BTCUSDT', contract: 'linear', qty: 0.5, entryPrice: 40000, leverage: 20 },
        { symbol: 'ETHUSDT', contract: 'linear', qty: 5, entryPrice: 2000, leverage: 20 },
      ],
    };
    const path: PricePath = { symbols: ['BTCUSDT', 'ETHUSDT'], times: Float64Array.from([0, 1]), marks: Float64Array.from([40000, 2000, 38500, 1850]) };
    const r = simulateBook(prepareBook([acc], tables), path, {});
    // equity 1000 − 750 − 750 = −500 < 0: bankruptcy, fund pays 500
    expect(ofType(r.events, 'bankruptcy')[0]!.equity).toBeCloseTo(-500, 9);
    expect(ofType(r.events, 'liquidation')[0]!.fills).toHaveLength(2);
    expect(r.summary.currencies.find((c) => c.currency === 'USDT')!.fundEnd).toBeCloseTo(-500, 9);
  });

  it('an inverse long is liquidated where tieredMargin puts its liquidation price', () => {
    const inv = Object.values(tables).find((t) => t.contract === 'inverse')!;
    const acc: Acc = { mode: 'isolated', walletBalance: 1, collateralCurrency: inv.settleCurrency, positions: [{ symbol: inv.symbol, contract: 'inverse', qty: 100, entryPrice: 40000, leverage: 20 }] };
    const lp = tiered.tieredMargin(acc, { [inv.symbol]: 40000 }, tables).positions[0]!.liquidationPrice!;
    const path = (m: number): PricePath => ({ symbols: [inv.symbol], times: Float64Array.from([0, 1]), marks: Float64Array.from([40000, m]) });
    expect(simulateBook(prepareBook([acc], tables), path(lp * (1 + 1e-9)), {}).summary.liquidations).toBe(0);
    const r = simulateBook(prepareBook([acc], tables), path(lp * (1 - 1e-9)), {});
    expect(r.summary.liquidations).toBe(1);
    const bp = tiered.tieredMargin(acc, { [inv.symbol]: 40000 }, tables).positions[0]!.bankruptcyPrice!;
    expect(ofType(r.events, 'liquidation')[0]!.fills[0]!.price).toBeCloseTo(bp, 6);
  });
});

describe('validation', () => {
  it('names the field of a bad config, path or account', () => {
    const book = prepareBook([iso(1, 40000, 50)], tables);
    expect(() => simulateBook(book, btcPath(40000), { waterfall: 'x' as never })).toThrow(/config\.waterfall/);
    expect(() => prepareBook([{ ...iso(1, 40000, 50), positions: [{ symbol: 'XRP', contract: 'linear', qty: 1, entryPrice: 1, leverage: 1 }] }], tables)).toThrow(/accounts\[0\]\.positions\[0\]\.symbol/);
  });
});
