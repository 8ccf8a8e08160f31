/**
 * The engine: one reusable worker pool behind the public API. Create it once, run many jobs,
 * close it when done (`await using engine = await createEngine()` works too).
 */
import { EngineClosedError, ValidationError, WasmUnavailableError, describeValue, renamingFields, requireFiniteResult } from '../errors/index.js';
import { GRID_BATCH_TASK, REVAL_TASK, shareRevaluation } from '../kernels/index.js';
import type { GridKernelGrid } from '../kernels/index.js';
import { WorkerPool } from '../pool/index.js';
import type { TaskRunner } from '../pool/index.js';
import { parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput } from '../schemas/index.js';
import { SpareSharedBuffer, buildPath } from '../util/index.js';
import { mainThreadCore } from '../wasm/index.js';
import type { WasmBuild, WasmBuildChoice } from '../wasm/index.js';
import { LiquidationRequestSchema, marginModel } from '../margin/index.js';
import type { ParsedMarginRequest } from '../margin/index.js';
import type { Account, LiquidationPriceResult, Marks, TierTables, TieredMarginResult, TieredOptions } from '../margin/tiered/index.js';
import { prepareGrid } from '../margin/grid/index.js';
import { AccountPacker, prepareGridKernelInput } from '../margin/grid/index.js';
import type { GridMarginConfig, GridMarginResult } from '../margin/grid/index.js';
import type { VarEsMarginConfig, VarEsMarginResult } from '../margin/var-es/index.js';
import type { PriceSeries } from '../market/index.js';
import type { BookStressOptions, StressResult } from '../stress/index.js';
import type { BacktestResult, RecalibrateOptions, RecalibrationResult, RollingBacktestResult } from '../backtest/index.js';
import type { SolveOptions } from '../optimize/index.js';
import { rejectUnknownProblemKeys } from '../optimize/index.js';
import type { Market, Position, Scenario } from '../instruments/index.js';
import { buildInstrumentTable, toScenarioColumns } from '../instruments/index.js';

import { computeVar } from './var.js';
import type { VarOptions, VarResult } from './var-types.js';
import { computeCovariance } from './covariance.js';
import type { CovarianceOptions, CovarianceResult, Matrix } from './covariance.js';
import type { EngineContext } from './context.js';
import { BACKTEST_DEFAULTS, ENGINE_DEFAULTS } from './defaults.js';
import { BACKTEST_TASK, LIQUIDATION_TASK, MARGIN_TASK, WHATIF_BATCH_TASK, WHATIF_TASK, OPTIMIZE_TASK, PROGRESS_BYTES, PROGRESS_SLOTS, RECALIBRATE_TASK, STRESS_BOOK_TASK } from './tasks.js';
import type { OptimizeRequest, OptimizeResult } from './tasks.js';
import { BACKTEST_REQUEST_TASK, STRESS_REQUEST_TASK } from './requests.js';
import { applyVenue } from '../venues/index.js';
import { WhatIfRequestSchema } from '../whatif/index.js';
import type { Order, WhatIfOptions, WhatIfRequest, WhatIfResult, ModelDelta } from '../whatif/index.js';
import type { VenueMarket } from '../venues/index.js';
import type { BacktestRequest, StressRequest } from '../schemas/index.js';
import { runVenue, sizeVenue, streamVenueRun } from './venue.js';
import type { VenuePathInput, VenueRunOptions, VenueSimConfig, VenueSizingOptions, VenueStreamItem, VenueStreamOptions } from './venue.js';
import type { ScenarioSpec, SizingResult, VenueResult } from '../solvency/index.js';

