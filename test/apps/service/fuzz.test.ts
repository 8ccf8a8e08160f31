/**
 * A seeded sample of the service fuzz (bench/fuzz-service.ts runs ≥ 2,000 cases per endpoint over
 * real HTTP): 120 cases per endpoint and batches, each a valid request with extreme magnitudes,
 * wrong types, unknown keys, deleted keys, deep nesting or huge arrays; every answer is 2xx or a
 * typed 4xx and every 2xx body holds only finite numbers.
 *
 * And 1,000 generated bad requests (wrong types, NaN as strings or null, missing fields, out-of-range
 * numbers, oversize arrays and bodies, non-PSD matrices, dimension mismatches, malformed JSON, bad
 * envelopes on every endpoint): every one gets a typed 4xx JSON error, none a 5xx, and the service
 * is healthy and correct afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { AUTH, account, makeServer, marks, varBody, removeTmpDirs } from './fixtures.js';
import { ENDPOINTS, caseArb, nullPaths, violation } from '../../../bench/lib/fuzz.js';

let engine: Engine;
let app: FastifyInstance;
const BODY_LIMIT = 32 * 1024;

beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
  app = await makeServer(engine, { limits: { bodyBytes: BODY_LIMIT, maxSyncWork: 1e8, maxBatchWork: 1e9 } });
});

afterAll(async () => {
  await app?.close();
  await engine?.close();
  removeTmpDirs();
});

type Req = { url: string; payload: string; contentType?: string };

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Sets (or deletes, with `undefined`) the value at a dotted/indexed path. */
function setPath(o: any, path: (string | number)[], v: unknown): any {
  const root = clone(o);
  let cur = root;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1];
  if (v === undefined) delete cur[last];
  else cur[last] = v;
  return root;
}

const REQUIRED_PATHS: (string | number)[][] = [
  ['portfolio'], ['portfolio', 'exposures'], ['portfolio', 'exposures', 0], ['market'], ['market', 'vols'], ['market', 'vols', 1],
  ['market', 'correlation'], ['market', 'correlation', 0], ['market', 'correlation', 0, 1], ['options'], ['options', 'method'],
  ['options', 'confidence'], ['options', 'scenarios'], ['options', 'seed'], ['options', 'horizonDays'], ['options', 'df'],
];
/** Values of the wrong type for every path above (NaN and Infinity as JSON can carry them). */
const WRONG = fc.constantFrom<unknown>(null, 'NaN', 'Infinity', '-Infinity', '1e6', 'abc', true, {}, [], [null], ['NaN'], { x: 1 });

const json = (url: string, body: unknown): Req => ({ url, payload: JSON.stringify(body) });

const method = fc.constantFrom('mc-normal', 'mc-t', 'parametric');

const wrongType = fc.tuple(fc.constantFrom(...REQUIRED_PATHS), WRONG, method).map(([p, v, m]) => json('/v1/var', setPath(varBody({ method: m }), p, v)));

const missing = fc.tuple(
  fc.constantFrom<(string | number)[]>(['portfolio'], ['portfolio', 'exposures'], ['market'], ['options'], ['options', 'method'], ['market', 'vols'], ['market', 'correlation']),
  method,
).map(([p, m]) => json('/v1/var', setPath(varBody({ method: m }), p, undefined)));

const outOfRange = fc.oneof(
  fc.constantFrom(0, 1, 1.5, -0.1, 1e-300 - 1).map((c) => ({ confidence: c })),
  fc.constantFrom(0, -5, 1.5, 2e9).map((s) => ({ scenarios: s })),
  fc.constantFrom(0, 1.5, 4000, -1).map((h) => ({ horizonDays: h })),
  fc.constantFrom(2, 1, -3, 2e6).map((df) => ({ df, method: 'mc-t' })),
  fc.constantFrom(-1, 0.5, 2 ** 60).map((seed) => ({ seed })),
  fc.constantFrom('var', 'MC', 'fhs?', '').map((m) => ({ method: m })),
  fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 3 }).map((cs) => ({ confidence: cs })),
).map((o) => json('/v1/var', varBody(o)));

