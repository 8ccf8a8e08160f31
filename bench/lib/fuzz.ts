/**
 * Request generators and response checks of the service fuzz (bench/fuzz-service.ts) and its
 * seeded sample in `npm test` (test/apps/service/fuzz.test.ts). Every case starts from a valid,
 * small request of one endpoint (each operation's request kinds: VaR methods, margin models,
 * stress and backtest types, optimisation problems) and applies zero or more mutations: extreme
 * magnitudes, wrong types, unknown keys, deleted keys, deep nesting, huge arrays within the body
 * limit, or a wholly random JSON body. The properties checked on each answer: the status is 2xx or
 * a typed 4xx (never 5xx), and a 2xx body holds only finite numbers.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One generated request. */
export interface FuzzCase {
  endpoint: string;
  url: string;
  payload: string;
  /** The mutations applied, for the report (`extreme+unknown-key`). */
  mutation: string;
}

// ---- valid bases -------------------------------------------------------------------------------

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const returns = (t: number, n: number): number[][] => range(t).map((i) => range(n).map((j) => 0.01 * Math.sin(1.3 * i + 0.7 * j) + 0.002 * Math.cos(0.37 * i * (j + 1))));
const cov: number[][] = [[4e-4, 1e-4, 0], [1e-4, 9e-4, -2e-4], [0, -2e-4, 1e-4]];
const exposures = [1e6, -4e5, 2.5e5];
const account = {
  mode: 'cross', walletBalance: 20_000, collateralCurrency: 'USDT',
  positions: [
    { symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 60_000, leverage: 10 },
    { symbol: 'ETHUSDT', contract: 'linear', qty: -10, entryPrice: 3_000, leverage: 5 },
  ],
};
const marks = { BTCUSDT: 61_000, ETHUSDT: 2_950 };
const book: Json[] = [
  { kind: 'linear-perp', underlying: 'BTC', quantity: 2 },
  { kind: 'option', underlying: 'BTC', quantity: -1, optionType: 'call', style: 'linear', strike: 65_000, expiry: 0.1, vol: 0.6 },
];
const historyDates = range(80).map((t) => `d${t}`);
const history = { dates: historyDates, symbols: ['BTC'], prices: historyDates.map((_, t) => [60_000 * Math.exp(0.02 * Math.sin(t * 1.7) + 0.001 * t)]) };
const series = range(300).map((t) => 1000 * Math.sin(0.9 * t) + 300 * Math.cos(2.1 * t));
const hist = returns(150, 3);

const varOpts = { scenarios: 2000, seed: 7, confidence: [0.95, 0.99] };