export interface EngineOptions {
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /**
   * Kernels: `true` requires WASM (throws WasmUnavailableError if it cannot load), `false` uses
   * the pure-TS twins, `'auto'` (default) uses WASM when it loads.
   */
  wasm?: boolean | 'auto';
  /**
   * Which WASM build the workers load: `'auto'` (default) the relaxed-SIMD build (fused multiply-add)
   * when the runtime validates it (Node 24), else the strict build; `'strict'` forces build/core.wasm
   * (bit-identical to the TS twins' revaluation); `'relaxed'` requires the relaxed build (throws
   * WasmUnavailableError where the runtime rejects it, e.g. Node 20).
   */
  wasmBuild?: WasmBuildChoice;
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

/** Market side of tiered margin: mark prices by symbol and the venue's tier tables. */
export interface TieredMarket {
  marks: Marks;
  /** Tier tables by symbol (default: the shipped samples in data/tiers). */
  tables?: TierTables;
}

/** Market of a what-if: marks and tables (or `{ venue, tiers }`), underlying prices and history for grid / var-es. */
export type WhatIfMarketInput = (TieredMarket | VenueMarket) & { prices?: Record<string, number>; history?: PriceSeries; valuationDate?: string };

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

/** Slices of accounts per worker thread in `gridMarginBatch` (small slices start the workers early). */
const GRID_SLICES_PER_THREAD = 8;
/** Largest account table an engine keeps between `gridMarginBatch` calls (12 f64 per position). */
const GRID_SPARE_BYTES = 256 * 2 ** 20;
/** Largest `covariance` input buffer an engine keeps between calls (T·N f64). */
const COVARIANCE_SPARE_BYTES = 256 * 2 ** 20;

/**
 * The task registries every worker of an engine loads: the kernel tasks and the engine's
 * operation tasks (compiled JS in build/, which Piscina and the cluster workers run).
 */
export const ENGINE_TASK_MODULES: readonly string[] = [buildPath('src/kernels/tasks.js'), buildPath('src/engine/tasks.js')];

/** Per-call options of the engine methods whose own options are model settings. */
export interface CallOptions {
  /** Cancels the call: its tasks are stopped and the promise rejects with AbortError. */
  signal?: AbortSignal;
}

/** Progress of an optimisation (ES solver): `done` of `total` = 100 is the bound gap on a log scale. */
export interface OptimizeProgress {
  done: number;
  total: number;
  iteration: number;
  /** Relative gap between the bounds (min ES) or relative ES-budget violation (max return). */
  gap: number;
  lower: number | null;
  upper: number | null;
}

/** Gap 1 (or more) → 0 %, 1e-9 → 100 %, log-linear between. */
export function gapPercent(gap: number): number {
  if (!(gap > 1e-9)) return 100;
  return Math.max(0, Math.min(99, Math.round((100 * -Math.log10(Math.min(1, gap))) / 9)));
}

export class Engine implements AsyncDisposable {
  readonly threads: number;
  /** Whether the kernels run as WASM (true) or as the pure-TS twins (false). */
  readonly wasm: boolean;
  /** Which WASM build the kernels run ('strict' or 'relaxed'); null for the TS twins or when the runner does not say. */
  readonly wasmBuild: WasmBuild | null;
  private readonly pool: TaskRunner;
  private readonly ctx: EngineContext;
  private closing = false;
  private readonly active = new Set<Promise<unknown>>();
  /** Table buffer of the last `gridMarginBatch`, reused by the next one (see AccountPacker). */
  private gridSpare: SharedArrayBuffer | undefined;

  /** @internal use createEngine() (local pool) or createClusterEngine() (queue). */
  constructor(runner: TaskRunner) {
    this.pool = runner;
    this.threads = runner.threads;
    this.wasm = runner.wasm;
    this.wasmBuild = runner.wasm ? runner.wasmBuild ?? null : null;
    this.ctx = { pool: runner, wasm: runner.wasm, covarianceInput: new SpareSharedBuffer(COVARIANCE_SPARE_BYTES) };
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
    return this.track('var', () => computeVar(this.ctx, portfolio, market, options));
  }

  /** Keeps `buffer` for the next grid batch (at most GRID_SPARE_BYTES; the larger of two). */
  private keepGridBuffer(buffer: SharedArrayBuffer): void {
    if (this.closing || buffer.byteLength > GRID_SPARE_BYTES) return;
    if (!this.gridSpare || this.gridSpare.byteLength < buffer.byteLength) this.gridSpare = buffer;
  }

  /**
   * Runs a job unless closing; close() waits for every tracked job. Every result passes the
   * finite-output guard here, once for all methods: a NaN or ±Infinity anywhere in it (typed
   * arrays included) becomes a NumericalError naming `computation` and the field, so neither
   * library callers nor the service (whose JSON would print `null`) ever see one.
   */
  private track<T>(computation: string, job: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new EngineClosedError());
    const p = job().then((r) => requireFiniteResult(computation, r));
    this.active.add(p);
    const done = (): void => {
      this.active.delete(p);
    };
    p.then(done, done);
    return p;
  }

