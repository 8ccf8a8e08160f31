/**
 * Pre-trade what-if: the margin, liquidation and bankruptcy prices an account would have after one
 * order, next to what it has now, under the tiered model (with a venue's conventions), the
 * scenario grid and — through the engine's pool — the var-es model.
 *
 * ## Method (incremental)
 * `prepareWhatIf` validates the account, tables and options once and keeps:
 * - every position reduced to its closed-form solve inputs (`preparePosition`);
 * - the daily vol of each symbol for distances in σ: `options.dailyVol`, else the EWMA (λ 0.94) of
 *   its underlying's daily log returns in `market.history`;
 * - for the grid: each symbol's P&L vector over the grid scenarios for one unit of position (the
 *   P&L of a future or perp is linear in its quantity), each underlying's summed P&L vector and its
 *   long/short notionals.
 * An order then (1) applies the fill to the one position it touches (`applyOrder`), (2) re-prepares
 * that position only, (3) re-solves the liquidation prices — O(positions) closed forms, since in
 * cross mode every position's price depends on the shared equity — and (4) for the grid, adds
 * Δq × the symbol's unit vector to its underlying's P&L vector and recomputes that underlying's
 * worst loss and add-ons and the credits: O(scenarios + underlyings). Nothing is validated again
 * but the order. The result equals a full recompute of the account with the order applied (tested;
 * the grid's P&L sums differ only in summation order, ~1e-15 relative).
 *
 * Why this may run on the caller's thread: one order costs O(positions) closed forms plus
 * O(scenarios) for the grid — microseconds for 50 positions — less than a worker round trip (a
 * structured clone of the account and a message each way). Preparing an account (O(positions ×
 * scenarios) grid revaluation, schema validation) and the var-es model (FHS with full revaluation)
 * grow with the data: `engine.whatIf` runs them in the pool.
 */
import type { z } from 'zod';
import { ValidationError, describeValue, renamingFields } from '../errors/index.js';
import { parseInput } from '../schemas/index.js';
import { grid, sampleTierTables, tiered } from '../margin/index.js';
import type { Position as InstrumentPosition } from '../instruments/index.js';
import { venuePreset } from '../venues/index.js';
import { ewmaVolatility } from '../market/index.js';
import { applyOrder } from './order.js';
import { OrderSchema, WhatIfMarketSchema, WhatIfOptionsSchema, type Order, type WhatIfModel } from './schema.js';
import { bufferRestore, type BufferRestore } from './buffer.js';

type RawPosition = z.output<typeof tiered.PositionSchema>;

/** Initial and maintenance margin before and after the order, and the change. */
export interface ModelDelta {
  /** Currency of the amounts (tiered: the account's collateral; grid, var-es: USD). */
  readonly currency: string;
  readonly before: { readonly initial: number; readonly maintenance: number };
  readonly after: { readonly initial: number; readonly maintenance: number };
  readonly delta: { readonly initial: number; readonly maintenance: number };
}

/** The order's symbol before and after: size, entry, prices and distance to liquidation. */
export interface PositionState {
  readonly qty: number;
  readonly entryPrice: number;
  readonly leverage: number;
  readonly markPrice: number;
  readonly initial: number;
  readonly maintenance: number;
  readonly liquidationPrice: number | null;
  readonly bankruptcyPrice: number | null;
  readonly distance: tiered.LiquidationDistance | null;
}

/** One pre-trade check. */
export interface RuleCheck {
  readonly rule: 'order-validation' | 'liquidation' | 'initial-margin' | 'margin-call';
  readonly fired: boolean;
  readonly detail: string;
}

