import { expect } from 'vitest';
import { ValidationError } from '../src/errors/index.js';
/** Shared fixtures for the core tests. */

/** The peers' deterministic covariance: B Bᵀ + diag(d²) with 3 factors (../shared/peers). */
export function peerCovariance(n: number): number[][] {
  const B = Array.from({ length: n }, (_, i) => [0, 1, 2].map((k) => 0.01 * Math.cos(1 + 0.7 * i + 1.3 * k + 0.37 * i * k)));
  const cov: number[][] = [];
  for (let i = 0; i < n; i++) {
    const fr = (0.6180339887498949 * (i + 1)) % 1;
    const d = 0.005 + 0.01 * fr;
    cov.push([]);
    for (let j = 0; j < n; j++) cov[i].push(B[i][0] * B[j][0] + B[i][1] * B[j][1] + B[i][2] * B[j][2]);
    cov[i][i] += d * d;
  }
  return cov;
}

/** σ_p = sqrt(w'Σw). */
export function portfolioSigma(w: number[], cov: number[][]): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) for (let j = 0; j < w.length; j++) s += w[i] * cov[i][j] * w[j];
  return Math.sqrt(s);
}

/** An equicorrelated covariance with vols `vols` and correlation `rho`. */
export function equicorrelated(vols: number[], rho: number): number[][] {
  return vols.map((vi, i) => vols.map((vj, j) => (i === j ? 1 : rho) * vi * vj));
}

/** mulberry32: the small seeded uniform generator on [0, 1) shared by the test fixtures. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `f`, expects it to throw a ValidationError, and returns that error. */
export function validationErrorOf(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

/** A two-position cross-margin exchange account (BTC long, ETH short) and its marks, for façade tests. */
export const CROSS_ACCOUNT = {
  mode: 'cross' as const, walletBalance: 20_000, collateralCurrency: 'USDT',
  positions: [
    { symbol: 'BTCUSDT', contract: 'linear' as const, qty: 2, entryPrice: 60_000, leverage: 20 },
    { symbol: 'ETHUSDT', contract: 'linear' as const, qty: -10, entryPrice: 3_000, leverage: 10 },
  ],
};
export const CROSS_MARKS = { BTCUSDT: 61_000, ETHUSDT: 3_100 };
