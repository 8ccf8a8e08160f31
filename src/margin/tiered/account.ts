/**
 * Account-level tiered margin: validation of accounts, marks and tables, per-position initial and
 * maintenance margin, account equity and margin ratio, liquidation and bankruptcy prices.
 *
 * ## Conventions
 * - Tier by mark notional: the bracket (and its max leverage) is chosen from |qty|·cv·mark (linear,
 *   quote currency) or |qty|·cv/mark (inverse, coin). At a candidate liquidation price the tier is
 *   re-chosen from the notional at that price until consistent.
 * - Initial margin = mark notional / leverage; leverage must be ≤ the max leverage of the mark tier.
 * - Isolated margin defaults to entry notional / leverage (what the venue locks when opening).
 * - Equity = walletBalance + Σ unrealized P&L at marks (walletBalance includes the margin allotted to
 *   isolated positions, as on Binance). marginRatio = maintenance / equity (≥ 1 means liquidation;
 *   null when equity ≤ 0).
 * - Fee reserve (account.feeRate f > 0): the fee to close at the bankruptcy price, |qty|·cv·P_B·f
 *   (inverse: |qty|·cv/P_B·f coin), is added to the position's maintenance; the bankruptcy price is
 *   where equity equals the fee to close there. In cross mode a position's bankruptcy price is solved
 *   with the other positions at their marks and their fee to close at the mark; its liquidation price
 *   with the others' maintenance + fee reserve (as reported) held fixed.
 * - All positions settle in account.collateralCurrency (one currency per account); one position per
 *   symbol (hedge-mode long+short pairs are not modelled).
 */
import { z } from 'zod';
import { LIMITS, formatLimit } from '../../util/index.js';
import { ValidationError, describeValue } from '../../errors/index.js';
import { formatPath, parseOrThrow } from './validate.js';
import { parseTierTable, tierIndex, tierTableInput, type TierTable, type TierTableInput } from './table.js';
import {
  closeFee,
  liquidationDistance,
  bracketMeasure,
  notionalAt,
  solvePrices,
  toU,
  unrealizedPnl,
  type AffinePosition,
  type LiquidationDistance,
} from './liquidation.js';

const finite = { error: 'must be a finite number' } as const;
// magnitude bounds (src/util/limits.ts): quantities, prices and balances far beyond any venue's
const qtyLimit = `must have |x| <= ${formatLimit(LIMITS.quantity)} (input limit)`;
const priceLimit = `must be <= ${formatLimit(LIMITS.price)} (input limit)`;
const amountLimit = `must be <= ${formatLimit(LIMITS.pnl)} (input limit)`;

/** One position of an account. Give either a signed `qty`, or `side` with a positive `qty`. */
export const PositionSchema = z
  .object({
    symbol: z.string().min(1, 'must be a non-empty string'),
    contract: z.enum(['linear', 'inverse']),
    side: z.enum(['long', 'short']).optional(),
    /** Contracts (linear with contractValue 1: coin). Signed (+ long, − short) unless `side` is given. */
    qty: z.number(finite).refine((q) => q !== 0, 'must be non-zero').refine((q) => Math.abs(q) <= LIMITS.quantity, qtyLimit),
    entryPrice: z.number(finite).positive('must be positive').max(LIMITS.price, priceLimit),
    leverage: z.number(finite).min(1, 'must be ≥ 1').max(1e6, 'must be <= 1e+6 (input limit)'),
    /** Isolated mode only: margin allotted to the position (settlement currency). */
    isolatedMargin: z.number(finite).positive('must be positive').max(LIMITS.pnl, amountLimit).optional(),
    /** Overrides the table's contract value (linear: coin per contract; inverse: USD per contract). */
    contractValue: z.number(finite).positive('must be positive').max(LIMITS.contractSize, `must be <= ${formatLimit(LIMITS.contractSize)} (input limit)`).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.side !== undefined && p.qty < 0) {
      ctx.addIssue({ code: 'custom', path: ['qty'], message: 'must be positive when side is given' });
    }
  });

/** A margin account: one collateral currency, isolated or cross mode. */
export const AccountSchema = z
  .object({
    mode: z.enum(['isolated', 'cross']),
    walletBalance: z.number(finite).nonnegative('must be ≥ 0').max(LIMITS.pnl, amountLimit),
    collateralCurrency: z.string().min(1, 'must be a non-empty string'),
    positions: z.array(PositionSchema),
    /** Taker fee rate reserved at the bankruptcy price (default 0: no reserve). */
    feeRate: z.number(finite).min(0, 'must be between 0 and 0.1').max(0.1, 'must be between 0 and 0.1').optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.positions.forEach((p, i) => {
      if (seen.has(p.symbol)) ctx.addIssue({ code: 'custom', path: ['positions', i, 'symbol'], message: 'duplicate symbol (one position per symbol)' });
      seen.add(p.symbol);
      if (a.mode === 'cross' && p.isolatedMargin !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['positions', i, 'isolatedMargin'], message: 'only allowed in isolated mode' });
      }
    });
  });

