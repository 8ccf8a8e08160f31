/**
 * A deterministic synthetic venue (accounts and tier tables) for demos, benchmarks and tests:
 * SYNTHETIC data, not any venue's book.
 *
 * Symbols S0USDT … S{n−1}USDT (linear, USDT) with the BTCUSDT sample brackets rescaled to each
 * symbol's price; accounts 40 % cross, 60 % isolated, 1–3 positions each, 55 % long, notional
 * lognormal around 5,000 USDT, leverage drawn from {2, 3, 5, 10, 20, 25, 50, 75, 100} and capped
 * by the tier's maximum, entry prices within a few percent of the start marks (moved to a loss of a
 * quarter of the margin where the draw would have lost more than half: the book starts healthy).
 */
import { sampleTierTables } from '../margin/index.js';
import type { tiered } from '../margin/index.js';
import { PathRng } from './paths.js';

export interface SyntheticVenue {
  accounts: tiered.Account[];
  tables: tiered.TierTableInput[];
  symbols: string[];
  start: number[];
}

const LEVERAGES = [2, 3, 5, 10, 20, 25, 50, 75, 100];

/** `n` accounts over `symbols` linear symbols (seeded; same output everywhere). */
export function syntheticVenue(n: number, symbols = 10, seed = 1): SyntheticVenue {
  const btc = sampleTierTables().BTCUSDT!;
  const names = Array.from({ length: symbols }, (_, i) => (i === 0 ? 'BTCUSDT' : i === 1 ? 'ETHUSDT' : `S${i}USDT`));
  const start = names.map((_, i) => (i === 0 ? 40000 : i === 1 ? 2000 : 10 * (i + 1)));
  const tables: tiered.TierTableInput[] = names.map((symbol) => ({
    symbol, contract: 'linear', settleCurrency: 'USDT', bracketUnit: 'quote', contractValue: 1,
    source: 'Synthetic: the BTCUSDT sample brackets', tiers: btc.tiers.map(({ maintenanceAmount: _a, ...t }) => t),
  }));
  const rng = new PathRng(seed, 0x5eed);
  const accounts: tiered.Account[] = [];
  for (let a = 0; a < n; a++) {
    const cross = rng.uniform() < 0.4;
    const k = 1 + Math.floor(rng.uniform() * 3);
    const used = new Set<number>();
    const positions: tiered.Position[] = [];
    for (let j = 0; j < k; j++) {
      // BTC and ETH hold most of the open interest
      const u = rng.uniform();
      const s = u < 0.35 ? 0 : u < 0.55 ? 1 : 2 + Math.floor(rng.uniform() * Math.max(1, symbols - 2));
      const si = Math.min(symbols - 1, s);
      if (used.has(si)) continue;
      used.add(si);
      const notional = Math.min(200_000, 5000 * Math.exp(1.2 * rng.normal()));
      let entry = start[si]! * Math.exp(0.02 * rng.normal());
      const tier = btc.tiers.find((t) => notional <= t.cap) ?? btc.tiers[btc.tiers.length - 1]!;
      const lev = Math.min(tier.maxLeverage, LEVERAGES[Math.floor(rng.uniform() * LEVERAGES.length)]!);
      const side = rng.uniform() < 0.55 ? 1 : -1;
      // a healthy book at the start marks: no position has lost more than half its margin
      if ((side * (start[si]! - entry)) / entry < -0.5 / lev) entry = start[si]! * (1 + (side * 0.25) / lev);
      positions.push({ symbol: names[si]!, contract: 'linear', qty: side * Number((notional / entry).toPrecision(6)), entryPrice: Number(entry.toPrecision(8)), leverage: lev });
    }
    const margin = positions.reduce((m, p) => m + (Math.abs(p.qty) * p.entryPrice) / p.leverage, 0);
    const wallet = Number((margin * (1 + 0.5 * rng.uniform())).toFixed(2)) + 0.01;
    accounts.push({ mode: cross ? 'cross' : 'isolated', walletBalance: wallet, collateralCurrency: 'USDT', positions });
  }
  return { accounts, tables, symbols: names, start };
}
