/**
 * VaR/ES on the engine: validation, method dispatch (Monte Carlo on the pool, parametric,
 * historical, filtered historical, Cornish–Fisher, stressed window) and ES attribution.
 */
import { AbortError, ValidationError, describeValue } from '../errors/index.js';
import { VarOptionsSchema, parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput, VarOptionsInput } from '../schemas/index.js';
import { historicalLosses, historicalLossesFromPnl, windowReturns } from '../risk/historical.js';
import { componentFromTail, contributionsFrom, parametricComponentEs } from '../risk/attribution.js';
import type { Contribution } from '../risk/attribution.js';
import { checkReturns, choleskyPacked, quadForm, resolveBook, resolveCovariance } from '../risk/inputs.js';
import type { ResolvedBook } from '../risk/inputs.js';
import { cornishFisherLevels, dailyLosses, estimateCovariance, fhsReturns, stressedWindow } from '../risk/history-methods.js';
import { mcComponentEs, runMonteCarlo } from '../risk/mc.js';
import type { Progress } from '../risk/mc.js';
import { parametricNormal } from '../risk/parametric.js';
import { levelsFromLosses, tailCount } from '../risk/tail.js';
import type { LevelResult } from '../risk/tail.js';
import type { EngineContext } from './context.js';

export interface VarOptions extends VarOptionsInput {
  /** Cancels the job; the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Called as tasks finish (Monte Carlo), with scenarios done so far. */
  onProgress?: (p: Progress) => void;
}

export type VarMethod = VarOptionsInput['method'];

export interface VarResult {
  method: VarMethod;
  /** The first requested confidence level and its numbers. */
  confidence: number;
  var: number;
  es: number;
  /** Tail size at the first level (0 for parametric). */
  k: number;
  /** Scenarios (MC) or observations (historical) the tail was taken from (0 for parametric). */
  n: number;
  horizonDays: number;
  /** Every requested level. */
  levels: LevelResult[];
  /** Mean and standard deviation of the loss distribution (parametric: of the normal model). */
  meanLoss: number;
  stdLoss: number;
  /** Largest losses in descending order with their scenario/observation index (up to k). */
  tail: { losses: number[]; index: number[] };
  kernel: 'wasm' | 'ts' | 'none';
  seed?: number;
  /** Stressed method: the chosen window [start, end) of the history. */
  window?: { start: number; end: number };
  /** Cornish–Fisher: the daily P&L moments used. */
  moments?: { mean: number; sd: number; skew: number; exKurt: number };
  /** Component / marginal (and incremental) ES by factor, with `attribution: true`. */
  contributions?: Contribution[];
  /** Where the covariance came from (parametric / Monte Carlo). */
  covarianceSource?: 'given' | 'sample' | 'ewma' | 'ledoit-wolf';
  elapsedMs: number;
}

/** Size, mean, standard deviation and sorted tail of a loss vector. */
function lossSummary(losses: Float64Array, levels: readonly number[]): { n: number; meanLoss: number; stdLoss: number; tail: { losses: number[]; index: number[] } } {
  const kMax = Math.max(...levels.map((a) => tailCount(losses.length, a)));
  const order = Array.from(losses.keys()).sort((a, b) => losses[b] - losses[a] || a - b).slice(0, kMax);
  let s = 0;
  let s2 = 0;
  for (const x of losses) { s += x; s2 += x * x; }
  const nObs = losses.length;
  const mean = s / nObs;
  const sd = nObs > 1 ? Math.sqrt(Math.max(0, (s2 - nObs * mean * mean) / (nObs - 1))) : 0;
  return { n: nObs, meanLoss: mean, stdLoss: sd, tail: { losses: order.map((i) => losses[i]), index: order } };
}

/** The covariance given in `market`, or estimated from `market.returns` with the chosen model. */
function covarianceOf(book: ResolvedBook, model: 'sample' | 'ewma' | 'ledoit-wolf', lambda: number): { cov: Float64Array; field: string; source: VarResult['covarianceSource'] } {
  const m = book.market;
  if (!m.covariance && !m.vols && !m.correlation && m.returns) {
    checkReturns(m.returns, book.n);
    return { cov: estimateCovariance(m.returns, model, lambda), field: 'market.returns', source: model };
  }
  return { ...resolveCovariance(book), source: 'given' };
}

