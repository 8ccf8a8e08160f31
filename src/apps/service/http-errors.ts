/**
 * One mapping from errors to HTTP: every failure leaves the service as
 * `{ error: { code, message, field?, rule? } }` with a 4xx for the client's mistakes and a 5xx only
 * for ours. ValidationError → 400, or 422 for the `work-limit` rule (well-formed but too heavy);
 * SolverError (infeasible or unbounded optimisation) → 422 naming the constraint set;
 * NumericalError (a non-finite result from valid but extreme inputs) → 422 naming the computation
 * and the result field (the request is well-formed, its numbers are not computable).
 */
import { AbortError, EngineClosedError, MarginEngineError, NumericalError, QueueStateLostError, SolverError, ValidationError, WorkerError } from '../../errors/index.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; rule?: string };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
}

/** Builds the error body for a status and code. */
export function httpError(status: number, code: string, message: string, extra: { field?: string; rule?: string } = {}): HttpError {
  return { status, body: { error: { code, message, ...extra } } };
}

/** Service-level conditions raised as MarginEngineError subclasses (src/apps/service/batches.ts). */
const SERVICE_CODES: Record<string, number> = { E_QUEUE_FULL: 429, E_SHUTTING_DOWN: 503 };

/** Fastify's own request errors (body parsing, limits, content type) by their code. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message?: (e: Error) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'E_BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'E_MEDIA_TYPE', message: () => 'unsupported Content-Type; send application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'E_BAD_JSON', message: () => 'body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'E_BAD_REQUEST' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'E_BAD_JSON' },
};

/** Maps any thrown value to a status and body; `bodyLimit` words the 413 message. */
export function toHttpError(e: unknown, bodyLimit: number): HttpError {
  if (e instanceof ValidationError) {
    const status = e.rule === 'work-limit' ? 422 : 400;
    return httpError(status, e.rule === 'work-limit' ? 'E_WORK_LIMIT' : e.code, e.message, { field: e.field, rule: e.rule });
  }
  if (e instanceof SolverError) return httpError(422, e.code, e.message, { field: e.constraintSet, rule: e.status });
  if (e instanceof NumericalError) return httpError(422, e.code, e.message, { field: e.field, rule: 'finite-result' });
  if (e instanceof AbortError) return httpError(503, e.code, 'the job was cancelled (timeout or shutdown); retry later');
  if (e instanceof EngineClosedError) return httpError(503, e.code, 'the service is shutting down; retry on another instance');
  // the queue's Redis lost the work (or is unreachable): not the request's fault, and worth a retry later
  if (e instanceof QueueStateLostError) return httpError(503, e.code, e.message);
  if (e instanceof WorkerError) return httpError(500, e.code, e.message);
  if (e instanceof MarginEngineError) return httpError(SERVICE_CODES[e.code] ?? 500, e.code, e.message);
  const fe = e as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (fe && typeof fe.code === 'string') {
    const known = FASTIFY_CODES[fe.code];
    if (known) {
      const message = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `request body is larger than the limit of ${bodyLimit} bytes; send large jobs in smaller parts or raise --body-limit`
        : (known.message?.(e as Error) ?? String(fe.message));
      return httpError(known.status, known.code, message);
    }
  }
  // SyntaxError from the JSON parser and other client-side errors Fastify marks with a 4xx status
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return httpError(fe.statusCode, 'E_BAD_REQUEST', String(fe.message));
  }
  return httpError(500, 'E_INTERNAL', 'internal error');
}
