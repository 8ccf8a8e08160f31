/**
 * Pure-TS twin of assembly/mc.ts: the same streams, the same ziggurat, the same operation order,
 * so a chunk's losses match the WASM kernel's (bit for bit but for the last-ulp differences of
 * exp/log on the rare slow paths). 64-bit xoshiro arithmetic is done on 32-bit halves.
 * Used for cross-checks and as the fallback when WASM is unavailable (`wasm: false`).
 */
import { ZIG_R } from './rng.js';

const BS = 8;
const TWO32 = 4294967296;
const TWO_M53 = 1.1102230246251565e-16;

// Output of the last draw (64-bit value as two unsigned halves).
let outHi = 0;
let outLo = 0;

/**
 * Advances xoshiro256** word set `base` (word w at index base + 4w for the lanes, base + w for
 * aux — expressed through `stride`) of the u32-halves state view and leaves the output in
 * outHi/outLo.
 */
function xoshiroNext(st: Uint32Array, lane: number, stride: number): void {
  const i0 = lane * 2;
  const i1 = (lane + stride) * 2;
  const i2 = (lane + 2 * stride) * 2;
  const i3 = (lane + 3 * stride) * 2;
  let s0l = st[i0], s0h = st[i0 + 1];
  let s1l = st[i1], s1h = st[i1 + 1];
  let s2l = st[i2], s2h = st[i2 + 1];
  let s3l = st[i3], s3h = st[i3 + 1];
  // result = rotl(s1 * 5, 7) * 9
  let t = s1l * 5;
  let xl = t >>> 0;
  let xh = (s1h * 5 + Math.floor(t / TWO32)) >>> 0;
  const rl = ((xl << 7) | (xh >>> 25)) >>> 0;
  const rh = ((xh << 7) | (xl >>> 25)) >>> 0;
  t = rl * 9;
  outLo = t >>> 0;
  outHi = (rh * 9 + Math.floor(t / TWO32)) >>> 0;
  // t = s1 << 17
  const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
  const tl = (s1l << 17) >>> 0;
  s2l ^= s0l; s2h ^= s0h;
  s3l ^= s1l; s3h ^= s1h;
  s1l ^= s2l; s1h ^= s2h;
  s0l ^= s3l; s0h ^= s3h;
  s2l ^= tl; s2h ^= th;
  // s3 = rotl(s3, 45) = rotl(swap halves, 13)
  xl = ((s3h << 13) | (s3l >>> 19)) >>> 0;
  xh = ((s3l << 13) | (s3h >>> 19)) >>> 0;
  st[i0] = s0l; st[i0 + 1] = s0h;
  st[i1] = s1l; st[i1 + 1] = s1h;
  st[i2] = s2l; st[i2 + 1] = s2h;
  st[i3] = xl; st[i3 + 1] = xh;
}

function auxNext(st: Uint32Array): void {
  xoshiroNext(st, 16, 1);
}

function unif(st: Uint32Array): number {
  auxNext(st);
  return (outHi * 2097152 + (outLo >>> 11)) * TWO_M53;
}

function unifPos(st: Uint32Array): number {
  auxNext(st);
  return (outHi * 2097152 + (outLo >>> 11) + 1) * TWO_M53;
}

/** Ziggurat slow path for the draw (hi, lo); retries from the aux stream. */
function zigSlow(hi: number, lo: number, tab: Float64Array, st: Uint32Array): number {
  for (;;) {
    const idx = lo & 0xff;
    const neg = (lo >>> 8) & 1;
    const rabs = hi * 1048576 + (lo >>> 12);
    const x = rabs * tab[idx];
    if (rabs < tab[256 + idx]) return neg ? -x : x;
    if (idx === 0) {
      let xx: number;
      let yy: number;
      do {
        xx = -Math.log(unifPos(st)) / ZIG_R;
        yy = -Math.log(unifPos(st));
      } while (yy + yy < xx * xx);
      return neg ? -(ZIG_R + xx) : ZIG_R + xx;
    }
    const f0 = tab[512 + idx];
    const f1 = tab[513 + idx];
    if (f0 + unif(st) * (f1 - f0) < Math.exp(-0.5 * x * x)) return neg ? -x : x;
    auxNext(st);
    hi = outHi;
    lo = outLo;
  }
}

function gammaDraw(a: number, tab: Float64Array, st: Uint32Array): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      auxNext(st);
      x = zigSlow(outHi, outLo, tab, st);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = unif(st);
    const x2 = x * x;
    if (u < 1 - 0.0331 * (x2 * x2)) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** m (multiple of 4) standard normals into z, lanes j % 4, slow paths in index order. */
