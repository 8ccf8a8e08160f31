/**
 * The main job's options and result types (shared by the batch, its summary and the report input).
 */
import type { VarMethod } from '../../engine/index.js';
import type { RollingBacktestResult } from '../../backtest/index.js';
import type { Factor, SampleAccount } from './accounts.js';
import type { StressReport } from './analytics.js';
import type { HedgeSuggestion } from './optimizer.js';
import type { VenueReplay } from './venue.js';

export interface BatchOptions {
  /** Monte Carlo scenarios per run (default 1,000,000). */
  scenarios?: number;
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /** 'auto' (default), true (require WASM) or false (pure-TS kernels). */
  wasm?: boolean | 'auto';
  seed?: number;
  /** VaR/ES confidence (default 0.99). */
  confidence?: number;
  /** Student-t degrees of freedom of mc-t (default 4). */
  df?: number;
  /** Rolling backtest window in days (default 250). */
  backtestWindow?: number;
  /** EWMA decay of the covariance forecast (default 0.94, RiskMetrics daily). */
  ewmaLambda?: number;
  /** Wide CSV of daily closes with columns BTC, ETH, SOL (default: the shipped synthetic data). */
  dataPath?: string;
  /** Where to write the HTML report (default `reports/margin-report.html` under the working directory); null: do not write. */
  reportPath?: string | null;
  /** Line printer for the summary and progress (default console.log); null: silent. */
  log?: ((line: string) => void) | null;
}

/** BatchOptions with every default applied. */
export type Filled = Required<Omit<BatchOptions, 'threads' | 'reportPath' | 'log'>> & Pick<BatchOptions, 'threads'> & { reportPath: string | null };

export interface VarRow {
  method: VarMethod;
  label: string;
  model: string;
  var: number;
  es: number;
  k: number;
  n: number;
  kernel: string;
  elapsedMs: number;
}

export interface TieredPositionRow {
  symbol: string;
  underlying: Factor;
  side: 'long' | 'short';
  qty: number;
  mark: number;
  tier: number;
  initial: number;
  maintenance: number;
  unrealizedPnl: number;
  liquidationPrice: number | null;
  bankruptcyPrice: number | null;
  distancePercent: number | null;
  distanceSigmas: number | null;
}

export interface TieredSummary {
  currency: string;
  usdPerUnit: number;
  initial: number;
  maintenance: number;
  equity: number;
  marginRatio: number | null;
  positions: TieredPositionRow[];
}

export interface GridSummary {
  initial: number;
  maintenance: number;
  scanningRisk: number;
  addOns: number;
  credits: number;
  byUnderlying: { underlying: string; worstLoss: number; priceMove: number; vol: string; extended: boolean }[];
}

export interface BacktestSummary {
  model: string;
  result: RollingBacktestResult;
}

export interface AccountResult {
  id: string;
  name: string;
  description: string;
  positions: SampleAccount['book'];
  /** USD delta exposure per factor (BTC, ETH, SOL). */
  exposures: number[];
  tiered: TieredSummary | null;
  grid: GridSummary;
  var: VarRow[];
  /** Historical full-revaluation daily P&L of today's book, USD (one per day of the data). */
  historicalPnl: Float64Array;
  capitalUsd: number;
  capitalNote: string;
  stress: StressReport;
  backtests: BacktestSummary[];
  timings: Record<string, number>;
}

export interface BatchResult {
  options: Filled;
  data: {
    path: string;
    synthetic: boolean;
    first: string;
    last: string;
    days: number;
    symbols: string[];
    dates: string[];
    marks: Record<Factor, number>;
    /** EWMA daily vol forecast per factor. */
    dailyVol: Record<Factor, number>;
    covariance: number[][];
    longFormatCheck: string;
  };
  engine: { threads: number; kernel: 'wasm' | 'ts'; startMs: number };
  accounts: AccountResult[];
  optimizer: { available: boolean; message: string; suggestion: HedgeSuggestion | null };
  /** The venue crash replay of the shipped demo (data/venue). */
  venue: VenueReplay | null;
  timings: Record<string, number>;
  reportPath: string | null;
  html: string;
  summary: string;
}
