/**
 * Scale-out over BullMQ/Redis: `createClusterEngine` (coordinator: an Engine whose Monte Carlo
 * tasks are queue jobs) and `startChunkWorker` (a worker process with its own pool). Results are
 * identical to the single-machine engine for the same seed.
 */
export { createClusterEngine, RemotePool } from './coordinator.js';
export type { ClusterOptions } from './coordinator.js';
export { startChunkWorker } from './worker.js';
export type { ChunkWorker, ChunkWorkerOptions } from './worker.js';
export { runChunkJob } from './chunk.js';
export { DEFAULT_QUEUE_NAME, redisConnection } from './redis.js';
export type { ChunkJobData, ChunkJobResult } from './protocol.js';