/** Scenario counts the schema accepts but the work limits do not (422). */
const tooHeavy = fc.integer({ min: 5_000_000, max: 900_000_000 }).chain((s) =>
  fc.constantFrom(
    json('/v1/var', varBody({ scenarios: s })),
    json('/v1/batches', { operation: 'var', request: varBody({ scenarios: s * 10 }) }),
  ),
);

const nonPsd = fc.double({ min: 0.75, max: 0.999, noNaN: true }).map((r) => json('/v1/var', {
  ...varBody({ method: 'mc-normal' }),
  market: { vols: [0.02, 0.03, 0.04], correlation: [[1, r, r], [r, 1, -r], [r, -r, 1]] },
}));

const dims = fc.oneof(
  fc.integer({ min: 1, max: 6 }).filter((k) => k !== 3).map((k) => json('/v1/var', { ...varBody(), portfolio: { exposures: Array(k).fill(1e5) } })),
  fc.constant(json('/v1/var', { ...varBody(), market: { covariance: [[1e-4, 0], [0, 1e-4]] } })),
  fc.constant(json('/v1/var', { ...varBody(), market: { vols: [0.1, 0.1, 0.1], correlation: [[1, 0.2, 0.1], [0.3, 1, 0], [0.1, 0, 1]] } })),
  fc.constant(json('/v1/var', { ...varBody(), market: { vols: [0.1, -0.1, 0.1], correlation: varBody().market.correlation } })),
);

/** Arrays past the schema's size caps (still inside the body limit) and bodies past the body limit. */
const huge = fc.oneof(
  fc.constant(json('/v1/var', { ...varBody(), portfolio: { exposures: Array(5001).fill(1) } })),
  fc.constant(json('/v1/var', varBody({ confidence: Array(33).fill(0.99) }))),
  fc.integer({ min: 1, max: 4 }).map((m) => json('/v1/var', { ...varBody(), portfolio: { exposures: Array(BODY_LIMIT * m).fill(1) } })),
);

const malformed = fc.oneof(
  fc.constantFrom('{', '{"portfolio":', 'nul', '[1,2', '{"a":NaN}', '{"a":Infinity}', '').map((payload) => ({ url: '/v1/var', payload, contentType: 'application/json' })),
  fc.string({ maxLength: 40 }).map((payload) => ({ url: '/v1/stress', payload, contentType: 'text/plain' })),
  fc.string({ maxLength: 40 }).map((payload) => ({ url: '/v1/var', payload, contentType: 'application/x-www-form-urlencoded' })),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => json('/v1/var', v)),
);

const otherEndpoints = fc.oneof(
  fc.tuple(fc.constantFrom('/v1/margin', '/v1/liquidation'), WRONG, fc.constantFrom('walletBalance', 'mode', 'positions', 'collateralCurrency'))
    .filter(([, v, k]) => !(k === 'positions' && Array.isArray(v) && v.length === 0)) // an empty account is valid
    .map(([url, v, k]) =>
    json(url, { portfolio: { ...account, [k]: v }, market: { marks }, options: { model: 'tiered' } }),
  ),
  WRONG.map((v) => json('/v1/margin', { portfolio: account, market: { marks: { BTCUSDT: v } }, options: { model: 'tiered' } })),
  fc.constantFrom('span', '', 'TIERED', 1).map((m) => json('/v1/margin', { portfolio: account, market: { marks }, options: { model: m } })),
  fc.tuple(fc.constantFrom('hypothetical', 'reverse-worst', 'reverse-uniform', 'default-fund', 'waterfall', 'nope'), WRONG).map(([type, v]) =>
    json('/v1/stress', { type, exposures: v, scenarios: v, covariance: v, threshold: v, members: v, defaulters: v, skinInTheGame: v }),
  ),
  fc.constantFrom(-1, 0).map((t) => json('/v1/stress', { type: 'reverse-worst', exposures: [1, 2], covariance: [[1, 0], [0, 1]], threshold: t })),
  fc.tuple(fc.constantFrom('forecasts', 'rolling', 'x'), WRONG).map(([type, v]) =>
    json('/v1/backtest', { type, losses: v, forecasts: v, series: v, window: v, confidence: 0.99, forecaster: 'historical' }),
  ),
  fc.constantFrom(0, 1, 1.01, -2).map((c) => json('/v1/backtest', { type: 'forecasts', losses: [1, 2], forecasts: [1, 1], confidence: c })),
  fc.tuple(fc.constantFrom('var', 'margin', 'stress', 'backtest', 'nope', null, 3), WRONG).map(([operation, request]) => json('/v1/batches', { operation, request })),
);

