/**
 * The one errors module. Distinct classes only where callers must tell them apart:
 * - `ValidationError`: bad input, raised before any work starts; names the field and the rule.
 * - `AbortError`: the caller's AbortSignal fired; the reason is kept as `cause`.
 * - `WasmUnavailableError`: the WASM kernels could not be loaded (use `wasm: false`).
 * - `WorkerError`: a worker task failed; the pool stays usable.
 * - `QueueStateLostError` (a WorkerError): a cluster task's job vanished from Redis, or Redis stayed
 *   unreachable too long to know; the coordinator gave the task up instead of waiting forever.
 * - `SolverError`: an optimisation problem is infeasible or unbounded (names the constraint set).
 * - `NumericalError`: a computation produced a non-finite number (overflow, 0/0) from inputs that
 *   passed validation; names the computation and the result field instead of returning NaN/∞.
 */

/** Base class: every error this package throws is a `MarginEngineError`. */
export class MarginEngineError extends Error {
  /** Stable machine-readable code, e.g. `E_VALIDATION`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Bad input. `field` is the dotted path of the offending input (`market.covariance[1][2]`),
 * `rule` a short rule name (`finite`, `psd`, `range`…), `value` the offending value when small.
 */
export class ValidationError extends MarginEngineError {
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;
  constructor(field: string, rule: string, message: string, value?: unknown) {
    super('E_VALIDATION', `${field}: ${message}`);
    this.field = field;
    this.rule = rule;
    this.value = value;
  }
}

/** The caller aborted the operation; the signal's reason is the `cause`. */
export class AbortError extends MarginEngineError {
  constructor(reason?: unknown) {
    super('E_ABORTED', 'The operation was aborted', { cause: reason });
  }
}

/** The WebAssembly kernels could not be compiled or instantiated. */
export class WasmUnavailableError extends MarginEngineError {
  constructor(detail: string, cause?: unknown) {
    super('E_WASM_UNAVAILABLE', `WASM kernels unavailable: ${detail} (use createEngine({ wasm: false }) for the pure-TS kernels)`, { cause });
  }
}

/** A worker task failed. The pool survives; the job is rejected with this error. */
export class WorkerError extends MarginEngineError {
  /** `code` is for subclasses that name a more specific cause. */
  constructor(message: string, cause?: unknown, code = 'E_WORKER') {
    super(code, message, { cause });
  }
}

/**
 * The queue lost the state of a cluster task (code `E_QUEUE_LOST`). `reason` says how it was known:
 * `lost` — the task's job is no longer in Redis (a restart without persistence, a flush); `unreachable`
 * — Redis did not answer for longer than the coordinator's grace period, so whether the job survives
 * cannot be known. Either way no answer will come: the task is failed rather than waited for.
 */
export class QueueStateLostError extends WorkerError {
  readonly reason: 'lost' | 'unreachable';
  constructor(reason: 'lost' | 'unreachable', message: string, cause?: unknown) {
    super(`queue state lost: ${message}`, cause, 'E_QUEUE_LOST');
    this.reason = reason;
  }
}

/** The engine was used after `close()`. */
export class EngineClosedError extends MarginEngineError {
  constructor() {
    super('E_CLOSED', 'The engine is closed');
  }
}

/** An optimisation problem has no solution; `constraintSet` names what made it so. */
export class SolverError extends MarginEngineError {
  readonly status: string;
  readonly constraintSet: string;
  constructor(status: string, constraintSet: string, message: string) {
    super('E_SOLVER', `${constraintSet}: ${message} (solver status: ${status})`);
    this.status = status;
    this.constraintSet = constraintSet;
  }
}

/**
 * A computation produced NaN or ±Infinity. `computation` names the operation (`var`, `stress`…),
 * `field` the first non-finite entry of its result (`es`, `scenarios[2].pnl`). Raised instead of
 * returning the number: JSON would turn it into `null` and a client would read a 200 as valid.
 */
export class NumericalError extends MarginEngineError {
  readonly computation: string;
  readonly field: string;
  constructor(computation: string, field: string, detail: string) {
    super('E_NUMERICAL', `${computation}: ${field} is ${detail}; the inputs are too extreme for a finite result (reduce their magnitude)`);
    this.computation = computation;
    this.field = field;
  }
}

/**
 * A typed error as plain data, so it survives a thread or process boundary (structured clone,
 * JSON, v8 serialisation) and comes back as the same class with the same fields.
 */
export interface ErrorRecord {
  name: string;
  message: string;
  field?: string;
  rule?: string;
  value?: unknown;
  status?: string;
  constraintSet?: string;
  computation?: string;
  stack?: string;
}

/** The plain-data form of any thrown value (see {@link ErrorRecord}). */
export function toErrorRecord(e: unknown): ErrorRecord {
  if (e instanceof ValidationError) {
    const small = e.value === undefined || typeof e.value === 'number' || typeof e.value === 'string' || typeof e.value === 'boolean' || e.value === null;
    return { name: e.name, message: e.message.slice(e.field.length + 2), field: e.field, rule: e.rule, value: small ? e.value : undefined };
  }
  if (e instanceof SolverError) {
    const prefix = `${e.constraintSet}: `;
    const suffix = ` (solver status: ${e.status})`;
    const core = e.message.startsWith(prefix) && e.message.endsWith(suffix) ? e.message.slice(prefix.length, -suffix.length) : e.message;
    return { name: e.name, message: core, status: e.status, constraintSet: e.constraintSet };
  }
  if (e instanceof NumericalError) return { name: e.name, message: e.message, computation: e.computation, field: e.field };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/**
 * Rebuilds the typed error of a record: ValidationError and SolverError as themselves (the caller
 * can tell bad input from a failed task), anything else as a WorkerError carrying the message.
 */
export function fromErrorRecord(r: ErrorRecord, context = 'worker task failed'): MarginEngineError {
  if (r.name === 'ValidationError' && r.field !== undefined && r.rule !== undefined) return new ValidationError(r.field, r.rule, r.message, r.value);
  if (r.name === 'SolverError' && r.status !== undefined && r.constraintSet !== undefined) return new SolverError(r.status, r.constraintSet, r.message);
  if (r.name === 'NumericalError' && r.computation !== undefined && r.field !== undefined) {
    const e = new NumericalError(r.computation, r.field, 'non-finite');
    // keep the original wording (it carries the detail)
    Object.defineProperty(e, 'message', { value: r.message });
    return e;
  }
  if (r.name === 'WasmUnavailableError') return new WorkerError(r.message);
  return new WorkerError(`${context}: ${r.message}`, r);
}

/**
 * The same ValidationError with its field renamed (re-rooting an error raised on part of a request
 * at the whole request: `input.members` → `members`, `x` → `request.x`); anything else unchanged.
 */
export function withField(e: unknown, rename: (field: string) => string): unknown {
  if (!(e instanceof ValidationError)) return e;
  const field = rename(e.field);
  if (field === e.field) return e;
  const msg = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
  return new ValidationError(field, e.rule, msg, e.value);
}

/** Runs `f`, renaming the field of a ValidationError it throws (see {@link withField}). */
export function renamingFields<T>(rename: (field: string) => string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw withField(e, rename);
  }
}

/** {@link renamingFields} for an async `f`. */
export async function renamingFieldsAsync<T>(rename: (field: string) => string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw withField(e, rename);
  }
}

/** A rename that drops `prefix` from fields that start with it. */
export const withoutPrefix = (prefix: string) => (field: string): string => (field.startsWith(prefix) ? field.slice(prefix.length) : field);

/** Formats a value for an error message without dumping huge arrays. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  return typeof v;
}
