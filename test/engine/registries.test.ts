/**
 * The registries the engine, service and CLI dispatch through: every entry is complete (name,
 * summary, schema, work estimate, known-answer tests), names agree with the option schemas, and a
 * new entry without its tests fails here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARGIN_MODELS, MARGIN_MODEL_NAMES, marginModel } from '../../src/margin/index.js';
import { OPERATIONS, VAR_METHOD_TABLE, varMethod } from '../../src/engine/index.js';
import { VAR_METHODS, VarRequestSchema } from '../../src/schemas/index.js';
import { ValidationError } from '../../src/errors/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where each margin model's known-answer tests live; a model registered without an entry here fails. */
const MARGIN_MODEL_TESTS: Readonly<Record<string, string>> = {
  tiered: 'test/margin/tiered',
  'scenario-grid': 'test/margin/grid',
  'var-es': 'test/margin/var-es',
};

describe('margin model registry', () => {
  it('every model has a name, a summary, a schema and a folder of known-answer tests', () => {
    expect(MARGIN_MODELS.length).toBeGreaterThan(0);
    for (const m of MARGIN_MODELS) {
      expect(m.name).toMatch(/^[a-z][a-z-]*$/);
      expect(m.summary.length).toBeGreaterThan(20);
      expect(m.schema).toBeDefined();
      const dir = MARGIN_MODEL_TESTS[m.name];
      expect(dir, `no known-answer tests listed for margin model '${m.name}'`).toBeDefined();
      expect(existsSync(join(ROOT, dir)) && readdirSync(join(ROOT, dir)).some((f) => f.endsWith('.test.ts')), `${dir} has no tests`).toBe(true);
    }
    expect(new Set(MARGIN_MODEL_NAMES).size).toBe(MARGIN_MODELS.length);
  });

  it('parses a request on the calling thread, naming the field of a bad one', () => {
    const tiered = marginModel('tiered');
    const good = {
      portfolio: { mode: 'cross', walletBalance: 1000, collateralCurrency: 'USDT', positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 60_000, leverage: 20 }] },
      market: { marks: { BTCUSDT: 60_000 } },
      options: { model: 'tiered' },
    };
    const parsed = tiered.parse(good);
    expect(parsed.model).toBe('tiered');
    expect(parsed.work.units).toBeGreaterThan(0);
    // the worker runs the parsed request: initial = notional / leverage = 60,000 / 20
    expect(tiered.run(parsed.request)).toMatchObject({ initial: 3000 });
    const bad = { ...good, portfolio: { ...good.portfolio, positions: [{ ...good.portfolio.positions[0], leverage: 0.5 }] } };
    expect(() => tiered.parse(bad)).toThrow(/portfolio\.positions\[0\]\.leverage/);
    expect(() => marginModel('magic')).toThrow(ValidationError);
  });
});

describe('VaR method table', () => {
  it('has one entry per method of the options schema, in the same order', () => {
    expect(VAR_METHOD_TABLE.map((m) => m.name)).toEqual([...VAR_METHODS]);
  });

  it('every method has a summary, its inputs and a finite work estimate', () => {
    const req = VarRequestSchema.parse({
      portfolio: { exposures: [1, 2] },
      market: { returns: Array.from({ length: 40 }, (_, t) => [0.01 * Math.sin(t), 0.01 * Math.cos(t)]) },
      options: { method: 'historical' },
    });
    for (const m of VAR_METHOD_TABLE) {
      expect(m.summary.length).toBeGreaterThan(20);
      expect(m.inputs.length).toBeGreaterThan(0);
      const w = m.work({ ...req, options: { ...req.options, method: m.name } });
      expect(Number.isFinite(w.units) && w.units >= 0).toBe(true);
      expect(w.field).toMatch(/^(options|market|portfolio)\./);
    }
    expect(() => varMethod('magic')).toThrow(/options\.method/);
  });
});

describe('operations table', () => {
  it('every operation has a summary and a schema, and the margin operation lists every model', () => {
    for (const op of Object.values(OPERATIONS)) {
      expect(op.summary.length).toBeGreaterThan(20);
      expect(op.schema).toBeDefined();
    }
    for (const name of MARGIN_MODEL_NAMES) expect(OPERATIONS.margin.summary).toContain(name);
  });
});
