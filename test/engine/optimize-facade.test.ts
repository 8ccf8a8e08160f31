import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SolverError, ValidationError, createEngine } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { buildScalingProblem } from '../../src/optimize/index.js';
import { levelsFromLosses } from '../../src/risk/tail.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

describe('engine.optimize', () => {
  it('collateral: posts the cheapest eligible asset first (hand-checked)', async () => {
    // 100 needed at venue V; USDC (no haircut, cost 0.01) up to 60, BTC (haircut 20 %, cost 0.02).
    // cheapest: 60 USDC (cost 0.6) + 40/0.8 = 50 BTC (cost 1.0) → total 1.6
    const r = await engine.optimize({
      kind: 'collateral',
      assets: [{ id: 'USDC', available: 60, haircut: 0, costRate: 0.01 }, { id: 'BTC', available: 1000, haircut: 0.2, costRate: 0.02 }],
      venues: [{ id: 'V', requirement: 100 }],
    });
    if (r.kind !== 'collateral') throw new Error('wrong kind');
    expect(r.objective).toBeCloseTo(1.6, 9);
  });

  it('kelly: the two-outcome bet gives f* = p/a − q/b before the fraction', async () => {
    // win +100 % with p = 0.6, lose −100 % with q = 0.4 → f* = 0.6 − 0.4 = 0.2; half Kelly 0.1
    const returns = [...new Array(6).fill(1), ...new Array(4).fill(-1)];
    const r = await engine.optimize({ kind: 'kelly', returns, kellyFraction: 0.5 });
    expect(r.kind).toBe('kelly');
    if (r.kind !== 'kelly') throw new Error('wrong kind');
    expect(r.fullKelly).toBeCloseTo(0.2, 6);
    expect(r.scaledKelly).toBeCloseTo(0.1, 6);
  });

  it('cvar: ES progress (iteration, gap) comes back from the worker; the ES is the engine ES of the book', async () => {
    const p = buildScalingProblem(6, 2000, 3);
    const seen: { done: number; total: number; iteration: number; gap: number }[] = [];
    const r = await engine.optimize({ kind: 'cvar', ...p }, {}, { onProgress: (x) => seen.push(x) });
    if (r.kind !== 'cvar') throw new Error('wrong kind');
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last.iteration).toBe(r.solver.iterations);
    expect(last.gap).toBeLessThanOrEqual(1e-9);
    expect(last).toMatchObject({ done: 100, total: 100 });
    const losses = Array.from({ length: 2000 }, (_, s) => {
      let pnl = p.basePnl[s];
      for (let i = 0; i < 6; i++) pnl += p.hedgePnl[s * 6 + i] * r.quantities[i];
      return -pnl;
    });
    expect(r.objective).toBeCloseTo(levelsFromLosses(losses, [0.975])[0].es, 9);
  });

  it('cvar: a P&L of 1e308 is a ValidationError naming the entry (never a solver failure)', async () => {
    const p = buildScalingProblem(3, 200, 1);
    const base = Float64Array.from(p.basePnl);
    base[17] = 1e308;
    const err = await engine.optimize({ kind: 'cvar', ...p, basePnl: base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'problem.basePnl[17]' });
  });

  it('infeasible problems name the constraint set', async () => {
    const err = await engine.optimize({
      kind: 'collateral',
      assets: [{ id: 'USDC', available: 10, haircut: 0, costRate: 0.01 }],
      venues: [{ id: 'V', requirement: 100 }],
    }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect((err as SolverError).constraintSet).toMatch(/requirement|availability/);
  });

  it('rejects an unknown problem kind naming the field', async () => {
    await expect(engine.optimize({ kind: 'magic' } as never)).rejects.toBeInstanceOf(ValidationError);
  });
});
