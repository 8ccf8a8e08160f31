/**
 * The engine: one reusable worker pool behind the public API. Create it once, run many jobs,
 * close it when done (`await using engine = await createEngine()` works too).
 */
import { AbortError, EngineClosedError, ValidationError, WasmUnavailableError, describeValue } from '../errors/index.js';
import { WorkerPool } from '../pool/index.js';
import { VarOptionsSchema, parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput, VarOptionsInput } from '../schemas/index.js';
import { mainThreadCore } from '../wasm/index.js';
import { historicalLosses, historicalLossesFromPnl, windowReturns } from '../risk/historical.js';
import { componentFromTail, contributionsFrom, parametricComponentEs } from '../risk/attribution.js';
import type { Contribution } from '../risk/attribution.js';
import { checkReturns, choleskyPacked, quadForm, resolveBook, resolveCovariance } from '../risk/inputs.js';
import type { ResolvedBook } from '../risk/inputs.js';
import { cornishFisherLevels, dailyLosses, estimateCovariance, fhsReturns, stressedWindow } from '../risk/history-methods.js';
import { mcComponentEs, runMonteCarlo } from '../risk/mc.js';
import { balancedRowRanges, shareForCov } from '../market/cov-task.js';
import { ewmaCovariance, ledoitWolf } from '../market/index.js';
import type { Progress } from '../risk/mc.js';
import { parametricNormal } from '../risk/parametric.js';
import { levelsFromLosses, tailCount } from '../risk/tail.js';
import { sampleTierTables } from '../margin/index.js';
import { liquidationPrices, tieredMargin } from '../margin/tiered/index.js';
import type { Account, LiquidationPriceResult, Marks, TierTables, TieredMarginResult, TieredOptions } from '../margin/tiered/index.js';
import { gridMargin } from '../margin/grid/index.js';
import type { GridMarginConfig, GridMarginResult } from '../margin/grid/index.js';
import { varEsMargin } from '../margin/var-es/index.js';
import type { VarEsMarginConfig, VarEsMarginResult } from '../margin/var-es/index.js';
import type { PriceSeries } from '../market/index.js';
import { stressBook } from '../stress/index.js';
import type { BookStressOptions, StressResult } from '../stress/index.js';
import { backtest as backtestFixed, ewmaNormalForecaster, historicalForecaster, recalibrate, rollingBacktest } from '../backtest/index.js';
import type { BacktestResult, RecalibrateOptions, RecalibrationResult, RollingBacktestResult } from '../backtest/index.js';
import { allocateCollateral, deleverage, kellyFraction, minimizeCvar, minimizeGridMargin } from '../optimize/index.js';
import type {
  CollateralProblem, CollateralResult, CvarHedgeProblem, CvarHedgeResult, DeleverageProblem, DeleverageResult,
  GridHedgeProblem, GridHedgeResult, KellyOptions, KellyResult, SolveOptions,
} from '../optimize/index.js';
import type { Market, Position, Scenario } from '../instruments/index.js';
import { buildInstrumentTable, toScenarioColumns } from '../instruments/index.js';
import { shareRevaluation } from '../instruments/reval-task.js';
import type { LevelResult } from '../risk/tail.js';

export type { Progress } from '../risk/mc.js';
export type { LevelResult } from '../risk/tail.js';
export type { Contribution } from '../risk/attribution.js';

export interface EngineOptions {
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /**
   * Kernels: `true` requires WASM (throws WasmUnavailableError if it cannot load), `false` uses
   * the pure-TS twins, `'auto'` (default) uses WASM when it loads.
   */
  wasm?: boolean | 'auto';
}

export interface VarOptions extends VarOptionsInput {
  /** Cancels the job; the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Called as tasks finish (Monte Carlo), with scenarios done so far. */
  onProgress?: (p: Progress) => void;
}

export type VarMethod = VarOptionsInput['method'];

/** A T×N matrix of observations: nested rows, or row-major data with its shape. */
export type Matrix = number[][] | { data: Float64Array; rows: number; cols: number };

export interface CovarianceOptions {
  /** `sample` (ddof = 1, WASM kernel over the pool), `ewma` (RiskMetrics) or `ledoit-wolf`. */
  method?: 'sample' | 'ewma' | 'ledoit-wolf';
  /** EWMA decay (default 0.94). */
  lambda?: number;
  /** Ledoit–Wolf target (default `identity`, the scikit-learn estimator). */
  target?: 'identity' | 'constant-correlation';
}

