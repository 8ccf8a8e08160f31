/**
 * VaR/ES on the engine: validation, method dispatch (Monte Carlo on the pool, parametric,
 * historical, filtered historical, Cornish–Fisher, stressed window) and ES attribution.
 */
import { AbortError, ValidationError, describeValue } from '../errors/index.js';
import { VarOptionsSchema, parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput } from '../schemas/index.js';
import { contributionsFrom, parametricComponentEs } from '../risk/attribution.js';
import type { Contribution } from '../risk/attribution.js';
import { checkReturns, choleskyPacked, quadForm, resolveBook, resolveCovariance } from '../risk/inputs.js';
import type { ResolvedBook } from '../risk/inputs.js';
import { mcComponentEs, runMonteCarlo } from '../risk/mc.js';
import { parametricNormal } from '../risk/parametric.js';
import type { LevelResult } from '../risk/tail.js';
import type { EngineContext } from './context.js';
import { COVARIANCE_ESTIMATE_TASK, VOL_PATH_TASK } from './tasks.js';
import { VAR_HISTORY_TASK } from './var-history.js';
import type { VarHistoryOutput } from './var-history.js';
import type { VarExtra, VarOptions, VarResult } from './var-types.js';

/** The covariance given in `market`, or estimated from `market.returns` with the chosen model. */
async function covarianceOf(
  ctx: EngineContext, book: ResolvedBook, model: 'sample' | 'ewma' | 'ledoit-wolf', lambda: number, signal: AbortSignal | undefined,
): Promise<{ cov: Float64Array; field: string; source: VarResult['covarianceSource'] }> {
  const m = book.market;
  if (!m.covariance && !m.vols && !m.correlation && m.returns) {
    checkReturns(m.returns, book.n);
    if (m.returns.length < 2) throw new ValidationError('market.returns', 'length', `needs at least 2 rows to estimate a covariance; got ${m.returns.length}`);
    const cov = await ctx.pool.run(COVARIANCE_ESTIMATE_TASK, { returns: m.returns, model, lambda }, { signal });
    return { cov, field: 'market.returns', source: model };
  }
  return { ...resolveCovariance(book), source: 'given' };
}


const levelsOf = (c: number | number[]): number[] => (Array.isArray(c) ? c : [c]);
const unpack = (r: VarHistoryOutput): [LevelResult[], VarExtra] => [r.levels, r.extra];

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

  const finish = (lv: LevelResult[], extra: VarExtra): VarResult => ({
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
      const { cov, source } = await covarianceOf(ctx, book, o.covarianceModel, o.lambda, signal);
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
      // one volatility fit per factor, fanned out over the pool; the scenarios and tail in one more task
      const logR = (m.returnType ?? 'log') === 'log' ? m.returns : m.returns.map((r) => r.map((x) => Math.log1p(x)));
      const paths = await Promise.all(Array.from({ length: n }, (_, j) =>
        ctx.pool.run(VOL_PATH_TASK, { series: Float64Array.from(logR, (r) => r[j]), model: o.volModel, lambda: o.lambda, field: `market.returns[*][${j}]` }, { signal })));
      return finish(...unpack(await ctx.pool.run(VAR_HISTORY_TASK, { book, options: o, levels, fhs: { paths } }, { signal })));
    }
    case 'cornish-fisher':
    case 'stressed':
    case 'historical':
      return finish(...unpack(await ctx.pool.run(VAR_HISTORY_TASK, { book, options: o, levels }, { signal })));
    case 'mc-normal':
    case 'mc-t': {
      const { cov, field, source } = await covarianceOf(ctx, book, o.covarianceModel, o.lambda, signal);
      const lp = await choleskyPacked(cov, n, o.horizonDays, field, ctx.wasm);
      const shift = meanDaily * o.horizonDays;
      const job = { n, lp, exposures, nu: o.method === 'mc-t' ? o.df : 0, scenarios: o.scenarios, seed: o.seed, levels, signal, onProgress };
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

