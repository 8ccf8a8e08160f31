/**
 * Venue risk engine: many accounts re-margined on each mark tick, liquidation cascades with market
 * impact, the insurance fund, auto-deleveraging or socialised losses, and solvency-buffer sizing
 * over stressed paths. Public door of src/solvency.
 */
export type {
  ImpactSpec, Waterfall, VenueConfig, PricePath, VenueEvent, VenueEventType, CurrencySummary, VenueSummary, VenueSeries, VenueResult,
} from './types.js';
export { prepareBook, toV, fromV, type VenueBook, type BookSymbols, type BookBasis, type PrepareOptions } from './book.js';
export { impactAt, impactIntegral, averageImpact } from './impact.js';
export { createState, resolveConfig, runTicks, ledger, ledgerScale, accountEquity, summarise, adlScore, type SimState, type SimConfig, type EventSink } from './sim.js';
export { validateConfig, validatePath, columnMap, initialMarks, startRun, continueRun, finishRun, simulateBook, type RunOptions } from './run.js';
export { PathRng, validateScenario, scenarioPath, scenarioTicks, parseFeedCsv, formatFeedCsv, type MonteCarloSpec, type HistoricalSpec, type ScenarioSpec } from './paths.js';
export { sizeChunk, aggregateSizing, tailCount, kthLargest, type SizingChunk, type SizingResult, type CurrencySizing } from './sizing.js';
export { syntheticVenue, type SyntheticVenue } from './synthetic.js';
