/**
 * Reproducible random streams shared by the WASM kernels and their pure-TS twins.
 *
 * Every chunk of scenarios owns one stream: 4 interleaved xoshiro256** lanes (the SIMD lanes of
 * the WASM kernel) plus one scalar "aux" lane for the rare slow paths. The 20 state words are
 * derived from (seed, chunk index) by splitmix64, so a chunk's numbers never depend on which
 * worker runs it or in which order.
 *
 * ## References
 * - Blackman, D. & Vigna, S. (2021). Scrambled linear pseudorandom number generators.
 *   ACM TOMS 47(4). doi:10.1145/3460772 (xoshiro256**, splitmix64)
 * - Marsaglia, G. & Tsang, W. W. (2000). The ziggurat method for generating random variables.
 *   J. Stat. Softw. 5(8). doi:10.18637/jss.v005.i08 ; Doornik, J. A. (2005), An improved ziggurat
 *   method to generate normal random samples.
 */
import { erfc } from '../../stats/index.js';

const M64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/** Words of RNG state per chunk: 4 lanes × 4 words + 4 aux words. */
export const STATE_WORDS = 20;
/**
 * Number of f64 in the ziggurat table block: zw[256], zk[256], zf[257], one pad, then 512 signed
 * pairs [770 + 2e, 771 + 2e] = (±zw_i, zk_i) for e = sign·256 + i (i = draw bits 0..7, sign = bit
 * 8), so the SIMD fast path gets the signed scale and the bound of a draw with one v128 load.
 */
export const ZIG_TABLE_LEN = 770 + 1024;
/** Right edge of the 256-layer normal ziggurat. */
export const ZIG_R = 3.6541528853610088;

function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/**
 * Writes the initial state of chunk `chunk` for `seed` into `out` (20 u64 words, layout
 * `[s0 lanes 0..3][s1 lanes][s2 lanes][s3 lanes][aux s0..s3]`).
 */
export function chunkState(seed: number, chunk: number, out: BigUint64Array = new BigUint64Array(STATE_WORDS)): BigUint64Array {
  let sm = mix64((BigInt(seed) * GOLDEN) & M64) ^ mix64((BigInt(chunk) + 0xd1b54a32d192ed03n) & M64);
  const next = (): bigint => {
    sm = (sm + GOLDEN) & M64;
    return mix64(sm);
  };
  for (let lane = 0; lane < 4; lane++) for (let w = 0; w < 4; w++) out[w * 4 + lane] = next();
  for (let w = 0; w < 4; w++) out[16 + w] = next();
  return out;
}

let cachedTables: Float64Array | undefined;

/**
 * Ziggurat tables (computed once in JS and copied into WASM memory, so both paths use the same
 * bits): zw[i] = x_i / 2^52, zk[i] = floor(2^52 x_{i+1} / x_i), zf[i] = exp(-x_i^2 / 2).
 */
export function zigguratTables(): Float64Array {
  if (cachedTables) return cachedTables;
  const N = 256;
  const x = new Float64Array(N + 1);
  const fr = Math.exp(-0.5 * ZIG_R * ZIG_R);
  const v = ZIG_R * fr + Math.sqrt(Math.PI / 2) * erfc(ZIG_R / Math.SQRT2);
  x[0] = v / fr;
  x[1] = ZIG_R;
  for (let i = 1; i < N - 1; i++) x[i + 1] = Math.sqrt(-2 * Math.log(Math.exp(-0.5 * x[i] * x[i]) + v / x[i]));
  x[N] = 0;
  const t = new Float64Array(ZIG_TABLE_LEN);
  for (let i = 0; i < N; i++) {
    t[256 + i] = Math.trunc((x[i + 1] / x[i]) * 2 ** 52);
    t[i] = x[i] * 2 ** -52;
    t[512 + i] = Math.exp(-0.5 * x[i] * x[i]);
  }
  t[512 + N] = 1;
  for (let e = 0; e < 2 * N; e++) {
    const i = e & 0xff;
    t[770 + 2 * e] = e >= N ? -t[i] : t[i];
    t[771 + 2 * e] = t[256 + i];
  }
  cachedTables = t;
  return t;
}
