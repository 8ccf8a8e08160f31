/**
 * The wire format of distributed Monte Carlo: one BullMQ job = one contiguous range of chunks of a
 * job (the same unit as a pool task, src/risk/mc-task.ts), answered by that range's top-k tail and
 * per-chunk sums. Float64 arrays travel as base64 of their little-endian bytes, so every double
 * round-trips exactly (JSON numbers would too, but base64 is 3× smaller and faster).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { McTask, McTaskResult } from '../risk/mc-task.js';

export const PROTOCOL_VERSION = 1;

/** Data of a chunk-range job on the queue. */
export interface ChunkJobData {
  v: typeof PROTOCOL_VERSION;
  n: number;
  nu: number;
  seed: number;
  scenarios: number;
  chunkFrom: number;
  chunkTo: number;
  k: number;
  /** Kernel the coordinator runs on; workers use the same one when they can (bit-identical results). */
  wasm: boolean;
  /** Packed Cholesky factor (n(n+1)/2) then exposures (n), base64 f64. */
  shared: string;
}

/** Return value of a chunk-range job. */
export interface ChunkJobResult {
  tail: string;
  index: string;
  sums: string;
  kernel: 'wasm' | 'ts';
  /** host:pid of the worker process that ran it (diagnostics). */
  worker: string;
}

if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) {
  throw new Error('margin-engine cluster protocol assumes a little-endian host');
}

export function encodeF64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** @throws ValidationError naming `field` when the text is not a whole number of doubles. */
export function decodeF64(s: unknown, field: string): Float64Array {
  if (typeof s !== 'string') throw new ValidationError(field, 'type', `must be a base64 string; got ${describeValue(s)}`, s);
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % 8 !== 0) throw new ValidationError(field, 'length', `must hold whole doubles; got ${b.byteLength} bytes`);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b); // copy: the Buffer's offset may not be 8-aligned
  return out;
}

/** Job data of a pool task (what the coordinator puts on the queue). */
export function taskToJobData(t: McTask): ChunkJobData {
  return {
    v: PROTOCOL_VERSION, n: t.n, nu: t.nu, seed: t.seed, scenarios: t.scenarios,
    chunkFrom: t.chunkFrom, chunkTo: t.chunkTo, k: t.k, wasm: t.wasm,
    shared: encodeF64(new Float64Array(t.shared, 0, (t.n * (t.n + 1)) / 2 + t.n)),
  };
}

const isInt = (x: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): x is number => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

/**
 * Checks job data from the queue and rebuilds the pool task's shared buffer.
 * @throws ValidationError naming the bad field.
 */
export function jobDataToTask(d: ChunkJobData): Omit<McTask, 'chunkFrom' | 'chunkTo'> & { chunkFrom: number; chunkTo: number } {
  if (d?.v !== PROTOCOL_VERSION) throw new ValidationError('job.v', 'version', `must be ${PROTOCOL_VERSION}; got ${describeValue(d?.v)}`);
  if (!isInt(d.n, 1, 100_000)) throw new ValidationError('job.n', 'range', `must be a positive integer; got ${describeValue(d.n)}`);
  if (!isInt(d.scenarios, 1)) throw new ValidationError('job.scenarios', 'range', `must be a positive integer; got ${describeValue(d.scenarios)}`);
  if (!isInt(d.seed, 0)) throw new ValidationError('job.seed', 'range', `must be a non-negative integer; got ${describeValue(d.seed)}`);
  if (!isInt(d.k, 1)) throw new ValidationError('job.k', 'range', `must be a positive integer; got ${describeValue(d.k)}`);
  if (!isInt(d.chunkFrom, 0) || !isInt(d.chunkTo, d.chunkFrom + 1)) {
    throw new ValidationError('job.chunkTo', 'range', `must exceed chunkFrom; got [${describeValue(d.chunkFrom)}, ${describeValue(d.chunkTo)})`);
  }
  if (typeof d.nu !== 'number' || !(d.nu === 0 || d.nu > 2)) throw new ValidationError('job.nu', 'range', `must be 0 or > 2; got ${describeValue(d.nu)}`);
  const f = decodeF64(d.shared, 'job.shared');
  const need = (d.n * (d.n + 1)) / 2 + d.n;
  if (f.length !== need) throw new ValidationError('job.shared', 'length', `must hold ${need} doubles for n = ${d.n}; got ${f.length}`);
  const shared = new SharedArrayBuffer(f.byteLength);
  new Float64Array(shared).set(f);
  return { kind: 'mc', shared, n: d.n, nu: d.nu, seed: d.seed, scenarios: d.scenarios, chunkFrom: d.chunkFrom, chunkTo: d.chunkTo, k: d.k, wasm: d.wasm === true };
}

export function encodeResult(r: McTaskResult, kernel: 'wasm' | 'ts', worker: string): ChunkJobResult {
  return { tail: encodeF64(r.tail), index: encodeF64(r.index), sums: encodeF64(r.sums), kernel, worker };
}

export function decodeResult(r: unknown): McTaskResult {
  const o = (typeof r === 'string' ? JSON.parse(r) : r) as Partial<ChunkJobResult> | null;
  return { tail: decodeF64(o?.tail, 'result.tail'), index: decodeF64(o?.index, 'result.index'), sums: decodeF64(o?.sums, 'result.sums') };
}
