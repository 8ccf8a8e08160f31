/** Seeded synthetic price histories for the VaR/ES margin tests. */
import { mulberry32 } from '../../helpers.js';
import type { PriceSeries } from '../../../src/market/index.js';

/** mulberry32 (shared test generator): seeded uniforms on [0, 1). */
export const uniform = mulberry32;

/** Standard normals by Box–Muller from a seeded uniform stream. */
export function normals(seed: number): () => number {
  const u = uniform(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) { const z = spare; spare = null; return z; }
    let u1 = u();
    while (u1 === 0) u1 = u();
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

export interface GbmSpec {
  symbols: string[];
  /** Starting prices, one per symbol. */
  start: number[];
  /** Daily log-return vol per symbol, or a function of the day t (1…days) giving it. */
  vol: number[] | ((t: number, j: number) => number);
  /** Common correlation between the symbols' shocks (one-factor). Default 0. */
  rho?: number;
  days: number;
  seed: number;
  /** Extra log return added on day t to symbol j (e.g. a crash). */
  jump?: (t: number, j: number) => number;
}

/**
 * Driftless-in-log GBM: ln P_t = ln P_{t−1} + σ_t·(√ρ·Z_common + √(1−ρ)·Z_j) + jump(t, j); dates ISO from 2015-01-01.
 * `days` returns, so `days + 1` prices.
 */
export function gbmHistory(spec: GbmSpec): PriceSeries {
  const z = normals(spec.seed);
  const rho = spec.rho ?? 0;
  const n = spec.symbols.length;
  const vol = typeof spec.vol === 'function' ? spec.vol : (_t: number, j: number) => (spec.vol as number[])[j];
  const prices: number[][] = [spec.start.slice()];
  const dates: string[] = [isoDay(0)];
  for (let t = 1; t <= spec.days; t++) {
    const common = z();
    const prev = prices[t - 1];
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const e = Math.sqrt(rho) * common + Math.sqrt(1 - rho) * z();
      row[j] = prev[j] * Math.exp(vol(t, j) * e + (spec.jump?.(t, j) ?? 0));
    }
    prices.push(row);
    dates.push(isoDay(t));
  }
  return { dates, symbols: spec.symbols.slice(), prices };
}

export function isoDay(t: number): string {
  return new Date(Date.UTC(2015, 0, 1) + t * 86_400_000).toISOString().slice(0, 10);
}

/** Market at the last price of every symbol. */
export function lastPrices(h: PriceSeries): { prices: Record<string, number> } {
  const last = h.prices[h.prices.length - 1];
  return { prices: Object.fromEntries(h.symbols.map((s, j) => [s, last[j]])) };
}
