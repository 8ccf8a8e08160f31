/**
 * Stress testing of an instrument book (spot, futures, perps, options) with full revaluation:
 * hypothetical shocks (price, implied vol, correlation to one, liquidity haircut), historical
 * episodes (the book's worst windows of a price history, replayed), and reverse stress (the
 * smallest uniform move that makes the loss exceed margin or equity). Every result names the
 * positions that drive it and the margin coverage (margin / loss).
 *
 * ## References
 * - BCBS (2018). Stress testing principles. - CPMI-IOSCO (2012). PFMI, Principle 4 (stress tests).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { revalue, revalueGrid } from '../instruments/index.js';
import type { Market, Position, Scenario } from '../instruments/index.js';
import type { PriceSeries } from '../market/index.js';
import { reverseStressUniform } from './reverse.js';

/** A named hypothetical scenario. `liquidityHaircut` adds a close-out cost: fraction of |position value|. */
export interface HypotheticalShock {
  name: string;
  /** Relative price move, for all underlyings or by underlying (−0.2 = −20 %). */
  move?: number | Record<string, number>;
  /** Absolute implied-vol shift (0.1 = +10 vol points). */
  volShift?: number | Record<string, number>;
  /** Close-out cost as a fraction of each position's absolute price exposure (liquidity stress). */
  liquidityHaircut?: number;
}

export interface Driver {
  index: number;
  id?: string;
  underlying: string;
  kind: string;
  /** Loss of the position in this scenario (positive = loss), quote currency. */
  loss: number;
}

export interface StressResult {
  name: string;
  kind: 'hypothetical' | 'historical' | 'reverse';
  /** Portfolio loss (positive = loss), including the liquidity cost. */
  loss: number;
  /** margin / loss when a margin was given and the loss is positive (≥ 1: margin covers it). */
  coverage?: number;
  /** The moves applied, by underlying. */
  moves: Record<string, number>;
  /** Positions sorted by loss, largest first. */
  drivers: Driver[];
  /** Historical episodes: the window of the history replayed. */
  window?: { start: string; end: string };
}

export interface BookStressOptions {
  /** Hypothetical scenarios (default: `DEFAULT_SHOCKS`). */
  shocks?: HypotheticalShock[];
  /** Replay the book's worst windows of this history. */
  history?: PriceSeries;
  /** Window length in rows for historical episodes (default 5). */
  windowDays?: number;
  /** How many non-overlapping worst episodes (default 3). */
  episodes?: number;
  /** Margin held against the book (≥ 0): coverage is margin / loss, and reverse stress targets it when > 0. */
  margin?: number;
  /** Reverse stress: the loss to breach (default: `margin`). */
  reverseThreshold?: number;
}

/**
 * Default hypothetical shocks for a crypto book: a broad crash with a vol spike, a flash crash, a
 * rally with vol crush, a "correlation to one" move (every underlying takes the largest single
 * move), and a liquidity squeeze.
 */
export const DEFAULT_SHOCKS: readonly HypotheticalShock[] = [
  { name: 'crash −40 %, vol +30 pts', move: -0.4, volShift: 0.3 },
  { name: 'flash crash −20 %, vol +50 pts', move: -0.2, volShift: 0.5 },
  { name: 'rally +30 %, vol −10 pts', move: 0.3, volShift: -0.1 },
  { name: 'correlation to one: all −25 %', move: -0.25 },
  { name: 'liquidity squeeze: −10 %, 2 % close-out cost', move: -0.1, liquidityHaircut: 0.02 },
];

function movesOf(underlyings: readonly string[], move: number | Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of underlyings) out[u] = typeof move === 'number' ? move : move?.[u] ?? 0;
  return out;
}

function underlyingsOf(positions: readonly Position[]): string[] {
  return [...new Set(positions.map((p) => p.underlying))];
}

