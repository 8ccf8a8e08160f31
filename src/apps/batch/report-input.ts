/**
 * Turns a batch result into the words, tables and chart inputs of the HTML report.
 */
import type { AccountSection, CascadeChart, Cell, ReportInput, Table } from '../report/index.js';
import type { LadderRow } from '../report/index.js';
import type { AccountResult, BatchResult } from './types.js';

const SHORT: Record<string, string> = { directional: 'Directional', inverse: 'Inverse BTC', options: 'Options', basis: 'Basis' };

function pctText(a: number): string {
  return `${Number((a * 100).toPrecision(4))} %`;
}

function zoneCell(zone: string, text = zone): Cell {
  return { text, tone: zone === 'green' ? 'good' : zone === 'yellow' ? 'warn' : 'bad' };
}

function positionsTable(a: AccountResult): Table {
  const rows: Cell[][] = a.positions.map((p) => {
    const detail =
      p.kind === 'option'
        ? `${p.style} ${p.optionType} K=${p.strike.toLocaleString('en-US')} T=${Math.round((p.expiry as number) * 365)}d σ=${Math.round(p.vol * 100)} %`
        : p.kind === 'inverse-future' || p.kind === 'inverse-perp'
          ? `${p.contractValueUsd} USD per contract`
          : '';
    return [p.id ?? '', p.kind, p.underlying, String(p.quantity), detail];
  });
  return { caption: 'Positions (instrument book)', columns: ['id', 'kind', 'underlying', 'quantity', 'terms'], rows };
}

function marginTable(a: AccountResult): Table {
  const rows: Cell[][] = [];
  if (a.tiered) {
    const t = a.tiered;
    const u = t.usdPerUnit;
    rows.push([`Tiered (exchange), ${t.currency}${u !== 1 ? ` → USD at ${u.toLocaleString('en-US')}` : ''}`, t.initial * u, t.maintenance * u, `equity ${Math.round(t.equity * u).toLocaleString('en-US')} USD, MM/equity ${t.marginRatio === null ? '∞ (equity ≤ 0)' : `${(t.marginRatio * 100).toFixed(1)} %`}`]);
  } else {
    rows.push(['Tiered (exchange)', null, null, { text: 'not applicable: options book', tone: 'muted' }]);
  }
  const g = a.grid;
  rows.push([
    'Scenario grid (SPAN-style)',
    g.initial,
    g.maintenance,
    `scan risk ${Math.round(g.scanningRisk).toLocaleString('en-US')} + add-ons ${Math.round(g.addOns).toLocaleString('en-US')} − credits ${Math.round(g.credits).toLocaleString('en-US')}`,
  ]);
  for (const v of a.var) if (v.method === 'historical' || v.method === 'mc-t') rows.push([`${v.label} ES (risk-based margin)`, v.es, null, v.model]);
  return { caption: 'Margin by model (USD)', columns: ['model', 'initial', 'maintenance', 'detail'], rows };
}

function tieredTable(a: AccountResult): Table | null {
  if (!a.tiered) return null;
  const t = a.tiered;
  return {
    caption: `Tiered margin and liquidation by position (${t.currency}${t.currency === 'BTC' ? ', prices in USD' : ''})`,
    columns: ['symbol', 'side', 'qty', 'mark', 'tier', 'initial', 'maint.', 'uPnL', 'liquidation', 'bankruptcy', 'distance'],
    digits: t.currency === 'BTC' ? 4 : 0,
    rows: t.positions.map((p) => [
      p.symbol,
      p.side,
      String(p.qty),
      Math.round(p.mark).toLocaleString('en-US'),
      String(p.tier),
      p.initial,
      p.maintenance,
      p.unrealizedPnl,
      p.liquidationPrice === null ? '—' : Math.round(p.liquidationPrice).toLocaleString('en-US'),
      p.bankruptcyPrice === null ? '—' : Math.round(p.bankruptcyPrice).toLocaleString('en-US'),
      p.distancePercent === null ? '—' : `${p.distancePercent.toFixed(1)} %${p.distanceSigmas === null ? '' : ` · ${p.distanceSigmas.toFixed(1)} σ`}`,
    ]),
  };
}

function varTable(a: AccountResult, confidence: number): Table {
  return {
    caption: `VaR and ES, ${pctText(confidence)}, 1 day (USD)`,
    columns: ['method', 'model', 'VaR', 'ES', 'k / n', 'time (ms)'],
    rows: a.var.map((v) => [v.label, v.model, v.var, v.es, v.n > 0 ? `${v.k.toLocaleString('en-US')} / ${v.n.toLocaleString('en-US')}` : '—', v.elapsedMs.toFixed(1)]),
  };
}