export interface CovarianceResult {
  covariance: number[][];
  method: 'sample' | 'ewma' | 'ledoit-wolf';
  rows: number;
  cols: number;
  /** Ledoit–Wolf shrinkage intensity in [0, 1]. */
  shrinkage?: number;
  kernel: 'wasm' | 'ts';
  elapsedMs: number;
}

function toRowMajor(x: Matrix): { data: Float64Array; rows: number; cols: number } {
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows ? (Array.isArray(x[0]) ? x[0].length : -1) : 0;
    const data = new Float64Array(rows * Math.max(cols, 0));
    for (let r = 0; r < rows; r++) {
      const row = x[r];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ValidationError(`returns[${r}]`, 'dimension', `must be an array of ${cols} numbers; got ${describeValue(row)}`);
      }
      for (let c = 0; c < cols; c++) data[r * cols + c] = row[c];
    }
    return { data, rows, cols };
  }
  if (!x || !(x.data instanceof Float64Array) || !Number.isInteger(x.rows) || !Number.isInteger(x.cols) || x.data.length < x.rows * x.cols) {
    throw new ValidationError('returns', 'type', 'must be number[][] or { data: Float64Array, rows, cols } with data.length >= rows·cols');
  }
  return x;
}

function toNested(d: ArrayLike<number>, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => d[i * n + j]));
}

/** Options of `engine.backtest`: fixed forecasts, or a rolling model re-estimated every day. */
export interface BacktestOptions {
  confidence?: number;
  /** Significance of the Kupiec / Christoffersen tests (default 0.05). */
  significance?: number;
  /** Rolling mode (when no forecasts are given): the VaR model and its window. */
  model?: 'historical' | 'ewma';
  window?: number;
  lambda?: number;
  /** Whether the series holds P&L (default) or losses. */
  input?: 'pnl' | 'loss';
}

/** An optimisation request: the problem kind and its inputs (see src/optimize). */
export type OptimizeRequest =
  | ({ kind: 'cvar' } & CvarHedgeProblem)
  | ({ kind: 'grid-hedge' } & GridHedgeProblem)
  | ({ kind: 'collateral' } & CollateralProblem)
  | ({ kind: 'deleverage' } & DeleverageProblem)
  | ({ kind: 'kelly'; returns: number[] } & KellyOptions);

export type OptimizeResult =
  | ({ kind: 'cvar' } & CvarHedgeResult)
  | ({ kind: 'grid-hedge' } & GridHedgeResult)
  | ({ kind: 'collateral' } & CollateralResult)
  | ({ kind: 'deleverage' } & DeleverageResult)
  | ({ kind: 'kelly' } & KellyResult);

/** Market side of tiered margin: mark prices by symbol and the venue's tier tables. */
export interface TieredMarket {
  marks: Marks;
  /** Tier tables by symbol (default: the shipped samples in data/tiers). */
  tables?: TierTables;
}

/** A book of instrument positions (spot, futures, perps, options). */
export interface InstrumentBook {
  positions: Position[];
}

/** Market side of the VaR/ES (CCP) model: current prices plus the price history of the underlyings. */
export interface HistoryMarket extends Market {
  history: PriceSeries;
}

export type MarginOptions =
  | ({ model: 'tiered' } & TieredOptions)
  | { model: 'scenario-grid'; config?: GridMarginConfig }
  | { model: 'var-es'; config?: VarEsMarginConfig };

export type MarginResult =
  | ({ model: 'tiered' } & TieredMarginResult)
  | ({ model: 'scenario-grid' } & GridMarginResult)
  | ({ model: 'var-es' } & VarEsMarginResult);

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

const DEFAULT_LEVELS_OF = (c: number | number[]): number[] => (Array.isArray(c) ? c : [c]);

export class Engine implements AsyncDisposable {
  readonly threads: number;
  /** Whether the kernels run as WASM (true) or as the pure-TS twins (false). */
  readonly wasm: boolean;
  private readonly pool: WorkerPool;
  private closing = false;
  private readonly active = new Set<Promise<unknown>>();

