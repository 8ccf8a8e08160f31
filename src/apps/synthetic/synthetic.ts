/**
 * Reproducible SYNTHETIC daily crypto closes (BTC, ETH, SOL) for examples, the batch job and tests.
 * The numbers are invented: they look like crypto markets, they are not market data.
 *
 * ## Method
 * Per day t and asset i (log returns, 365 calendar days a year, crypto trades every day):
 * - Innovations: multivariate Student-t with ν = 5, scaled to unit variance:
 *   z_t = L·g_t · sqrt((ν − 2)/W_t), g_t ~ N(0, I), W_t ~ χ²_ν, L = chol(correlation).
 * - GARCH(1,1) variance: h_{t,i} = ω_i + α·e²_{t−1,i} + β·h_{t−1,i}, with ω_i = (1 − α − β)·σ̄²_i so
 *   the long-run daily vol is σ̄_i = annualVol_i / √365; e_{t−1,i} is the previous day's shock
 *   including any jump, so a crash raises the following days' volatility (clustering after crashes).
 * - Jumps: a market-wide crash with probability `crashPerYear / 365` per day, of log size
 *   ln(1 − U(crashMin, crashMax)) on BTC times a per-asset beta (ETH 1.15, SOL 1.45); and a
 *   smaller rally jump with probability `rallyPerYear / 365`.
 * - Level anchor: the log price reverts at speed κ to an anchor path interpolated (in logs) between
 *   yearly waypoints, so every seed stays in realistic ranges (BTC ~ 20k–70k, ETH ~ 1k–4k):
 *   r_{t,i} = κ·(ln A_{t,i} − ln P_{t−1,i}) + (ln A_{t,i} − ln A_{t−1,i}) + √h_{t,i}·z_{t,i} + J_{t,i}.
 * - Randomness: xoshiro128** (32-bit, exact in JS numbers) seeded by splitmix32 from `seed`;
 *   normals by the Marsaglia polar method. Prices are written with 2 decimals.
 *
 * Regenerate the shipped files with `npx tsx src/apps/synthetic/synthetic.ts` (writes data/crypto/).
 *
 * ## References
 * - Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity. J. Econometrics 31(3).
 *   doi:10.1016/0304-4076(86)90063-1
 * - Blackman, D. & Vigna, S. (2021). Scrambled linear pseudorandom number generators. ACM TOMS 47(4).
 *   doi:10.1145/3460772
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Parameters of {@link generateSynthetic}. Every field has a default ({@link DEFAULT_SYNTHETIC}). */
export interface SyntheticParams {
  seed: number;
  /** First date (ISO, UTC). */
  start: string;
  /** Number of daily closes (including the first). */
  days: number;
  symbols: string[];
  /** Long-run annualized volatility per symbol (decimal). */
  annualVol: number[];
  /** Correlation of the innovations, symbols order. */
  correlation: number[][];
  /** Student-t degrees of freedom of the innovations (integer ≥ 3). */
  df: number;
  garchAlpha: number;
  garchBeta: number;
  /** Expected market-wide crashes per year. */
  crashPerYear: number;
  /** BTC crash size range as simple returns (0.12 = −12 %). */
  crashMin: number;
  crashMax: number;
  /** Crash multiplier per symbol (log-size beta). */
  crashBeta: number[];
  rallyPerYear: number;
  rallyMin: number;
  rallyMax: number;
  /** Mean-reversion speed of the log price to the anchor path, per day. */
  anchorSpeed: number;
  /** Anchor levels per symbol at evenly spaced waypoints over the sample (log-interpolated). */
  anchors: number[][];
}

