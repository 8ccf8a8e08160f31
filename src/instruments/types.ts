/**
 * Position, market and scenario types of the object API (discriminated union on `kind`).
 * Prices are in the quote currency (USD); quantities are signed (long > 0, short < 0).
 */
import type { OptionStyle, OptionType, PricingModel } from './pricing.js';

interface PositionCommon {
  /** Optional label echoed in results. */
  id?: string;
  /** Underlying symbol, a key of `market.prices` (e.g. 'BTC'). */
  underlying: string;
  /** Signed number of contracts (or units for spot). */
  quantity: number;
}

/** Spot holding: P&L = quantity · contractSize · (S1 − S0) USD. */
export interface SpotPosition extends PositionCommon {
  kind: 'spot';
  /** Units of underlying per quantity unit (default 1). */
  contractSize?: number;
}

/** USD-margined future or perpetual: P&L = quantity · contractSize · (F1 − F0) USD. */
export interface LinearFuturePosition extends PositionCommon {
  kind: 'linear-future' | 'linear-perp';
  /** Units of underlying per contract (default 1). */
  contractSize?: number;
  /** Mark price F0 of this contract (default: `market.prices[underlying]`); moves with the underlying. */
  markPrice?: number;
}

/**
 * Coin-margined (inverse) future or perpetual with a fixed USD face per contract:
 * P&L in coin = quantity · contractValueUsd · (1/F0 − 1/F1); in USD at F1 that is quantity · contractValueUsd · (F1/F0 − 1).
 */
export interface InverseFuturePosition extends PositionCommon {
  kind: 'inverse-future' | 'inverse-perp';
  /** USD face value of one contract (e.g. 100 for BTC inverse perps on some venues). */
  contractValueUsd: number;
  /** Mark price F0 (default: `market.prices[underlying]`). */
  markPrice?: number;
}

/** European option; inverse style is coin-settled (value in coin = linear value / underlying price). */
export interface OptionPosition extends PositionCommon {
  kind: 'option';
  optionType: OptionType;
  style: OptionStyle;
  /** Strike in USD (> 0). */
  strike: number;
  /** Years to expiry (number ≥ 0) or an ISO date (then `market.valuationDate` is required; ACT/365). */
  expiry: number | string;
  /** Implied volatility, annual decimal (0.6 = 60 %). */
  vol: number;
  /** Continuously compounded rate (default 0). */
  rate?: number;
  /** Dividend / carry yield q for Black–Scholes (default 0); ignored by Black-76. */
  dividendYield?: number;
  /** Default 'black-scholes' (with rate = q = 0 it coincides with Black-76). */
  model?: PricingModel;
  /** Units of underlying per contract (default 1; Deribit BTC options are 1 BTC). */
  contractSize?: number;
  /** Model underlying input (spot for BS, forward for Black-76); default `market.prices[underlying]`. */
  underlyingPrice?: number;
}

export type Position = SpotPosition | LinearFuturePosition | InverseFuturePosition | OptionPosition;
export type PositionKind = Position['kind'];

/** Market state: one USD price per underlying, and a valuation date when expiries are ISO dates. */
export interface Market {
  prices: Record<string, number>;
  /** ISO date-time; required when any option expiry is an ISO date. */
  valuationDate?: string;
}

/**
 * One scenario. A number applies to every underlying; a record applies per underlying symbol
 * (underlyings not named get 0; names not in the portfolio are ignored).
 */
export interface Scenario {
  /** Relative price move of the underlying (0.1 = +10 %); must be > −1. Default 0. */
  move?: number | Record<string, number>;
  /** Absolute implied-vol shift in vol units (0.05 = +5 vol points); shocked vol is floored at 0. Default 0. */
  volShift?: number | Record<string, number>;
  /** Relative implied-vol shift (0.25 = vol × 1.25); applied with `volShift`: σ' = σ + volShift + σ·volShiftRelative. */
  volShiftRelative?: number | Record<string, number>;
  /** Calendar days elapsed (time decay of options; futures basis is not modelled). Default 0. */
  horizonDays?: number;
}

/** Revaluation result of one position under one scenario. */
export interface PositionPnl {
  index: number;
  id?: string;
  underlying: string;
  kind: PositionKind;
  /** P&L in USD (inverse instruments: coin P&L converted at the shocked price). */
  pnl: number;
  /** P&L in the settlement currency: USD for linear, coin for inverse instruments. */
  pnlSettlement: number;
  settlementCurrency: 'USD' | 'coin';
  /** Price of the instrument's reference (mark, forward or spot) before and after the move. */
  priceBefore: number;
  priceAfter: number;
}

export interface RevaluationResult {
  /** Sum of position P&L, USD. */
  total: number;
  positions: PositionPnl[];
}