export interface WhatIfResult {
  readonly order: { readonly symbol: string; readonly side: 'buy' | 'sell'; readonly qty: number; readonly price: number; readonly realizedPnl: number };
  readonly position: { readonly before: PositionState | null; readonly after: PositionState | null };
  readonly account: {
    readonly before: { readonly equity: number; readonly marginRatio: number | null; readonly available: number };
    readonly after: { readonly equity: number; readonly marginRatio: number | null; readonly available: number } | null;
  };
  readonly models: Partial<Record<WhatIfModel, ModelDelta>>;
  readonly flags: {
    /** The venue would refuse the order (validation, not enough initial margin, or an immediate liquidation). */
    readonly reject: boolean;
    /** The account would be at or past the margin-call ratio after the order. */
    readonly marginCall: boolean;
    /** The account (cross) or the position (isolated) would be liquidated at the current marks. */
    readonly liquidation: boolean;
    /** The first rule that fired (order-validation, liquidation, initial-margin, margin-call) and why. */
    readonly rule: RuleCheck['rule'] | null;
    readonly reason: string | null;
    readonly checks: readonly RuleCheck[];
  };
  /** With `options.targetBuffer`: the smallest deposit and the smallest cut restoring it. */
  readonly buffer?: BufferRestore;
}

interface GridState {
  readonly prep: grid.PreparedGrid;
  readonly prices: Record<string, number>;
  readonly underlyingOf: (symbol: string) => string;
  /** P&L vector of one unit of each symbol. */
  readonly unit: Map<string, Float64Array>;
  /** Signed quantity by symbol (the grid's view of the account). */
  readonly qty: Map<string, number>;
  /** Underlying sums, in first-appearance order. */
  readonly parts: grid.UnderlyingSums[];
  readonly before: grid.GridMarginResult;
  /** Risk array and add-on of each unchanged part, computed once. */
  readonly cache: WeakMap<grid.UnderlyingSums, [grid.UnderlyingRisk, grid.UnderlyingAddOn]>;
}

/** A prepared account: `order(o)` answers one what-if without recomputing the rest. */
export interface WhatIfSession {
  /** The account's tiered margin now. */
  readonly before: tiered.TieredMarginResult;
  /** The account's grid margin now (when the grid model was asked for). */
  readonly gridBefore: grid.GridMarginResult | null;
  readonly models: readonly WhatIfModel[];
  /** The what-if of one order (synchronous; see the module comment for its cost). */
  order(order: Order): WhatIfResult;
  /** The account as instrument positions after an order (for the var-es model), and before. */
  books(order: Order): { before: InstrumentPosition[]; after: InstrumentPosition[] | null };
  /** The account itself after an order (what a full recompute takes). */
  accountAfter(order: Order): tiered.Account;
}

const renameTiered = (f: string): string =>
  f.startsWith('marks') ? `market.${f}` : f.startsWith('opts') ? `options${f.slice(4)}` : f.startsWith('tables') ? `market.${f}` : `portfolio.${f}`;

/** Base coin of a symbol: BTCUSDT → BTC, BTC-USDT-SWAP → BTC, BTCUSD_PERP → BTC, BTC-PERPETUAL → BTC. */
export function defaultUnderlying(symbol: string): string {
  const s = symbol.replace(/[-_]?(PERP|PERPETUAL|SWAP)$/, '');
  return s.replace(/[-_]?(USDT|USDC|BUSD|USD)$/, '') || symbol;
}

/** A tiered position as an instrument position of the grid and var-es models (perp at its mark). */
function instrumentOf(p: tiered.PreparedPosition, underlying: string, unit = false): InstrumentPosition {
  const quantity = unit ? 1 : p.signedQty;
  const cv = p.pos.size / Math.abs(p.signedQty);
  return p.pos.table.contract === 'linear'
    ? { kind: 'linear-perp', underlying, quantity, contractSize: cv, markPrice: p.mark }
    : { kind: 'inverse-perp', underlying, quantity, contractValueUsd: cv, markPrice: p.mark };
}

function notionalUsd(p: tiered.PreparedPosition, qty: number): number {
  const cv = p.pos.size / Math.abs(p.signedQty);
  return p.pos.table.contract === 'linear' ? qty * cv * p.mark : qty * cv;
}

