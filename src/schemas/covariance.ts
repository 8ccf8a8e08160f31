/** Covariance requests: a T×N return matrix and the estimator. */
import { z } from 'zod';
import { finite as num, matrixOf } from './common.js';
import { LIMITS } from '../util/index.js';

export const CovarianceRequestSchema = z.strictObject({
  returns: matrixOf({ min: 2, max: 1_000_000, maxAbs: LIMITS.returns }),
  options: z.strictObject({
    method: z.enum(['sample', 'ewma', 'ledoit-wolf']).optional(),
    lambda: num.optional(),
    target: z.enum(['identity', 'constant-correlation']).optional(),
  }).optional(),
});
export type CovarianceRequest = z.output<typeof CovarianceRequestSchema>;
