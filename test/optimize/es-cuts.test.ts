import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { minimizeCvar, type CvarHedgeProblem } from '../../src/optimize/cvar.js';
import { EsOracle } from '../../src/optimize/esOracle.js';
import { solveEsCuts } from '../../src/optimize/esCuts.js';
import { LpModel } from '../../src/optimize/lp.js';
import { AbortError } from '../../src/errors/index.js';
import { levelsFromLosses } from '../../src/risk/tail.js';

/** Engine ES of base + P·q, computed here from scratch (sort, mean of the k largest losses). */
function engineEs(p: CvarHedgeProblem, q: readonly number[]): number {
  const S = p.basePnl.length;
  const H = p.instruments.length;
  const losses = Array.from({ length: S }, (_, s) => {
    let pnl = p.basePnl[s];
    for (let i = 0; i < H; i++) pnl += p.hedgePnl[s * H + i] * q[i];
    return -pnl;
  });
  return levelsFromLosses(losses, [p.confidence])[0].es;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** A random small hedge problem: S scenarios, H instruments, a common factor so hedges matter. */
const problemArb = fc.record({
  S: fc.integer({ min: 12, max: 160 }),
  H: fc.integer({ min: 1, max: 5 }),
  confidence: fc.constantFrom(0.8, 0.9, 0.95, 0.975),
  seed: fc.integer({ min: 1, max: 1e6 }),
  bounded: fc.boolean(),
  delta: fc.boolean(),
  continuous: fc.boolean(),
}).map(({ S, H, confidence, seed, bounded, delta, continuous }): CvarHedgeProblem => {
  let t = seed;
  const rnd = () => { t = (t * 1103515245 + 12345) % 2147483648; return t / 2147483648 - 0.5; };
  const basePnl = new Float64Array(S);
  const hedgePnl = new Float64Array(S * H);
  const load = Array.from({ length: H }, () => 1 + rnd());
  for (let s = 0; s < S; s++) {
    const f = 10 * rnd() * (rnd() > 0.4 ? 3 : 1);
    basePnl[s] = 5 * f + 3 * rnd();
    for (let i = 0; i < H; i++) hedgePnl[s * H + i] = -load[i] * f + 2 * rnd() + 0.1 * i;
  }
  return {
    confidence, basePnl, hedgePnl,
    instruments: Array.from({ length: H }, (_, i) => ({ id: `h${i}`, lower: bounded ? -8 : -50, upper: bounded ? 8 : 50, delta: { X: 1 + 0.1 * i } })),
    ...(delta ? { baseDelta: { X: 3 }, deltaBounds: { X: [-1, 1] as const } } : {}),
    ...(continuous ? { tailWeighting: 'continuous' as const } : {}),
  };
});

describe('EsOracle', () => {
  it('ES equals the engine ES for integer tail weight, and every cut supports ES (never above it)', () => {
    fc.assert(fc.property(problemArb, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 10, maxLength: 10 }), (p, qs) => {
      const S = p.basePnl.length;
      const H = p.instruments.length;
      const k = levelsFromLosses(new Float64Array(S), [p.confidence])[0].k;
      const o = new EsOracle({ S, H, base: p.basePnl, P: p.hedgePnl, W: k });
      const q = qs.slice(0, H);
      const cut = o.evaluate(q);
      expect(rel(cut.es, engineEs(p, q))).toBeLessThan(1e-12);
      const q2 = qs.slice(5, 5 + H);
      let at = cut.c;
      for (let i = 0; i < H; i++) at += cut.g[i] * q2[i];
      expect(at).toBeLessThanOrEqual(o.evaluate(q2).es + 1e-9 * Math.max(1, Math.abs(at)));
    }), { numRuns: 60, seed: 11 });
  });
});

