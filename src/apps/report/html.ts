/**
 * Self-contained HTML risk report: inline CSS and inline SVG charts, no script, no network.
 * The caller supplies numbers and words ({@link ReportInput}); this module only lays them out and
 * escapes every piece of text.
 */
import { barChart, esc, histogram, ladderChart, lineChart, type LadderRow } from './svg.js';

/** A table cell: a number (formatted with thousands separators), text, or text with a tone. */
export type Cell = number | string | null | { text: string; tone?: 'good' | 'warn' | 'bad' | 'muted' };

export interface Table {
  caption?: string;
  columns: string[];
  rows: Cell[][];
  /** Digits after the decimal point for number cells (default 0). */
  digits?: number;
}

/** P&L histogram with the VaR / ES of the same sample marked. */
export interface DistributionChart {
  title: string;
  /** P&L sample (gain positive), in `unit`. */
  pnl: ArrayLike<number>;
  /** VaR and ES as positive losses at `confidence`. */
  var: number;
  es: number;
  confidence: number;
  unit: string;
  /** Extra dashed markers (e.g. the Monte Carlo VaR), as positive losses. */
  others?: { label: string; loss: number }[];
}

/** Backtest series: realised loss and VaR forecast per day, exceedances marked. */
export interface BacktestChart {
  title: string;
  dates: string[];
  losses: ArrayLike<number>;
  forecasts: ArrayLike<number>;
  unit: string;
}

export interface AccountSection {
  id: string;
  title: string;
  description: string;
  tables: Table[];
  distribution?: DistributionChart;
  backtest?: BacktestChart;
  notes?: string[];
}

/** A venue crash replay: price, liquidated size, fund balance and ADL events per tick. */
export interface CascadeChart {
  title: string;
  description: string;
  /** Tick labels (e.g. times). */
  labels: string[];
  symbol: string;
  /** Mark after each tick's cascade (impact included) and the feed's mark. */
  mark: number[];
  feed: number[];
  /** Size taken over per tick (all symbols, in the chosen symbol's quote currency notional). */
  liquidatedNotional: number[];
  fund: number[];
  currency: string;
  /** Ticks with ADL fills and their count. */
  adl: { index: number; fills: number }[];
  table: Table;
}

