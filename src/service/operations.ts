/**
 * The operations of the product surface, one entry each: request schema (zod, shared with the
 * library), a parser that turns a bad request into a ValidationError naming the field, a work
 * estimate for the limits, and a thin runner over the engine or a pure module. The HTTP routes,
 * the batch runner, the OpenAPI document and the CLI subcommands are all generated from this table,
 * so a new method or endpoint (optimize, var-es margin…) is one more entry here.
 */
import { z } from 'zod';
import type { Engine, Progress } from '../engine/index.js';
import { ValidationError, describeValue } from '../errors/index.js';
import { MarketSchema, PortfolioSchema, VarOptionsSchema, parseInput } from '../schemas/index.js';
import { AccountSchema, MarksSchema, TieredOptionsSchema } from '../margin/tiered/index.js';
import type { Account, TieredOptions } from '../margin/tiered/index.js';
import type { GridMarginConfig } from '../margin/grid/index.js';
import type { Market, Position } from '../instruments/index.js';
import {
  defaultFundSize, defaultWaterfall, hypotheticalStress, linearPnl, reverseStressUniform, reverseStressWorstDirection,
} from '../stress/index.js';
import type { ClearingMember, WaterfallInput } from '../stress/index.js';
import {
  backtest, ewmaNormalForecaster, historicalForecaster, rollingBacktest, scaledForecaster,
} from '../backtest/index.js';
import type { Forecaster } from '../backtest/index.js';

/** What a runner gets besides the request. */
export interface RunContext {
  /** Required by operations that run on the engine (not by `pure` ones). */
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
  /** Runs without the engine (a pure module): the CLI then starts no worker pool. */
  readonly pure?: boolean;
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
        return { units: (req.market.returns?.length ?? req.market.pnl?.length ?? 0) * n * o.horizonDays, field: 'market.returns' };
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

export const MarginRequestSchema = z.union([TieredMarginRequestSchema, GridMarginRequestSchema]);
export type MarginRequest = z.output<typeof TieredMarginRequestSchema> | z.output<typeof GridMarginRequestSchema>;

const MARGIN_MODELS = {
  tiered: TieredMarginRequestSchema,
  'scenario-grid': GridMarginRequestSchema,
} as const;

const ModelEnvelope = z.object({ options: z.object({ model: z.enum(Object.keys(MARGIN_MODELS) as [keyof typeof MARGIN_MODELS]) }) });

const marginOp: Operation<MarginRequest> = {
  name: 'margin',
  summary: 'Initial and maintenance margin: tiered exchange margin or scenario-grid portfolio margin',
  schema: MarginRequestSchema,
  parse(body) {
    // the model picks the schema, so errors name fields of the chosen model, not a union
    const { options } = parseBody(ModelEnvelope, body);
    return parseBody(MARGIN_MODELS[options.model], body) as MarginRequest;
  },
  work(req) {
    return { units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' };
  },
  run(req, ctx) {
    const engine = need(ctx);
    if (req.options.model === 'tiered') {
      const { model, ...opts } = req.options;
      return engine.margin(req.portfolio as Account, req.market as { marks: Record<string, number> }, { model, ...(opts as TieredOptions) });
    }
    return engine.margin({ positions: req.portfolio.positions as unknown as Position[] }, req.market as Market, {
      model: 'scenario-grid',
      config: req.options.config as GridMarginConfig | undefined,
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
    type: z.literal('waterfall'),
    members: z.array(z.object({ id: z.string().min(1), initialMargin: num, fundContribution: num })).min(1).max(100_000),
    defaulters: z.array(z.object({ id: z.string().min(1), loss: num })),
    skinInTheGame: num,
    assessmentMultiple: num.optional(),
  }),
]);
export type StressRequest = z.output<typeof StressRequestSchema>;

/** Re-roots a pure module's ValidationError at the request body (`input.members` → `members`). */
function rooted<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValidationError) {
      const msg = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
      const field = e.field.startsWith('input.') ? e.field.slice('input.'.length) : e.field;
      throw new ValidationError(field, e.rule, msg, e.value);
    }
    throw e;
  }
}

const stressOp: Operation<StressRequest> = {
  name: 'stress',
  summary: 'Hypothetical and reverse stress of a linear book, Cover-1/2 default fund, default waterfall',
  pure: true,
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
      default:
        return { units: 100 * req.members.length, field: 'members' };
    }
  },
  async run(req) {
    return rooted(() => {
      switch (req.type) {
        case 'hypothetical':
          return { type: req.type, scenarios: hypotheticalStress(req.exposures, req.scenarios) };
        case 'reverse-worst':
          return { type: req.type, ...reverseStressWorstDirection(req.exposures, req.covariance, req.threshold) };
        case 'reverse-uniform': {
          const sign = req.direction === 'down' ? -1 : 1;
          const w = req.exposures;
          const opts = { initialShock: req.initialShock, maxShock: req.maxShock };
          return { type: req.type, direction: req.direction, ...reverseStressUniform((s) => linearPnl(w, w.map(() => sign * s)), req.threshold, opts) };
        }
        case 'default-fund':
          return { type: req.type, ...defaultFundSize(req.members as ClearingMember[], req.cover ? { cover: req.cover } : {}) };
        case 'waterfall': {
          const { type, ...input } = req;
          return { type, ...defaultWaterfall(input as WaterfallInput) };
        }
      }
    });
  },
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
]);
export type BacktestRequest = z.output<typeof BacktestRequestSchema>;

const backtestOp: Operation<BacktestRequest> = {
  name: 'backtest',
  summary: 'VaR backtest: exceedances, Kupiec POF, Christoffersen, Basel traffic light (given or rolling forecasts)',
  pure: true,
  schema: BacktestRequestSchema,
  parse: (body) => parseBody(BacktestRequestSchema, body),
  work(req) {
    if (req.type === 'forecasts') return { units: req.losses.length, field: 'losses' };
    const days = Math.max(0, req.series.length - (req.start ?? req.window));
    return { units: days * req.window * (req.forecaster === 'historical' ? Math.log2(req.window + 1) : 1), field: 'window' };
  },
  async run(req) {
    return rooted(() => {
      const sig = req.significance === undefined ? {} : { significance: req.significance };
      if (req.type === 'forecasts') {
        if (req.forecasts.length !== req.losses.length) {
          throw new ValidationError('forecasts', 'length', `must have the same length as losses (${req.losses.length}); got ${req.forecasts.length}`, req.forecasts.length);
        }
        return { type: req.type, ...backtest(req.losses, req.forecasts, { confidence: req.confidence, ...sig }) };
      }
      let f: Forecaster = req.forecaster === 'historical' ? historicalForecaster : ewmaNormalForecaster(req.lambda ?? 0.94);
      if (req.multiplier !== undefined) f = scaledForecaster(f, req.multiplier);
      return {
        type: req.type,
        forecaster: req.forecaster,
        ...rollingBacktest(req.series, f, { window: req.window, confidence: req.confidence, input: req.input, start: req.start, ...sig }),
      };
    });
  },
};

// ---- the table ---------------------------------------------------------------------------------

/** Every operation by name. Add an entry to expose a new one on HTTP, batches, OpenAPI and the CLI. */
export const OPERATIONS: Readonly<Record<string, Operation<any>>> = {
  var: varOp,
  margin: marginOp,
  liquidation: liquidationOp,
  stress: stressOp,
  backtest: backtestOp,
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
