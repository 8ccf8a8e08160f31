/**
 * Scenario-grid portfolio margin (SPAN / portfolio-margin style).
 *
 * ## Method
 * For each underlying u, its positions are fully revalued (instruments kernel) under
 * - core scenarios: each price move of {@link corePriceMoves} × vol up / unchanged / down, and
 * - extended scenarios: each extreme move × vol up / unchanged / down, the loss multiplied by `extendedFraction`.
 * The risk array holds the counted loss (loss positive, USD) of every scenario; worstLoss_u = max(0, max risk array).
 * Add-ons per underlying: short-option minimum = shortOptionRate · price_u · max(net short calls, net short puts)
 * (underlying units); spread charge = spreadRate · min(long, short) delta-one USD notional (basis between
 * spot, perps and futures is not in the grid, which moves them all by the same relative amount).
 * Inter-underlying credits: for each configured pair whose net directions are opposite (one loses on a rise, the
 * other on a fall), credit = min(rate · min(L_a, L_b), remaining capacity of a, of b), where each underlying's
 * capacity is maxCreditFraction · L_u and is consumed by every credit it takes part in (pairs by rate, highest first).
 * initial = Σ worstLoss + Σ add-ons − Σ credits; maintenance = maintenanceFraction · initial.
 *
 * ## References
 * - CME Group, "CME SPAN: Standard Portfolio Analysis of Risk" (16 risk-array scenarios, extreme moves at 35 %).
 * - Deribit, "Portfolio Margin" model documentation (price × vol grid, short-option and spread add-ons).
 */
import {
  DAYS_PER_YEAR,
  KIND,
  buildInstrumentTable,
  revalueKernel,
  type InstrumentColumns,
  type Market,
  type Position,
  type ScenarioColumns,
} from '../../instruments/index.js';
import { corePriceMoves, resolveGridProfile, volShockScale, type GridMarginConfig, type GridMarginProfile } from './profile.js';

export type VolState = 'up' | 'unchanged' | 'down';

/** Describes one slot of a risk array. */
export interface GridScenario {
  index: number;
  /** Relative price move of the underlying. */
  priceMove: number;
  vol: VolState;
  extended: boolean;
  /** Fraction of the loss that counts: 1 for core, `extendedFraction` for extended scenarios. */
  weight: number;
}

export interface UnderlyingRisk {
  underlying: string;
  price: number;
  /** +1 if the book gains on a rise (net long), −1 if it gains on a fall, 0 if flat across ±priceRange. */
  direction: -1 | 0 | 1;
  /** Counted loss per scenario (USD, loss positive), in the order of `scenarios`. */
  riskArray: Float64Array;
  /** max(0, max riskArray). */
  worstLoss: number;
  /** Scenario attaining the largest counted loss. */
  worstScenario: GridScenario;
}

export interface UnderlyingAddOn {
  underlying: string;
  /** max(net short calls, net short puts) in underlying units. */
  netShortOptionUnits: number;
  shortOption: number;
  /** min(long, short) delta-one notional, USD. */
  offsettingNotional: number;
  spread: number;
}

export interface OffsetCredit {
  underlyings: [string, string];
  rate: number;
  credit: number;
}

export interface GridMarginResult {
  initial: number;
  maintenance: number;
  /** Σ worstLoss over underlyings, before add-ons and credits. */
  scanningRisk: number;
  byUnderlying: UnderlyingRisk[];
  /** Scenario descriptions shared by every risk array. */
  scenarios: GridScenario[];
  addOns: { total: number; byUnderlying: UnderlyingAddOn[] };
  offsets: { total: number; credits: OffsetCredit[] };
  /** The resolved profile used. */
  profile: GridMarginProfile;
}

const VOL_STATES: readonly VolState[] = ['up', 'unchanged', 'down'];

/** The scenario list of a profile: core (price × vol) first, then extended. */
export function gridScenarios(profile: GridMarginProfile): GridScenario[] {
  const out: GridScenario[] = [];
  for (const m of corePriceMoves(profile)) {
    for (const vol of VOL_STATES) out.push({ index: out.length, priceMove: m, vol, extended: false, weight: 1 });
  }
  for (const m of profile.extendedMoves) {
    for (const vol of VOL_STATES) out.push({ index: out.length, priceMove: m, vol, extended: true, weight: profile.extendedFraction });
  }
  return out;
}

