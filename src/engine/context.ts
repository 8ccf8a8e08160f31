import type { TaskRunner } from '../pool/index.js';

/** What the engine's operations share: the task runner and whether its workers run WASM kernels. */
export interface EngineContext {
  readonly pool: TaskRunner;
  readonly wasm: boolean;
}
