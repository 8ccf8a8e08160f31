/** The synthetic-data generator of the shipped crypto sample (seeded; byte-for-byte reproducible). */
export {
  generateSynthetic, toWideCsv, toLongCsv, writeSyntheticData, DEFAULT_SYNTHETIC, LONG_SAMPLE_DAYS, SYNTHETIC_FILES,
} from './synthetic.js';
export type { SyntheticParams, SyntheticSeries } from './synthetic.js';
export { venueDemo, writeVenueDemo, VENUE_DEMO_FILES } from './venue.js';
