/**
 * Optimisation requests: the problem kind picks the model; each problem's fields are validated
 * by its model (src/optimize), which names them (`problem.instruments[2].upper`); keys no model
 * reads are rejected by src/optimize/request-keys.ts, so `problem` stays loose here.
 */
import { z } from 'zod';
import { finite as num } from './common.js';

export const OptimizeRequestSchema = z.strictObject({
  problem: z.object({ kind: z.enum(['cvar', 'grid-hedge', 'collateral', 'deleverage', 'kelly']) }).loose(),
  options: z.strictObject({
    timeLimit: num.optional(),
    mipRelGap: num.optional(),
    // ES problems: method ('cuts' = scenario generation, 'lp' = full Rockafellar–Uryasev LP), gap, caps
    esMethod: z.enum(['cuts', 'lp']).optional(),
    tolerance: z.number().min(1e-15).max(1e-2).optional(),
    maxIterations: z.number().int().min(1).max(100_000).optional(),
    sampleAbove: z.number().int().min(100).optional(),
  }).optional(),
});
export type OptimizeBody = z.output<typeof OptimizeRequestSchema>;