/** Valid requests of every operation and request kind, small enough to answer in milliseconds. */
export const BASES: Readonly<Record<string, readonly Json[]>> = {
  var: [
    { portfolio: { exposures }, market: { covariance: cov }, options: { method: 'mc-normal', ...varOpts } },
    { portfolio: { exposures }, market: { covariance: cov }, options: { method: 'mc-t', df: 5, ...varOpts } },
    { portfolio: { exposures }, market: { vols: [0.02, 0.03, 0.01], correlation: [[1, 0.2, 0], [0.2, 1, -0.1], [0, -0.1, 1]] }, options: { method: 'parametric', confidence: 0.99, attribution: true } },
    { portfolio: { exposures }, market: { returns: hist }, options: { method: 'historical', confidence: 0.99, horizonDays: 2 } },
    { portfolio: { exposures }, market: { returns: hist }, options: { method: 'fhs', confidence: 0.975 } },
    { portfolio: { exposures }, market: { returns: hist }, options: { method: 'cornish-fisher', confidence: 0.99 } },
    { portfolio: { exposures }, market: { returns: hist }, options: { method: 'stressed', confidence: 0.95, stressWindowDays: 40 } },
    { portfolio: { exposures: [1] }, market: { pnl: series }, options: { method: 'historical', confidence: 0.99 } },
  ],
  margin: [
    { portfolio: account, market: { marks }, options: { model: 'tiered' } },
    { portfolio: { positions: book }, market: { prices: { BTC: 60_000 } }, options: { model: 'scenario-grid', config: { priceRange: 0.2, volShock: { up: 0.3 } } } },
    { portfolio: { positions: book }, market: { prices: { BTC: history.prices.at(-1)![0] }, history }, options: { model: 'var-es', config: { mporDays: 2 } } },
  ],
  liquidation: [
    { portfolio: account, market: { marks }, options: { dailyVol: 0.03 } },
  ],
  stress: [
    { type: 'hypothetical', exposures, scenarios: [{ name: 'crash', shocks: [-0.2, -0.3, 0.1] }, { name: 'rally', shocks: [0.1, 0.2, -0.05] }] },
    { type: 'reverse-worst', exposures, covariance: cov, threshold: 50_000 },
    { type: 'reverse-uniform', exposures, threshold: 50_000 },
    { type: 'default-fund', members: [{ id: 'a', stressLoss: 100, initialMargin: 40 }, { id: 'b', stressLoss: 70, initialMargin: 20, collateral: 5 }], cover: 2 },
    { type: 'waterfall', members: [{ id: 'a', initialMargin: 40, fundContribution: 10 }, { id: 'b', initialMargin: 30, fundContribution: 20 }, { id: 'c', initialMargin: 20, fundContribution: 15 }], defaulters: [{ id: 'a', loss: 90 }], skinInTheGame: 5 },
    { type: 'book', positions: book, market: { prices: { BTC: 60_000 } }, options: { margin: 5_000, shocks: [{ name: 'down', move: -0.3, volShift: 0.2 }] } },
  ],
  backtest: [
    { type: 'forecasts', losses: series.slice(0, 100), forecasts: series.slice(0, 100).map(() => 1200), confidence: 0.99 },
    { type: 'rolling', series, forecaster: 'historical', window: 100, confidence: 0.99 },
    { type: 'rolling', series, forecaster: 'ewma', lambda: 0.94, window: 50, confidence: 0.99 },
    { type: 'recalibrate', series, window: 100, confidence: 0.99, candidates: { multipliers: [1, 1.5], lambdas: [0.94] } },
  ],
  optimize: [
    { problem: { kind: 'cvar', confidence: 0.9, basePnl: range(20).map((s) => 100 * Math.sin(s)), hedgePnl: range(20).map((s) => -50 * Math.sin(s)), instruments: [{ id: 'h', lower: -5, upper: 5 }] } },
    { problem: { kind: 'collateral', assets: [{ id: 'USDC', available: 1000, haircut: 0, costRate: 0.01 }, { id: 'BTC', available: 10, haircut: 0.2, costRate: 0.02 }], venues: [{ id: 'V', requirement: 100 }] } },
    { problem: { kind: 'deleverage', positions: [{ id: 'a', quantity: 10, marginPerUnit: 100 }, { id: 'b', quantity: -5, marginPerUnit: 200 }], equity: 1000, buffer: 0.1 } },
    { problem: { kind: 'kelly', returns: [0.1, -0.05, 0.2, -0.1, 0.05], kellyFraction: 0.5, maxFraction: 3 } },
    { problem: { kind: 'grid-hedge', positions: book, hedges: [{ position: { kind: 'linear-perp', underlying: 'BTC', quantity: 1 }, lower: -5, upper: 5 }], market: { prices: { BTC: 60_000 } } } },
  ],
  covariance: [
    { returns: returns(40, 3), options: { method: 'sample' } },
    { returns: returns(40, 3), options: { method: 'ewma', lambda: 0.94 } },
    { returns: returns(40, 3), options: { method: 'ledoit-wolf', target: 'constant-correlation' } },
  ],
  // last, so the seeded samples of the endpoints above stay as they were
  whatif: [
    { portfolio: account, order: { symbol: 'BTCUSDT', side: 'buy', qty: 0.5 }, market: { marks }, options: { models: ['tiered', 'scenario-grid'], dailyVol: 0.03, targetBuffer: { percent: 20 } } },
    {
      portfolio: account, order: { symbol: 'ETHUSDT', side: 'buy', qty: 15, price: 2_900 },
      market: { marks, venue: 'bybit', tiers: { retCode: 0, retMsg: 'OK', result: { category: 'linear', list: [
        { id: 1, symbol: 'BTCUSDT', riskLimitValue: '2000000', maintenanceMargin: '0.005', initialMargin: '0.01', isLowestRisk: 1, maxLeverage: '100.00', mmDeduction: '' },
        { id: 2, symbol: 'ETHUSDT', riskLimitValue: '1000000', maintenanceMargin: '0.005', initialMargin: '0.01', isLowestRisk: 1, maxLeverage: '100.00', mmDeduction: '' },
      ] } } },
      options: { dailyVol: { BTCUSDT: 0.03, ETHUSDT: 0.04 } },
    },
  ],
};

