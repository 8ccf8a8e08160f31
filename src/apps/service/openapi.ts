/**
 * The OpenAPI 3.1 document, generated from the operations table and the same zod schemas the
 * service validates with (`z.toJSONSchema`, input shapes: defaults make fields optional).
 */
import { z } from 'zod';
import { OPERATIONS } from '../../engine/index.js';

const json = (schema: z.ZodType): object => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as object;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['E_VALIDATION', 'E_WORK_LIMIT', 'E_UNAUTHORIZED', 'E_BODY_TOO_LARGE'] },
        message: { type: 'string' },
        field: { type: 'string', description: 'Path of the offending input, e.g. options.confidence' },
        rule: { type: 'string', description: 'Rule that failed, e.g. psd, range, work-limit' },
      },
    },
  },
};

const errors = (codes: number[]): Record<string, object> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (the field and rule are named)',
  401: 'Missing or invalid API key',
  404: 'Not found',
  413: 'Body larger than the limit',
  415: 'Content-Type is not application/json',
  422: 'Valid but above the work limit (field named)',
  429: 'Batch queue full',
  503: 'Shutting down or not ready',
};

const batchRecord = {
  type: 'object',
  required: ['id', 'operation', 'status', 'createdAt', 'progress'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    operation: { type: 'string', enum: Object.keys(OPERATIONS) },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'requeued'] },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    progress: { oneOf: [{ type: 'null' }, { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' } } }] },
    result: { description: 'The operation result (status succeeded)' },
    error: { $ref: '#/components/schemas/Error/properties/error' },
  },
};

/** Builds the document (cheap enough to build once per server). */
export function openApiDocument(version: string): object {
  const paths: Record<string, object> = {};
  for (const op of Object.values(OPERATIONS)) {
    paths[`/v1/${op.name}`] = {
      post: {
        operationId: op.name,
        summary: op.summary,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.name}Request` } } } },
        responses: { 200: { description: 'Result', content: { 'application/json': { schema: {} } } }, ...errors([400, 401, 413, 415, 422, 503]) },
      },
    };
  }
  paths['/v1/batches'] = {
    post: {
      operationId: 'submitBatch',
      summary: 'Submit a large job; poll GET /v1/batches/{id}',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: Object.values(OPERATIONS).map((op) => ({
                type: 'object',
                required: ['operation', 'request'],
                properties: { operation: { const: op.name }, request: { $ref: `#/components/schemas/${op.name}Request` } },
              })),
            },
          },
        },
      },
      responses: { 202: { description: 'Accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchRecord' } } } }, ...errors([400, 401, 413, 415, 422, 429, 503]) },
    },
  };
  paths['/v1/batches/{id}'] = {
    get: {
      operationId: 'getBatch',
      summary: 'Status, progress and result of a batch job',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: { description: 'The job', content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchRecord' } } } }, ...errors([401, 404]) },
    },
  };
  paths['/v1/venue/stream'] = {
    post: {
      operationId: 'streamVenue',
      summary: 'Venue simulation of a posted feed or generated path, streamed as server-sent events (event: margin-call, liquidation, bankruptcy, execution, fund, adl, socialised, progress, summary)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['accounts', 'path'],
              properties: {
                accounts: { type: 'array', items: { type: 'object' }, description: 'accounts of the tiered model (isolated or cross)' },
                path: { type: 'object', description: '{ csv } (timestamp,symbol,mark), { symbols, times, marks }, or { scenario, index }' },
                config: { type: 'object', description: 'venue rules (fund, waterfall, impact, maxLiquidationPerTick, takerFee, marginCallBuffer, partialLiquidation, maxRoundsPerTick, impactHalfLifeTicks, tables, venue, tiers, tierOptions)' },
                chunkTicks: { type: 'integer', minimum: 1 },
              },
            },
          },
        },
      },
      responses: { 200: { description: 'Event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors([400, 401, 413, 415]) },
    },
  };
  for (const [p, summary] of [['/healthz', 'Process alive'], ['/readyz', 'Engine pool usable (and, with a queue, Redis reachable with its state intact)'], ['/metrics', 'Prometheus metrics']] as const) {
    paths[p] = { get: { summary, ...(p === '/metrics' ? {} : { security: [] }), responses: { 200: { description: 'OK' }, ...(p === '/readyz' ? errors([503]) : {}) } } };
  }
  const schemas: Record<string, object> = { Error: errorSchema, BatchRecord: batchRecord };
  for (const op of Object.values(OPERATIONS)) {
    const { $schema: _s, ...s } = json(op.schema) as { $schema?: string };
    schemas[`${op.name}Request`] = s;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'margin-engine risk-batch service', version },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas,
    },
    paths,
  };
}