/** Mark prices by symbol (quote currency per coin). */
export const MarksSchema = z.record(z.string(), z.number(finite).positive('must be a positive price').max(LIMITS.price, priceLimit));

/** Options of `tieredMargin` / `liquidationPrices`. */
export const TieredOptionsSchema = z
  .object({
    /** Daily log-return volatility: one number for all symbols or one per symbol. */
    dailyVol: z.union([z.number(finite).positive('must be positive'), z.record(z.string(), z.number(finite).positive('must be positive'))]).optional(),
    /** Horizon in days for `distance.horizonSigmas` (σ·√h). */
    horizonDays: z.number(finite).positive('must be positive').optional(),
    /**
     * Notional the maintenance margin is taken on (see README, numerical conventions):
     * 'liquidation' (default; Binance: MM on the notional at the liquidation price, tier re-chosen
     * there), 'mark' (MM on the mark notional, held while the price moves), 'entry' (MM on the
     * position value at entry: Bybit's isolated formula).
     */
    maintenanceBasis: z.enum(['liquidation', 'mark', 'entry']).optional(),
    /** Where the fee to close (account.feeRate) is reserved: 'bankruptcy' price (default) or 'liquidation' price. */
    feeAt: z.enum(['bankruptcy', 'liquidation']).optional(),
  })
  .strict();

export type Position = z.input<typeof PositionSchema>;
export type Account = z.input<typeof AccountSchema>;
export type Marks = z.input<typeof MarksSchema>;
export type TieredOptions = z.input<typeof TieredOptionsSchema>;
/** Tier tables: an array, or a record keyed by symbol; raw JSON or already parsed. */
export type TierTables = ReadonlyArray<TierTable | TierTableInput> | Readonly<Record<string, TierTable | TierTableInput>>;

/** Per-position result. Money amounts are in the settlement currency. */
export interface PositionMargin {
  readonly symbol: string;
  readonly contract: 'linear' | 'inverse';
  readonly side: 'long' | 'short';
  /** Signed contracts. */
  readonly qty: number;
  readonly markPrice: number;
  /** Notional at the mark in the bracket unit (linear: quote; inverse: coin). */
  readonly notional: number;
  /** Tier (0-based index into table.tiers) at the mark notional. */
  readonly tier: number;
  readonly maxLeverage: number;
  readonly leverage: number;
  /** notional / leverage. */
  readonly initial: number;
  /** MM at the mark notional + fee reserve. */
  readonly maintenance: number;
  /** Fee to close at the bankruptcy price (0 without feeRate). */
  readonly feeReserve: number;
  readonly unrealizedPnl: number;
  /** Isolated mode: margin allotted; cross mode: null. */
  readonly isolatedMargin: number | null;
  readonly liquidationPrice: number | null;
  readonly bankruptcyPrice: number | null;
  /** Tier used at the liquidation price (after recomputation). */
  readonly liquidationTier: number;
  /** Solves needed until the tier was consistent. */
  readonly iterations: number;
  readonly distance: LiquidationDistance | null;
}

export interface TieredMarginResult {
  readonly mode: 'isolated' | 'cross';
  readonly currency: string;
  readonly initial: number;
  readonly maintenance: number;
  readonly equity: number;
  /**
   * maintenance / equity; null when equity ≤ 0 (the account is past liquidation; results hold
   * only finite numbers, and JSON has no Infinity).
   */
  readonly marginRatio: number | null;
  readonly positions: readonly PositionMargin[];
}

export interface LiquidationPriceResult {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly markPrice: number;
  readonly liquidationPrice: number | null;
  readonly bankruptcyPrice: number | null;
  readonly liquidationTier: number;
  readonly iterations: number;
  readonly distance: LiquidationDistance | null;
}

/** Tier tables in their input form, ready to be cloned to a worker (see `tierTableInput`). */
export function tierTablesInput(tables: TierTables | undefined): TierTables | undefined {
  if (tables === undefined || tables === null || typeof tables !== 'object') return tables;
  if (Array.isArray(tables)) return tables.map(tierTableInput);
  return Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, tierTableInput(v)]));
}