  /**
   * Stress test of an instrument book with full revaluation: hypothetical shocks (default set:
   * crash with vol spike, flash crash, rally, correlation to one, liquidity squeeze), the book's
   * worst historical episodes when `market.history` is given, and a reverse stress (smallest
   * uniform move whose loss reaches `options.margin` or `options.reverseThreshold`).
   * Each result: loss, margin coverage and the positions that drive it.
   */
  stress(book: InstrumentBook, market: Market | HistoryMarket, options: BookStressOptions = {}, call: CallOptions = {}): Promise<StressResult[]> {
    return this.track('stress', async () => {
      if (!book || !Array.isArray(book.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(book?.positions)}`);
      const { history, ...spot } = market as HistoryMarket;
      return this.pool.run(STRESS_BOOK_TASK, { positions: book.positions, market: spot, options: { ...options, history: options.history ?? history } }, call);
    });
  }

  /**
   * VaR backtest. With `forecasts`: exceedances of the given VaR series by the losses, Kupiec
   * POF, Christoffersen independence and conditional coverage, Basel traffic light. Without:
   * a rolling backtest of a VaR model (`historical` or `ewma`) re-estimated daily on the
   * previous `window` observations.
   */
  backtest(series: number[], forecasts: number[], options?: BacktestOptions, call?: CallOptions): Promise<BacktestResult>;
  backtest(series: number[], forecasts: undefined, options?: BacktestOptions, call?: CallOptions): Promise<RollingBacktestResult>;
  backtest(series: number[], forecasts: number[] | undefined, options?: BacktestOptions, call?: CallOptions): Promise<BacktestResult | RollingBacktestResult>;
  backtest(series: number[], forecasts: number[] | undefined, options: BacktestOptions = {}, call: CallOptions = {}): Promise<BacktestResult | RollingBacktestResult> {
    return this.track('backtest', async () => this.pool.run(BACKTEST_TASK, {
      series, forecasts, confidence: options.confidence ?? BACKTEST_DEFAULTS.confidence, significance: options.significance,
      model: options.model ?? BACKTEST_DEFAULTS.model, window: options.window ?? BACKTEST_DEFAULTS.window,
      lambda: options.lambda ?? BACKTEST_DEFAULTS.lambda, input: options.input ?? BACKTEST_DEFAULTS.input,
    }, call));
  }

  /**
   * A stress request as the service and CLI take it (`type`: hypothetical linear-book shocks,
   * reverse stress worst-direction or uniform, Cover-1/2 default fund, default waterfall, or an
   * instrument book): one task in a worker. Errors name fields of the request.
   */
  stressRequest(request: StressRequest, options: CallOptions = {}): Promise<unknown> {
    return this.track('stress', () => this.pool.run(STRESS_REQUEST_TASK, request, options));
  }

  /**
   * A backtest request as the service and CLI take it (`type`: forecasts, rolling, recalibrate):
   * one task in a worker.
   */
  backtestRequest(request: BacktestRequest, options: CallOptions = {}): Promise<unknown> {
    return this.track('backtest', () => this.pool.run(BACKTEST_REQUEST_TASK, request, options));
  }

  /**
   * The dynamic recalibration loop: backtest the VaR model rolling over the series; when it fails
   * (red zone or Kupiec p < significance) search candidate parameters (EWMA λ, VaR multiplier,
   * window) and propose the least-capital one that passes, with before/after backtests.
   */
  recalibrate(series: number[], options: RecalibrateOptions, call: CallOptions = {}): Promise<RecalibrationResult> {
    return this.track('recalibrate', async () => this.pool.run(RECALIBRATE_TASK, { series, options }, call));
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
  optimize(request: OptimizeRequest, solveOptions: SolveOptions = {}, call: CallOptions & { onProgress?: (p: OptimizeProgress) => void } = {}): Promise<OptimizeResult> {
    return this.track('optimize', async () => {
      const kind = (request as { kind?: unknown } | undefined)?.kind;
      if (kind !== 'cvar' && kind !== 'grid-hedge' && kind !== 'collateral' && kind !== 'deleverage' && kind !== 'kelly') {
        throw new ValidationError('request.kind', 'enum', `must be one of 'cvar', 'grid-hedge', 'collateral', 'deleverage', 'kelly'; got ${describeValue(kind)}`);
      }
      rejectUnknownProblemKeys(request);
      // functions do not cross to the worker: progress comes back through the runner's progress cell
      // (shared with the thread locally, relayed through the queue on a cluster)
      const { onProgress: solverProgress, signal: _s, ...opts } = solveOptions;
      const onProgress = call.onProgress ?? (solverProgress ? (p: OptimizeProgress) => solverProgress({ iteration: p.iteration, gap: p.gap, lower: p.lower, upper: p.upper, scenarios: 0 }) : undefined);
      if (onProgress === undefined) return this.pool.run(OPTIMIZE_TASK, { request, solveOptions: opts }, call);
      const progress = new SharedArrayBuffer(PROGRESS_BYTES);
      const cell = new Float64Array(progress);
      let seen = 0;
      const poll = () => {
        const it = cell[PROGRESS_SLOTS.iteration];
        if (it === seen) return;
        seen = it;
        const gap = cell[PROGRESS_SLOTS.gap];
        const fin = (x: number) => (Number.isFinite(x) ? x : null);
        onProgress({ done: gapPercent(gap), total: 100, iteration: it, gap, lower: fin(cell[PROGRESS_SLOTS.lower]), upper: fin(cell[PROGRESS_SLOTS.upper]) });
      };
      const timer = setInterval(poll, 200);
      try {
        return await this.pool.run(OPTIMIZE_TASK, { request, solveOptions: opts }, { ...call, progress });
      } finally {
        clearInterval(timer);
        poll();
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
  revalue(book: InstrumentBook, market: Market, scenarios: readonly Scenario[], call: CallOptions = {}): Promise<{ total: Float64Array; underlyings: string[]; elapsedMs: number }> {
    return this.track('revalue', async () => {
      const t0 = performance.now();
      if (!book || !Array.isArray(book.positions)) throw new ValidationError('portfolio.positions', 'required', `must be an array of positions; got ${describeValue(book?.positions)}`);
      const table = buildInstrumentTable(book.positions, market);
      const cols = toScenarioColumns(scenarios, table.underlyings);
      const shared = shareRevaluation(table.columns, cols);
      const ns = cols.nScenarios;
      const parts = Math.max(1, Math.min(ns, this.threads * 4));
      const ranges = Array.from({ length: parts }, (_, p) => [Math.floor((p * ns) / parts), Math.floor(((p + 1) * ns) / parts)] as const);
      const outs = await Promise.all(ranges.map(([from, to]) =>
        this.pool.run(REVAL_TASK, { table: shared.table, scen: shared.scen, from, to }, call)));
      const total = new Float64Array(ns);
      ranges.forEach(([from], p) => total.set(outs[p], from));
      return { total, underlyings: table.underlyings, elapsedMs: performance.now() - t0 };
    });
  }

  /**
   * Covariance of a T×N return matrix. `sample` runs the blocked WASM kernel over the pool (rows
   * of the result split into equal-work ranges; bit-identical to one thread); `ledoit-wolf` takes
   * XᵀX from the same run plus one task for its O(T·N) sums; `ewma` is one task.
   * @throws ValidationError for a ragged or non-finite matrix, fewer than 2 rows or a bad option.
   */
  covariance(returns: Matrix, options: CovarianceOptions = {}, call: CallOptions = {}): Promise<CovarianceResult> {
    return this.track('covariance', () => computeCovariance(this.ctx, returns, options, call.signal));
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
  margin(account: Account, market: TieredMarket | VenueMarket, options: { model: 'tiered' } & TieredOptions, call?: CallOptions): Promise<{ model: 'tiered' } & TieredMarginResult>;
  margin(book: InstrumentBook, market: Market, options: { model: 'scenario-grid'; config?: GridMarginConfig }, call?: CallOptions): Promise<{ model: 'scenario-grid' } & GridMarginResult>;
  margin(book: InstrumentBook, market: HistoryMarket, options: { model: 'var-es'; config?: VarEsMarginConfig }, call?: CallOptions): Promise<{ model: 'var-es' } & VarEsMarginResult>;
  margin(portfolio: Account | InstrumentBook, market: TieredMarket | VenueMarket | Market | HistoryMarket, options: MarginOptions, call: CallOptions = {}): Promise<MarginResult> {
    // each model's schema types its request and result; the overloads above give callers the right one
    return this.marginOf({ portfolio, market, options }, call) as Promise<MarginResult>;
  }

  /**
   * Margin of a whole request `{ portfolio, market, options: { model } }` under any registered
   * model (including one added to MARGIN_MODELS): validated by the model's schema on the calling
   * thread, computed in a worker.
   * @throws ValidationError naming the field (`options.model` for an unknown model).
   */
  marginOf(request: { portfolio: unknown; market: unknown; options: { model: string } }, call: CallOptions = {}): Promise<{ model: string } & object> {
    return this.track('margin', async () => {
      const model = marginModel((request as { options?: { model?: unknown } } | undefined)?.options?.model, 'options.model');
      return this.marginRequest(model.parse(model.name === 'tiered' ? applyVenue(request) : request), call);
    });
  }

  /**
   * Margin of a request already validated by its model's `parse` (the service and CLI parse the
   * HTTP body once): one task in a worker, which validates the request again.
   */
  marginRequest(parsed: ParsedMarginRequest, options: CallOptions = {}): Promise<{ model: string } & object> {
    return this.track('margin', async () => ({ model: parsed.model, ...(await this.pool.run(MARGIN_TASK, { model: parsed.model, request: parsed.request }, options)) }));
  }

  /**
   * Scenario-grid margin of many accounts at once, fanned out over the pool (accounts split into
   * contiguous slices). Returns initial and maintenance margin per account, in input order.
   * @throws ValidationError naming the account and field (`accounts[12].positions[3].strike`).
   */
  gridMarginBatch(accounts: InstrumentBook[], market: Market, config: GridMarginConfig = {}, call: CallOptions = {}): Promise<{ initial: Float64Array; maintenance: Float64Array; elapsedMs: number }> {
    return this.track('gridMarginBatch', async () => {
      const t0 = performance.now();
      if (!Array.isArray(accounts)) throw new ValidationError('accounts', 'type', `must be an array of { positions }; got ${describeValue(accounts)}`);
      const prep = prepareGrid(config); // validates the profile once
      // Validate every account and write its rows into one shared table here (errors name the
      // account): cloning position objects to workers costs more than the margin itself. The
      // workers get plain typed arrays and the prepared grid. Packing goes slice by slice and each
      // slice is handed to the pool as soon as it is packed, so the workers margin the first
      // slices while this thread packs the next.
      // the table buffer of the previous batch, if no other batch holds it
      const spare = this.gridSpare;
      this.gridSpare = undefined;
      const packer = new AccountPacker(accounts, market, prep, spare);
      const nAcc = accounts.length;
      const parts = Math.max(1, Math.min(nAcc, this.threads * GRID_SLICES_PER_THREAD));
      const ranges = Array.from({ length: parts }, (_, p) => [Math.floor((p * nAcc) / parts), Math.floor(((p + 1) * nAcc) / parts)] as const);
      const runs: Promise<Float64Array>[] = [];
      let grid: GridKernelGrid | undefined;
      try {
        for (const [from, to] of ranges) {
          packer.pack(from, to);
          // Prices and credit pairs by global underlying id, for the ids seen so far: a slice only
          // holds ids already assigned, and a pair naming an underlying not yet seen is in none of
          // its accounts (id −1), so each slice's margins do not depend on where the slices end.
          if (!grid || grid.prices.length !== packer.names.length) grid = prepareGridKernelInput(prep, packer.names, market);
          runs.push(this.pool.run(GRID_BATCH_TASK, { accounts: packer.accounts, grid, from, to }, call));
          // let the pool hand queued slices to workers that finished theirs
          if (runs.length >= this.threads && to < nAcc) await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } catch (e) {
        // a bad account: let the slices already handed out finish before reporting it
        await Promise.allSettled(runs);
        this.keepGridBuffer(packer.accounts.table.buffer as SharedArrayBuffer);
        throw e;
      }
      let outs: Float64Array[];
      try {
        outs = await Promise.all(runs);
      } finally {
        await Promise.allSettled(runs);
        this.keepGridBuffer(packer.accounts.table.buffer as SharedArrayBuffer);
      }
      const initial = new Float64Array(nAcc);
      const maintenance = new Float64Array(nAcc);
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
  liquidation(account: Account, market: TieredMarket | VenueMarket, options: TieredOptions = {}, call: CallOptions = {}): Promise<LiquidationPriceResult[]> {
    return this.track('liquidation', async () => {
      const request = parseInput(LiquidationRequestSchema, applyVenue({ portfolio: account, market, options }), '');
      return this.pool.run(LIQUIDATION_TASK, request, call);
    });
  }

  /**
   * Simulates a venue over one price path: every account re-margined on each mark tick,
   * liquidations (partial by tier step-down, or full) taken over at the bankruptcy price and
   * executed with market impact (cascades), the insurance fund, and ADL or socialised loss when
   * the fund is exhausted. Accounts use the tiered model (isolated or cross, linear or inverse).
   * The accounts are validated and packed here; the run is one task in a worker.
   * See src/solvency/sim.ts for the model and README "Venue risk" for its assumptions.
   * @param path - marks `{ symbols, times, marks }`, a feed `{ csv }` (timestamp,symbol,mark), or `{ scenario, index }`
   * @throws ValidationError naming the field (`accounts[3].positions[0].symbol`, `config.impact.BTCUSDT.depth`, `path.csv[12].mark`).
   */
  simulateVenue(accounts: Account[], path: VenuePathInput, config: VenueSimConfig = {}, options: VenueRunOptions = {}): Promise<VenueResult> {
    return this.track('simulateVenue', () => runVenue(this.pool, accounts, path, config, options));
  }

  /**
   * The same run as `simulateVenue`, streamed: events as they happen, a progress item after each
   * chunk of ticks (marks, fund, liquidations) and a last `summary` item carrying the full result.
   * Each chunk is one task; the state moves between tasks, so the events equal one run's.
   */
  streamVenue(accounts: Account[], path: VenuePathInput, config: VenueSimConfig = {}, options: VenueStreamOptions = {}): AsyncGenerator<VenueStreamItem> {
    if (this.closing) throw new EngineClosedError();
    return streamVenueRun(this.pool, accounts, path, config, options);
  }

  /**
   * Solvency-buffer sizing: the book over `options.paths` stressed paths of a scenario spec
   * (Monte Carlo with fat tails and jumps, or historical episodes at a scale), fanned out over
   * the pool (or the cluster). Returns per currency the fund covering the requirement at
   * `confidence` (default 99.9 %), its mean, max and tail mean, Cover-2 (the two largest
   * uncollateralised losses) and the ADL probability and volume under the venue's own fund.
   * Same numbers for any thread count or split.
   */
  venueSizing(accounts: Account[], scenario: ScenarioSpec, config: VenueSimConfig = {}, options: VenueSizingOptions): Promise<SizingResult> {
    return this.track('venueSizing', () => sizeVenue(this.pool, accounts, scenario, config, options));
  }

  /**
   * Pre-trade what-if of one order on an exchange account: initial and maintenance margin before,
   * after and the change under each model asked (`tiered` with the venue's conventions,
   * `scenario-grid`, `var-es`), the order symbol's new liquidation and bankruptcy prices and distance
   * (% and σ), margin-call / reject flags with the rule that fired, and with `options.targetBuffer`
   * the smallest deposit or cut restoring it. The account is prepared and the order applied in one
   * pool task; var-es margins the before/after books as two more tasks. For many orders on one
   * account in-process, `prepareWhatIf` (src/whatif) keeps the prepared state and answers each order
   * incrementally on the caller's thread.
   * @throws ValidationError naming the field (`order.qty`, `market.tiers.result.list[2].maintenanceMargin`…)
   */
  whatIf(account: Account, order: Order, market: WhatIfMarketInput, options: WhatIfOptions = {}, call: CallOptions = {}): Promise<WhatIfResult> {
    return this.track('whatif', async () => {
      const request = parseInput(WhatIfRequestSchema, applyVenue({ portfolio: account, order, market, options }), '');
      return this.whatIfRequest(request, call);
    });
  }

  /**
   * What-if of many candidate orders on one account (each order alone, not one after another):
   * one pool task prepares the account once and answers every order incrementally. Tiered and
   * scenario-grid models (var-es per order: use `whatIf`).
   * @throws ValidationError naming the field (`orders[3].qty`…)
   */
  whatIfBatch(account: Account, orders: Order[], market: WhatIfMarketInput, options: WhatIfOptions = {}, call: CallOptions = {}): Promise<WhatIfResult[]> {
    return this.track('whatif', async () => {
      if (!Array.isArray(orders) || orders.length === 0) throw new ValidationError('orders', 'type', `must be a non-empty array of orders; got ${describeValue(orders)}`, orders);
      if (orders.length > 100_000) throw new ValidationError('orders', 'max', `must hold at most 100000 orders; got ${orders.length}`, orders.length);
      if ((options.models ?? []).includes('var-es')) throw new ValidationError('options.models', 'batch', "must not include 'var-es' in a batch (use whatIf per order)", options.models);
      // the first order stands in for the schema's order; each order is validated in the task (errors name orders[i])
      const { order: _o, ...request } = renamingFields((f) => (f.startsWith('order') ? `orders[0]${f.slice('order'.length)}` : f),
        () => parseInput(WhatIfRequestSchema, applyVenue({ portfolio: account, order: orders[0], market, options }), ''));
      return this.pool.run(WHATIF_BATCH_TASK, { request, orders }, call);
    });
  }

  /** A what-if request already validated by `WhatIfRequestSchema` (the service and CLI parse it once). */
  whatIfRequest(request: WhatIfRequest, call: CallOptions = {}): Promise<WhatIfResult> {
    return this.track('whatif', async () => {
      const models = request.options?.models ?? ['tiered'];
      const varEs = models.includes('var-es');
      if (varEs && request.market.history === undefined) {
        throw new ValidationError('market.history', 'required', 'is required by the var-es model (price history of the underlyings); got undefined');
      }
      const out = await this.pool.run(WHATIF_TASK, { request, books: varEs }, call);
      if (!varEs || !out.books) return out.result;
      const model = marginModel('var-es');
      const spot = { prices: out.books.prices, history: request.market.history, ...(request.market.valuationDate ? { valuationDate: request.market.valuationDate } : {}) };
      const opts = { model: 'var-es', ...(request.options?.varEs ? { config: request.options.varEs } : {}) };
      const run = (positions: unknown[]) => this.pool.run(MARGIN_TASK, { model: 'var-es', request: model.parse({ portfolio: { positions }, market: spot, options: opts }).request }, call) as Promise<{ initial: number; maintenance: number }>;
      const [before, after] = await Promise.all([run(out.books.before), out.books.after ? run(out.books.after) : Promise.resolve(null)]);
      if (!after) return out.result;
      const d: ModelDelta = {
        currency: 'USD',
        before: { initial: before.initial, maintenance: before.maintenance },
        after: { initial: after.initial, maintenance: after.maintenance },
        delta: { initial: after.initial - before.initial, maintenance: after.maintenance - before.maintenance },
      };
      return { ...out.result, models: { ...out.result.models, 'var-es': d } };
    });
  }

  /** The task runner: the local worker pool, or a cluster engine's queue (its health for probes). */
  get runner(): TaskRunner {
    return this.pool;
  }

  /** Refuses new jobs, lets running ones finish, then stops the workers. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.active]);
    this.gridSpare = undefined;
    this.ctx.covarianceInput?.clear();
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
  const { threads, wasm = ENGINE_DEFAULTS.wasm, wasmBuild = 'auto' } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) {
    throw new ValidationError('options.threads', 'range', `must be an integer in [1, 256]; got ${describeValue(threads)}`);
  }
  if (wasm !== true && wasm !== false && wasm !== 'auto') {
    throw new ValidationError('options.wasm', 'type', `must be true, false or 'auto'; got ${describeValue(wasm)}`);
  }
  if (wasmBuild !== 'auto' && wasmBuild !== 'strict' && wasmBuild !== 'relaxed') {
    throw new ValidationError('options.wasmBuild', 'type', `must be 'auto', 'strict' or 'relaxed'; got ${describeValue(wasmBuild)}`);
  }
  let useWasm = wasm !== false;
  let build: WasmBuild = 'strict';
  if (useWasm) {
    try {
      build = (await mainThreadCore(wasmBuild)).build;
    } catch (e) {
      // a build forced by name that cannot load is an error even in 'auto' kernel mode
      if (wasm === true || wasmBuild === 'relaxed') throw e instanceof WasmUnavailableError ? e : new WasmUnavailableError(String(e), e);
      useWasm = false;
    }
  }
  const pool = new WorkerPool({ ...(threads === undefined ? {} : { threads }), wasm: useWasm, wasmBuild: build, taskModules: ENGINE_TASK_MODULES });
  try {
    await pool.warmUp();
  } catch (e) {
    await pool.destroy();
    throw e;
  }
  return new Engine(pool);
}
