/**
 * The engine's operation tasks: every model step whose cost grows with the data runs in a worker
 * through one of these (the engine validates, plans and merges on the calling thread). Together
 * with the kernel tasks (src/kernels/tasks.ts) this is the registry the workers load — locally
 * (Piscina) and on cluster worker processes alike.
 */
import { backtest as backtestFixed, ewmaNormalForecaster, historicalForecaster, recalibrate, rollingBacktest } from '../backtest/index.js';
import type { BacktestResult, RecalibrateOptions, RecalibrationResult, RollingBacktestResult } from '../backtest/index.js';
import type { Market, Position } from '../instruments/index.js';
import { LiquidationRequestSchema, liquidationOf, marginModel } from '../margin/index.js';
import type { LiquidationPriceResult } from '../margin/tiered/index.js';
import { parseInput } from '../schemas/index.js';
import { ewmaVolatility, fitGarch11With, ledoitWolfFromCentred, centreColumns } from '../market/index.js';
import { allocateCollateral, deleverage, kellyFraction, minimizeCvar, minimizeGridMargin } from '../optimize/index.js';
import type {
  CollateralProblem, CollateralResult, CvarHedgeProblem, CvarHedgeResult, DeleverageProblem, DeleverageResult,
  GridHedgeProblem, GridHedgeResult, KellyOptions, KellyResult, SolveOptions,
} from '../optimize/index.js';
import { ValidationError, renamingFields } from '../errors/index.js';
import { prepareWhatIf } from '../whatif/index.js';
import type { Order, WhatIfRequest, WhatIfResult } from '../whatif/index.js';
import type { Position as InstrumentPosition } from '../instruments/index.js';
import { defineTask } from '../pool/index.js';
import type { WasmCore } from '../wasm/index.js';
import type { AnyTaskDef } from '../pool/index.js';
import { estimateCovariance } from '../risk/index.js';
import { stressBook } from '../stress/index.js';
import type { BookStressOptions, StressResult } from '../stress/index.js';
import { BACKTEST_REQUEST_TASK, STRESS_REQUEST_TASK } from './requests.js';
import { VENUE_CHUNK_TASK, VENUE_SIZING_TASK } from './venue.js';
import { VAR_HISTORY_TASK } from './var-history.js';
import type { PackedMatrix, VolPath } from './var-history.js';

// ---- market models -------------------------------------------------------------------------

export interface VolPathInput {
  /** The series, or column `column` of a packed (shared) return matrix. */
  series: Float64Array | { matrix: PackedMatrix; column: number };
  /** Fit on ln(1 + r) (the series holds simple returns). */
  log1p?: boolean;
  model: 'ewma' | 'garch';
  lambda: number;
  /** Field named in errors (e.g. `market.returns[*][3]`). */
  field: string;
}

/** Pool task: conditional-vol path and one-step forecast of one series (EWMA, or a GARCH(1,1) fit). */
export const VOL_PATH_TASK = defineTask<VolPathInput, VolPath>('vol-path', (input, env) => {
  try {
    return volPath(input, env.core);
  } catch (e) {
    // name the caller's field (market.returns[*][3]) instead of the model function's `returns`
    if (e instanceof ValidationError && e.field.startsWith('returns')) {
      throw new ValidationError(input.field + e.field.slice('returns'.length), e.rule, e.message.slice(e.field.length + 2), e.value);
    }
    throw e;
  }
});

function volPath({ series, log1p, model, lambda }: VolPathInput, core: WasmCore | null): VolPath {
  const x = series instanceof Float64Array
    ? Array.from(series)
    : Array.from({ length: series.matrix.rows }, (_, t) => series.matrix.data[t * series.matrix.cols + series.column]);
  if (log1p) for (let t = 0; t < x.length; t++) x[t] = Math.log1p(x[t]);
  if (model === 'garch') {
    // the likelihood passes run on the worker's WASM kernel (or the TS twin with wasm: false)
    const fit = fitGarch11With(core, x, { horizon: 1 });
    return { path: Float64Array.from(fit.conditionalVol), forecast: fit.forecast.vol[0] };
  }
  const e = ewmaVolatility(x, { lambda });
  return { path: Float64Array.from(e.vols), forecast: e.forecast };
}

