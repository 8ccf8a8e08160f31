/** The CCP VaR/ES margin model (filtered historical simulation over the MPOR) as a registry entry. */
import { z } from 'zod';
import { InstrumentPositionSchema, PriceSeriesSchema, isObjectLike } from '../../schemas/index.js';
import { defineMarginModel } from '../define.js';
import type { VarEsMarginConfig } from './config.js';
import { varEsMargin } from './margin.js';
import type { VarEsMarginResult } from './margin.js';

export const VarEsMarginRequestSchema = z.strictObject({
  portfolio: z.strictObject({ positions: z.array(InstrumentPositionSchema).max(100_000) }),
  market: z.strictObject({ prices: z.record(z.string(), z.number()), valuationDate: z.string().optional(), history: PriceSeriesSchema }),
  options: z.strictObject({
    model: z.literal('var-es'),
    /** Model settings (MPOR, windows, APC, liquidity), validated field by field by the model. */
    config: z.custom<VarEsMarginConfig>((v) => isObjectLike(v) && !Array.isArray(v), { message: 'must be an object of var-es settings' }).optional(),
  }),
});
export type VarEsMarginRequest = z.output<typeof VarEsMarginRequestSchema>;

export const VAR_ES_MODEL = defineMarginModel<VarEsMarginRequest, VarEsMarginResult>({
  name: 'var-es',
  summary: 'clearing-house VaR/ES margin: FHS over the margin period of risk with full revaluation, stressed ES, liquidity add-on, anti-procyclicality',
  schema: VarEsMarginRequestSchema,
  work: (req) => ({ units: 100 * req.market.history.prices.length * (req.portfolio.positions.length + 1), field: 'market.history' }),
  run: ({ portfolio, market: { history, ...spot }, options }) => varEsMargin(portfolio.positions, spot, history, options.config ?? {}),
});
