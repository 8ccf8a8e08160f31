/**
 * The history-driven VaR methods (historical, filtered historical, Cornish–Fisher, stressed
 * window) as one pool task: losses from the factor or P&L history, the tail and its attribution.
 * The engine fans the FHS volatility fits out first (one task per factor) and hands their paths in.
 */
import { ValidationError } from '../errors/index.js';
import { filteredHistoricalScenarios, requireTailSample } from '../risk/index.js';
import { defineTask } from '../pool/index.js';
import type { VarOptionsParsed } from '../schemas/index.js';
import { componentFromTail, contributionsFrom, historicalLosses, historicalLossesFromPnl, windowReturns, cornishFisherLevels, dailyLosses, stressedWindow, checkReturns, levelsFromLosses, tailCount } from '../risk/index.js';
import type { Contribution, ResolvedBook, LevelResult } from '../risk/index.js';
import type { VarExtra } from './var-types.js';

/** A conditional-volatility path of one factor and its one-step forecast. */
export interface VolPath {
  path: Float64Array;
  forecast: number;
}

export interface VarHistoryInput {
  book: ResolvedBook;
  /** Parsed options (schema defaults applied); `method` is one of the history-driven methods. */
  options: VarOptionsParsed;
  levels: number[];
  /** FHS only: each factor's volatility path (fitted on the log returns). */
  fhs?: { paths: VolPath[] };
  /** market.returns packed row-major (see {@link packHistoryInput}). */
  packedReturns?: PackedMatrix;
}

/** A T×N matrix row-major in shared memory: workers read it in place, nothing is copied per task. */
export interface PackedMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Packs a validated rectangular history (see `checkReturns`) into shared memory. */
export function packShared(r: readonly (readonly number[])[], cols: number): PackedMatrix {
  const data = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, r.length * cols)), 0, r.length * cols);
  for (let t = 0; t < r.length; t++) data.set(r[t], t * cols);
  return { data, rows: r.length, cols };
}

/**
 * The book as it crosses to the worker: the return history packed row-major in shared memory
 * (given, when the caller packed it already), not T small arrays (each cloned and collected on
 * its own; measured ~10× the cost on 80,000 × 10).
 */
export function packHistoryInput(input: VarHistoryInput, packed?: PackedMatrix): VarHistoryInput {
  const r = input.book.market.returns;
  if (!r || r.length === 0) return input;
  if (!packed) checkReturns(r, input.book.n); // rectangular, one column per factor: the packing relies on it
  return {
    ...input, book: { ...input.book, market: { ...input.book.market, returns: undefined } },
    packedReturns: packed ?? packShared(r, input.book.n),
  };
}

function unpackHistoryInput(input: VarHistoryInput): VarHistoryInput {
  const p = input.packedReturns;
  if (!p) return input;
  const returns = Array.from({ length: p.rows }, (_, t) => Array.from(p.data.subarray(t * p.cols, (t + 1) * p.cols)));
  return { ...input, book: { ...input.book, market: { ...input.book.market, returns } }, packedReturns: undefined };
}

export interface VarHistoryOutput {
  levels: LevelResult[];
  extra: VarExtra;
}

/** Size, mean, standard deviation and sorted tail of a loss vector. */
function lossSummary(losses: Float64Array, levels: readonly number[]): { n: number; meanLoss: number; stdLoss: number; tail: { losses: number[]; index: number[] } } {
  const kMax = Math.max(...levels.map((a) => tailCount(losses.length, a)));
  const order = Array.from(losses.keys()).sort((a, b) => losses[b] - losses[a] || a - b).slice(0, kMax);
  let s = 0;
  let s2 = 0;
  for (const x of losses) { s += x; s2 += x * x; }
  const nObs = losses.length;
  const mean = s / nObs;
  const sd = nObs > 1 ? Math.sqrt(Math.max(0, (s2 - nObs * mean * mean) / (nObs - 1))) : 0;
  return { n: nObs, meanLoss: mean, stdLoss: sd, tail: { losses: order.map((i) => losses[i]), index: order } };
}

/** Daily losses from market.returns or market.pnl (for the history-driven methods). */
function dailyLossesOf(book: ResolvedBook, method: string): Float64Array {
  const m = book.market;
  if (m.pnl) return Float64Array.from(m.pnl, (x) => -x);
  if (m.returns) {
    checkReturns(m.returns, book.n);
    return dailyLosses(m.returns, book.exposures, m.returnType ?? 'log');
  }
  throw new ValidationError('market.returns', 'required', `${method} needs market.returns (T×N factor returns) or market.pnl`);
}

/** Component ES from the tail observations of a factor-return history. */
function historicalAttribution(
  book: ResolvedBook, returns: number[][] | undefined, returnType: 'log' | 'simple', horizonDays: number, tailIdx: number[], es: number,
): Contribution[] {
  if (!returns) throw new ValidationError('options.attribution', 'unsupported', 'needs factor returns (market.returns); a portfolio P&L history has no factor breakdown');
  const R = windowReturns(returns, horizonDays, returnType);
  const comp = componentFromTail(book.n, tailIdx, (s, i) => -book.exposures[i] * R(s, i));
  return contributionsFrom(book.factors, book.exposures, comp, es);
}

