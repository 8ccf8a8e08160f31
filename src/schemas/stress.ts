/** Stress requests: linear-book shocks, reverse stress, CCP default fund and waterfall, instrument-book stress. */
import { z } from 'zod';
import { finite as num, matrix, vector, vectorOf } from './common.js';
import { InstrumentMarketSchema, InstrumentPositionSchema, PriceSeriesSchema } from './instruments.js';

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
    exposures: vectorOf({ min: 1 }),
    scenarios: z.array(z.object({ name: z.string().max(200), shocks: vector })).min(1).max(100_000),
  }),
  z.object({
    type: z.literal('reverse-worst'),
    exposures: vectorOf({ min: 1 }),
    covariance: matrix,
    threshold: num,
  }),
  z.object({
    type: z.literal('reverse-uniform'),
    exposures: vectorOf({ min: 1 }),
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
    positions: z.array(InstrumentPositionSchema).min(1).max(100_000),
    market: InstrumentMarketSchema,
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
