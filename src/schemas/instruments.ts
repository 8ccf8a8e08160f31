/**
 * Instrument books: positions (spot, futures, perps, options) and the spot market they are valued
 * on. A position is checked here for its shape; its fields are validated, with their names, when
 * the instrument table is built (src/instruments), so both paths give the same messages.
 */
import { z } from 'zod';
import type { Market, Position } from '../instruments/index.js';
import { matrixOf, priceOf } from './common.js';
import { LIMITS } from '../util/index.js';

const KINDS = new Set(['spot', 'linear-future', 'linear-perp', 'inverse-future', 'inverse-perp', 'option']);

/** One position: an object with a known `kind`, an `underlying` and a `quantity`. */
export const InstrumentPositionSchema = z.custom<Position>(
  (v) => typeof v === 'object' && v !== null && KINDS.has((v as { kind?: unknown }).kind as string)
    && typeof (v as { underlying?: unknown }).underlying === 'string' && typeof (v as { quantity?: unknown }).quantity === 'number',
  { message: `must be a position { kind: ${[...KINDS].map((k) => `'${k}'`).join(' | ')}, underlying, quantity, … }` },
);

/** A book of instrument positions. */
export const InstrumentBookSchema = z.strictObject({ positions: z.array(InstrumentPositionSchema).max(100_000) });

/** Spot prices by underlying and the valuation date (for ISO option expiries). */
export const InstrumentMarketSchema = z.strictObject({
  prices: z.record(z.string(), priceOf(LIMITS.price)),
  valuationDate: z.string().optional(),
}).transform((m): Market => m);

/** A price history of underlyings: dates, symbols and a dates × symbols matrix of prices. */
export const PriceSeriesSchema = z.strictObject({
  dates: z.array(z.string()).min(2).max(100_000),
  symbols: z.array(z.string().min(1)).min(1).max(1000),
  /** Prices in (0, LIMITS.price]; positivity is checked with the dates by src/market. */
  prices: matrixOf({ min: 2, max: 100_000, maxAbs: LIMITS.price }),
});