/**
 * Prepares an account for what-ifs (validation and the grid's unit vectors, once).
 * @param portfolio - the exchange account (tiered AccountSchema)
 * @param market - `{ marks, tables?, prices?, history?, valuationDate? }` (venue payloads: apply `applyVenue` first)
 * @param options - `{ models?, dailyVol?, horizonDays?, maintenanceBasis?, feeAt?, underlyings?, grid?, marginCallRatio?, targetBuffer? }`
 * @throws {ValidationError} naming `portfolio.…`, `market.…` or `options.…`
 */
export function prepareWhatIf(portfolio: unknown, market: unknown, options: unknown = {}): WhatIfSession {
  const m = parseInput(WhatIfMarketSchema, market, 'market');
  const o = parseInput(WhatIfOptionsSchema, options ?? {}, 'options');
  const { models: modelsOpt, underlyings, grid: gridConfig, varEs: _varEs, marginCallRatio: _mcr, targetBuffer: _tb, volLambda, ...tieredOpts } = o;
  const models: readonly WhatIfModel[] = modelsOpt ?? ['tiered'];
  const underlyingOf = (symbol: string): string => (underlyings && Object.hasOwn(underlyings, symbol) ? underlyings[symbol]! : defaultUnderlying(symbol));
  // σ of the distances: the given daily vols, else an EWMA of the underlying's history
  const volatility = tieredOpts.dailyVol !== undefined || m.history === undefined
    ? null
    : ewmaDailyVols(m.history, m.marks, underlyingOf, volLambda ?? 0.94);
  if (volatility) tieredOpts.dailyVol = volatility;
  const state = renamingFields(renameTiered, () => tiered.prepareTieredAccount(portfolio, m.marks, m.tables ?? sampleTierTables(), tieredOpts));
  const before = tiered.tieredMarginPrepared(state);
  const prices: Record<string, number> = { ...(m.prices ?? {}) };
  for (const p of state.prepared) {
    const u = underlyingOf(p.raw.symbol);
    if (!Object.hasOwn(prices, u)) prices[u] = p.mark;
  }
  const gridState = models.includes('scenario-grid') ? prepareGridState(state, gridProfile(gridConfig), prices, underlyingOf) : null;
  const marginCallRatio = o.marginCallRatio ?? 0.8;

  const apply = (orderIn: Order) => {
    const order = parseInput(OrderSchema, orderIn, 'order');
    const table = state.tables.get(order.symbol);
    if (!table) throw new ValidationError('order.symbol', 'unknown-symbol', `unknown symbol (no tier table); got ${describeValue(order.symbol)}`, order.symbol);
    const mark = Object.hasOwn(state.marks, order.symbol) ? state.marks[order.symbol] : undefined;
    if (mark === undefined) throw new ValidationError(`market.marks.${order.symbol}`, 'required', `missing mark price for order.symbol; got undefined`);
    const applied = applyOrder(state.account.positions, order, { mark, contract: table.contract, contractValue: table.contractValue });
    return { order, applied, mark };
  };

  const accountAfter = (order: Order): tiered.Account => {
    const { applied } = apply(order);
    return { ...state.account, walletBalance: state.account.walletBalance + applied.realized, positions: applied.positions };
  };

  return {
    before,
    gridBefore: gridState?.before ?? null,
    models,
    accountAfter,
    books(orderIn) {
      const beforeBook = state.prepared.map((p) => instrumentOf(p, underlyingOf(p.raw.symbol)));
      const { applied } = apply(orderIn);
      try {
        const ctx = ctxOf(state);
        const after = applied.positions.map((raw, i) => instrumentOf(tiered.preparePosition(raw, i, ctx), underlyingOf(raw.symbol)));
        return { before: beforeBook, after };
      } catch (e) {
        if (e instanceof ValidationError) return { before: beforeBook, after: null };
        throw e;
      }
    },
    order(orderIn) {
      const { order, applied } = apply(orderIn);
      const acc = state.account;
      const wallet = acc.walletBalance + applied.realized;
      const checks: RuleCheck[] = [];
      // (2) re-prepare the touched position only
      let prepared: tiered.PreparedPosition[] | null = state.prepared.slice();
      let rejectedBy: ValidationError | null = null;
      try {
        const ctx = ctxOf(state);
        if (applied.index < 0) prepared.splice(applied.beforeIndex, 1);
        else if (applied.beforeIndex < 0) prepared.push(tiered.preparePosition(applied.positions[applied.index]!, applied.index, ctx));
        else prepared[applied.index] = tiered.preparePosition(applied.positions[applied.index]!, applied.index, ctx);
        if (wallet < 0) throw new ValidationError('order.qty', 'wallet', `the realised loss ${-applied.realized} exceeds the wallet balance ${acc.walletBalance}; got ${describeValue(order.qty)}`, order.qty);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        rejectedBy = e;
        prepared = null;
      }
      checks.push({ rule: 'order-validation', fired: rejectedBy !== null, detail: rejectedBy ? `${rejectedBy.rule}: ${rejectedBy.message}` : 'the position after the order is within the tier table (leverage, cap)' });
      const before = this.before;
      const availBefore = available(before, acc.walletBalance);
      const posBefore = positionState(before, order.symbol, state.account.positions);
      const result = (after: tiered.TieredMarginResult | null, gridAfter: grid.GridMarginResult | null, afterPositions: readonly RawPosition[], extra: Partial<WhatIfResult> = {}): WhatIfResult => {
        const models: Partial<Record<WhatIfModel, ModelDelta>> = {};
        if (after) models.tiered = delta(acc.collateralCurrency, before, after);
        if (gridState && gridAfter) models['scenario-grid'] = delta('USD', gridState.before, gridAfter);
        const first = checks.find((c) => c.fired) ?? null;
        const reject = checks.some((c) => c.fired && c.rule !== 'margin-call');
        return {
          order: { symbol: order.symbol, side: order.side, qty: order.qty, price: applied.price, realizedPnl: applied.realized },
          position: { before: posBefore, after: after ? positionState(after, order.symbol, afterPositions) : null },
          account: {
            before: { equity: before.equity, marginRatio: before.marginRatio, available: availBefore },
            after: after ? { equity: after.equity, marginRatio: after.marginRatio, available: available(after, wallet) } : null,
          },
          models,
          flags: {
            reject,
            marginCall: checks.some((c) => c.rule === 'margin-call' && c.fired),
            liquidation: checks.some((c) => c.rule === 'liquidation' && c.fired),
            rule: first?.rule ?? null,
            reason: first?.detail ?? null,
            checks,
          },
          ...extra,
        };
      };
      if (prepared === null) return result(null, null, applied.positions);

      // (3) re-solve the account with the touched position replaced
      const afterState: tiered.PreparedTieredAccount = { ...state, account: { ...acc, walletBalance: wallet, positions: applied.positions }, prepared };
      const after = tiered.tieredMarginPrepared(afterState);
      // (4) the grid: the touched underlying's sums only
      const gridAfter = gridState ? gridOrder(gridState, prepared, order.symbol, applied.index >= 0 ? prepared[applied.index]! : null, underlyingOf) : null;

      const cross = acc.mode === 'cross';
      const posAfter = applied.index >= 0 ? after.positions[applied.index]! : null;
      const ratio = cross ? after.marginRatio : posAfter ? isolatedRatio(posAfter) : 0;
      const ratioText = ratio === null ? 'equity ≤ 0' : `margin ratio ${fmt(ratio)}`;
      checks.push({ rule: 'liquidation', fired: ratio === null || ratio >= 1, detail: `${cross ? 'account' : 'position'} ${ratioText} after the order (liquidation at ≥ 1)` });
      const increases = after.initial > before.initial;
      const avail = available(after, wallet);
      checks.push({
        rule: 'initial-margin',
        fired: increases && avail < 0,
        detail: cross
          ? `initial margin after the order ${fmt(after.initial)} vs equity ${fmt(after.equity)} (available ${fmt(avail)})`
          : `isolated margins after the order ${fmt(after.positions.reduce((s, p) => s + (p.isolatedMargin ?? 0), 0))} vs wallet ${fmt(wallet)} (available ${fmt(avail)})`,
      });
      checks.push({ rule: 'margin-call', fired: ratio === null || ratio >= marginCallRatio, detail: `${ratioText} vs the margin-call ratio ${marginCallRatio}` });
      const buffer = o.targetBuffer && applied.index >= 0
        ? bufferRestore(afterState, applied.index, o.targetBuffer, o.dailyVol)
        : undefined;
      return result(after, gridAfter, applied.positions, buffer ? { buffer } : {});
    },
  };
}

