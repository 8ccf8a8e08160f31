/** The sample tier tables shipped in data/tiers. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../util/index.js';
import { loadTierTable } from './table.js';
import type { TierTable } from './table.js';

let samples: Record<string, TierTable> | undefined;

/**
 * The sample tier tables shipped in data/tiers (BTCUSDT, ETHUSDT, BTCUSD_PERP inverse), keyed by
 * symbol. Illustrative tables modelled on public exchange brackets, not live venue data.
 */
export function sampleTierTables(): Record<string, TierTable> {
  if (samples) return samples;
  const dir = join(packageRoot(), 'data', 'tiers');
  const out: Record<string, TierTable> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const t = loadTierTable(join(dir, f));
    out[t.symbol] = t;
  }
  return (samples = out);
}
