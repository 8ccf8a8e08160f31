/**
 * Price paths for the venue simulator: a replayed feed (CSV of timestamp, symbol, mark), Monte
 * Carlo paths with fat tails and jumps, and historical episodes replayed at a scale.
 *
 * ## Monte Carlo (per tick of dt days, symbol i)
 *   r_i = μ_i·dt − ½σ_i²·dt + σ_i·√dt · (ρ·Z_0 + √(1 − ρ²)·Z_i) + J_i,
 *   Z ~ Student-t(ν) scaled to unit variance (√((ν − 2)/ν)·t), one common factor Z_0 with loading ρ;
 *   J_i = N·(μ_J + σ_J·ε) with N ~ Bernoulli(λ·dt) shared by all symbols (market-wide jumps, a
 *   Merton-style compound jump with at most one jump per tick).
 * Each path draws from its own stream (xoshiro128** seeded by splitmix32 of (seed, path index)),
 * so a path's numbers never depend on which worker runs it or how the paths are split.
 *
 * ## Historical episodes
 * Path k replays `length` consecutive rows of a log-return history starting at a row drawn from
 * path k's stream (block bootstrap), each return multiplied by `scale` (e.g. 2 = a crash twice as
 * deep as the worst seen). `starts` fixes the start rows instead.
 *
 * ## References
 * - Merton, R. C. (1976), Option pricing when underlying stock returns are discontinuous, J. Fin.
 *   Econ. 3 (compound jumps). Blackman & Vigna (2021), xoshiro128**.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { PricePath } from './types.js';

/** xoshiro128** stream of path `index` under `seed`. */
export class PathRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  constructor(seed: number, index: number) {
    let x = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(index + 0x632be5ab, 0x85ebca6b)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }
  /** Uniform u32. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
  /** Uniform in (0, 1) with 53 bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }
  /** Standard normal (polar method). */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }
  /** Student-t(ν) scaled to unit variance (ν integer ≥ 3): Z / √(χ²_ν / ν) · √((ν − 2)/ν). */
  studentT(nu: number): number {
    if (!Number.isFinite(nu)) return this.normal();
    let chi = 0;
    for (let k = 0; k < nu; k++) {
      const z = this.normal();
      chi += z * z;
    }
    return (this.normal() / Math.sqrt(chi / nu)) * Math.sqrt((nu - 2) / nu);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Monte Carlo path specification. */
export interface MonteCarloSpec {
  kind: 'monte-carlo';
  symbols: string[];
  /** Start marks, one per symbol. */
  start: number[];
  ticks: number;
  /** Tick length in days (default 1/1440: one minute). */
  dtDays?: number;
  /** Annualised volatility per symbol (365-day year). */
  vol: number[];
  /** Annualised drift per symbol (default 0). */
  drift?: number[];
  /** Loading on the common factor (default 0.8). */
  rho?: number;
  /** Student-t degrees of freedom (integer 3..60, or Infinity for normal; default 4). */
  df?: number;
  /** Market-wide jumps: intensity per day, mean and sd of the log jump (default none). */
  jumps?: { intensity: number; mean: number; sd: number };
  seed?: number;
}

/** Historical episodes replayed at scale. */
export interface HistoricalSpec {
  kind: 'historical';
  symbols: string[];
  start: number[];
  /** Log returns, rows × symbols (one row per tick). */
  returns: number[][];
  /** Rows per path. */
  length: number;
  /** Multiplier on every return (default 1). */
  scale?: number;
  /** Start rows per path (cycled); default: drawn from each path's stream. */
  starts?: number[];
  seed?: number;
}

export type ScenarioSpec = MonteCarloSpec | HistoricalSpec;

const fin = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validates a scenario spec (field names in errors). */
export function validateScenario(spec: unknown, field = 'scenario'): ScenarioSpec {
  const s = spec as Partial<Omit<MonteCarloSpec, 'kind'> & Omit<HistoricalSpec, 'kind'>> & { kind?: unknown };
  if (!s || typeof s !== 'object') throw new ValidationError(field, 'type', `must be a scenario spec object; got ${describeValue(spec)}`, spec);
  if (s.kind !== 'monte-carlo' && s.kind !== 'historical') throw new ValidationError(`${field}.kind`, 'enum', `must be 'monte-carlo' or 'historical'; got ${describeValue(s.kind)}`, s.kind);
  if (!Array.isArray(s.symbols) || s.symbols.length === 0 || s.symbols.some((x) => typeof x !== 'string')) throw new ValidationError(`${field}.symbols`, 'type', `must be a non-empty array of symbols; got ${describeValue(s.symbols)}`, s.symbols);
  const n = s.symbols.length;
  const vec = (name: string, v: unknown, ok: (x: number) => boolean, rule: string): void => {
    if (!Array.isArray(v) || v.length !== n) throw new ValidationError(`${field}.${name}`, 'length', `must be an array of ${n} numbers (one per symbol); got ${describeValue(v)}`, v);
    v.forEach((x, i) => {
      if (!fin(x) || !ok(x)) throw new ValidationError(`${field}.${name}[${i}]`, 'range', `${rule}; got ${describeValue(x)}`, x);
    });
  };
  vec('start', s.start, (x) => x > 0 && x < 1e15, 'must be a positive finite price');
  if (s.seed !== undefined && !(Number.isInteger(s.seed) && s.seed >= 0 && s.seed < 2 ** 32)) throw new ValidationError(`${field}.seed`, 'range', `must be an integer in [0, 2^32); got ${describeValue(s.seed)}`, s.seed);
  if (s.kind === 'monte-carlo') {
    if (!(Number.isInteger(s.ticks) && s.ticks! >= 1 && s.ticks! <= 1_000_000)) throw new ValidationError(`${field}.ticks`, 'range', `must be an integer in [1, 1e6]; got ${describeValue(s.ticks)}`, s.ticks);
    vec('vol', s.vol, (x) => x >= 0 && x <= 20, 'must be an annualised volatility in [0, 20]');
    if (s.drift !== undefined) vec('drift', s.drift, (x) => Math.abs(x) <= 1e4, 'must be an annualised drift in [−1e4, 1e4]');
    if (s.dtDays !== undefined && !(fin(s.dtDays) && s.dtDays > 0 && s.dtDays <= 365)) throw new ValidationError(`${field}.dtDays`, 'range', `must be in (0, 365]; got ${describeValue(s.dtDays)}`, s.dtDays);
    if (s.rho !== undefined && !(fin(s.rho) && s.rho >= 0 && s.rho <= 1)) throw new ValidationError(`${field}.rho`, 'range', `must be in [0, 1]; got ${describeValue(s.rho)}`, s.rho);
    if (s.df !== undefined && !(s.df === Infinity || (Number.isInteger(s.df) && s.df >= 3 && s.df <= 60))) throw new ValidationError(`${field}.df`, 'range', `must be an integer in [3, 60] or Infinity; got ${describeValue(s.df)}`, s.df);
    if (s.jumps !== undefined) {
      const j = s.jumps;
      if (!j || !fin(j.intensity) || j.intensity < 0 || j.intensity > 1e4) throw new ValidationError(`${field}.jumps.intensity`, 'range', `must be a rate per day in [0, 1e4]; got ${describeValue(j?.intensity)}`, j?.intensity);
      if (!fin(j.mean) || Math.abs(j.mean) > 5) throw new ValidationError(`${field}.jumps.mean`, 'range', `must be a log jump in [−5, 5]; got ${describeValue(j.mean)}`, j.mean);
      if (!fin(j.sd) || j.sd < 0 || j.sd > 5) throw new ValidationError(`${field}.jumps.sd`, 'range', `must be in [0, 5]; got ${describeValue(j.sd)}`, j.sd);
    }
  } else {
    if (!Array.isArray(s.returns) || s.returns.length === 0) throw new ValidationError(`${field}.returns`, 'type', `must be a non-empty rows × symbols array; got ${describeValue(s.returns)}`, s.returns);
    s.returns.forEach((row, t) => {
      if (!Array.isArray(row) || row.length !== n) throw new ValidationError(`${field}.returns[${t}]`, 'length', `must have ${n} returns; got ${describeValue(row)}`, row);
      row.forEach((x, i) => {
        if (!fin(x) || Math.abs(x) > 5) throw new ValidationError(`${field}.returns[${t}][${i}]`, 'range', `must be a finite log return in [−5, 5]; got ${describeValue(x)}`, x);
      });
    });
    if (!(Number.isInteger(s.length) && s.length! >= 1 && s.length! <= s.returns.length)) throw new ValidationError(`${field}.length`, 'range', `must be an integer in [1, ${s.returns.length}] (rows of returns); got ${describeValue(s.length)}`, s.length);
    if (s.scale !== undefined && !(fin(s.scale) && s.scale >= 0 && s.scale <= 20)) throw new ValidationError(`${field}.scale`, 'range', `must be in [0, 20]; got ${describeValue(s.scale)}`, s.scale);
    if (s.starts !== undefined) {
      if (!Array.isArray(s.starts) || s.starts.length === 0) throw new ValidationError(`${field}.starts`, 'type', `must be a non-empty array of row indices; got ${describeValue(s.starts)}`, s.starts);
      s.starts.forEach((x, i) => {
        if (!(Number.isInteger(x) && x >= 0 && x + s.length! <= s.returns!.length)) throw new ValidationError(`${field}.starts[${i}]`, 'range', `must be a row index with start + length ≤ ${s.returns!.length}; got ${describeValue(x)}`, x);
      });
    }
  }
  return s as unknown as ScenarioSpec;
}

/** Ticks of each path of a spec. */
export function scenarioTicks(spec: ScenarioSpec): number {
  return (spec.kind === 'monte-carlo' ? spec.ticks : spec.length) + 1;
}

/** Path `index` of a (validated) scenario spec: tick 0 is the start marks. */
export function scenarioPath(spec: ScenarioSpec, index: number): PricePath {
  const n = spec.symbols.length;
  const T = scenarioTicks(spec);
  const marks = new Float64Array(T * n);
  const logp = spec.start.map(Math.log);
  for (let i = 0; i < n; i++) marks[i] = spec.start[i]!;
  const rng = new PathRng(spec.seed ?? 1, index);
  if (spec.kind === 'monte-carlo') {
    const dt = spec.dtDays ?? 1 / 1440;
    const rho = spec.rho ?? 0.8;
    const nu = spec.df ?? 4;
    const idio = Math.sqrt(1 - rho * rho);
    const sig = spec.vol.map((v) => v * Math.sqrt(dt / 365));
    const mu = spec.vol.map((v, i) => ((spec.drift?.[i] ?? 0) - 0.5 * v * v) * (dt / 365));
    const pJump = spec.jumps ? Math.min(1, spec.jumps.intensity * dt) : 0;
    for (let t = 1; t < T; t++) {
      const z0 = rng.studentT(nu);
      const jump = pJump > 0 && rng.uniform() < pJump ? spec.jumps!.mean + spec.jumps!.sd * rng.normal() : 0;
      for (let i = 0; i < n; i++) {
        logp[i]! += mu[i]! + sig[i]! * (rho * z0 + idio * rng.studentT(nu)) + jump;
        marks[t * n + i] = Math.exp(logp[i]!);
      }
    }
  } else {
    const scale = spec.scale ?? 1;
    const rows = spec.returns.length;
    const start = spec.starts ? spec.starts[index % spec.starts.length]! : Math.floor(rng.uniform() * (rows - spec.length + 1));
    for (let t = 1; t < T; t++) {
      const row = spec.returns[start + t - 1]!;
      for (let i = 0; i < n; i++) {
        logp[i]! += scale * row[i]!;
        marks[t * n + i] = Math.exp(logp[i]!);
      }
    }
  }
  return { symbols: spec.symbols, times: Float64Array.from({ length: T }, (_, t) => t), marks };
}

/**
 * Parses a replayed feed: CSV with a header `timestamp,symbol,mark` (any column order); timestamps
 * as numbers (ms) or ISO-8601 strings, non-decreasing. Rows with the same timestamp form one tick.
 *
 * @throws {ValidationError} naming the row and column, e.g. `feed[12].mark: must be a positive price; got -3`
 */
export function parseFeedCsv(text: string, field = 'feed'): PricePath {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new ValidationError(field, 'empty', 'must have a header (timestamp,symbol,mark) and at least one row', lines.length);
  const head = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string): number => {
    const i = head.indexOf(name);
    if (i < 0) throw new ValidationError(`${field}.header`, 'missing', `must have a "${name}" column; got ${describeValue(lines[0])}`, lines[0]);
    return i;
  };
  const ct = col('timestamp');
  const cs = col('symbol');
  const cm = col('mark');
  const symbols: string[] = [];
  const symIdx = new Map<string, number>();
  const rows: { t: number; s: number; m: number }[] = [];
  let last = -Infinity;
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',').map((c) => c.trim());
    const at = (f: string) => `${field}[${r}].${f}`;
    const ts = cells[ct] ?? '';
    const t = /^-?\d+(\.\d+)?$/.test(ts) ? Number(ts) : Date.parse(ts);
    if (!Number.isFinite(t)) throw new ValidationError(at('timestamp'), 'format', `must be a number (ms) or an ISO-8601 time; got ${describeValue(ts)}`, ts);
    if (t < last) throw new ValidationError(at('timestamp'), 'order', `must not go back in time (previous ${last}); got ${describeValue(ts)}`, ts);
    last = t;
    const sym = cells[cs] ?? '';
    if (sym === '') throw new ValidationError(at('symbol'), 'required', 'must be a non-empty symbol', sym);
    const m = Number(cells[cm]);
    if (!(m > 0 && m < 1e15)) throw new ValidationError(at('mark'), 'range', `must be a positive price; got ${describeValue(cells[cm])}`, cells[cm]);
    let s = symIdx.get(sym);
    if (s === undefined) {
      s = symbols.length;
      symbols.push(sym);
      symIdx.set(sym, s);
    }
    rows.push({ t, s, m });
  }
  const times: number[] = [];
  for (const r of rows) if (times.length === 0 || times[times.length - 1] !== r.t) times.push(r.t);
  const n = symbols.length;
  const marks = new Float64Array(times.length * n).fill(NaN);
  let k = -1;
  let prev = NaN;
  for (const r of rows) {
    if (r.t !== prev) {
      k++;
      prev = r.t;
    }
    marks[k * n + r.s] = r.m;
  }
  return { symbols, times: Float64Array.from(times), marks };
}

/** Writes a path as feed CSV (timestamp,symbol,mark; one row per update). */
export function formatFeedCsv(path: PricePath): string {
  const n = path.symbols.length;
  const out = ['timestamp,symbol,mark'];
  for (let t = 0; t < path.times.length; t++) {
    for (let i = 0; i < n; i++) {
      const m = path.marks[t * n + i]!;
      if (m === m) out.push(`${path.times[t]},${path.symbols[i]},${m}`);
    }
  }
  return out.join('\n') + '\n';
}
