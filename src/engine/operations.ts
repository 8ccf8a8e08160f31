/**
 * The operations of the product surface, one entry each: request schema (zod, shared with the
 * library), a parser that turns a bad request into a ValidationError naming the field, a work
 * estimate for the limits, and a thin runner over the engine or a pure module. The HTTP routes,
 * the batch runner, the OpenAPI document and the CLI subcommands are all generated from this table,
 * so a new method or endpoint (optimize, var-es margin…) is one more entry here.
 */
import { z } from 'zod';
import type { Engine, Progress } from './index.js';
import { ValidationError, describeValue } from '../errors/index.js';
import { MarketSchema, PortfolioSchema, VarOptionsSchema, parseInput } from '../schemas/index.js';
import { AccountSchema, MarksSchema, TieredOptionsSchema } from '../margin/tiered/index.js';
import type { Account, TieredOptions } from '../margin/tiered/index.js';
import type { GridMarginConfig } from '../margin/grid/index.js';
import type { Market, Position } from '../instruments/index.js';
import type { VarEsMarginConfig } from '../margin/var-es/index.js';
import type { OptimizeRequest } from './tasks.js';

/** What a runner gets besides the request. */
export interface RunContext {
  /** The engine every operation runs on. */
  engine?: Engine;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** Estimated work of a request, in arbitrary units (≈ flops), and the field that drives it. */
export interface WorkEstimate {
  units: number;
  field: string;
}

export interface Operation<Req = unknown> {
  /** URL segment and CLI subcommand. */
  readonly name: string;
  readonly summary: string;
  /** Request body schema (for the OpenAPI document; `parse` is the authority). */
  readonly schema: z.ZodType;
  /** Validates the envelope; throws ValidationError naming the field (rooted at the body). */
  parse(body: unknown): Req;
  work(req: Req): WorkEstimate;
  /** Total the runner's onProgress counts to, when it reports progress for this request. */
  progressTotal?(req: Req): number | undefined;
  run(req: Req, ctx: RunContext): Promise<unknown>;
}

const num = z.number();

function need(ctx: RunContext): Engine {
  if (!ctx.engine) throw new TypeError('this operation needs an engine (RunContext.engine)');
  return ctx.engine;
}

/**
 * Parses a request body; fields are named from the body's top level (`options.confidence`), like the
 * engine's own errors, and `body` when the body itself is not an object.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  try {
    return parseInput(schema, body, 'body');
  } catch (e) {
    if (e instanceof ValidationError && e.field.startsWith('body.')) {
      const field = e.field.slice('body.'.length);
      throw new ValidationError(field, e.rule, e.message.slice(e.field.length + 2), e.value);
    }
    throw e;
  }
}
const vector = z.array(num);
const matrix = z.array(vector);

// ---- var ---------------------------------------------------------------------------------------

export const VarRequestSchema = z.object({
  portfolio: PortfolioSchema,
  market: MarketSchema,
  options: VarOptionsSchema,
});
export type VarRequest = z.output<typeof VarRequestSchema>;

const varOp: Operation<VarRequest> = {
  name: 'var',
  summary: 'Value at Risk and Expected Shortfall of a linear book (Monte Carlo, parametric, historical)',
  schema: VarRequestSchema,
  parse: (body) => parseBody(VarRequestSchema, body),
  work(req) {
    const n = req.portfolio.exposures.length;
    const o = req.options;
    switch (o.method) {
      case 'mc-normal':
      case 'mc-t':
        // the Z·Lᵀ product is ~n² per scenario; the constant covers draws, tail push and overhead
        return { units: o.scenarios * (n * n + 16), field: 'options.scenarios' };
      case 'historical':
      case 'cornish-fisher':
        return { units: (req.market.returns?.length ?? req.market.pnl?.length ?? 0) * n * o.horizonDays, field: 'market.returns' };
      case 'fhs':
        // GARCH fits cost a few thousand likelihood evaluations per factor
        return { units: (req.market.returns?.length ?? 0) * n * (o.volModel === 'garch' ? 3000 : 10) * o.horizonDays, field: 'market.returns' };
      case 'stressed':
        return { units: (req.market.returns?.length ?? req.market.pnl?.length ?? 0) * o.stressWindowDays * 10, field: 'options.stressWindowDays' };
      default:
        return { units: n * n, field: 'portfolio.exposures' };
    }
  },
  progressTotal: (req) => (req.options.method.startsWith('mc-') ? req.options.scenarios : undefined),
  run: (req, ctx) => need(ctx).var(req.portfolio, req.market, { ...req.options, signal: ctx.signal, onProgress: ctx.onProgress }),
};

// ---- margin ------------------------------------------------------------------------------------

const TieredMarketSchema = z.object({
  marks: MarksSchema,
  /** Tier tables by symbol (default: the shipped samples); validated by the tiered module. */
  tables: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});

