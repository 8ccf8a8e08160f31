/**
 * Margin models behind one door: tiered exchange margin and liquidation prices
 * (`./tiered`), scenario-grid portfolio margin (`./grid`) and the shipped sample tier tables.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { loadTierTable } from './tiered/index.js';
import type { TierTable } from './tiered/index.js';

export * as tiered from './tiered/index.js';
export * as grid from './grid/index.js';
export * as varEs from './var-es/index.js';

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
