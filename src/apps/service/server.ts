/**
 * The risk-batch service (Fastify): synchronous endpoints for small requests, batch jobs for large
 * ones (in-process on the engine pool, or Monte Carlo chunks on BullMQ with `queue`), health,
 * readiness, Prometheus metrics and an OpenAPI 3.1 document. Routes come from the operations table.
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createEngine } from '../../engine/index.js';
import type { Engine } from '../../engine/index.js';
import { ValidationError, describeValue, renamingFields } from '../../errors/index.js';
import { RemotePool, createClusterEngine } from '../cluster/index.js';
import type { ClusterOptions, QueueHealthEvent } from '../cluster/index.js';
import { keyChecker, presentedKey } from './auth.js';
import { BatchManager } from './batches.js';
import type { BatchRecord } from './batches.js';
import { httpError, toHttpError } from './http-errors.js';
import { toJson } from '../../util/index.js';
import { createMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { OPERATIONS, checkWork, operation } from '../../engine/index.js';
import type { Operation, VenuePathInput, VenueSimConfig, VenueStreamItem } from '../../engine/index.js';
import type { Account } from '../../margin/tiered/index.js';

export interface ServiceLimits {
  /** Largest request body in bytes (default 8 MiB); larger gets 413. */
  bodyBytes?: number;
  /**
   * Work units a synchronous request may need (default 2.5e9 ≈ 1e6 scenarios × 50 factors, well under a
   * second on one thread); Monte Carlo counts scenarios × (factors² + 16).
   */
  maxSyncWork?: number;
  /** Work units a batch job may need (default 1e13). */
  maxBatchWork?: number;
  /** Batch jobs running at once (default 2). */
  maxConcurrentBatches?: number;
  /** Batch jobs waiting before submissions get 429 (default 10,000). */
  maxQueuedBatches?: number;
  /** JSON bytes of the waiting batch requests (held in memory) before submissions get 429 (default 256 MiB). */
  maxQueuedBatchBytes?: number;
  /** A synchronous request is cancelled after this long (default 60 s; 503). */
  syncTimeoutMs?: number;
  /** A batch job is cancelled after this long (default: none). */
  batchTimeoutMs?: number;
  /** On close, running batches get this long to finish before being requeued (default 30 s). */
  shutdownDeadlineMs?: number;
}

export interface ServerOptions {
  /** Engine for synchronous requests and in-process batches; owned by the caller. */
  engine: Engine;
  /** Accepted API keys; `false` turns authentication off (development only). */
  apiKeys: readonly string[] | false;
  /** Directory of the batch records (created if missing). */
  resultsDir: string;
  limits?: ServiceLimits;
  /** Run batch Monte Carlo on BullMQ workers: queue options, or a cluster engine you own. */
  queue?: ClusterOptions | Engine;
  /** Fastify/pino logger options; false (default) is silent. */
  logger?: boolean | Record<string, unknown>;
  /** Run the unfinished jobs found in resultsDir (default true). */
  resume?: boolean;
  /** Process metrics (CPU, memory, event loop) on /metrics (default true). */
  defaultMetrics?: boolean;
}

export const DEFAULT_LIMITS: Required<Omit<ServiceLimits, 'batchTimeoutMs'>> = {
  bodyBytes: 8 * 1024 * 1024,
  maxSyncWork: 2.5e9,
  maxBatchWork: 1e13,
  maxConcurrentBatches: 2,
  maxQueuedBatches: 10_000,
  maxQueuedBatchBytes: 256 * 1024 * 1024,
  syncTimeoutMs: 60_000,
  shutdownDeadlineMs: 30_000,
};

const VERSION = '0.1.0';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route needs no API key. */
    open?: boolean;
  }
  interface FastifyRequest {
    startedAt?: number;
  }
}

function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(toJson(value));
}

/** Re-roots a request's validation error under `request.` (the batch envelope). */
function underRequest<T>(f: () => T): T {
  return renamingFields((field) => (field === 'body' ? 'request' : `request.${field}`), f);
}

