/** The shipped venue demo (data/venue) is what its generator writes, byte for byte, and it runs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENUE_DEMO_FILES, venueDemo } from '../../../src/apps/synthetic/index.js';
import { parseFeedCsv, prepareBook, simulateBook } from '../../../src/solvency/index.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'data', 'venue');

describe('venue demo data', () => {
  it('regenerates byte for byte', () => {
    const d = venueDemo();
    expect(readFileSync(join(dir, VENUE_DEMO_FILES.accounts), 'utf8')).toBe(d.accounts);
    expect(readFileSync(join(dir, VENUE_DEMO_FILES.feed), 'utf8')).toBe(d.feed);
    expect(readFileSync(join(dir, VENUE_DEMO_FILES.config), 'utf8')).toBe(d.config);
  });

  it('replays as its README says: a cascade that exhausts the fund and triggers ADL, ledger conserved', () => {
    const { accounts, tables } = JSON.parse(readFileSync(join(dir, VENUE_DEMO_FILES.accounts), 'utf8'));
    const config = JSON.parse(readFileSync(join(dir, VENUE_DEMO_FILES.config), 'utf8'));
    const path = parseFeedCsv(readFileSync(join(dir, VENUE_DEMO_FILES.feed), 'utf8'));
    expect(path.times.length).toBe(240);
    const r = simulateBook(prepareBook(accounts, tables), path, config);
    expect(r.summary.accountsLiquidated).toBe(127);
    expect(r.summary.adlFills).toBe(10);
    const usdt = r.summary.currencies[0]!;
    expect(usdt.fundMin).toBeLessThan(1);
    expect(Math.abs(usdt.ledgerEnd - usdt.ledgerStart)).toBeLessThan(1e-9 * usdt.ledgerStart);
  });
});