  /** @internal use createEngine() */
  constructor(pool: WorkerPool, wasm: boolean) {
    this.pool = pool;
    this.threads = pool.threads;
    this.wasm = wasm;
  }

  /** Pool utilisation since start (0..1), for metrics. */
  get utilization(): number {
    return this.pool.utilization;
  }

  /**
   * Value at Risk and Expected Shortfall of a linear portfolio of risk factors.
   *
   * ## Method
   * - `mc-normal` / `mc-t`: scenarios r = √h·L·z (L = chol Σ, z standard normal, or scaled by
   *   sqrt((ν−2)/W), W ~ χ²_ν, for unit-variance multivariate Student-t), loss = −w·r − μ_p h.
   * - `parametric`: VaR = z_a σ_p √h − μ_p h, ES = φ(z_a)/(1−a) σ_p √h − μ_p h.
   * - `historical`: losses from `market.returns` (overlapping h-day windows) or `market.pnl`.
   * Tail convention: k = ceil((1−a)N), VaR = k-th largest loss, ES = mean of the k largest.
   *
   * @param portfolio `{ exposures }`: currency exposure per factor (P&L = Σ w_i r_i).
   * @param market `{ covariance }` or `{ vols, correlation }` of daily returns; `returns`/`pnl` for historical.
   * @throws ValidationError naming the field, before any work starts; AbortError; WorkerError.
   * @example
   * const r = await engine.var({ exposures: [1e6] }, { covariance: [[1e-4]] }, { method: 'parametric' });
   * r.var // returns 23263.478740408408 (2.326 σ)
   */
  var(portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
    return this.track(() => this.computeVar(portfolio, market, options));
  }

