/** Stress requests: linear-book shocks, reverse stress, CCP default fund and waterfall, instrument-book stress. */
import { z } from 'zod';
import { bounded, finite as num, matrixOf, vectorOf } from './common.js';
import { LIMITS } from '../util/index.js';

/** Amounts in quote currency (losses, margins, contributions, thresholds): |x| ≤ LIMITS.pnl. */
const amount = bounded(LIMITS.pnl);
const exposures = vectorOf({ min: 1, maxAbs: LIMITS.exposure });
/** A shock or move of a factor, as a return: |x| ≤ LIMITS.returns. */
const shock = bounded(LIMITS.returns);
import { InstrumentMarketSchema, InstrumentPositionSchema, PriceSeriesSchema } from './instruments.js';

/** A shock or move by underlying, or one for all. */
const perUnderlying = (x: z.ZodType<number>) => z.union([x, z.record(z.string(), x)]);

/** A hypothetical shock of an instrument book (src/stress/book.ts validates the ranges). */
const BookShockSchema = z.strictObject({
  name: z.string().max(200),
  move: perUnderlying(shock).optional(),
  volShift: perUnderlying(bounded(LIMITS.returns)).optional(),
  liquidityHaircut: num.optional(),
});

const ClearingMemberSchema = z.strictObject({
  id: z.string().min(1),
  group: z.string().min(1).optional(),
  stressLoss: amount,
  initialMargin: amount,
  collateral: amount.optional(),
});

export const StressRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hypothetical'),
    exposures,
    scenarios: z.array(z.strictObject({ name: z.string().max(200), shocks: vectorOf({ maxAbs: LIMITS.returns }) })).min(1).max(100_000),
  }),
  z.strictObject({
    type: z.literal('reverse-worst'),
    exposures,
    covariance: matrixOf({ maxAbs: LIMITS.covariance }),
    threshold: amount,
  }),
  z.strictObject({
    type: z.literal('reverse-uniform'),
    exposures,
    threshold: amount,
    /** Every factor moves by −s (down, default) or +s (up). */
    direction: z.enum(['down', 'up']).default('down'),
    initialShock: shock.optional(),
    maxShock: shock.optional(),
  }),
  z.strictObject({
    type: z.literal('default-fund'),
    members: z.array(ClearingMemberSchema).min(1).max(100_000),
    cover: z.union([z.literal(1), z.literal(2)]).optional(),
  }),
  z.strictObject({
    type: z.literal('book'),
    positions: z.array(InstrumentPositionSchema).min(1).max(100_000),
    market: InstrumentMarketSchema,
    history: PriceSeriesSchema.optional(),
    options: z.strictObject({
      shocks: z.array(BookShockSchema).max(10_000).optional(),
      windowDays: z.number().int().min(1).optional(),
      episodes: z.number().int().min(1).max(100).optional(),
      margin: amount.optional(),
      reverseThreshold: amount.optional(),
    }).optional(),
  }),
  z.strictObject({
    type: z.literal('waterfall'),
    members: z.array(z.strictObject({ id: z.string().min(1), initialMargin: amount, fundContribution: amount })).min(1).max(100_000),
    defaulters: z.array(z.strictObject({ id: z.string().min(1), loss: amount })),
    skinInTheGame: amount,
    assessmentMultiple: num.optional(),
  }),
]);
export type StressRequest = z.output<typeof StressRequestSchema>;
