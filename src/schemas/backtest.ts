/** Backtest requests: given forecasts, a rolling VaR model, or a recalibration. */
import { z } from 'zod';
import { finite as num, vectorOf } from './common.js';
import { LIMITS } from '../util/index.js';

/** P&L or loss series: |x| ≤ LIMITS.pnl. */
const series = (min: number) => vectorOf({ min, maxAbs: LIMITS.pnl });

export const BacktestRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('forecasts'),
    losses: series(1),
    forecasts: series(1),
    confidence: num,
    significance: num.optional(),
  }),
  z.strictObject({
    type: z.literal('rolling'),
    series: series(2),
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
  z.strictObject({
    type: z.literal('recalibrate'),
    series: series(2),
    input: z.enum(['loss', 'pnl']).optional(),
    window: z.number().int().min(1),
    confidence: num,
    model: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('historical'), multiplier: num.optional() }),
      z.strictObject({ kind: z.literal('ewma'), lambda: num, multiplier: num.optional() }),
    ]).optional(),
    /** Candidate grid (src/backtest/recalibrate.ts validates each value). */
    candidates: z.strictObject({
      lambdas: z.array(num).max(100).optional(),
      multipliers: z.array(num).max(100).optional(),
      windows: z.array(z.number().int().min(1)).max(100).optional(),
      historical: z.boolean().optional(),
    }).optional(),
    significance: num.optional(),
  }),
]);
export type BacktestRequest = z.output<typeof BacktestRequestSchema>;
