/**
 * Loading of the AssemblyScript kernels and a small memory manager over the instance's linear
 * memory. Two builds exist (see {@link WasmBuild}): build/core-relaxed.wasm (relaxed SIMD: fused
 * multiply-add) is taken when `WebAssembly.validate` accepts it, build/core.wasm (plain SIMD)
 * otherwise or when forced. Each module is compiled once per thread and the *promise* is cached,
 * so concurrent first calls never compile twice. Callers never see raw pointers outside the
 * pool worker and the engine's kernel adapters.
 */
import { readFile } from 'node:fs/promises';
import { WasmUnavailableError } from '../errors/index.js';
import { buildPath } from '../util/index.js';

/**
 * The one typed description of build/core.wasm's exports (pointers are byte offsets into
 * `memory`). Kernel adapters in src/kernels take a {@link WasmCore} and call these; nothing else
 * sees a pointer.
 */
export interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  // assembly/mc.ts
  mcChunkState(seed: number, chunk: number, statep: number): void;
  mcLossChunk(
    n: number, lp: number, wp: number, zp: number, ubp: number, scalep: number,
    tabp: number, statep: number, nu: number, outp: number, count: number,
  ): void;
  mcContribChunk(
    n: number, lp: number, wp: number, zp: number, ubp: number, scalep: number,
    tabp: number, statep: number, nu: number, selp: number, nsel: number, outp: number,
  ): void;
  normals(zp: number, ubp: number, m: number, tabp: number, statep: number): void;
  // assembly/tail.ts
  selectTop(vp: number, ip: number, n: number, k: number): void;
  sortTail(vp: number, ip: number, m: number): void;
  tailPush(
    vp: number, ip: number, size: number, cap: number, k: number,
    lossp: number, count: number, base: number, thrp: number, sumsp: number,
  ): number;
  // assembly/linalg.ts
  cholesky(ap: number, n: number, lp: number, tol: number): number;
  // assembly/cov.ts, packed and register-tiled (sample XᵀX and the EWMA recursion by rows)
  covPackBytes(t: number, n: number): number;
  covPack(xPtr: number, t: number, n: number, meanPtr: number, packPtr: number, colFrom: number): void;
  covGramRows(packPtr: number, t: number, n: number, accPtr: number, rowFrom: number, rowTo: number): void;
  covScaleRows(accPtr: number, n: number, rowFrom: number, rowTo: number, denom: number): void;
  covEwmaRows(packPtr: number, t: number, n: number, lambda: number, accPtr: number, rowFrom: number, rowTo: number): void;
  // assembly/cov.ts
  covColumnMeans(xPtr: number, t: number, n: number, meanPtr: number): void;
  // assembly/reval.ts
  revalue(
    tabp: number, n: number,
    movep: number, volAbsp: number, volRelp: number, dtp: number, ns: number, nu: number,
    totp: number, posp: number, scratchp: number,
  ): void;
  revalScratchBytes(ns: number, nu: number): number;
  // assembly/vmath.ts: op 0 exp, 1 log, 2 normal CDF of n values at p, in place
  vmathApply(op: number, p: number, n: number): void;
  // assembly/simd.ts
  fusedMultiplyAdd(): number;
  // assembly/garch.ts
  garchNllGrad(yp: number, n: number, h0: number, omega: number, alpha: number, beta: number, outp: number, hp: number): void;
  garchVariances(yp: number, n: number, h0: number, omega: number, alpha: number, beta: number, hp: number): void;
  // assembly/grid.ts
  gridMargins(
    tabp: number, n: number, offp: number, uoffp: number, uidp: number, nAcc: number, pricep: number,
    movep: number, nMoves: number, volAbsp: number, volRelp: number, nVols: number, weightp: number,
    upIdx: number, downIdx: number, paramp: number,
    pairAp: number, pairBp: number, pairRatep: number, nPairs: number,
    scratchp: number, outp: number,
  ): void;
}

/** Every function export {@link CoreExports} declares; checked once when an instance is created. */
const CORE_FUNCTIONS = [
  'covPackBytes', 'covPack', 'covGramRows', 'covScaleRows', 'covEwmaRows',
  'heapBase', 'mcChunkState', 'mcLossChunk', 'mcContribChunk', 'normals', 'selectTop', 'sortTail', 'tailPush', 'cholesky',
  'covColumnMeans', 'revalue', 'revalScratchBytes', 'vmathApply', 'fusedMultiplyAdd', 'garchNllGrad', 'garchVariances', 'gridMargins',
] as const satisfies ReadonlyArray<Exclude<keyof CoreExports, 'memory'>>;

/** Narrows an instance's exports to {@link CoreExports}, checking each export exists with the right type. */
function isCoreExports(x: WebAssembly.Exports): x is WebAssembly.Exports & CoreExports {
  return x.memory instanceof WebAssembly.Memory && CORE_FUNCTIONS.every((name) => typeof x[name] === 'function');
}

/** The two builds of the kernels (package.json `build:wasm`), compiled from the same source. */
export type WasmBuild = 'strict' | 'relaxed';
/** Which build to load: `'auto'` takes the relaxed one when the runtime validates it. */
export type WasmBuildChoice = 'auto' | WasmBuild;

/** build/ file of each build: strict = `--enable simd`, relaxed = `--enable simd,relaxed-simd` (fused multiply-add). */
export const WASM_BUILD_FILES: Readonly<Record<WasmBuild, string>> = Object.freeze({ strict: 'core.wasm', relaxed: 'core-relaxed.wasm' });