export function gaussFillTs(z: Float64Array, m: number, tab: Float64Array, st: Uint32Array): void {
  for (let j = 0; j < m; j++) {
    xoshiroNext(st, j & 3, 4);
    const hi = outHi;
    const lo = outLo;
    const idx = lo & 0xff;
    const rabs = hi * 1048576 + (lo >>> 12);
    if (rabs < tab[256 + idx]) {
      const x = rabs * tab[idx];
      z[j] = (lo >>> 8) & 1 ? -x : x;
    } else {
      z[j] = zigSlow(hi, lo, tab, st);
    }
  }
}

/** Scratch for one block, reused across calls of the twin. */
export interface McScratch {
  z: Float64Array;
  scale: Float64Array;
  r0: Float64Array;
  r1: Float64Array;
  pnl: Float64Array;
}

export function mcScratch(n: number): McScratch {
  return {
    z: new Float64Array(n * BS),
    scale: new Float64Array(BS),
    r0: new Float64Array(BS),
    r1: new Float64Array(BS),
    pnl: new Float64Array(BS),
  };
}

/**
 * Twin of `mcLossChunk`: losses of `count` scenarios into out[outOffset..].
 * lp: packed lower Cholesky rows; w: exposures; st: u32 view of the chunk's 20-word state
 * (advanced in place); nu: Student-t degrees of freedom (> 2) or 0 for normal shocks.
 */
export function mcLossChunkTs(
  n: number, lp: Float64Array, w: Float64Array, tab: Float64Array, st: Uint32Array,
  nu: number, out: Float64Array, outOffset: number, count: number, sc: McScratch,
): void {
  const { z, scale, r0, r1, pnl } = sc;
  const m = n * BS;
  const useScale = nu > 0;
  for (let s0 = 0; s0 < count; s0 += BS) {
    gaussFillTs(z, m, tab, st);
    if (useScale) {
      for (let s = 0; s < BS; s++) scale[s] = Math.sqrt((nu - 2) / (2 * gammaDraw(nu * 0.5, tab, st)));
    }
    pnl.fill(0);
    let i = 0;
    let row = 0;
    for (; i + 1 < n; i += 2) {
      const row1 = row + i + 1;
      r0.fill(0);
      r1.fill(0);
      for (let k = 0; k <= i; k++) {
        const l0 = lp[row + k];
        const l1 = lp[row1 + k];
        const zk = k * BS;
        for (let s = 0; s < BS; s++) {
          const zz = z[zk + s];
          r0[s] += l0 * zz;
          r1[s] += l1 * zz;
        }
      }
      const l1 = lp[row1 + i + 1];
      const zk = (i + 1) * BS;
      for (let s = 0; s < BS; s++) r1[s] += l1 * z[zk + s];
      const w0 = w[i];
      const w1 = w[i + 1];
      for (let s = 0; s < BS; s++) pnl[s] += w0 * r0[s] + w1 * r1[s];
      row = row1 + i + 2;
    }
    if (i < n) {
      r0.fill(0);
      for (let k = 0; k <= i; k++) {
        const l0 = lp[row + k];
        const zk = k * BS;
        for (let s = 0; s < BS; s++) r0[s] += l0 * z[zk + s];
      }
      const w0 = w[i];
      for (let s = 0; s < BS; s++) pnl[s] += w0 * r0[s];
    }
    const cnt = Math.min(BS, count - s0);
    for (let s = 0; s < cnt; s++) out[outOffset + s0 + s] = useScale ? -(pnl[s] * scale[s]) : -pnl[s];
  }
}

/**
 * Twin of `mcContribChunk`: per-factor loss contributions of the selected scenario offsets `sel`
 * (ascending) of one chunk, into out[q·n + i], replaying the chunk's streams.
 */
export function mcContribChunkTs(
  n: number, lp: Float64Array, w: Float64Array, tab: Float64Array, st: Uint32Array,
  nu: number, sel: Int32Array, out: Float64Array, sc: McScratch,
): void {
  const { z, scale } = sc;
  const m = n * BS;
  const useScale = nu > 0;
  let q = 0;
  for (let s0 = 0; q < sel.length; s0 += BS) {
    gaussFillTs(z, m, tab, st);
    if (useScale) {
      for (let s = 0; s < BS; s++) scale[s] = Math.sqrt((nu - 2) / (2 * gammaDraw(nu * 0.5, tab, st)));
    }
    while (q < sel.length && sel[q] < s0 + BS) {
      const s = sel[q] - s0;
      const sc1 = useScale ? scale[s] : 1;
      let row = 0;
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let k = 0; k <= i; k++) r += lp[row + k] * z[k * BS + s];
        out[q * n + i] = -(w[i] * r) * sc1;
        row += i + 1;
      }
      q++;
    }
  }
}
