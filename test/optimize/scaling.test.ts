import { describe, expect, it } from 'vitest';
import { buildScalingProblem } from '../../src/optimize/scaling.js';
import { minimizeCvar } from '../../src/optimize/cvar.js';

describe('buildScalingProblem', () => {
  it('builds the same dense problem for the same seed and a different one for another seed', () => {
    const a = buildScalingProblem(5, 50, 3);
    const b = buildScalingProblem(5, 50, 3);
    const c = buildScalingProblem(5, 50, 4);
    expect(a.hedgePnl).toHaveLength(250);
    expect(a.basePnl).toHaveLength(50);
    expect(a.instruments).toHaveLength(5);
    expect(Array.from(a.hedgePnl)).toEqual(Array.from(b.hedgePnl));
    expect(Array.from(a.basePnl)).not.toEqual(Array.from(c.basePnl));
  });

  it('is a feasible ES problem whose hedge lowers ES (small size)', async () => {
    const r = await minimizeCvar(buildScalingProblem(6, 200, 1));
    expect(r.after.es).toBeLessThan(r.before.es);
    expect(r.objective).toBeCloseTo(r.after.es, 5);
  });
});
