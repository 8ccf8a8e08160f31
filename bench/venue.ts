/**
 * Venue simulator timings (not a `run.ts` suite). Writes bench/results/venue.json and venue.md.
 *  1. 100,000 synthetic accounts × 10 symbols: one mark tick (all 10 symbols move) re-margined on
 *     one thread — the median over 41 ticks alternating ±0.1 % (incremental: only the holders of
 *     the moved symbols are touched; the cascade check runs on the units near maintenance).
 *  2. The same book over a 1,440-tick Monte Carlo crash path (one minute per tick, Student-t(4),
 *     jumps, drift down), events collected, one thread (in-process) and as one pool task.
 *  3. Fund sizing: 10,000 accounts, 1,000 stressed paths of `--ticks` ticks (default 288: one day
 *     in 5-minute marks), each path run twice (requirement with waterfall 'none', and the venue's own
 *     ADL waterfall) plus the Cover-2 shadow pass, on 2 threads; then the first 100 paths on 1 thread,
 *     which must equal the two-thread run's first 100 paths.
 *
 *   npm run build && flock /tmp/margin-bench.lock node build/bench/venue.js [--paths 1000] [--paths1 100] [--ticks 288]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../src/engine/index.js';
import {
  continueRun, prepareBook, scenarioPath, simulateBook, startRun, syntheticVenue, type MonteCarloSpec, type PricePath, type VenueConfig,
} from '../src/solvency/index.js';
import { machineInfo, resultsDir } from './lib/machine.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const load = os.loadavg()[0]!;
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 5000);
  const rows: { row: string; ms: number; cpuMs?: number; note: string }[] = [];
  // CPU time of the whole process (all threads): on a shared, loaded machine it moves far less than wall time
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let c0 = cpu();

  // 1. one tick, 100k accounts × 10 symbols
  const big = syntheticVenue(100_000, 10, 7);
  let t0 = performance.now();
  const book = prepareBook(big.accounts, big.tables);
  const prepMs = performance.now() - t0;
  rows.push({ row: 'prepare 100,000 accounts (validate + pack)', ms: prepMs, note: `${book.nUnits} margin units, ${book.nPositions} positions` });
  const config: VenueConfig = {
    fund: { USDT: 2e6 }, takerFee: 0.0005,
    impact: Object.fromEntries(big.symbols.map((s, i) => [s, { model: 'sqrt' as const, depth: (i === 0 ? 2e5 : i === 1 ? 2e6 : 4e8 / (i + 1)), coefficient: 0.03 }])),
  };
  const reps = 41;
  const calm: PricePath = {
    symbols: big.symbols, times: Float64Array.from({ length: reps + 1 }, (_, t) => t),
    marks: Float64Array.from({ length: (reps + 1) * 10 }, (_, k) => big.start[k % 10]! * (Math.floor(k / 10) % 2 ? 0.999 : 1)),
  };
  const st = startRun(book, calm, config);
  const tickMs: number[] = [];
  const tickCpu: number[] = [];
  for (let t = 1; t <= reps; t++) {
    t0 = performance.now();
    c0 = cpu();
    continueRun(st, calm, t, t + 1, null);
    tickMs.push(performance.now() - t0);
    tickCpu.push(cpu() - c0);
  }
  rows.push({ row: 'one mark tick, 100,000 accounts × 10 symbols, 1 thread', ms: median(tickMs), cpuMs: median(tickCpu), note: `median of ${reps} ticks (±0.1 %); min ${Math.min(...tickMs).toFixed(1)} ms, max ${Math.max(...tickMs).toFixed(1)} ms; ${st.counts.liquidations} liquidations` });
  console.log(rows.at(-1));

  // 2. 1,440-tick crash path
  const crash: MonteCarloSpec = {
    kind: 'monte-carlo', symbols: big.symbols, start: big.start, ticks: 1439, dtDays: 1 / 1440,
    vol: big.symbols.map(() => 0.9), drift: big.symbols.map(() => -60), rho: 0.85, df: 4, jumps: { intensity: 6, mean: -0.04, sd: 0.03 }, seed: 2026,
  };
  const crashPath = scenarioPath(crash, 0);
  const moderate: MonteCarloSpec = { ...crash, vol: big.symbols.map(() => 0.6), drift: big.symbols.map(() => 0), jumps: { intensity: 2, mean: -0.02, sd: 0.02 }, seed: 2027 };
  let res = null as unknown as ReturnType<typeof simulateBook>;
  const modPath = scenarioPath(moderate, 0);
  for (const [label, spec] of [['extreme crash (drift −60/yr-unit, jumps 6/day mean −4 %)', crash], ['moderate day (vol 60 %, no drift, jumps 2/day mean −2 %)', moderate]] as const) {
    const p = spec === crash ? crashPath : modPath;
    t0 = performance.now();
    c0 = cpu();
    res = simulateBook(book, p, config);
    const ms = performance.now() - t0;
    const cpuMs = cpu() - c0;
    const s = res.summary;
    const usdt = s.currencies.find((c) => c.currency === 'USDT')!;
    rows.push({
      row: `1,440-tick path, ${label}, 100,000 accounts × 10 symbols, 1 thread (in-process)`, ms, cpuMs,
      note: `${s.liquidations} liquidations (${s.partialLiquidations} partial) of ${s.accountsLiquidated} accounts, ${s.bankruptcies} bankruptcies, ${s.adlFills} ADL fills, ${res.events.length} events; fund ${usdt.fundStart} → ${usdt.fundEnd.toFixed(0)} (min ${usdt.fundMin.toFixed(0)}); ledger drift ${Math.abs(usdt.ledgerEnd - usdt.ledgerStart).toExponential(2)} USDT`,
    });
    console.log(rows.at(-1));
  }
  {
    const engine = await createEngine({ threads: 1 });
    t0 = performance.now();
    c0 = cpu();
    const viaPool = await engine.simulateVenue(big.accounts, modPath, { ...config, tables: big.tables });
    const ms = performance.now() - t0;
    const cpuMs = cpu() - c0;
    if (JSON.stringify(viaPool.summary) !== JSON.stringify(res.summary)) throw new Error('pool run differs from the in-process run');
    rows.push({ row: '1,440-tick moderate path via engine.simulateVenue (pack + one task + result back)', ms, cpuMs, note: 'same summary as in-process' });
    console.log(rows.at(-1));
    await engine.close();
  }

  // 3. sizing: 10,000 accounts, 1,000 paths
  const paths = arg('paths', 1000);
  const ticks = arg('ticks', 288);
  const small = syntheticVenue(10_000, 10, 8);
  // one stressed day in 5-minute marks: fat tails, jumps, a −20 %-per-year-unit drift
  const spec: MonteCarloSpec = { ...crash, ticks: ticks - 1, dtDays: 1 / (ticks - 1), drift: big.symbols.map(() => -20), seed: 77 };
  const sizingConfig = { ...config, fund: { USDT: 2e5 }, tables: small.tables };
  const results: { currencies: { requirements: Float64Array; cover2: Float64Array; adlVolumes: Float64Array }[] }[] = [];
  const onePaths = arg('paths1', 100);
  for (const threads of [2, 1]) {
    const engine = await createEngine({ threads });
    t0 = performance.now();
    c0 = cpu();
    const n = threads === 2 ? paths : onePaths;
    const r = await engine.venueSizing(small.accounts, spec, sizingConfig, { paths: n, confidence: 0.999 });
    const ms = performance.now() - t0;
    const cpuMs = cpu() - c0;
    await engine.close();
    results.push(r);
    const u = r.currencies.find((c) => c.currency === 'USDT')!;
    rows.push({
      row: `fund sizing: 10,000 accounts, ${n} paths × ${ticks} ticks, ${threads} thread${threads > 1 ? 's' : ''}`, ms, cpuMs,
      note: `99.9 % fund ${u.fundAtConfidence.toFixed(0)} USDT (k = ${r.k}), mean ${u.meanRequirement.toFixed(0)}, max ${u.maxRequirement.toFixed(0)}; Cover-2 at 99.9 % ${u.cover2AtConfidence.toFixed(0)}; ADL in ${(100 * u.adlProbability).toFixed(1)} % of paths; ${r.liquidationsPerPath.mean.toFixed(0)} liquidations per path`,
    });
    console.log(rows.at(-1));
  }
  // path k's numbers do not depend on the thread count or the split: the one-thread run's paths equal the first paths of the two-thread run
  for (let c = 0; c < results[0]!.currencies.length; c++) {
    for (const f of ['requirements', 'cover2', 'adlVolumes'] as const) {
      const a = results[0]!.currencies[c]![f].subarray(0, onePaths);
      const b = results[1]!.currencies[c]![f];
      if (a.some((x, i) => x !== b[i])) throw new Error(`sizing ${f} differs between 1 and 2 threads`);
    }
  }
  clearInterval(sampler);
  const loadMax = Math.max(load, ...loads);
  const machine = machineInfo();
  const out = { suite: 'venue', node: process.version, loadAverage1mAtStart: load, loadAverage1mMax: loadMax, machine, rows };
  const dir = resultsDir();
  writeFileSync(path.join(dir, 'venue.json'), `${JSON.stringify(out, null, 2)}\n`);
  const md = [
    '# Venue simulator', '',
    `Synthetic books (src/solvency/synthetic.ts), Node ${process.version}, ${machine.cpuModel}, ${machine.cores} cores; 1-minute load ${load.toFixed(2)} at start, up to ${loadMax.toFixed(2)} during the run (a shared machine: wall times stretch with the load; CPU time is the process's user + system time over all its threads).`,
    'Targets (issue 17): one tick of 100,000 accounts × 10 symbols < 100 ms on one thread; a 1,440-tick path < 10 s; 1,000 stressed paths for 10,000 accounts < 5 min on 2 threads.', '',
    '| row | wall time | CPU time | note |', '| --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.row} | ${fmtMs(r.ms)} | ${r.cpuMs === undefined ? '—' : fmtMs(r.cpuMs)} | ${r.note} |`), '',
  ].join('\n');
  writeFileSync(path.join(dir, 'venue.md'), md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
