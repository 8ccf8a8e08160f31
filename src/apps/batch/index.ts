/**
 * The main job (`npm start`, `margin-engine report`): sample accounts on shipped market data,
 * margin under every model, VaR/ES by method, liquidation, stress, backtests and an optimizer
 * hedge on one engine, with a terminal summary and a self-contained HTML report.
 */
export { runBatch, BATCH_DEFAULTS } from './batch.js';
export type { BatchOptions, BatchResult, AccountResult, VarRow, TieredSummary, GridSummary, BacktestSummary } from './types.js';
