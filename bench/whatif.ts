/**
 * Pre-trade what-if latency (not a `run.ts` suite): one 50-position cross account, 2,000 orders
 * (adds, reductions, closes, flips, new symbols), each answered by a prepared session
 * (`prepareWhatIf(...).order`, incremental) with the tiered model alone and with tiered + scenario
 * grid; next to a full recompute of the account with the order applied (tiered: validate + solve;
 * grid: full revaluation) and to `engine.whatIf` through a one-thread pool (prepare + order per call).
 * Every incremental answer is checked against the full recompute before its time counts.
 * Writes bench/results/whatif.json and .md.
 *
 *   npm run build && flock /tmp/margin-bench.lock node build/bench/whatif.js [--orders 2000]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../src/engine/index.js';
import { tieredMargin } from '../src/margin/tiered/index.js';
import { gridMargin } from '../src/margin/grid/index.js';
import { prepareWhatIf, type Order } from '../src/whatif/index.js';
import { account, tables } from '../test/whatif/fixtures.js';
import { machineInfo, resultsDir } from './lib/machine.js';
import { percentile } from './lib/stats.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(a), Math.abs(b));

async function main(): Promise<void> {
  const N = 50;
  const nOrders = arg('orders', 2000);
  const t = tables(N + 10);
  const { account: acc, marks } = account(N);
  for (let i = N; i < N + 10; i++) marks[`SYM${i}USDT`] = 50 + i;
  let s = 99;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const orders: Order[] = Array.from({ length: nOrders }, () => {
    const i = Math.floor(rnd() * (N + 10));
    const sym = `SYM${i}USDT`;
    const q = i < N ? Math.abs(acc.positions[i]!.qty) : 50;
    const kind = rnd();
    const qty = kind < 0.1 ? q : kind < 0.2 ? 2 * q : (0.05 + rnd() * 0.5) * q; // close, flip, partial
    return { symbol: sym, side: rnd() < 0.5 ? 'buy' : 'sell', qty, leverage: 10 };
  });
  const market = { marks, tables: t };
  const load = os.loadavg();

  const tieredSession = prepareWhatIf(acc, market, { dailyVol: 0.04 });
  const gridSession = prepareWhatIf(acc, market, { dailyVol: 0.04, models: ['tiered', 'scenario-grid'] });

  // correctness before timing: every order against a full recompute
  let worstTiered = 0;
  let worstGrid = 0;
  for (const o of orders) {
    const r = gridSession.order(o);
    if (r.flags.rule === 'order-validation') continue;
    const after = gridSession.accountAfter(o);
    const full = tieredMargin(after, marks, t, { dailyVol: 0.04 });
    worstTiered = Math.max(worstTiered, rel(r.models.tiered!.after.maintenance, full.maintenance), rel(r.models.tiered!.after.initial, full.initial));
    const book = gridSession.books(o).after!;
    const prices = Object.fromEntries(book.map((p) => [p.underlying, (p as { markPrice: number }).markPrice]));
    worstGrid = Math.max(worstGrid, rel(r.models['scenario-grid']!.after.initial, gridMargin(book, { prices }).initial));
  }
  if (!(worstTiered < 1e-12) || !(worstGrid < 1e-9)) throw new Error(`what-if differs from the full recompute: tiered ${worstTiered}, grid ${worstGrid}`);

  const time = (f: (o: Order) => unknown, rounds = 3): number[] => {
    const out: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const o of orders) {
        const t0 = performance.now();
        f(o);
        const dt = performance.now() - t0;
        if (r > 0) out.push(dt); // round 0 warms up
      }
    }
    return out;
  };
  const rows: Array<{ row: string; p50Us: number; p99Us: number; maxUs: number; n: number }> = [];
  const add = (row: string, ms: number[]) => {
    rows.push({ row, p50Us: 1000 * percentile(ms, 50), p99Us: 1000 * percentile(ms, 99), maxUs: 1000 * Math.max(...ms), n: ms.length });
    console.log(`${row.padEnd(70)} p50 ${(1000 * percentile(ms, 50)).toFixed(1).padStart(8)} µs  p99 ${(1000 * percentile(ms, 99)).toFixed(1).padStart(8)} µs`);
  };
  add('what-if, tiered (prepared session, incremental)', time((o) => tieredSession.order(o)));
  add('what-if, tiered + scenario grid (prepared session, incremental)', time((o) => gridSession.order(o)));
  add('full recompute, tiered (validate + solve the account after the order)', time((o) => tieredMargin(tieredSession.accountAfter(o), marks, t, { dailyVol: 0.04 })));
  add('full recompute, scenario grid (revalue the book after the order)', time((o) => {
    const book = gridSession.books(o).after;
    if (book) gridMargin(book, { prices: Object.fromEntries(book.map((p) => [p.underlying, (p as { markPrice: number }).markPrice])) });
  }, 2));
  const engine = await createEngine({ threads: 1 });
  try {
    const ms: number[] = [];
    const sample = orders.slice(0, Math.min(300, orders.length));
    for (let r = 0; r < 2; r++) {
      for (const o of sample) {
        const t0 = performance.now();
        await engine.whatIf(acc, o, market, { dailyVol: 0.04, models: ['tiered', 'scenario-grid'] });
        if (r > 0) ms.push(performance.now() - t0);
      }
    }
    add('engine.whatIf through the pool (1 thread; prepare + order per call)', ms);
  } finally {
    await engine.close();
  }
  const loadAfter = os.loadavg();
  const out = {
    suite: 'whatif', date: new Date().toISOString(), node: process.version, machine: machineInfo(),
    load1: { before: load[0], after: loadAfter[0] }, positions: N, orders: nOrders,
    check: { worstRelDiffTiered: worstTiered, worstRelDiffGrid: worstGrid }, rows,
    targets: { tieredP99Us: 1000, gridP99Us: 5000 },
  };
  const dir = resultsDir();
  writeFileSync(path.join(dir, 'whatif.json'), JSON.stringify(out, null, 2) + '\n');
  const md = [
    '# Pre-trade what-if latency',
    '',
    `${out.date.slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${out.machine.cpuModel} (${out.machine.cores} cores), 1-minute load ${load[0].toFixed(2)} before / ${loadAfter[0].toFixed(2)} after.`,
    `One cross account of ${N} linear perps (3-bracket tables), ${nOrders} orders (10 % closes, 10 % flips, the rest partial adds/reductions, 1 in 6 on a new symbol), timed per order over 2 rounds after a warm-up round.`,
    `Checked first: every incremental answer equals the full recompute (worst relative difference: tiered ${worstTiered.toExponential(1)}, grid ${worstGrid.toExponential(1)}).`,
    '',
    '| row | p50 (µs) | p99 (µs) | max (µs) | orders timed |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.row} | ${r.p50Us.toFixed(1)} | ${r.p99Us.toFixed(1)} | ${r.maxUs.toFixed(0)} | ${r.n} |`),
    '',
    `Targets: tiered p99 < 1,000 µs — ${rows[0]!.p99Us < 1000 ? 'met' : 'missed'}; tiered + grid p99 < 5,000 µs — ${rows[1]!.p99Us < 5000 ? 'met' : 'missed'}.`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'whatif.md'), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
