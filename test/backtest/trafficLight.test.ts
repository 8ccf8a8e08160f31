import { describe, expect, it } from 'vitest';
import { binomialCdf, trafficLight } from '../../src/backtest/index.js';

describe('trafficLight (250 days at 99 %)', () => {
  const table: Array<[number, string, number]> = [
    [0, 'green', 3.0],
    [4, 'green', 3.0],
    [5, 'yellow', 3.4],
    [6, 'yellow', 3.5],
    [7, 'yellow', 3.65],
    [8, 'yellow', 3.75],
    [9, 'yellow', 3.85],
    [10, 'red', 4.0],
    [25, 'red', 4.0],
  ];
  it.each(table)('%i exceedances are %s with multiplier %d', (x, zone, mult) => {
    const r = trafficLight(x);
    expect(r.zone).toBe(zone);
    expect(r.multiplier).toBe(mult);
  });

  it('puts the boundaries at 4/5 and 9/10', () => {
    expect(trafficLight(4).zone).toBe('green');
    expect(trafficLight(5).zone).toBe('yellow');
    expect(trafficLight(9).zone).toBe('yellow');
    expect(trafficLight(10).zone).toBe('red');
    expect(trafficLight(0)).toMatchObject({ greenMax: 4, yellowMax: 9 });
  });

  it('reports the Basel cumulative probabilities (89.22 % at 4, 95.88 % at 5, 99.97 % at 9, 99.99 % at 10)', () => {
    expect(trafficLight(4).cumulativeProbability).toBeCloseTo(0.8922, 4);
    expect(trafficLight(5).cumulativeProbability).toBeCloseTo(0.9588, 4);
    expect(trafficLight(9).cumulativeProbability).toBeCloseTo(0.9997, 4);
    expect(trafficLight(10).cumulativeProbability).toBeGreaterThanOrEqual(0.9999);
  });
});

describe('trafficLight (other windows)', () => {
  it('puts the zone limits where the binomial distribution function crosses 95 % and 99.99 %', () => {
    const r = trafficLight(0, { n: 500, confidence: 0.99 });
    const p = 1 - 0.99;
    expect(binomialCdf(r.greenMax, 500, p)).toBeLessThan(0.95);
    expect(binomialCdf(r.greenMax + 1, 500, p)).toBeGreaterThanOrEqual(0.95);
    expect(binomialCdf(r.yellowMax, 500, p)).toBeLessThan(0.9999);
    expect(binomialCdf(r.yellowMax + 1, 500, p)).toBeGreaterThanOrEqual(0.9999);
    expect([r.greenMax, r.yellowMax]).toEqual([8, 14]);
  });

  it('maps yellow plus factors by cumulative probability and keeps them in [0.40, 0.85]', () => {
    const first = trafficLight(9, { n: 500 });
    const last = trafficLight(14, { n: 500 });
    expect(first.zone).toBe('yellow');
    expect(last.zone).toBe('yellow');
    expect(first.plusFactor).toBeGreaterThanOrEqual(0.4);
    expect(last.plusFactor).toBeLessThanOrEqual(0.85);
    expect(last.plusFactor).toBeGreaterThanOrEqual(first.plusFactor);
    expect(trafficLight(15, { n: 500 }).multiplier).toBe(4);
  });

  it('keeps zero exceedances green even in a window too short for a green zone by probability', () => {
    expect(trafficLight(0, { n: 5, confidence: 0.99 }).zone).toBe('green');
  });

  it('rejects an exceedance count above the window, naming the value', () => {
    expect(() => trafficLight(11, { n: 10 })).toThrow(/exceedances: must be an integer in \[0, 10\]; got 11/);
  });
});

describe('binomialCdf', () => {
  it('matches a sum of binomial probabilities written out for n = 4, p = 0.5', () => {
    expect(binomialCdf(1, 4, 0.5)).toBeCloseTo(5 / 16, 14);
    expect(binomialCdf(4, 4, 0.5)).toBe(1);
  });
});
