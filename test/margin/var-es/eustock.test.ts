import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Position } from '../../../src/instruments/index.js';
import { varEsMargin } from '../../../src/margin/var-es/index.js';
import { parseCsv } from '../../../src/market/index.js';
import { lastPrices } from './fixtures.js';

// EuStockMarkets (R datasets): 1860 business-day closes of DAX, SMI, CAC, FTSE, 1991–1998; prices in index points.
const history = parseCsv(readFileSync(new URL('../../../data/eustockmarkets.csv', import.meta.url), 'utf8'));
const market = lastPrices(history);

describe('EuStockMarkets (DAX, SMI as underlyings in points)', () => {
  const dax = market.prices.DAX;
  const smi = market.prices.SMI;
  const book: Position[] = [
    { kind: 'linear-future', underlying: 'DAX', quantity: 1, id: 'FDAX' },
    { kind: 'linear-future', underlying: 'SMI', quantity: -dax / smi, id: 'FSMI' },
  ];

  it('gives an outright DAX future a 2-day 97.5 % ES of a few percent of notional', () => {
    const r = varEsMargin([book[0]], market, history);
    const f = r.components.filteredEs / dax;
    const s = r.components.stressedEs / dax;
    expect(f).toBeGreaterThan(0.01);
    expect(f).toBeLessThan(0.12);
    expect(s).toBeGreaterThan(0.02);
    expect(s).toBeLessThan(0.15);
    expect(r.scenarios).toBe(1860 - 1 - 2 + 1);
  });

  it('charges a DAX/SMI spread less than the outright DAX leg, and splits it by position', () => {
    const outright = varEsMargin([book[0]], market, history);
    const spread = varEsMargin(book, market, history, {
      liquidity: { capacityUsd: { DAX: 50 * dax, SMI: 50 * smi } },
      apc: { kind: 'buffer' },
    });
    expect(spread.components.core).toBeLessThan(outright.components.core);
    expect(spread.perPosition.reduce((a, p) => a + p.filteredEs, 0)).toBeCloseTo(spread.components.filteredEs, 6);
    expect(spread.initial).toBeCloseTo(1.25 * spread.components.core + spread.components.liquidityAddOn, 9);
  });
});
