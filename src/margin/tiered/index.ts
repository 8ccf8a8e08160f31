/**
 * Tiered (exchange-style) margin for crypto linear (USDT/USD-margined) and inverse (coin-margined)
 * futures and perpetuals: tier tables, initial and maintenance margin, isolated and cross mode,
 * liquidation and bankruptcy prices, distance to liquidation. Public door of src/margin/tiered.
 */
export {
  TierInputSchema,
  TierTableSchema,
  parseTierTable,
  loadTierTable,
  cumulativeAmounts,
  tierIndex,
  isParsedTierTable,
  maintenanceMargin,
  type Tier,
  type TierTable,
  type TierTableInput,
  tierTableInput,
} from './table.js';
export {
  solvePrices,
  liquidationDistance,
  unrealizedPnl,
  notionalAt,
  closeFee,
  type AffinePosition,
  type SolveContext,
  type PriceSolution,
  type LiquidationDistance,
} from './liquidation.js';
export {
  PositionSchema,
  AccountSchema,
  MarksSchema,
  TieredOptionsSchema,
  tieredMargin,
  liquidationPrices,
  tierTablesInput,
  type Position,
  type Account,
  type Marks,
  type TieredOptions,
  type TierTables,
  type PositionMargin,
  type TieredMarginResult,
  type LiquidationPriceResult,
} from './account.js';
