/**
 * Venue presets: each venue's margin conventions as data over the one tiered/grid engine. A preset
 * says which notional maintenance is taken on, where the fee to close is reserved, which payload
 * loader reads its tier tables, what it models and what it leaves out, and the documentation it
 * follows (with the date it was read). No per-venue solver code: the differences are these fields.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { grid } from '../margin/index.js';

type GridMarginConfig = grid.GridMarginConfig;

/** Notional the maintenance margin is taken on (see the tiered model's `maintenanceBasis`). */
export type MaintenanceBasis = 'liquidation' | 'mark' | 'entry';

/** Payload formats the loaders read (one per venue endpoint). */
export type PayloadFormat = 'binance-usdm' | 'binance-coinm' | 'bybit' | 'okx' | 'gate' | 'deribit';

export interface VenueSource {
  readonly title: string;
  readonly url: string;
  /** Date the documentation was read (ISO). */
  readonly read: string;
}

/** One venue product's margin conventions. */
export interface VenuePreset {
  /** Preset name, e.g. `bybit-linear`. */
  readonly name: string;
  readonly venue: 'binance' | 'bybit' | 'okx' | 'gate' | 'deribit';
  readonly product: string;
  readonly contract: 'linear' | 'inverse';
  /** The margin model the preset feeds. */
  readonly model: 'tiered' | 'scenario-grid' | 'deribit-options';
  /** Tiered model conventions, by margin mode. */
  readonly maintenanceBasis: { readonly isolated: MaintenanceBasis; readonly cross: MaintenanceBasis };
  /** Where the fee to close (the account's `feeRate`) is reserved. */
  readonly feeAt: 'bankruptcy' | 'liquidation';
  /** Standard taker fee of the venue's base tier (informational; the account's feeRate decides). */
  readonly takerFee: number;
  /** The loader of the venue's tier payload (null: no payload, the preset carries its own table or grid). */
  readonly payload: PayloadFormat | null;
  /** Grid profile (portfolio margin presets). */
  readonly grid?: Readonly<GridMarginConfig>;
  /** What the preset models. */
  readonly models: readonly string[];
  /** What it leaves out. */
  readonly leavesOut: readonly string[];
  readonly sources: readonly VenueSource[];
}

const READ = '2026-12-04';

const BINANCE_SRC: VenueSource = { title: 'Binance, "How to Calculate Liquidation Price of USDⓈ-M Contracts" and "Leverage and Margin of USDⓈ-M Futures"', url: 'https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-contracts-b3c689c1f50a44cabb3a84e663b81d93', read: READ };
const BYBIT_SRC: VenueSource = { title: 'Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)" (page updated 2026-05-27)', url: 'https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account', read: READ };
const BYBIT_INV_SRC: VenueSource = { title: 'Bybit, "How to calculate Liquidation Price (Inverse Contract)" (cross example: bankruptcy 5718.57)', url: 'https://help.bybit.com/hc/en-us/articles/360039261334-How-to-calculate-Liquidation-Price-Inverse-Contract-', read: READ };
const FREQTRADE_SRC: VenueSource = { title: 'freqtrade, freqtrade/exchange/exchange.py dry_run_liquidation_price (Gate, OKX: (E ∓ WB/size)/(1 ∓ (mmr + taker))) and bybit.py (entry-value MM)', url: 'https://github.com/freqtrade/freqtrade', read: READ };

