import { describe, expect, it } from 'vitest';
import { allocateCollateral } from '../../src/optimize/collateral.js';
import { SolverError, ValidationError } from '../../src/errors/index.js';

const usdc = { id: 'USDC', available: 100, haircut: 0, costRate: 0.05 };
const btc = { id: 'BTC', available: 100, haircut: 0.2, costRate: 0.01 };

describe('allocateCollateral', () => {
  it('posts the cheapest cost per unit of haircut value first (BTC 0.0125 < USDC 0.05)', async () => {
    // BTC 100 covers 80 at cost 1; the remaining 20 from USDC at cost 1.
    const r = await allocateCollateral({ assets: [usdc, btc], venues: [{ id: 'deribit', requirement: 100 }] });
    expect(r.objective).toBeCloseTo(2, 9);
    const by = Object.fromEntries(r.allocations.map((a) => [a.asset, a.amount]));
    expect(by.BTC).toBeCloseTo(100, 9);
    expect(by.USDC).toBeCloseTo(20, 9);
    expect(r.after.shortfall.deribit).toBeCloseTo(0, 9);
    expect(r.before.shortfall.deribit).toBe(100);
    expect(r.binding.map((b) => b.name).sort()).toEqual(['available_BTC', 'requirement_deribit']);
  });

  it('respects the concentration limit on haircut value (50 %: BTC 62.5, USDC 50, cost 3.125)', async () => {
    const r = await allocateCollateral({ assets: [usdc, btc], venues: [{ id: 'deribit', requirement: 100, concentrationLimit: 0.5 }] });
    expect(r.objective).toBeCloseTo(0.625 + 2.5, 9);
    expect(r.binding.map((b) => b.set)).toContain('concentration');
  });

  it('honours venue eligibility across two venues', async () => {
    // BTC only accepted at A; B must be paid in USDC. A takes BTC (cheap) for 80 of its 80.
    const r = await allocateCollateral({
      assets: [usdc, { ...btc, eligibleVenues: ['A'] }],
      venues: [{ id: 'A', requirement: 80 }, { id: 'B', requirement: 30 }],
    });
    const get = (a: string, v: string) => r.allocations.find((x) => x.asset === a && x.venue === v)?.amount ?? 0;
    expect(get('BTC', 'A')).toBeCloseTo(100, 9);
    expect(get('BTC', 'B')).toBe(0);
    expect(get('USDC', 'B')).toBeCloseTo(30, 9);
    expect(r.objective).toBeCloseTo(1 + 1.5, 9);
  });

  it('throws SolverError naming requirements and availability when assets cannot cover the requirement', async () => {
    const err = await allocateCollateral({ assets: [usdc, btc], venues: [{ id: 'x', requirement: 500 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverError);
    expect(err).toMatchObject({ status: 'Infeasible', constraintSet: 'margin-requirements+asset-availability' });
  });

  it('rejects an eligible venue that is not among the venues, naming it', async () => {
    await expect(allocateCollateral({ assets: [{ ...btc, eligibleVenues: ['deribt'] }], venues: [{ id: 'deribit', requirement: 1 }] })).rejects.toThrow(
      /^problem\.assets\[0\]\.eligibleVenues\[0\]: must be one of problem\.venues\[\*\]\.id; got "deribt"/,
    );
  });

  it('rejects a haircut of 1 naming the field', async () => {
    await expect(allocateCollateral({ assets: [{ ...usdc, haircut: 1 }], venues: [{ id: 'x', requirement: 1 }] })).rejects.toThrow(ValidationError);
    await expect(allocateCollateral({ assets: [{ ...usdc, haircut: 1 }], venues: [{ id: 'x', requirement: 1 }] })).rejects.toThrow(/problem\.assets\[0\]\.haircut: must be in \[0, 1\); got 1/);
  });
});