/**
 * Scenario-grid initial and maintenance margin of a portfolio, with the breakdown that explains it.
 *
 * @param config partial profile merged over {@link DEFAULT_GRID_PROFILE}.
 * @throws {ValidationError} for bad positions, market or profile (field named, e.g. `profile.extendedFraction`).
 * @example gridMargin([{ kind: 'linear-perp', underlying: 'BTC', quantity: 1 }], { prices: { BTC: 50000 } }).initial
 * // returns 8000 (the −16 % core move; the extended −66 % counts 0.15 · 33,000 = 4,950)
 */
export function gridMargin(positions: readonly Position[], market: Market, config: GridMarginConfig = {}): GridMarginResult {
  return gridMarginPrepared(positions, market, prepareGrid(config));
}

/** The resolved profile and its scenario grid, reusable across many accounts (see `gridMarginPrepared`). */
export interface PreparedGrid {
  readonly profile: GridMarginProfile;
  readonly scenarios: GridScenario[];
  /** Core ±priceRange scenarios with vol unchanged (for the book's direction). */
  readonly upIdx: number;
  readonly downIdx: number;
  /** Kernel scenario columns by number of underlyings (every underlying moves alike). */
  readonly columns: Map<number, ScenarioColumns>;
  /** Kernel output scratch, grown as needed and reused across accounts. */
  scratch: { total: Float64Array; byPos: Float64Array };
}

/** Validates `config` and builds its scenario grid once. */
export function prepareGrid(config: GridMarginConfig = {}): PreparedGrid {
  const profile = resolveGridProfile(config);
  const scenarios = gridScenarios(profile);
  // Direction from the ±priceRange core moves with vol unchanged. Look the moves up by position in the core
  // grid, not by comparing with ±priceRange: the computed grid point may differ from it in the last ulp.
  const moves = corePriceMoves(profile);
  const coreIndex = (move: number): number => scenarios.findIndex((s) => !s.extended && s.vol === 'unchanged' && s.priceMove === move);
  return {
    profile, scenarios, upIdx: coreIndex(moves[moves.length - 1]), downIdx: coreIndex(moves[0]), columns: new Map(),
    scratch: { total: new Float64Array(scenarios.length), byPos: new Float64Array(0) },
  };
}

/**
 * `gridMargin` with a prepared grid: one kernel call revalues every position under the grid (all
 * underlyings moved alike), and each underlying's risk array sums its own positions' P&L.
 */
export function gridMarginPrepared(positions: readonly Position[], market: Market, prep: PreparedGrid): GridMarginResult {
  const table = buildInstrumentTable(positions, market);
  setVolScales(table.columns, prep);
  return gridMarginOfTable(table.columns, table.underlyings, market, prep);
}

/** Sets each row's (of rows [from, to)) vol-shock scale for the grid's term-structure rule (options; 1 otherwise). */
export function setVolScales(c: InstrumentColumns, prep: PreparedGrid, from = 0, to = c.n): void {
  const v = prep.profile.volShock;
  for (let i = from; i < to; i++) c.volScale[i] = volShockScale(v, c.expiry[i]);
}

/**
 * The grid margin of a built instrument table (rows' `underlying` index into `underlyings`,
 * vol-shock scales already set by `setVolScales`), with the full breakdown. The many-account path
 * (`engine.gridMarginBatch`) runs the grid kernel of src/kernels/grid instead, which returns the
 * same initial and maintenance margin (its TS twin bit for bit) without the breakdown.
 */