const TieredMarginRequestSchema = z.object({
  portfolio: AccountSchema,
  market: TieredMarketSchema,
  options: TieredOptionsSchema.extend({ model: z.literal('tiered') }),
});

const GridPositionSchema = z
  .object({
    kind: z.enum(['spot', 'linear-future', 'linear-perp', 'inverse-future', 'inverse-perp', 'option']),
    underlying: z.string().min(1),
    quantity: num,
  })
  .loose();

const GridMarginRequestSchema = z.object({
  portfolio: z.object({ positions: z.array(GridPositionSchema).min(1).max(100_000) }),
  market: z.object({ prices: z.record(z.string(), num), valuationDate: z.string().optional() }),
  options: z.object({ model: z.literal('scenario-grid'), config: z.record(z.string(), z.unknown()).optional() }),
});

const PriceSeriesSchema = z.object({
  dates: z.array(z.string()).min(2).max(100_000),
  symbols: z.array(z.string().min(1)).min(1).max(1000),
  prices: z.array(vector).min(2).max(100_000),
});

const VarEsMarginRequestSchema = z.object({
  portfolio: z.object({ positions: z.array(GridPositionSchema).min(1).max(100_000) }),
  market: z.object({ prices: z.record(z.string(), num), valuationDate: z.string().optional(), history: PriceSeriesSchema }),
  options: z.object({ model: z.literal('var-es'), config: z.record(z.string(), z.unknown()).optional() }),
});

export const MarginRequestSchema = z.union([TieredMarginRequestSchema, GridMarginRequestSchema, VarEsMarginRequestSchema]);
export type MarginRequest =
  | z.output<typeof TieredMarginRequestSchema>
  | z.output<typeof GridMarginRequestSchema>
  | z.output<typeof VarEsMarginRequestSchema>;

const MARGIN_MODELS = {
  tiered: TieredMarginRequestSchema,
  'scenario-grid': GridMarginRequestSchema,
  'var-es': VarEsMarginRequestSchema,
} as const;

const ModelEnvelope = z.object({ options: z.object({ model: z.enum(Object.keys(MARGIN_MODELS) as [keyof typeof MARGIN_MODELS]) }) });

const marginOp: Operation<MarginRequest> = {
  name: 'margin',
  summary: 'Initial and maintenance margin: tiered exchange margin, scenario-grid portfolio margin or CCP VaR/ES margin',
  schema: MarginRequestSchema,
  parse(body) {
    // the model picks the schema, so errors name fields of the chosen model, not a union
    const { options } = parseBody(ModelEnvelope, body);
    return parseBody(MARGIN_MODELS[options.model], body) as MarginRequest;
  },
  work(req) {
    if (req.options.model === 'var-es') {
      const m = req.market as { history: { prices: number[][] } };
      return { units: 100 * m.history.prices.length * (req.portfolio.positions.length + 1), field: 'market.history' };
    }
    return { units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' };
  },
  run(req, ctx) {
    const engine = need(ctx);
    if (req.options.model === 'var-es') {
      const m = req.market as Market & { history: { dates: string[]; symbols: string[]; prices: number[][] } };
      return engine.margin({ positions: req.portfolio.positions as unknown as Position[] }, m, {
        model: 'var-es',
        config: (req.options as { config?: VarEsMarginConfig }).config,
      });
    }
    if (req.options.model === 'tiered') {
      const { model, ...opts } = req.options;
      return engine.margin(req.portfolio as Account, req.market as { marks: Record<string, number> }, { model, ...(opts as TieredOptions) });
    }
    return engine.margin({ positions: req.portfolio.positions as unknown as Position[] }, req.market as Market, {
      model: 'scenario-grid',
      config: (req.options as { config?: GridMarginConfig }).config,
    });
  },
};

// ---- liquidation -------------------------------------------------------------------------------

export const LiquidationRequestSchema = z.object({
  portfolio: AccountSchema,
  market: TieredMarketSchema,
  options: TieredOptionsSchema.optional(),
});
export type LiquidationRequest = z.output<typeof LiquidationRequestSchema>;

const liquidationOp: Operation<LiquidationRequest> = {
  name: 'liquidation',
  summary: 'Liquidation and bankruptcy prices and distance to liquidation of an exchange account',
  schema: LiquidationRequestSchema,
  parse: (body) => parseBody(LiquidationRequestSchema, body),
  work: (req) => ({ units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' }),
  run: (req, ctx) => need(ctx).liquidation(req.portfolio as Account, req.market as { marks: Record<string, number> }, req.options ?? {}),
};

// ---- stress ------------------------------------------------------------------------------------

const ClearingMemberSchema = z.object({
  id: z.string().min(1),
  group: z.string().min(1).optional(),
  stressLoss: num,
  initialMargin: num,
  collateral: num.optional(),
});

export const StressRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hypothetical'),
    exposures: vector.min(1),
    scenarios: z.array(z.object({ name: z.string().max(200), shocks: vector })).min(1).max(100_000),
  }),
  z.object({
    type: z.literal('reverse-worst'),
    exposures: vector.min(1),
    covariance: matrix,
    threshold: num,
  }),
  z.object({
    type: z.literal('reverse-uniform'),
    exposures: vector.min(1),
    threshold: num,
    /** Every factor moves by −s (down, default) or +s (up). */
    direction: z.enum(['down', 'up']).default('down'),
    initialShock: num.optional(),
    maxShock: num.optional(),
  }),
  z.object({
    type: z.literal('default-fund'),
    members: z.array(ClearingMemberSchema).min(1).max(100_000),
    cover: z.union([z.literal(1), z.literal(2)]).optional(),
  }),
  z.object({
    type: z.literal('book'),
    positions: z.array(GridPositionSchema).min(1).max(100_000),
    market: z.object({ prices: z.record(z.string(), num), valuationDate: z.string().optional() }),
    history: PriceSeriesSchema.optional(),
    options: z.object({
      shocks: z.array(z.object({ name: z.string().max(200) }).loose()).max(10_000).optional(),
      windowDays: z.number().int().min(1).optional(),
      episodes: z.number().int().min(1).max(100).optional(),
      margin: num.optional(),
      reverseThreshold: num.optional(),
    }).optional(),
  }),
  z.object({
    type: z.literal('waterfall'),
    members: z.array(z.object({ id: z.string().min(1), initialMargin: num, fundContribution: num })).min(1).max(100_000),
    defaulters: z.array(z.object({ id: z.string().min(1), loss: num })),
    skinInTheGame: num,
    assessmentMultiple: num.optional(),
  }),
]);
export type StressRequest = z.output<typeof StressRequestSchema>;