function normaliseTables(tables: TierTables): Map<string, TierTable> {
  const out = new Map<string, TierTable>();
  const add = (raw: unknown, field: string, key?: string): void => {
    const table = parseTierTable(raw, field);
    if (key !== undefined && key !== table.symbol) {
      throw new ValidationError(`${field}.symbol`, 'key', `must match its key "${key}"; got ${describeValue(table.symbol)}`, table.symbol);
    }
    if (out.has(table.symbol)) {
      throw new ValidationError(`${field}.symbol`, 'duplicate', `duplicate tier table for this symbol; got ${describeValue(table.symbol)}`, table.symbol);
    }
    out.set(table.symbol, table);
  };
  if (Array.isArray(tables)) tables.forEach((t, i) => add(t, `tables[${i}]`));
  else if (tables !== null && typeof tables === 'object') for (const [k, t] of Object.entries(tables)) add(t, formatPath('tables', [k]), k);
  else throw new ValidationError('tables', 'type', `must be an array or a record of tier tables; got ${describeValue(tables)}`, tables);
  return out;
}

/** A position reduced to its solve inputs (see `preparePosition`). */
export interface PreparedPosition {
  readonly pos: AffinePosition;
  readonly raw: z.output<typeof PositionSchema>;
  readonly signedQty: number;
  readonly mark: number;
  readonly notional: number;
  readonly tier: number;
  readonly pnl: number;
  readonly mm: number;
  readonly feeAtMark: number;
  readonly isolatedMargin: number;
}

/** Validated tier tables by symbol (see `normaliseTables`). */
export type TierTableMap = ReadonlyMap<string, TierTable>;

/** Validates tier tables (array or record) into a map by symbol. */
export function tierTableMap(tables: TierTables): TierTableMap {
  return normaliseTables(tables);
}

/** A validated account with each position reduced to its solve inputs; reusable (what-if). */
export interface PreparedTieredAccount {
  readonly account: z.output<typeof AccountSchema>;
  readonly opts: z.output<typeof TieredOptionsSchema>;
  readonly marks: Readonly<Record<string, number>>;
  readonly tables: TierTableMap;
  readonly prepared: readonly PreparedPosition[];
}

/**
 * One validated position (already through PositionSchema) reduced to its solve inputs: MM on the
 * notional of the maintenance basis, fee at the mark, isolated margin.
 * @throws {ValidationError} naming `positions[i].…` (unknown symbol, missing mark, max leverage, cap)
 */
export function preparePosition(
  p: z.output<typeof PositionSchema>,
  i: number,
  ctx: { tables: TierTableMap; marks: Readonly<Record<string, number>>; collateralCurrency: string; feeRate: number; basis: 'liquidation' | 'mark' | 'entry' },
): PreparedPosition {
  const { tables, marks } = ctx;
  const at = (f: string) => `positions[${i}].${f}`;
  const table = tables.get(p.symbol);
  if (table === undefined) throw new ValidationError(at('symbol'), 'unknown-symbol', `unknown symbol (no tier table); got ${describeValue(p.symbol)}`, p.symbol);
  const mark = Object.hasOwn(marks, p.symbol) ? marks[p.symbol] : undefined;
  if (mark === undefined) throw new ValidationError(formatPath('marks', [p.symbol]), 'required', `missing mark price for ${at('symbol')}; got undefined`);
  if (p.contract !== table.contract) {
    throw new ValidationError(at('contract'), 'table', `must be "${table.contract}" to match the tier table of ${p.symbol}; got ${describeValue(p.contract)}`, p.contract);
  }
  if (table.settleCurrency !== ctx.collateralCurrency) {
    throw new ValidationError(
      at('symbol'),
      'currency',
      `settles in ${table.settleCurrency} but collateralCurrency is ${ctx.collateralCurrency}; got ${describeValue(p.symbol)}`,
      p.symbol,
    );
  }
  const signedQty = p.side === undefined ? p.qty : p.side === 'long' ? p.qty : -p.qty;
  const pos: AffinePosition = {
    table,
    side: signedQty > 0 ? 1 : -1,
    size: Math.abs(signedQty) * (p.contractValue ?? table.contractValue),
    entryPrice: p.entryPrice,
  };
  const notional = notionalAt(pos, mark);
  const measure = bracketMeasure(pos, toU(table, mark));
  const lastCap = table.tiers[table.tiers.length - 1]!.cap;
  if (measure > lastCap) {
    throw new ValidationError(at('qty'), 'max-notional', `${table.bracketUnit === 'size' ? 'size' : 'notional'} ${measure} at mark exceeds the last tier cap ${lastCap} of ${p.symbol}; got ${describeValue(p.qty)}`, p.qty);
  }
  const markTier = tierIndex(table, measure);
  const mt = table.tiers[markTier]!;
  if (p.leverage > mt.maxLeverage) {
    throw new ValidationError(
      at('leverage'),
      'max-leverage',
      `must be between 1 and ${mt.maxLeverage} (max leverage of ${p.symbol} tier ${markTier} at notional ${notional}); got ${describeValue(p.leverage)}`,
      p.leverage,
    );
  }
  // the maintenance basis: MM on the notional at entry (Bybit isolated) or at the mark
  const basisPrice = ctx.basis === 'entry' ? p.entryPrice : mark;
  const basisNotional = notionalAt(pos, basisPrice);
  const tier = ctx.basis === 'entry' ? tierIndex(table, bracketMeasure(pos, toU(table, basisPrice))) : markTier;
  const t = table.tiers[tier]!;
  const isolatedMargin = p.isolatedMargin ?? (pos.size * toU(table, p.entryPrice)) / p.leverage;
  return {
    pos,
    raw: p,
    signedQty,
    mark,
    notional,
    tier,
    pnl: unrealizedPnl(pos, mark),
    mm: basisNotional * t.maintenanceMarginRate - t.maintenanceAmount,
    feeAtMark: closeFee(pos, mark, ctx.feeRate),
    isolatedMargin,
  };
}

