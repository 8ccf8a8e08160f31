import { beforeAll, describe, expect, it } from 'vitest';
import { WasmCore } from '../../src/wasm/index.js';
import { ZIG_TABLE_LEN, chunkState, choleskyTs, gaussFillTs, selectTopTs, sortTailDesc, tailPushTs, zigguratTables } from '../../src/kernels/index.js';
import type { TailState } from '../../src/kernels/index.js';
import { normalCdf } from '../../src/stats/index.js';

let core: WasmCore;
beforeAll(async () => {
  core = await WasmCore.create();
});

const M64 = (1n << 64n) - 1n;
/** Reference xoshiro256** on BigInt (Blackman & Vigna's C code, transliterated). */
function xoshiroRef(s: bigint[]): bigint {
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (64n - k))) & M64;
  const result = (rotl((s[1] * 5n) & M64, 7n) * 9n) & M64;
  const t = (s[1] << 17n) & M64;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t; s[3] = rotl(s[3], 45n);
  return result;
}

function wasmNormals(seed: number, chunk: number, m: number): Float64Array {
  core.reset();
  const zP = core.alloc(m * 8);
  const badP = core.alloc(2 * m * 8);
  const tabP = core.alloc(ZIG_TABLE_LEN * 8);
  const stP = core.alloc(160);
  core.f64(tabP, ZIG_TABLE_LEN).set(zigguratTables());
  chunkState(seed, chunk, core.u64(stP, 20));
  core.x.normals(zP, badP, m, tabP, stP);
  return core.f64(zP, m).slice();
}

function tsNormals(seed: number, chunk: number, m: number): Float64Array {
  const st = chunkState(seed, chunk);
  const z = new Float64Array(m);
  gaussFillTs(z, m, zigguratTables(), new Uint32Array(st.buffer));
  return z;
}

describe('RNG streams and normals', () => {
  it('the 32-bit-halves xoshiro256** of the TS twin matches a BigInt reference (fast-path draws)', () => {
    const m = 4000;
    const st = chunkState(7, 3);
    const lanes = [0, 1, 2, 3].map((l) => [0, 1, 2, 3].map((w) => st[w * 4 + l]));
    const tab = zigguratTables();
    const z = tsNormals(7, 3, m);
    let checked = 0;
    for (let j = 0; j < m; j++) {
      const r = xoshiroRef(lanes[j % 4]);
      const idx = Number(r & 0xffn);
      const rabs = Number(r >> 12n);
      if (rabs < tab[256 + idx]) {
        const x = rabs * tab[idx];
        expect(z[j]).toBe((r >> 8n) & 1n ? -x : x);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0.97 * m);
  });

  it('WASM normals equal the TS twin bit for bit (slow paths within 1 ulp)', () => {
    const m = 100_000;
    const a = wasmNormals(42, 0, m);
    const b = tsNormals(42, 0, m);
    let maxRel = 0;
    for (let j = 0; j < m; j++) maxRel = Math.max(maxRel, Math.abs(a[j] - b[j]) / Math.max(1e-300, Math.abs(b[j])));
    expect(maxRel).toBeLessThanOrEqual(2.3e-16);
  });

  it('the WASM chunk-state derivation equals the BigInt splitmix64 one', () => {
    for (const [seed, chunk] of [[0, 0], [42, 0], [42, 244], [7, 3], [2 ** 32 + 5, 99], [Number.MAX_SAFE_INTEGER, 2 ** 31 - 1]]) {
      core.reset();
      const stP = core.alloc(160);
      core.x.mcChunkState(seed, chunk, stP);
      expect(Array.from(core.u64(stP, 20))).toEqual(Array.from(chunkState(seed, chunk)));
    }
  });

  it('chunk streams differ from each other and from other seeds', () => {
    const a = wasmNormals(1, 0, 64);
    expect(wasmNormals(1, 1, 64)).not.toEqual(a);
    expect(wasmNormals(2, 0, 64)).not.toEqual(a);
    expect(wasmNormals(1, 0, 64)).toEqual(a);
  });

  it('passes a distribution test: moments, tail frequencies and a chi-square over 40 equiprobable bins', () => {
    const N = 1_000_000;
    const z = new Float64Array(N);
    for (let c = 0; c < N / 10_000; c++) z.set(wasmNormals(99, c, 10_000), c * 10_000);
    let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    for (const x of z) { s1 += x; s2 += x * x; s3 += x * x * x; s4 += x * x * x * x; }
    const mean = s1 / N;
    // standard errors under N(0,1): mean 1/√N, E z² √(2/N), E z³ √(15/N), E z⁴ √(96/N); 5 SE bounds
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(s3 / N)).toBeLessThan(5 * Math.sqrt(15 / N));
    expect(Math.abs(s4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
    // tail frequencies, including beyond the ziggurat's base strip edge r = 3.654
    for (const t of [1, 2, 3, 3.6541528853610088, 4]) {
      const p = 2 * (1 - normalCdf(t));
      const count = z.reduce((c, x) => c + (Math.abs(x) > t ? 1 : 0), 0);
      expect(Math.abs(count - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)) + 1);
    }
    // chi-square goodness of fit, 39 degrees of freedom: 99.99 % point is ≈ 80.1
    const bins = 40;
    const edges = Array.from({ length: bins - 1 }, (_, i) => i + 1).map((i) => {
      let lo = -10, hi = 10;
      for (let it = 0; it < 100; it++) { const mid = (lo + hi) / 2; if (normalCdf(mid) < i / bins) lo = mid; else hi = mid; }
      return lo;
    });
    const counts = new Array<number>(bins).fill(0);
    for (const x of z) {
      let lo = 0, hi = bins - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (x < edges[mid]) hi = mid; else lo = mid + 1; }
      counts[lo]++;
    }
    const e = N / bins;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(80.1);
  });
});

