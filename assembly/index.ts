// Kernel entry point: everything exported here ends up in build/core.wasm.
export { mcChunkState, mcLossChunk, mcContribChunk, normals } from './mc';
export { selectTop, sortTail, tailPush } from './tail';
export { cholesky } from './linalg';

/** First free byte after static data: the TS side allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}
// covSample / covSampleRows / covStoreRows stay in cov.ts as the reference the packed kernel is
// tested against (test/kernels/cov.test.ts builds cov.ts alone); the engine uses the packed path.
export { covColumnMeans, covPackBytes, covPack, covGramRows, covScaleRows, covEwmaRows } from './cov';
export { revalue, revalScratchBytes } from './reval';
export { vmathApply } from './vmath';
export { garchNllGrad, garchVariances } from './garch';
export { gridMargins } from './grid';
export { fusedMultiplyAdd } from './simd';