/**
 * Validates an account, its marks, tables and options once, and reduces every position to its
 * solve inputs. `tieredMarginPrepared` turns the result into margins and prices; a what-if
 * replaces one position and solves again without validating the others.
 * @throws {ValidationError} as `tieredMargin`
 */
export function prepareTieredAccount(accountIn: unknown, marksIn: unknown, tablesIn: TierTables | TierTableMap, optsIn: unknown): PreparedTieredAccount {
  const account = parseOrThrow(AccountSchema, accountIn, '');
  const marks = parseOrThrow(MarksSchema, marksIn, 'marks');
  const opts = parseOrThrow(TieredOptionsSchema, optsIn ?? {}, 'opts');
  const tables = tablesIn instanceof Map ? (tablesIn as TierTableMap) : normaliseTables(tablesIn as TierTables);
  const ctx = { tables, marks, collateralCurrency: account.collateralCurrency, feeRate: account.feeRate ?? 0, basis: opts.maintenanceBasis ?? 'liquidation' } as const;
  const prepared = account.positions.map((p, i) => preparePosition(p, i, ctx));
  return { account, opts, marks, tables, prepared };
}

function volFor(opts: z.output<typeof TieredOptionsSchema>, symbol: string): number | undefined {
  if (opts.dailyVol === undefined) return undefined;
  if (typeof opts.dailyVol === 'number') return opts.dailyVol;
  return Object.hasOwn(opts.dailyVol, symbol) ? opts.dailyVol[symbol] : undefined;
}

/**
 * Tiered (exchange-style) margin of an account: initial and maintenance margin per position and in
 * total, equity, margin ratio, and each position's liquidation and bankruptcy price with its distance.
 *
 * ## Method
 * See the module comment (conventions) and `solvePrices` (closed forms in u = P or 1/P, tier
 * recomputed at the liquidation price until consistent). Isolated mode solves each position on its
 * own margin; cross mode solves each position on the shared equity with the others held at their marks.
 *
 * @param account - `{ mode, walletBalance, collateralCurrency, positions, feeRate? }` (AccountSchema)
 * @param marks - mark price per symbol (quote currency per coin, > 0)
 * @param tables - tier tables (array or record by symbol), e.g. from `loadTierTable`
 * @param opts - `{ dailyVol?, horizonDays? }` for the distance in volatility units
 * @throws {ValidationError} naming the field: `positions[0].leverage: must be between 1 and 125 …; got 200`,
 *   `positions[1].symbol: unknown symbol (no tier table); got "XRPUSDT"`, `marks.BTCUSDT: must be a positive price; got -1`
 * @example
 * const r = tieredMargin(
 *   { mode: 'isolated', walletBalance: 1000, collateralCurrency: 'USDT',
 *     positions: [{ symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 50 }] },
 *   { BTCUSDT: 40000 }, [btcUsdt]);
 * r.positions[0].liquidationPrice
 * // returns 39357.429718875… (= (40000 − 800) / (1 − 0.004))
 */
export function tieredMargin(account: Account, marks: Marks, tables: TierTables, opts?: TieredOptions): TieredMarginResult {
  return tieredMarginPrepared(prepareTieredAccount(account, marks, tables, opts));
}

