import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { optionGreeks, optionPrice, type OptionInputs } from '../../src/instruments/index.js';

// Greeks against central finite differences over a parameter box, linear and inverse, both models.
const box = fc.record({
  S: fc.double({ min: 50, max: 150, noNaN: true }),
  K: fc.double({ min: 60, max: 140, noNaN: true }),
  T: fc.double({ min: 0.05, max: 2, noNaN: true }),
  r: fc.double({ min: 0, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.05, noNaN: true }),
  vol: fc.double({ min: 0.1, max: 1, noNaN: true }),
  call: fc.boolean(),
  inverse: fc.boolean(),
  b76: fc.boolean(),
});

function close(actual: number, expected: number, rel: number, abs: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

describe('greeks', () => {
  it('match central finite differences (delta, gamma, vega, theta; linear and inverse)', () => {
    fc.assert(
      fc.property(box, ({ S, K, T, r, q, vol, call, inverse, b76 }) => {
        const base: OptionInputs = {
          optionType: call ? 'call' : 'put', underlyingPrice: S, strike: K, expiryYears: T, vol, rate: r,
          dividendYield: q, model: b76 ? 'black-76' : 'black-scholes', style: inverse ? 'inverse' : 'linear',
        };
        const v = (o: Partial<OptionInputs>): number => optionPrice({ ...base, ...o });
        const g = optionGreeks(base);
        const scale = inverse ? 1 / S : 1; // values are in coin for inverse
        const hS = 1e-3 * S * vol * Math.sqrt(T); // step small against the total vol σ√T
        const fdDelta = (v({ underlyingPrice: S + hS }) - v({ underlyingPrice: S - hS })) / (2 * hS);
        const fdGamma = (v({ underlyingPrice: S + hS }) - 2 * g.price + v({ underlyingPrice: S - hS })) / (hS * hS);
        const hV = 1e-5;
        const fdVega = (v({ vol: vol + hV }) - v({ vol: vol - hV })) / (2 * hV);
        const hT = 1e-5;
        const fdTheta = -(v({ expiryYears: T + hT }) - v({ expiryYears: T - hT })) / (2 * hT);
        close(g.delta, fdDelta, 1e-5, 1e-7 * scale);
        // the second difference divides the prices' rounding error (a few ulps of the price and of
        // S·scale, for deep in-the-money options ≈ K − S) by h²: that much of fdGamma is noise
        const fdGammaNoise = (8 * Number.EPSILON * (Math.abs(g.price) + S * scale)) / (hS * hS);
        close(g.gamma, fdGamma, 1e-3, 1e-6 * scale / S + fdGammaNoise);
        close(g.vega, fdVega, 1e-5, 1e-6 * S * scale);
        close(g.theta, fdTheta, 1e-4, 1e-5 * S * scale);
        expect(g.vegaPerPoint).toBeCloseTo(g.vega / 100, 14);
        expect(g.thetaPerDay).toBeCloseTo(g.theta / 365, 14);
      }),
      { numRuns: 150 },
    );
  });

  it('give textbook delta and vega (Hull: S=42, K=40, r=10 %, σ=20 %, T=0.5)', () => {
    const g = optionGreeks({ optionType: 'call', underlyingPrice: 42, strike: 40, expiryYears: 0.5, vol: 0.2, rate: 0.1 });
    expect(g.delta).toBeCloseTo(0.7791, 4);
    expect(g.vega).toBeCloseTo(8.8135, 3); // per unit of σ
    expect(g.vegaPerPoint).toBeCloseTo(0.088135, 5); // per vol point
  });
});
