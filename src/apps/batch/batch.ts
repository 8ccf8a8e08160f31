/**
 * The main job (`npm start`): loads the shipped SYNTHETIC crypto data, builds the sample accounts
 * and, for each, computes tiered margin and liquidation prices (futures accounts), scenario-grid
 * margin, VaR/ES by four methods, hypothetical and reverse stress, and a rolling backtest of the
 * historical VaR; prints a summary and writes a self-contained HTML report. No external service.
 *
 * Programmatic use: `await runBatch({ scenarios: 20_000, reportPath: null })`.
 */
import { ValidationError } from '../../errors/index.js';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../engine/index.js';
import type { VarMethod } from '../../engine/index.js';
import { sampleTierTables } from '../../margin/index.js';
import type { TierTable, TierTableInput } from '../../margin/tiered/index.js';
import { parseCsv, returns } from '../../market/index.js';
import type { PriceSeries } from '../../market/index.js';
import type { RollingBacktestResult } from '../../backtest/index.js';
import { buildReport } from '../report/index.js';
import { packageRoot } from '../../util/index.js';
import { FACTORS, SOLUSDT_TABLE, sampleAccounts, type Factor, type SampleAccount } from './accounts.js';
import { deltaExposures, historicalPnl, stressBook, type StressReport } from './analytics.js';
import { formatSummary } from './summary.js';
import { toReportInput } from './report-input.js';
import { suggestGridHedge, type HedgeSuggestion } from './optimizer.js';
import { venueReplay, type VenueReplay } from './venue.js';
import type { AccountResult, BatchOptions, BatchResult, Filled, GridSummary, TieredSummary, VarRow } from './types.js';

export const BATCH_DEFAULTS = Object.freeze({
  scenarios: 1_000_000,
  wasm: 'auto' as boolean | 'auto',
  seed: 42,
  confidence: 0.99,
  df: 4,
  backtestWindow: 250,
  ewmaLambda: 0.94,
});

function fill(o: BatchOptions): Filled {
  const f: Filled = {
    scenarios: o.scenarios ?? BATCH_DEFAULTS.scenarios,
    wasm: o.wasm ?? BATCH_DEFAULTS.wasm,
    seed: o.seed ?? BATCH_DEFAULTS.seed,
    confidence: o.confidence ?? BATCH_DEFAULTS.confidence,
    df: o.df ?? BATCH_DEFAULTS.df,
    backtestWindow: o.backtestWindow ?? BATCH_DEFAULTS.backtestWindow,
    ewmaLambda: o.ewmaLambda ?? BATCH_DEFAULTS.ewmaLambda,
    dataPath: o.dataPath ?? join(packageRoot(), 'data', 'crypto', 'synthetic-daily.csv'),
    reportPath: o.reportPath === undefined ? resolve('reports', 'margin-report.html') : o.reportPath,
    threads: o.threads,
  };
  if (!(Number.isInteger(f.scenarios) && f.scenarios >= 1000)) throw new ValidationError('options.scenarios', 'range', `must be an integer ≥ 1000; got ${f.scenarios}`, f.scenarios);
  if (!(f.confidence > 0.5 && f.confidence < 1)) throw new ValidationError('options.confidence', 'range', `must be in (0.5, 1); got ${f.confidence}`, f.confidence);
  if (!(Number.isInteger(f.backtestWindow) && f.backtestWindow >= 20)) throw new ValidationError('options.backtestWindow', 'range', `must be an integer ≥ 20; got ${f.backtestWindow}`, f.backtestWindow);
  return f;
}

/** Times a step, recording its duration (ms) in `into[name]`. */
async function timed<T>(into: Record<string, number>, name: string, fn: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    into[name] = performance.now() - t0;
  }
}

/**
 * Optimizer section: the min-grid-margin hedge of the options book. A failure of the optimizer does
 * not fail the batch; the section then says why it is missing.
 */
async function optimizerSection(accounts: AccountResult[], market: { prices: Record<string, number> }): Promise<BatchResult['optimizer']> {
  const book = accounts.find((a) => a.id === 'options');
  if (!book) return { available: false, message: 'optimizer: no options book in this run — section omitted.', suggestion: null };
  try {
    const s = await suggestGridHedge(book.name, book.positions, market);
    return {
      available: true,
      message: `optimizer: ${book.name} grid margin ${Math.round(s.before.initial).toLocaleString('en-US')} → ${Math.round(s.after.initial).toLocaleString('en-US')} USD with ${s.trades.length} trade(s), premium ${Math.round(s.premiumUsd).toLocaleString('en-US')} USD (HiGHS, ${s.elapsedMs.toFixed(0)} ms)`,
      suggestion: s,
    };
  } catch (e) {
    return { available: false, message: `optimizer: failed (${e instanceof Error ? e.message : String(e)}) — section omitted.`, suggestion: null };
  }
}