function stressTable(a: AccountResult): Table {
  const s = a.stress;
  const rows: Cell[][] = s.rows.map((r) => [r.name, r.lossFull, r.lossDelta, r.lossFull >= s.threshold ? { text: 'breach', tone: 'bad' } : { text: 'ok', tone: 'good' }]);
  rows.push([
    `reverse: smallest uniform ${s.reverseUniform?.direction ?? 'move'} losing the capital`,
    s.reverseUniform ? s.reverseUniform.loss : null,
    null,
    s.reverseUniform
      ? `${(s.reverseUniform.move * 100).toFixed(1)} % (at 99 % of it: loss ${Math.round(s.reverseUniform.checkLoss).toLocaleString('en-US')})`
      : { text: 'none between −95 % and +500 %', tone: 'good' },
  ]);
  if (s.reverseWorst) {
    const w = s.reverseWorst;
    rows.push([
      'reverse: worst direction (delta model, Mahalanobis)',
      Object.values(w.shock).some((v) => v <= -1) ? null : w.lossFull,
      s.threshold,
      Object.values(w.shock).some((v) => v <= -1)
        ? { text: `${w.distance.toFixed(0)} σ: needs moves beyond −100 % (no plausible breach)`, tone: 'good' }
        : `${w.distance.toFixed(1)} σ: ${Object.entries(w.shock).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join(', ')}`,
    ]);
  }
  return {
    caption: `Stress (USD loss; capital ${Math.round(s.threshold).toLocaleString('en-US')} = ${a.capitalNote})`,
    columns: ['scenario', 'loss (full reval)', 'loss (delta)', 'vs capital'],
    rows,
  };
}

function backtestTable(a: AccountResult): Table {
  return {
    caption: 'Rolling backtest of the 1-day VaR on the static book (hypothetical P&L)',
    columns: ['model', 'days', 'exceedances', 'expected', 'Kupiec p', 'Christoffersen cc p', 'traffic light', 'mean VaR'],
    rows: a.backtests.map((b) => {
      const r = b.result;
      return [b.model, r.n, r.exceedances, ((1 - r.confidence) * r.n).toFixed(1), r.kupiec.pValue.toFixed(3), r.christoffersen.pValueCc.toFixed(3), zoneCell(r.trafficLight.zone), r.meanForecast];
    }),
  };
}

function accountSection(a: AccountResult, r: BatchResult): AccountSection {
  const hist = a.var.find((v) => v.method === 'historical');
  const mct = a.var.find((v) => v.method === 'mc-t');
  const bt = a.backtests[0]?.result;
  const tables = [positionsTable(a), marginTable(a), tieredTable(a), varTable(a, r.options.confidence), stressTable(a), backtestTable(a)].filter((t): t is Table => t !== null);
  const notes = [`Capital: ${a.capitalNote}.`];
  if (a.id === 'basis') notes.push('Tiered margin covers the perp account only; the spot legs sit at a spot venue. The combined book barely moves, but the short perps are liquidated on a rally unless the account is topped up.');
  if (a.id === 'inverse') notes.push('Tiered margin, equity and liquidation are computed in BTC and shown in USD at the BTC mark.');
  if (a.id === 'options') notes.push('Parametric and Monte Carlo VaR use the delta exposures only (no gamma or vega): for a short-gamma book they understate the tail that the full-revaluation historical VaR and the grid see.');
  return {
    id: a.id,
    title: a.name,
    description: a.description,
    tables,
    distribution: hist
      ? {
          title: `Historical daily P&L of today's book (${a.historicalPnl.length.toLocaleString('en-US')} days, full revaluation)`,
          pnl: a.historicalPnl,
          var: hist.var,
          es: hist.es,
          confidence: r.options.confidence,
          unit: 'USD',
          others: mct ? [{ label: 'MC-t VaR', loss: mct.var }] : [],
        }
      : undefined,
    backtest: bt
      ? {
          title: `Backtest: daily loss vs ${a.backtests[0].model} VaR ${pctText(bt.confidence)} (${bt.trafficLight.zone} zone, ${bt.exceedances} exceedances)`,
          // P&L day t is the return from date t to date t+1.
          dates: r.data.dates.slice(bt.start + 1, bt.start + 1 + bt.n),
          losses: bt.losses,
          forecasts: bt.forecasts,
          unit: 'USD',
        }
      : undefined,
    notes,
  };
}

