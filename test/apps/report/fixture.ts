/** A small fixed report input shared by the report tests. */
import type { ReportInput } from '../../../src/apps/report/index.js';

/** Deterministic pseudo-random P&L (LCG), so the fixture needs no RNG module. */
export function fixturePnl(n: number, scale = 1000): number[] {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < 6; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += x / 2 ** 32 - 0.5;
    }
    out.push(s * scale * (i % 97 === 0 ? 4 : 1));
  }
  return out;
}

export const EVIL = '<script>alert("x")</script> & Co';

export function fixtureInput(): ReportInput {
  const pnl = fixturePnl(500);
  const losses = fixturePnl(120).map((x) => -x);
  const forecasts = losses.map(() => 1500);
  return {
    title: 'Fixture report',
    generatedAt: 'fixed time',
    notices: ['SYNTHETIC DATA — fixture only.'],
    assumptions: [{ term: 'Tiered margin', text: 'brackets by notional' }, { term: 'Historical', text: 'k-th largest loss' }],
    overview: { caption: 'Overview', columns: ['account', 'VaR', 'zone'], rows: [[EVIL, 1234.5, { text: 'green', tone: 'good' }], ['Basis', null, 'yellow']] },
    marginByModel: { title: 'Margin by model', unit: 'USD', categories: ['A', 'B'], series: [{ name: 'tiered', values: [100, null] }, { name: 'grid', values: [150, 80] }] },
    ladder: {
      title: 'Ladder',
      rows: [
        { label: 'A · BTCUSDT', side: 'long', mark: 50000, liquidation: 40000, bankruptcy: 39000, note: '3.0 daily σ' },
        { label: 'B · ETHUSDT', side: 'short', mark: 3000, liquidation: 3600, bankruptcy: 3700 },
        { label: 'C · SOLUSDT', side: 'long', mark: 150, liquidation: null, bankruptcy: null },
      ],
    },
    accounts: [
      {
        id: 'acct-1',
        title: EVIL,
        description: 'An account whose name needs escaping.',
        tables: [{ caption: 'VaR', columns: ['method', 'VaR', 'ES'], rows: [['historical', 2100, 2600], ['mc-t', 2000, 2500]] }],
        distribution: { title: 'P&L distribution', pnl, var: 2100, es: 2600, confidence: 0.99, unit: 'USD', others: [{ label: 'MC-t VaR', loss: 2000 }] },
        backtest: { title: 'Backtest', dates: losses.map((_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')}`), losses, forecasts, unit: 'USD' },
        notes: ['note & more'],
      },
    ],
    footer: ['footer'],
  };
}
