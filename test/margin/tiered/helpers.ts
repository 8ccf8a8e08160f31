import { fileURLToPath } from 'node:url';
import { loadTierTable, maintenanceMargin, type TierTable } from '../../../src/margin/tiered/index.js';

const dataDir = fileURLToPath(new URL('../../../data/tiers/', import.meta.url));
export const btcUsdt: TierTable = loadTierTable(`${dataDir}sample-btc-usdt.json`);
export const ethUsdt: TierTable = loadTierTable(`${dataDir}sample-eth-usdt.json`);
export const btcUsdInverse: TierTable = loadTierTable(`${dataDir}sample-btc-usd-inverse.json`);
export const allTables = [btcUsdt, ethUsdt, btcUsdInverse];

/** Relative difference |a − b| / max(|a|, |b|, tiny). */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/**
 * Test-side re-statement of the position economics, independent of the solver:
 * linear: notional = |q|·cv·P, P&L = q·cv·(P − E); inverse: notional = |q|·cv/P coin, P&L = q·cv·(1/E − 1/P).
 */
export function economics(table: TierTable, qty: number, entry: number, price: number, cv = table.contractValue) {
  const notional = table.contract === 'linear' ? Math.abs(qty) * cv * price : (Math.abs(qty) * cv) / price;
  const pnl = table.contract === 'linear' ? qty * cv * (price - entry) : qty * cv * (1 / entry - 1 / price);
  return { notional, pnl, mm: maintenanceMargin(table, notional) };
}
