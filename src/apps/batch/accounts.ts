/**
 * Sample crypto accounts of the batch job. Each account is an instrument book (for the
 * scenario-grid margin, VaR and stress) and, for futures accounts, the same futures as an exchange
 * account (for tiered margin and liquidation prices). Sizes and entries are illustrative.
 */
import type { instruments, tiered } from '../../index.js';
import { optionGreeks } from '../../instruments/index.js';

type Position = instruments.Position;
type Account = tiered.Account;
type TierTableInput = tiered.TierTableInput;

/** Risk factors of the batch, in the column order of the shipped data. */
export const FACTORS = ['BTC', 'ETH', 'SOL'] as const;
export type Factor = (typeof FACTORS)[number];

/** An exchange account of tiered margin with the underlying of each contract symbol. */
export interface TieredAccountSpec {
  account: Account;
  /** Contract symbol → underlying factor (e.g. BTCUSD_PERP → BTC). */
  underlyingOf: Record<string, Factor>;
  /** USD per unit of the settlement currency at the marks (1 for USDT; the BTC mark for BTC). */
  usdPerUnit: number;
}

export interface SampleAccount {
  id: string;
  name: string;
  description: string;
  book: Position[];
  tiered?: TieredAccountSpec;
  /**
   * Capital backing the book, USD: the loss that wipes it out is the reverse-stress threshold.
   * Tiered accounts: the account equity; otherwise stated collateral.
   */
  capitalUsd: number | null;
  /** Holdings outside the tiered account added to its equity for the capital (spot legs), USD. */
  extraCapitalUsd?: number;
  capitalNote: string;
}

/**
 * Illustrative SOLUSDT linear-perp tier table (the shipped data/tiers has BTC and ETH only),
 * shaped like the venue brackets of mid-cap perpetuals. Not a live table.
 */
export const SOLUSDT_TABLE: TierTableInput = {
  symbol: 'SOLUSDT',
  contract: 'linear',
  settleCurrency: 'USDT',
  bracketUnit: 'quote',
  contractValue: 1,
  source: 'Illustrative sample for margin-engine examples (mid-cap perpetual brackets), not a live table.',
  tiers: [
    { floor: 0, cap: 5_000, maxLeverage: 50, maintenanceMarginRate: 0.01 },
    { floor: 5_000, cap: 50_000, maxLeverage: 25, maintenanceMarginRate: 0.025 },
    { floor: 50_000, cap: 250_000, maxLeverage: 20, maintenanceMarginRate: 0.03 },
    { floor: 250_000, cap: 1_000_000, maxLeverage: 10, maintenanceMarginRate: 0.05 },
    { floor: 1_000_000, cap: 5_000_000, maxLeverage: 5, maintenanceMarginRate: 0.1 },
  ],
};

const DAYS = 1 / 365;

/** Rounds to a multiple of `step`. */
function roundTo(x: number, step: number): number {
  return Math.round(x / step) * step;
}

/**
 * Delta of the options of `book` on `underlying` in underlying units, as the USD P&L of the
 * revaluation sees it: linear Δ, and Δ_c·S for inverse options (USD P&L = coin P&L × price).
 */
function optionDeltaUnits(book: Position[], underlying: string, S: number): number {
  let d = 0;
  for (const p of book) {
    if (p.kind !== 'option' || p.underlying !== underlying) continue;
    const g = optionGreeks({ optionType: p.optionType, underlyingPrice: S, strike: p.strike, expiryYears: p.expiry as number, vol: p.vol, style: p.style });
    d += g.delta * (p.style === 'inverse' ? S : 1) * p.quantity * (p.contractSize ?? 1);
  }
  return d;
}

/**
 * The four sample accounts at the given marks (USD per coin).
 * @param prices marks by factor, e.g. `{ BTC: 52000, ETH: 3000, SOL: 160 }`.
 */