const stressOp: Operation<StressRequest> = {
  name: 'stress',
  summary: 'Stress: instrument book with full revaluation (shocks, historical episodes, reverse), linear-book shocks, Cover-1/2 default fund, default waterfall',
  schema: StressRequestSchema,
  parse: (body) => parseBody(StressRequestSchema, body),
  work(req) {
    switch (req.type) {
      case 'hypothetical':
        return { units: req.exposures.length * req.scenarios.length, field: 'scenarios' };
      case 'reverse-worst':
        return { units: req.exposures.length ** 2, field: 'covariance' };
      case 'reverse-uniform':
        return { units: 200 * req.exposures.length, field: 'exposures' };
      case 'book':
        return { units: 1000 * req.positions.length * ((req.options?.shocks?.length ?? 5) + (req.history?.prices.length ?? 0) + 100), field: 'positions' };
      default:
        return { units: 100 * req.members.length, field: 'members' };
    }
  },
  run: (req, ctx) => need(ctx).stressRequest(req, { signal: ctx.signal }),
};

// ---- backtest ----------------------------------------------------------------------------------

export const BacktestRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('forecasts'),
    losses: vector.min(1),
    forecasts: vector.min(1),
    confidence: num,
    significance: num.optional(),
  }),
  z.object({
    type: z.literal('rolling'),
    series: vector.min(2),
    input: z.enum(['loss', 'pnl']).optional(),
    forecaster: z.enum(['historical', 'ewma']),
    /** EWMA decay (forecaster 'ewma'), default 0.94. */
    lambda: num.optional(),
    /** Multiplies the forecaster's VaR. */
    multiplier: num.optional(),
    window: z.number().int().min(1),
    start: z.number().int().min(1).optional(),
    confidence: num,
    significance: num.optional(),
  }),
  z.object({
    type: z.literal('recalibrate'),
    series: vector.min(2),
    input: z.enum(['loss', 'pnl']).optional(),
    window: z.number().int().min(1),
    confidence: num,
    model: z.object({ kind: z.enum(['historical', 'ewma']) }).loose().optional(),
    candidates: z.record(z.string(), z.unknown()).optional(),
    significance: num.optional(),
  }),
]);
export type BacktestRequest = z.output<typeof BacktestRequestSchema>;

const backtestOp: Operation<BacktestRequest> = {
  name: 'backtest',
  summary: 'VaR backtest: exceedances, Kupiec POF, Christoffersen, Basel traffic light (given or rolling forecasts), and recalibration',
  schema: BacktestRequestSchema,
  parse: (body) => parseBody(BacktestRequestSchema, body),
  work(req) {
    if (req.type === 'forecasts') return { units: req.losses.length, field: 'losses' };
    if (req.type === 'recalibrate') return { units: 50 * req.series.length * req.window, field: 'series' };
    const days = Math.max(0, req.series.length - (req.start ?? req.window));
    return { units: days * req.window * (req.forecaster === 'historical' ? Math.log2(req.window + 1) : 1), field: 'window' };
  },
  run: (req, ctx) => need(ctx).backtestRequest(req, { signal: ctx.signal }),
};

