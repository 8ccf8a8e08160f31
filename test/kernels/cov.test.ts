import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { covColumnMeansTs, covSampleRowsTs, covSampleTs, covSampleWasm } from '../../src/kernels/index.js';
import { WasmCore } from '../../src/wasm/index.js';

/** The exports of a module built from assembly/cov.ts alone. */
interface CovKernelExports {
  memory: WebAssembly.Memory;
  covSample: (xPtr: number, t: number, n: number, meanPtr: number, outPtr: number) => void;
  covSampleRows: (xPtr: number, t: number, n: number, meanPtr: number, outPtr: number, rowFrom: number, rowTo: number) => void;
  covColumnMeans: (xPtr: number, t: number, n: number, meanPtr: number) => void;
}

/** Runs the standalone module's covSample with scratch in pages grown from JS. */
function covSampleStandalone(ex: CovKernelExports, x: Float64Array, t: number, n: number): Float64Array {
  const xPtr = (ex.memory.buffer.byteLength + 15) & ~15;
  const meanPtr = xPtr + ((t * n * 8 + 15) & ~15);
  const outPtr = meanPtr + ((n * 8 + 15) & ~15);
  const end = outPtr + n * n * 8;
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / 65536));
  new Float64Array(ex.memory.buffer, xPtr, t * n).set(x.subarray(0, t * n));
  ex.covSample(xPtr, t, n, meanPtr, outPtr);
  return new Float64Array(ex.memory.buffer, outPtr, n * n).slice();
}
import { euReturns, naiveCov, normals, rng } from '../market/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let ex: CovKernelExports;

beforeAll(async () => {
  // Build assembly/cov.ts alone, with the flags of `npm run build:wasm`, so this test does not
  // depend on assembly/index.ts or build/core.wasm.
  // The build is cached in tmpdir by a hash of the source and flags (asc takes ~3–5 s).
  const flags = ['-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--initialMemory', '16'];
  const src = readFileSync(join(ROOT, 'assembly/cov.ts'));
  const key = createHash('sha256').update(src).update(flags.join(' ')).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `margin-engine-cov-${key}.wasm`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync(join(ROOT, 'node_modules/.bin/asc'), ['assembly/cov.ts', '--outFile', tmp, ...flags], { cwd: ROOT, stdio: 'pipe' });
    renameSync(tmp, out);
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(readFileSync(out))), {});
  ex = instance.exports as unknown as typeof ex;
});

function flat(x: number[][]): Float64Array {
  return Float64Array.from(x.flat());
}

function randomMatrix(t: number, n: number, seed: number): Float64Array {
  const z = normals(rng(seed));
  const a = new Float64Array(t * n);
  for (let i = 0; i < a.length; i++) a[i] = 100 + (1 + (i % n)) * z(); // offset mean, unequal scales
  return a;
}

function twin(x: Float64Array, t: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  covSampleTs(x, t, n, new Float64Array(n), out);
  return out;
}

describe('covariance kernel: WASM vs pure-TS twin', () => {
  it('gives bit-identical results on EuStockMarkets returns and matches a naive two-pass', () => {
    const R = euReturns();
    const x = flat(R);
    const w = covSampleStandalone(ex, x, R.length, 4);
    expect(Array.from(w)).toEqual(Array.from(twin(x, R.length, 4)));
    const ref = naiveCov(R).flat();
    for (let k = 0; k < 16; k++) expect(Math.abs(w[k] - ref[k])).toBeLessThan(1e-18);
  });

  it.each([[600, 11], [257, 8], [3, 1], [2, 2], [1000, 19]])('is bit-identical for T=%i, N=%i (block and SIMD tails, memory growth)', (t, n) => {
    const x = randomMatrix(t, n, t * 31 + n);
    const w = covSampleStandalone(ex, x, t, n);
    const tw = twin(x, t, n);
    expect(Array.from(w)).toEqual(Array.from(tw));
    const rows = Array.from({ length: t }, (_, r) => Array.from(x.subarray(r * n, (r + 1) * n)));
    const ref = naiveCov(rows).flat();
    for (let k = 0; k < n * n; k++) expect(Math.abs(w[k] - ref[k])).toBeLessThanOrEqual(1e-12 * Math.abs(ref[k]) + 1e-13);
  });

  it('row ranges computed separately assemble the full matrix (WASM and twin)', () => {
    const t = 300;
    const n = 9;
    const x = randomMatrix(t, n, 5);
    const full = twin(x, t, n);
    const mean = new Float64Array(n);
    covColumnMeansTs(x, t, n, mean);
    const parts = new Float64Array(n * n);
    for (const [a, b] of [[0, 2], [2, 5], [5, 9]]) covSampleRowsTs(x, t, n, mean, parts, a, b);
    expect(Array.from(parts)).toEqual(Array.from(full));

    // Same through the WASM exports, placing buffers by hand past the current memory end.
    const base = ex.memory.buffer.byteLength;
    ex.memory.grow(1);
    const xPtr = base;
    const meanPtr = xPtr + t * n * 8;
    const outPtr = meanPtr + n * 8;
    new Float64Array(ex.memory.buffer, xPtr, t * n).set(x);
    ex.covColumnMeans(xPtr, t, n, meanPtr);
    for (const [a, b] of [[5, 9], [0, 2], [2, 5]]) ex.covSampleRows(xPtr, t, n, meanPtr, outPtr, a, b);
    expect(Array.from(new Float64Array(ex.memory.buffer, outPtr, n * n))).toEqual(Array.from(full));
  });
});

describe('covariance kernel inside the full core build', () => {
  it('runs from a module built from assembly/index.ts when that build exists (build/core.wasm)', async () => {
    const path = join(ROOT, 'build/core.wasm');
    if (!existsSync(path)) return; // build/core.wasm is optional for this test
    const core = await WasmCore.create('strict');
    const x = randomMatrix(400, 7, 9);
    expect(Array.from(covSampleWasm(core, x, 400, 7))).toEqual(Array.from(twin(x, 400, 7)));
  });
});
