/**
 * Loading of the AssemblyScript kernels (build/core.wasm) and a small memory manager over the
 * instance's linear memory. The module is compiled once per thread and the *promise* is cached,
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
  tailPush(
    vp: number, ip: number, size: number, cap: number, k: number,
    lossp: number, count: number, base: number, thrp: number, sumsp: number,
  ): number;
  // assembly/linalg.ts
  cholesky(ap: number, n: number, lp: number, tol: number): number;
  // assembly/cov.ts
  covColumnMeans(xPtr: number, t: number, n: number, meanPtr: number): void;
  covSampleRows(xPtr: number, t: number, n: number, meanPtr: number, outPtr: number, rowFrom: number, rowTo: number): void;
  covSample(xPtr: number, t: number, n: number, meanPtr: number, outPtr: number): void;
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
  'heapBase', 'mcLossChunk', 'mcContribChunk', 'normals', 'selectTop', 'tailPush', 'cholesky',
  'covColumnMeans', 'covSampleRows', 'covSample', 'revalue', 'revalScratchBytes', 'vmathApply', 'fusedMultiplyAdd', 'garchNllGrad', 'garchVariances', 'gridMargins',
] as const satisfies ReadonlyArray<Exclude<keyof CoreExports, 'memory'>>;

/** Narrows an instance's exports to {@link CoreExports}, checking each export exists with the right type. */
function isCoreExports(x: WebAssembly.Exports): x is WebAssembly.Exports & CoreExports {
  return x.memory instanceof WebAssembly.Memory && CORE_FUNCTIONS.every((name) => typeof x[name] === 'function');
}

let modulePromise: Promise<WebAssembly.Module> | undefined;

/** Compiles build/core.wasm once per thread. */
export function compileCore(): Promise<WebAssembly.Module> {
  modulePromise ??= (async () => {
    let bytes: Buffer;
    try {
      bytes = await readFile(buildPath('core.wasm'));
    } catch (e) {
      throw new WasmUnavailableError('build/core.wasm not found; run `npm run build`', e);
    }
    try {
      return await WebAssembly.compile(bytes);
    } catch (e) {
      throw new WasmUnavailableError('compilation failed (does this runtime support WASM SIMD?)', e);
    }
  })();
  modulePromise.catch(() => {
    modulePromise = undefined; // allow a retry after a failure
  });
  return modulePromise;
}

const PAGE = 65536;

/**
 * One instance of the kernels with a bump allocator over its memory. `reset()` frees everything
 * allocated since creation; views must be re-taken after `alloc` (memory may grow).
 */
export class WasmCore {
  readonly x: CoreExports;
  private readonly base: number;
  private top: number;

  private constructor(x: CoreExports) {
    this.x = x;
    this.base = (x.heapBase() + 63) & ~63;
    this.top = this.base;
  }

  static async create(): Promise<WasmCore> {
    const mod = await compileCore();
    const inst = await WebAssembly.instantiate(mod, {
      env: {
        abort: (_m: number, _f: number, line: number, col: number) => {
          throw new Error(`wasm abort at ${line}:${col}`);
        },
      },
    });
    if (!isCoreExports(inst.exports)) {
      const missing = CORE_FUNCTIONS.filter((name) => typeof inst.exports[name] !== 'function');
      throw new WasmUnavailableError(`build/core.wasm lacks exports ${missing.join(', ') || 'memory'}; rebuild with \`npm run build\``);
    }
    return new WasmCore(inst.exports);
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

let mainCore: Promise<WasmCore> | undefined;

/** A shared instance for small main-thread kernels (Cholesky); created on first use. */
export function mainThreadCore(): Promise<WasmCore> {
  mainCore ??= WasmCore.create();
  mainCore.catch(() => {
    mainCore = undefined;
  });
  return mainCore;
}
