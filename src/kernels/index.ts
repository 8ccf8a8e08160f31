/**
 * The compute units: each kernel is one folder with its pure-TS twin (`ts.ts`), its WASM adapter
 * (`wasm.ts`, over assembly/) and its pool task (`task.ts`: input layout, runner, task kind). The
 * twins mirror the WASM operation order, so the two agree bit for bit or within the stated ulps.
 * `TASKS` (./tasks.ts) is the registry of the kernel task kinds the workers load.
 *
 * Kernels import nothing from the domain rooms: they take typed arrays and numbers.
 */
export { chunkState, zigguratTables, STATE_WORDS, ZIG_TABLE_LEN, ZIG_R } from './mc/rng.js';
export { mcLossChunkTs, mcContribChunkTs, gaussFillTs, mcScratch, type McScratch } from './mc/ts.js';
export { CHUNK_SCENARIOS, MC_TASK, MC_CONTRIB_TASK, runMcTaskTs, runMcTaskWasm, runMcContribTask } from './mc/task.js';
export type { McTask, McContribTask, McTaskResult } from './mc/task.js';
export { isSortedTail, mergeSortedTails, selectTopTs, sortTailDesc, tailPushTs, type TailState } from './tail/ts.js';
export { choleskyTs } from './cholesky/ts.js';
export { CHOLESKY_TASK, choleskyWasm } from './cholesky/task.js';
export type { CholeskyInput, CholeskyOutput } from './cholesky/task.js';
export {
  COV_PANEL, COV_ROW_BLOCK, compactCovRows, covAccStride, covColumnMeansTs, covEwmaRowsTs, covGramRowsTs, covPackTs,
  covSampleRowsTs, covSampleTs, covScaleRowsTs, covStoreRowsTs,
} from './cov/ts.js';
export { covEwmaRowsWasm, covSampleWasm, covSampleRowsWasm } from './cov/wasm.js';
export {
  COV_CHUNK_MIN_ROWS, COV_CHUNK_TASK, COV_EWMA_TASK, COV_MAX_CHUNKS, assembleCovRows, balancedRowRanges, covChunks, mergeCovChunks,
  planCovTasks, runCovChunkTask, runCovEwmaTask,
} from './cov/task.js';
export type { CovChunkParts, CovChunkResult, CovChunkTask, CovEwmaTask, CovTask } from './cov/task.js';
export { KIND, allocateColumns, revalueKernel, revalueColumns } from './reval/ts.js';
export type { InstrumentColumns, ScenarioColumns } from './reval/ts.js';
export { MIN_TOTAL_VOL, gbsPrice } from './reval/black.js';
export { TABLE_COLUMNS, revalueColumnsWasm, revalueScenarioRangeWasm } from './reval/wasm.js';
export type { WasmRevaluation } from './reval/wasm.js';
export { REVAL_TASK, shareRevaluation, runRevalTask } from './reval/task.js';
export type { RevalTask } from './reval/task.js';
export { garchNllGradTs, garchVariancesTs } from './garch/index.js';
export { gridMarginsTs, maxUnderlyings } from './grid/ts.js';
export type { GridAccounts, GridKernelGrid } from './grid/ts.js';
export { gridMarginsWasm } from './grid/wasm.js';
export { GRID_BATCH_TASK, runGridBatchTask } from './grid/task.js';
export type { GridBatchTask } from './grid/task.js';
