/**
 * The risk-batch service: `buildServer` (a Fastify instance, for embedding and tests) and `serve`
 * (engine + server + listen, for the CLI). Operations, limits, auth and batches are documented in
 * their modules.
 */
export { buildServer, serve, DEFAULT_LIMITS } from './server.js';
export type { ServerOptions, ServeOptions, ServiceLimits, RunningService } from './server.js';
export { BatchManager, writeFileAtomic, isBatchId, BATCH_STATUSES } from './batches.js';
export type { BatchRecord, BatchStatus } from './batches.js';
export { loadApiKeys, parseApiKeys, API_KEYS_ENV, API_KEYS_FILE_ENV } from './auth.js';
export { openApiDocument } from './openapi.js';
