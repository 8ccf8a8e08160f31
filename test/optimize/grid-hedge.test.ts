import { describe, expect, it } from 'vitest';
import { minimizeGridMargin } from '../../src/optimize/gridHedge.js';
import { hedgeProblemFromPositions, minimizeCvar } from '../../src/optimize/cvar.js';
import { bookDelta } from '../../src/optimize/exposure.js';
import { gridMargin } from '../../src/margin/grid/index.js';
import { SolverError } from '../../src/errors/index.js';
import { deltaBounds, market, sampleBook, sampleHedges, sampleScenarios } from './fixtures.js';

const within = (d: Record<string, number>, b: Record<string, readonly [number, number]>) =>
  Object.entries(b).every(([u, [lo, hi]]) => d[u] >= lo - 1e-6 && d[u] <= hi + 1e-6);

describe('minimizeGridMargin on the sample BTC/ETH book', () => {
  it('cuts grid margin by more than 90 % while net delta stays within bounds', async () => {
    const r = await minimizeGridMargin({ positions: sampleBook, hedges: sampleHedges, market, deltaBounds });
    const before = gridMargin(sampleBook, market).initial;
    expect(r.before.initial).toBeCloseTo(before, 6);
    expect(r.after.initial).toBeLessThan(0.1 * before); // measured: 75,018 → 2,446 USD
    // LP objective = scanning risk + short-option add-on of the hedged book (spread charge and credits are outside the LP).
    const hedged = [...sampleBook, ...sampleHedges.flatMap((h, i) => (r.quantities[i] !== 0 ? [{ ...h.position, quantity: r.quantities[i] }] : []))];
    const g = gridMargin(hedged, market);
    const shortOption = g.addOns.byUnderlying.reduce((s, a) => s + a.shortOption, 0);
    expect(r.objective).toBeCloseTo(g.scanningRisk + shortOption, 4);
    expect(within(r.after.delta, deltaBounds)).toBe(true);
    expect(within(bookDelta(hedged, market), deltaBounds)).toBe(true);
    sampleHedges.forEach((h, i) => {
      expect(r.quantities[i]).toBeGreaterThanOrEqual(h.lower - 1e-9);
      expect(r.quantities[i]).toBeLessThanOrEqual(h.upper + 1e-9);
    });
    expect(r.binding.every((b) => b.set === 'grid-scenarios' || b.set === 'position-limits' || b.set === 'delta-bounds')).toBe(true);
  });

  it('integer lots give integer quantities as a MIP', async () => {
    const r = await minimizeGridMargin({ positions: sampleBook, hedges: sampleHedges.map((h) => ({ ...h, integer: true })), market, deltaBounds });
    for (const q of r.quantities) expect(Number.isInteger(q)).toBe(true);
    expect(within(r.after.delta, deltaBounds)).toBe(true);
    expect(r.after.initial).toBeLessThan(r.before.initial);
  });

  it('names delta-bounds when the hedges cannot reach the target delta', async () => {
    const err = await minimizeGridMargin({
      positions: sampleBook, hedges: sampleHedges.filter((h) => h.id.startsWith('ETH')), market, deltaBounds: { BTC: [-0.5, 0.5] },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ constraintSet: 'delta-bounds' });
  });
});

describe('minimizeCvar on the sample book (revalued scenarios)', () => {
  it('does not increase ES, keeps delta in bounds, and reports grid margin before/after', async () => {
    const p = hedgeProblemFromPositions({ positions: sampleBook, hedges: sampleHedges, market, scenarios: sampleScenarios(300), confidence: 0.975, deltaBounds });
    const r = await minimizeCvar(p);
    expect(r.after.es).toBeLessThanOrEqual(r.before.es);
    expect(r.objective).toBeCloseTo(r.after.es, 5); // discrete weighting: LP value = engine ES
    expect(within(r.after.delta, deltaBounds)).toBe(true);
    expect(r.before.gridMargin).toBeCloseTo(gridMargin(sampleBook, market).initial, 6);
    expect(r.after.gridMargin).not.toBeNull();
    expect(r.bindingCounts['es-tail']).toBeGreaterThan(0);
  });
});
