/**
 * One venue run over one path: config validation, path → book symbol mapping, initial marks, and
 * the result (summary, series, events). Pure and synchronous: the engine runs it in a worker.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { VenueBook } from './book.js';
import { accountEquity, createState, resolveConfig, runTicks, summarise, type SimState } from './sim.js';
import type { PricePath, VenueConfig, VenueEvent, VenueResult } from './types.js';

/** Options of a run. */
export interface RunOptions {
  /** Keep events in the result (default true). */
  events?: boolean;
  /** At most this many events are kept (default 1,000,000); the rest are counted. */
  maxEvents?: number;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validates a venue config (field names in errors); returns it unchanged. */
export function validateConfig(config: unknown, field = 'config'): VenueConfig {
  if (config === undefined) return {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new ValidationError(field, 'type', `must be an object; got ${describeValue(config)}`, config);
  const c = config as Record<string, unknown>;
  const known = ['fund', 'waterfall', 'impact', 'maxLiquidationPerTick', 'takerFee', 'marginCallBuffer', 'partialLiquidation', 'maxRoundsPerTick', 'impactHalfLifeTicks'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw new ValidationError(`${field}.${k}`, 'unknown', `is not a known option (${known.join(', ')})`, c[k]);
  const record = (name: string, check: (v: unknown, at: string) => void): void => {
    const r = c[name];
    if (r === undefined) return;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ValidationError(`${field}.${name}`, 'type', `must be an object keyed by symbol or currency; got ${describeValue(r)}`, r);
    for (const [k, v] of Object.entries(r)) check(v, `${field}.${name}.${k}`);
  };
  record('fund', (v, at) => {
    if (!isNum(v) || v < 0 || v > 1e15) throw new ValidationError(at, 'range', `must be a finite number in [0, 1e15]; got ${describeValue(v)}`, v);
  });
  record('maxLiquidationPerTick', (v, at) => {
    if (!isNum(v) || v <= 0) throw new ValidationError(at, 'range', `must be a positive finite number; got ${describeValue(v)}`, v);
  });
  record('impact', (v, at) => {
    if (v === null || typeof v !== 'object') throw new ValidationError(at, 'type', `must be { model, depth, coefficient? }; got ${describeValue(v)}`, v);
    const i = v as Record<string, unknown>;
    for (const k of Object.keys(i)) if (!['model', 'depth', 'coefficient'].includes(k)) throw new ValidationError(`${at}.${k}`, 'unknown', 'is not a known option (model, depth, coefficient)', i[k]);
    if (i.model !== 'linear' && i.model !== 'sqrt') throw new ValidationError(`${at}.model`, 'enum', `must be 'linear' or 'sqrt'; got ${describeValue(i.model)}`, i.model);
    if (!isNum(i.depth) || i.depth <= 0) throw new ValidationError(`${at}.depth`, 'range', `must be a positive finite number; got ${describeValue(i.depth)}`, i.depth);
    if (i.coefficient !== undefined && (!isNum(i.coefficient) || i.coefficient < 0 || i.coefficient > 100)) {
      throw new ValidationError(`${at}.coefficient`, 'range', `must be in [0, 100]; got ${describeValue(i.coefficient)}`, i.coefficient);
    }
  });
  if (c.waterfall !== undefined && c.waterfall !== 'adl' && c.waterfall !== 'socialised' && c.waterfall !== 'none') {
    throw new ValidationError(`${field}.waterfall`, 'enum', `must be 'adl', 'socialised' or 'none'; got ${describeValue(c.waterfall)}`, c.waterfall);
  }
  const num = (name: string, lo: number, hi: number): void => {
    const v = c[name];
    if (v !== undefined && (!isNum(v) || v < lo || v > hi)) throw new ValidationError(`${field}.${name}`, 'range', `must be a number in [${lo}, ${hi}]; got ${describeValue(v)}`, v);
  };
  num('takerFee', 0, 0.1);
  num('marginCallBuffer', 0, 10);
  num('impactHalfLifeTicks', 1e-9, 1e12);
  if (c.maxRoundsPerTick !== undefined && !(Number.isInteger(c.maxRoundsPerTick) && (c.maxRoundsPerTick as number) >= 1 && (c.maxRoundsPerTick as number) <= 10_000)) {
    throw new ValidationError(`${field}.maxRoundsPerTick`, 'range', `must be an integer in [1, 10000]; got ${describeValue(c.maxRoundsPerTick)}`, c.maxRoundsPerTick);
  }
  if (c.partialLiquidation !== undefined && typeof c.partialLiquidation !== 'boolean') {
    throw new ValidationError(`${field}.partialLiquidation`, 'type', `must be a boolean; got ${describeValue(c.partialLiquidation)}`, c.partialLiquidation);
  }
  return c as VenueConfig;
}

/** Validates a price path's shape and values. */
export function validatePath(path: unknown, field = 'path'): PricePath {
  const p = path as PricePath | undefined;
  if (!p || typeof p !== 'object') throw new ValidationError(field, 'type', `must be { symbols, times, marks }; got ${describeValue(path)}`, path);
  if (!Array.isArray(p.symbols) || p.symbols.some((s) => typeof s !== 'string')) throw new ValidationError(`${field}.symbols`, 'type', `must be an array of symbol names; got ${describeValue(p.symbols)}`, p.symbols);
  const times = p.times instanceof Float64Array ? p.times : Array.isArray(p.times) ? Float64Array.from(p.times as number[]) : undefined;
  const marks = p.marks instanceof Float64Array ? p.marks : Array.isArray(p.marks) ? Float64Array.from(p.marks as number[], (x) => (x === null ? NaN : x)) : undefined;
  if (!times) throw new ValidationError(`${field}.times`, 'type', `must be a Float64Array or number array; got ${describeValue(p.times)}`, p.times);
  if (!marks) throw new ValidationError(`${field}.marks`, 'type', `must be a Float64Array or number array; got ${describeValue(p.marks)}`, p.marks);
  if (times.length === 0) throw new ValidationError(`${field}.times`, 'length', 'must have at least one tick', 0);
  if (marks.length !== times.length * p.symbols.length) {
    throw new ValidationError(`${field}.marks`, 'length', `must have ticks × symbols = ${times.length * p.symbols.length} entries; got ${marks.length}`, marks.length);
  }
  for (let i = 0; i < marks.length; i++) {
    const x = marks[i]!;
    if (x === x && !(x > 0 && x < 1e15)) throw new ValidationError(`${field}.marks[${i}]`, 'range', `must be a positive finite price (or NaN for no update); got ${describeValue(x)}`, x);
  }
  return { symbols: p.symbols, times, marks };
}

/** Path column → book symbol id (−1 when the book has no such symbol). */
export function columnMap(book: VenueBook, path: PricePath): Int32Array {
  const idx = new Map(book.symbols.names.map((n, i) => [n, i]));
  return Int32Array.from(path.symbols, (s) => idx.get(s) ?? -1);
}

/** Initial marks: each book symbol's first mark in the path; a held symbol without one is an error. */
export function initialMarks(book: VenueBook, path: PricePath, field = 'path'): Float64Array {
  const nS = book.symbols.names.length;
  const out = new Float64Array(nS).fill(NaN);
  const map = columnMap(book, path);
  const nCols = path.symbols.length;
  for (let j = 0; j < nCols; j++) {
    const s = map[j]!;
    if (s < 0) continue;
    for (let t = 0; t < path.times.length; t++) {
      const x = path.marks[t * nCols + j]!;
      if (x === x) {
        out[s] = x;
        break;
      }
    }
  }
  for (let s = 0; s < nS; s++) {
    if (out[s] === out[s]) continue;
    if (book.symStart[s + 1]! > book.symStart[s]!) throw new ValidationError(`${field}.symbols`, 'missing', `has no mark for held symbol ${book.symbols.names[s]}`, book.symbols.names[s]);
    out[s] = 1;
  }
  return out;
}

/** A state ready to run `path` (validated). */
export function startRun(book: VenueBook, path: PricePath, config: VenueConfig): SimState {
  return createState(book, resolveConfig(book, config), initialMarks(book, path), path.times.length);
}

/** Runs ticks [from, to) of the path on the state; events go to `sink`. */
export function continueRun(st: SimState, path: PricePath, from: number, to: number, sink: ((e: VenueEvent) => void) | null): void {
  runTicks(st, path.marks, path.symbols.length, columnMap(st.book, path), from, to, sink);
}

/** The result of a finished state. */
export function finishRun(st: SimState, path: PricePath, events: VenueEvent[], dropped: number): VenueResult {
  return {
    summary: summarise(st),
    series: {
      symbols: st.book.symbols.names,
      currencies: st.book.currencies,
      times: Float64Array.from(path.times),
      marks: st.sMarks,
      liquidated: st.sLiq,
      fund: st.sFund,
      adl: st.sAdl,
    },
    events,
    eventsDropped: dropped,
    finalEquity: accountEquity(st),
  };
}

/** A whole run over a (validated) path. */
export function simulateBook(book: VenueBook, pathIn: PricePath, configIn: VenueConfig, options: RunOptions = {}): VenueResult {
  const path = validatePath(pathIn);
  const st = startRun(book, path, validateConfig(configIn));
  const events: VenueEvent[] = [];
  let dropped = 0;
  const max = options.maxEvents ?? 1_000_000;
  const sink = options.events === false ? null : (e: VenueEvent) => {
    if (events.length < max) events.push(e);
    else dropped++;
  };
  continueRun(st, path, 0, path.times.length, sink);
  return finishRun(st, path, events, dropped);
}