// ---- optimize ----------------------------------------------------------------------------------

export const OptimizeRequestSchema = z.object({
  problem: z.object({ kind: z.enum(['cvar', 'grid-hedge', 'collateral', 'deleverage', 'kelly']) }).loose(),
  options: z.object({ timeLimit: num.optional(), mipRelGap: num.optional() }).optional(),
});
export type OptimizeBody = z.output<typeof OptimizeRequestSchema>;

function countNumbers(v: unknown, cap = 1e8): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length && n < cap) {
    const x = stack.pop();
    if (typeof x === 'number') n++;
    else if (Array.isArray(x)) for (const y of x) stack.push(y);
    else if (x !== null && typeof x === 'object') for (const y of Object.values(x)) stack.push(y);
  }
  return n;
}

const optimizeOp: Operation<OptimizeBody> = {
  name: 'optimize',
  summary: 'Least capital for the exposure wanted (HiGHS LP/MIP): CVaR hedge, grid-margin hedge, collateral, deleveraging, Kelly',
  schema: OptimizeRequestSchema,
  parse: (body) => parseBody(OptimizeRequestSchema, body),
  // LP size grows with the numbers in the problem (scenario × instrument P&L, grids); interior point ~ nnz·√nnz
  work: (req) => {
    const nnz = countNumbers(req.problem);
    return { units: 50 * nnz * Math.sqrt(nnz + 1), field: 'problem' };
  },
  run: (req, ctx) => rootedAsync('problem', () => need(ctx).optimize(req.problem as unknown as OptimizeRequest, req.options ?? {})),
};

// ---- covariance --------------------------------------------------------------------------------

export const CovarianceRequestSchema = z.object({
  returns: matrix.min(2).max(1_000_000),
  options: z.object({
    method: z.enum(['sample', 'ewma', 'ledoit-wolf']).optional(),
    lambda: num.optional(),
    target: z.enum(['identity', 'constant-correlation']).optional(),
  }).optional(),
});
export type CovarianceRequest = z.output<typeof CovarianceRequestSchema>;

const covarianceOp: Operation<CovarianceRequest> = {
  name: 'covariance',
  summary: 'Covariance of a return matrix: sample (WASM over the pool), EWMA or Ledoit–Wolf',
  schema: CovarianceRequestSchema,
  parse: (body) => parseBody(CovarianceRequestSchema, body),
  work: (req) => ({ units: req.returns.length * (req.returns[0]?.length ?? 0) ** 2, field: 'returns' }),
  run: (req, ctx) => need(ctx).covariance(req.returns, req.options ?? {}),
};

/** Like `rooted`, for async runners: prefixes a module's field with the request key it came from. */
async function rootedAsync<T>(root: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ValidationError && !e.field.startsWith(`${root}.`) && !e.field.startsWith('request.')) {
      const msg = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
      throw new ValidationError(`${root}.${e.field}`, e.rule, msg, e.value);
    }
    throw e;
  }
}

// ---- the table ---------------------------------------------------------------------------------

/** Every operation by name. Add an entry to expose a new one on HTTP, batches, OpenAPI and the CLI. */
export const OPERATIONS: Readonly<Record<string, Operation<any>>> = {
  var: varOp,
  margin: marginOp,
  liquidation: liquidationOp,
  stress: stressOp,
  backtest: backtestOp,
  optimize: optimizeOp,
  covariance: covarianceOp,
};

/** Looks up an operation; throws a ValidationError naming `field` for an unknown name. */
export function operation(name: unknown, field = 'operation'): Operation {
  if (typeof name !== 'string' || !Object.hasOwn(OPERATIONS, name)) {
    throw new ValidationError(field, 'enum', `must be one of ${Object.keys(OPERATIONS).map((k) => `'${k}'`).join(', ')}; got ${describeValue(name)}`, name);
  }
  return OPERATIONS[name];
}

/** Throws a ValidationError with rule `work-limit` (HTTP 422) when the request is too heavy. */
export function checkWork(op: Operation, req: unknown, limit: number, hint: string): WorkEstimate {
  const w = op.work(req);
  if (!(w.units <= limit)) {
    throw new ValidationError(w.field, 'work-limit', `request needs ~${w.units.toExponential(2)} work units, above the limit of ${limit.toExponential(2)}${hint}`, w.units);
  }
  return w;
}
