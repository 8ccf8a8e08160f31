import type { TaskRunner } from '../pool/index.js';
import type { SpareSharedBuffer } from '../util/index.js';

/** What the engine's operations share: the task runner and whether its workers run WASM kernels. */
export interface EngineContext {
  readonly pool: TaskRunner;
  readonly wasm: boolean;
  /** Input buffer of `covariance` kept between calls (absent: a new buffer each call). */
  readonly covarianceInput?: SpareSharedBuffer;
}
