/**
 * Magnitude bounds on numeric inputs, one constant per kind of quantity (documented in the README,
 * "Input limits"). Each is far above any real book yet small enough that no product a kernel forms
 * can overflow a double (max ≈ 1.8e308): the largest is a variance of P&L, exposure² × covariance ×
 * horizon ≤ (1e15)² × 1e4 × 3650 ≈ 4e37; a notional is quantity × size × price ≤ 1e15 × 1e6 × 1e12 = 1e33.
 * A finite input outside them is rejected naming the field and the limit, before any work starts.
 */
export const LIMITS = Object.freeze({
  /** Prices (spot, marks, entry, strikes, price histories), quote currency: in (0, 1e12]. */
  price: 1e12,
  /** Position quantities (units or contracts), absolute. */
  quantity: 1e15,
  /** Contract sizes and contract values (USD for inverse contracts). */
  contractSize: 1e6,
  /** Exposures of a linear book per factor, quote currency, absolute (world GDP is ~1e14). */
  exposure: 1e15,
  /** P&L, losses, forecasts, margins, balances, thresholds: quote currency, absolute. */
  pnl: 1e15,
  /** Returns and shocks per period (log or simple), absolute: 10 is e^10 ≈ ×22,000 in a day. */
  returns: 10,
  /** Covariance entries of per-period returns, absolute (a variance of 1e4 is a 10,000 % daily vol). */
  covariance: 1e4,
  /** Per-period vols of `market.vols` (square root of the covariance bound). */
  vol: 100,
  /** Annual interest rates and dividend yields, absolute (100 = 10,000 % a year). */
  rate: 1,
  /** Option expiries in years. */
  expiryYears: 100,
});

/** A limit as written in error messages: `1e+15` for large ones, `10` for small ones. */
export const formatLimit = (x: number): string => (Math.abs(x) >= 1e6 ? x.toExponential() : String(x));
