import type { Position, Scenario } from '../../src/instruments/index.js';

/** Sample crypto book: BTC/ETH linear perps and futures with short options. */
export const market = { prices: { BTC: 60000, ETH: 3000 } };

export const sampleBook: Position[] = [
  { id: 'btc-perp', kind: 'linear-perp', underlying: 'BTC', quantity: 5 },
  { id: 'btc-call', kind: 'option', optionType: 'call', style: 'linear', strike: 65000, expiry: 30 / 365, vol: 0.6, underlying: 'BTC', quantity: -10 },
  { id: 'eth-fut', kind: 'linear-future', underlying: 'ETH', quantity: 40 },
  { id: 'eth-put', kind: 'option', optionType: 'put', style: 'linear', strike: 2800, expiry: 30 / 365, vol: 0.7, underlying: 'ETH', quantity: -50 },
];

export const sampleHedges = [
  { id: 'BTC-PERP', position: { kind: 'linear-perp', underlying: 'BTC', quantity: 1 } as Position, lower: -20, upper: 20 },
  { id: 'ETH-PERP', position: { kind: 'linear-perp', underlying: 'ETH', quantity: 1 } as Position, lower: -200, upper: 200 },
  { id: 'BTC-55000-P', position: { kind: 'option', optionType: 'put', style: 'linear', strike: 55000, expiry: 30 / 365, vol: 0.62, underlying: 'BTC', quantity: 1 } as Position, lower: 0, upper: 20 },
  { id: 'ETH-2600-P', position: { kind: 'option', optionType: 'put', style: 'linear', strike: 2600, expiry: 30 / 365, vol: 0.72, underlying: 'ETH', quantity: 1 } as Position, lower: 0, upper: 100 },
  { id: 'BTC-70000-C', position: { kind: 'option', optionType: 'call', style: 'linear', strike: 70000, expiry: 30 / 365, vol: 0.6, underlying: 'BTC', quantity: 1 } as Position, lower: 0, upper: 20 },
];

export const deltaBounds = { BTC: [-0.5, 0.5], ETH: [-5, 5] } as const satisfies Record<string, readonly [number, number]>;

/** Correlated lognormal BTC/ETH moves (seeded Park–Miller + Box–Muller; fixture only). */
export function sampleScenarios(n: number, seed = 1): Scenario[] {
  let state = seed;
  const rnd = () => { state = (state * 16807) % 2147483647; return state / 2147483647; };
  const norm = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: n }, () => {
    const z1 = norm();
    const z2 = 0.8 * z1 + 0.6 * norm();
    return { move: { BTC: Math.exp(0.05 * z1) - 1, ETH: Math.exp(0.065 * z2) - 1 }, volShift: 0.02 * z1 * -1 };
  });
}
