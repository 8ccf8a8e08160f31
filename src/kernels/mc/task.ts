/**
 * Worker side of Monte Carlo VaR/ES: run a contiguous range of chunks and return only their
 * tail (k largest losses with scenario indices) plus per-chunk sums. Runs on the WASM kernels or
 * on their pure-TS twins; both produce the same numbers.
 */
import { defineTask } from '../../pool/index.js';
import type { WasmCore } from '../../wasm/index.js';
import { selectTopTs, sortTailDesc, tailPushTs } from '../tail/ts.js';
import type { TailState } from '../tail/ts.js';
import { chunkState, zigguratTables, STATE_WORDS, ZIG_TABLE_LEN } from './rng.js';
import { mcContribChunkTs, mcLossChunkTs, mcScratch } from './ts.js';

/** Scenarios per chunk: each chunk draws from its own stream. Part of the reproducibility contract. */
export const CHUNK_SCENARIOS = 4096;
const BS = 8;

/** One unit of pool work: chunks [chunkFrom, chunkTo) of a job. */
export interface McTask {
  /** Packed lower Cholesky factor (n(n+1)/2 f64) then exposures (n f64). */
  shared: SharedArrayBuffer;
  n: number;
  nu: number;
  seed: number;
  scenarios: number;
  chunkFrom: number;
  chunkTo: number;
  k: number;
  /**
   * Optional shared chunk counter (Int32Array of one element, starting at 0) for tasks that run in
   * the caller's process: the task then claims chunks chunkFrom + counter++ (atomically) until
   * chunkTo or `quota` chunks, so the tasks of a job sharing the counter balance themselves (a
   * worker slowed by other load takes fewer chunks). Every chunk is still run exactly once and
   * draws from its own stream, so the result does not depend on who ran it.
   */
  claim?: SharedArrayBuffer;
  /** Most chunks one task claims from `claim` (default: no limit). */
  quota?: number;
}

/** Replay of selected scenarios for attribution: per-factor loss contributions. */
export interface McContribTask {
  shared: SharedArrayBuffer;
  n: number;
  nu: number;
  seed: number;
  /** Chunk ids, and for chunk j the offsets offsets[starts[j] .. starts[j+1]) (ascending). */
  chunks: number[];
  starts: number[];
  offsets: Int32Array;
}

export interface McTaskResult {
  /**
   * Up to k largest losses of the range, descending (equal losses by ascending scenario index):
   * sorted in the worker, so the main thread only merges sorted lists.
   */
  tail: Float64Array;
  /** Global scenario index of each tail loss. */
  index: Float64Array;
  /** [sum, sum of squares] of the losses of each chunk run, in the order of `chunks`. */
  sums: Float64Array;
  /** The chunks the task ran, ascending. */
  chunks: Int32Array;
}

function checkTask(t: McTask): void {
  const nl = (t.n * (t.n + 1)) / 2;
  if (!(t.shared instanceof SharedArrayBuffer) || t.shared.byteLength < (nl + t.n) * 8) {
    throw new RangeError(`mc task: shared buffer too small for n = ${t.n}`);
  }
  if (!(t.chunkTo > t.chunkFrom) || t.k < 1) throw new RangeError('mc task: empty chunk range or k < 1');
}

function chunkCount(t: McTask, c: number): number {
  return Math.min(CHUNK_SCENARIOS, t.scenarios - c * CHUNK_SCENARIOS);
}

/** The chunk source of a task: its whole range in order, or chunks claimed from the shared counter. */
function chunkSource(t: McTask): () => number {
  if (!t.claim) {
    let c = t.chunkFrom;
    return () => (c < t.chunkTo ? c++ : -1);
  }
  const counter = new Int32Array(t.claim, 0, 1);
  let left = t.quota ?? Infinity;
  return () => {
    if (left <= 0) return -1;
    const c = t.chunkFrom + Atomics.add(counter, 0, 1);
    if (c >= t.chunkTo) return -1;
    left--;
    return c;
  };
}

/** Runs the task on the pure-TS twins. */
export function runMcTaskTs(t: McTask): McTaskResult {
  checkTask(t);
  const nl = (t.n * (t.n + 1)) / 2;
  const lp = new Float64Array(t.shared, 0, nl);
  const w = new Float64Array(t.shared, nl * 8, t.n);
  const tab = zigguratTables();
  const st64 = new BigUint64Array(STATE_WORDS);
  const st = new Uint32Array(st64.buffer);
  const sc = mcScratch(t.n);
  const loss = new Float64Array(CHUNK_SCENARIOS);
  const cap = 2 * t.k + CHUNK_SCENARIOS;
  const tail: TailState = { v: new Float64Array(cap), ix: new Float64Array(cap), size: 0, threshold: -Infinity };
  const nChunks = t.chunkTo - t.chunkFrom;
  const sums = new Float64Array(2 * nChunks);
  const chunks = new Int32Array(nChunks);
  const next = chunkSource(t);
  let done = 0;
  for (let c = next(); c >= 0; c = next()) {
    const count = chunkCount(t, c);
    chunkState(t.seed, c, st64);
    mcLossChunkTs(t.n, lp, w, tab, st, t.nu, loss, 0, count, sc);
    const [s, s2] = tailPushTs(tail, t.k, loss, count, c * CHUNK_SCENARIOS);
    sums[2 * done] = s;
    sums[2 * done + 1] = s2;
    chunks[done++] = c;
  }
  selectTopTs(tail.v, tail.ix, tail.size, t.k);
  const sorted = sortTailDesc(tail.v, tail.ix, Math.min(tail.size, t.k));
  return { tail: sorted.v, index: sorted.ix, sums: sums.slice(0, 2 * done), chunks: chunks.slice(0, done) };
}

