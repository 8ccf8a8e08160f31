/**
 * VaR/ES methods driven by a factor-return history: filtered historical simulation, Cornish–Fisher
 * (modified VaR) and the stressed-window variant; plus covariance estimation for the parametric and
 * Monte Carlo methods. Pure functions; the engine validates shapes first.
 *
 * ## References
 * - Barone-Adesi, Giannopoulos & Vosper (1999). VaR without correlations for portfolios of
 *   derivative securities. J. Futures Markets 19(5). (filtered historical simulation)
 * - Zangari (1996). A VaR methodology for portfolios that include options. RiskMetrics Monitor Q1.
 *   (Cornish–Fisher modified VaR)
 * - Basel Committee (2009). Revisions to the Basel II market risk framework (stressed VaR).
 */
import { ValidationError } from '../errors/index.js';
import { ewmaCovariance, ewmaVolatility, fitGarch11, ledoitWolf, sampleCovariance } from '../market/index.js';
import { cornishFisherEs, cornishFisherVar, filteredHistoricalScenarios } from './scenarios.js';
import { historicalLosses } from './historical.js';
import { levelsFromLosses } from './tail.js';
import type { LevelResult } from './tail.js';

export type VolModel = 'ewma' | 'garch';
export type CovarianceModel = 'sample' | 'ewma' | 'ledoit-wolf';

function column(returns: number[][], j: number): number[] {
  return returns.map((r) => r[j]);
}

/**
 * Filtered historical scenarios of factor log returns: each return is devolatilised by its
 * conditional vol (EWMA with `lambda`, or GARCH(1,1) fitted per factor) and revolatilised by the
 * one-day-ahead forecast.
 */
export function fhsReturns(returns: number[][], model: VolModel, lambda: number): number[][] {
  const n = returns[0].length;
  const vols: number[][] = returns.map(() => new Array<number>(n));
  const now = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    const col = column(returns, j);
    let path: number[];
    let forecast: number;
    if (model === 'garch') {
      const fit = fitGarch11(col, { horizon: 1 });
      path = fit.conditionalVol;
      forecast = fit.forecast.vol[0];
    } else {
      const e = ewmaVolatility(col, { lambda });
      path = e.vols;
      forecast = e.forecast;
    }
    for (let t = 0; t < returns.length; t++) vols[t][j] = path[t];
    now[j] = forecast;
  }
  return filteredHistoricalScenarios(returns, vols, now);
}

/** Sample mean, standard deviation (ddof = 1), skewness and excess kurtosis (moment estimators). */
export function moments(x: ArrayLike<number>): { mean: number; sd: number; skew: number; exKurt: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const v = m2 / n;
  return {
    mean: m,
    sd: Math.sqrt(m2 / (n - 1)),
    skew: v > 0 ? m3 / n / v ** 1.5 : 0,
    exKurt: v > 0 ? m4 / n / (v * v) - 3 : 0,
  };
}

/**
 * Cornish–Fisher VaR/ES of the daily P&L series scaled to h days under i.i.d. aggregation:
 * mean·h, sd·√h, skew/√h, excess kurtosis/h.
 */
export function cornishFisherLevels(dailyPnl: ArrayLike<number>, horizonDays: number, levels: readonly number[]): { levels: LevelResult[]; moments: ReturnType<typeof moments> } {
  if (dailyPnl.length < 4) throw new ValidationError('market.returns', 'length', `Cornish–Fisher needs at least 4 observations; got ${dailyPnl.length}`);
  const mo = moments(dailyPnl);
  const h = horizonDays;
  const mean = mo.mean * h;
  const sd = mo.sd * Math.sqrt(h);
  const skew = mo.skew / Math.sqrt(h);
  const exKurt = mo.exKurt / h;
  return {
    moments: mo,
    levels: levels.map((a) => ({
      confidence: a, var: cornishFisherVar(mean, sd, skew, exKurt, a), es: cornishFisherEs(mean, sd, skew, exKurt, a), k: 0,
    })),
  };
}

/**
 * The stressed window: among all windows of `windowDays` consecutive daily losses, the one with
 * the largest ES at the first level (ties: the earliest). Returns its start and its levels.
 */
export function stressedWindow(dailyLosses: Float64Array, windowDays: number, levels: readonly number[]): { start: number; end: number; levels: LevelResult[] } {
  const T = dailyLosses.length;
  if (windowDays > T) {
    throw new ValidationError('options.stressWindowDays', 'range', `must be <= the history length (${T}); got ${windowDays}`);
  }
  let best = -Infinity;
  let bestStart = 0;
  for (let s = 0; s + windowDays <= T; s++) {
    const es = levelsFromLosses(dailyLosses.subarray(s, s + windowDays), [levels[0]])[0].es;
    if (es > best) {
      best = es;
      bestStart = s;
    }
  }
  return { start: bestStart, end: bestStart + windowDays, levels: levelsFromLosses(dailyLosses.subarray(bestStart, bestStart + windowDays), levels) };
}

/** Daily portfolio losses of a log-return history (h = 1). */
export function dailyLosses(returns: number[][], exposures: Float64Array, returnType: 'log' | 'simple'): Float64Array {
  return historicalLosses(returns, exposures, 1, returnType);
}

/** Estimates the daily covariance of the factors from their return history. */
export function estimateCovariance(returns: number[][], model: CovarianceModel, lambda: number): Float64Array {
  if (returns.length < 2) throw new ValidationError('market.returns', 'length', `needs at least 2 rows to estimate a covariance; got ${returns.length}`);
  const c = model === 'sample' ? sampleCovariance(returns) : model === 'ewma' ? ewmaCovariance(returns, lambda) : ledoitWolf(returns).covariance;
  return Float64Array.from(c.flat());
}
