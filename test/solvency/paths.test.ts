/** Price paths: the CSV feed parser, Monte Carlo moments, historical replay at scale, validation. */
import { describe, expect, it } from 'vitest';
import { PathRng, formatFeedCsv, parseFeedCsv, scenarioPath, validateScenario, type MonteCarloSpec } from '../../src/solvency/index.js';

describe('feed CSV', () => {
  it('groups rows by timestamp into ticks (NaN where a symbol has no update) and round-trips', () => {
    const p = parseFeedCsv('timestamp,symbol,mark\n2026-01-01T00:00:00Z,BTC,100\n2026-01-01T00:00:00Z,ETH,10\n2026-01-01T00:01:00Z,BTC,99\n');
    expect(p.symbols).toEqual(['BTC', 'ETH']);
    expect(Array.from(p.times)).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 1)]);
    expect(Array.from(p.marks)).toEqual([100, 10, 99, NaN]);
    expect(parseFeedCsv(formatFeedCsv(p))).toEqual(p);
  });

  it('names the row and column of a bad value', () => {
    expect(() => parseFeedCsv('timestamp,symbol,mark\n1,BTC,100\n0,BTC,99\n')).toThrow(/feed\[2\]\.timestamp: must not go back in time/);
    expect(() => parseFeedCsv('timestamp,symbol,mark\n1,BTC,-1\n')).toThrow(/feed\[1\]\.mark/);
    expect(() => parseFeedCsv('time,symbol,mark\n1,BTC,1\n')).toThrow(/feed\.header: must have a "timestamp" column/);
  });
});

describe('Monte Carlo paths', () => {
  const spec: MonteCarloSpec = { kind: 'monte-carlo', symbols: ['A', 'B'], start: [100, 50], ticks: 40_000, dtDays: 1, vol: [0.365, 0.73], rho: 0.6, df: 5, seed: 3 };
  it('per-tick log returns have the stated variance, correlation and the Student-t excess kurtosis 6/(ν − 4)', () => {
    const p = scenarioPath(spec, 0);
    const ra: number[] = [];
    const rb: number[] = [];
    for (let t = 1; t < p.times.length; t++) {
      ra.push(Math.log(p.marks[2 * t]! / p.marks[2 * t - 2]!));
      rb.push(Math.log(p.marks[2 * t + 1]! / p.marks[2 * t - 1]!));
    }
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const ma = mean(ra);
    const mb = mean(rb);
    const va = mean(ra.map((x) => (x - ma) ** 2));
    const vb = mean(rb.map((x) => (x - mb) ** 2));
    const cov = mean(ra.map((x, i) => (x - ma) * (rb[i]! - mb)));
    // σ_daily = 0.365 / √365 = 0.0191; 0.73 / √365 = 0.0382 (standard error of a variance ≈ 2.5 % here with fat tails)
    expect(Math.sqrt(va)).toBeCloseTo(0.365 / Math.sqrt(365), 3);
    expect(Math.sqrt(vb) / (0.73 / Math.sqrt(365))).toBeGreaterThan(0.95);
    expect(Math.sqrt(vb) / (0.73 / Math.sqrt(365))).toBeLessThan(1.05);
    // corr = ρ² for a one-factor model with loading ρ on both
    expect(cov / Math.sqrt(va * vb)).toBeGreaterThan(0.36 - 0.03);
    expect(cov / Math.sqrt(va * vb)).toBeLessThan(0.36 + 0.03);
    // the common-factor mix of two independent t(5) has excess kurtosis below 6 but well above 0
    const k = mean(ra.map((x) => (x - ma) ** 4)) / va ** 2 - 3;
    expect(k).toBeGreaterThan(1);
  });

  it('path k is the same whatever else is generated, and differs between k', () => {
    const a = scenarioPath({ ...spec, ticks: 50 }, 7);
    scenarioPath({ ...spec, ticks: 50 }, 3);
    expect(scenarioPath({ ...spec, ticks: 50 }, 7)).toEqual(a);
    expect(scenarioPath({ ...spec, ticks: 50 }, 8).marks).not.toEqual(a.marks);
  });

  it('uniforms are in (0, 1) with mean ½', () => {
    const r = new PathRng(1, 2);
    let s = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.uniform();
      expect(u > 0 && u < 1).toBe(true);
      s += u;
    }
    expect(s / 100_000).toBeCloseTo(0.5, 2);
  });
});

describe('historical episodes', () => {
  it('replay the chosen rows scaled', () => {
    const returns = [[0.01, 0], [-0.02, 0.01], [-0.05, -0.03], [0.03, 0.02]];
    const p = scenarioPath({ kind: 'historical', symbols: ['A', 'B'], start: [100, 10], returns, length: 2, scale: 2, starts: [1] }, 0);
    expect(p.marks[2]).toBeCloseTo(100 * Math.exp(-0.04), 12);
    expect(p.marks[4]).toBeCloseTo(100 * Math.exp(-0.04 - 0.1), 12);
    expect(p.marks[5]).toBeCloseTo(10 * Math.exp(0.02 - 0.06), 12);
  });

  it('validation names the field', () => {
    expect(() => validateScenario({ kind: 'historical', symbols: ['A'], start: [1], returns: [[0.1]], length: 2 })).toThrow(/scenario\.length/);
    expect(() => validateScenario({ kind: 'monte-carlo', symbols: ['A'], start: [1], ticks: 10, vol: [-1] })).toThrow(/scenario\.vol\[0\]/);
    expect(() => validateScenario({ kind: 'x' })).toThrow(/scenario\.kind/);
  });
});
