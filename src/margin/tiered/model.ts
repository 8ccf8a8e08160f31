/** The tiered (exchange) margin model as a registry entry, and the liquidation request. */
import { z } from 'zod';
import { isObjectLike } from '../../schemas/index.js';
import { defineMarginModel } from '../define.js';
import { AccountSchema, MarksSchema, TieredOptionsSchema, liquidationPrices, tierTablesInput, tieredMargin } from './account.js';
import type { LiquidationPriceResult, TierTables, TieredMarginResult } from './account.js';
import { sampleTierTables } from './samples.js';

/** Marks by symbol and the venue's tier tables (default: the shipped samples). */
export const TieredMarketSchema = z.strictObject({
  marks: MarksSchema,
  /** Tier tables (array or record by symbol; raw JSON or parsed), validated by the model. */
  tables: z.custom<TierTables>((v) => isObjectLike(v), { message: 'must be an array of tier tables or a record of them by symbol' })
    // parsed tables travel to the worker in their input form (their validated mark does not survive a clone)
    .transform((t) => tierTablesInput(t) ?? t)
    .optional(),
});

export const TieredMarginRequestSchema = z.strictObject({
  portfolio: AccountSchema,
  market: TieredMarketSchema,
  options: TieredOptionsSchema.extend({ model: z.literal('tiered') }),
});
export type TieredMarginRequest = z.output<typeof TieredMarginRequestSchema>;

export const TIERED_MODEL = defineMarginModel<TieredMarginRequest, TieredMarginResult>({
  name: 'tiered',
  summary: 'exchange tiered margin: maintenance-rate brackets by notional, initial = notional / leverage, isolated or cross, liquidation prices',
  schema: TieredMarginRequestSchema,
  work: (req) => ({ units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' }),
  run: ({ portfolio, market, options: { model: _model, ...opts } }) => tieredMargin(portfolio, market.marks, market.tables ?? sampleTierTables(), opts),
});

export const LiquidationRequestSchema = z.strictObject({
  portfolio: AccountSchema,
  market: TieredMarketSchema,
  options: TieredOptionsSchema.optional(),
});
export type LiquidationRequest = z.output<typeof LiquidationRequestSchema>;

/** Liquidation and bankruptcy prices of a parsed request (in a worker). */
export function liquidationOf(req: LiquidationRequest): LiquidationPriceResult[] {
  return liquidationPrices(req.portfolio, req.market.marks, req.market.tables ?? sampleTierTables(), req.options ?? {});
}
