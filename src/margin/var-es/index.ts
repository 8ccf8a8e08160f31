/**
 * VaR/ES clearing-house margin (Eurex Prisma / CME SPAN 2 like): filtered historical simulation over a
 * margin period of risk, stressed-period ES, liquidity add-on by position size and EMIR anti-procyclicality.
 */
export { varEsMargin, type ApcComponent, type PositionComponent, type VarEsMarginResult } from './margin.js';
export {
  DEFAULT_VAR_ES_CONFIG,
  resolveVarEsConfig,
  type ApcConfig,
  type LiquidityConfig,
  type ResolvedVarEsConfig,
  type VarEsMarginConfig,
  type VolModelConfig,
} from './config.js';
export { DELTA_BUMP, liquidityAddOn, netDeltaUsd, type LiquidityLine } from './liquidity.js';
export { quantileType7, type VolFilter } from './scenarios.js';
export { componentEs, esWithTail, maxEsWindow, type TailEs } from './tail.js';