/**
 * `tieredMargin` of a prepared account (no validation: `prepareTieredAccount` did it). O(positions):
 * closed-form solves per position, totals summed once.
 */
export function tieredMarginPrepared(state: PreparedTieredAccount): TieredMarginResult {
  const { account: acc, opts: o, prepared } = state;
  const feeRate = acc.feeRate ?? 0;
  const cross = acc.mode === 'cross';
  const fixedBasis = (o.maintenanceBasis ?? 'liquidation') !== 'liquidation';
  const totalPnl = prepared.reduce((s, p) => s + p.pnl, 0);
  const totalMm = prepared.reduce((s, p) => s + p.mm, 0);
  const totalFee = prepared.reduce((s, p) => s + p.feeAtMark, 0);
  const equity = acc.walletBalance + totalPnl;

  const context = (p: PreparedPosition, outsideRequirement: number) => ({
    outsideEquity: cross ? acc.walletBalance + totalPnl - p.pnl : p.isolatedMargin,
    outsideRequirement,
    outsideFees: cross ? totalFee - p.feeAtMark : 0,
    feeRate,
    markPrice: p.mark,
    ...(fixedBasis ? { fixedMaintenance: p.mm } : {}),
    ...(o.feeAt ? { feeAt: o.feeAt } : {}),
  });
  // Cross mode, two passes: each position's fee reserve (at its bankruptcy price, others at their
  // marks) first; then each liquidation price with the others' maintenance + reserve held fixed, so
  // that at P_liq of position i: equity = Σ_{j≠i} maintenance_j + MM_i(P_liq) + reserve_i.
  const reserves = cross && feeRate > 0 ? prepared.map((p) => solvePrices(p.pos, context(p, 0)).feeReserve) : prepared.map(() => 0);
  const totalReserve = reserves.reduce((s, r) => s + r, 0);

  const positions: PositionMargin[] = prepared.map((p, i) => {
    const sol = solvePrices(p.pos, context(p, cross ? totalMm - p.mm + (totalReserve - reserves[i]!) : 0));
    const t = p.pos.table.tiers[p.tier]!;
    return {
      symbol: p.raw.symbol,
      contract: p.raw.contract,
      side: p.pos.side === 1 ? 'long' : 'short',
      qty: p.signedQty,
      markPrice: p.mark,
      notional: p.notional,
      tier: p.tier,
      maxLeverage: t.maxLeverage,
      leverage: p.raw.leverage,
      initial: p.notional / p.raw.leverage,
      maintenance: p.mm + sol.feeReserve,
      feeReserve: sol.feeReserve,
      unrealizedPnl: p.pnl,
      isolatedMargin: cross ? null : p.isolatedMargin,
      liquidationPrice: sol.liquidationPrice,
      bankruptcyPrice: sol.bankruptcyPrice,
      liquidationTier: fixedBasis ? p.tier : sol.liquidationTier,
      iterations: sol.iterations,
      distance:
        sol.liquidationPrice === null
          ? null
          : liquidationDistance(sol.liquidationPrice, p.mark, p.pos.side, volFor(o, p.raw.symbol), o.horizonDays),
    };
  });
  const maintenance = positions.reduce((s, p) => s + p.maintenance, 0);
  return {
    mode: acc.mode,
    currency: acc.collateralCurrency,
    initial: positions.reduce((s, p) => s + p.initial, 0),
    maintenance,
    equity,
    marginRatio: equity > 0 ? maintenance / equity : null,
    positions,
  };
}

/**
 * Liquidation and bankruptcy prices (and distance to liquidation) of every position of an account;
 * the same numbers as `tieredMargin(...).positions`, trimmed to the price fields.
 *
 * @throws {ValidationError} as `tieredMargin`
 * @example
 * liquidationPrices(account, { BTCUSDT: 40000 }, [btcUsdt], { dailyVol: 0.03 })[0].distance.sigmas
 * // returns 0.54… (|ln(39357.43 / 40000)| / 0.03)
 */
export function liquidationPrices(account: Account, marks: Marks, tables: TierTables, opts?: TieredOptions): LiquidationPriceResult[] {
  return tieredMargin(account, marks, tables, opts).positions.map((p) => ({
    symbol: p.symbol,
    side: p.side,
    markPrice: p.markPrice,
    liquidationPrice: p.liquidationPrice,
    bankruptcyPrice: p.bankruptcyPrice,
    liquidationTier: p.liquidationTier,
    iterations: p.iterations,
    distance: p.distance,
  }));
}