function checkLongFormat(widePath: string, wide: { dates: string[]; symbols: string[]; prices: number[][] }): string {
  const longPath = join(dirname(widePath), 'synthetic-long.csv');
  if (!existsSync(longPath)) return 'long-format sample not found (skipped)';
  const long = parseCsv(readFileSync(longPath, 'utf8'));
  const T = long.dates.length;
  const offset = wide.dates.length - T;
  let mismatches = 0;
  long.symbols.forEach((sym, j) => {
    const w = wide.symbols.indexOf(sym.replace(/USDT$/, ''));
    for (let t = 0; t < T; t++) if (w < 0 || wide.dates[offset + t] !== long.dates[t] || wide.prices[offset + t][w] !== long.prices[t][j]) mismatches++;
  });
  return mismatches === 0
    ? `long-format export (${long.symbols.join(', ')}, ${T} days) matches the wide file`
    : `long-format export differs from the wide file in ${mismatches} cells`;
}

/**
 * Reads the price CSV. A missing or unreadable file and a malformed one are bad input, named as
 * `options.dataPath` like the column check below (the inner field, e.g. `prices[3][1]`, stays in the message).
 */
async function loadData(path: string): Promise<PriceSeries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ValidationError('options.dataPath', 'readable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
  try {
    return parseCsv(text);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError('options.dataPath', e.rule, `${path}: ${e.message}`, path);
    throw e;
  }
}

