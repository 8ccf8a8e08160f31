/** Pure-TS twins of the WASM kernels, and the RNG stream definitions both share. */
export { chunkState, zigguratTables, STATE_WORDS, ZIG_TABLE_LEN, ZIG_R } from './rng.js';
export { mcLossChunkTs, mcContribChunkTs, gaussFillTs, mcScratch, type McScratch } from './mc.js';
export { selectTopTs, tailPushTs, type TailState } from './tail.js';
export { choleskyTs } from './cholesky.js';
export { garchNllGradTs, garchVariancesTs } from './garch/index.js';
