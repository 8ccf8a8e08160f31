import { describe, expect, it } from 'vitest';
import { minimizeCvar } from '../../src/optimize/cvar.js';
import { deleverage } from '../../src/optimize/deleverage.js';
import { kellyFraction } from '../../src/optimize/kelly.js';
import { ValidationError } from '../../src/errors/index.js';

const base = { confidence: 0.9, basePnl: [1, -1], hedgePnl: [1, -1], instruments: [{ id: 'h' }] };

describe('input validation names the field and the bad value', () => {
  it('confidence outside (0, 1)', async () => {
    await expect(minimizeCvar({ ...base, confidence: 1.5 })).rejects.toThrow('problem.confidence: must be in (0, 1); got 1.5');
  });
  it('hedge P&L matrix of the wrong shape', async () => {
    await expect(minimizeCvar({ ...base, hedgePnl: [1, 2, 3] })).rejects.toThrow(/problem\.hedgePnl: must hold scenarios × instruments = 2 × 1 = 2 values; got array\(3\)/);
  });
  it('non-finite P&L', async () => {
    await expect(minimizeCvar({ ...base, basePnl: [1, NaN] })).rejects.toThrow('problem.basePnl[1]: must be a finite number; got NaN');
  });
  it('position limits in the wrong order', async () => {
    await expect(minimizeCvar({ ...base, instruments: [{ id: 'h', lower: 5, upper: 1 }] })).rejects.toThrow('instruments[0].upper: must be >= lower 5; got 1');
  });
  it('max-return without an ES budget', async () => {
    await expect(minimizeCvar({ ...base, objective: 'max-return' })).rejects.toThrow(ValidationError);
  });
  it('delta bounds with lo > hi', async () => {
    await expect(minimizeCvar({ ...base, deltaBounds: { BTC: [2, 1] } })).rejects.toThrow('problem.deltaBounds.BTC: lower bound must be <= upper bound; got [2, 1]');
  });
  it('deleverage without margin rates or callback', async () => {
    await expect(deleverage({ positions: [{ id: 'a', quantity: 1 }], equity: 1 })).rejects.toThrow('problem.positions[0].marginPerUnit: is required when no margin function is given; got undefined');
  });
  it('Kelly fraction outside (0, 1]', () => {
    expect(() => kellyFraction([1, -1], { kellyFraction: 2 })).toThrow('options.kellyFraction: must be in (0, 1]; got 2');
  });
});
