import { describe, expect, it } from 'vitest';
import { kellyFraction } from '../../src/optimize/kelly.js';
import { SolverError } from '../../src/errors/index.js';

const bet = (p: number, b: number, a: number, n = 100) => {
  const wins = Math.round(p * n);
  return [...Array<number>(wins).fill(b), ...Array<number>(n - wins).fill(-a)];
};

describe('kellyFraction', () => {
  it('equals the closed form f* = p/a − q/b on two-outcome bets', () => {
    for (const [p, b, a] of [[0.6, 1, 1], [0.5, 2, 1], [0.3, 4, 0.5], [0.55, 0.1, 0.1]]) {
      const r = kellyFraction(bet(p, b, a), { kellyFraction: 1 });
      expect(r.fullKelly).toBeCloseTo(p / a - (1 - p) / b, 10);
      expect(r.binding).toBe('kelly');
    }
  });

  it('scales by the Kelly fraction (half Kelly by default)', () => {
    const r = kellyFraction(bet(0.6, 1, 1));
    expect(r.fraction).toBeCloseTo(0.1, 10);
    expect(r.growth).toBeLessThan(r.fullKellyGrowth);
  });

  it('does not bet on a non-positive mean', () => {
    expect(kellyFraction(bet(0.5, 1, 1), { kellyFraction: 1 }).fullKelly).toBe(0);
  });

  it('reports the binding cap: ES budget, liquidation buffer, max fraction', () => {
    const r = bet(0.5, 2, 1); // f* = 0.25
    const es = kellyFraction(r, { kellyFraction: 1, esBudget: { confidence: 0.9, limit: 0.1 } });
    expect(es.binding).toBe('es-budget');
    expect(es.fraction).toBeCloseTo(0.1, 12); // ES of r at 90 % = 1 (all tail losses are −1)
    expect(es.es).toBeCloseTo(0.1, 12);
    const liq = kellyFraction(r, { kellyFraction: 1, liquidationBuffer: 0.05 });
    expect(liq.binding).toBe('liquidation-buffer');
    expect(liq.maxLoss).toBeCloseTo(0.05, 12);
    const cap = kellyFraction(r, { kellyFraction: 1, maxFraction: 0.2 });
    expect(cap.binding).toBe('max-fraction');
    expect(cap.fraction).toBe(0.2);
  });

  it('stays inside the domain 1 + f·min r > 0 with a heavy-loss scenario', () => {
    const r = [...Array<number>(99).fill(0.05), -0.999];
    const k = kellyFraction(r, { kellyFraction: 1 });
    expect(1 + k.fullKelly * -0.999).toBeGreaterThan(0);
    expect(Number.isFinite(k.fullKellyGrowth)).toBe(true);
  });

  it('throws SolverError when no scenario loses and no maxFraction bounds the bet', () => {
    expect(() => kellyFraction([0.1, 0.2])).toThrow(SolverError);
    expect(kellyFraction([0.1, 0.2], { maxFraction: 3, kellyFraction: 1 }).fullKelly).toBe(3);
  });
});
