/**
 * History → MPOR scenarios: validation of the price history, log returns of the portfolio's
 * underlyings, volatility filtering (EWMA or GARCH) and overlapping h-day relative moves.
 *
 * ## References
 * - Barone-Adesi, G., Giannopoulos, K. & Vosper, L. (1999). VaR without correlations for portfolios of
 *   derivative securities. Journal of Futures Markets 19(5), 583–602 (filtered historical simulation).
 * - Hull, J. & White, A. (1998). Incorporating volatility updating into the historical simulation
 *   method for value-at-risk. Journal of Risk 1(1), 5–19.
 */
import { ValidationError, describeValue } from '../../errors/index.js';
import { DAYS_PER_YEAR, type ScenarioColumns } from '../../instruments/index.js';
import { ewmaVolatility, fitGarch11, type PriceSeries } from '../../market/index.js';
import type { ResolvedVarEsConfig } from './config.js';

/** The part of the history the model uses: log returns of each underlying, aligned by date. */
export interface UnderlyingHistory {
  /** Price dates (length T); return t runs from dates[t] to dates[t + 1]. */
  dates: string[];
  /** One Float64Array of T − 1 daily log returns per underlying, in `underlyings` order. */
  returns: Float64Array[];
}

/**
 * Validates `history` and extracts the log returns of `underlyings` (the portfolio's, in table order).
 * @throws {ValidationError} `history.symbols` when an underlying has no series, `history.prices[t][j]` for a
 *   non-positive or non-finite price, shape errors on `history.dates` / `history.prices[t]`.
 */
export function underlyingHistory(history: PriceSeries, underlyings: readonly string[], positionField: (u: string) => string): UnderlyingHistory {
  if (history === null || typeof history !== 'object') {
    throw new ValidationError('history', 'type', `must be a PriceSeries { dates, symbols, prices }; got ${describeValue(history)}`, history);
  }
  const { dates, symbols, prices } = history;
  if (!Array.isArray(dates)) throw new ValidationError('history.dates', 'type', `must be an array of date strings; got ${describeValue(dates)}`, dates);
  if (!Array.isArray(symbols)) throw new ValidationError('history.symbols', 'type', `must be an array of symbols; got ${describeValue(symbols)}`, symbols);
  if (!Array.isArray(prices)) throw new ValidationError('history.prices', 'type', `must be a T×N array of prices; got ${describeValue(prices)}`, prices);
  dates.forEach((d, t) => {
    if (typeof d !== 'string' || d === '') throw new ValidationError(`history.dates[${t}]`, 'type', `must be a non-empty date string; got ${describeValue(d)}`, d);
  });
  if (prices.length !== dates.length) {
    throw new ValidationError('history.prices', 'shape', `must have one row per date (${dates.length}); got ${prices.length}`, prices.length);
  }
  const col = new Map<string, number>();
  symbols.forEach((s, j) => {
    if (col.has(s)) throw new ValidationError(`history.symbols[${j}]`, 'unique', `duplicates history.symbols[${col.get(s)}]; got ${describeValue(s)}`, s);
    col.set(s, j);
  });
  const cols = underlyings.map((u) => {
    const j = col.get(u);
    if (j === undefined) {
      throw new ValidationError('history.symbols', 'missing', `has no price series for underlying ${describeValue(u)} (${positionField(u)}); got [${symbols.slice(0, 8).join(', ')}${symbols.length > 8 ? ', …' : ''}]`, u);
    }
    return j;
  });
  const T = dates.length;
  for (let t = 0; t < T; t++) {
    const row = prices[t];
    if (!Array.isArray(row) || row.length !== symbols.length) {
      throw new ValidationError(`history.prices[${t}]`, 'shape', `must have one price per symbol (${symbols.length}); got ${describeValue(row)}`, row);
    }
    for (const j of cols) {
      const p = row[j];
      if (typeof p !== 'number' || !Number.isFinite(p) || !(p > 0)) {
        throw new ValidationError(`history.prices[${t}][${j}]`, 'positive', `price of ${symbols[j]} on ${dates[t]} must be a finite number > 0; got ${describeValue(p)}`, p);
      }
    }
  }
  const returns = cols.map((j) => {
    const r = new Float64Array(Math.max(0, T - 1));
    for (let t = 1; t < T; t++) r[t - 1] = Math.log(prices[t][j] / prices[t - 1][j]);
    return r;
  });
  return { dates: dates.slice(), returns };
}

