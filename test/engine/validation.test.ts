import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, ValidationError } from '../../src/index.js';
import type { Engine, MarketInput, PortfolioInput, VarOptions } from '../../src/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.close();
});

const good = { exposures: [1e6, -5e5] };
const cov = [[1e-4, 2e-5], [2e-5, 4e-4]];
const mc: VarOptions = { method: 'mc-normal', scenarios: 1000 };

async function expectField(p: PortfolioInput, m: MarketInput, o: VarOptions, field: string, text: RegExp): Promise<void> {
  const err = await engine.var(p, m, o).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).field).toBe(field);
  expect((err as ValidationError).message).toMatch(text);
}

describe('bad input raises a ValidationError naming the field', () => {
  it('non-square covariance', () => expectField(good, { covariance: [[1e-4, 0]] }, mc, 'market.covariance', /must be 2×2/));
  it('ragged covariance row', () => expectField(good, { covariance: [[1e-4, 0], [0]] }, mc, 'market.covariance[1]', /must have 2 columns/));
  it('non-symmetric covariance', () => expectField(good, { covariance: [[1e-4, 1e-5], [2e-5, 4e-4]] }, mc, 'market.covariance[1][0]', /symmetric/));
  it('non-PSD covariance', () => expectField(good, { covariance: [[1e-4, 3e-4], [3e-4, 4e-4]] }, mc, 'market.covariance', /positive semi-definite/));
  it('negative variance', () => expectField(good, { covariance: [[-1e-4, 0], [0, 4e-4]] }, mc, 'market.covariance[0][0]', /variance must be >= 0/));
  it('NaN in covariance', () => expectField(good, { covariance: [[NaN, 0], [0, 1e-4]] }, mc, 'market.covariance[0][0]', /got NaN/));
  it('Infinity in exposures', () => expectField({ exposures: [1, Infinity] }, { covariance: cov }, mc, 'portfolio.exposures[1]', /Infinity/));
  it('string exposure', () => expectField({ exposures: [1, '2' as unknown as number] }, { covariance: cov }, mc, 'portfolio.exposures[1]', /number/));
  it('empty portfolio', () => expectField({ exposures: [] }, { covariance: cov }, mc, 'portfolio.exposures', /at least one factor/));
  it('mismatched dimensions', () => expectField({ exposures: [1, 2, 3] }, { covariance: cov }, mc, 'market.covariance', /must be 3×3/));
  it('confidence of 1.5', () => expectField(good, { covariance: cov }, { ...mc, confidence: 1.5 }, 'options.confidence', /\(0, 1\); got 1.5/));
  it('confidence of 0', () => expectField(good, { covariance: cov }, { ...mc, confidence: 0 }, 'options.confidence', /\(0, 1\)/));
  it('confidence NaN', () => expectField(good, { covariance: cov }, { ...mc, confidence: NaN }, 'options.confidence', /NaN/));
  it('zero scenarios', () => expectField(good, { covariance: cov }, { ...mc, scenarios: 0 }, 'options.scenarios', />=1|too small/i));
  it('absurd scenario count', () => expectField(good, { covariance: cov }, { ...mc, scenarios: 1e12 }, 'options.scenarios', /too big|<=/i));
  it('fractional scenario count', () => expectField(good, { covariance: cov }, { ...mc, scenarios: 10.5 }, 'options.scenarios', /integer/));
  it('Student-t with df ≤ 2', () => expectField(good, { covariance: cov }, { method: 'mc-t', df: 2 }, 'options.df', /> 2/));
  it('unknown method', () => expectField(good, { covariance: cov }, { method: 'magic' as 'mc-t' }, 'options.method', /mc-normal/));
  it('correlation outside [-1, 1]', () => expectField(good, { vols: [0.01, 0.02], correlation: [[1, 1.2], [1.2, 1]] }, mc, 'market.correlation[0][1]', /\[-1, 1\]/));
  it('correlation diagonal not 1', () => expectField(good, { vols: [0.01, 0.02], correlation: [[0.9, 0], [0, 1]] }, mc, 'market.correlation[0][0]', /diagonal must be 1/));
  it('vols without correlation', () => expectField(good, { vols: [0.01, 0.02] }, mc, 'market.correlation', /must be given/));
  it('no covariance at all', () => expectField(good, {}, mc, 'market.covariance', /required/));
  it('historical without history', () => expectField(good, { covariance: cov }, { method: 'historical' }, 'market.returns', /market.pnl/));
  it('ragged return history', () => expectField(good, { returns: [[0.01, 0.02], [0.01]] }, { method: 'historical' }, 'market.returns[1]', /2 columns/));
  it('horizon longer than the history', () => expectField(good, { returns: [[0.01, 0.02]] }, { method: 'historical', horizonDays: 5 }, 'options.horizonDays', /history length/));
  it('a signal that is not an AbortSignal', () => expectField(good, { covariance: cov }, { ...mc, signal: {} as AbortSignal }, 'options.signal', /AbortSignal/));

  it('rejects bad engine options before starting a pool', async () => {
    await expect(createEngine({ threads: 0 })).rejects.toThrow(/options.threads: must be an integer in \[1, 256\]; got 0/);
    await expect(createEngine({ threads: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(createEngine({ wasm: 'yes' as unknown as boolean })).rejects.toThrow(/options.wasm/);
  });

  it('rejects (never throws synchronously) and stays usable after bad input', async () => {
    const p = engine.var(good, { covariance: [[1]] }, mc);
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toBeInstanceOf(ValidationError);
    const r = await engine.var(good, { covariance: cov }, mc);
    expect(Number.isFinite(r.var)).toBe(true);
  });
});