/**
 * Daily vol per symbol from the history of its underlying: EWMA (RiskMetrics, λ) of daily log
 * returns, its one-step forecast. Symbols whose underlying is not in the history get none.
 */
function ewmaDailyVols(history: { symbols: string[]; prices: number[][] }, marks: Record<string, number>, underlyingOf: (s: string) => string, lambda: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const symbol of Object.keys(marks)) {
    const j = history.symbols.indexOf(underlyingOf(symbol));
    if (j < 0) continue;
    const r: number[] = [];
    for (let t = 1; t < history.prices.length; t++) r.push(Math.log(history.prices[t]![j]! / history.prices[t - 1]![j]!));
    const f = ewmaVolatility(r, { lambda }).forecast;
    if (f > 0 && Number.isFinite(f)) out[symbol] = f;
  }
  return out;
}

/** The grid profile of `options.grid`: a preset's grid by name (`deribit-pm`), or overrides as given. */
function gridProfile(g: string | grid.GridMarginConfig | undefined): grid.GridMarginConfig {
  if (typeof g !== 'string') return g ?? {};
  const preset = venuePreset(g, 'options.grid');
  if (!preset.grid) throw new ValidationError('options.grid', 'venue', `preset ${preset.name} has no grid profile (its model is ${preset.model}); got ${describeValue(g)}`, g);
  return preset.grid;
}