/**
 * Builds the service (not listening: use `app.listen` or `serve`). Unfinished jobs in resultsDir
 * are resumed before it resolves.
 * @throws ValidationError for bad options; the Redis error when `queue` cannot connect.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { engine } = opts;
  const given = Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)) as ServiceLimits;
  const limits = { ...DEFAULT_LIMITS, ...given };
  for (const [k, v] of Object.entries(limits)) {
    if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new ValidationError(`limits.${k}`, 'range', `must be a positive number; got ${describeValue(v)}`, v);
  }
  if (opts.apiKeys !== false && !Array.isArray(opts.apiKeys)) {
    throw new ValidationError('apiKeys', 'type', `must be an array of keys or false; got ${describeValue(opts.apiKeys)}`, opts.apiKeys);
  }
  const authorized = opts.apiKeys === false ? () => true : keyChecker(opts.apiKeys);

  // queue health changes are logged by the app, which exists only after the engine connects
  let logQueueEvent: (e: QueueHealthEvent) => void = () => {};
  let queueEngine: Engine | undefined;
  let ownsQueueEngine = false;
  if (opts.queue) {
    if ('url' in opts.queue) {
      const given = opts.queue.onEvent;
      queueEngine = await createClusterEngine({
        ...opts.queue,
        onEvent: (e) => {
          logQueueEvent(e);
          given?.(e);
        },
      });
      ownsQueueEngine = true;
    } else {
      queueEngine = opts.queue;
    }
  }
  // the queue's health, when batches run on one (a caller's engine over a local pool has none)
  const remote = queueEngine?.runner instanceof RemotePool ? queueEngine.runner : undefined;

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: limits.bodyBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  logQueueEvent = (e) => (e.type === 'reconnected' ? app.log.info(e, `queue ${e.type}`) : app.log.warn(e, `queue ${e.type}`));

  // JSON bodies keep their text (batch requests are stored as received, never re-serialised on the
  // event loop); parsing is Fastify's own, with its prototype-poisoning protection.
  const rawBodies = new WeakMap<FastifyRequest, string>();
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    rawBodies.set(req, text);
    parseJson(req, text, done);
  });

  let batches!: BatchManager;
  const metrics = createMetrics({
    jobCounts: () => batches.jobCounts(),
    utilization: () => engine.utilization,
    defaultMetrics: opts.defaultMetrics ?? true,
  });
  batches = new BatchManager({
    resultsDir: opts.resultsDir,
    maxConcurrent: limits.maxConcurrentBatches,
    maxQueued: limits.maxQueuedBatches,
    maxQueuedBytes: limits.maxQueuedBatchBytes,
    timeoutMs: limits.batchTimeoutMs,
    operation: (name) => operation(name),
    run: (op, request, ctx) => op.run(request, { engine: queueEngine ?? engine, ...ctx }),
    onFinish: (r: BatchRecord, seconds) => metrics.batchDuration.observe({ operation: r.operation, status: r.status }, seconds),
    log: app.log,
  });

  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = performance.now();
    if (request.routeOptions.config?.open) return;
    if (!authorized(presentedKey(request.headers))) {
      const e = httpError(401, 'E_UNAUTHORIZED', 'a valid API key is required (x-api-key header or Authorization: Bearer)');
      reply.header('www-authenticate', 'Bearer');
      return sendJson(reply, e.status, e.body);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (request.startedAt !== undefined) metrics.httpDuration.observe({ method: request.method, route }, (performance.now() - request.startedAt) / 1000);
  });

  app.setErrorHandler((err, request, reply) => {
    const e = toHttpError(err, limits.bodyBytes);
    if (e.status >= 500) request.log.error({ err }, 'request failed');
    return sendJson(reply, e.status, e.body);
  });

  app.setNotFoundHandler((request, reply) => sendJson(reply, 404, httpError(404, 'E_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).body));

  // ---- synchronous operations: one route per entry of the table
  const runSync = async (op: Operation, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const req = op.parse(request.body);
    checkWork(op, req, limits.maxSyncWork, '; submit it as a batch (POST /v1/batches)');
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new Error('sync timeout')), limits.syncTimeoutMs);
    try {
      return sendJson(reply, 200, await op.run(req, { engine, signal: ctl.signal }));
    } finally {
      clearTimeout(timer);
    }
  };
  for (const op of Object.values(OPERATIONS)) {
    app.post(`/v1/${op.name}`, (request, reply) => runSync(op, request, reply));
  }

  // ---- batches
  app.post('/v1/batches', async (request, reply) => {
    const body = request.body as { operation?: unknown; request?: unknown } | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError('body', 'type', `must be an object { operation, request }; got ${describeValue(body)}`, body);
    }
    const op = operation(body.operation, 'operation');
    const req = underRequest(() => op.parse(body.request));
    underRequest(() => checkWork(op, req, limits.maxBatchWork, ''));
    const record = await batches.submit(op, req, { body: body.request, rawEnvelope: rawBodies.get(request) });
    reply.header('location', `/v1/batches/${record.id}`);
    return sendJson(reply, 202, record);
  });

  // ---- venue simulation streamed as server-sent events (one event per simulator event)
  app.post('/v1/venue/stream', async (request, reply) => {
    const body = request.body as { accounts?: unknown; path?: unknown; config?: unknown; chunkTicks?: unknown } | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError('body', 'type', `must be an object { accounts, path, config?, chunkTicks? }; got ${describeValue(body)}`, body);
    }
    const ctl = new AbortController();
    const it = engine.streamVenue(body.accounts as Account[], body.path as VenuePathInput, (body.config ?? {}) as VenueSimConfig, {
      chunkTicks: body.chunkTicks === undefined ? 20 : (body.chunkTicks as number), signal: ctl.signal,
    });
    // the first item validates the request: a bad one is a 400 before the stream starts
    let first = await it.next();
    reply.hijack();
    const res = reply.raw;
    request.raw.on('close', () => ctl.abort(new Error('client closed the stream')));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (item: VenueStreamItem): void => {
      const data = item.type === 'summary' ? { type: 'summary', summary: item.summary } : item;
      res.write(`event: ${item.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      for (; !first.done; first = await it.next()) send(first.value);
    } catch (e) {
      const err = toHttpError(e, limits.bodyBytes);
      res.write(`event: error\ndata: ${JSON.stringify(err.body)}\n\n`);
    } finally {
      res.end();
    }
    return reply;
  });

  app.get<{ Params: { id: string } }>('/v1/batches/:id', async (request, reply) => {
    const rec = await batches.get(request.params.id);
    if (!rec) return sendJson(reply, 404, httpError(404, 'E_NOT_FOUND', `no batch ${describeValue(request.params.id)}`).body);
    return sendJson(reply, 200, rec);
  });

  // ---- operations endpoints
  app.get('/healthz', { config: { open: true } }, async (_req, reply) => sendJson(reply, 200, { status: 'ok' }));

  // A tiny Monte Carlo run goes through the pool: the real readiness of the workers. A success is
  // reused for a few seconds so probes do not queue behind long batch tasks. With a queue, Redis
  // is asked every time: batches submitted while it is down or just lost its state would fail.
  let readyUntil = 0;
  app.get('/readyz', { config: { open: true } }, async (_req, reply) => {
    if (!batches.accepting) return sendJson(reply, 503, httpError(503, 'E_SHUTTING_DOWN', 'shutting down').body);
    const queueStatus = await remote?.probe();
    if (queueStatus !== undefined && queueStatus !== 'ok') {
      const why = queueStatus === 'lost' ? 'Redis lost the queue state (jobs of running batches are gone)' : 'Redis is unreachable';
      return sendJson(reply, 503, httpError(503, 'E_QUEUE_UNAVAILABLE', `queue ${queueStatus}: ${why}`).body);
    }
    const info = { status: 'ready', threads: engine.threads, wasm: engine.wasm, wasmBuild: engine.wasmBuild, queue: queueEngine !== undefined };
    if (performance.now() < readyUntil) return sendJson(reply, 200, info);
    try {
      await engine.var({ exposures: [1] }, { covariance: [[1e-4]] }, { method: 'mc-normal', scenarios: 16, seed: 1, signal: AbortSignal.timeout(5000) });
      readyUntil = performance.now() + 5000;
      return sendJson(reply, 200, info);
    } catch (e) {
      return sendJson(reply, 503, httpError(503, 'E_NOT_READY', `engine pool unusable: ${(e as Error).message}`).body);
    }
  });

  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  const doc = openApiDocument(VERSION);
  app.get('/openapi.json', { config: { open: true } }, async (_req, reply) => sendJson(reply, 200, doc));

  app.addHook('onClose', async () => {
    // batches on a queue that is down cannot progress: requeue them now instead of waiting out the deadline
    await batches.close(remote && remote.status !== 'ok' ? 0 : limits.shutdownDeadlineMs);
    if (ownsQueueEngine) await queueEngine?.close();
  });

  try {
    if (opts.resume ?? true) await batches.resume();
    await app.ready();
  } catch (e) {
    await app.close(); // onClose: the batch manager and an owned queue engine
    throw e;
  }
  return app;
}

export interface ServeOptions extends Omit<ServerOptions, 'engine'> {
  host?: string;
  port?: number;
  threads?: number;
  wasm?: boolean | 'auto';
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  engine: Engine;
  /** Graceful: stop accepting, finish or requeue batches, close the engine. */
  close(): Promise<void>;
}

/** Creates an engine, builds the service and listens (default 127.0.0.1:8080). */
export async function serve(opts: ServeOptions): Promise<RunningService> {
  const engine = await createEngine({ threads: opts.threads, wasm: opts.wasm });
  let app: FastifyInstance;
  try {
    app = await buildServer({ ...opts, engine });
  } catch (e) {
    await engine.close();
    throw e;
  }
  let url: string;
  try {
    url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
  } catch (e) {
    // port in use, bad host…: nothing may stay open behind the error
    await app.close();
    await engine.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    engine,
    close() {
      closing ??= (async () => {
        await app.close();
        await engine.close();
      })();
      return closing;
    },
  };
}


