/**
 * Margin models behind one door: tiered exchange margin and liquidation prices (`./tiered`),
 * scenario-grid portfolio margin (`./grid`), CCP VaR/ES margin (`./var-es`), the registry the
 * engine, service and CLI dispatch through, and the shipped sample tier tables.
 */
export * as tiered from './tiered/index.js';
export * as grid from './grid/index.js';
export * as varEs from './var-es/index.js';
export { sampleTierTables } from './tiered/samples.js';
export { defineMarginModel } from './define.js';
export type { MarginModel, MarginModelDef, MarginRequestBase, ParsedMarginRequest } from './define.js';
export { MARGIN_MODELS, MARGIN_MODEL_NAMES, marginModel } from './registry.js';
export { LiquidationRequestSchema, liquidationOf } from './tiered/model.js';
export type { LiquidationRequest } from './tiered/model.js';