function ctxOf(state: tiered.PreparedTieredAccount) {
  return {
    tables: state.tables, marks: state.marks, collateralCurrency: state.account.collateralCurrency,
    feeRate: state.account.feeRate ?? 0, basis: state.opts.maintenanceBasis ?? 'liquidation',
  } as const;
}

/** Cross: equity − initial; isolated: wallet − Σ isolated margins. */
function available(r: tiered.TieredMarginResult, wallet: number): number {
  return r.mode === 'cross' ? r.equity - r.initial : wallet - r.positions.reduce((s, p) => s + (p.isolatedMargin ?? 0), 0);
}

function isolatedRatio(p: tiered.PositionMargin): number | null {
  const eq = (p.isolatedMargin ?? 0) + p.unrealizedPnl;
  return eq > 0 ? p.maintenance / eq : null;
}

function delta(currency: string, b: { initial: number; maintenance: number }, a: { initial: number; maintenance: number }): ModelDelta {
  return {
    currency,
    before: { initial: b.initial, maintenance: b.maintenance },
    after: { initial: a.initial, maintenance: a.maintenance },
    delta: { initial: a.initial - b.initial, maintenance: a.maintenance - b.maintenance },
  };
}

function positionState(r: tiered.TieredMarginResult, symbol: string, raws: readonly RawPosition[]): PositionState | null {
  const i = r.positions.findIndex((p) => p.symbol === symbol);
  if (i < 0) return null;
  const p = r.positions[i]!;
  const raw = raws[i]!;
  return {
    qty: p.qty, entryPrice: raw.entryPrice, leverage: p.leverage, markPrice: p.markPrice, initial: p.initial, maintenance: p.maintenance,
    liquidationPrice: p.liquidationPrice, bankruptcyPrice: p.bankruptcyPrice, distance: p.distance,
  };
}

const fmt = (x: number): string => (Math.abs(x) >= 1e-3 || x === 0 ? Number(x.toPrecision(8)).toString() : x.toExponential(4));