/** Pool task: covariance of factor returns (sample, EWMA or Ledoit–Wolf), row-major n×n. */
export const COVARIANCE_ESTIMATE_TASK = defineTask<{ returns: number[][]; model: 'sample' | 'ewma' | 'ledoit-wolf'; lambda: number }, Float64Array>(
  'covariance-estimate', ({ returns, model, lambda }) => estimateCovariance(returns, model, lambda));

/** Pool task: Ledoit–Wolf shrinkage given XcᵀXc from the covariance kernel (the O(T·N) sums). */
export const LEDOIT_WOLF_TASK = defineTask<
  { data: Float64Array; rows: number; cols: number; xtx: Float64Array; target: 'identity' | 'constant-correlation' },
  { covariance: number[][]; shrinkage: number }
>('ledoit-wolf', ({ data, rows, cols, xtx, target }) => {
  const xc = Float64Array.from(data.subarray(0, rows * cols));
  centreColumns(xc, rows, cols);
  const lw = ledoitWolfFromCentred(xc, rows, cols, xtx, target);
  return { covariance: lw.covariance, shrinkage: lw.shrinkage };
});

// ---- margin --------------------------------------------------------------------------------

/** Pool task: one margin request of any registered model (the worker re-validates the request). */
export const MARGIN_TASK = defineTask<{ model: string; request: unknown }, object>(
  'margin', ({ model, request }) => marginModel(model).run(request));

/** Pool task: liquidation and bankruptcy prices of a parsed liquidation request. */
export const LIQUIDATION_TASK = defineTask<unknown, LiquidationPriceResult[]>(
  'liquidation', (request) => liquidationOf(parseInput(LiquidationRequestSchema, request, 'request')));

/** Output of the what-if task: the result, and the instrument books the engine margins under var-es. */
export interface WhatIfTaskOutput {
  result: WhatIfResult;
  books: { before: InstrumentPosition[]; after: InstrumentPosition[] | null; prices: Record<string, number> } | null;
}

/**
 * Pool task: one what-if (prepare the account — validation, the grid's unit revaluations — and
 * apply the order). `books` asks for the before/after instrument books for the var-es model.
 */
export const WHATIF_TASK = defineTask<{ request: WhatIfRequest; books: boolean }, WhatIfTaskOutput>('whatif', ({ request, books }) => {
  const session = prepareWhatIf(request.portfolio, request.market, request.options ?? {});
  const result = session.order(request.order);
  if (!books) return { result, books: null };
  const b = session.books(request.order);
  const prices: Record<string, number> = { ...(request.market.prices ?? {}) };
  for (const pos of b.before.concat(b.after ?? [])) {
    if (!Object.hasOwn(prices, pos.underlying)) prices[pos.underlying] = (pos as { markPrice?: number }).markPrice ?? NaN;
  }
  return { result, books: { ...b, prices } };
});

/**
 * Pool task: many orders against one account, each answered alone (not cumulatively) from one
 * prepared session — the account is validated and the grid revalued once.
 */
export const WHATIF_BATCH_TASK = defineTask<{ request: Omit<WhatIfRequest, 'order'>; orders: unknown[] }, WhatIfResult[]>('whatif-batch', ({ request, orders }) => {
  const session = prepareWhatIf(request.portfolio, request.market, request.options ?? {});
  return orders.map((o, i) => renamingFields((f) => (f.startsWith('order') ? `orders[${i}]${f.slice('order'.length)}` : f), () => session.order(o as Order)));
});

// ---- stress, backtest ----------------------------------------------------------------------

