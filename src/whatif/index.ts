/**
 * Pre-trade what-if: margin, liquidation and bankruptcy prices before and after one order, under
 * the tiered model (with venue conventions), the scenario grid and the var-es model; margin-call and
 * reject flags with the rule that fired; the liquidation buffer and the smallest deposit or cut that
 * restores a target. Public door of src/whatif.
 */
export { prepareWhatIf, defaultUnderlying } from './session.js';
export type { WhatIfSession, WhatIfResult, ModelDelta, PositionState, RuleCheck, BufferRestore } from './session.js';
export { applyOrder } from './order.js';
export type { AppliedOrder } from './order.js';
export { bufferRestore } from './buffer.js';
export { OrderSchema, WhatIfOptionsSchema, WhatIfMarketSchema, WhatIfRequestSchema, WHATIF_MODELS } from './schema.js';
export type { Order, WhatIfOptions, WhatIfRequest, WhatIfModel } from './schema.js';
