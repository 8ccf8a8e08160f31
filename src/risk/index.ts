/**
 * Risk measures of a P&L distribution: the tail convention, Monte Carlo orchestration (task
 * planning, exact tail merge, attribution replay), historical and filtered historical losses,
 * Cornish–Fisher, stressed windows, parametric normal, and ES attribution (component, marginal).
 */
export { tailCount, snapCeil, minTailSample, requireTailSample, levelsFromLosses, levelsFromSortedTail } from './tail.js';
export type { LevelResult } from './tail.js';
export { contributionsFrom, componentFromTail, parametricComponentEs } from './attribution.js';
export type { Contribution } from './attribution.js';
export { historicalLosses, historicalLossesFromPnl, windowReturns } from './historical.js';
export { cornishFisherLevels, dailyLosses, estimateCovariance, fhsReturns, moments, stressedWindow } from './history-methods.js';
export type { CovarianceModel, VolModel } from './history-methods.js';
export { cornishFisherVar, cornishFisherEs, filteredHistoricalScenarios, worstWindow } from './scenarios.js';
export type { WorstWindow } from './scenarios.js';
export { checkReturns, choleskyPacked, quadForm, resolveBook, resolveCovariance } from './inputs.js';
export type { ResolvedBook } from './inputs.js';
export { TailMerger, mcComponentEs, mergeTails, planTasks, runMonteCarlo } from './mc.js';
export type { McJob, McOutcome, Progress } from './mc.js';
export { parametricNormal } from './parametric.js';
