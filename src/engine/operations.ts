/**
 * The operations of the product surface, one entry each: request schema (zod, shared with the
 * library), a parser that turns a bad request into a ValidationError naming the field, a work
 * estimate for the limits, and a thin runner over the engine or a pure module. The HTTP routes,
 * the batch runner, the OpenAPI document and the CLI subcommands are all generated from this table,
 * so a new method or endpoint (optimize, var-es margin…) is one more entry here.
 */
import { z } from 'zod';
import type { Engine } from './engine.js';
import type { Progress } from '../risk/index.js';
import { ValidationError, describeValue, renamingFields, renamingFieldsAsync, withoutPrefix } from '../errors/index.js';
import {
  BacktestRequestSchema, CovarianceRequestSchema, OptimizeRequestSchema, StressRequestSchema, VarRequestSchema, parseInput,
} from '../schemas/index.js';
import type { BacktestRequest, CovarianceRequest, OptimizeBody, StressRequest, VarRequest, WorkEstimate } from '../schemas/index.js';
import { LiquidationRequestSchema, MARGIN_MODELS, MARGIN_MODEL_NAMES, marginModel } from '../margin/index.js';
import type { LiquidationRequest, ParsedMarginRequest } from '../margin/index.js';
import type { OptimizeRequest } from './tasks.js';
import { VAR_METHOD_TABLE, varMethod } from './var-methods.js';
import { applyVenue } from '../venues/index.js';
import { WhatIfRequestSchema } from '../whatif/index.js';
import type { WhatIfRequest } from '../whatif/index.js';

export type { WorkEstimate } from '../schemas/index.js';
export type { BacktestRequest, CovarianceRequest, OptimizeBody, StressRequest, VarRequest } from '../schemas/index.js';