export interface ReportInput {
  title: string;
  /** ISO timestamp or any text shown under the title. */
  generatedAt: string;
  /** Prominent notices at the top (e.g. "data is SYNTHETIC"). */
  notices: string[];
  /** What each model assumes: term → explanation. */
  assumptions: { term: string; text: string }[];
  overview: Table;
  marginByModel: { title: string; unit: string; categories: string[]; series: { name: string; values: (number | null)[] }[] };
  ladder: { title: string; rows: LadderRow[] };
  accounts: AccountSection[];
  /** Sections shown after the ladder, before the accounts (e.g. an optimizer suggestion). */
  sections?: AccountSection[];
  /** Venue crash replay (cascade chart), shown after the other sections. */
  cascade?: CascadeChart;
  /** Extra tables after the accounts (timings, run parameters…). */
  appendix?: Table[];
  footer?: string[];
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f1f5f9;color:#0f172a;font:15px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}
main{max-width:960px;margin:0 auto;padding:28px 24px 60px}
h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:21px;margin:36px 0 10px;padding-top:8px;border-top:2px solid #cbd5e1}
h3{font-size:16px;margin:22px 0 8px}
p{margin:6px 0}
.meta{color:#475569;font-size:13px}
.notice{background:#fef3c7;border:1px solid #f59e0b;border-left:6px solid #d97706;border-radius:6px;padding:10px 14px;margin:14px 0;font-weight:600;color:#78350f}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:16px 18px;margin:14px 0;box-shadow:0 1px 2px rgba(15,23,42,.04)}
details.card summary{cursor:pointer;margin-bottom:8px}
dl.assumptions{display:grid;grid-template-columns:170px 1fr;gap:5px 16px;margin:0;font-size:13.5px}
dl.assumptions dt{font-weight:600;color:#1e3a8a}
dl.assumptions dd{margin:0;color:#334155}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 4px;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;color:#334155;padding:4px 0 6px}
th,td{padding:5px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}
th{background:#f8fafc;color:#334155;font-weight:600;border-bottom:2px solid #cbd5e1;white-space:nowrap}
th.num,td.num{text-align:right;white-space:nowrap}
tr:hover td{background:#f8fafc}
.good{color:#047857;font-weight:600}.warn{color:#b45309;font-weight:600}.bad{color:#b91c1c;font-weight:600}.muted{color:#94a3b8}
.chart-wrap{overflow-x:auto;margin:8px 0}
svg.chart{display:block;max-width:100%;height:auto}
.grid2{display:grid;grid-template-columns:1fr;gap:4px}
ul.notes{margin:8px 0 0 18px;padding:0;color:#475569;font-size:13.5px}
nav.toc{font-size:14px}nav.toc a{color:#1d4ed8;text-decoration:none;margin-right:14px}
footer{margin-top:40px;color:#64748b;font-size:12.5px}
`;

function fmtNumber(v: number, digits: number): string {
  if (!Number.isFinite(v)) return v !== v ? 'n/a' : v > 0 ? '∞' : '−∞';
  // No "-0" for values that round to zero.
  if (Math.abs(v) < 0.5 * 10 ** -digits) v = 0;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Numbers and short numeric-looking text align right; other text aligns left. */
const NUMERIC_TEXT = /^[-−+]?[\d.,]+\s?(%|σ|ms)?(\s·.*)?$|^[-−+]?[\d.,]+ \/ [\d.,]+$/;

function isNumeric(c: Cell): boolean {
  if (typeof c === 'number') return true;
  if (c === null || c === undefined) return false;
  return NUMERIC_TEXT.test(typeof c === 'string' ? c : c.text);
}

function cell(c: Cell, digits: number, num: boolean): string {
  const cls = (extra?: string): string => {
    const list = [num ? 'num' : '', extra ?? ''].filter(Boolean).join(' ');
    return list ? ` class="${list}"` : '';
  };
  if (c === null || c === undefined) return `<td${cls('muted')}>—</td>`;
  if (typeof c === 'number') return `<td${cls()}>${esc(fmtNumber(c, digits))}</td>`;
  if (typeof c === 'string') return `<td${cls()}>${esc(c)}</td>`;
  return `<td${cls(c.tone)}>${esc(c.text)}</td>`;
}

/** Renders one table (all text escaped). A column is right-aligned when all its non-empty cells are numeric. */
export function renderTable(t: Table): string {
  const d = t.digits ?? 0;
  const num = t.columns.map((_, j) => {
    const cells = t.rows.map((r) => r[j]).filter((c) => c !== null && c !== undefined && c !== '—' && c !== '');
    return cells.length > 0 && cells.every(isNumeric);
  });
  return (
    `<table>${t.caption ? `<caption>${esc(t.caption)}</caption>` : ''}` +
    `<thead><tr>${t.columns.map((c, j) => `<th${num[j] ? ' class="num"' : ''}>${esc(c)}</th>`).join('')}</tr></thead>` +
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, j) => cell(c, d, num[j])).join('')}</tr>`).join('')}</tbody></table>`
  );
}

function pctLabel(a: number): string {
  return `${Number((a * 100).toPrecision(4))}%`;
}

function distributionSvg(d: DistributionChart): string {
  return histogram({
    values: d.pnl,
    bins: 60,
    width: 880,
    rug: true,
    title: d.title,
    xLabel: `P&L (${d.unit}), gains right, losses left`,
    yLabel: 'days / scenarios',
    tailBelow: -d.var,
    markers: [
      { id: 'var', value: -d.var, label: `VaR ${pctLabel(d.confidence)} = ${fmtNumber(d.var, 0)}`, color: '#dc2626' },
      { id: 'es', value: -d.es, label: `ES ${pctLabel(d.confidence)} = ${fmtNumber(d.es, 0)}`, color: '#7c3aed' },
      ...(d.others ?? []).map((o, i) => ({ id: `other-${i}`, value: -o.loss, label: `${o.label} = ${fmtNumber(o.loss, 0)}`, color: '#0f766e', dash: true })),
    ],
  });
}

function backtestSvg(b: BacktestChart): string {
  const points = [];
  for (let i = 0; i < b.losses.length; i++) {
    if (b.losses[i] > b.forecasts[i]) points.push({ index: i, value: b.losses[i], label: `${b.dates[i] ?? i}: loss ${fmtNumber(b.losses[i], 0)} > VaR ${fmtNumber(b.forecasts[i], 0)}` });
  }
  let maxVar = 0;
  for (let i = 0; i < b.forecasts.length; i++) if (b.forecasts[i] > maxVar) maxVar = b.forecasts[i];
  return lineChart({
    title: b.title,
    // Large gains would squash the interesting part (losses near the VaR line): clip them.
    clampMin: maxVar > 0 ? -1.5 * maxVar : undefined,
    yLabel: `loss (${b.unit})`,
    xLabels: b.dates,
    series: [
      { name: 'realised loss', values: b.losses, color: '#94a3b8', width: 1 },
      { name: 'VaR forecast', values: b.forecasts, color: '#2563eb', width: 1.8, step: true },
    ],
    points: { name: `exceedances (${points.length})`, color: '#dc2626', items: points },
  });
}

function chart(svg: string): string {
  return `<div class="chart-wrap">${svg}</div>`;
}

function section(a: AccountSection): string {
  const parts: string[] = [];
  parts.push(`<section id="${esc(a.id)}"><h2>${esc(a.title)}</h2><p>${esc(a.description)}</p>`);
  for (const t of a.tables) parts.push(`<div class="card">${renderTable(t)}</div>`);
  if (a.distribution || a.backtest) {
    parts.push('<div class="card grid2">');
    if (a.distribution) parts.push(chart(distributionSvg(a.distribution)));
    if (a.backtest) parts.push(chart(backtestSvg(a.backtest)));
    parts.push('</div>');
  }
  if (a.notes && a.notes.length > 0) parts.push(`<ul class="notes">${a.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  parts.push('</section>');
  return parts.join('\n');
}

/** The cascade chart: mark vs feed with ADL ticks marked, liquidated notional per tick, fund balance. */
function cascadeSection(c: CascadeChart): string {
  const price = lineChart({
    title: `${c.symbol}: mark after liquidation impact vs the feed`, yLabel: 'price',
    series: [{ name: 'feed mark', values: c.feed, color: '#94a3b8', dash: true }, { name: 'mark (with impact)', values: c.mark, color: '#1d4ed8' }],
    points: { name: 'ADL fills', color: '#dc2626', items: c.adl.map((a) => ({ index: a.index, value: c.mark[a.index]!, label: `${a.fills} ADL fill(s) at ${c.labels[a.index] ?? a.index}` })) },
    xLabels: c.labels, height: 260,
  });
  const volume = lineChart({
    title: 'Liquidated notional per tick', yLabel: c.currency,
    series: [{ name: 'taken over by the liquidation engine', values: c.liquidatedNotional, color: '#b45309', step: true }], xLabels: c.labels, height: 200, clampMin: 0,
  });
  const fund = lineChart({ title: 'Insurance fund balance', yLabel: c.currency, series: [{ name: 'fund', values: c.fund, color: '#047857', step: true }], xLabels: c.labels, height: 200 });
  return `<section id="cascade"><h2>${esc(c.title)}</h2><div class="card"><p>${esc(c.description)}</p>${chart(price)}${chart(volume)}${chart(fund)}${renderTable(c.table)}</div></section>`;
}

/**
 * Builds the full HTML document.
 * @example buildReport(input).startsWith('<!DOCTYPE html>') // returns true
 */
export function buildReport(input: ReportInput): string {
  const parts: string[] = [];
  parts.push('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${esc(input.title)}</title><style>${CSS}</style></head><body><main>`);
  parts.push(`<header><h1>${esc(input.title)}</h1><p class="meta">${esc(input.generatedAt)}</p>`);
  for (const n of input.notices) parts.push(`<div class="notice">${esc(n)}</div>`);
  parts.push('<details id="assumptions" class="card" open><summary><strong>What each model assumes</strong></summary><dl class="assumptions">');
  for (const x of input.assumptions) parts.push(`<dt>${esc(x.term)}</dt><dd>${esc(x.text)}</dd>`);
  parts.push('</dl></details>');
  parts.push('</header>');
  parts.push(
    `<nav class="toc"><a href="#overview">Overview</a><a href="#margin">Margin by model</a><a href="#ladder">Liquidation ladder</a>` +
      [...(input.sections ?? []), ...input.accounts].map((a) => `<a href="#${esc(a.id)}">${esc(a.title)}</a>`).join('') +
      (input.cascade ? '<a href="#cascade">Venue crash replay</a>' : '') +
      '</nav>',
  );

  parts.push(`<section id="overview"><h2>Overview</h2><div class="card">${renderTable(input.overview)}</div></section>`);
  parts.push(
    `<section id="margin"><h2>Margin by model</h2><div class="card">${chart(
      barChart({ title: input.marginByModel.title, yLabel: input.marginByModel.unit, categories: input.marginByModel.categories, series: input.marginByModel.series }),
    )}</div></section>`,
  );
  parts.push(`<section id="ladder"><h2>Liquidation ladder</h2><div class="card">${chart(ladderChart({ title: input.ladder.title, rows: input.ladder.rows }))}</div></section>`);

  for (const a of [...(input.sections ?? []), ...input.accounts]) parts.push(section(a));
  if (input.cascade) parts.push(cascadeSection(input.cascade));

  if (input.appendix && input.appendix.length > 0) {
    parts.push(`<section id="appendix"><h2>Run details</h2>${input.appendix.map((t) => `<div class="card">${renderTable(t)}</div>`).join('')}</section>`);
  }
  parts.push(`<footer>${(input.footer ?? []).map((f) => `<p>${esc(f)}</p>`).join('')}</footer>`);
  parts.push('</main></body></html>\n');
  return parts.join('\n');
}
