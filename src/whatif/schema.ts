/** The what-if request: an exchange account, one order, the market, and which models to compare. */
import { z } from 'zod';
import { LIMITS, formatLimit } from '../util/index.js';
import { PriceSeriesSchema, isObjectLike } from '../schemas/index.js';
import { tiered } from '../margin/index.js';
import type { grid, varEs } from '../margin/index.js';

const finite = { error: 'must be a finite number' } as const;

/** One order: buy (adds to a long / reduces a short) or sell, at a price (default: the mark). */
export const OrderSchema = z.strictObject({
  symbol: z.string().min(1, 'must be a non-empty string'),
  side: z.enum(['buy', 'sell']),
  /** Contracts, > 0. */
  qty: z.number(finite).positive('must be positive').max(LIMITS.quantity, `must be <= ${formatLimit(LIMITS.quantity)} (input limit)`),
  /** Fill price (default: the symbol's mark). */
  price: z.number(finite).positive('must be positive').max(LIMITS.price, `must be <= ${formatLimit(LIMITS.price)} (input limit)`).optional(),
  /** Leverage of a new position (default: the existing position's). */
  leverage: z.number(finite).min(1, 'must be ≥ 1').max(1e6, 'must be <= 1e+6 (input limit)').optional(),
  /** Contract of a new symbol (default: its tier table's). */
  contract: z.enum(['linear', 'inverse']).optional(),
});
export type Order = z.input<typeof OrderSchema>;

export const WHATIF_MODELS = ['tiered', 'scenario-grid', 'var-es'] as const;
export type WhatIfModel = (typeof WHATIF_MODELS)[number];

export const WhatIfOptionsSchema = tiered.TieredOptionsSchema.extend({
  /** Models to compare (default: tiered). */
  models: z.array(z.enum(WHATIF_MODELS)).min(1, 'must name at least one model').max(3).optional(),
  /** Underlying of each symbol for the grid and var-es models (default: the symbol minus its quote, e.g. BTCUSDT → BTC). */
  underlyings: z.record(z.string(), z.string().min(1, 'must be a non-empty string')).optional(),
  /** Scenario-grid profile: overrides of the default profile, or a preset name whose grid to use (`deribit-pm`). */
  grid: z.union([
    z.string().min(1, 'must be a preset name or an object of grid profile settings'),
    z.custom<grid.GridMarginConfig>((v) => isObjectLike(v) && !Array.isArray(v), { message: 'must be a preset name or an object of grid profile settings' }),
  ]).optional(),
  /** var-es model settings. */
  varEs: z.custom<varEs.VarEsMarginConfig>((v) => isObjectLike(v) && !Array.isArray(v), { message: 'must be an object of var-es settings' }).optional(),
  /**
   * λ of the EWMA daily vol used for distances in σ when `dailyVol` is not given and
   * `market.history` is (RiskMetrics recursion on the underlying's daily log returns; default 0.94).
   */
  volLambda: z.number(finite).gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
  /** Margin ratio (maintenance / equity) at which a margin call fires (default 0.8; 1 is liquidation). */
  marginCallRatio: z.number(finite).gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
  /** Target distance to liquidation of the order's symbol: the smallest deposit or cut restoring it is reported. */
  targetBuffer: z.strictObject({
    percent: z.number(finite).gt(0, 'must be in (0, 100)').lt(100, 'must be in (0, 100)').optional(),
    sigmas: z.number(finite).positive('must be positive').max(100, 'must be <= 100').optional(),
  }).refine((b) => b.percent !== undefined || b.sigmas !== undefined, 'must set percent or sigmas').optional(),
});
export type WhatIfOptions = z.input<typeof WhatIfOptionsSchema>;

export const WhatIfMarketSchema = z.strictObject({
  marks: tiered.MarksSchema,
  /** Tier tables (default: the shipped samples); `{ venue, tiers }` is turned into tables before parsing. */
  tables: z.custom<tiered.TierTables>((v) => isObjectLike(v), { message: 'must be an array of tier tables or a record of them by symbol' })
    .transform((t) => tiered.tierTablesInput(t) ?? t).optional(),
  /** Underlying prices for the grid and var-es models (default: the marks of their symbols). */
  prices: z.record(z.string(), z.number(finite).positive('must be a positive price').max(LIMITS.price)).optional(),
  /** Price history of the underlyings (var-es). */
  history: PriceSeriesSchema.optional(),
  valuationDate: z.string().optional(),
});

export const WhatIfRequestSchema = z.strictObject({
  portfolio: tiered.AccountSchema,
  order: OrderSchema,
  market: WhatIfMarketSchema,
  options: WhatIfOptionsSchema.optional(),
});
export type WhatIfRequest = z.output<typeof WhatIfRequestSchema>;