/**
 * Resets `core` and lays out the inputs every MC kernel call needs: the Cholesky factor and
 * exposures copied from the job's shared buffer, the ziggurat tables, the RNG state and the block
 * scratch. Later allocations must come after this call.
 */
function loadMcInputs(core: WasmCore, shared: SharedArrayBuffer, n: number) {
  const nl = (n * (n + 1)) / 2;
  core.reset();
  const p = {
    lpP: core.alloc(nl * 8),
    wP: core.alloc(n * 8),
    tabP: core.alloc(ZIG_TABLE_LEN * 8),
    stP: core.alloc(STATE_WORDS * 8),
    zP: core.alloc(n * BS * 8),
    ubP: core.alloc(2 * n * BS * 8), // slow-draw list: (index, draw) pairs
    scP: core.alloc(16 * 8),
  };
  core.f64(p.lpP, nl).set(new Float64Array(shared, 0, nl));
  core.f64(p.wP, n).set(new Float64Array(shared, nl * 8, n));
  core.f64(p.tabP, ZIG_TABLE_LEN).set(zigguratTables());
  return p;
}

/** Runs the task on the WASM kernels of `core` (its memory is reset first). */
export function runMcTaskWasm(core: WasmCore, t: McTask): McTaskResult {
  checkTask(t);
  const n = t.n;
  const cap = 2 * t.k + CHUNK_SCENARIOS;
  const { lpP, wP, tabP, stP, zP, ubP, scP } = loadMcInputs(core, t.shared, n);
  const lossP = core.alloc(CHUNK_SCENARIOS * 8);
  const vP = core.alloc(cap * 8);
  const iP = core.alloc(cap * 8);
  const thrP = core.alloc(8);
  const sumsP = core.alloc(16);
  // all allocations done: views are stable from here on
  const thr = core.f64(thrP, 1);
  const sumsV = core.f64(sumsP, 2);
  thr[0] = -Infinity;
  const nChunks = t.chunkTo - t.chunkFrom;
  const sums = new Float64Array(2 * nChunks);
  const chunks = new Int32Array(nChunks);
  const next = chunkSource(t);
  const x = core.x;
  let size = 0;
  let done = 0;
  for (let c = next(); c >= 0; c = next()) {
    const count = chunkCount(t, c);
    x.mcChunkState(t.seed, c, stP); // = chunkState(t.seed, c)
    x.mcLossChunk(n, lpP, wP, zP, ubP, scP, tabP, stP, t.nu, lossP, count);
    size = x.tailPush(vP, iP, size, cap, t.k, lossP, count, c * CHUNK_SCENARIOS, thrP, sumsP);
    sums[2 * done] = sumsV[0];
    sums[2 * done + 1] = sumsV[1];
    chunks[done++] = c;
  }
  x.selectTop(vP, iP, size, t.k);
  const m = Math.min(size, t.k);
  x.sortTail(vP, iP, m); // the order sortTailDesc gives, in place
  return { tail: core.f64(vP, m).slice(), index: core.f64(iP, m).slice(), sums: sums.slice(0, 2 * done), chunks: chunks.slice(0, done) };
}

/** Runs an attribution replay on the WASM kernels (core given) or the TS twins (core null). */
export function runMcContribTask(core: WasmCore | null, t: McContribTask): Float64Array {
  const n = t.n;
  const nl = (n * (n + 1)) / 2;
  if (!(t.shared instanceof SharedArrayBuffer) || t.shared.byteLength < (nl + n) * 8) {
    throw new RangeError(`mc-contrib task: shared buffer too small for n = ${n}`);
  }
  const total = t.offsets.length;
  const out = new Float64Array(total * n);
  const tab = zigguratTables();
  if (!core) {
    const lp = new Float64Array(t.shared, 0, nl);
    const w = new Float64Array(t.shared, nl * 8, n);
    const st64 = new BigUint64Array(STATE_WORDS);
    const sc = mcScratch(n);
    t.chunks.forEach((c, j) => {
      const sel = t.offsets.subarray(t.starts[j], t.starts[j + 1]);
      chunkState(t.seed, c, st64);
      mcContribChunkTs(n, lp, w, tab, new Uint32Array(st64.buffer), t.nu, sel, out.subarray(t.starts[j] * n), sc);
    });
    return out;
  }
  const { lpP, wP, tabP, stP, zP, ubP, scP } = loadMcInputs(core, t.shared, n);
  const selP = core.alloc(CHUNK_SCENARIOS * 4);
  const outP = core.alloc(CHUNK_SCENARIOS * n * 8);
  t.chunks.forEach((c, j) => {
    const from = t.starts[j];
    const cnt = t.starts[j + 1] - from;
    core.i32(selP, cnt).set(t.offsets.subarray(from, from + cnt));
    core.x.mcChunkState(t.seed, c, stP);
    core.x.mcContribChunk(n, lpP, wP, zP, ubP, scP, tabP, stP, t.nu, selP, cnt, outP);
    out.set(core.f64(outP, cnt * n), from * n);
  });
  return out;
}

/** Pool task: a chunk range's tail and sums (WASM kernels when the worker has them). */
export const MC_TASK = defineTask<McTask, McTaskResult>('mc', (t, { core }) => (core ? runMcTaskWasm(core, t) : runMcTaskTs(t)));

/** Pool task: per-factor loss contributions of selected scenarios (attribution replay). */
export const MC_CONTRIB_TASK = defineTask<McContribTask, Float64Array>('mc-contrib', (t, { core }) => runMcContribTask(core, t));