export const STRESS_BOOK_TASK = defineTask<{ positions: Position[]; market: Market; options: BookStressOptions }, StressResult[]>(
  'stress-book', ({ positions, market, options }) => stressBook(positions, market, options));

export interface BacktestTaskInput {
  series: number[];
  forecasts?: number[];
  confidence: number;
  significance?: number;
  model: 'historical' | 'ewma';
  window: number;
  lambda: number;
  input: 'pnl' | 'loss';
}

export const BACKTEST_TASK = defineTask<BacktestTaskInput, BacktestResult | RollingBacktestResult>('backtest', (o) => {
  if (o.forecasts) {
    const losses = o.input === 'loss' ? o.series : o.series.map((x) => -x);
    return backtestFixed(losses, o.forecasts, { confidence: o.confidence, significance: o.significance });
  }
  const forecaster = o.model === 'historical' ? historicalForecaster : ewmaNormalForecaster(o.lambda);
  return rollingBacktest(o.series, forecaster, { window: o.window, confidence: o.confidence, input: o.input, significance: o.significance });
});

export const RECALIBRATE_TASK = defineTask<{ series: number[]; options: RecalibrateOptions }, RecalibrationResult>(
  'recalibrate', ({ series, options }) => recalibrate(series, options));

// ---- optimisation (HiGHS runs in the worker) -------------------------------------------------

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

/** Slots of the progress cell of an optimisation task ({@link RunOptions.progress}; NaN = none). */
export const PROGRESS_SLOTS = { iteration: 0, gap: 1, lower: 2, upper: 3 } as const;
/** Bytes of that cell. */
export const PROGRESS_BYTES = 32;

/** Solves one optimisation request (in a worker); `cell` receives ES-solver progress when the caller asked for it. */
export async function solveRequest(request: OptimizeRequest, solveOptions: SolveOptions, cell: Float64Array | null = null): Promise<OptimizeResult> {
  if (cell !== null && cell.length >= 4) {
    solveOptions = {
      ...solveOptions,
      onProgress: (p) => {
        cell[PROGRESS_SLOTS.gap] = p.gap;
        cell[PROGRESS_SLOTS.lower] = p.lower ?? NaN;
        cell[PROGRESS_SLOTS.upper] = p.upper ?? NaN;
        cell[PROGRESS_SLOTS.iteration] = p.iteration;
      },
    };
  }
  switch (request.kind) {
    case 'cvar': return { kind: 'cvar', ...(await minimizeCvar(request, solveOptions)) };
    case 'grid-hedge': return { kind: 'grid-hedge', ...(await minimizeGridMargin(request, solveOptions)) };
    case 'collateral': return { kind: 'collateral', ...(await allocateCollateral(request, solveOptions)) };
    case 'deleverage': return { kind: 'deleverage', ...(await deleverage(request, solveOptions)) };
    case 'kelly': {
      const { kind: _k, returns, ...opts } = request;
      return { kind: 'kelly', ...kellyFraction(returns, opts) };
    }
  }
}

export const OPTIMIZE_TASK = defineTask<{ request: OptimizeRequest; solveOptions: SolveOptions }, OptimizeResult>(
  'optimize', ({ request, solveOptions }, { progress }) => solveRequest(request, solveOptions, progress));

/** Registry of the engine's operation task kinds (loaded by every worker). */
export const TASKS: readonly AnyTaskDef[] = [
  VOL_PATH_TASK, COVARIANCE_ESTIMATE_TASK, LEDOIT_WOLF_TASK,
  MARGIN_TASK, LIQUIDATION_TASK, WHATIF_TASK, WHATIF_BATCH_TASK,
  VAR_HISTORY_TASK, STRESS_BOOK_TASK, BACKTEST_TASK, RECALIBRATE_TASK, OPTIMIZE_TASK, STRESS_REQUEST_TASK, BACKTEST_REQUEST_TASK,
  VENUE_CHUNK_TASK, VENUE_SIZING_TASK,
];
