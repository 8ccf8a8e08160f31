/** VaR/ES inputs: a linear book of risk factors, its market (covariance or history) and the options. */
import { z } from 'zod';
import { matrixOf, vectorOf } from './common.js';
import { LIMITS } from '../util/index.js';

export const MAX_SCENARIOS = 1_000_000_000;
export const MAX_FACTORS = 5000;


/** A linear portfolio of risk factors: exposure (quote currency per unit return) per factor. */
export const PortfolioSchema = z.strictObject({
  exposures: vectorOf({ min: 1, minMessage: 'must have at least one factor', max: MAX_FACTORS, maxAbs: LIMITS.exposure }),
  name: z.string().max(200).optional(),
});

/** Market inputs: a covariance (or vols + correlation) of daily factor returns, and/or history. */
export const MarketSchema = z.strictObject({
  factors: z.array(z.string().min(1).max(100)).optional(),
  covariance: matrixOf({ maxAbs: LIMITS.covariance }).optional(),
  vols: vectorOf({ maxAbs: LIMITS.vol }).optional(),
  correlation: matrixOf().optional(), // range [-1, 1] checked with the vols
  mean: vectorOf({ maxAbs: LIMITS.returns }).optional(),
  returns: matrixOf({ maxAbs: LIMITS.returns }).optional(),
  returnType: z.enum(['log', 'simple']).optional(),
  pnl: vectorOf({ maxAbs: LIMITS.pnl }).optional(),
});

export const VAR_METHODS = ['mc-normal', 'mc-t', 'parametric', 'historical', 'fhs', 'cornish-fisher', 'stressed'] as const;

const confidence = z
  .number()
  .refine(Number.isFinite, { message: 'must be a finite number' })
  .refine((a) => a > 0 && a < 1, { message: 'must be in (0, 1)' });

export const VarOptionsSchema = z.strictObject({
  method: z.enum(VAR_METHODS),
  confidence: z.union([confidence, z.array(confidence).min(1).max(32)]).default(0.99),
  horizonDays: z.number().int('must be a whole number of days').min(1).max(3650).default(1),
  scenarios: z.number().int('must be an integer').min(1).max(MAX_SCENARIOS).default(100_000),
  seed: z.number().int('must be an integer').min(0).max(Number.MAX_SAFE_INTEGER).default(42),
  df: z.number().refine(Number.isFinite, { message: 'must be a finite number' })
    .refine((v) => v > 2, { message: 'must be > 2 (finite variance)' }).max(1e6).default(5),
  /** FHS: conditional volatility model used to devolatilise the history. */
  volModel: z.enum(['ewma', 'garch']).default('ewma'),
  /** EWMA decay for FHS vols and the EWMA covariance. */
  lambda: z.number().refine((v) => v > 0 && v < 1, { message: 'must be in (0, 1)' }).default(0.94),
  /** How parametric / Monte Carlo / Cornish–Fisher estimate the covariance from market.returns when none is given. */
  covarianceModel: z.enum(['sample', 'ewma', 'ledoit-wolf']).default('sample'),
  /** Stressed method: length of the stressed window in days. */
  stressWindowDays: z.number().int('must be a whole number of days').min(10).max(10_000).default(250),
  /** Component and marginal ES by factor (Euler allocation) at the first confidence level. */
  attribution: z.boolean().default(false),
  /** Also incremental ES by factor (one extra run per factor; at most 100 factors). */
  incremental: z.boolean().default(false),
});

export type PortfolioInput = z.input<typeof PortfolioSchema>;
export type MarketInput = z.input<typeof MarketSchema>;
export type VarOptionsInput = z.input<typeof VarOptionsSchema>;
export type VarOptionsParsed = z.output<typeof VarOptionsSchema>;
/** A VaR/ES method name. */
export type VarMethodName = (typeof VAR_METHODS)[number];

/** The body of `POST /v1/var` and the CLI `var` request. */
export const VarRequestSchema = z.strictObject({
  portfolio: PortfolioSchema,
  market: MarketSchema,
  options: VarOptionsSchema,
});
export type VarRequest = z.output<typeof VarRequestSchema>;