export function gridMarginOfTable(c: InstrumentColumns, underlyings: readonly string[], market: Market, prep: PreparedGrid): GridMarginResult {
  const { profile, scenarios, upIdx, downIdx } = prep;
  const n = c.n;
  const ns = scenarios.length;
  const nu = underlyings.length;
  let sc = prep.columns.get(nu);
  if (!sc) prep.columns.set(nu, (sc = scenarioColumns(scenarios, profile, nu)));
  if (prep.scratch.byPos.length < ns * n) prep.scratch.byPos = new Float64Array(2 * ns * n);
  const byPos = prep.scratch.byPos;
  revalueKernel(c, sc, prep.scratch.total, byPos);

  const parts: UnderlyingSums[] = [];
  for (let u = 0; u < nu; u++) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (c.underlying[i] === u) rows.push(i);
    // the underlying's P&L, summed in position order (as a kernel run on its positions alone would)
    const pnl = new Float64Array(ns);
    for (let k = 0; k < ns; k++) {
      let acc = 0;
      for (const i of rows) acc += byPos[k * n + i];
      pnl[k] = acc;
    }
    const underlying = underlyings[u];
    parts.push({ underlying, price: market.prices[underlying], pnl, ...exposureSums(c, rows) });
  }
  return gridMarginFromSums(parts, prep);
}

/**
 * P&L per grid scenario of each position (USD, gain positive), one vector per position, all
 * underlyings moved alike (as `gridMarginOfTable`). For futures and perps the vector is linear in
 * the quantity, so a what-if can scale a unit position's vector.
 */
export function gridPositionPnl(positions: readonly Position[], market: Market, prep: PreparedGrid): { vectors: Float64Array[]; underlyings: string[]; table: InstrumentColumns } {
  const table = buildInstrumentTable(positions, market);
  const c = table.columns;
  setVolScales(c, prep);
  const ns = prep.scenarios.length;
  const nu = table.underlyings.length;
  let sc = prep.columns.get(nu);
  if (!sc) prep.columns.set(nu, (sc = scenarioColumns(prep.scenarios, prep.profile, nu)));
  const byPos = new Float64Array(ns * c.n);
  revalueKernel(c, sc, new Float64Array(ns), byPos);
  const vectors = Array.from({ length: c.n }, (_, i) => {
    const v = new Float64Array(ns);
    for (let k = 0; k < ns; k++) v[k] = byPos[k * c.n + i];
    return v;
  });
  return { vectors, underlyings: table.underlyings, table: c };
}

/**
 * What the grid margin of one underlying needs from its positions: the P&L per grid scenario
 * (summed over its positions; P&L positive) and the sums of the add-ons.
 */
export interface UnderlyingSums {
  underlying: string;
  price: number;
  /** P&L per scenario of `prep.scenarios` (USD, gain positive), summed over the underlying's positions. */
  pnl: Float64Array;
  /** Net call and put option units (signed: short < 0). */
  calls: number;
  puts: number;
  /** Long and short delta-one USD notional (both ≥ 0). */
  long: number;
  short: number;
}

/**
 * The grid margin from per-underlying sums (risk arrays, worst losses, add-ons, credits). Positions
 * enter only through their sums, so a what-if that changes one position updates its underlying's
 * sums (P&L of a future is linear in its quantity) and calls this again. With `cache`, a part object
 * seen before reuses its risk array and add-on (results then share those objects: treat them as read-only).
 */
export function gridMarginFromSums(parts: readonly UnderlyingSums[], prep: PreparedGrid, cache?: WeakMap<UnderlyingSums, [UnderlyingRisk, UnderlyingAddOn]>): GridMarginResult {
  const { profile, scenarios, upIdx, downIdx } = prep;
  const ns = scenarios.length;
  const byUnderlying: UnderlyingRisk[] = [];
  const addOns: UnderlyingAddOn[] = [];
  for (const part of parts) {
    // an unchanged part (same object) reuses its risk array and add-on (a what-if touches one underlying)
    const hit = cache?.get(part);
    if (hit) {
      byUnderlying.push(hit[0]);
      addOns.push(hit[1]);
      continue;
    }
    const pnl = part.pnl;
    const riskArray = new Float64Array(ns);
    let worst = 0;
    for (let k = 0; k < ns; k++) {
      riskArray[k] = -pnl[k] * scenarios[k].weight + 0; // + 0 turns −0 into 0
      if (riskArray[k] > riskArray[worst]) worst = k;
    }
    const swing = pnl[upIdx] - pnl[downIdx];
    const scale = Math.abs(pnl[upIdx]) + Math.abs(pnl[downIdx]);
    const direction = Math.abs(swing) <= 1e-12 * scale ? 0 : swing > 0 ? 1 : -1;
    byUnderlying.push({
      underlying: part.underlying, price: part.price, direction, riskArray,
      worstLoss: Math.max(0, riskArray[worst]),
      worstScenario: scenarios[worst],
    });
    const netShortOptionUnits = Math.max(0, -part.calls, -part.puts);
    const offsettingNotional = Math.min(part.long, part.short);
    addOns.push({
      underlying: part.underlying,
      netShortOptionUnits,
      shortOption: profile.shortOptionRate * part.price * netShortOptionUnits,
      offsettingNotional,
      spread: profile.spreadRate * offsettingNotional,
    });
    cache?.set(part, [byUnderlying[byUnderlying.length - 1]!, addOns[addOns.length - 1]!]);
  }

  const credits = interUnderlyingCredits(byUnderlying, profile);
  const scanningRisk = sum(byUnderlying.map((r) => r.worstLoss));
  const addOnTotal = sum(addOns.map((a) => a.shortOption + a.spread));
  const creditTotal = sum(credits.map((x) => x.credit));
  const initial = Math.max(0, scanningRisk + addOnTotal - creditTotal);
  return {
    initial,
    maintenance: profile.maintenanceFraction * initial,
    scanningRisk,
    byUnderlying,
    scenarios,
    addOns: { total: addOnTotal, byUnderlying: addOns },
    offsets: { total: creditTotal, credits },
    profile,
  };
}