const badRequest: fc.Arbitrary<Req> = fc.oneof(
  { arbitrary: wrongType, weight: 6 },
  { arbitrary: missing, weight: 2 },
  { arbitrary: outOfRange, weight: 3 },
  { arbitrary: tooHeavy, weight: 1 },
  { arbitrary: nonPsd, weight: 1 },
  { arbitrary: dims, weight: 1 },
  { arbitrary: huge, weight: 1 },
  { arbitrary: malformed, weight: 2 },
  { arbitrary: otherEndpoints, weight: 4 },
);

it('1,000 bad requests: every one a typed 4xx, zero 5xx; the service is healthy afterwards', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(badRequest, async (req) => {
      const r = await app.inject({ method: 'POST', url: req.url, payload: req.payload, headers: { ...AUTH, 'content-type': req.contentType ?? 'application/json' } });
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      expect(r.statusCode, `${req.url} ${req.payload.slice(0, 200)} → ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      const e = r.json().error;
      expect(typeof e.code).toBe('string');
      expect(typeof e.message).toBe('string');
      if (r.statusCode === 422 || e.code === 'E_VALIDATION') expect(typeof e.field).toBe('string');
    }),
    { numRuns: 1000, seed: 20240611 },
  );
  // all the families were exercised
  for (const s of [400, 413, 422]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0);
  expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);

  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  const ok = await app.inject({ method: 'POST', url: '/v1/var', headers: AUTH, payload: varBody() });
  expect(ok.statusCode).toBe(200);
  const direct = await engine.var(varBody().portfolio, varBody().market, varBody().options as never);
  expect(ok.json().var).toBe(direct.var);
}, 20_000);

it('fuzz sample: 120 cases per endpoint, never a 5xx, only finite numbers in 2xx bodies', async () => {
  const violations: string[] = [];
  let ok = 0;
  for (const [e, endpoint] of ENDPOINTS.entries()) {
    for (const c of fc.sample(caseArb(endpoint), { numRuns: 120, seed: 20261204 + e })) {
      const r = await app.inject({ method: 'POST', url: c.url, payload: c.payload, headers: { ...AUTH, 'content-type': 'application/json' } });
      const v = violation(r.statusCode, r.body);
      if (v !== undefined) violations.push(`${v} ← ${c.url} ${c.payload.slice(0, 200)}`);
      if (r.statusCode < 300) {
        ok++;
        // a null in a 2xx body is an absent optional value, never a NaN or ±Infinity that JSON dropped
        for (const p of nullPaths(r.json())) expect(p, `${c.url} null at ${p}`).toMatch(/bankruptcyPrice|liquidationPrice|distance|isolatedMargin|floor|gridMargin|dual|caps\.|^es$|progress|^flags\.(rule|reason)$|^position\.(before|after)$|^account\.(after|before\.marginRatio|after\.marginRatio)$|^buffer\.(cut|cutNote|current\.\w+)$/);
      }
    }
  }
  expect(violations).toEqual([]);
  expect(ok).toBeGreaterThan(100); // the valid bases were exercised too
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
}, 20_000);
