import { describe, expect, it } from 'vitest';
import { LpModel, formatLpNumber, sanitizeLpName } from '../../src/optimize/lp.js';
import { loadHighs, solveModel } from '../../src/optimize/solve.js';
import { SolverError } from '../../src/errors/index.js';

describe('formatLpNumber', () => {
  it('writes plain decimals, never exponent forms', () => {
    expect(formatLpNumber(1.5e-7)).toBe('0.00000015');
    expect(formatLpNumber(-2e21)).toBe('-2000000000000000000000');
    expect(formatLpNumber(1.2345e22)).toBe('12345000000000000000000');
    expect(formatLpNumber(-1e-10)).toBe('-0.0000000001');
    expect(formatLpNumber(123.5)).toBe('123.5');
    expect(formatLpNumber(-0)).toBe('0');
  });
  it('round-trips through Number()', () => {
    for (const x of [Math.PI * 1e-9, -Math.E * 1e25, 1 / 3, 5e-324, 1.7976931348623157e308]) {
      expect(Number(formatLpNumber(x))).toBe(x);
      expect(formatLpNumber(x)).not.toMatch(/e/i);
    }
  });
  it('rejects non-finite coefficients', () => {
    expect(() => formatLpNumber(NaN)).toThrow(RangeError);
    expect(() => formatLpNumber(Infinity)).toThrow(RangeError);
  });
});

describe('sanitizeLpName', () => {
  it('replaces characters outside [A-Za-z0-9_] and guards leading digits, e/E and keywords', () => {
    expect(sanitizeLpName('BTC-PERP 2024.12')).toBe('BTC_PERP_2024_12');
    expect(sanitizeLpName('1abc')).toBe('n_1abc');
    expect(sanitizeLpName('e1')).toBe('n_e1');
    expect(sanitizeLpName('ETH')).toBe('n_ETH');
    expect(sanitizeLpName('free')).toBe('n_free');
    expect(sanitizeLpName('x'.repeat(300))).toHaveLength(200);
  });
  it('makes names unique inside a model', () => {
    const m = new LpModel();
    const a = m.addVariable('a-b');
    const b = m.addVariable('a_b');
    expect(m.variables[a].name).toBe('a_b');
    expect(m.variables[b].name).toBe('a_b_2');
  });
});

describe('LpModel.toCplexLp', () => {
  it('writes bounds, General section and wrapped rows that HiGHS parses', async () => {
    const m = new LpModel();
    m.sense = 'maximize';
    const vars = Array.from({ length: 20 }, (_, i) => m.addVariable(`v ${i}`, { objective: 1, upper: 0.001 * (i + 1), lower: -1e-7 }));
    const n = m.addVariable('n', { objective: 1, integer: true, upper: 2.5 });
    const f = m.addVariable('f', { lower: -Infinity, upper: Infinity });
    m.addRow('cap', 'cap', [...vars, n], [...vars.map(() => 1), 1], '<=', 10);
    m.addRow('link', 'link', [f, n], [1, -1], '=', 0);
    const text = m.toCplexLp();
    expect(text).toContain('General\n n\n');
    expect(text).toContain(' f free');
    expect(text).toContain('-0.0000001 <= v_0 <= 0.001');
    expect(text).not.toMatch(/\de[-+]?\d/);
    const sol = await solveModel(m);
    expect(sol.values[n]).toBe(2);
    expect(sol.values[f]).toBe(2);
    expect(sol.objective).toBeCloseTo(2 + 0.001 * 210, 9);
  });

  it('keeps tiny coefficients exact through the text', async () => {
    const m = new LpModel();
    const x = m.addVariable('x', { objective: 1.5e-7, lower: 3 });
    const sol = await solveModel(m);
    expect(sol.values[x]).toBe(3);
    expect(sol.objective).toBeCloseTo(4.5e-7, 15);
  });

  it('loads HiGHS once (cached promise)', () => {
    expect(loadHighs()).toBe(loadHighs());
  });
});

describe('solveModel status mapping', () => {
  it('names the irreducible conflicting sets of an infeasible model', async () => {
    const m = new LpModel();
    const x = m.addVariable('x', { objective: 1, upper: 5, boundSet: 'position-limits' });
    const y = m.addVariable('y', { objective: 1 });
    m.addRow('need', 'delta-bounds', [x], [1], '>=', 8);
    m.addRow('other', 'budget', [y], [1], '<=', 3);
    await expect(solveModel(m)).rejects.toMatchObject({ name: 'SolverError', status: 'Infeasible', constraintSet: 'delta-bounds+position-limits' });
  });
  it('names the model unboundedSet for an unbounded objective', async () => {
    const m = new LpModel();
    const x = m.addVariable('x', { objective: -1 });
    m.addRow('r', 'r', [x], [1], '>=', 1);
    m.unboundedSet = 'position-limits';
    const err = await solveModel(m).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ status: 'Unbounded', constraintSet: 'position-limits' });
  });
  it('reports binding rows and labelled bounds by name with duals', async () => {
    const m = new LpModel();
    m.sense = 'maximize';
    const x = m.addVariable('x', { objective: 3, upper: 4, boundSet: 'position-limits' });
    const y = m.addVariable('y', { objective: 2 });
    m.addRow('total', 'budget', [x, y], [1, 1], '<=', 6);
    m.addRow('loose', 'other', [y], [1], '<=', 100);
    const sol = await solveModel(m);
    expect(sol.objective).toBeCloseTo(16, 9);
    const names = sol.binding.map((b) => `${b.set}:${b.name}:${b.side}`).sort();
    expect(names).toEqual(['budget:total:upper', 'position-limits:x:upper']);
    expect(sol.binding.find((b) => b.name === 'total')?.dual).toBeCloseTo(2, 9);
  });
});