/** The report's directory exists (created if needed) and is writable. */
function checkWritable(reportPath: string): void {
  const dir = dirname(reportPath);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new ValidationError('options.reportPath', 'writable', `cannot write ${reportPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, reportPath);
  }
}

/**
 * Runs the whole batch. Resolves with every number it printed; writes the report unless
 * `reportPath` is null. The engine is created and closed here.
 */
export async function runBatch(options: BatchOptions = {}): Promise<BatchResult> {
  const o = fill(options);
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const progress = (line: string): void => log?.(`  … ${line}`);
  const timings: Record<string, number> = {};
  const tStart = performance.now();

  // Check where the report goes before minutes of work, not after.
  if (o.reportPath !== null) checkWritable(o.reportPath);

  // Market data.
  const series = await timed(timings, 'load data', () => loadData(o.dataPath));
  const colOf = (f: Factor): number => {
    const j = series.symbols.indexOf(f);
    if (j < 0) throw new ValidationError('options.dataPath', 'columns', `data file ${o.dataPath} has no column ${f}; got ${series.symbols.join(', ')}`, o.dataPath);
    return j;
  };
  const cols = FACTORS.map(colOf);
  const prices = series.prices.map((row) => cols.map((j) => row[j]));
  const rets = returns(prices);
  const last = prices[prices.length - 1];
  const marks = Object.fromEntries(FACTORS.map((f, i) => [f, last[i]])) as Record<Factor, number>;
  const longFormatCheck = checkLongFormat(o.dataPath, series);
  const market = { prices: { ...marks } };
  const synthetic = /synthetic/i.test(o.dataPath);

  // Engine (worker pool): every model step below runs on it.
  const tEngine = performance.now();
  const engine = await createEngine({ ...(o.threads === undefined ? {} : { threads: o.threads }), wasm: o.wasm });
  const engineInfo = { threads: engine.threads, kernel: (engine.wasm ? 'wasm' : 'ts') as 'wasm' | 'ts', startMs: performance.now() - tEngine };
  timings['engine start'] = engineInfo.startMs;
  progress(`engine: ${engine.threads} worker thread(s), ${engineInfo.kernel} kernels`);
  const { covariance } = await timed(timings, 'EWMA covariance', () => engine.covariance(rets, { method: 'ewma', lambda: o.ewmaLambda }));
  const dailyVol = Object.fromEntries(FACTORS.map((f, i) => [f, Math.sqrt(covariance[i][i])])) as Record<Factor, number>;

  const tables: Record<string, TierTable | TierTableInput> = { ...sampleTierTables(), SOLUSDT: SOLUSDT_TABLE };
  const accounts: AccountResult[] = [];
  const tAccounts = performance.now();
  let venue: VenueReplay | null = null;
  try {
    for (const acc of sampleAccounts(marks)) {
      const t: Record<string, number> = {};
      const exposures = deltaExposures(acc.book, marks, FACTORS);

      let tieredSummary: TieredSummary | null = null;
      if (acc.tiered) {
        const spec = acc.tiered;
        const tm: Record<string, number> = {};
        const vols: Record<string, number> = {};
        for (const [sym, u] of Object.entries(spec.underlyingOf)) {
          tm[sym] = marks[u];
          vols[sym] = dailyVol[u];
        }
        const r = await timed(t, 'tiered', () => engine.margin(spec.account, { marks: tm, tables }, { model: 'tiered', dailyVol: vols }));
        tieredSummary = {
          currency: r.currency,
          usdPerUnit: spec.usdPerUnit,
          initial: r.initial,
          maintenance: r.maintenance,
          equity: r.equity,
          marginRatio: r.marginRatio,
          positions: r.positions.map((p) => ({
            symbol: p.symbol,
            underlying: spec.underlyingOf[p.symbol],
            side: p.side,
            qty: p.qty,
            mark: p.markPrice,
            tier: p.tier,
            initial: p.initial,
            maintenance: p.maintenance,
            unrealizedPnl: p.unrealizedPnl,
            liquidationPrice: p.liquidationPrice,
            bankruptcyPrice: p.bankruptcyPrice,
            distancePercent: p.distance?.percent ?? null,
            distanceSigmas: p.distance?.sigmas ?? null,
          })),
        };
      }

      const g = await timed(t, 'grid', () => engine.margin({ positions: acc.book }, market, { model: 'scenario-grid' }));
      const grid: GridSummary = {
        initial: g.initial,
        maintenance: g.maintenance,
        scanningRisk: g.scanningRisk,
        addOns: g.addOns.total,
        credits: g.offsets.total,
        byUnderlying: g.byUnderlying.map((u) => ({
          underlying: u.underlying, worstLoss: u.worstLoss, priceMove: u.worstScenario.priceMove, vol: u.worstScenario.vol, extended: u.worstScenario.extended,
        })),
      };

      // VaR/ES: historical on full revaluation; parametric and MC on the delta exposures.
      const pnl = await timed(t, 'historical P&L', () => historicalPnl(acc.book, market, rets, FACTORS, 1));
      const base = { confidence: o.confidence, horizonDays: 1 };
      const varRows: VarRow[] = [];
      const run = async (method: VarMethod, label: string, model: string, mkt: Parameters<typeof engine.var>[1], extra: object = {}): Promise<void> => {
        const r = await timed(t, label, () => engine.var({ exposures }, mkt, { ...base, method, ...extra }));
        varRows.push({ method, label, model, var: r.var, es: r.es, k: r.k, n: r.n, kernel: r.kernel, elapsedMs: r.elapsedMs });
      };
      await run('historical', 'historical', `full revaluation, ${pnl.length} days`, { pnl: Array.from(pnl) });
      await run('parametric', 'parametric', 'delta-normal, EWMA Σ', { covariance });
      await run('mc-normal', 'mc-normal', `delta, EWMA Σ, ${o.scenarios.toLocaleString('en-US')} scen.`, { covariance }, { scenarios: o.scenarios, seed: o.seed });
      await run('mc-t', 'mc-t', `delta, EWMA Σ, t ν=${o.df}, ${o.scenarios.toLocaleString('en-US')} scen.`, { covariance }, { scenarios: o.scenarios, seed: o.seed, df: o.df });

      // Capital and stress.
      const capitalUsd = acc.capitalUsd ?? (tieredSummary ? tieredSummary.equity * tieredSummary.usdPerUnit : 0) + (acc.extraCapitalUsd ?? 0);
      const stress = await timed(t, 'stress', () => stressBook(acc.book, market, FACTORS, exposures, covariance, capitalUsd));

      // Rolling backtests of the daily VaR on the static book's historical P&L.
      const series = Array.from(pnl);
      const backtests = await timed(t, 'backtest', async () => [
        { model: `historical ${o.backtestWindow}d`, result: await engine.backtest(series, undefined, { model: 'historical', window: o.backtestWindow, confidence: o.confidence }) },
        { model: `EWMA-normal λ=${o.ewmaLambda}`, result: await engine.backtest(series, undefined, { model: 'ewma', lambda: o.ewmaLambda, window: o.backtestWindow, confidence: o.confidence }) },
      ]);
      accounts.push({
        id: acc.id, name: acc.name, description: acc.description, positions: acc.book, exposures,
        tiered: tieredSummary, grid, var: varRows, historicalPnl: pnl, capitalUsd, capitalNote: acc.capitalNote,
        stress, backtests, timings: t,
      });
      progress(`${acc.name}: ${Object.values(t).reduce((a, b) => a + b, 0).toFixed(0)} ms`);
    }
    venue = await timed(timings, 'venue replay', () => venueReplay(engine));
    progress(`venue crash replay: ${venue.summary.liquidations} liquidations, ${venue.summary.adlFills} ADL fills`);
  } finally {
    await engine.close();
  }
  timings['accounts'] = performance.now() - tAccounts;
  const optimizer = await timed(timings, 'optimizer', () => optimizerSection(accounts, market));

  const result: BatchResult = {
    options: o,
    data: {
      path: o.dataPath, synthetic, first: series.dates[0], last: series.dates[series.dates.length - 1], days: series.dates.length,
      symbols: [...FACTORS], dates: series.dates, marks, dailyVol, covariance, longFormatCheck,
    },
    engine: engineInfo,
    accounts,
    optimizer,
    venue,
    timings,
    reportPath: o.reportPath,
    html: '',
    summary: '',
  };
  result.html = await timed(timings, 'report', () => buildReport(toReportInput(result)));
  if (o.reportPath !== null) {
    mkdirSync(dirname(o.reportPath), { recursive: true });
    const tmp = `${o.reportPath}.tmp-${process.pid}`;
    writeFileSync(tmp, result.html);
    // Atomic replace: a reader never sees a half-written report.
    renameSync(tmp, o.reportPath);
  }
  timings['total'] = performance.now() - tStart;
  result.summary = formatSummary(result);
  if (log) for (const line of result.summary.split('\n')) log(line);
  return result;
}

// Script entry: `npm start` (node build/src/apps/batch/batch.js).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBatch().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