describe('minimizeCvar by scenario generation (default) against the full Rockafellar–Uryasev LP', () => {
  it('min ES: same optimum within 1e-7 relative on random problems; reported ES = engine ES of the book', async () => {
    await fc.assert(fc.asyncProperty(problemArb, async (p) => {
      const full = await minimizeCvar(p, { esMethod: 'lp' });
      const r = await minimizeCvar(p);
      expect(r.solver.method).toBe('cuts');
      expect(rel(r.objective, full.objective)).toBeLessThan(1e-7);
      // the ES reported is the engine's ES of the optimised book re-evaluated on all scenarios
      expect(rel(r.after.es, engineEs(p, r.quantities))).toBeLessThan(1e-12);
      if (p.tailWeighting !== 'continuous') expect(rel(r.objective, r.after.es)).toBeLessThan(1e-9);
      expect(r.solver.upperBound - r.solver.lowerBound).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r.objective)) + 1e-9);
    }), { numRuns: 40, seed: 3 });
  });

  it('max return under an ES budget: never above the budget, same optimum as the full LP', async () => {
    await fc.assert(fc.asyncProperty(problemArb, fc.double({ min: 0.01, max: 2, noNaN: true }), async (p0, slack) => {
      const p = { ...p0, tailWeighting: undefined };
      const minEs = (await minimizeCvar(p)).objective;
      const budget = minEs + slack * Math.max(1, Math.abs(minEs));
      const q = { ...p, objective: 'max-return' as const, esBudget: budget };
      const r = await minimizeCvar(q);
      expect(engineEs(p, r.quantities)).toBeLessThanOrEqual(budget);
      expect(r.after.es).toBeLessThanOrEqual(budget);
      const full = await minimizeCvar(q, { esMethod: 'lp' });
      expect(rel(r.objective, full.objective)).toBeLessThan(1e-7);
    }), { numRuns: 30, seed: 5 });
  });

  it('unbounded hedge variables: the artificial box grows until the optimum is interior', async () => {
    const p: CvarHedgeProblem = { confidence: 0.5, basePnl: [-1e7, 1e7], hedgePnl: [1, -2], instruments: [{ id: 'h' }] };
    const r = await minimizeCvar(p);
    expect(r.quantities[0]).toBeCloseTo(2e7 / 3, 0); // loss 1e7 − x = 2x − 1e7 at x = 2e7/3 (beyond the first box 1e6)
    expect(rel(r.objective, (await minimizeCvar(p, { esMethod: 'lp' })).objective)).toBeLessThan(1e-7);
  });

  it('the subsample warm start leaves the answer exact', async () => {
    const p = (await fc.sample(problemArb, { numRuns: 1, seed: 9 }))[0];
    const S = 1200;
    const H = p.instruments.length;
    const big: CvarHedgeProblem = {
      ...p,
      basePnl: Float64Array.from({ length: S }, (_, s) => p.basePnl[s % p.basePnl.length] * (1 + (s % 7) / 50)),
      hedgePnl: Float64Array.from({ length: S * H }, (_, j) => p.hedgePnl[j % p.hedgePnl.length] * (1 + (j % 5) / 40)),
    };
    const r = await minimizeCvar(big, { sampleAbove: 100 });
    const full = await minimizeCvar(big, { esMethod: 'lp' });
    expect(rel(r.objective, full.objective)).toBeLessThan(1e-7);
  });

  it('warm-started from subsamples (tight trust region) on random problems: still the full-LP optimum', async () => {
    await fc.assert(fc.asyncProperty(problemArb, fc.constantFrom('min-es', 'max-return'), async (p0, objective) => {
      const p = objective === 'max-return' ? { ...p0, tailWeighting: undefined } : p0;
      const q = objective === 'max-return'
        ? { ...p, objective, esBudget: (await minimizeCvar(p)).objective + 0.5 }
        : p;
      const r = await minimizeCvar(q, { sampleAbove: 10 });
      const full = await minimizeCvar(q, { esMethod: 'lp' });
      expect(rel(r.objective, full.objective)).toBeLessThan(1e-7);
      if (objective === 'max-return') expect(engineEs(p, r.quantities)).toBeLessThanOrEqual(q.esBudget as number);
    }), { numRuns: 30, seed: 17 });
  });

  it('a deep-tail scenario that crosses ζ joins the master without changing the aggregated row', async () => {
    // one instrument, start far from the optimum: the initial split puts scenarios in the deep tail that
    // lie below ζ at the answer, so they must become explicit (v_s ≥ ζ − L_s) for the optimum to be exact
    const S = 400;
    const base = new Float64Array(S);
    const P = new Float64Array(S);
    for (let s = 0; s < S; s++) { const f = Math.sin(1.7 * s + 0.3) * 10; base[s] = 3 * f + Math.cos(2.3 * s); P[s] = -f + 0.5 * Math.sin(0.9 * s); }
    const model = new LpModel();
    const x = model.addVariable('h', { lower: -20, upper: 20, boundSet: 'position-limits' });
    const oracle = new EsOracle({ S, H: 1, base, P, W: 40 });
    const r = await solveEsCuts({ model, hedgeIndex: [x], lot: [1], oracle, mode: 'min-es', start: Float64Array.of(-20) });
    expect(r.fromDeep).toBeGreaterThan(0);
    // the optimum by brute force over a fine grid of the single hedge (ES is convex and piecewise linear)
    let best = Infinity;
    for (let k = -20000; k <= 20000; k++) best = Math.min(best, oracle.evaluate([k / 1000]).es);
    expect(r.es).toBeLessThanOrEqual(best + 1e-9 * Math.abs(best));
    expect(rel(r.es, oracle.evaluate(r.quantities).es)).toBeLessThan(1e-12);
  });

  it('reports progress with a closing gap and stops on abort', async () => {
    const p = (await fc.sample(problemArb, { numRuns: 1, seed: 21 }))[0];
    const seen: number[] = [];
    const r = await minimizeCvar(p, { onProgress: (x) => seen.push(x.gap) });
    expect(seen.length).toBe(r.solver.iterations);
    expect(seen[seen.length - 1]).toBeLessThanOrEqual(1e-9);
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(minimizeCvar(p, { signal: ctl.signal })).rejects.toBeInstanceOf(AbortError);
  });
});