export function sampleAccounts(prices: Record<Factor, number>): SampleAccount[] {
  const { BTC, ETH, SOL } = prices;

  // A. Directional trader: linear perps, cross margin in USDT.
  const dirAccount: Account = {
    mode: 'cross',
    walletBalance: 14_000,
    collateralCurrency: 'USDT',
    feeRate: 0.0005,
    positions: [
      { symbol: 'BTCUSDT', contract: 'linear', qty: 1.5, entryPrice: roundTo(BTC * 0.94, 10), leverage: 10 },
      { symbol: 'ETHUSDT', contract: 'linear', qty: -15, entryPrice: roundTo(ETH * 1.03, 1), leverage: 10 },
      { symbol: 'SOLUSDT', contract: 'linear', qty: 250, entryPrice: roundTo(SOL * 0.98, 0.01), leverage: 5 },
    ],
  };
  const directional: SampleAccount = {
    id: 'directional',
    name: 'Directional (USDT perps)',
    description:
      'A directional trader on USDT-margined linear perpetuals in cross margin: long BTC, short ETH, long SOL, 14,000 USDT wallet, 0.05 % taker fee reserved.',
    book: [
      { id: 'BTCUSDT', kind: 'linear-perp', underlying: 'BTC', quantity: 1.5 },
      { id: 'ETHUSDT', kind: 'linear-perp', underlying: 'ETH', quantity: -15 },
      { id: 'SOLUSDT', kind: 'linear-perp', underlying: 'SOL', quantity: 250 },
    ],
    tiered: { account: dirAccount, underlyingOf: { BTCUSDT: 'BTC', ETHUSDT: 'ETH', SOLUSDT: 'SOL' }, usdPerUnit: 1 },
    capitalUsd: null,
    capitalNote: 'account equity (wallet + unrealised P&L)',
  };

  // B. Coin-margined BTC: inverse perp, collateral in BTC (itself a long BTC exposure).
  const invWallet = 0.8;
  const invContracts = 2_000;
  const inverse: SampleAccount = {
    id: 'inverse',
    name: 'Inverse BTC perp (coin-margined)',
    description:
      'A long BTCUSD inverse perpetual (2,000 contracts × 100 USD) margined with 0.8 BTC in cross mode. The BTC collateral is itself a long BTC position, so the book is the perp plus 0.8 BTC spot.',
    book: [
      { id: 'BTCUSD_PERP', kind: 'inverse-perp', underlying: 'BTC', quantity: invContracts, contractValueUsd: 100 },
      { id: 'BTC collateral', kind: 'spot', underlying: 'BTC', quantity: invWallet },
    ],
    tiered: {
      account: {
        mode: 'cross',
        walletBalance: invWallet,
        collateralCurrency: 'BTC',
        feeRate: 0.0005,
        positions: [{ symbol: 'BTCUSD_PERP', contract: 'inverse', qty: invContracts, entryPrice: roundTo(BTC * 0.97, 10), leverage: 20 }],
      },
      underlyingOf: { BTCUSD_PERP: 'BTC' },
      usdPerUnit: BTC,
    },
    capitalUsd: null,
    capitalNote: 'account equity in BTC × BTC mark',
  };

  // C. Options book: Deribit-style inverse (coin-settled) options on BTC and ETH, BTC delta hedged
  // with an inverse future (10 USD contracts), ETH half hedged with a linear future.
  const opts: Position[] = [
    { id: 'BTC 30d C', kind: 'option', underlying: 'BTC', optionType: 'call', style: 'inverse', strike: roundTo(BTC * 1.15, 1000), expiry: 30 * DAYS, vol: 0.55, quantity: -25 },
    { id: 'BTC 30d P', kind: 'option', underlying: 'BTC', optionType: 'put', style: 'inverse', strike: roundTo(BTC * 0.85, 1000), expiry: 30 * DAYS, vol: 0.62, quantity: 20 },
    { id: 'BTC 7d P', kind: 'option', underlying: 'BTC', optionType: 'put', style: 'inverse', strike: roundTo(BTC * 0.93, 1000), expiry: 7 * DAYS, vol: 0.6, quantity: -15 },
    { id: 'ETH 60d C', kind: 'option', underlying: 'ETH', optionType: 'call', style: 'inverse', strike: roundTo(ETH * 1.15, 50), expiry: 60 * DAYS, vol: 0.7, quantity: 120 },
    { id: 'ETH 60d P', kind: 'option', underlying: 'ETH', optionType: 'put', style: 'inverse', strike: roundTo(ETH * 0.85, 50), expiry: 60 * DAYS, vol: 0.75, quantity: -120 },
  ];
  const btcDelta = optionDeltaUnits(opts, 'BTC', BTC);
  const ethDelta = optionDeltaUnits(opts, 'ETH', ETH);
  const options: SampleAccount = {
    id: 'options',
    name: 'Options book (inverse options)',
    description:
      'Deribit-style inverse (coin-settled) European options: short BTC calls, long BTC puts, short 7-day BTC puts, an ETH risk reversal; BTC delta hedged with an inverse future (10 USD contracts), ETH delta half hedged with a linear future. Collateral stated as 250,000 USD (USDC).',
    book: [
      ...opts,
      { id: 'BTC future hedge', kind: 'inverse-future', underlying: 'BTC', quantity: roundTo((-btcDelta * BTC) / 10, 1), contractValueUsd: 10 },
      { id: 'ETH future hedge', kind: 'linear-future', underlying: 'ETH', quantity: roundTo(-ethDelta / 2, 0.1) },
    ],
    capitalUsd: 250_000,
    capitalNote: 'stated collateral: 250,000 USDC (cross-collateral simplification)',
  };

  // D. Basis trade: long spot, short perp (cash and carry), a small residual long.
  const basis: SampleAccount = {
    id: 'basis',
    name: 'Basis trade (spot + short perp)',
    description:
      'Cash-and-carry: long 4 BTC and 40 ETH spot (held at a spot venue), short 3.8 BTCUSDT and 40 ETHUSDT perps at 8× in a 50,000 USDT cross account. The combined book is nearly delta neutral; the perp account alone is short and is liquidated on a rally.',
    book: [
      { id: 'BTC spot', kind: 'spot', underlying: 'BTC', quantity: 4 },
      { id: 'ETH spot', kind: 'spot', underlying: 'ETH', quantity: 40 },
      { id: 'BTCUSDT', kind: 'linear-perp', underlying: 'BTC', quantity: -3.8 },
      { id: 'ETHUSDT', kind: 'linear-perp', underlying: 'ETH', quantity: -40 },
    ],
    tiered: {
      account: {
        mode: 'cross',
        walletBalance: 50_000,
        collateralCurrency: 'USDT',
        feeRate: 0.0005,
        positions: [
          { symbol: 'BTCUSDT', contract: 'linear', qty: -3.8, entryPrice: roundTo(BTC * 0.96, 10), leverage: 8 },
          { symbol: 'ETHUSDT', contract: 'linear', qty: -40, entryPrice: roundTo(ETH * 0.97, 1), leverage: 8 },
        ],
      },
      underlyingOf: { BTCUSDT: 'BTC', ETHUSDT: 'ETH' },
      usdPerUnit: 1,
    },
    capitalUsd: null,
    extraCapitalUsd: 4 * BTC + 40 * ETH,
    capitalNote: 'perp account equity + spot holdings at the marks',
  };
  return [directional, inverse, options, basis];
}
