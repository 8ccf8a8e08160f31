/**
 * The main job in-process with a reduced scenario count: every section must produce finite
 * numbers, the report must be written, the summary must carry every section. Needs the compiled
 * worker in build/ (`npm run build`, run by `pretest`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/apps/batch/batch.js';
import type { BatchResult } from '../../../src/apps/batch/types.js';

const dir = mkdtempSync(join(tmpdir(), 'me-batch-'));
const reportPath = join(dir, 'reports', 'margin-report.html');
let r: BatchResult;
const lines: string[] = [];

beforeAll(async () => {
  r = await runBatch({ scenarios: 20_000, threads: 2, reportPath, log: (l) => lines.push(l) });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFinite(label: string, v: unknown): void {
  expect(typeof v === 'number' && Number.isFinite(v), `${label} = ${String(v)}`).toBe(true);
}

describe('runBatch', () => {
  it('loads the shipped synthetic data and checks the long-format export', () => {
    expect(r.data.synthetic).toBe(true);
    expect(r.data.days).toBe(1461);
    expect(r.data.longFormatCheck).toMatch(/matches the wide file/);
    for (const s of r.data.symbols) {
      expectFinite(`mark ${s}`, (r.data.marks as Record<string, number>)[s]);
      expectFinite(`vol ${s}`, (r.data.dailyVol as Record<string, number>)[s]);
    }
  });

  it('runs the four sample accounts', () => {
    expect(r.accounts.map((a) => a.id)).toEqual(['directional', 'inverse', 'options', 'basis']);
  });

  it('every account has finite margin, VaR/ES, stress and backtest numbers', () => {
    for (const a of r.accounts) {
      const at = (s: string) => `${a.id}.${s}`;
      a.exposures.forEach((x, j) => expectFinite(at(`exposures[${j}]`), x));
      expectFinite(at('capitalUsd'), a.capitalUsd);
      expectFinite(at('grid.initial'), a.grid.initial);
      expectFinite(at('grid.maintenance'), a.grid.maintenance);
      expect(a.var.map((v) => v.method)).toEqual(['historical', 'parametric', 'mc-normal', 'mc-t']);
      for (const v of a.var) {
        expectFinite(at(`${v.method}.var`), v.var);
        expectFinite(at(`${v.method}.es`), v.es);
        expect(v.es, at(`${v.method} ES ≥ VaR`)).toBeGreaterThanOrEqual(v.var - 1e-9);
      }
      expect(a.var.find((v) => v.method === 'mc-t')!.n).toBe(20_000);
      expect(a.historicalPnl.length).toBe(1460);
      for (const s of a.stress.rows) {
        expectFinite(at(`stress ${s.name} full`), s.lossFull);
        expectFinite(at(`stress ${s.name} delta`), s.lossDelta);
      }
      if (a.stress.reverseWorst) expectFinite(at('reverseWorst.distance'), a.stress.reverseWorst.distance);
      expect(a.backtests.length).toBe(2);
      for (const b of a.backtests) {
        expect(b.result.n).toBe(1460 - 250);
        expectFinite(at(`${b.model} kupiec p`), b.result.kupiec.pValue);
        expect(['green', 'yellow', 'red']).toContain(b.result.trafficLight.zone);
      }
    }
  });

  it('futures accounts have tiered margin and liquidation prices; the options book has none', () => {
    for (const a of r.accounts) {
      if (a.id === 'options') {
        expect(a.tiered).toBeNull();
        continue;
      }
      const t = a.tiered!;
      expectFinite(`${a.id}.tiered.initial`, t.initial);
      expectFinite(`${a.id}.tiered.maintenance`, t.maintenance);
      expectFinite(`${a.id}.tiered.equity`, t.equity);
      for (const p of t.positions) {
        expectFinite(`${a.id}.${p.symbol}.liquidationPrice`, p.liquidationPrice);
        expectFinite(`${a.id}.${p.symbol}.bankruptcyPrice`, p.bankruptcyPrice);
        // Longs are liquidated below the mark, shorts above; bankruptcy lies beyond liquidation.
        if (p.side === 'long') expect(p.bankruptcyPrice!).toBeLessThan(p.liquidationPrice!);
        if (p.side === 'long') expect(p.liquidationPrice!).toBeLessThan(p.mark);
        else expect(p.liquidationPrice!).toBeGreaterThan(p.mark);
      }
    }
  });

  it('the directional book is linear, so full-revaluation and delta stress losses agree', () => {
    const a = r.accounts.find((x) => x.id === 'directional')!;
    for (const s of a.stress.rows) expect(s.lossFull).toBeCloseTo(s.lossDelta, 6);
  });

  it('the optimizer section lowers the options book grid margin (or says why it is missing)', () => {
    if (!r.optimizer.available) {
      expect(r.optimizer.message).toMatch(/section omitted/);
      return;
    }
    const s = r.optimizer.suggestion!;
    expectFinite('optimizer before', s.before.initial);
    expectFinite('optimizer after', s.after.initial);
    expect(s.after.initial).toBeLessThan(s.before.initial);
    expect(s.premiumUsd).toBeLessThanOrEqual(s.budgetUsd + 1e-6);
  });

  it('writes the HTML report and prints a summary with every section and the timings', () => {
    const html = readFileSync(reportPath, 'utf8');
    expect(html).toBe(r.html);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('SYNTHETIC DATA');
    expect(html).not.toMatch(/NaN/);
    const text = lines.join('\n');
    for (const s of ['SYNTHETIC', 'Margin (USD)', 'VaR / ES', 'Stress loss', 'Backtest of VaR', 'Liquidation', 'Timings (ms)', `report: ${reportPath}`]) {
      expect(text).toContain(s);
    }
    expectFinite('timings.total', r.timings.total);
  });

  it('replays the venue crash demo: its report section has the cascade chart and the summary a venue line', () => {
    const v = r.venue!;
    // the numbers data/venue/README.md states (also checked by the demo-data test)
    expect(v.summary.accountsLiquidated).toBe(127);
    expect(v.adl.reduce((s, a) => s + a.fills, 0)).toBe(v.summary.adlFills);
    expect(v.mark).toHaveLength(240);
    // impact: the mark after the cascade ends below the feed
    expect(v.mark.at(-1)!).toBeLessThan(v.feed.at(-1)!);
    const html = readFileSync(reportPath, 'utf8');
    expect(html).toContain('id="cascade"');
    expect(html).toContain('Insurance fund balance');
    expect(lines.join('\n')).toMatch(/venue {3}crash replay .* 127 accounts liquidated/);
  });
});
