/**
 * `{ venue, tiers }` in a tiered request's market: the preset's conventions and the venue's own
 * tier payload turned into the plain tiered request the margin model validates (on the calling
 * thread: payloads are a few dozen brackets).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { tiered } from '../margin/index.js';
import { venueTables, venueTieredOptions } from './apply.js';
import type { LoaderOptions } from './loaders.js';
import { venuePreset } from './presets.js';

/** Market of a tiered request with a venue: marks, the preset name, the venue's tier payload. */
export interface VenueMarket {
  marks: Record<string, number>;
  /** Preset name or alias (`bybit`, `binance-coinm`, `okx-swap`…). */
  venue: string;
  /** The venue's own tier payload (Bybit risk-limit, Binance leverageBracket…). */
  tiers?: unknown;
  /** What the payload does not carry (OKX contract value, a symbol filter). */
  tierOptions?: LoaderOptions;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Returns the request with `market.venue`/`market.tiers` replaced by `market.tables` and the preset's
 * maintenance basis and fee convention as option defaults (the caller's options win). Requests
 * without `market.venue` pass through unchanged.
 * @throws {ValidationError} naming `market.venue`, `market.tiers…` (rooted at `root`)
 */
export function applyVenue<R extends { portfolio?: unknown; market?: unknown; options?: unknown }>(req: R, root = ''): R {
  const market = req.market;
  if (!isObject(market) || market.venue === undefined) return req;
  const { venue, tiers, tierOptions, ...rest } = market;
  const preset = venuePreset(venue, `${root}market.venue`);
  if (preset.model !== 'tiered') {
    throw new ValidationError(`${root}market.venue`, 'venue', `preset ${preset.name} is a ${preset.model} model, not tiered; got ${describeValue(venue)}`, venue);
  }
  if (tiers !== undefined && rest.tables !== undefined) {
    throw new ValidationError(`${root}market.tiers`, 'exclusive', 'give either tiers (the venue payload) or tables, not both');
  }
  if (tierOptions !== undefined && !isObject(tierOptions)) {
    throw new ValidationError(`${root}market.tierOptions`, 'type', `must be an object; got ${describeValue(tierOptions)}`, tierOptions);
  }
  const tables = tiers !== undefined ? venueTables(preset, tiers, (tierOptions ?? {}) as LoaderOptions, `${root}market.tiers`).map(tiered.tierTableInput) : rest.tables;
  const mode = isObject(req.portfolio) && req.portfolio.mode === 'cross' ? 'cross' : 'isolated';
  const options = isObject(req.options) || req.options === undefined ? { ...venueTieredOptions(preset, mode), ...((req.options as object | undefined) ?? {}) } : req.options;
  return { ...req, market: { ...rest, ...(tables !== undefined ? { tables } : {}) }, options };
}
