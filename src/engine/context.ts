import type { WorkerPool } from '../pool/index.js';

/** What the engine's operations share: the pool and whether its workers run WASM kernels. */
export interface EngineContext {
  readonly pool: WorkerPool;
  readonly wasm: boolean;
}