/** Daily losses from market.returns or market.pnl (for the history-driven methods). */
function dailyLossesOf(book: ResolvedBook, method: string): Float64Array {
  const m = book.market;
  if (m.pnl) return Float64Array.from(m.pnl, (x) => -x);
  if (m.returns) {
    checkReturns(m.returns, book.n);
    return dailyLosses(m.returns, book.exposures, m.returnType ?? 'log');
  }
  throw new ValidationError('market.returns', 'required', `${method} needs market.returns (T×N factor returns) or market.pnl`);
}

const levelsOf = (c: number | number[]): number[] => (Array.isArray(c) ? c : [c]);

export async function computeVar(ctx: EngineContext, portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
  const r = await computeVarCore(ctx, portfolio, market, options);
  if (r.contributions && options.incremental) {
    const exposures = (portfolio as { exposures: number[] }).exposures;
    if (exposures.length > 100) throw new ValidationError('options.incremental', 'range', `incremental ES runs once per factor; at most 100 factors, got ${exposures.length}`);
    const base = { ...options, attribution: false, incremental: false, onProgress: undefined, confidence: r.confidence };
    for (let i = 0; i < exposures.length; i++) {
      const without = await computeVarCore(ctx, { ...portfolio, exposures: exposures.map((x, j) => (j === i ? 0 : x)) }, market, base);
      r.contributions[i].incrementalEs = r.es - without.es;
    }
  }
  return r;
}

