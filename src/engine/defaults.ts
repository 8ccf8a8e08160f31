/**
 * The engine's defaults, one typed constant per concept (the VaR options' defaults live in their
 * schema, src/schemas/var.ts; each margin model's in its profile or config).
 */

/** `createEngine` options. Threads default to the machine's available parallelism. */
export const ENGINE_DEFAULTS = Object.freeze({ wasm: 'auto' as const });

/** `engine.backtest`: 99 % VaR, a rolling historical model on the previous 250 observations of P&L. */
export const BACKTEST_DEFAULTS = Object.freeze({
  confidence: 0.99,
  model: 'historical' as const,
  window: 250,
  /** EWMA decay of the `ewma` model (RiskMetrics daily). */
  lambda: 0.94,
  input: 'pnl' as const,
});

/** `engine.covariance`: the sample estimator; EWMA decay and Ledoit–Wolf target when asked for. */
export const COVARIANCE_DEFAULTS = Object.freeze({
  method: 'sample' as const,
  lambda: 0.94,
  target: 'identity' as const,
});