/** Endpoints fuzzed: every operation, and batches of every operation. */
export const ENDPOINTS: readonly string[] = [...Object.keys(BASES), 'batches'];

// ---- mutations ---------------------------------------------------------------------------------

type Path = (string | number)[];

/** Paths of every node of `v` (arrays longer than 8 contribute their first 4 entries, to keep this cheap). */
function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length > 40) return out; // a deep-nesting mutation already applied: do not walk it
  if (Array.isArray(v)) v.slice(0, v.length > 8 ? 4 : v.length).forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function get(v: Json, p: Path): Json {
  let cur: Json = v;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k];
  return cur;
}

/** A copy of `v` with the node at `p` replaced (or deleted, with `undefined`). */
function set(v: Json, p: Path, x: Json | undefined): Json {
  if (p.length === 0) return x ?? null;
  const root = structuredClone(v);
  const parent = get(root, p.slice(0, -1)) as Record<string | number, Json>;
  const last = p[p.length - 1];
  if (x === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = x;
  return root;
}

/** Finite numbers far outside (or at the edge of) every input limit, and the smallest ones. */
const EXTREMES = [1e308, -1e308, 1.7976931348623157e308, 1e300, 1e16, -1e16, 1e15, -1e15, 1e12, 5e-324, -5e-324, 0, -0, 1e-300, 2 ** 53, 11, -11, 1e4 + 1, -1];
const WRONG: Json[] = [null, 'NaN', 'Infinity', '-Infinity', '1e6', '', 'abc', true, false, {}, [], [null], ['NaN'], { x: 1 }, [[]], -1, 0.5, 3];

type Mutation =
  | { kind: 'extreme'; pick: number; value: number }
  | { kind: 'scale'; pick: number; factor: number }
  | { kind: 'wrong-type'; pick: number; value: Json }
  | { kind: 'unknown-key'; pick: number; key: string }
  | { kind: 'delete'; pick: number }
  | { kind: 'deep'; pick: number; depth: number; asObject: boolean }
  | { kind: 'huge'; pick: number; length: number; value: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('extreme' as const), pick: fc.nat(), value: fc.oneof(fc.constantFrom(...EXTREMES), fc.double({ noNaN: true, noDefaultInfinity: true })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scale' as const), pick: fc.nat(), factor: fc.constantFrom(1e3, 1e6, 1e9, 1e12, -1, 1e-6) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wrong-type' as const), pick: fc.nat(), value: fc.oneof(fc.constantFrom(...WRONG), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('unknown-key' as const), pick: fc.nat(), key: fc.oneof(fc.constantFrom('extra', 'confidnce', 'priceMoves', 'volMoves', '__proto__', 'constructor', 'toString', 'upperBound', ''), fc.string({ maxLength: 12 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), pick: fc.nat(), depth: fc.integer({ min: 20, max: 2000 }), asObject: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), pick: fc.nat(), length: fc.integer({ min: 1000, max: 60_000 }), value: fc.constantFrom(0.01, 1, 1e6, 1e15, -1e15, 10, 1e12) }) },
);

function nest(depth: number, asObject: boolean): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

function scaleAll(v: Json, f: number): Json {
  if (typeof v === 'number') return v * f;
  if (Array.isArray(v)) return v.map((x) => scaleAll(x, f));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scaleAll(x, f)]));
  return v;
}