function resultOf(
  name: string, kind: StressResult['kind'], positions: readonly Position[], market: Market, scenario: Scenario,
  moves: Record<string, number>, margin: number | undefined, haircut = 0,
): StressResult {
  const r = revalue(positions, market, scenario);
  const drivers = r.positions.map((p) => {
    const cost = haircut > 0 ? haircut * notionalUsd(positions[p.index], p.priceBefore) : 0;
    return { index: p.index, id: p.id, underlying: p.underlying, kind: p.kind, loss: -p.pnl + cost };
  });
  const loss = drivers.reduce((s, d) => s + d.loss, 0);
  drivers.sort((a, b) => b.loss - a.loss);
  const out: StressResult = { name, kind, loss, moves, drivers };
  if (margin !== undefined && loss > 0) out.coverage = margin / loss;
  return out;
}

/** Absolute notional in USD: |qty × size × price| (inverse: |contracts × USD face|; options: of the underlying). */
function notionalUsd(p: Position, price: number): number {
  if (p.kind === 'inverse-future' || p.kind === 'inverse-perp') return Math.abs(p.quantity * p.contractValueUsd);
  return Math.abs(p.quantity * (('contractSize' in p ? p.contractSize : undefined) ?? 1) * price);
}

/**
 * Stresses a book: hypothetical shocks, historical episodes (when `history` is given) and a
 * reverse stress (when `reverseThreshold`, or a `margin` > 0, is given).
 * @throws ValidationError naming the field for bad shocks, history, episodes, margin or thresholds.
 */
export function stressBook(positions: readonly Position[], market: Market, opts: BookStressOptions = {}): StressResult[] {
  if (!Array.isArray(positions) || positions.length === 0) throw new ValidationError('positions', 'length', 'must be a non-empty array of positions');
  const margin = opts.margin;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0)) {
    throw new ValidationError('margin', 'range', `must be a finite amount >= 0; got ${describeValue(margin)}`, margin);
  }
  const shocks = opts.shocks ?? DEFAULT_SHOCKS;
  if (!Array.isArray(shocks)) throw new ValidationError('shocks', 'type', `must be an array of scenarios; got ${describeValue(shocks)}`, shocks);
  const unds = underlyingsOf(positions);
  const out: StressResult[] = [];
  shocks.forEach((s, i) => {
    if (!s || typeof s.name !== 'string') throw new ValidationError(`shocks[${i}].name`, 'required', 'must be a string');
    const h = s.liquidityHaircut ?? 0;
    if (!(h >= 0 && h < 1)) throw new ValidationError(`shocks[${i}].liquidityHaircut`, 'range', `must be in [0, 1); got ${h}`);
    const moves = movesOf(unds, s.move);
    for (const [u, m] of Object.entries(moves)) {
      if (!(Number.isFinite(m) && m > -1)) throw new ValidationError(`shocks[${i}].move.${u}`, 'range', `must be a finite relative move > −1; got ${m}`);
    }
    out.push(resultOf(s.name, 'hypothetical', positions, market, { move: moves, volShift: s.volShift }, moves, opts.margin, h));
  });
  if (opts.history) out.push(...historicalEpisodes(positions, market, opts.history, opts.windowDays ?? 5, opts.episodes ?? 3, opts.margin));
  if (opts.reverseThreshold !== undefined) out.push(reverseUniform(positions, market, opts.reverseThreshold, margin));
  else if (margin !== undefined && margin > 0) out.push(reverseUniform(positions, market, margin, margin));
  return out;
}

/**
 * The book's worst non-overlapping windows of `windowDays` rows of a price history: each window's
 * relative moves (last / first − 1 per underlying, jointly) applied to today's book.
 */
