import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { black76, blackScholes, gbsGreeks, optionGreeks, optionPrice } from '../../src/instruments/index.js';

describe('Black–Scholes and Black-76 values', () => {
  it('matches the Hull textbook example (S=42, K=40, r=10 %, σ=20 %, T=0.5): call 4.76, put 0.81', () => {
    expect(blackScholes('call', 42, 40, 0.5, 0.1, 0.2)).toBeCloseTo(4.7594, 4);
    expect(blackScholes('put', 42, 40, 0.5, 0.1, 0.2)).toBeCloseTo(0.8086, 4);
  });

  it('Black-76 equals Black–Scholes on the forward F = S·e^{(r−q)T}', () => {
    const S = 100, K = 95, T = 0.7, r = 0.05, q = 0.02, sigma = 0.3;
    const F = S * Math.exp((r - q) * T);
    expect(black76('call', F, K, T, r, sigma)).toBeCloseTo(blackScholes('call', S, K, T, r, sigma, q), 10);
  });

  const box = fc.record({
    S: fc.double({ min: 20, max: 500, noNaN: true }),
    K: fc.double({ min: 20, max: 500, noNaN: true }),
    T: fc.double({ min: 0.01, max: 3, noNaN: true }),
    r: fc.double({ min: -0.02, max: 0.15, noNaN: true }),
    q: fc.double({ min: 0, max: 0.1, noNaN: true }),
    sigma: fc.double({ min: 0.01, max: 2, noNaN: true }),
  });

  it('satisfies put–call parity C − P = S·e^{−qT} − K·e^{−rT} (Black–Scholes)', () => {
    fc.assert(
      fc.property(box, ({ S, K, T, r, q, sigma }) => {
        const lhs = blackScholes('call', S, K, T, r, sigma, q) - blackScholes('put', S, K, T, r, sigma, q);
        const rhs = S * Math.exp(-q * T) - K * Math.exp(-r * T);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (S + K));
      }),
      { numRuns: 200 },
    );
  });

  it('satisfies put–call parity C − P = e^{−rT}(F − K) (Black-76)', () => {
    fc.assert(
      fc.property(box, ({ S: F, K, T, r, sigma }) => {
        const lhs = black76('call', F, K, T, r, sigma) - black76('put', F, K, T, r, sigma);
        expect(Math.abs(lhs - Math.exp(-r * T) * (F - K))).toBeLessThan(1e-9 * (F + K));
      }),
      { numRuns: 200 },
    );
  });
});

describe('degenerate limits', () => {
  it('at T = 0 gives intrinsic value, delta a step and zero gamma/vega/theta', () => {
    expect(blackScholes('call', 110, 100, 0, 0.05, 0.5)).toBe(10);
    expect(blackScholes('put', 110, 100, 0, 0.05, 0.5)).toBe(0);
    expect(blackScholes('put', 90, 100, 0, 0.05, 0.5)).toBe(10);
    const g = gbsGreeks(1, 110, 100, 0, 0.05, 0.05, 0.5);
    expect(g).toMatchObject({ price: 10, delta: 1, gamma: 0, vega: 0, theta: 0 });
    expect(gbsGreeks(-1, 100, 100, 0, 0, 0, 0.5).delta).toBe(-0.5);
  });

  it('converges to intrinsic as T → 0', () => {
    for (const T of [1e-6, 1e-10, 1e-14]) {
      expect(blackScholes('call', 110, 100, T, 0, 0.5)).toBeCloseTo(10, 6);
      expect(blackScholes('put', 110, 100, T, 0, 0.5)).toBeCloseTo(0, 6);
    }
  });

  it('at σ = 0 gives the discounted forward intrinsic without NaN in any greek', () => {
    const S = 100, K = 100, T = 1, r = 0.05;
    expect(blackScholes('call', S, K, T, r, 0)).toBeCloseTo(S - K * Math.exp(-r * T), 12);
    expect(blackScholes('put', S, K, T, r, 0)).toBe(0);
    for (const [cp, k] of [[1, 100], [-1, 100], [1, 120], [-1, 80], [1, 95.1229424500714]] as const) {
      const g = gbsGreeks(cp, S, k, T, r, r, 0);
      for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true);
    }
    // tiny but non-zero vol agrees with the σ = 0 branch
    expect(blackScholes('call', S, 90, T, r, 1e-9)).toBeCloseTo(blackScholes('call', S, 90, T, r, 0), 10);
  });
});

describe('inverse (coin-settled) options', () => {
  it('inverse value = linear value / underlying price, for both models', () => {
    for (const model of ['black-scholes', 'black-76'] as const) {
      for (const optionType of ['call', 'put'] as const) {
        const base = { optionType, underlyingPrice: 60000, strike: 65000, expiryYears: 0.25, vol: 0.6, rate: 0.03, model };
        const lin = optionPrice(base);
        const inv = optionPrice({ ...base, style: 'inverse' });
        expect(inv).toBeCloseTo(lin / 60000, 14);
        expect(optionGreeks({ ...base, style: 'inverse' }).price).toBeCloseTo(lin / 60000, 14);
      }
    }
  });

  it('inverse call at expiry pays max(S − K, 0)/S coin', () => {
    expect(optionPrice({ optionType: 'call', underlyingPrice: 50000, strike: 40000, expiryYears: 0, vol: 0.5, style: 'inverse' })).toBeCloseTo(0.2, 15);
  });
});