export const DEFAULT_SYNTHETIC: Readonly<SyntheticParams> = Object.freeze({
  seed: 2021,
  start: '2021-01-01',
  days: 1461,
  symbols: ['BTC', 'ETH', 'SOL'],
  annualVol: [0.5, 0.62, 0.85],
  correlation: [
    [1, 0.8, 0.68],
    [0.8, 1, 0.74],
    [0.68, 0.74, 1],
  ],
  df: 5,
  garchAlpha: 0.12,
  garchBeta: 0.85,
  crashPerYear: 1.5,
  crashMin: 0.1,
  crashMax: 0.25,
  crashBeta: [1, 1.15, 1.45],
  rallyPerYear: 1.5,
  rallyMin: 0.06,
  rallyMax: 0.15,
  anchorSpeed: 0.05,
  anchors: [
    [32000, 54000, 23000, 36000, 60000],
    [1100, 3700, 1300, 2100, 3300],
    [20, 160, 18, 90, 185],
  ],
});

/** A generated sample: `prices[t][j]` is the close of `symbols[j]` on `dates[t]` (2 decimals). */
export interface SyntheticSeries {
  dates: string[];
  symbols: string[];
  prices: number[][];
  /** Indexes of the days with a crash jump (for documentation and tests). */
  crashDays: number[];
  params: SyntheticParams;
}

/** splitmix32 → xoshiro128**: a small, exact 32-bit generator (no BigInt, no floating point in the state). */
class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const split = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = split();
    this.s1 = split();
    this.s2 = split();
    this.s3 = split();
  }

  private next32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.next32() >>> 5;
    const lo = this.next32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Marsaglia polar method, second value cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`correlation must be positive definite; pivot ${i} is ${s}`);
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  return l;
}

