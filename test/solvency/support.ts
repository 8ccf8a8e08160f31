/** Random books, paths and configs for the venue property tests. */
import fc from 'fast-check';
import type { tiered } from '../../src/margin/index.js';
import type { PricePath, VenueConfig } from '../../src/solvency/index.js';

export const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BTCUSD_PERP'] as const;
const START = { BTCUSDT: 40000, ETHUSDT: 2000, BTCUSD_PERP: 40000 } as const;

const position = (symbol: (typeof SYMBOLS)[number]) =>
  fc.record({
    qty: fc.double({ min: 0.05, max: 3, noNaN: true }),
    side: fc.constantFrom(1, -1),
    entry: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
    leverage: fc.integer({ min: 1, max: 50 }),
  }).map(({ qty, side, entry, leverage }) => ({
    symbol,
    contract: symbol === 'BTCUSD_PERP' ? ('inverse' as const) : ('linear' as const),
    // inverse: 100 USD contracts
    qty: side * (symbol === 'BTCUSD_PERP' ? Math.max(1, Math.round(qty * 400)) : symbol === 'ETHUSDT' ? qty * 20 : qty),
    entryPrice: START[symbol] * entry,
    leverage,
  }));

export const accountArb: fc.Arbitrary<tiered.Account> = fc.oneof(
  // USDT account on the linear symbols
  fc.record({
    mode: fc.constantFrom('isolated' as const, 'cross' as const),
    btc: fc.option(position('BTCUSDT'), { nil: undefined }),
    eth: fc.option(position('ETHUSDT'), { nil: undefined }),
    extra: fc.double({ min: 0, max: 2000, noNaN: true }),
  }).map(({ mode, btc, eth, extra }) => {
    const positions = [btc, eth].filter((p) => p !== undefined);
    const margin = positions.reduce((s, p) => s + (Math.abs(p.qty) * p.entryPrice) / p.leverage, 0);
    return { mode, walletBalance: margin + extra, collateralCurrency: 'USDT', positions };
  }),
  // BTC (coin-margined) account on the inverse symbol
  fc.record({ mode: fc.constantFrom('isolated' as const, 'cross' as const), p: position('BTCUSD_PERP'), extra: fc.double({ min: 0, max: 0.05, noNaN: true }) }).map(({ mode, p, extra }) => ({
    mode, walletBalance: (Math.abs(p.qty) * 100) / p.entryPrice / p.leverage + extra, collateralCurrency: 'BTC', positions: [p],
  })),
);

/** A path of up to `maxTicks` ticks (moves × `scale`): BTC and ETH log-returns with jumps; the inverse perp marks with BTC; some NaN (no update). */
export const pathArb = (maxTicks = 40, scale = 1): fc.Arbitrary<PricePath> =>
  fc.array(
    fc.record({
      rb: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
      re: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
      jump: fc.constantFrom(0, 0, 0, 0, -0.25, 0.2),
      skipEth: fc.boolean(),
    }),
    { minLength: 1, maxLength: maxTicks },
  ).map((steps) => {
    const n = steps.length + 1;
    const marks = new Float64Array(n * 3);
    let b = 40000;
    let e = 2000;
    marks.set([b, e, b], 0);
    steps.forEach((st, i) => {
      b *= Math.exp(scale * (st.rb + st.jump));
      e *= Math.exp(scale * (st.re + st.jump));
      marks.set([b, st.skipEth ? NaN : e, b], (i + 1) * 3);
    });
    return { symbols: [...SYMBOLS], times: Float64Array.from({ length: n }, (_, i) => i), marks };
  });

export const configArb: fc.Arbitrary<VenueConfig> = fc.record({
  waterfall: fc.constantFrom('adl' as const, 'socialised' as const, 'none' as const),
  fund: fc.record({ USDT: fc.double({ min: 0, max: 5000, noNaN: true }), BTC: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
  takerFee: fc.constantFrom(0, 0.0005, 0.002),
  partialLiquidation: fc.boolean(),
  impact: fc.record({
    BTCUSDT: fc.record({ model: fc.constantFrom('linear' as const, 'sqrt' as const), depth: fc.double({ min: 1, max: 100, noNaN: true }), coefficient: fc.double({ min: 0, max: 2, noNaN: true }) }),
    ETHUSDT: fc.record({ model: fc.constantFrom('linear' as const, 'sqrt' as const), depth: fc.double({ min: 10, max: 1000, noNaN: true }) }),
    BTCUSD_PERP: fc.record({ model: fc.constantFrom('linear' as const, 'sqrt' as const), depth: fc.double({ min: 1000, max: 1e6, noNaN: true }) }),
  }),
  maxLiquidationPerTick: fc.option(fc.record({ BTCUSDT: fc.double({ min: 0.1, max: 5, noNaN: true }) }), { nil: undefined }),
  impactHalfLifeTicks: fc.option(fc.double({ min: 0.5, max: 50, noNaN: true }), { nil: undefined }),
}).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as VenueConfig);
