/**
 * Scenario-grid portfolio margin (SPAN / portfolio-margin style): price × implied-vol grid per
 * underlying, extended moves, short-option and spread add-ons, inter-underlying credits.
 */
export {
  DEFAULT_GRID_PROFILE,
  corePriceMoves,
  resolveGridProfile,
  volShockScale,
  type GridMarginConfig,
  type GridMarginProfile,
  type OffsetPair,
  type VolShockProfile,
} from './profile.js';
export {
  gridMargin,
  gridMarginPrepared,
  gridMarginOfTable,
  gridMarginFromSums,
  gridPositionPnl,
  exposureSums,
  type UnderlyingSums,
  setVolScales,
  prepareGrid,
  type PreparedGrid,
  gridScenarios,
  type GridMarginResult,
  type GridScenario,
  type OffsetCredit,
  type UnderlyingAddOn,
  type UnderlyingRisk,
  type VolState,
} from './grid.js';
export { AccountPacker, packAccounts, prepareGridKernelInput } from './batch.js';
export type { PackedAccounts } from './batch.js';
