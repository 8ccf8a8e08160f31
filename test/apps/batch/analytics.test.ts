import { describe, expect, it } from 'vitest';
import { revalue } from '../../../src/instruments/index.js';
import { FACTORS, sampleAccounts } from '../../../src/apps/batch/accounts.js';
import { deltaExposures, historicalPnl } from '../../../src/apps/batch/analytics.js';

const prices = { BTC: 52000, ETH: 3000, SOL: 160 };

describe('deltaExposures', () => {
  it('matches a central finite difference of the full revaluation for every sample book (incl. inverse options)', () => {
    const h = 1e-4;
    for (const a of sampleAccounts(prices)) {
      const w = deltaExposures(a.book, prices, FACTORS);
      FACTORS.forEach((f, j) => {
        if (!a.book.some((p) => p.underlying === f)) return expect(w[j]).toBe(0);
        // USD P&L per unit log return: (V(e^h) − V(e^−h)) / 2h.
        const up = revalue(a.book, { prices }, { move: { [f]: Math.expm1(h) } }).total;
        const down = revalue(a.book, { prices }, { move: { [f]: Math.expm1(-h) } }).total;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(w[j] - fd), `${a.id} ${f}: ${w[j]} vs ${fd}`).toBeLessThan(1e-3 * Math.max(1000, Math.abs(fd)));
      });
    }
  });
});

describe('historicalPnl', () => {
  it('applies each day of log returns as relative moves to today\'s book', () => {
    const book = [{ kind: 'spot' as const, underlying: 'BTC', quantity: 2 }];
    const pnl = historicalPnl(book, { prices }, [[Math.log(1.1), 0, 0], [Math.log(0.8), 0.5, 0.5]], FACTORS, 0);
    expect(pnl[0]).toBeCloseTo(2 * 52000 * 0.1, 6);
    expect(pnl[1]).toBeCloseTo(-2 * 52000 * 0.2, 6);
  });
});