async function computeVarCore(ctx: EngineContext, portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
  const t0 = performance.now();
  const { signal, onProgress, ...rest } = options ?? ({} as VarOptions);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ValidationError('options.signal', 'type', `must be an AbortSignal; got ${describeValue(signal)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValidationError('options.onProgress', 'type', `must be a function; got ${describeValue(onProgress)}`);
  }
  const o = parseInput(VarOptionsSchema, rest, 'options');
  const book = resolveBook(portfolio, market);
  const levels = levelsOf(o.confidence);
  const { n, exposures, market: m } = book;
  const meanDaily = m.mean ? m.mean.reduce((s, mu, i) => s + mu * exposures[i], 0) : 0;
  const base = { method: o.method, horizonDays: o.horizonDays };
  if (signal?.aborted) throw new AbortError(signal.reason);

  const finish = (lv: LevelResult[], extra: Omit<VarResult, 'method' | 'horizonDays' | 'levels' | 'confidence' | 'var' | 'es' | 'k' | 'elapsedMs'>): VarResult => ({
    ...base,
    confidence: lv[0].confidence,
    var: lv[0].var,
    es: lv[0].es,
    k: lv[0].k,
    levels: lv,
    ...extra,
    elapsedMs: performance.now() - t0,
  });

  switch (o.method) {
    case 'parametric': {
      const { cov, source } = covarianceOf(book, o.covarianceModel, o.lambda);
      const sigma = Math.sqrt(Math.max(0, quadForm(exposures, cov, n)));
      const lv = parametricNormal(sigma, meanDaily, o.horizonDays, levels);
      const contributions = o.attribution
        ? contributionsFrom(book.factors, exposures, parametricComponentEs(exposures, cov, n, m.mean, lv[0].confidence, o.horizonDays), lv[0].es)
        : undefined;
      return finish(lv, { n: 0, meanLoss: -meanDaily * o.horizonDays, stdLoss: sigma * Math.sqrt(o.horizonDays), tail: { losses: [], index: [] }, kernel: 'none', covarianceSource: source, contributions });
    }
    case 'fhs': {
      if (!m.returns) throw new ValidationError('market.returns', 'required', 'filtered historical simulation needs market.returns (T×N factor returns)');
      checkReturns(m.returns, n);
      if (m.returns.length < 30) throw new ValidationError('market.returns', 'length', `FHS needs at least 30 rows of history; got ${m.returns.length}`);
      const logR = (m.returnType ?? 'log') === 'log' ? m.returns : m.returns.map((r) => r.map((x) => Math.log1p(x)));
      const filtered = fhsReturns(logR, o.volModel, o.lambda);
      const losses = historicalLosses(filtered, exposures, o.horizonDays, 'log');
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution ? historicalAttribution(book, filtered, 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
      return finish(lv, { ...sum, kernel: 'none', contributions });
    }
    case 'cornish-fisher': {
      if (o.attribution) throw new ValidationError('options.attribution', 'unsupported', 'is not available for cornish-fisher (use parametric, historical, fhs, stressed or Monte Carlo)');
      const daily = dailyLossesOf(book, 'Cornish–Fisher');
      const cf = cornishFisherLevels(Float64Array.from(daily, (x) => -x), o.horizonDays, levels);
      return finish(cf.levels, { n: daily.length, meanLoss: -cf.moments.mean * o.horizonDays, stdLoss: cf.moments.sd * Math.sqrt(o.horizonDays), tail: { losses: [], index: [] }, kernel: 'none', moments: cf.moments });
    }
    case 'stressed': {
      const daily = dailyLossesOf(book, 'stressed VaR');
      const win = stressedWindow(daily, o.stressWindowDays, levels);
      let losses: Float64Array;
      if (o.horizonDays === 1) losses = daily.subarray(win.start, win.end);
      else if (m.pnl) losses = historicalLossesFromPnl(m.pnl.slice(win.start, win.end), o.horizonDays);
      else losses = historicalLosses(m.returns!.slice(win.start, win.end), exposures, o.horizonDays, m.returnType ?? 'log');
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution
        ? historicalAttribution(book, m.returns?.slice(win.start, win.end), m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es)
        : undefined;
      return finish(lv, { ...sum, tail: { losses: sum.tail.losses, index: sum.tail.index.map((i) => i + win.start) }, kernel: 'none', window: { start: win.start, end: win.end }, contributions });
    }
    case 'historical': {
      let losses: Float64Array;
      if (m.pnl) losses = historicalLossesFromPnl(m.pnl, o.horizonDays);
      else if (m.returns) losses = historicalLosses(m.returns, exposures, o.horizonDays, m.returnType ?? 'log');
      else throw new ValidationError('market.returns', 'required', 'historical VaR needs market.returns (T×N factor returns) or market.pnl');
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution ? historicalAttribution(book, m.returns, m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
      return finish(lv, { ...sum, kernel: 'none', contributions });
    }
    case 'mc-normal':
    case 'mc-t': {
      const { cov, field, source } = covarianceOf(book, o.covarianceModel, o.lambda);
      const lp = await choleskyPacked(cov, n, o.horizonDays, field, ctx.wasm);
      const shift = meanDaily * o.horizonDays;
      const job = { n, lp, exposures, nu: o.method === 'mc-t' ? o.df : 0, scenarios: o.scenarios, seed: o.seed, levels, wasm: ctx.wasm, signal, onProgress };
      const out = await runMonteCarlo(ctx.pool, job);
      const lv = out.levels.map((l) => ({ ...l, var: l.var - shift, es: l.es - shift }));
      let contributions: Contribution[] | undefined;
      if (o.attribution) {
        const comp = await mcComponentEs(ctx.pool, job, out.tailIndex, lv[0].k);
        // the mean shift −μ_p h splits by factor as −w_i μ_i h
        if (m.mean) for (let i = 0; i < n; i++) comp[i] -= exposures[i] * m.mean[i] * o.horizonDays;
        contributions = contributionsFrom(book.factors, exposures, comp, lv[0].es);
      }
      return finish(lv, {
        n: o.scenarios, meanLoss: out.meanLoss - shift, stdLoss: out.stdLoss,
        tail: { losses: Array.from(out.tail, (x) => x - shift), index: Array.from(out.tailIndex) },
        kernel: ctx.wasm ? 'wasm' : 'ts', seed: o.seed, covarianceSource: source, contributions,
      });
    }
  }
}

/** Component ES from the tail observations of a factor-return history. */
function historicalAttribution(
  book: ResolvedBook, returns: number[][] | undefined, returnType: 'log' | 'simple', horizonDays: number, tailIdx: number[], es: number,
): Contribution[] {
  if (!returns) throw new ValidationError('options.attribution', 'unsupported', 'needs factor returns (market.returns); a portfolio P&L history has no factor breakdown');
  const R = windowReturns(returns, horizonDays, returnType);
  const comp = componentFromTail(book.n, tailIdx, (s, i) => -book.exposures[i] * R(s, i));
  return contributionsFrom(book.factors, book.exposures, comp, es);
}
