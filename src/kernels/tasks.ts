/**
 * Registry of the kernel task kinds: the pool's workers load this module and dispatch by kind.
 * Adding a kernel task is one folder (ts.ts, wasm.ts, task.ts) plus one line here.
 */
import type { AnyTaskDef } from '../pool/index.js';
import { CHOLESKY_TASK } from './cholesky/task.js';
import { COV_CHUNK_TASK, COV_EWMA_TASK } from './cov/task.js';
import { GRID_BATCH_TASK } from './grid/task.js';
import { MC_CONTRIB_TASK, MC_TASK } from './mc/task.js';
import { REVAL_TASK } from './reval/task.js';

export const TASKS: readonly AnyTaskDef[] = [CHOLESKY_TASK, MC_TASK, MC_CONTRIB_TASK, COV_CHUNK_TASK, COV_EWMA_TASK, REVAL_TASK, GRID_BATCH_TASK];
