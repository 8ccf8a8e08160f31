import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LONG_SAMPLE_DAYS, generateSynthetic, toLongCsv, toWideCsv } from '../../../src/apps/synthetic/synthetic.js';
import { parseCsv } from '../../../src/market/index.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'data', 'crypto');
const series = generateSynthetic();

function logReturns(col: number[]): number[] {
  return col.slice(1).map((x, t) => Math.log(x / col[t]));
}

function lag1AutocorrOfSquares(r: number[]): number {
  const sq = r.map((x) => x * x);
  const m = sq.reduce((a, b) => a + b, 0) / sq.length;
  let num = 0;
  let den = 0;
  for (let t = 0; t < sq.length; t++) {
    den += (sq[t] - m) ** 2;
    if (t > 0) num += (sq[t] - m) * (sq[t - 1] - m);
  }
  return num / den;
}

describe('synthetic crypto data', () => {
  it('regenerating with the defaults gives the shipped CSV files byte for byte', () => {
    expect(toWideCsv(series)).toBe(readFileSync(join(dir, 'synthetic-daily.csv'), 'utf8'));
    expect(toLongCsv(series, LONG_SAMPLE_DAYS)).toBe(readFileSync(join(dir, 'synthetic-long.csv'), 'utf8'));
  });

  it('is reproducible for a seed and different for another seed', () => {
    expect(generateSynthetic({ seed: 5, days: 50 }).prices).toEqual(generateSynthetic({ seed: 5, days: 50 }).prices);
    expect(generateSynthetic({ seed: 6, days: 50 }).prices).not.toEqual(generateSynthetic({ seed: 5, days: 50 }).prices);
  });

  it('has ~4 years of daily closes at realistic levels', () => {
    expect(series.symbols).toEqual(['BTC', 'ETH', 'SOL']);
    expect(series.dates.length).toBe(1461);
    const btc = series.prices.map((r) => r[0]);
    const eth = series.prices.map((r) => r[1]);
    expect(Math.min(...btc)).toBeGreaterThan(15_000);
    expect(Math.max(...btc)).toBeLessThan(90_000);
    expect(Math.min(...eth)).toBeGreaterThan(700);
    expect(Math.max(...eth)).toBeLessThan(6_000);
  });

  it('has annualized vols in a plausible crypto band and clustered volatility', () => {
    series.symbols.forEach((sym, j) => {
      const r = logReturns(series.prices.map((row) => row[j]));
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      const vol = Math.sqrt((r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1)) * 365);
      expect(vol, sym).toBeGreaterThan(0.35);
      expect(vol, sym).toBeLessThan(1.3);
      expect(lag1AutocorrOfSquares(r), sym).toBeGreaterThan(0.05);
    });
  });

  it('contains crash days of 10 % or worse', () => {
    expect(series.crashDays.length).toBeGreaterThan(0);
    const btc = series.prices.map((r) => r[0]);
    const worst = Math.min(...logReturns(btc));
    expect(Math.expm1(worst)).toBeLessThan(-0.1);
  });

  it('the long-format sample parses to the same closes as the wide file', () => {
    const wide = parseCsv(readFileSync(join(dir, 'synthetic-daily.csv'), 'utf8'));
    const long = parseCsv(readFileSync(join(dir, 'synthetic-long.csv'), 'utf8'));
    expect(long.symbols.slice().sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(long.dates).toEqual(wide.dates.slice(-LONG_SAMPLE_DAYS));
    const j = long.symbols.indexOf('ETHUSDT');
    expect(long.prices.map((r) => r[j])).toEqual(wide.prices.slice(-LONG_SAMPLE_DAYS).map((r) => r[1]));
  });
});
