/**
 * Venue presets and the venues' own tier payloads. The public door of src/venues:
 * - `VenuePreset`, `venuePreset(name)`, `VENUE_PRESETS`, `VENUE_NAMES`: each venue product's margin
 *   conventions as data (maintenance basis, fee reservation, payload format, grid profile, sources);
 * - `loadVenueTiers(format, payload, opts)` and the per-venue `parse…` loaders: venue JSON → tier tables;
 * - `venueTables(preset, payload)`: the tables of a preset from its venue's payload;
 * - `deribitOptionMargin`, `deribitFutureTable`: the two Deribit formulas that are not tier data.
 */
export { VENUE_PRESETS, VENUE_NAMES, venuePreset } from './presets.js';
export type { VenuePreset, VenueSource, MaintenanceBasis, PayloadFormat } from './presets.js';
export {
  loadVenueTiers, parseBinanceUsdm, parseBinanceCoinm, parseBybit, parseOkx, parseGate, parseDeribit,
  deribitFutureTable, DERIBIT_FUTURE_RATES,
} from './loaders.js';
export type { LoaderOptions, DeribitFutureRates } from './loaders.js';
export { deribitOptionMargin } from './deribit.js';
export type { DeribitOptionInput } from './deribit.js';
export { venueTables, venueTieredOptions } from './apply.js';
export { applyVenue } from './request.js';
export type { VenueMarket } from './request.js';