function apply(v: Json, m: Mutation): Json {
  const all = paths(v);
  const pickFrom = (ps: Path[]): Path | undefined => (ps.length === 0 ? undefined : ps[m.pick % ps.length]);
  switch (m.kind) {
    case 'extreme': {
      const p = pickFrom(all.filter((q) => typeof get(v, q) === 'number'));
      return p ? set(v, p, m.value) : v;
    }
    case 'scale': {
      const p = pickFrom(all.filter((q) => q.length > 0));
      return p ? set(v, p, scaleAll(get(v, p), m.factor)) : v;
    }
    case 'wrong-type': {
      const p = pickFrom(all.filter((q) => q.length > 0));
      return p ? set(v, p, m.value) : v;
    }
    case 'unknown-key': {
      const p = pickFrom(all.filter((q) => { const x = get(v, q); return x !== null && typeof x === 'object' && !Array.isArray(x); }));
      if (!p) return v;
      const obj = get(v, p) as Record<string, Json>;
      // a key the object does not have (a misspelling of one it has, or a random one)
      const key = Object.hasOwn(obj, m.key) ? `${m.key}_` : m.key;
      const copy = structuredClone(v);
      // defineProperty: `__proto__` must become an own key, as JSON.parse makes it on the server
      Object.defineProperty(get(copy, p) as object, key, { value: 1, enumerable: true, writable: true, configurable: true });
      return copy;
    }
    case 'delete': {
      const p = pickFrom(all.filter((q) => q.length > 0));
      return p ? set(v, p, undefined) : v;
    }
    case 'deep': {
      const p = pickFrom(all.filter((q) => q.length > 0));
      return p ? set(v, p, nest(m.depth, m.asObject)) : v;
    }
    case 'huge': {
      const p = pickFrom(all.filter((q) => Array.isArray(get(v, q))));
      if (!p) return v;
      const a = get(v, p) as Json[];
      const first = a[0];
      const filler: Json = Array.isArray(first) ? first.map(() => m.value) : typeof first === 'number' ? m.value : first ?? m.value;
      // at most ~4 MB of JSON: past the service's body limit sometimes (a 413), never hundreds of MB
      const text = JSON.stringify(filler) ?? 'null';
      const length = Math.min(m.length, Math.floor(4e6 / (text.length + 1)));
      // independent copies (parsed from text): a later mutation of entry 0 must not change them all
      return set(v, p, JSON.parse(`[${Array<string>(length).fill(text).join(',')}]`) as Json[]);
    }
  }
}

/** Cases of one endpoint: a base request and 0–3 mutations, or (rarely) a random JSON body. */
export function caseArb(endpoint: string): fc.Arbitrary<FuzzCase> {
  const isBatch = endpoint === 'batches';
  const ops = Object.keys(BASES);
  const base = isBatch
    ? fc.constantFrom(...ops).chain((op) => fc.constantFrom(...BASES[op]).map((b): [string, Json] => [op, { operation: op, request: b }]))
    : fc.constantFrom(...BASES[endpoint]).map((b): [string, Json] => [endpoint, b]);
  const mutated = fc.tuple(base, fc.array(mutationArb, { minLength: 0, maxLength: 3 })).map(([[, b], ms]) => {
    // batches: mutate the request mostly, the envelope sometimes
    let body = b;
    // deep nesting last, so no later mutation has to walk it
    const deep = ms.find((m) => m.kind === 'deep');
    for (const m of [...ms.filter((m) => m.kind !== 'deep'), ...(deep ? [deep] : [])]) body = apply(body, m);
    return { body, mutation: ms.length === 0 ? 'valid' : ms.map((m) => m.kind).join('+') };
  });
  const random = (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((body) => ({ body, mutation: 'random-json' }));
  return fc.oneof({ weight: 19, arbitrary: mutated }, { weight: 1, arbitrary: random }).map(({ body, mutation }) => ({
    endpoint, url: `/v1/${endpoint}`, payload: JSON.stringify(body) ?? 'null', mutation,
  }));
}

// ---- checks ------------------------------------------------------------------------------------

/** The first non-finite number in a parsed body (JSON.parse reads 1e400 as Infinity), or undefined. */
export function nonFiniteIn(v: unknown, at = ''): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : at;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = nonFiniteIn(v[i], `${at}[${i}]`);
      if (r !== undefined) return r;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFiniteIn(x, at === '' ? k : `${at}.${k}`);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Paths of the nulls in a body, indices folded (`scenarios[].es`), to audit them in the report. */
export function nullPaths(v: unknown, at = '', out = new Set<string>()): Set<string> {
  if (v === null) out.add(at);
  else if (Array.isArray(v)) for (const x of v) nullPaths(x, `${at}[]`, out);
  else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) nullPaths(x, at === '' ? k : `${at}.${k}`, out);
  return out;
}

/** A property violation of one answer, or undefined when it holds. */
export function violation(status: number, text: string): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status}: body is not JSON: ${text.slice(0, 200)}`;
  }
  if (status >= 200 && status < 300) {
    const bad = nonFiniteIn(body);
    return bad === undefined ? undefined : `status ${status}: non-finite number at ${bad}`;
  }
  if (status >= 400 && status < 500) {
    const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof e?.code !== 'string' || typeof e.message !== 'string') return `status ${status}: untyped error body ${text.slice(0, 200)}`;
    return undefined;
  }
  return `unexpected status ${status}`;
}
