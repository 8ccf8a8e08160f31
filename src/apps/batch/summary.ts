/**
 * Terminal summary of a batch run: one column per account, sections for margin, VaR/ES, stress,
 * backtest, liquidation prices and timings. Plain text (no colour codes), ≤ 100 columns.
 */
import type { BatchResult } from './types.js';

const LABEL = 40;
const COL = 14;

function n0(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return v !== v ? 'n/a' : v > 0 ? '∞' : '−∞';
  return Math.round(v).toLocaleString('en-US');
}

function pct(v: number, digits = 1): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(digits)} %`;
}

function row(label: string, cells: string[]): string {
  return `  ${label.padEnd(LABEL - 2)}${cells.map((c) => c.padStart(COL)).join('')}`;
}

function ms(v: number | undefined): string {
  return v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

const SHORT: Record<string, string> = { directional: 'Directional', inverse: 'Inverse BTC', options: 'Options', basis: 'Basis' };

/** Formats the summary printed by `npm start`. */
export function formatSummary(r: BatchResult): string {
  const A = r.accounts;
  const o = r.options;
  const conf = `${Number((o.confidence * 100).toPrecision(4))} %`;
  const out: string[] = [];
  out.push('margin-engine batch' + (r.data.synthetic ? ' — SYNTHETIC data (invented prices, not market data)' : ''));
  out.push(`data    ${r.data.path}`);
  out.push(`        ${r.data.days.toLocaleString('en-US')} daily closes ${r.data.first} … ${r.data.last} (${r.data.symbols.join(', ')}); ${r.data.longFormatCheck}`);
  out.push(`marks   ${r.data.symbols.map((s) => `${s} ${(r.data.marks as Record<string, number>)[s].toLocaleString('en-US')}`).join(' · ')}`);
  out.push(`vol     EWMA λ=${o.ewmaLambda} daily: ${r.data.symbols.map((s) => `${s} ${((r.data.dailyVol as Record<string, number>)[s] * 100).toFixed(2)} %`).join(' · ')}`);
  out.push(`engine  ${r.engine.threads} worker thread(s), ${r.engine.kernel} kernels, started in ${ms(r.engine.startMs)} ms; MC ${o.scenarios.toLocaleString('en-US')} scenarios, seed ${o.seed}`);
  out.push('');
  out.push(`${''.padEnd(LABEL)}${A.map((a) => (SHORT[a.id] ?? a.id).padStart(COL)).join('')}`);

  out.push('Exposure (USD delta per 1 = 100 % move)');
  r.data.symbols.forEach((s, j) => out.push(row(`delta ${s}`, A.map((a) => n0(a.exposures[j])))));
  out.push(row('capital (loss that wipes it out)', A.map((a) => n0(a.capitalUsd))));

  out.push('Margin (USD)');
  out.push(row('tiered initial', A.map((a) => (a.tiered ? n0(a.tiered.initial * a.tiered.usdPerUnit) : '—'))));
  out.push(row('tiered maintenance', A.map((a) => (a.tiered ? n0(a.tiered.maintenance * a.tiered.usdPerUnit) : '—'))));
  out.push(row('tiered margin ratio (MM / equity)', A.map((a) => (a.tiered ? (a.tiered.marginRatio === null ? '∞ (equity ≤ 0)' : `${(a.tiered.marginRatio * 100).toFixed(1)} %`) : '—'))));
  out.push(row('scenario-grid initial (SPAN-style)', A.map((a) => n0(a.grid.initial))));
  out.push(row('scenario-grid maintenance', A.map((a) => n0(a.grid.maintenance))));

  out.push(`VaR / ES ${conf}, 1 day (USD)`);
  const methods = A[0]?.var.map((v) => v.method) ?? [];
  for (const m of methods) {
    const first = A[0].var.find((v) => v.method === m)!;
    const tag = m === 'historical' ? 'full reval' : 'delta';
    out.push(row(`${first.label} VaR (${tag})`, A.map((a) => n0(a.var.find((v) => v.method === m)?.var))));
    out.push(row(`${first.label} ES`, A.map((a) => n0(a.var.find((v) => v.method === m)?.es))));
  }

  out.push('Stress loss (USD, full revaluation; delta model in report)');
  const names = A[0]?.stress.rows.map((s) => s.name) ?? [];
  names.forEach((name, i) => out.push(row(name.length > LABEL - 3 ? `${name.slice(0, LABEL - 4)}…` : name, A.map((a) => n0(a.stress.rows[i]?.lossFull)))));
  out.push(row('reverse: uniform move losing capital', A.map((a) => (a.stress.reverseUniform ? pct(a.stress.reverseUniform.move) : 'none'))));
  out.push(row('reverse: worst-direction distance', A.map((a) => (a.stress.reverseWorst ? (Object.values(a.stress.reverseWorst.shock).some((v) => v <= -1) ? 'implausible' : `${a.stress.reverseWorst.distance.toFixed(1)} σ`) : '—'))));

  const bt0 = A[0]?.backtests[0]?.result;
  if (bt0) {
    out.push(`Backtest of VaR ${conf} (${bt0.window}-day window, ${bt0.n.toLocaleString('en-US')} days, expected ${((1 - o.confidence) * bt0.n).toFixed(1)} exceedances)`);
    A[0].backtests.forEach((b, i) => {
      out.push(row(`${b.model}: exceedances`, A.map((a) => String(a.backtests[i].result.exceedances))));
      out.push(row(`  traffic light · Kupiec p`, A.map((a) => `${a.backtests[i].result.trafficLight.zone} ${a.backtests[i].result.kupiec.pValue.toFixed(2)}`)));
    });
  }

  out.push('Liquidation (tiered accounts)');
  for (const a of A) {
    if (!a.tiered) continue;
    for (const p of a.tiered.positions) {
      const liq = p.liquidationPrice === null ? 'no liquidation price' : `liq ${n0(p.liquidationPrice)} (${p.distancePercent === null ? '' : `${p.side === 'long' ? '−' : '+'}${p.distancePercent.toFixed(1)} %`}${p.distanceSigmas === null ? '' : `, ${p.distanceSigmas.toFixed(1)} σ`}) · bankr. ${n0(p.bankruptcyPrice)}`;
      out.push(`  ${`${SHORT[a.id] ?? a.id} ${p.symbol} ${p.side} ${Math.abs(p.qty)}`.padEnd(LABEL - 2)}mark ${n0(p.mark)} → ${liq}`);
    }
  }

  out.push('Timings (ms)');
  const steps = ['tiered', 'grid', 'historical P&L', 'historical', 'parametric', 'mc-normal', 'mc-t', 'stress', 'backtest'];
  for (const s of steps) out.push(row(s === 'mc-normal' || s === 'mc-t' ? `${s} (${o.scenarios.toLocaleString('en-US')} scen.)` : s, A.map((a) => ms(a.timings[s]))));
  out.push(row('account total', A.map((a) => ms(Object.values(a.timings).reduce((x, y) => x + y, 0)))));
  out.push(`  run: ${Object.entries(r.timings).map(([k, v]) => `${k} ${ms(v)}`).join(' · ')}`);
  out.push('');
  const sug = r.optimizer.suggestion;
  if (sug) {
    out.push(`Optimizer — ${sug.account}: min scenario-grid margin hedge (net premium ≤ ${sug.budgetUsd.toLocaleString('en-US')} USD)`);
    for (const t of sug.trades) out.push(`  ${t.quantity > 0 ? 'buy ' : 'sell'} ${Math.abs(t.quantity).toFixed(2).padStart(10)}  ${t.id}`);
    out.push(`  grid initial ${n0(sug.before.initial)} → ${n0(sug.after.initial)} USD · premium ${n0(sug.premiumUsd)} USD · ${ms(sug.elapsedMs)} ms (HiGHS solve ${ms(sug.solveMs)} ms)`);
  } else out.push(r.optimizer.message);
  if (r.venue) {
    const v = r.venue;
    const c = v.summary.currencies.find((x) => x.currency === v.currency);
    out.push('');
    out.push(`venue   crash replay (data/venue, SYNTHETIC): ${v.accounts} accounts × ${v.ticks} ticks in ${ms(v.ms)} ms — ${v.summary.accountsLiquidated} accounts liquidated (${v.summary.liquidations} liquidations, ${v.summary.bankruptcies} past bankruptcy), ${v.summary.adlFills} ADL fills` +
      (c ? `; fund ${n0(c.fundStart)} → ${n0(c.fundEnd)} ${c.currency} (min ${n0(c.fundMin)})` : ''));
  }
  out.push(r.reportPath === null ? 'report: not written (reportPath: null)' : `report: ${r.reportPath}`);
  return out.join('\n');
}
