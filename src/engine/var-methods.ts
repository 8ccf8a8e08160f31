/**
 * The VaR/ES methods, one entry each: name, summary, the market inputs it reads, a work estimate
 * and the function that computes it on the engine's task runner. `engine.var`, the service's work
 * limits and the CLI's help read this table; adding a method is one entry here plus its name in
 * the options schema (src/schemas/var.ts, `VAR_METHODS`; a test checks the two agree).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { contributionsFrom, parametricComponentEs } from '../risk/index.js';
import type { Contribution, LevelResult, ResolvedBook } from '../risk/index.js';
import { checkReturns, choleskyPacked, mcComponentEs, parametricNormal, quadForm, resolveCovariance, runMonteCarlo } from '../risk/index.js';
import type { Progress } from '../risk/index.js';
import type { VarMethodName, VarOptionsParsed, VarRequest, WorkEstimate } from '../schemas/index.js';
import type { EngineContext } from './context.js';
import { COVARIANCE_ESTIMATE_TASK, VOL_PATH_TASK } from './tasks.js';
import { VAR_HISTORY_TASK, packHistoryInput, packShared, requireWindows } from './var-history.js';
import type { VarHistoryOutput } from './var-history.js';
import type { VarExtra, VarResult } from './var-types.js';

/** Everything a method needs: the runner, the validated book and options, the levels. */
export interface VarJob {
  readonly ctx: EngineContext;
  readonly book: ResolvedBook;
  readonly o: VarOptionsParsed;
  readonly levels: number[];
  /** Expected daily P&L μ_p = Σ w_i μ_i (0 without market.mean). */
  readonly meanDaily: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface VarMethodDef {
  readonly name: VarMethodName;
  readonly summary: string;
  /** The market inputs the method reads (help text). */
  readonly inputs: string;
  /** Work estimate for the service's limits. */
  work(req: VarRequest): WorkEstimate;
  /** Scenarios the progress callback counts to, when the method reports progress. */
  progressTotal?(o: VarOptionsParsed): number;
  run(job: VarJob): Promise<[LevelResult[], VarExtra]>;
}

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

const unpack = (r: VarHistoryOutput): [LevelResult[], VarExtra] => [r.levels, r.extra];

/** The history-driven methods run as one task; FHS first fits one volatility model per factor. */
const historyRun = async ({ ctx, book, o, levels, signal }: VarJob): Promise<[LevelResult[], VarExtra]> =>
  unpack(await ctx.pool.run(VAR_HISTORY_TASK, packHistoryInput({ book, options: o, levels }), { signal }));

const historyRows = (req: VarRequest): number => req.market.returns?.length ?? req.market.pnl?.length ?? 0;

async function monteCarlo({ ctx, book, o, levels, meanDaily, signal, onProgress }: VarJob): Promise<[LevelResult[], VarExtra]> {
  const { n, exposures, market: m } = book;
  const { cov, field, source } = await covarianceOf(ctx, book, o.covarianceModel, o.lambda, signal);
  const lp = await choleskyPacked(ctx.pool, cov, n, o.horizonDays, field, signal);
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
  return [lv, {
    n: o.scenarios, meanLoss: out.meanLoss - shift, stdLoss: out.stdLoss,
    tail: tailArrays(out.tail, out.tailIndex, shift),
    kernel: ctx.wasm ? 'wasm' : 'ts', seed: o.seed, covarianceSource: source, contributions,
  }];
}

/** The result's tail as plain arrays (losses shifted by the mean): plain loops, no per-element callbacks. */
function tailArrays(v: Float64Array, ix: Float64Array, shift: number): { losses: number[]; index: number[] } {
  const m = v.length;
  const losses = new Array<number>(m);
  const index = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    losses[i] = v[i] - shift;
    index[i] = ix[i];
  }
  return { losses, index };
}

// the Z·Lᵀ product is ~n² per scenario; the constant covers draws, tail push and overhead
const mcWork = (req: VarRequest): WorkEstimate => {
  const n = req.portfolio.exposures.length;
  return { units: req.options.scenarios * (n * n + 16), field: 'options.scenarios' };
};

