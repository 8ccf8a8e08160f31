/** The scenario-grid (SPAN-style portfolio margin) model as a registry entry. */
import { z } from 'zod';
import { InstrumentMarketSchema, InstrumentPositionSchema, isObjectLike } from '../../schemas/index.js';
import { defineMarginModel } from '../define.js';
import { gridMargin } from './grid.js';
import type { GridMarginResult } from './grid.js';
import type { GridMarginConfig } from './profile.js';

export const GridMarginRequestSchema = z.strictObject({
  portfolio: z.strictObject({ positions: z.array(InstrumentPositionSchema).max(100_000) }),
  market: InstrumentMarketSchema,
  options: z.strictObject({
    model: z.literal('scenario-grid'),
    /** Grid profile overrides, validated field by field (unknown keys rejected) by the model. */
    config: z.custom<GridMarginConfig>((v) => isObjectLike(v) && !Array.isArray(v), { message: 'must be an object of grid profile settings' }).optional(),
  }),
});
export type GridMarginRequest = z.output<typeof GridMarginRequestSchema>;

export const SCENARIO_GRID_MODEL = defineMarginModel<GridMarginRequest, GridMarginResult>({
  name: 'scenario-grid',
  summary: 'portfolio margin on a price × vol scenario grid per underlying, extended moves, add-ons and inter-underlying credits',
  schema: GridMarginRequestSchema,
  work: (req) => ({ units: 1000 * (req.portfolio.positions.length + 1), field: 'portfolio.positions' }),
  run: (req) => gridMargin(req.portfolio.positions, req.market, req.options.config ?? {}),
});