  /** Runs a job unless closing; close() waits for every tracked job. */
  private track<T>(job: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new EngineClosedError());
    const p = job();
    this.active.add(p);
    const done = (): void => {
      this.active.delete(p);
    };
    p.then(done, done);
    return p;
  }

  private async computeVar(portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
    const r = await this.computeVarCore(portfolio, market, options);
    if (r.contributions && options.incremental) {
      const exposures = (portfolio as { exposures: number[] }).exposures;
      if (exposures.length > 100) throw new ValidationError('options.incremental', 'range', `incremental ES runs once per factor; at most 100 factors, got ${exposures.length}`);
      const base = { ...options, attribution: false, incremental: false, onProgress: undefined, confidence: r.confidence };
      for (let i = 0; i < exposures.length; i++) {
        const without = await this.computeVarCore({ ...portfolio, exposures: exposures.map((x, j) => (j === i ? 0 : x)) }, market, base);
        r.contributions[i].incrementalEs = r.es - without.es;
      }
    }
    return r;
  }

  private async computeVarCore(portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
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
    const levels = DEFAULT_LEVELS_OF(o.confidence);
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
        const contributions = o.attribution ? this.historicalAttribution(book, filtered, 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
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
          ? this.historicalAttribution(book, m.returns?.slice(win.start, win.end), m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es)
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
        const contributions = o.attribution ? this.historicalAttribution(book, m.returns, m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
        return finish(lv, { ...sum, kernel: 'none', contributions });
      }
      case 'mc-normal':
      case 'mc-t': {
        const { cov, field, source } = covarianceOf(book, o.covarianceModel, o.lambda);
        const lp = await choleskyPacked(cov, n, o.horizonDays, field, this.wasm);
        const shift = meanDaily * o.horizonDays;
        const job = { n, lp, exposures, nu: o.method === 'mc-t' ? o.df : 0, scenarios: o.scenarios, seed: o.seed, levels, wasm: this.wasm, signal, onProgress };
        const out = await runMonteCarlo(this.pool, job);
        const lv = out.levels.map((l) => ({ ...l, var: l.var - shift, es: l.es - shift }));
        let contributions: Contribution[] | undefined;
        if (o.attribution) {
          const comp = await mcComponentEs(this.pool, job, out.tailIndex, lv[0].k);
          // the mean shift −μ_p h splits by factor as −w_i μ_i h
          if (m.mean) for (let i = 0; i < n; i++) comp[i] -= exposures[i] * m.mean[i] * o.horizonDays;
          contributions = contributionsFrom(book.factors, exposures, comp, lv[0].es);
        }
        return finish(lv, {
          n: o.scenarios, meanLoss: out.meanLoss - shift, stdLoss: out.stdLoss,
          tail: { losses: Array.from(out.tail, (x) => x - shift), index: Array.from(out.tailIndex) },
          kernel: this.wasm ? 'wasm' : 'ts', seed: o.seed, covarianceSource: source, contributions,
        });
      }
    }
  }

  /**
   * Stress test of an instrument book with full revaluation: hypothetical shocks (default set:
   * crash with vol spike, flash crash, rally, correlation to one, liquidity squeeze), the book's
   * worst historical episodes when `market.history` is given, and a reverse stress (smallest
   * uniform move whose loss reaches `options.margin` or `options.reverseThreshold`).
   * Each result: loss, margin coverage and the positions that drive it.
   */
  stress(book: InstrumentBook, market: Market | HistoryMarket, options: BookStressOptions = {}): Promise<StressResult[]> {
    return this.track(async () => {
      if (!book || !Array.isArray(book.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(book?.positions)}`);
      const { history, ...spot } = market as HistoryMarket;
      return stressBook(book.positions, spot, { ...options, history: options.history ?? history });
    });
  }

  /**
   * VaR backtest. With `forecasts`: exceedances of the given VaR series by the losses, Kupiec
   * POF, Christoffersen independence and conditional coverage, Basel traffic light. Without:
   * a rolling backtest of a VaR model (`historical` or `ewma`) re-estimated daily on the
   * previous `window` observations.
   */
  backtest(series: number[], forecasts: number[] | undefined, options: BacktestOptions = {}): Promise<BacktestResult | RollingBacktestResult> {
    return this.track(async () => {
      const confidence = options.confidence ?? 0.99;
      if (forecasts) {
        const losses = options.input === 'loss' ? series : series.map((x) => -x);
        return backtestFixed(losses, forecasts, { confidence, significance: options.significance });
      }
      const forecaster = (options.model ?? 'historical') === 'historical' ? historicalForecaster : ewmaNormalForecaster(options.lambda ?? 0.94);
      return rollingBacktest(series, forecaster, { window: options.window ?? 250, confidence, input: options.input ?? 'pnl', significance: options.significance });
    });
  }

  /**
   * The dynamic recalibration loop: backtest the VaR model rolling over the series; when it fails
   * (red zone or Kupiec p < significance) search candidate parameters (EWMA λ, VaR multiplier,
   * window) and propose the least-capital one that passes, with before/after backtests.
   */
  recalibrate(series: number[], options: RecalibrateOptions): Promise<RecalibrationResult> {
    return this.track(async () => recalibrate(series, options));
  }

  /**
   * Least capital for the exposure wanted, solved with HiGHS (LP/MIP): `cvar` (minimise ES, or
   * maximise expected P&L under an ES budget, Rockafellar–Uryasev), `grid-hedge` (minimise the
   * worst scenario-grid loss over hedges, integer lots as MIP), `collateral` (cheapest allocation
   * of collateral across venues with haircuts and concentration limits), `deleverage` (smallest
   * weighted cut restoring maintenance margin plus a buffer), `kelly` (fractional Kelly sizing
   * capped by an ES budget and a liquidation buffer). Each result is re-verified on the proposed
   * book and carries before/after metrics, binding constraints and the solver status.
   * @throws ValidationError for bad input; SolverError naming the constraint set when infeasible or unbounded.
   */
  optimize(request: OptimizeRequest, solveOptions: SolveOptions = {}): Promise<OptimizeResult> {
    return this.track(async () => {
      const kind = (request as { kind?: unknown } | undefined)?.kind;
      switch (kind) {
        case 'cvar': return { kind, ...(await minimizeCvar(request as CvarHedgeProblem, solveOptions)) };
        case 'grid-hedge': return { kind, ...(await minimizeGridMargin(request as GridHedgeProblem, solveOptions)) };
        case 'collateral': return { kind, ...(await allocateCollateral(request as CollateralProblem, solveOptions)) };
        case 'deleverage': return { kind, ...(await deleverage(request as DeleverageProblem, solveOptions)) };
        case 'kelly': {
          const { kind: _k, returns, ...opts } = request as { kind: 'kelly'; returns: number[] } & KellyOptions;
          return { kind, ...kellyFraction(returns, opts) };
        }
        default:
          throw new ValidationError('request.kind', 'enum', `must be one of 'cvar', 'grid-hedge', 'collateral', 'deleverage', 'kelly'; got ${describeValue(kind)}`);
      }
    });
  }

  /**
   * Full revaluation of an instrument book under many scenarios (price moves, implied-vol shifts,
   * time decay): P&L per scenario in USD (inverse contracts converted at the shocked price). The
   * scenarios are split into ranges over the pool; each worker runs the WASM kernel (or its TS
   * twin) on the shared table. Same numbers for any thread count.
   * @throws ValidationError for bad positions, prices or scenarios.
   */
  revalue(book: InstrumentBook, market: Market, scenarios: readonly Scenario[]): Promise<{ total: Float64Array; underlyings: string[]; elapsedMs: number }> {
    return this.track(async () => {
      const t0 = performance.now();
      if (!book || !Array.isArray(book.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(book?.positions)}`);
      const table = buildInstrumentTable(book.positions, market);
      const cols = toScenarioColumns(scenarios, table.underlyings);
      const shared = shareRevaluation(table.columns, cols);
      const ns = cols.nScenarios;
      const parts = Math.max(1, Math.min(ns, this.threads * 4));
      const ranges = Array.from({ length: parts }, (_, p) => [Math.floor((p * ns) / parts), Math.floor(((p + 1) * ns) / parts)] as const);
      const outs = await Promise.all(ranges.map(([from, to]) =>
        this.pool.run<Float64Array>({ kind: 'reval', table: shared.table, scen: shared.scen, from, to, wasm: this.wasm })));
      const total = new Float64Array(ns);
      ranges.forEach(([from], p) => total.set(outs[p], from));
      return { total, underlyings: table.underlyings, elapsedMs: performance.now() - t0 };
    });
  }

  /**
   * Covariance of a T×N return matrix. `sample` runs the blocked WASM kernel over the pool (rows
   * of the result split into equal-work ranges; bit-identical to one thread); `ewma` and
   * `ledoit-wolf` run on the calling thread.
   * @throws ValidationError for a ragged or non-finite matrix, fewer than 2 rows or a bad option.
   */
  covariance(returns: Matrix, options: CovarianceOptions = {}): Promise<CovarianceResult> {
    return this.track(async () => {
      const t0 = performance.now();
      const method = options.method ?? 'sample';
      if (!['sample', 'ewma', 'ledoit-wolf'].includes(method)) {
        throw new ValidationError('options.method', 'enum', `must be 'sample', 'ewma' or 'ledoit-wolf'; got ${describeValue(method)}`);
      }
      const { data, rows, cols } = toRowMajor(returns);
      if (rows < 2) throw new ValidationError('returns', 'length', `needs at least 2 rows; got ${rows}`);
      if (cols < 1) throw new ValidationError('returns[0]', 'length', 'needs at least 1 column');
      for (let i = 0; i < rows * cols; i++) {
        if (!Number.isFinite(data[i])) {
          throw new ValidationError(`returns[${Math.floor(i / cols)}][${i % cols}]`, 'finite', `must be a finite number; got ${describeValue(data[i])}`);
        }
      }
      const kernel = this.wasm ? 'wasm' as const : 'ts' as const;
      if (method !== 'sample') {
        const nested = Array.isArray(returns) ? returns : Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * cols, (r + 1) * cols)));
        if (method === 'ewma') {
          return { covariance: ewmaCovariance(nested, options.lambda ?? 0.94), method, rows, cols, kernel, elapsedMs: performance.now() - t0 };
        }
        const lw = ledoitWolf(nested, { target: options.target ?? 'identity' });
        return { covariance: lw.covariance, shrinkage: lw.shrinkage, method, rows, cols, kernel, elapsedMs: performance.now() - t0 };
      }
      const shared = shareForCov(data, rows, cols);
      const ranges = balancedRowRanges(cols, Math.min(cols, this.threads));
      const parts = await Promise.all(ranges.map(([rowFrom, rowTo]) =>
        this.pool.run<Float64Array>({ kind: 'cov', shared, t: rows, n: cols, rowFrom, rowTo, wasm: this.wasm })));
      const out = new Float64Array(cols * cols);
      ranges.forEach(([from, to], p) => {
        for (let i = from; i < to; i++) {
          for (let j = i; j < cols; j++) {
            const v = parts[p][(i - from) * cols + j];
            out[i * cols + j] = v;
            out[j * cols + i] = v;
          }
        }
      });
      return { covariance: toNested(out, cols), method, rows, cols, kernel, elapsedMs: performance.now() - t0 };
    });
  }

  /**
   * Initial and maintenance margin of an account under a venue's or clearing house's model.
   * - `tiered`: exchange tiered margin (maintenance-rate brackets, initial = notional / leverage,
   *   isolated or cross) with liquidation and bankruptcy prices per position.
   * - `scenario-grid`: SPAN-style portfolio margin over a price × vol grid per underlying, with
   *   extended moves, add-ons and inter-underlying credits; returns the full risk arrays.
   * - `var-es`: clearing-house VaR/ES margin (Prisma / SPAN 2 like): filtered historical
   *   simulation over the margin period of risk with full revaluation, blended with a stressed
   *   ES, a liquidity add-on and an anti-procyclicality option; per-position component ES.
   * @throws ValidationError naming the field.
   */
  margin(account: Account, market: TieredMarket, options: { model: 'tiered' } & TieredOptions): Promise<{ model: 'tiered' } & TieredMarginResult>;
  margin(book: InstrumentBook, market: Market, options: { model: 'scenario-grid'; config?: GridMarginConfig }): Promise<{ model: 'scenario-grid' } & GridMarginResult>;
  margin(book: InstrumentBook, market: HistoryMarket, options: { model: 'var-es'; config?: VarEsMarginConfig }): Promise<{ model: 'var-es' } & VarEsMarginResult>;
  margin(portfolio: Account | InstrumentBook, market: TieredMarket | Market | HistoryMarket, options: MarginOptions): Promise<MarginResult> {
    return this.track(async () => {
      const model = (options as { model?: unknown } | undefined)?.model;
      switch (model) {
        case 'tiered': {
          const { model: _m, ...opts } = options as { model: 'tiered' } & TieredOptions;
          const m = market as TieredMarket;
          if (!m || typeof m !== 'object' || m.marks === undefined) throw new ValidationError('market.marks', 'required', 'tiered margin needs mark prices by symbol');
          return { model: 'tiered' as const, ...tieredMargin(portfolio as Account, m.marks, m.tables ?? sampleTierTables(), opts) };
        }
        case 'scenario-grid': {
          const b = portfolio as InstrumentBook;
          if (!b || !Array.isArray(b.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(b?.positions)}`);
          return { model: 'scenario-grid' as const, ...gridMargin(b.positions, market as Market, (options as { config?: GridMarginConfig }).config ?? {}) };
        }
        case 'var-es': {
          const b = portfolio as InstrumentBook;
          if (!b || !Array.isArray(b.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(b?.positions)}`);
          const hm = market as HistoryMarket;
          if (!hm || typeof hm !== 'object' || !hm.history) throw new ValidationError('market.history', 'required', 'the var-es model needs the price history of the underlyings ({ dates, symbols, prices })');
          const { history, ...spot } = hm;
          return { model: 'var-es' as const, ...varEsMargin(b.positions, spot, history, (options as { config?: VarEsMarginConfig }).config ?? {}) };
        }
        default:
          throw new ValidationError('options.model', 'enum', `must be one of 'tiered', 'scenario-grid', 'var-es'; got ${describeValue(model)}`);
      }
    });
  }

  /**
   * Scenario-grid margin of many accounts at once, fanned out over the pool (accounts split into
   * contiguous slices). Returns initial and maintenance margin per account, in input order.
   * @throws ValidationError naming the account and field (`accounts[12].positions[3].strike`).
   */
  gridMarginBatch(accounts: InstrumentBook[], market: Market, config: GridMarginConfig = {}): Promise<{ initial: Float64Array; maintenance: Float64Array; elapsedMs: number }> {
    return this.track(async () => {
      const t0 = performance.now();
      if (!Array.isArray(accounts)) throw new ValidationError('accounts', 'type', `must be an array of { positions }; got ${describeValue(accounts)}`);
      accounts.forEach((a, i) => {
        if (!a || !Array.isArray(a.positions)) throw new ValidationError(`accounts[${i}].positions`, 'required', 'must be an array of positions');
      });
      // validate everything up front on the calling thread (cheap next to the grid) so a bad
      // account is named before any worker starts
      if (accounts.length > 0) gridMargin(accounts[0].positions, market, config);
      const parts = Math.max(1, Math.min(accounts.length, this.threads * 4));
      const ranges = Array.from({ length: parts }, (_, p) => [Math.floor((p * accounts.length) / parts), Math.floor(((p + 1) * accounts.length) / parts)] as const);
      const outs = await Promise.all(ranges.map(([from, to]) => this.pool.run<Float64Array>({
        kind: 'grid-batch', accounts: accounts.slice(from, to).map((a) => a.positions), market, config,
      }).catch((e: unknown) => {
        // errors lose their class across threads: re-run the slice here to name the bad account
        for (let i = from; i < to; i++) {
          try {
            gridMargin(accounts[i].positions, market, config);
          } catch (inner) {
            if (inner instanceof ValidationError) throw new ValidationError(`accounts[${i}].${inner.field}`, inner.rule, inner.message.replace(/^[^:]*: /, ''), inner.value);
            throw inner;
          }
        }
        throw e;
      })));
      const n = accounts.length;
      const initial = new Float64Array(n);
      const maintenance = new Float64Array(n);
      ranges.forEach(([from], p) => {
        const o = outs[p];
        for (let i = 0; i < o.length / 2; i++) {
          initial[from + i] = o[2 * i];
          maintenance[from + i] = o[2 * i + 1];
        }
      });
      return { initial, maintenance, elapsedMs: performance.now() - t0 };
    });
  }

  /**
   * Liquidation and bankruptcy prices of every position of an exchange account, with the distance
   * to liquidation in price, percent and (given daily vols) volatility units. In cross mode the
   * other positions and their unrealised P&L count; a price landing in another tier is re-solved.
   */
  liquidation(account: Account, market: TieredMarket, options: TieredOptions = {}): Promise<LiquidationPriceResult[]> {
    return this.track(async () => {
      if (!market || typeof market !== 'object' || market.marks === undefined) throw new ValidationError('market.marks', 'required', 'liquidation needs mark prices by symbol');
      return liquidationPrices(account, market.marks, market.tables ?? sampleTierTables(), options);
    });
  }

  /** Component ES from the tail observations of a factor-return history. */
  private historicalAttribution(
    book: ResolvedBook, returns: number[][] | undefined, returnType: 'log' | 'simple', horizonDays: number, tailIdx: number[], es: number,
  ): Contribution[] {
    if (!returns) throw new ValidationError('options.attribution', 'unsupported', 'needs factor returns (market.returns); a portfolio P&L history has no factor breakdown');
    const R = windowReturns(returns, horizonDays, returnType);
    const comp = componentFromTail(book.n, tailIdx, (s, i) => -book.exposures[i] * R(s, i));
    return contributionsFrom(book.factors, book.exposures, comp, es);
  }

  /** Refuses new jobs, lets running ones finish, then stops the workers. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.active]);
    await this.pool.close();
  }

  /** Stops the workers now; running jobs are rejected. */
  async destroy(): Promise<void> {
    this.closing = true;
    await this.pool.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates an engine: a Piscina pool of `threads` workers, each with one instance of the WASM
 * kernels (or the pure-TS twins with `wasm: false`). Workers are started and warmed up before
 * the promise resolves.
 * @throws ValidationError for bad options; WasmUnavailableError with `wasm: true` when WASM cannot load.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const { threads, wasm = 'auto' } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) {
    throw new ValidationError('options.threads', 'range', `must be an integer in [1, 256]; got ${describeValue(threads)}`);
  }
  if (wasm !== true && wasm !== false && wasm !== 'auto') {
    throw new ValidationError('options.wasm', 'type', `must be true, false or 'auto'; got ${describeValue(wasm)}`);
  }
  let useWasm = wasm !== false;
  if (useWasm) {
    try {
      await mainThreadCore();
    } catch (e) {
      if (wasm === true) throw e instanceof WasmUnavailableError ? e : new WasmUnavailableError(String(e), e);
      useWasm = false;
    }
  }
  const pool = new WorkerPool(threads === undefined ? {} : { threads });
  try {
    await Promise.all(Array.from({ length: pool.threads }, () => pool.run({ kind: 'ping', wasm: useWasm })));
  } catch (e) {
    await pool.destroy();
    throw e;
  }
  return new Engine(pool, useWasm);
}
