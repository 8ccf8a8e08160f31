/**
 * margin-engine: VaR/ES, margin and optimisation for crypto, options and derivatives portfolios,
 * on AssemblyScript/WASM kernels fanned out over a Piscina worker pool.
 */
export { createEngine, Engine } from './engine/index.js';
export type { EngineOptions, VarOptions, VarResult, VarMethod, Progress, LevelResult } from './engine/index.js';
export {
  MarginEngineError, ValidationError, AbortError, WasmUnavailableError, WorkerError, EngineClosedError, SolverError,
} from './errors/index.js';
export { PortfolioSchema, MarketSchema, VarOptionsSchema, VAR_METHODS } from './schemas/index.js';
export type { PortfolioInput, MarketInput, VarOptionsInput } from './schemas/index.js';
export { tailCount } from './risk/tail.js';
