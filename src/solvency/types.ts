/**
 * Types of the venue simulator: configuration, price paths, events and results.
 */

/** Market impact of liquidation orders on one symbol (see ./impact.ts). */
export interface ImpactSpec {
  /** 'linear': Δln P = c·w/D; 'sqrt': Δln P = c·√(w/D) (w: executed size in the round). */
  model: 'linear' | 'sqrt';
  /** D: size (coin for linear contracts, USD contracts value for inverse) that moves ln P by c. */
  depth: number;
  /** c (default 1). */
  coefficient?: number;
}

/** What happens to a loss the insurance fund cannot pay. */
export type Waterfall = 'adl' | 'socialised' | 'none';

/** Venue rules. Every field is data, so a venue preset can supply them (see README). */
export interface VenueConfig {
  /** Insurance fund at the start, by settlement currency (default 0). */
  fund?: Record<string, number>;
  /**
   * Loss beyond what the fund can pay: 'adl' (auto-deleverage opposite-side positions at the
   * bankruptcy price), 'socialised' (pro-rata clawback of opposite-side unrealised profits), or
   * 'none' (the fund goes negative: the venue's own capital; used for fund sizing). Default 'adl'.
   */
  waterfall?: Waterfall;
  /** Impact model by symbol; a symbol without one executes at the mark. */
  impact?: Record<string, ImpactSpec>;
  /** Cap on the size taken over per symbol per tick (same unit as ImpactSpec.depth). */
  maxLiquidationPerTick?: Record<string, number>;
  /** Taker fee rate on the liquidation engine's market executions (default 0); leaves the system. */
  takerFee?: number;
  /** Margin call when equity < maintenance · (1 + marginCallBuffer) (default 0.2). */
  marginCallBuffer?: number;
  /** Isolated positions above tier 0 are first cut to the previous tier's cap (default true). */
  partialLiquidation?: boolean;
  /** Cascade rounds per tick before the rest waits for the next tick (default 50). */
  maxRoundsPerTick?: number;
  /** Half-life of the accumulated impact in ticks (default: permanent). */
  impactHalfLifeTicks?: number;
}

/** A price path: marks of some symbols at each tick (NaN = no update of that symbol at that tick). */
export interface PricePath {
  symbols: string[];
  /** Tick times (ms since epoch, or tick numbers). */
  times: Float64Array;
  /** Row-major ticks × symbols. */
  marks: Float64Array;
}

interface EventBase {
  /** Tick index in the path. */
  tick: number;
}

export type VenueEvent =
  | (EventBase & { type: 'margin-call'; account: number; symbol: string | null; equity: number; maintenance: number })
  | (EventBase & {
      type: 'liquidation';
      account: number;
      /** null for a cross account (all its positions). */
      symbol: string | null;
      kind: 'partial' | 'full';
      round: number;
      equity: number;
      maintenance: number;
      /** Positions taken over: symbol, signed size, transfer (bankruptcy) price (null if not a positive price). */
      fills: { symbol: string; size: number; price: number | null }[];
    })
  | (EventBase & { type: 'bankruptcy'; account: number; symbol: string | null; equity: number })
  | (EventBase & { type: 'execution'; symbol: string; size: number; price: number; markBefore: number })
  | (EventBase & { type: 'fund'; currency: string; symbol: string; account: number; amount: number; balance: number })
  | (EventBase & { type: 'adl'; account: number; symbol: string; size: number; price: number | null; score: number; bankrupt: number })
  | (EventBase & { type: 'socialised'; account: number; symbol: string; amount: number; bankrupt: number });

export type VenueEventType = VenueEvent['type'];

/** Per-currency totals of one run. */
export interface CurrencySummary {
  currency: string;
  fundStart: number;
  fundEnd: number;
  fundMin: number;
  /** fundStart − fundMin (≥ 0). */
  fundDrawdown: number;
  fees: number;
  /** ADL volume: Σ |size|·|value at the bankruptcy price| (settlement currency). */
  adlVolume: number;
  socialised: number;
  /** Loss the fund could not pay and nothing else absorbed (−min(0, fundMin)). */
  uncovered: number;
  /** Conservation: Σ account equity + fund + outside market + fees, at start and end. */
  ledgerStart: number;
  ledgerEnd: number;
}

export interface VenueSummary {
  ticks: number;
  marginCalls: number;
  liquidations: number;
  partialLiquidations: number;
  bankruptcies: number;
  adlFills: number;
  socialisedClawbacks: number;
  /** Accounts liquidated at least once. */
  accountsLiquidated: number;
  currencies: CurrencySummary[];
}

/** Per-tick series for charts (row-major ticks × symbols / currencies). */
export interface VenueSeries {
  symbols: string[];
  currencies: string[];
  times: Float64Array;
  /** Mark after the tick's cascade. */
  marks: Float64Array;
  /** Size taken over per tick and symbol. */
  liquidated: Float64Array;
  /** Fund balance after each tick. */
  fund: Float64Array;
  /** ADL fills per tick. */
  adl: Int32Array;
}

export interface VenueResult {
  summary: VenueSummary;
  series: VenueSeries;
  /** Events (when collected; capped by options.maxEvents). */
  events: VenueEvent[];
  /** Events not kept because of the cap. */
  eventsDropped: number;
  /** Equity per account at the end (settlement currency of the account). */
  finalEquity: Float64Array;
}
