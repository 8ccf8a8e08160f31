/** Backtest requests: given forecasts, a rolling VaR model, or a recalibration. */
import { z } from 'zod';
import { finite as num, vectorOf } from './common.js';

export const BacktestRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('forecasts'),
    losses: vectorOf({ min: 1 }),
    forecasts: vectorOf({ min: 1 }),
    confidence: num,
    significance: num.optional(),
  }),
  z.object({
    type: z.literal('rolling'),
    series: vectorOf({ min: 2 }),
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
    series: vectorOf({ min: 2 }),
    input: z.enum(['loss', 'pnl']).optional(),
    window: z.number().int().min(1),
    confidence: num,
    model: z.object({ kind: z.enum(['historical', 'ewma']) }).loose().optional(),
    candidates: z.record(z.string(), z.unknown()).optional(),
    significance: num.optional(),
  }),
]);
export type BacktestRequest = z.output<typeof BacktestRequestSchema>;