/** Every VaR/ES method, in the order the help text lists them. */
export const VAR_METHOD_TABLE: readonly VarMethodDef[] = [
  {
    name: 'mc-normal',
    summary: 'Monte Carlo with correlated normal factor returns (WASM over the pool, reproducible by seed)',
    inputs: 'market.covariance, or vols + correlation, or returns (estimated with options.covarianceModel)',
    work: mcWork,
    progressTotal: (o) => o.scenarios,
    run: monteCarlo,
  },
  {
    name: 'mc-t',
    summary: 'Monte Carlo with multivariate Student-t factor returns (options.df), unit variance',
    inputs: 'as mc-normal',
    work: mcWork,
    progressTotal: (o) => o.scenarios,
    run: monteCarlo,
  },
  {
    name: 'parametric',
    summary: 'normal closed form: VaR = z·σ_p·√h − μ_p·h, ES = φ(z)/(1−a)·σ_p·√h − μ_p·h',
    inputs: 'market.covariance, or vols + correlation, or returns',
    work: (req) => ({ units: req.portfolio.exposures.length ** 2 * (1 + (req.market.returns?.length ?? 0)), field: 'portfolio.exposures' }),
    async run({ ctx, book, o, levels, meanDaily, signal }) {
      const { n, exposures, market: m } = book;
      const { cov, source } = await covarianceOf(ctx, book, o.covarianceModel, o.lambda, signal);
      const sigma = Math.sqrt(Math.max(0, quadForm(exposures, cov, n)));
      const lv = parametricNormal(sigma, meanDaily, o.horizonDays, levels);
      const contributions = o.attribution
        ? contributionsFrom(book.factors, exposures, parametricComponentEs(exposures, cov, n, m.mean, lv[0].confidence, o.horizonDays), lv[0].es)
        : undefined;
      return [lv, { n: 0, meanLoss: -meanDaily * o.horizonDays, stdLoss: sigma * Math.sqrt(o.horizonDays), tail: { losses: [], index: [] }, kernel: 'none', covarianceSource: source, contributions }];
    },
  },
  {
    name: 'historical',
    summary: 'historical simulation over overlapping h-day windows of the factor (or P&L) history',
    inputs: 'market.returns (T×N) or market.pnl',
    work: (req) => ({ units: historyRows(req) * req.portfolio.exposures.length * req.options.horizonDays, field: 'market.returns' }),
    run: historyRun,
  },
  {
    name: 'fhs',
    summary: 'filtered historical simulation: returns devolatilised by EWMA or GARCH(1,1) vols and scaled to today\'s',
    inputs: 'market.returns (T×N, at least 30 rows)',
    // a BFGS GARCH fit is ~100 likelihood passes of O(T) per factor
    work: (req) => ({ units: historyRows(req) * req.portfolio.exposures.length * (req.options.volModel === 'garch' ? 100 : 10) * req.options.horizonDays, field: 'market.returns' }),
    async run({ ctx, book, o, levels, signal }) {
      const { n, market: m } = book;
      if (!m.returns) throw new ValidationError('market.returns', 'required', 'filtered historical simulation needs market.returns (T×N factor returns)');
      checkReturns(m.returns, n);
      if (m.returns.length < 30) throw new ValidationError('market.returns', 'length', `FHS needs at least 30 rows of history; got ${m.returns.length}`);
      // the tail's minimum sample, before the fits start (the history task checks it again)
      requireWindows(m.returns.length - o.horizonDays + 1, levels, m, o.horizonDays);
      // the history goes to shared memory once; one volatility fit per factor reads its column there,
      // fanned out over the pool; the scenarios and tail in one more task
      const matrix = packShared(m.returns, n);
      const log1p = (m.returnType ?? 'log') === 'simple';
      const paths = await Promise.all(Array.from({ length: n }, (_, j) =>
        ctx.pool.run(VOL_PATH_TASK, { series: { matrix, column: j }, log1p, model: o.volModel, lambda: o.lambda, field: `market.returns[*][${j}]` }, { signal })));
      return unpack(await ctx.pool.run(VAR_HISTORY_TASK, packHistoryInput({ book, options: o, levels, fhs: { paths } }, matrix), { signal }));
    },
  },
  {
    name: 'cornish-fisher',
    summary: 'modified VaR/ES: the normal quantile adjusted by the sample skewness and excess kurtosis',
    inputs: 'market.returns (T×N) or market.pnl',
    work: (req) => ({ units: historyRows(req) * req.portfolio.exposures.length, field: 'market.returns' }),
    run: historyRun,
  },
  {
    name: 'stressed',
    summary: 'historical VaR/ES on the worst window (options.stressWindowDays) of the history',
    inputs: 'market.returns (T×N) or market.pnl',
    work: (req) => ({ units: historyRows(req) * req.options.stressWindowDays * 10, field: 'options.stressWindowDays' }),
    run: historyRun,
  },
];

/**
 * Looks up a method by name.
 * @throws ValidationError naming `options.method` for an unknown one.
 */
export function varMethod(name: unknown): VarMethodDef {
  const m = VAR_METHOD_TABLE.find((x) => x.name === name);
  if (!m) throw new ValidationError('options.method', 'enum', `must be one of ${VAR_METHOD_TABLE.map((x) => `'${x.name}'`).join(', ')}; got ${describeValue(name)}`, name);
  return m;
}
