import { describe, expect, it } from 'vitest';
import { procyclicality } from '../../src/backtest/index.js';

describe('procyclicality', () => {
  it('computes peak-to-trough, the largest n-day increases and the large-increase days', () => {
    const r = procyclicality([100, 120, 90, 180], { horizonDays: 2, dailyIncreaseThreshold: 0.1 });
    expect(r.peakToTrough).toBe(2); // 180 / 90
    expect(r.maxIncreaseAbsolute).toEqual({ value: 60, start: 1 }); // 180 − 120
    expect(r.maxIncreaseRelative).toEqual({ value: 0.5, start: 1 }); // 180 / 120 − 1
    expect(r.daysAboveThreshold).toBe(2); // +20 % and +100 %
  });

  it('does not count an increase exactly at the threshold', () => {
    expect(procyclicality([100, 110, 121], { dailyIncreaseThreshold: 0.5 }).daysAboveThreshold).toBe(0);
    expect(procyclicality([100, 150.0001], { dailyIncreaseThreshold: 0.5 }).daysAboveThreshold).toBe(1);
  });

  it('reports null n-day increases when the series is shorter than the horizon', () => {
    const r = procyclicality([1, 2, 3], { horizonDays: 5 });
    expect(r.maxIncreaseAbsolute).toBeNull();
    expect(r.maxIncreaseRelative).toBeNull();
  });

  it('gives an infinite ratio when margin falls to zero and counts a rise from zero', () => {
    const r = procyclicality([0, 10, 10], { horizonDays: 1 });
    expect(r.peakToTrough).toBe(Infinity);
    expect(r.daysAboveThreshold).toBe(1);
    expect(r.maxIncreaseRelative).toEqual({ value: 0, start: 1 }); // base 0 skipped
  });

  it('rejects a negative margin, naming the index', () => {
    expect(() => procyclicality([1, -1])).toThrow(/margins\[1\]: must be >= 0; got -1/);
  });
});