const bytesPromise = new Map<WasmBuild, Promise<Uint8Array>>();

function readBuild(build: WasmBuild): Promise<Uint8Array> {
  let p = bytesPromise.get(build);
  if (!p) {
    const file = WASM_BUILD_FILES[build];
    p = readFile(buildPath(file)).then((b) => new Uint8Array(b), (e: unknown) => {
      throw new WasmUnavailableError(`build/${file} not found; run \`npm run build\``, e);
    });
    p.catch(() => bytesPromise.delete(build));
    bytesPromise.set(build, p);
  }
  return p;
}

let relaxedValid: Promise<boolean> | undefined;

/**
 * Whether this runtime accepts the relaxed-SIMD build: `WebAssembly.validate` on
 * build/core-relaxed.wasm (Node 24 does; Node 20 rejects the relaxed opcodes). False when the
 * file is missing.
 */
export function relaxedSimdSupported(): Promise<boolean> {
  relaxedValid ??= readBuild('relaxed').then((b) => WebAssembly.validate(b), () => false);
  return relaxedValid;
}

/**
 * The build a choice resolves to on this runtime: `'auto'` → relaxed when validated, else strict.
 * @throws {WasmUnavailableError} for `'relaxed'` on a runtime that does not validate it.
 */
export async function resolveWasmBuild(choice: WasmBuildChoice = 'auto'): Promise<WasmBuild> {
  if (choice === 'strict') return 'strict';
  const ok = await relaxedSimdSupported();
  if (ok) return 'relaxed';
  if (choice === 'relaxed') {
    throw new WasmUnavailableError(`this runtime (Node ${process.versions.node}) does not validate build/core-relaxed.wasm (relaxed SIMD); use wasmBuild 'strict' or 'auto'`);
  }
  return 'strict';
}

const modulePromise = new Map<WasmBuild, Promise<WebAssembly.Module>>();

/** Compiles a build of the kernels once per thread (default: the strict build/core.wasm). */
export function compileCore(build: WasmBuild = 'strict'): Promise<WebAssembly.Module> {
  let p = modulePromise.get(build);
  if (!p) {
    p = (async () => {
      const bytes = await readBuild(build);
      try {
        return await WebAssembly.compile(bytes);
      } catch (e) {
        throw new WasmUnavailableError(`compilation of build/${WASM_BUILD_FILES[build]} failed (does this runtime support WASM ${build === 'relaxed' ? 'relaxed ' : ''}SIMD?)`, e);
      }
    })();
    p.catch(() => modulePromise.delete(build)); // allow a retry after a failure
    modulePromise.set(build, p);
  }
  return p;
}

const PAGE = 65536;

/**
 * One instance of the kernels with a bump allocator over its memory. `reset()` frees everything
 * allocated since creation; views must be re-taken after `alloc` (memory may grow).
 */
export class WasmCore {
  readonly x: CoreExports;
  /** Which build this instance runs. */
  readonly build: WasmBuild;
  private readonly base: number;
  private top: number;

  private constructor(x: CoreExports, build: WasmBuild) {
    this.x = x;
    this.build = build;
    this.base = (x.heapBase() + 63) & ~63;
    this.top = this.base;
  }

  /**
   * Instantiates the kernels: `'auto'` (default) takes the relaxed-SIMD build where the runtime
   * validates it, else the strict one; `'strict'` / `'relaxed'` force one.
   * @throws {WasmUnavailableError} when the build cannot load (or `'relaxed'` is not supported).
   */
  static async create(choice: WasmBuildChoice = 'auto'): Promise<WasmCore> {
    const build = await resolveWasmBuild(choice);
    const mod = await compileCore(build);
    const inst = await WebAssembly.instantiate(mod, {
      env: {
        abort: (_m: number, _f: number, line: number, col: number) => {
          throw new Error(`wasm abort at ${line}:${col}`);
        },
      },
    });
    if (!isCoreExports(inst.exports)) {
      const missing = CORE_FUNCTIONS.filter((name) => typeof inst.exports[name] !== 'function');
      throw new WasmUnavailableError(`build/${WASM_BUILD_FILES[build]} lacks exports ${missing.join(', ') || 'memory'}; rebuild with \`npm run build\``);
    }
    return new WasmCore(inst.exports, build);
  }

  /** Allocates `bytes` (64-byte aligned), growing memory if needed; returns the pointer. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + ((bytes + 63) & ~63);
    const have = this.x.memory.buffer.byteLength;
    if (end > have) this.x.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** Frees every allocation. */
  reset(): void {
    this.top = this.base;
  }

  f64(ptr: number, len: number): Float64Array {
    return new Float64Array(this.x.memory.buffer, ptr, len);
  }

  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.x.memory.buffer, ptr, len);
  }

  u64(ptr: number, len: number): BigUint64Array {
    return new BigUint64Array(this.x.memory.buffer, ptr, len);
  }
}

const mainCore = new Map<WasmBuildChoice, Promise<WasmCore>>();

/** A shared instance (per build choice) for small main-thread kernels (Cholesky); created on first use. */
export function mainThreadCore(choice: WasmBuildChoice = 'auto'): Promise<WasmCore> {
  let p = mainCore.get(choice);
  if (!p) {
    p = WasmCore.create(choice);
    p.catch(() => mainCore.delete(choice));
    mainCore.set(choice, p);
  }
  return p;
}