function scenarioColumns(scenarios: GridScenario[], p: GridMarginProfile, nu: number): ScenarioColumns {
  const ns = scenarios.length;
  const cols: ScenarioColumns = {
    nScenarios: ns, nUnderlyings: nu,
    move: new Float64Array(ns * nu), volAbs: new Float64Array(ns * nu), volRel: new Float64Array(ns * nu), dt: new Float64Array(ns),
  };
  const target = p.volShock.mode === 'relative' ? cols.volRel : cols.volAbs;
  for (let k = 0; k < ns; k++) {
    const s = scenarios[k];
    const shock = s.vol === 'up' ? p.volShock.up : s.vol === 'down' ? -p.volShock.down : 0;
    for (let u = 0; u < nu; u++) {
      cols.move[k * nu + u] = s.priceMove;
      target[k * nu + u] = shock;
    }
    cols.dt[k] = p.horizonDays / DAYS_PER_YEAR;
  }
  return cols;
}

/** Option units and delta-one notionals of an underlying's rows (the add-on inputs). */
export function exposureSums(c: InstrumentColumns, rows: readonly number[]): { calls: number; puts: number; long: number; short: number } {
  let calls = 0;
  let puts = 0;
  let long = 0;
  let short = 0;
  for (const i of rows) {
    const k = c.kind[i];
    const units = c.quantity[i] * c.size[i];
    if (k === KIND['option-linear'] || k === KIND['option-inverse']) {
      if (c.callPut[i] > 0) calls += units;
      else puts += units;
    } else {
      // USD notional: units·price for linear and spot, the USD face for inverse contracts.
      const notional = k === KIND['inverse-future'] || k === KIND['inverse-perp'] ? units : units * c.price[i];
      if (notional > 0) long += notional;
      else short -= notional;
    }
  }
  return { calls, puts, long, short };
}

function interUnderlyingCredits(risks: UnderlyingRisk[], p: GridMarginProfile): OffsetCredit[] {
  const byName = new Map(risks.map((r) => [r.underlying, r]));
  const capacity = new Map(risks.map((r) => [r.underlying, p.offsets.maxCreditFraction * r.worstLoss]));
  const pairs = [...p.offsets.pairs].sort((a, b) => b.credit - a.credit);
  const out: OffsetCredit[] = [];
  for (const pair of pairs) {
    const [a, b] = pair.underlyings;
    const ra = byName.get(a);
    const rb = byName.get(b);
    if (!ra || !rb || ra.direction * rb.direction >= 0) continue;
    const credit = Math.min(pair.credit * Math.min(ra.worstLoss, rb.worstLoss), capacity.get(a) as number, capacity.get(b) as number);
    if (!(credit > 0)) continue;
    capacity.set(a, (capacity.get(a) as number) - credit);
    capacity.set(b, (capacity.get(b) as number) - credit);
    out.push({ underlyings: [a, b], rate: pair.credit, credit });
  }
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
