/**
 * The venue simulator behind the engine: `simulateVenue` (one path, one task), `streamVenue`
 * (the same run cut into chunks of ticks; the state travels between tasks, so the events are the
 * same as one run's) and `venueSizing` (stressed paths fanned out over the pool or the cluster).
 * The calling thread validates and packs the accounts; every tick runs in a worker.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { sampleTierTables, tiered } from '../margin/index.js';
import { defineTask } from '../pool/index.js';
import type { TaskRunner } from '../pool/index.js';
import {
  aggregateSizing, continueRun, finishRun, parseFeedCsv, prepareBook, scenarioPath, sizeChunk, startRun, validateConfig, validatePath, validateScenario,
} from '../solvency/index.js';
import { venuePreset, venueTables } from '../venues/index.js';
import type { LoaderOptions, MaintenanceBasis, VenuePreset } from '../venues/index.js';
import type { BookBasis, PrepareOptions, PricePath, ScenarioSpec, SimState, SizingChunk, SizingResult, VenueBook, VenueConfig, VenueEvent, VenueResult, VenueSummary } from '../solvency/index.js';

/** A path: given marks, a replayed feed (CSV text), or path `index` of a scenario spec. */
export type VenuePathInput = PricePath | { csv: string } | { scenario: ScenarioSpec; index?: number };