function prepareGridState(
  state: tiered.PreparedTieredAccount,
  config: grid.GridMarginConfig,
  prices: Record<string, number>,
  underlyingOf: (s: string) => string,
): GridState {
  const prep = renamingFields((f) => `options.grid${f.slice('profile'.length)}`, () => grid.prepareGrid(config));
  const unit = new Map<string, Float64Array>();
  const qty = new Map<string, number>();
  if (state.prepared.length > 0) {
    const units = state.prepared.map((p) => instrumentOf(p, underlyingOf(p.raw.symbol), true));
    const { vectors } = grid.gridPositionPnl(units, { prices }, prep);
    state.prepared.forEach((p, i) => {
      unit.set(p.raw.symbol, vectors[i]!);
      qty.set(p.raw.symbol, p.signedQty);
    });
  }
  const parts = sumsOf(state.prepared, unit, prices, underlyingOf, prep.scenarios.length);
  const cache = new WeakMap<grid.UnderlyingSums, [grid.UnderlyingRisk, grid.UnderlyingAddOn]>();
  return { prep, prices, underlyingOf, unit, qty, parts, cache, before: grid.gridMarginFromSums(parts, prep, cache) };
}

/** Underlying sums of a set of positions from their unit vectors (first-appearance order). */
function sumsOf(
  prepared: readonly tiered.PreparedPosition[],
  unit: ReadonlyMap<string, Float64Array>,
  prices: Record<string, number>,
  underlyingOf: (s: string) => string,
  ns: number,
): grid.UnderlyingSums[] {
  const byU = new Map<string, grid.UnderlyingSums>();
  for (const p of prepared) {
    const u = underlyingOf(p.raw.symbol);
    let part = byU.get(u);
    if (!part) byU.set(u, (part = { underlying: u, price: prices[u]!, pnl: new Float64Array(ns), calls: 0, puts: 0, long: 0, short: 0 }));
    const v = unit.get(p.raw.symbol)!;
    for (let k = 0; k < ns; k++) part.pnl[k] += p.signedQty * v[k];
    const n = notionalUsd(p, p.signedQty);
    if (n > 0) part.long += n;
    else part.short -= n;
  }
  return [...byU.values()];
}

/** The grid after an order: the touched underlying's P&L moved by Δq × unit vector, its notionals re-summed. */
function gridOrder(
  g: GridState,
  prepared: readonly tiered.PreparedPosition[],
  symbol: string,
  touched: tiered.PreparedPosition | null,
  underlyingOf: (s: string) => string,
): grid.GridMarginResult {
  const u = underlyingOf(symbol);
  const ns = g.prep.scenarios.length;
  let v = g.unit.get(symbol);
  if (!v && touched) {
    if (!Object.hasOwn(g.prices, u)) g.prices[u] = touched.mark;
    v = grid.gridPositionPnl([instrumentOf(touched, u, true)], { prices: g.prices }, g.prep).vectors[0]!;
    g.unit.set(symbol, v);
  }
  const dq = (touched?.signedQty ?? 0) - (g.qty.get(symbol) ?? 0);
  const i = g.parts.findIndex((p) => p.underlying === u);
  const old = i >= 0 ? g.parts[i]! : null;
  const pnl = old ? Float64Array.from(old.pnl) : new Float64Array(ns);
  if (v) for (let k = 0; k < ns; k++) pnl[k] += dq * v[k];
  let long = 0;
  let short = 0;
  let any = false;
  for (const p of prepared) {
    if (underlyingOf(p.raw.symbol) !== u) continue;
    any = true;
    const n = notionalUsd(p, p.signedQty);
    if (n > 0) long += n;
    else short -= n;
  }
  const part: grid.UnderlyingSums = { underlying: u, price: g.prices[u]!, pnl, calls: 0, puts: 0, long, short };
  const parts = g.parts.slice();
  if (!any) {
    if (i >= 0) parts.splice(i, 1);
  } else if (i >= 0) parts[i] = part;
  else parts.push(part);
  return grid.gridMarginFromSums(parts, g.prep, g.cache);
}

export { type BufferRestore } from './buffer.js';