function isoDay(start: string, offset: number): string {
  const t = Date.parse(`${start}T00:00:00Z`);
  if (!Number.isFinite(t)) throw new RangeError(`start must be an ISO date (YYYY-MM-DD); got ${JSON.stringify(start)}`);
  return new Date(t + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Generates the synthetic daily closes (see the module Method). Same parameters → same numbers.
 * @throws RangeError for inconsistent parameters (sizes, a non-positive-definite correlation).
 * @example generateSynthetic().prices.length // returns 1461
 */
export function generateSynthetic(overrides: Partial<SyntheticParams> = {}): SyntheticSeries {
  const p: SyntheticParams = { ...DEFAULT_SYNTHETIC, ...overrides };
  const n = p.symbols.length;
  for (const [name, v] of [['annualVol', p.annualVol], ['correlation', p.correlation], ['crashBeta', p.crashBeta], ['anchors', p.anchors]] as const) {
    if (v.length !== n) throw new RangeError(`${name} must have one entry per symbol (${n}); got ${v.length}`);
  }
  if (!(Number.isInteger(p.days) && p.days >= 2)) throw new RangeError(`days must be an integer ≥ 2; got ${p.days}`);
  if (!(Number.isInteger(p.df) && p.df >= 3)) throw new RangeError(`df must be an integer ≥ 3; got ${p.df}`);
  if (!(p.garchAlpha >= 0 && p.garchBeta >= 0 && p.garchAlpha + p.garchBeta < 1)) {
    throw new RangeError(`garchAlpha + garchBeta must be < 1; got ${p.garchAlpha + p.garchBeta}`);
  }
  const rng = new Xoshiro128(p.seed);
  const L = cholesky(p.correlation);
  const tScale = Math.sqrt((p.df - 2) / p.df);
  const longRun = p.annualVol.map((v) => (v * v) / 365);
  const omega = longRun.map((v) => (1 - p.garchAlpha - p.garchBeta) * v);

  // Log anchor at day t: piecewise-linear in logs between evenly spaced waypoints.
  const logAnchor = (i: number, t: number): number => {
    const w = p.anchors[i];
    const x = (t / (p.days - 1)) * (w.length - 1);
    const k = Math.min(w.length - 2, Math.floor(x));
    const f = x - k;
    return (1 - f) * Math.log(w[k]) + f * Math.log(w[k + 1]);
  };

  const h = longRun.slice();
  const lastShock = new Array<number>(n).fill(0);
  const logP = p.symbols.map((_, i) => logAnchor(i, 0));
  const dates: string[] = [isoDay(p.start, 0)];
  const prices: number[][] = [logP.map((x) => round2(Math.exp(x)))];
  const crashDays: number[] = [];
  const g = new Array<number>(n);

  for (let t = 1; t < p.days; t++) {
    for (let i = 0; i < n; i++) h[i] = omega[i] + p.garchAlpha * lastShock[i] ** 2 + p.garchBeta * h[i];
    for (let i = 0; i < n; i++) g[i] = rng.normal();
    let chi2 = 0;
    for (let k = 0; k < p.df; k++) chi2 += rng.normal() ** 2;
    const tMix = tScale * Math.sqrt(p.df / chi2);
    // Both jump draws are taken every day so the stream does not depend on the outcome.
    const uCrash = rng.uniform();
    const uCrashSize = rng.uniform();
    const uRally = rng.uniform();
    const uRallySize = rng.uniform();
    const crash = uCrash < p.crashPerYear / 365;
    const rally = !crash && uRally < p.rallyPerYear / 365;
    if (crash) crashDays.push(t);
    const crashLog = Math.log(1 - (p.crashMin + (p.crashMax - p.crashMin) * uCrashSize));
    const rallyLog = Math.log(1 + p.rallyMin + (p.rallyMax - p.rallyMin) * uRallySize);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let k = 0; k <= i; k++) z += L[i][k] * g[k];
      const diffusion = Math.sqrt(h[i]) * z * tMix;
      const jump = crash ? Math.max(Math.log(0.35), p.crashBeta[i] * crashLog) : rally ? p.crashBeta[i] * rallyLog : 0;
      lastShock[i] = diffusion + jump;
      const a1 = logAnchor(i, t);
      const drift = p.anchorSpeed * (logAnchor(i, t - 1) - logP[i]) + (a1 - logAnchor(i, t - 1));
      logP[i] += drift + diffusion + jump;
    }
    dates.push(isoDay(p.start, t));
    prices.push(logP.map((x) => round2(Math.exp(x))));
  }
  return { dates, symbols: p.symbols.slice(), prices, crashDays, params: p };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Wide CSV: `date,BTC,ETH,SOL` one row per day. */
export function toWideCsv(s: SyntheticSeries): string {
  const lines = [['date', ...s.symbols].join(',')];
  s.dates.forEach((d, t) => lines.push([d, ...s.prices[t].map((x) => x.toFixed(2))].join(',')));
  return `${lines.join('\n')}\n`;
}

/**
 * Long CSV, the shape exchange exports use: `date,symbol,close`, grouped by symbol (as many
 * exports are), with `<symbol>USDT` pair names and the last `lastDays` days only.
 */
export function toLongCsv(s: SyntheticSeries, lastDays = s.dates.length): string {
  const lines = ['date,symbol,close'];
  const from = Math.max(0, s.dates.length - lastDays);
  s.symbols.forEach((sym, j) => {
    for (let t = from; t < s.dates.length; t++) lines.push(`${s.dates[t]},${sym}USDT,${s.prices[t][j].toFixed(2)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Days kept in the long-format sample (one year: it is a format sample, the wide file is the data). */
export const LONG_SAMPLE_DAYS = 365;

/** File names written by {@link writeSyntheticData}. */
export const SYNTHETIC_FILES = { wide: 'synthetic-daily.csv', long: 'synthetic-long.csv' } as const;

/**
 * Writes `synthetic-daily.csv` (wide, full sample) and `synthetic-long.csv` (long, last year) to `dir`.
 * @returns the paths written.
 */
export function writeSyntheticData(dir: string, overrides: Partial<SyntheticParams> = {}): { wide: string; long: string } {
  const s = generateSynthetic(overrides);
  mkdirSync(dir, { recursive: true });
  const wide = join(dir, SYNTHETIC_FILES.wide);
  const long = join(dir, SYNTHETIC_FILES.long);
  writeFileSync(wide, toWideCsv(s));
  writeFileSync(long, toLongCsv(s, LONG_SAMPLE_DAYS));
  return { wide, long };
}

// `npx tsx src/apps/synthetic/synthetic.ts [outDir]` regenerates the shipped files.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = writeSyntheticData(process.argv[2] ?? join(process.cwd(), 'data', 'crypto'));
  console.log(`wrote ${out.wide}\nwrote ${out.long}`);
}