const out = (levels: LevelResult[], extra: VarExtra): VarHistoryOutput => ({ levels, extra });

/**
 * The minimum-sample rule of the empirical methods (src/risk/tail.ts): T rows of history give
 * T − h + 1 overlapping h-day windows, and a tail at confidence a needs ceil(1/(1 − a)) of them.
 */
export function requireWindows(n: number, levels: readonly number[], m: ResolvedBook['market'], h: number): void {
  const field = m.pnl ? 'market.pnl' : 'market.returns';
  const rows = m.pnl ? m.pnl.length : (m.returns?.length ?? 0);
  requireTailSample(n, levels, field, `${h}-day windows`, ` (${rows} rows, horizonDays ${h}: rows − horizonDays + 1 windows)`);
}

/** Runs one history-driven method (in a worker). */
export function historyVar(packed: VarHistoryInput): VarHistoryOutput {
  const { book, options: o, levels, fhs } = unpackHistoryInput(packed);
  const { exposures, market: m } = book;
  switch (o.method) {
    case 'fhs': {
      if (!fhs || !m.returns) throw new TypeError('var-history: fhs needs the returns and the volatility paths');
      const logR = (m.returnType ?? 'log') === 'log' ? m.returns : m.returns.map((r) => r.map((x) => Math.log1p(x)));
      const vols = logR.map((_, t) => fhs.paths.map((p) => p.path[t]));
      const filtered = filteredHistoricalScenarios(logR, vols, fhs.paths.map((p) => p.forecast));
      const losses = historicalLosses(filtered, exposures, o.horizonDays, 'log');
      requireWindows(losses.length, levels, m, o.horizonDays);
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution ? historicalAttribution(book, filtered, 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
      return out(lv, { ...sum, kernel: 'none', contributions });
    }
    case 'cornish-fisher': {
      if (o.attribution) throw new ValidationError('options.attribution', 'unsupported', 'is not available for cornish-fisher (use parametric, historical, fhs, stressed or Monte Carlo)');
      const daily = dailyLossesOf(book, 'Cornish–Fisher');
      const cf = cornishFisherLevels(Float64Array.from(daily, (x) => -x), o.horizonDays, levels);
      return out(cf.levels, { n: daily.length, meanLoss: -cf.moments.mean * o.horizonDays, stdLoss: cf.moments.sd * Math.sqrt(o.horizonDays), tail: { losses: [], index: [] }, kernel: 'none', moments: cf.moments });
    }
    case 'stressed': {
      const daily = dailyLossesOf(book, 'stressed VaR');
      const win = stressedWindow(daily, o.stressWindowDays, levels);
      let losses: Float64Array;
      if (o.horizonDays === 1) losses = daily.subarray(win.start, win.end);
      else if (m.pnl) losses = historicalLossesFromPnl(m.pnl.slice(win.start, win.end), o.horizonDays);
      else losses = historicalLosses(m.returns!.slice(win.start, win.end), exposures, o.horizonDays, m.returnType ?? 'log');
      requireTailSample(losses.length, levels, 'options.stressWindowDays', `${o.horizonDays}-day windows in the stressed window`, ` (stressWindowDays ${win.end - win.start}, horizonDays ${o.horizonDays})`);
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution
        ? historicalAttribution(book, m.returns?.slice(win.start, win.end), m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es)
        : undefined;
      return out(lv, { ...sum, tail: { losses: sum.tail.losses, index: sum.tail.index.map((i) => i + win.start) }, kernel: 'none', window: { start: win.start, end: win.end }, contributions });
    }
    case 'historical': {
      let losses: Float64Array;
      if (m.pnl) losses = historicalLossesFromPnl(m.pnl, o.horizonDays);
      else if (m.returns) losses = historicalLosses(m.returns, exposures, o.horizonDays, m.returnType ?? 'log');
      else throw new ValidationError('market.returns', 'required', 'historical VaR needs market.returns (T×N factor returns) or market.pnl');
      requireWindows(losses.length, levels, m, o.horizonDays);
      const lv = levelsFromLosses(losses, levels);
      const sum = lossSummary(losses, levels);
      const contributions = o.attribution ? historicalAttribution(book, m.returns, m.returnType ?? 'log', o.horizonDays, sum.tail.index.slice(0, lv[0].k), lv[0].es) : undefined;
      return out(lv, { ...sum, kernel: 'none', contributions });
    }
    default:
      throw new TypeError(`var-history: ${o.method} is not a history-driven method`);
  }
}

/** Pool task: one history-driven VaR. */
export const VAR_HISTORY_TASK = defineTask<VarHistoryInput, VarHistoryOutput>('var-history', (input) => historyVar(input));