describe('Cholesky kernel', () => {
  function wasmChol(a: Float64Array, n: number, tol: number): { lp: Float64Array; bad: number } {
    core.reset();
    const ap = core.alloc(n * n * 8);
    const lpP = core.alloc(((n * (n + 1)) / 2) * 8);
    core.f64(ap, n * n).set(a);
    const bad = core.x.cholesky(ap, n, lpP, tol);
    return { lp: core.f64(lpP, (n * (n + 1)) / 2).slice(), bad };
  }

  it('reconstructs A = L Lᵀ and matches the TS twin exactly', () => {
    const n = 9;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = Math.exp(-Math.abs(i - j) / 3) * (1 + 0.1 * i) * (1 + 0.1 * j);
    const w = wasmChol(a, n, 1e-14);
    const t = new Float64Array((n * (n + 1)) / 2);
    expect(choleskyTs(a, n, t, 1e-14)).toBe(-1);
    expect(w.bad).toBe(-1);
    expect(w.lp).toEqual(t);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += t[(i * (i + 1)) / 2 + k] * t[(j * (j + 1)) / 2 + k];
        expect(s).toBeCloseTo(a[i * n + j], 13);
      }
    }
  });

  it('accepts a singular PSD matrix (perfectly correlated factors) with a zero column', () => {
    const a = Float64Array.from([1, 1, 0, 1, 1, 0, 0, 0, 4]);
    const w = wasmChol(a, 3, 1e-12);
    expect(w.bad).toBe(-1);
    expect(Array.from(w.lp)).toEqual([1, 1, 0, 0, 0, 2]);
  });

  it('reports the first column that proves a matrix is not PSD', () => {
    const a = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3 and −1
    expect(wasmChol(a, 2, 1e-12).bad).toBe(1);
    expect(choleskyTs(a, 2, new Float64Array(3), 1e-12)).toBe(1);
  });
});

describe('tail selection kernel', () => {
  it('keeps exactly the k largest losses over many chunks, WASM and TS alike', () => {
    const chunk = 1000;
    const chunks = 30;
    const k = 777;
    const cap = 2 * k + chunk;
    let x = 12345;
    const all: number[] = [];
    const ts: TailState = { v: new Float64Array(cap), ix: new Float64Array(cap), size: 0, threshold: -Infinity };
    core.reset();
    const vP = core.alloc(cap * 8), iP = core.alloc(cap * 8), lossP = core.alloc(chunk * 8), thrP = core.alloc(8), sumsP = core.alloc(16);
    core.f64(thrP, 1)[0] = -Infinity;
    let size = 0;
    for (let c = 0; c < chunks; c++) {
      const loss = new Float64Array(chunk);
      for (let q = 0; q < chunk; q++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        loss[q] = x / 2147483648 - 0.5 + (q % 7 === 0 ? 1 : 0);
        all.push(loss[q]);
      }
      core.f64(lossP, chunk).set(loss);
      size = core.x.tailPush(vP, iP, size, cap, k, lossP, chunk, c * chunk, thrP, sumsP);
      const [s] = tailPushTs(ts, k, loss, chunk, c * chunk);
      expect(core.f64(sumsP, 2)[0]).toBe(s);
    }
    core.x.selectTop(vP, iP, size, k);
    selectTopTs(ts.v, ts.ix, ts.size, k);
    const expected = [...all].sort((p, q) => q - p).slice(0, k);
    const gotW = Array.from(core.f64(vP, k)).sort((p, q) => q - p);
    const gotT = Array.from(ts.v.subarray(0, k)).sort((p, q) => q - p);
    expect(gotW).toEqual(expected);
    expect(gotT).toEqual(expected);
    // indices point at the right losses
    const idx = core.f64(iP, k);
    const vals = core.f64(vP, k);
    for (let i = 0; i < k; i++) expect(all[idx[i]]).toBe(vals[i]);
  });

  it('sorts a tail in place like sortTailDesc: values descending, ties by ascending index', () => {
    for (const m of [0, 1, 2, 23, 24, 25, 100, 5000]) {
      let x = 987 + m;
      const v = new Float64Array(m);
      const ix = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        // few distinct values (many ties), a few infinities, indices unique but shuffled
        v[i] = i % 97 === 5 ? -Infinity : Math.floor((x / 2147483648) * 40) / 8;
        ix[i] = (i * 7919) % 100003;
      }
      core.reset();
      const vP = core.alloc(Math.max(1, m) * 8), iP = core.alloc(Math.max(1, m) * 8);
      core.f64(vP, m).set(v);
      core.f64(iP, m).set(ix);
      core.x.sortTail(vP, iP, m);
      const ref = sortTailDesc(v, ix, m);
      expect(Array.from(core.f64(vP, m))).toEqual(Array.from(ref.v));
      expect(Array.from(core.f64(iP, m))).toEqual(Array.from(ref.ix));
    }
  });
});