/** What a runner gets besides the request. */
export interface RunContext {
  /** The engine every operation runs on. */
  engine?: Engine;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
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

function need(ctx: RunContext): Engine {
  if (!ctx.engine) throw new TypeError('this operation needs an engine (RunContext.engine)');
  return ctx.engine;
}

/**
 * Parses a request body; fields are named from the body's top level (`options.confidence`), like the
 * engine's own errors, and `body` when the body itself is not an object.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return renamingFields(withoutPrefix('body.'), () => parseInput(schema, body, 'body'));
}

// ---- var ---------------------------------------------------------------------------------------

const varOp: Operation<VarRequest> = {
  name: 'var',
  summary: `Value at Risk and Expected Shortfall of a linear book: ${VAR_METHOD_TABLE.map((m) => m.name).join(', ')}`,
  schema: VarRequestSchema,
  parse: (body) => parseBody(VarRequestSchema, body),
  work: (req) => varMethod(req.options.method).work(req),
  progressTotal: (req) => varMethod(req.options.method).progressTotal?.(req.options),
  run: (req, ctx) => need(ctx).var(req.portfolio, req.market, { ...req.options, signal: ctx.signal, onProgress: ctx.onProgress }),
};

// ---- margin ------------------------------------------------------------------------------------

/** The union of every registered model's request (for the OpenAPI document). */
export const MarginRequestSchema = z.union(MARGIN_MODELS.map((m) => m.schema) as [z.ZodType, z.ZodType, ...z.ZodType[]]);

const ModelEnvelope = z.object({ options: z.object({ model: z.string() }) });

const marginOp: Operation<ParsedMarginRequest> = {
  name: 'margin',
  summary: `Initial and maintenance margin under a registered model: ${MARGIN_MODEL_NAMES.join(', ')}`,
  schema: MarginRequestSchema,
  parse(body) {
    // the model picks the schema, so errors name fields of the chosen model, not a union
    const { options } = parseBody(ModelEnvelope, body);
    const model = marginModel(options.model, 'options.model');
    return renamingFields(withoutPrefix('body.'), () => model.parse(model.name === 'tiered' ? applyVenue(body as object, 'body.') : body, 'body'));
  },
  work: (req) => req.work,
  run: (req, ctx) => need(ctx).marginRequest(req, { signal: ctx.signal }),
};

// ---- liquidation -------------------------------------------------------------------------------

const liquidationOp: Operation<LiquidationRequest> = {
  name: 'liquidation',
  summary: 'Liquidation and bankruptcy prices and distance to liquidation of an exchange account',
  schema: LiquidationRequestSchema,
  parse: (body) => renamingFields(withoutPrefix('body.'), () => parseBody(LiquidationRequestSchema, applyVenue((body ?? {}) as object, 'body.'))),
  work: (req) => ({ units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' }),
  run: (req, ctx) => need(ctx).liquidation(req.portfolio, req.market, req.options ?? {}, { signal: ctx.signal }),
};

// ---- what-if -----------------------------------------------------------------------------------

const whatifOp: Operation<WhatIfRequest> = {
  name: 'whatif',
  summary: 'Pre-trade what-if of one order: margin before/after per model (tiered, scenario-grid, var-es), new liquidation price, margin-call and reject flags',
  schema: WhatIfRequestSchema,
  parse: (body) => renamingFields(withoutPrefix('body.'), () => parseBody(WhatIfRequestSchema, applyVenue((body ?? {}) as object, 'body.'))),
  work: (req) => {
    const n = req.portfolio.positions.length + 1;
    const models = req.options?.models ?? ['tiered'];
    const history = models.includes('var-es') ? (req.market.history?.prices.length ?? 0) : 0;
    return { units: 1000 * n + (models.includes('scenario-grid') ? 100 * n : 0) + 200 * history * n, field: 'portfolio.positions' };
  },
  run: (req, ctx) => need(ctx).whatIfRequest(req, { signal: ctx.signal }),
};

// ---- stress ------------------------------------------------------------------------------------

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

/**
 * Numbers in a request, for the work estimate: a numeric array counts its length without a visit
 * per entry (bodies of millions of P&L numbers are estimated on the service's event loop).
 */
function countNumbers(v: unknown, cap = 1e9): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length && n < cap) {
    const x = stack.pop();
    if (typeof x === 'number') n++;
    else if (Array.isArray(x)) {
      if (x.length > 0 && typeof x[0] === 'number') n += x.length;
      else for (const y of x) stack.push(y);
    } else if (x !== null && typeof x === 'object') for (const y of Object.values(x)) stack.push(y);
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
  // the ES problems report the bound gap as a percentage (Engine.optimize)
  progressTotal: (req) => ((req.problem as { kind?: unknown }).kind === 'cvar' ? 100 : undefined),
  run: (req, ctx) => rootedAsync('problem', () => need(ctx).optimize(req.problem as unknown as OptimizeRequest, req.options ?? {}, {
    signal: ctx.signal,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  })),
};

// ---- covariance --------------------------------------------------------------------------------

const covarianceOp: Operation<CovarianceRequest> = {
  name: 'covariance',
  summary: 'Covariance of a return matrix: sample (WASM over the pool), EWMA or Ledoit–Wolf',
  schema: CovarianceRequestSchema,
  parse: (body) => parseBody(CovarianceRequestSchema, body),
  work: (req) => ({ units: req.returns.length * (req.returns[0]?.length ?? 0) ** 2, field: 'returns' }),
  run: (req, ctx) => need(ctx).covariance(req.returns, req.options ?? {}, { signal: ctx.signal }),
};

/** Like `rooted`, for async runners: prefixes a module's field with the request key it came from. */
function rootedAsync<T>(root: string, f: () => Promise<T>): Promise<T> {
  return renamingFieldsAsync((field) => (field.startsWith(`${root}.`) || field.startsWith('request.') ? field : `${root}.${field}`), f);
}

// ---- the table ---------------------------------------------------------------------------------

/** Every operation by name. Add an entry to expose a new one on HTTP, batches, OpenAPI and the CLI. */
export const OPERATIONS: Readonly<Record<string, Operation<any>>> = {
  var: varOp,
  margin: marginOp,
  liquidation: liquidationOp,
  whatif: whatifOp,
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