/** Volatility filter of one underlying. */
export interface VolFilter {
  underlying: string;
  /** σ_t: conditional daily vol of return t given the returns before it (length T − 1). */
  path: Float64Array;
  /** Current daily vol forecast σ_now (EWMA: one-step; GARCH: √ of the mean forecast variance over the MPOR). */
  current: number;
  /** Vol floor (quantile of `path`), or null when no floor is configured. */
  floor: number | null;
  /** σ_used = max(σ_now, floor): the vol the scenarios are rescaled to. */
  used: number;
}

/** Empirical quantile with linear interpolation between order statistics (Hyndman–Fan type 7, R's default). */
export function quantileType7(x: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(x).sort();
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Fits the configured vol model to one underlying's daily returns. */
export function volFilter(underlying: string, r: Float64Array, cfg: ResolvedVarEsConfig): VolFilter {
  const x = Array.from(r);
  let path: Float64Array;
  let current: number;
  if (cfg.volModel.kind === 'ewma') {
    const e = ewmaVolatility(x, { lambda: cfg.volModel.lambda, seedWindow: cfg.volModel.seedWindow });
    path = Float64Array.from(e.vols);
    current = e.forecast;
  } else {
    const g = fitGarch11(x, { mean: 'zero', horizon: cfg.mporDays });
    path = Float64Array.from(g.conditionalVol);
    current = Math.sqrt(g.forecast.variance.reduce((a, b) => a + b, 0) / cfg.mporDays);
  }
  const floor = cfg.volFloorQuantile === null ? null : quantileType7(path, cfg.volFloorQuantile);
  return { underlying, path, current, floor, used: floor === null ? current : Math.max(current, floor) };
}

/**
 * Filtered daily returns r̃_t = r_t · σ_used / σ_t for t in [from, r.length).
 * A zero return with zero conditional vol (flat prices) stays 0.
 * @throws {ValidationError} `history.prices` when a non-zero return meets a zero conditional vol.
 */
export function filterReturns(r: Float64Array, f: VolFilter, from: number, dates: readonly string[]): Float64Array {
  const out = new Float64Array(r.length - from);
  for (let t = from; t < r.length; t++) {
    const s = f.path[t];
    if (s > 0) out[t - from] = r[t] * (f.used / s);
    else if (r[t] !== 0) {
      throw new ValidationError('history.prices', 'degenerate', `conditional vol of ${f.underlying} is 0 before the move on ${dates[t + 1]} (flat prices in the seed window); filtered simulation is undefined; got return ${r[t]}`, r[t]);
    }
  }
  return out;
}

/**
 * Overlapping h-day scenarios: scenario w moves underlying u by exp(Σ_{s=w}^{w+h−1} x_u[s]) − 1
 * (x = daily log returns, filtered or not), jointly across underlyings (same dates → correlations kept).
 * Implied-vol shifts and time decay are the same in every scenario.
 */
export function mporScenarios(
  x: readonly Float64Array[],
  h: number,
  underlyings: readonly string[],
  cfg: ResolvedVarEsConfig,
): ScenarioColumns {
  const nu = x.length;
  const len = nu === 0 ? 0 : x[0].length;
  const ns = Math.max(0, len - h + 1);
  const move = new Float64Array(ns * nu);
  for (let u = 0; u < nu; u++) {
    const xu = x[u];
    for (let w = 0; w < ns; w++) {
      let s = 0;
      for (let k = 0; k < h; k++) s += xu[w + k];
      move[w * nu + u] = Math.expm1(s);
    }
  }
  const volAbs = new Float64Array(ns * nu);
  const volRel = new Float64Array(ns * nu);
  const abs = underlyings.map((u) => perUnderlying(cfg.impliedVolShift.absolute, u));
  const rel = underlyings.map((u) => perUnderlying(cfg.impliedVolShift.relative, u));
  for (let w = 0; w < ns; w++) {
    for (let u = 0; u < nu; u++) {
      volAbs[w * nu + u] = abs[u];
      volRel[w * nu + u] = rel[u];
    }
  }
  const dt = new Float64Array(ns).fill(cfg.timeDecay ? h / DAYS_PER_YEAR : 0);
  return { nScenarios: ns, nUnderlyings: nu, move, volAbs, volRel, dt };
}

/** Value of a number-or-record parameter for one underlying (records default to `fallback`). */
export function perUnderlying(v: number | Record<string, number>, u: string, fallback = 0): number {
  return typeof v === 'number' ? v : Object.hasOwn(v, u) ? v[u] : fallback;
}
