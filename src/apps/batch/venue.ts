/**
 * The batch's venue crash replay: the shipped SYNTHETIC demo (data/venue: 400 accounts, a 240-tick
 * crash feed, venue rules) through engine.simulateVenue, reduced to what the report's cascade
 * chart and the summary show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../engine/index.js';
import type { tiered } from '../../margin/index.js';
import type { VenueSummary } from '../../solvency/index.js';
import { packageRoot } from '../../util/index.js';
import { VENUE_DEMO_FILES } from '../synthetic/index.js';

export interface VenueReplay {
  accounts: number;
  ticks: number;
  symbol: string;
  currency: string;
  labels: string[];
  mark: number[];
  feed: number[];
  liquidatedNotional: number[];
  fund: number[];
  adl: { index: number; fills: number }[];
  summary: VenueSummary;
  ms: number;
}

export async function venueReplay(engine: Engine): Promise<VenueReplay> {
  const dir = join(packageRoot(), 'data', 'venue');
  const { accounts, tables } = JSON.parse(readFileSync(join(dir, VENUE_DEMO_FILES.accounts), 'utf8')) as { accounts: tiered.Account[]; tables: tiered.TierTableInput[] };
  const config = JSON.parse(readFileSync(join(dir, VENUE_DEMO_FILES.config), 'utf8')) as Record<string, unknown>;
  const csv = readFileSync(join(dir, VENUE_DEMO_FILES.feed), 'utf8');
  const t0 = performance.now();
  const r = await engine.simulateVenue(accounts, { csv }, { ...config, tables }, { events: false });
  const ms = performance.now() - t0;
  const { series } = r;
  const nS = series.symbols.length;
  const nC = series.currencies.length;
  const s0 = series.symbols.indexOf('BTCUSDT');
  const c0 = series.currencies.indexOf('USDT');
  const T = series.times.length;
  const feedRows = csv.trim().split('\n').slice(1).filter((l) => l.split(',')[1] === 'BTCUSDT').map((l) => Number(l.split(',')[2]));
  const mark = Array.from({ length: T }, (_, t) => series.marks[t * nS + s0]!);
  return {
    accounts: accounts.length,
    ticks: T,
    symbol: 'BTCUSDT',
    currency: 'USDT',
    labels: Array.from(series.times, (t) => new Date(t).toISOString().slice(11, 16)),
    mark,
    feed: feedRows.length === T ? feedRows : mark,
    // size × mark summed over the linear USDT symbols
    liquidatedNotional: Array.from({ length: T }, (_, t) => {
      let x = 0;
      for (let s = 0; s < nS; s++) x += series.liquidated[t * nS + s]! * series.marks[t * nS + s]!;
      return x;
    }),
    fund: Array.from({ length: T }, (_, t) => series.fund[t * nC + c0]!),
    adl: Array.from(series.adl).flatMap((n, index) => (n > 0 ? [{ index, fills: n }] : [])),
    summary: r.summary,
    ms,
  };
}
