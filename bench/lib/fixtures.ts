/**
 * Deterministic benchmark inputs (synthetic, labelled as such): option books, revaluation
 * scenarios, grid-margin accounts and return matrices. Same seed → same inputs in every run.
 */
import type { Position, Scenario } from '../../src/instruments/index.js';
import { mulberry32, normals } from './suite.js';

export const PRICES: Record<string, number> = { BTC: 60_000, ETH: 3_000, SOL: 150 };

const round = (x: number, step: number): number => Math.round(x / step) * step;

/**
 * `n` European options on BTC and ETH: half inverse (Deribit style, coin-settled, Black-76 on the
 * forward), half linear (USD-settled, alternating Black–Scholes with r = 3 %, q = 1 % and Black-76);
 * calls and puts, strikes 60–140 % of spot, expiries 7 days–1 year, vols 35–110 %.
 */
export function optionBook(n: number, seed = 7): Position[] {
  const rnd = mulberry32(seed);
  const out: Position[] = [];
  for (let i = 0; i < n; i++) {
    const underlying = rnd() < 0.6 ? 'BTC' : 'ETH';
    const spot = PRICES[underlying];
    const inverse = i % 2 === 0;
    const bs = !inverse && i % 4 === 1;
    out.push({
      kind: 'option', id: `opt${i}`, underlying,
      quantity: (rnd() < 0.5 ? -1 : 1) * round(0.1 + 9.9 * rnd(), 0.1),
      optionType: rnd() < 0.5 ? 'call' : 'put',
      style: inverse ? 'inverse' : 'linear',
      strike: round(spot * (0.6 + 0.8 * rnd()), underlying === 'BTC' ? 500 : 25),
      expiry: (7 + 358 * rnd()) / 365,
      vol: 0.35 + 0.75 * rnd(),
      model: bs ? 'black-scholes' : 'black-76',
      ...(bs ? { rate: 0.03, dividendYield: 0.01 } : {}),
    });
  }
  return out;
}

/**
 * `n` one-day scenarios: correlated BTC/ETH/SOL moves (daily vols 4/5/7 %, 5 % of days in a 3× stress
 * regime, floored at −60 %), a common absolute implied-vol shift (sd 5 vol points, clamped to
 * ±25) and one day of time decay.
 */
export function revaluationScenarios(n: number, seed = 11): Scenario[] {
  const rnd = mulberry32(seed);
  const z = normals(rnd);
  const out: Scenario[] = [];
  for (let s = 0; s < n; s++) {
    const k = rnd() < 0.05 ? 3 : 1;
    const m = z();
    const mv = (vol: number, rho: number): number => Math.max(-0.6, k * vol * (rho * m + Math.sqrt(1 - rho * rho) * z()));
    out.push({
      move: { BTC: mv(0.04, 0.9), ETH: mv(0.05, 0.85), SOL: mv(0.07, 0.7) },
      volShift: Math.max(-0.25, Math.min(0.25, 0.05 * z() - 0.3 * m * 0.04 * k)),
      horizonDays: 1,
    });
  }
  return out;
}

/** Position mix of the grid-margin accounts (per account of 50 positions). */
export const GRID_MIX = 'per account: 60 % delta-one (linear and inverse perps, linear and inverse futures, spot — 6 each of 50) and 40 % options (10 linear, 10 inverse; Black–Scholes and Black-76), on BTC, ETH and SOL';

/**
 * `accounts` accounts of `positions` positions each: the first 60 % delta-one (cycling linear perp,
 * inverse perp, linear future, inverse future, spot), the rest options (alternating linear / inverse).
 */
export function gridAccounts(accounts: number, positions: number, seed = 5): { positions: Position[] }[] {
  const rnd = mulberry32(seed);
  const unds = ['BTC', 'ETH', 'SOL'];
  const nDelta = Math.round(positions * 0.6);
  const out: { positions: Position[] }[] = [];
  for (let a = 0; a < accounts; a++) {
    const ps: Position[] = [];
    for (let j = 0; j < positions; j++) {
      const underlying = unds[Math.floor(rnd() * (rnd() < 0.5 ? 1 : 3))];
      const spot = PRICES[underlying];
      const sign = rnd() < 0.55 ? 1 : -1;
      if (j < nDelta) {
        const units = sign * round((0.5 + 4 * rnd()) * (60_000 / spot) * 0.1, 0.001);
        switch (j % 5) {
          case 0: ps.push({ kind: 'linear-perp', underlying, quantity: units }); break;
          case 1: ps.push({ kind: 'inverse-perp', underlying, quantity: Math.round(units * spot / 100), contractValueUsd: 100 }); break;
          case 2: ps.push({ kind: 'linear-future', underlying, quantity: units, markPrice: spot * (1 + 0.01 * rnd()) }); break;
          case 3: ps.push({ kind: 'inverse-future', underlying, quantity: Math.round(units * spot / 10), contractValueUsd: 10, markPrice: spot * (1 + 0.01 * rnd()) }); break;
          default: ps.push({ kind: 'spot', underlying, quantity: Math.abs(units) });
        }
      } else {
        const inverse = (j - nDelta) % 2 === 1;
        ps.push({
          kind: 'option', underlying, quantity: sign * round((0.1 + 2 * rnd()) * (60_000 / spot) * 0.1, 0.01),
          optionType: rnd() < 0.5 ? 'call' : 'put', style: inverse ? 'inverse' : 'linear',
          strike: spot * round(0.7 + 0.6 * rnd(), 0.05), expiry: (2 + 180 * rnd()) / 365, vol: 0.4 + 0.6 * rnd(),
          model: inverse ? 'black-76' : 'black-scholes',
        });
      }
    }
    out.push({ positions: ps });
  }
  return out;
}

/**
 * A T×N matrix of daily returns (row-major Float64Array): one market factor with loadings 0.3–1.2
 * plus idiosyncratic noise, scale ~1–3 %.
 */
export function returnsMatrix(rows: number, cols: number, seed = 3): { data: Float64Array; rows: number; cols: number } {
  const rnd = mulberry32(seed);
  const z = normals(rnd);
  const beta = Float64Array.from({ length: cols }, () => 0.3 + 0.9 * rnd());
  const idio = Float64Array.from({ length: cols }, () => 0.01 + 0.02 * rnd());
  const data = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    const m = 0.015 * z();
    for (let j = 0; j < cols; j++) data[t * cols + j] = 0.0002 + beta[j] * m + idio[j] * z();
  }
  return { data, rows, cols };
}
