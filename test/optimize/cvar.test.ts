import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { minimizeCvar } from '../../src/optimize/cvar.js';
import { SolverError } from '../../src/errors/index.js';
import { levelsFromLosses } from '../../src/risk/tail.js';

describe('minimizeCvar on hand-solved problems', () => {
  it('balances the two scenario losses of a 2-scenario problem (x = 20/3, ES = 10/3)', async () => {
    // loss_1 = 10 − x, loss_2 = 2x − 10; at a = 0.5, k = 1 so ES = max loss, minimised where they meet.
    const r = await minimizeCvar({ confidence: 0.5, basePnl: [-10, 10], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: 0, upper: 20 }] });
    expect(r.quantities[0]).toBeCloseTo(20 / 3, 7);
    expect(r.objective).toBeCloseTo(10 / 3, 7);
    expect(r.esLp).toBeCloseTo(10 / 3, 7);
    expect(r.after.es).toBeCloseTo(10 / 3, 7);
    expect(r.before.es).toBe(10);
    expect(r.trades).toEqual([{ id: 'h', index: 0, quantity: r.quantities[0] }]);
    expect(r.timing.solveMs).toBeGreaterThan(0);
  });

  it('integer lots give integer quantities (x = 7, ES = 3 instead of 22/3 and 8/3)', async () => {
    const cont = await minimizeCvar({ confidence: 0.5, basePnl: [-10, 12], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: 0, upper: 20 }] });
    expect(cont.quantities[0]).toBeCloseTo(22 / 3, 7);
    const r = await minimizeCvar({ confidence: 0.5, basePnl: [-10, 12], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: 0, upper: 20, integer: true }] });
    expect(r.quantities[0]).toBe(7);
    expect(r.objective).toBeCloseTo(3, 9);
    const lots = await minimizeCvar({ confidence: 0.5, basePnl: [-10, 12], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: 0, upper: 20, lotSize: 5 }] });
    expect(lots.quantities[0]).toBe(5); // lots of 5: x ∈ {5, 10}: max(5, 0) = 5 beats max(0, 8) = 8
  });

  it('discrete weighting matches the engine ES; continuous weighting is the fractional tail mean', async () => {
    // 3 scenarios at a = 0.5: m = 1.5, k = 2. No hedge can change anything (zero P&L), so ES is the base book's.
    const base = [-9, -3, 6];
    const problem = { confidence: 0.5, basePnl: base, hedgePnl: [0, 0, 0], instruments: [{ id: 'h', lower: 0, upper: 1 }] };
    const d = await minimizeCvar(problem);
    expect(d.objective).toBeCloseTo(6, 9); // (9 + 3) / 2
    expect(d.after.es).toBe(levelsFromLosses([9, 3, -6], [0.5])[0].es);
    const c = await minimizeCvar({ ...problem, tailWeighting: 'continuous' });
    expect(c.objective).toBeCloseTo((9 + 0.5 * 3) / 1.5, 9); // 7 ≥ engine ES 6
    expect(c.after.es).toBeCloseTo(6, 9);
  });

  it('maximises the mean under an ES budget (dual form) on a hand-solved case', async () => {
    // Hedge P&L [+2, −1] per unit, mean 0.5; base 0. ES at a = 0.5 (k = 1) = max(−2x, x) = x for x ≥ 0.
    const r = await minimizeCvar({
      confidence: 0.5, basePnl: [0, 0], hedgePnl: [2, -1], instruments: [{ id: 'h', lower: 0 }], objective: 'max-return', esBudget: 4,
    });
    expect(r.quantities[0]).toBeCloseTo(4, 7);
    expect(r.objective).toBeCloseTo(2, 7);
    expect(r.binding.map((b) => b.set)).toContain('es-budget');
  });

  it('throws SolverError naming delta-bounds when no hedge can reach the delta target', async () => {
    const err = await minimizeCvar({
      confidence: 0.5, basePnl: [-1, 1], hedgePnl: [1, -1], instruments: [{ id: 'eth-perp', delta: { ETH: 1 } }],
      baseDelta: { BTC: 50 }, deltaBounds: { BTC: [-1, 1] },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ status: 'Infeasible', constraintSet: 'delta-bounds' });
  });

  it('throws SolverError Unbounded when a hedge is an arbitrage and nothing limits it', async () => {
    const err = await minimizeCvar({ confidence: 0.5, basePnl: [-1, 1], hedgePnl: [1, 2], instruments: [{ id: 'free-lunch' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ status: 'Unbounded', constraintSet: 'position-limits' });
  });

  it('names es-budget when the ES budget is below the least achievable ES', async () => {
    const err = await minimizeCvar({
      confidence: 0.5, basePnl: [-10, 10], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: 0, upper: 20 }], objective: 'max-return', esBudget: 1,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 'Infeasible', constraintSet: 'es-budget' });
  });

  it('the ES-budget problem never exceeds its budget (property over budgets)', async () => {
    const S = 40;
    const base = Array.from({ length: S }, (_, s) => 30 * Math.sin(1.7 * s + 0.3));
    const P = Array.from({ length: S * 2 }, (_, j) => Math.cos(0.9 * j) * 5 + (j % 2 === 0 ? 0.4 : 0.2));
    const minEs = (await minimizeCvar({ confidence: 0.9, basePnl: base, hedgePnl: P, instruments: [{ id: 'a', lower: -20, upper: 20 }, { id: 'b', lower: -20, upper: 20 }] })).objective;
    await fc.assert(
      fc.asyncProperty(fc.double({ min: minEs + 1e-3, max: minEs + 200, noNaN: true }), async (budget) => {
        const r = await minimizeCvar({
          confidence: 0.9, basePnl: base, hedgePnl: P, objective: 'max-return', esBudget: budget,
          instruments: [{ id: 'a', lower: -20, upper: 20 }, { id: 'b', lower: -20, upper: 20 }],
        });
        expect(r.after.es).toBeLessThanOrEqual(budget * (1 + 1e-7) + 1e-7);
        expect(r.esLp).toBeLessThanOrEqual(budget * (1 + 1e-7) + 1e-7);
      }),
      { numRuns: 15, seed: 7 },
    );
  });

  it('gross budget limits Σ|cost·x| and the net budget lets sales fund purchases', async () => {
    const problem = { confidence: 0.5, basePnl: [-10, 10], hedgePnl: [1, -2], instruments: [{ id: 'h', lower: -20, upper: 20, cost: 2 }] };
    const g = await minimizeCvar({ ...problem, budget: { limit: 6 } });
    expect(g.quantities[0]).toBeCloseTo(3, 7); // |2x| ≤ 6
    expect(g.binding.some((b) => b.name === 'budget')).toBe(true);
    const n = await minimizeCvar({ ...problem, budget: { limit: 6, mode: 'net' } });
    expect(n.quantities[0]).toBeCloseTo(3, 7);
  });
});
