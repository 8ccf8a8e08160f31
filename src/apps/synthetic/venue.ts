/**
 * The shipped venue demo (data/venue): 400 SYNTHETIC accounts on BTCUSDT, ETHUSDT and one more
 * linear symbol, and a 240-tick (one minute each) crash feed: a Monte Carlo path with Student-t
 * moves, a −6 % drift over the four hours and market-wide jumps, written as timestamp,symbol,mark.
 * Seeded: regenerating gives the same bytes (a test checks the shipped files).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFeedCsv, scenarioPath, syntheticVenue, type MonteCarloSpec } from '../../solvency/index.js';

export const VENUE_DEMO_FILES = { accounts: 'demo-accounts.json', feed: 'crash-feed.csv', config: 'demo-config.json' } as const;

/** Start of the demo feed (timestamps in ms, one minute apart). */
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

export function venueDemo(): { accounts: string; feed: string; config: string } {
  const v = syntheticVenue(400, 3, 2026);
  const spec: MonteCarloSpec = {
    kind: 'monte-carlo', symbols: v.symbols, start: v.start, ticks: 239, dtDays: 1 / 1440,
    vol: [0.9, 1.1, 1.4], drift: [-130, -150, -180], rho: 0.85, df: 4, jumps: { intensity: 12, mean: -0.035, sd: 0.02 }, seed: 4,
  };
  const path = scenarioPath(spec, 0);
  path.times = Float64Array.from(path.times, (t) => T0 + 60_000 * t);
  // marks with 6 significant digits: the CSV is readable and exact to replay
  path.marks = Float64Array.from(path.marks, (m) => Number(m.toPrecision(6)));
  const config = {
    fund: { USDT: 3000 },
    waterfall: 'adl',
    takerFee: 0.0005,
    marginCallBuffer: 0.2,
    impact: {
      BTCUSDT: { model: 'sqrt', depth: 400, coefficient: 0.1 },
      ETHUSDT: { model: 'sqrt', depth: 8000, coefficient: 0.1 },
      S2USDT: { model: 'linear', depth: 200000, coefficient: 1 },
    },
    maxLiquidationPerTick: { BTCUSDT: 40, ETHUSDT: 800, S2USDT: 40000 },
  };
  return {
    accounts: `${JSON.stringify({ accounts: v.accounts, tables: v.tables }, null, 1)}\n`,
    feed: formatFeedCsv(path),
    config: `${JSON.stringify(config, null, 2)}\n`,
  };
}

/** Writes data/venue (or `dir`). */
export function writeVenueDemo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const d = venueDemo();
  writeFileSync(join(dir, VENUE_DEMO_FILES.accounts), d.accounts);
  writeFileSync(join(dir, VENUE_DEMO_FILES.feed), d.feed);
  writeFileSync(join(dir, VENUE_DEMO_FILES.config), d.config);
}
