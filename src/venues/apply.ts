/** A preset applied to a tiered request: its tables from the venue's payload and its conventions. */
import { ValidationError, describeValue } from '../errors/index.js';
import type { tiered } from '../margin/index.js';
import { loadVenueTiers, type LoaderOptions } from './loaders.js';
import type { VenuePreset } from './presets.js';

/**
 * Tier tables of a preset from its venue's own payload.
 * @throws {ValidationError} naming `field` when the preset reads no payload, or the payload's field
 */
export function venueTables(preset: VenuePreset, payload: unknown, opts: LoaderOptions = {}, field = 'tiers'): tiered.TierTable[] {
  if (preset.payload === null) {
    throw new ValidationError(field, 'venue', `preset ${preset.name} reads no tier payload (its model is ${preset.model}); got ${describeValue(payload)}`);
  }
  return loadVenueTiers(preset.payload, payload, opts, field);
}

/** The tiered-model options a preset implies for a margin mode (caller's options win). */
export function venueTieredOptions(preset: VenuePreset, mode: 'isolated' | 'cross'): { maintenanceBasis: 'liquidation' | 'mark' | 'entry'; feeAt: 'bankruptcy' | 'liquidation' } {
  return { maintenanceBasis: preset.maintenanceBasis[mode], feeAt: preset.feeAt };
}