function optimizerSectionOf(r: BatchResult): AccountSection {
  const s = r.optimizer.suggestion!;
  const deltaText = (d: Record<string, number>): string => Object.entries(d).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
  return {
    id: 'optimizer',
    title: 'Optimizer suggestion',
    description: `${s.account}: ${s.description}`,
    tables: [
      {
        caption: 'Suggested trades',
        columns: ['trade', 'quantity', 'unit premium (USD)', 'premium (USD)'],
        rows: s.trades.map((t) => [t.id, t.quantity.toFixed(2), t.unitCostUsd, t.quantity * t.unitCostUsd]),
      },
      {
        caption: 'Before and after (USD; delta in underlying units)',
        columns: ['', 'grid initial margin', 'net delta'],
        rows: [
          ['book as is', s.before.initial, deltaText(s.before.delta)],
          ['with the suggested trades', s.after.initial, deltaText(s.after.delta)],
          ['change', s.after.initial - s.before.initial, `premium ${Math.round(s.premiumUsd).toLocaleString('en-US')} USD, ${s.elapsedMs.toFixed(0)} ms`],
        ],
      },
    ],
    notes: ['A suggestion, not advice: the LP sees only the grid scenarios; fees, slippage and basis are ignored.'],
  };
}

/** The report input of a batch result. */
export function toReportInput(r: BatchResult): ReportInput {
  const A = r.accounts;
  const conf = pctText(r.options.confidence);
  const hist = (a: AccountResult) => a.var.find((v) => v.method === 'historical');
  const mct = (a: AccountResult) => a.var.find((v) => v.method === 'mc-t');
  const ladder: LadderRow[] = [];
  for (const a of A) {
    for (const p of a.tiered?.positions ?? []) {
      ladder.push({
        label: `${SHORT[a.id] ?? a.id} · ${p.symbol}`,
        side: p.side,
        mark: p.mark,
        liquidation: p.liquidationPrice,
        bankruptcy: p.bankruptcyPrice,
        note: p.distanceSigmas === null ? undefined : `${p.distanceSigmas.toFixed(1)} daily σ`,
      });
    }
  }
  const marks = Object.entries(r.data.marks).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
  const v = r.venue;
  const cascade: CascadeChart | undefined = v
    ? {
        title: 'Venue crash replay',
        description: `The shipped SYNTHETIC venue demo (data/venue): ${v.accounts} accounts re-margined on each of ${v.ticks} one-minute marks of a crash feed; liquidations are taken over at the bankruptcy price and sold with square-root impact, so they push the mark below the feed (cascade); the insurance fund pays losses beyond bankruptcy and ADL closes profitable opposite positions when it is empty.`,
        labels: v.labels, symbol: v.symbol, mark: v.mark, feed: v.feed, liquidatedNotional: v.liquidatedNotional, fund: v.fund, currency: v.currency, adl: v.adl,
        table: {
          caption: 'Replay totals',
          columns: ['accounts liquidated', 'liquidations', 'partial', 'bankruptcies', 'ADL fills', 'fund start', 'fund min', 'fund end', 'fees'],
          rows: v.summary.currencies.filter((c) => c.currency === v.currency).map((c) => [
            v.summary.accountsLiquidated, v.summary.liquidations, v.summary.partialLiquidations, v.summary.bankruptcies, v.summary.adlFills, c.fundStart, c.fundMin, c.fundEnd, c.fees,
          ]),
        },
      }
    : undefined;
  return {
    ...(cascade ? { cascade } : {}),
    title: 'margin-engine — margin and risk report',
    generatedAt: `Generated ${new Date().toISOString()} · data ${r.data.first} … ${r.data.last} (${r.data.days.toLocaleString('en-US')} days) · marks ${marks} · ${r.engine.threads} worker thread(s), ${r.engine.kernel} kernels`,
    notices: [
      ...(r.data.synthetic
        ? ['SYNTHETIC DATA — the prices are generated by src/apps/synthetic/synthetic.ts (seeded GARCH(1,1) with Student-t shocks and crash jumps). They are not market data; no date, level or crash shown here happened.']
        : []),
      'The sample accounts, tier tables and option vols are illustrative. Numbers are in USD unless stated; loss is positive.',
    ],
    assumptions: [
      { term: 'Tiered margin', text: 'Exchange style: maintenance-margin-rate brackets by notional (linear: USDT notional; inverse: BTC value), initial = notional / leverage, cross margin, fee to close reserved at the bankruptcy price. Liquidation price: where equity equals maintenance, others held at their marks, tier re-chosen at that price. Tables modelled on public venue brackets, not live.' },
      { term: 'Scenario grid', text: 'SPAN / portfolio-margin style: each underlying fully revalued on a ±16 % × 9-point price grid × implied vol up/unchanged/down (±25 % relative, scaled by tenor), extended moves −66 %/−33 %/+50 %/+100 % counted at 15 %, short-option and spread add-ons, BTC–ETH offset credit 30 %. Maintenance = 80 % of initial.' },
      { term: 'Historical VaR/ES', text: `Today's book fully revalued (options repriced, implied vols unchanged, 1 day of time decay) under each daily return of the whole sample; VaR = k-th largest loss, ES = mean of the k largest, k = ceil((1 − a)·N).` },
      { term: 'Parametric VaR/ES', text: 'Delta-normal: USD delta exposures w (USD P&L per unit log return) from Black–Scholes deltas (options; inverse options with the coin delta, as USD P&L = coin P&L × price) and exact deltas (spot, linear and inverse futures); gamma and vega ignored. σ_p = sqrt(wᵀΣw) with Σ the EWMA (λ = 0.94, RiskMetrics) covariance of daily log returns; zero mean.' },
      { term: 'Monte Carlo VaR/ES', text: `Same delta exposures and EWMA Σ; ${r.options.scenarios.toLocaleString('en-US')} correlated scenarios on the WASM worker pool, normal (mc-normal) or multivariate Student-t with ν = ${r.options.df} scaled to unit variance (mc-t); seed ${r.options.seed}, identical for any thread count.` },
      { term: 'Stress', text: 'Hypothetical: uniform ±20 %/±40 % moves and a mixed crash, full revaluation (vols unchanged, no time decay) and the delta model. Reverse: smallest uniform move (falls and rises searched) whose full-revaluation loss reaches the capital; worst direction: the smallest Mahalanobis-distance shock of the delta model (distance in daily σ of the EWMA Σ).' },
      { term: 'Backtest', text: `Static book (today's positions applied to past returns). Rolling ${r.options.backtestWindow}-day historical VaR and EWMA-normal VaR at ${conf} against the next day's loss; Kupiec POF, Christoffersen conditional coverage (5 % tests) and the Basel traffic light scaled to the number of days.` },
      { term: 'Optimizer', text: r.optimizer.message.replace(/^optimizer: /, '') },
    ],
    overview: {
      caption: `Per account (USD; VaR/ES ${conf}, 1 day)`,
      columns: ['account', 'capital', 'tiered IM', 'grid IM', 'hist. VaR', 'hist. ES', 'MC-t ES', 'worst stress', 'backtest (exc.)'],
      rows: A.map((a) => [
        a.name,
        a.capitalUsd,
        a.tiered ? a.tiered.initial * a.tiered.usdPerUnit : null,
        a.grid.initial,
        hist(a)?.var ?? null,
        hist(a)?.es ?? null,
        mct(a)?.es ?? null,
        Math.max(...a.stress.rows.map((s) => s.lossFull)),
        a.backtests[0] ? zoneCell(a.backtests[0].result.trafficLight.zone, `${a.backtests[0].result.trafficLight.zone} · ${a.backtests[0].result.exceedances}`) : null,
      ]),
    },
    marginByModel: {
      title: 'Margin by model, per account (USD): exchange tiers, scenario grid, risk-based ES',
      unit: 'USD',
      categories: A.map((a) => SHORT[a.id] ?? a.name),
      series: [
        { name: 'tiered initial', values: A.map((a) => (a.tiered ? a.tiered.initial * a.tiered.usdPerUnit : null)) },
        { name: 'tiered maintenance', values: A.map((a) => (a.tiered ? a.tiered.maintenance * a.tiered.usdPerUnit : null)) },
        { name: 'scenario grid', values: A.map((a) => a.grid.initial) },
        { name: `historical ES ${conf}`, values: A.map((a) => hist(a)?.es ?? null) },
        { name: `MC-t ES ${conf}`, values: A.map((a) => mct(a)?.es ?? null) },
      ],
    },
    ladder: { title: 'Mark vs liquidation and bankruptcy prices (tiered accounts, cross margin)', rows: ladder },
    accounts: A.map((a) => accountSection(a, r)),
    sections: r.optimizer.suggestion ? [optimizerSectionOf(r)] : [],
    appendix: [
      {
        caption: 'Timings (ms)',
        columns: ['step', ...A.map((a) => SHORT[a.id] ?? a.id)],
        rows: ['tiered', 'grid', 'historical P&L', 'historical', 'parametric', 'mc-normal', 'mc-t', 'stress', 'backtest'].map((s) => [s, ...A.map((a) => (a.timings[s] === undefined ? null : a.timings[s].toFixed(1)))]),
      },
      {
        caption: 'Run',
        columns: ['item', 'value'],
        rows: [
          ['data file', r.data.path],
          ['data check', r.data.longFormatCheck],
          ['engine', `${r.engine.threads} thread(s), ${r.engine.kernel}, start ${r.engine.startMs.toFixed(0)} ms`],
          ...Object.entries(r.timings).map(([k, v]): Cell[] => [k, `${v.toFixed(0)} ms`]),
        ],
      },
    ],
    footer: ['margin-engine · self-contained report: inline CSS and SVG, no scripts, no network requests.'],
  };
}
