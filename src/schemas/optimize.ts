/**
 * Optimisation requests: the problem kind picks the model; each problem's fields are validated
 * by its model (src/optimize), which names them (`problem.instruments[2].upper`); keys no model
 * reads are rejected by src/optimize/request-keys.ts, so `problem` stays loose here.
 */
import { z } from 'zod';
import { finite as num } from './common.js';

export const OptimizeRequestSchema = z.strictObject({
  problem: z.object({ kind: z.enum(['cvar', 'grid-hedge', 'collateral', 'deleverage', 'kelly']) }).loose(),
  options: z.strictObject({ timeLimit: num.optional(), mipRelGap: num.optional() }).optional(),
});
export type OptimizeBody = z.output<typeof OptimizeRequestSchema>;
