/**
 * The wire format of the cluster: one BullMQ job = one pool task envelope (task kind, input,
 * kernel choice), answered by the task's value or its typed error. Inputs and results are
 * serialised with V8's structured-clone format (node:v8), so typed arrays, nested objects and
 * every double round-trip exactly, whatever the task kind; SharedArrayBuffers travel as their
 * bytes and come back as SharedArrayBuffers (views onto one buffer stay views onto one buffer).
 * The bytes are base64 text because BullMQ stores job data as JSON.
 */
import { deserialize, serialize } from 'node:v8';
import { ValidationError, describeValue } from '../../errors/index.js';
import type { ErrorRecord } from '../../errors/index.js';
import type { TaskEnvelope } from '../../pool/index.js';

export const PROTOCOL_VERSION = 2;
/** Largest progress cell a job may ask for (a few doubles is the use; this only bounds bad data). */
export const MAX_PROGRESS_BYTES = 4096;

/** Data of a task job on the queue. */
export interface TaskJobData {
  v: typeof PROTOCOL_VERSION;
  kind: string;
  /** Kernel the coordinator runs on; workers use the same one when they can (bit-identical results). */
  wasm: boolean;
  /** WASM build the coordinator pins (createClusterEngine's `wasmBuild`); absent: each worker's 'auto' choice. */
  build?: 'strict' | 'relaxed';
  /** The input, V8-serialised (see {@link encodeValue}). */
  input: WireValue;
  /** Bytes of the caller's progress cell: the worker gives the task a cell of this size and relays it. */
  progressBytes?: number;
}

/** Return value of a task job. */
export type TaskJobResult =
  | { ok: true; value: WireValue; kernel: 'wasm' | 'ts'; worker: string }
  | { ok: false; error: ErrorRecord; worker: string };

/** A V8-serialised value: the body and the contents of the SharedArrayBuffers it references. */
export interface WireValue {
  body: string;
  shared: string[];
}

/** Marker of a SharedArrayBuffer (or a view onto one) replaced for the wire. */
const SAB = '\u0000sab';

interface SabRef {
  [SAB]: number;
  /** Constructor name of the view, or 'SharedArrayBuffer' for the buffer itself. */
  type: string;
  offset: number;
  length: number;
}

type TypedArrayCtor = new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
const VIEWS: Record<string, TypedArrayCtor> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
  BigInt64Array, BigUint64Array,
};

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Replaces SharedArrayBuffers and views onto them by references into `shared` (V8 cannot
 * serialise shared memory outside a thread transfer). Returns the same object where nothing
 * changed, so large plain arrays are not copied.
 */
function detachShared(v: unknown, shared: SharedArrayBuffer[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  const ref = (sab: SharedArrayBuffer, type: string, offset: number, length: number): SabRef => {
    let id = shared.indexOf(sab);
    if (id < 0) id = shared.push(sab) - 1;
    return { [SAB]: id, type, offset, length };
  };
  if (v instanceof SharedArrayBuffer) return ref(v, 'SharedArrayBuffer', 0, v.byteLength);
  if (ArrayBuffer.isView(v)) {
    if (!(v.buffer instanceof SharedArrayBuffer)) return v;
    const len = 'length' in v && typeof v.length === 'number' ? v.length : v.byteLength;
    return ref(v.buffer, v.constructor.name, v.byteOffset, len);
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = detachShared(x, shared);
      if (y !== x) {
        out ??= v.slice();
        out[i] = y;
      }
    }
    return out ?? v;
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = detachShared(x, shared);
    if (y !== x) {
      out ??= { ...v };
      out[k] = y;
    }
  }
  return out ?? v;
}

/** Inverse of {@link detachShared} over fresh SharedArrayBuffers. */
function attachShared(v: unknown, shared: readonly SharedArrayBuffer[], field: string): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = attachShared(v[i], shared, field);
    return v;
  }
  if (!isPlainObject(v)) return v;
  if (SAB in v) {
    const r = v as unknown as SabRef;
    const sab = shared[r[SAB]];
    if (!sab) throw new ValidationError(field, 'format', `references shared buffer ${describeValue(r[SAB])}, which the job does not carry`);
    if (r.type === 'SharedArrayBuffer') return sab;
    const Ctor = VIEWS[r.type];
    if (!Ctor) throw new ValidationError(field, 'format', `has an unknown view type ${describeValue(r.type)}`);
    return new Ctor(sab, r.offset, r.length);
  }
  for (const k of Object.keys(v)) v[k] = attachShared(v[k], shared, field);
  return v;
}

/** Serialises a structured-cloneable value (typed arrays, SharedArrayBuffers, plain objects). */
export function encodeValue(value: unknown): WireValue {
  const shared: SharedArrayBuffer[] = [];
  const body = serialize(detachShared(value, shared)).toString('base64');
  return { body, shared: shared.map((sab) => Buffer.from(new Uint8Array(sab)).toString('base64')) };
}

/**
 * Rebuilds a value from {@link encodeValue}'s output.
 * @throws ValidationError naming `field` when the data is not a wire value.
 */
export function decodeValue(w: unknown, field: string): unknown {
  const o = w as Partial<WireValue> | null;
  if (!o || typeof o.body !== 'string' || !Array.isArray(o.shared) || !o.shared.every((x) => typeof x === 'string')) {
    throw new ValidationError(field, 'type', `must be { body, shared } of base64 strings; got ${describeValue(w)}`);
  }
  const shared = o.shared.map((b64) => {
    const bytes = Buffer.from(b64, 'base64');
    const sab = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(sab).set(bytes);
    return sab;
  });
  let value: unknown;
  try {
    value = deserialize(Buffer.from(o.body, 'base64'));
  } catch (e) {
    throw new ValidationError(field, 'format', `is not a serialised value: ${e instanceof Error ? e.message : String(e)}`);
  }
  return attachShared(value, shared, field);
}

/** Job data of a task envelope (what the coordinator puts on the queue). */
export function envelopeToJobData(env: TaskEnvelope): TaskJobData {
  return {
    v: PROTOCOL_VERSION, kind: env.kind, wasm: env.wasm, ...(env.build ? { build: env.build } : {}), input: encodeValue(env.input),
    ...(env.progress ? { progressBytes: env.progress.byteLength } : {}),
  };
}

/**
 * Checks job data from the queue and rebuilds the task envelope.
 * @throws ValidationError naming the bad field.
 */
export function jobDataToEnvelope(d: unknown): TaskEnvelope {
  const o = d as Partial<TaskJobData> | null;
  if (o?.v !== PROTOCOL_VERSION) throw new ValidationError('job.v', 'version', `must be ${PROTOCOL_VERSION}; got ${describeValue(o?.v)}`);
  if (typeof o.kind !== 'string' || o.kind === '') throw new ValidationError('job.kind', 'type', `must be a task kind; got ${describeValue(o.kind)}`);
  const build = o.build === 'strict' || o.build === 'relaxed' ? { build: o.build } : {};
  const pb = o.progressBytes;
  if (pb !== undefined && !(Number.isInteger(pb) && pb > 0 && pb % 8 === 0 && pb <= MAX_PROGRESS_BYTES)) {
    throw new ValidationError('job.progressBytes', 'range', `must be a multiple of 8 in [8, ${MAX_PROGRESS_BYTES}]; got ${describeValue(pb)}`);
  }
  const progress = pb !== undefined ? { progress: new SharedArrayBuffer(pb) } : {};
  return { kind: o.kind, wasm: o.wasm === true, ...build, input: decodeValue(o.input, 'job.input'), ...progress };
}