/** Every preset, by name. */
export const VENUE_PRESETS: Readonly<Record<string, VenuePreset>> = Object.freeze({
  'binance-usdm': {
    name: 'binance-usdm', venue: 'binance', product: 'USDⓈ-M futures and perpetuals', contract: 'linear', model: 'tiered',
    maintenanceBasis: { isolated: 'liquidation', cross: 'liquidation' }, feeAt: 'bankruptcy', takerFee: 0.0005, payload: 'binance-usdm',
    models: ['brackets by notional with cumulative maintenance amount (cum checked against the derived one)', 'MM on the notional at the liquidation price, bracket re-chosen there', 'cross: other positions’ uPnL and MM held at their marks'],
    leavesOut: ['fee to close (Binance liquidates at the MM line; set account.feeRate to reserve one)', 'multi-assets mode and collateral haircuts', 'hedge mode (long and short of one symbol)', 'open orders’ margin'],
    sources: [BINANCE_SRC],
  },
  'binance-coinm': {
    name: 'binance-coinm', venue: 'binance', product: 'COIN-M futures and perpetuals', contract: 'inverse', model: 'tiered',
    maintenanceBasis: { isolated: 'liquidation', cross: 'liquidation' }, feeAt: 'bankruptcy', takerFee: 0.0005, payload: 'binance-coinm',
    models: ['brackets by position value in coin (qtyFloor/qtyCap)', 'inverse P&L in coin, MM at the liquidation price'],
    leavesOut: ['fee to close', 'hedge mode', 'open orders’ margin'],
    sources: [{ ...BINANCE_SRC, title: 'Binance, "How to Calculate Liquidation Price of COIN-M Contracts"' }],
  },
  'bybit-linear': {
    name: 'bybit-linear', venue: 'bybit', product: 'USDT perpetuals and futures', contract: 'linear', model: 'tiered',
    maintenanceBasis: { isolated: 'entry', cross: 'mark' }, feeAt: 'bankruptcy', takerFee: 0.00055, payload: 'bybit',
    models: ['isolated: MM = position value at entry × MMR − deduction (LP = E ∓ (IM − MM)/Q)', 'fee to close reserved at the bankruptcy price (account.feeRate)', 'risk-limit tiers with mmDeduction (checked against the derived amount)'],
    leavesOut: ['auto-add margin', 'unified account collateral value ratios', 'portfolio margin mode', 'hedge mode', 'cross mode takes MM on the mark value (the UTA account MM); not checked against a published cross example'],
    sources: [BYBIT_SRC, FREQTRADE_SRC],
  },
  'bybit-inverse': {
    name: 'bybit-inverse', venue: 'bybit', product: 'inverse perpetuals and futures', contract: 'inverse', model: 'tiered',
    maintenanceBasis: { isolated: 'entry', cross: 'entry' }, feeAt: 'bankruptcy', takerFee: 0.00055, payload: 'bybit',
    models: ['MM = Q/E × MMR (entry value, coin)', 'LP = Q / (Q/E ± (IM − MM))', 'fee to close at the bankruptcy price'],
    leavesOut: ['auto-add margin', 'hedge mode'],
    sources: [BYBIT_SRC, BYBIT_INV_SRC],
  },
  'okx-swap': {
    name: 'okx-swap', venue: 'okx', product: 'USDT-margined perpetual swaps', contract: 'linear', model: 'tiered',
    maintenanceBasis: { isolated: 'liquidation', cross: 'liquidation' }, feeAt: 'liquidation', takerFee: 0.0005, payload: 'okx',
    models: ['tiers by position size in contracts × ctVal (the tier does not move with the price)', 'MM = value × mmr of the size tier (no deduction)', 'fee to close at the liquidation price (rate added to mmr)'],
    leavesOut: ['portfolio margin and multi-currency margin modes', 'auto-borrow', 'hedge mode'],
    sources: [{ title: 'OKX, "Position tiers" (GET /api/v5/public/position-tiers) and "Isolated margin liquidation"', url: 'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers', read: READ }, FREQTRADE_SRC],
  },
  'gate-usdt': {
    name: 'gate-usdt', venue: 'gate', product: 'USDT-margined perpetual futures', contract: 'linear', model: 'tiered',
    maintenanceBasis: { isolated: 'liquidation', cross: 'liquidation' }, feeAt: 'liquidation', takerFee: 0.0005, payload: 'gate',
    models: ['risk-limit tiers by notional with deduction', 'fee to close at the liquidation price (rate added to the maintenance rate)'],
    leavesOut: ['unified account', 'hedge mode'],
    sources: [{ title: 'Gate, "Futures risk limit tiers" (GET /futures/usdt/risk_limit_tiers) and "Liquidation price calculation"', url: 'https://www.gate.io/docs/developers/apiv4/#list-risk-limit-tiers', read: READ }, FREQTRADE_SRC],
  },
  'deribit-futures': {
    name: 'deribit-futures', venue: 'deribit', product: 'BTC/ETH inverse futures and perpetual', contract: 'inverse', model: 'tiered',
    maintenanceBasis: { isolated: 'liquidation', cross: 'liquidation' }, feeAt: 'bankruptcy', takerFee: 0.0005, payload: 'deribit',
    models: ['IM rate = 2 % + 0.5 % per 100 BTC of position, MM rate = 1.5 % + 0.5 % per 100 BTC, as a tier table whose MM meets the quadratic MM(N) = N·(a + b·N) at every bracket edge'],
    leavesOut: ['incremental liquidation in small steps (the price is where MM = equity)', 'the quadratic between bracket edges (piecewise-linear secant, exact at the edges, ≤ b·step²/4 above)'],
    sources: [{ title: 'Deribit, "Futures" contract specifications (initial and maintenance margin)', url: 'https://test.deribit.com/pages/docs/futures', read: READ }],
  },
  'deribit-options': {
    name: 'deribit-options', venue: 'deribit', product: 'BTC/ETH coin-settled options, standard margin', contract: 'inverse', model: 'deribit-options',
    maintenanceBasis: { isolated: 'mark', cross: 'mark' }, feeAt: 'bankruptcy', takerFee: 0.0003, payload: null,
    models: ['short call: IM = max(0.15 − OTM/S, 0.1) + mark, MM = 0.075 + mark', 'short put: IM = max(max(0.15 − OTM/S, 0.1) + mark, MM), MM = max(0.075, 0.075·mark) + mark', 'long options: premium only'],
    leavesOut: ['order margin', 'delta-based position limits'],
    sources: [{ title: 'Deribit margin requirements for options (as restated by TSLab, "Deribit Margin Requirements Calculation")', url: 'https://doc.tslab.pro/tslab/eng/data-providers/connection-to-broker/deribit-cryptocurrency-exchange/deribit-margin-requirements-calculation', read: READ }],
  },
  'deribit-pm': {
    name: 'deribit-pm', venue: 'deribit', product: 'segregated portfolio margin (S:PM)', contract: 'inverse', model: 'scenario-grid',
    maintenanceBasis: { isolated: 'mark', cross: 'mark' }, feeAt: 'bankruptcy', takerFee: 0.0003, payload: null,
    grid: {
      priceRange: 0.16, pricePoints: 9,
      volShock: { mode: 'relative', up: 0.38, down: 0.38, referenceDays: 30, exponent: 0.3, minScale: 0.3, maxScale: 3 },
      horizonDays: 0,
      extendedMoves: [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5],
      extendedFraction: 0.02,
      shortOptionRate: 0.01,
      spreadRate: 0.01,
      maintenanceFraction: 0.8,
      offsets: { pairs: [], maxCreditFraction: 0 },
    },
    models: ['price moves ±16 % in 9 buckets × vol up/same/down, vol shock (30/T)^0.3 × 38 %', 'extended moves −66 %, −33 %, +50 %, +100 %, +200 %, +300 %, +400 %, +500 % at a fraction of the loss', 'contingency 0.01 BTC per net short option, 1 % of offsetting futures', 'MM = 0.8 × IM; currencies segregated (no BTC/ETH credit)'],
    leavesOut: ['extended moves on vol-up only and the dampener (ours: all three vol states, fraction 2 % — Deribit publishes the current fraction on its margin page, not reachable here)', 'vega-offset contingency across expiries', 'cross-currency PM (X:PM)'],
    sources: [
      { title: 'Deribit support, "Portfolio Margin" (S:PM: ±16 % in 9 buckets, extended −66 % … +500 %)', url: 'https://support.deribit.com/hc/en-us/articles/25944756247837-Portfolio-Margin', read: READ },
      { title: 'Deribit, "Portfolio Margin" (legacy page: vol change (30/T)^0.30 × 38 %, 0.01 BTC per net short option, 1 % offsetting futures)', url: 'https://www.deribit.com/pages/docs/portfoliomargin', read: READ },
    ],
  },
} satisfies Record<string, VenuePreset>);

/** Short names for the usual product of each venue. */
const ALIASES: Readonly<Record<string, string>> = { binance: 'binance-usdm', bybit: 'bybit-linear', okx: 'okx-swap', gate: 'gate-usdt', deribit: 'deribit-futures' };

/** Preset names (aliases included), for enums and help texts. */
export const VENUE_NAMES: readonly string[] = [...Object.keys(VENUE_PRESETS), ...Object.keys(ALIASES)];

/**
 * The preset of a venue product, by name or alias (`bybit` = `bybit-linear`).
 * @throws {ValidationError} naming `field` for an unknown name.
 * @example venuePreset('bybit').maintenanceBasis.isolated
 * // returns 'entry'
 */
export function venuePreset(name: unknown, field = 'venue'): VenuePreset {
  const key = typeof name === 'string' ? (Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name) : '';
  if (!Object.hasOwn(VENUE_PRESETS, key)) {
    throw new ValidationError(field, 'enum', `must be one of ${VENUE_NAMES.map((k) => `'${k}'`).join(', ')}; got ${describeValue(name)}`, name);
  }
  return VENUE_PRESETS[key]!;
}