export function historicalEpisodes(
  positions: readonly Position[], market: Market, history: PriceSeries, windowDays: number, episodes: number, margin?: number,
): StressResult[] {
  if (history === null || typeof history !== 'object' || !Array.isArray(history.symbols) || !Array.isArray(history.prices) || !Array.isArray(history.dates)) {
    throw new ValidationError('history', 'type', `must be a PriceSeries { dates, symbols, prices }; got ${describeValue(history)}`, history);
  }
  const unds = underlyingsOf(positions);
  const cols = unds.map((u) => {
    const j = history.symbols.indexOf(u);
    if (j < 0) throw new ValidationError('history.symbols', 'missing', `has no column for underlying ${u}`);
    return j;
  });
  const T = history.prices.length;
  if (history.dates.length !== T) {
    throw new ValidationError('history.dates', 'length', `must have one date per row of prices (${T}); got ${history.dates.length}`, history.dates.length);
  }
  if (!(Number.isInteger(windowDays) && windowDays >= 1 && windowDays < T)) {
    throw new ValidationError('windowDays', 'range', `must be an integer in [1, ${T - 1}]; got ${describeValue(windowDays)}`, windowDays);
  }
  if (!(Number.isInteger(episodes) && episodes >= 1)) {
    throw new ValidationError('episodes', 'integer', `must be an integer >= 1; got ${describeValue(episodes)}`, episodes);
  }
  history.prices.forEach((row, t) => {
    for (const j of cols) {
      const v = Array.isArray(row) ? row[j] : undefined;
      if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
        throw new ValidationError(`history.prices[${t}][${j}]`, 'positive', `must be a finite price > 0; got ${describeValue(v)}`, v);
      }
    }
  });
  const starts = T - windowDays;
  const scenarios: Scenario[] = [];
  for (let s = 0; s < starts; s++) {
    const move: Record<string, number> = {};
    unds.forEach((u, k) => {
      move[u] = history.prices[s + windowDays][cols[k]] / history.prices[s][cols[k]] - 1;
    });
    scenarios.push({ move });
  }
  const grid = revalueGrid(positions, market, scenarios);
  const order = Array.from(grid.total.keys()).sort((a, b) => grid.total[a] - grid.total[b] || a - b);
  const picked: number[] = [];
  for (const s of order) {
    if (picked.length >= episodes) break;
    if (picked.every((p) => Math.abs(p - s) >= windowDays)) picked.push(s);
  }
  return picked.map((s) => {
    const moves = scenarios[s].move as Record<string, number>;
    const r = resultOf(`historical ${history.dates[s]} → ${history.dates[s + windowDays]}`, 'historical', positions, market, { move: moves }, moves, margin);
    r.window = { start: history.dates[s], end: history.dates[s + windowDays] };
    return r;
  });
}

/**
 * Reverse stress: the smallest uniform relative move s (all underlyings by s in the book's worse
 * direction, down or up) whose loss reaches `threshold`. The result's `name` states the move; a
 * move 1 % smaller does not breach (checked by the solver).
 */
export function reverseUniform(positions: readonly Position[], market: Market, threshold: number, margin?: number): StressResult {
  if (!(Number.isFinite(threshold) && threshold > 0)) throw new ValidationError('reverseThreshold', 'range', `must be a positive loss; got ${threshold}`);
  const unds = underlyingsOf(positions);
  const pnlAt = (m: number): number => revalue(positions, market, { move: movesOf(unds, m) }).total;
  const tries = [-1, 1].map((dir) => {
    const maxShock = dir < 0 ? 0.999 : 10; // prices cannot fall below zero
    try {
      return { dir, r: reverseStressUniform((s) => pnlAt(dir * s), threshold, { initialShock: 0.001, maxShock }) };
    } catch (e) {
      if (e instanceof ValidationError && e.rule === 'reachable') return undefined;
      throw e;
    }
  }).filter((x): x is NonNullable<typeof x> => x !== undefined);
  if (tries.length === 0) {
    throw new ValidationError('reverseThreshold', 'reachable', `no uniform move between −99.9 % and +1000 % loses ${threshold}`);
  }
  const best = tries.reduce((a, b) => (b.r.shock < a.r.shock ? b : a));
  const move = best.dir * best.r.shock;
  const moves = movesOf(unds, move);
  const res = resultOf(`reverse: uniform ${(100 * move).toFixed(2)} % breaches ${threshold.toFixed(2)}`, 'reverse', positions, market, { move: moves }, moves, margin);
  return res;
}