/** Venue rules plus the tier tables (default: the shipped samples in data/tiers). */
export interface VenueSimConfig extends VenueConfig {
  tables?: tiered.TierTables;
  /**
   * A tiered venue preset (`binance-usdm`, `bybit-linear`, `okx-swap`… or an alias): its maintenance
   * basis by margin mode is applied exactly (mark or liquidation notional → margined on the mark at
   * every tick; entry → on the position's entry notional). Accounts must then have no feeRate.
   * Per symbol: `{ BTCUSDT: 'bybit-linear', … }` (tables from `tables` or the samples; no `tiers`).
   */
  venue?: string | Record<string, string>;
  /** The venue's own tier payload, read by the preset's loader (instead of `tables`). */
  tiers?: unknown;
  /** What the payload does not carry (OKX contract value, a symbol filter). */
  tierOptions?: LoaderOptions;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tier tables and book options a config's `venue`/`tiers` imply.
 * @throws {ValidationError} naming `config.venue`, `config.tiers…`, `config.tierOptions`
 */
function venueBookInputs(config: VenueSimConfig): { tables: tiered.TierTables; opts: PrepareOptions } {
  const { venue, tiers, tierOptions, tables } = config;
  if (venue === undefined) {
    if (tiers !== undefined) throw new ValidationError('config.tiers', 'requires', 'needs config.venue (the preset whose loader reads the payload)');
    if (tierOptions !== undefined) throw new ValidationError('config.tierOptions', 'requires', 'needs config.venue and config.tiers');
    return { tables: tables ?? sampleTierTables(), opts: {} };
  }
  // 'liquidation' and 'mark' are one rule in a tick loop: maintenance on the notional at the current mark
  const basis = (b: MaintenanceBasis): 'mark' | 'entry' => (b === 'entry' ? 'entry' : 'mark');
  const tieredPreset = (name: unknown, field: string): VenuePreset => {
    const p = venuePreset(name, field);
    if (p.model !== 'tiered') throw new ValidationError(field, 'venue', `preset ${p.name} is a ${p.model} model; the venue simulator takes tiered presets only; got ${describeValue(name)}`, name);
    return p;
  };
  if (isObject(venue)) {
    if (tiers !== undefined) throw new ValidationError('config.tiers', 'venue', 'needs a single config.venue (per-symbol presets take their tables from config.tables)');
    if (tierOptions !== undefined) throw new ValidationError('config.tierOptions', 'requires', 'needs config.venue and config.tiers');
    const symbolBasis: Record<string, BookBasis> = {};
    const symbolContract: Record<string, 'linear' | 'inverse'> = {};
    const names: string[] = [];
    for (const [sym, name] of Object.entries(venue)) {
      const p = tieredPreset(name, `config.venue.${sym}`);
      symbolBasis[sym] = { isolated: basis(p.maintenanceBasis.isolated), cross: basis(p.maintenanceBasis.cross) };
      symbolContract[sym] = p.contract;
      names.push(`${sym}: ${p.name}`);
    }
    return { tables: tables ?? sampleTierTables(), opts: { symbolBasis, symbolContract, symbolBasisField: 'config.venue', venue: names.join(', ') } };
  }
  const preset = tieredPreset(venue, 'config.venue');
  if (tiers !== undefined && tables !== undefined) throw new ValidationError('config.tiers', 'exclusive', 'give either tiers (the venue payload) or tables, not both');
  if (tierOptions !== undefined && !isObject(tierOptions)) throw new ValidationError('config.tierOptions', 'type', `must be an object; got ${describeValue(tierOptions)}`, tierOptions);
  const list = tiers !== undefined ? venueTables(preset, tiers, tierOptions ?? {}, 'config.tiers').map(tiered.tierTableInput) : tables ?? sampleTierTables();
  return { tables: list, opts: { basis: { isolated: basis(preset.maintenanceBasis.isolated), cross: basis(preset.maintenanceBasis.cross) }, contract: preset.contract, venue: preset.name } };
}

function resolvePath(input: VenuePathInput): PricePath {
  if (input && typeof input === 'object' && 'csv' in input) {
    if (typeof input.csv !== 'string') throw new ValidationError('path.csv', 'type', `must be CSV text; got ${describeValue(input.csv)}`, input.csv);
    return parseFeedCsv(input.csv, 'path.csv');
  }
  if (input && typeof input === 'object' && 'scenario' in input) {
    const spec = validateScenario(input.scenario, 'path.scenario');
    const index = input.index ?? 0;
    if (!(Number.isInteger(index) && index >= 0)) throw new ValidationError('path.index', 'range', `must be a non-negative integer; got ${describeValue(index)}`, index);
    return scenarioPath(spec, index);
  }
  return validatePath(input, 'path');
}

interface ChunkInput {
  /** First chunk: the book and config; later chunks: the state. */
  start?: { book: VenueBook; config: VenueConfig };
  state?: SimState;
  path: VenuePathInput;
  from: number;
  /** Ticks to run in this chunk (at most). */
  ticks: number;
  events: boolean;
  maxEvents: number;
}

interface ChunkOutput {
  state: SimState | null;
  /** The resolved path, sent back by the first chunk when it was parsed or generated. */
  path: PricePath | null;
  to: number;
  total: number;
  events: VenueEvent[];
  dropped: number;
  /** The result, when the last tick has run. */
  result: VenueResult | null;
}

/** Pool task: ticks [from, from + ticks) of a venue run (the whole run when ticks ≥ the path). */
export const VENUE_CHUNK_TASK = defineTask<ChunkInput, ChunkOutput>('venue-chunk', (input) => {
  const path = resolvePath(input.path);
  const st = input.state ?? startRun(input.start!.book, path, input.start!.config);
  const total = path.times.length;
  const to = Math.min(total, input.from + input.ticks);
  const events: VenueEvent[] = [];
  let dropped = 0;
  continueRun(st, path, input.from, to, input.events ? (e) => {
    if (events.length < input.maxEvents) events.push(e);
    else dropped++;
  } : null);
  const parsed = 'marks' in input.path ? null : path;
  if (to < total) return { state: st, path: input.from === 0 ? parsed : null, to, total, events, dropped, result: null };
  return { state: null, path: null, to, total, events: [], dropped: 0, result: finishRun(st, path, events, dropped) };
});

/** Pool task: sizing numbers of paths [from, to) of a scenario spec. */
export const VENUE_SIZING_TASK = defineTask<{ book: VenueBook; config: VenueConfig; spec: ScenarioSpec; from: number; to: number; adlRun: boolean }, SizingChunk>(
  'venue-sizing', ({ book, config, spec, from, to, adlRun }) => sizeChunk(book, config, spec, from, to, adlRun));

/** Validates the config and packs the accounts (calling thread: validation and packing only). */
export function prepareVenue(accounts: readonly tiered.Account[], config: VenueSimConfig | undefined): { book: VenueBook; config: VenueConfig } {
  const { tables, venue, tiers, tierOptions, ...rules } = (config ?? {}) as VenueSimConfig;
  const cfg = validateConfig(rules, 'config');
  const inputs = venueBookInputs({ tables, venue, tiers, tierOptions });
  return { book: prepareBook(accounts, inputs.tables, inputs.opts), config: cfg };
}

export interface VenueRunOptions {
  /** Keep events (default true). */
  events?: boolean;
  /** At most this many events in the result (default 1,000,000). */
  maxEvents?: number;
  signal?: AbortSignal;
}

export async function runVenue(pool: TaskRunner, accounts: readonly tiered.Account[], path: VenuePathInput, config: VenueSimConfig | undefined, options: VenueRunOptions): Promise<VenueResult> {
  const start = prepareVenue(accounts, config);
  const out = await pool.run(VENUE_CHUNK_TASK, { start, path, from: 0, ticks: Number.MAX_SAFE_INTEGER, events: options.events ?? true, maxEvents: options.maxEvents ?? 1_000_000 }, { signal: options.signal });
  return out.result!;
}

/** One item of a venue stream: an event, progress after each chunk, and the summary at the end. */
export type VenueStreamItem =
  | VenueEvent
  | { type: 'progress'; tick: number; ticks: number; marks: Record<string, number>; fund: Record<string, number>; liquidations: number; adlFills: number }
  | { type: 'summary'; summary: VenueSummary; result: VenueResult };

export interface VenueStreamOptions {
  /** Ticks per task (default 60). */
  chunkTicks?: number;
  signal?: AbortSignal;
}

export async function* streamVenueRun(pool: TaskRunner, accounts: readonly tiered.Account[], path: VenuePathInput, config: VenueSimConfig | undefined, options: VenueStreamOptions): AsyncGenerator<VenueStreamItem> {
  const chunk = options.chunkTicks ?? 60;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new ValidationError('options.chunkTicks', 'range', `must be a positive integer; got ${describeValue(chunk)}`, chunk);
  const start = prepareVenue(accounts, config);
  let state: SimState | undefined;
  let resolved: VenuePathInput = path;
  let from = 0;
  const collected: VenueEvent[] = [];
  for (;;) {
    const out = await pool.run(VENUE_CHUNK_TASK, { ...(state ? { state } : { start }), path: resolved, from, ticks: chunk, events: true, maxEvents: Number.MAX_SAFE_INTEGER }, { signal: options.signal });
    if (out.path) resolved = out.path;
    if (out.result) {
      // the last chunk's events are in the result; the earlier ones were streamed already
      const last = out.result.events;
      for (const e of last) yield e;
      out.result.events = collected.concat(last);
      const st = out.result.series;
      const r = out.to - 1;
      yield progressItem(out.to, out.total, st.symbols, st.currencies, st.marks, st.fund, r, out.result.summary.liquidations, out.result.summary.adlFills);
      yield { type: 'summary', summary: out.result.summary, result: out.result };
      return;
    }
    for (const e of out.events) {
      collected.push(e);
      yield e;
    }
    state = out.state!;
    const s = state;
    yield progressItem(out.to, out.total, s.book.symbols.names, s.book.currencies, s.sMarks, s.sFund, out.to - 1, s.counts.liquidations, s.counts.adlFills);
    from = out.to;
  }
}

function progressItem(tick: number, ticks: number, symbols: string[], currencies: string[], marks: Float64Array, fund: Float64Array, row: number, liquidations: number, adlFills: number): VenueStreamItem {
  return {
    type: 'progress', tick, ticks, liquidations, adlFills,
    marks: Object.fromEntries(symbols.map((s, i) => [s, marks[row * symbols.length + i]!])),
    fund: Object.fromEntries(currencies.map((c, i) => [c, fund[row * currencies.length + i]!])),
  };
}

export interface VenueSizingOptions {
  /** Number of stressed paths. */
  paths: number;
  /** Confidence of the fund size (default 0.999). */
  confidence?: number;
  /** Also run the venue's own waterfall for the ADL distribution (default true). */
  adlRun?: boolean;
  /** Paths per task (default: paths / (4 · threads), at least 1). */
  pathsPerTask?: number;
  /** Called as tasks finish: paths done so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function sizeVenue(pool: TaskRunner, accounts: readonly tiered.Account[], scenario: ScenarioSpec, config: VenueSimConfig | undefined, options: VenueSizingOptions): Promise<SizingResult> {
  const spec = validateScenario(scenario, 'scenario');
  const n = options.paths;
  if (!(Number.isInteger(n) && n >= 1 && n <= 10_000_000)) throw new ValidationError('options.paths', 'range', `must be an integer in [1, 1e7]; got ${describeValue(n)}`, n);
  const confidence = options.confidence ?? 0.999;
  if (!(typeof confidence === 'number' && confidence > 0 && confidence < 1)) throw new ValidationError('options.confidence', 'range', `must be in (0, 1); got ${describeValue(confidence)}`, confidence);
  const per = options.pathsPerTask ?? Math.max(1, Math.ceil(n / (4 * pool.threads)));
  if (!(Number.isInteger(per) && per >= 1)) throw new ValidationError('options.pathsPerTask', 'range', `must be a positive integer; got ${describeValue(per)}`, per);
  const { book, config: cfg } = prepareVenue(accounts, config);
  // a held symbol the scenario does not move is an error now, not in every worker
  for (let s = 0; s < book.symbols.names.length; s++) {
    if (book.symStart[s + 1]! > book.symStart[s]! && !spec.symbols.includes(book.symbols.names[s]!)) {
      throw new ValidationError('scenario.symbols', 'missing', `must include held symbol ${book.symbols.names[s]}`, spec.symbols);
    }
  }
  let done = 0;
  const runs: Promise<SizingChunk>[] = [];
  for (let from = 0; from < n; from += per) {
    const to = Math.min(n, from + per);
    runs.push(pool.run(VENUE_SIZING_TASK, { book, config: cfg, spec, from, to, adlRun: options.adlRun ?? true }, { signal: options.signal }).then((c) => {
      done += c.to - c.from;
      options.onProgress?.(done, n);
      return c;
    }));
  }
  const chunks = await Promise.all(runs).finally(() => Promise.allSettled(runs));
  return aggregateSizing(chunks, confidence);
}
