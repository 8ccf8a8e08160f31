/**
 * Public door of the stress module: CCP stress exposures, Cover-1/Cover-2 default fund sizing and
 * allocation, the default waterfall (integer minor units), hypothetical and reverse stress of a
 * linear book. Pure functions.
 */
export { uncoveredExposures, defaultFundSize, allocateDefaultFund, toMinorUnits } from './ccp.js';
export type {
  ClearingMember,
  MemberExposure,
  GroupExposure,
  DefaultFundSize,
  AllocationOptions,
  FundAllocation,
} from './ccp.js';
export { defaultWaterfall } from './waterfall.js';
export type { WaterfallMember, WaterfallInput, WaterfallLayer, WaterfallLayerName, WaterfallResult } from './waterfall.js';
export { linearPnl, hypotheticalStress, reverseStressUniform, reverseStressWorstDirection } from './reverse.js';
export type { ShockCheck, UniformReverseStress, WorstDirectionReverseStress, ScenarioResult } from './reverse.js';
export { stressBook, historicalEpisodes, reverseUniform, DEFAULT_SHOCKS } from './book.js';
export type { HypotheticalShock, Driver, StressResult, BookStressOptions } from './book.js';
