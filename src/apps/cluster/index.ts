/**
 * Scale-out over BullMQ/Redis: `createClusterEngine` (coordinator: an Engine whose tasks are
 * queue jobs) and `startChunkWorker` (a worker process with its own pool, running every task
 * kind). Results are identical to the single-machine engine for the same input and seed.
 */
export { createClusterEngine, RemotePool } from './coordinator.js';
export type { ClusterOptions, QueueHealthEvent, QueueStatus } from './coordinator.js';
export { startChunkWorker } from './worker.js';
export type { ChunkWorker, ChunkWorkerOptions } from './worker.js';
export { DEFAULT_QUEUE_NAME, redisConnection } from './redis.js';
export { PROTOCOL_VERSION, decodeValue, encodeValue } from './protocol.js';
export type { TaskJobData, TaskJobResult, WireValue } from './protocol.js';
