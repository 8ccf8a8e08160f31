/**
 * Tier tables (exchange "leverage and margin" brackets): schema, validation, derived cumulative
 * maintenance amounts, tier lookup and the maintenance-margin function.
 *
 * ## Method
 * Bracket i covers notionals N with floor_i < N ≤ cap_i (tier 0 also covers N = 0). Its maintenance
 * margin is MM(N) = N · rate_i − amount_i with the cumulative amount derived from the table:
 * amount_0 = 0, amount_i = amount_{i−1} + floor_i · (rate_i − rate_{i−1}).
 * This makes MM continuous at every floor, and because rates increase, MM is convex and equals
 * max_i (N · rate_i − amount_i). Above the last cap the last bracket's line is extended (positions
 * cannot be opened there, but a short's notional can grow there before liquidation).
 *
 * Units of N: linear contracts — notional in the settlement (quote) currency, |qty| · contractValue ·
 * price; inverse contracts — position value in coin, |qty| · contractValue / price (contractValue in
 * USD per contract). See data/tiers/README.md.
 *
 * ## References
 * - Binance, "Leverage and Margin of USDⓈ-M Futures" and "How to Calculate Liquidation Price"
 *   (maintenance amount, cumulative per bracket).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from './validate.js';

const positive = (what: string) => z.number({ error: `${what} must be a finite number` }).positive(`${what} must be positive`);

/** One bracket as typed in a table file. */
export const TierInputSchema = z
  .object({
    floor: z.number({ error: 'must be a finite number' }).nonnegative('must be ≥ 0'),
    cap: positive('cap'),
    maxLeverage: z.number({ error: 'must be a finite number' }).min(1, 'must be ≥ 1'),
    maintenanceMarginRate: z
      .number({ error: 'must be a finite number' })
      .gt(0, 'must be in (0, 1)')
      .lt(1, 'must be in (0, 1)'),
  })
  .strict();

/**
 * A tier table as stored in `data/tiers/*.json`. Unknown fields are rejected: in particular the
 * cumulative maintenance amount is derived, never typed in.
 */
export const TierTableSchema = z
  .object({
    symbol: z.string().min(1, 'must be a non-empty string'),
    contract: z.enum(['linear', 'inverse']),
    /** Currency of margin, P&L and maintenance (USDT for linear, BTC for BTCUSD inverse). */
    settleCurrency: z.string().min(1, 'must be a non-empty string'),
    /**
     * Unit of floor/cap: 'quote' (linear notional) or 'coin' (inverse position value), both moving
     * with the price; or 'size': the position size Q = |qty| · contractValue (coin for linear, USD for
     * inverse), which does not move with the price (OKX tiers by contracts). With 'size' the
     * maintenance is value × rate of the size's tier with no cumulative amount (the venue's rule).
     */
    bracketUnit: z.enum(['quote', 'coin', 'size']),
    /** Linear: coin per contract (default 1, qty in coin). Inverse: USD per contract (required). */
    contractValue: positive('contractValue').optional(),
    source: z.string().optional(),
    note: z.string().optional(),
    tiers: z.array(TierInputSchema).min(1, 'must have at least one tier'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const expectedUnit = t.contract === 'linear' ? 'quote' : 'coin';
    if (t.bracketUnit !== expectedUnit && t.bracketUnit !== 'size') {
      ctx.addIssue({ code: 'custom', path: ['bracketUnit'], message: `must be "${expectedUnit}" or "size" for ${t.contract} contracts` });
    }
    if (t.contract === 'inverse' && t.contractValue === undefined) {
      ctx.addIssue({ code: 'custom', path: ['contractValue'], message: 'is required for inverse contracts (USD per contract)' });
    }
    const amounts = t.bracketUnit === 'size' ? t.tiers.map(() => 0) : cumulativeAmounts(t.tiers);
    t.tiers.forEach((tier, i) => {
      const at = (field: string) => ['tiers', i, field];
      if (tier.cap <= tier.floor) ctx.addIssue({ code: 'custom', path: at('cap'), message: `must be greater than floor ${tier.floor}` });
      // the average maintenance rate at the cap, MM(cap)/cap = rate − amount/cap, must stay below the
      // initial rate (else a position is liquidated at entry); in tier 0 that is rate < 1/maxLeverage
      const average = tier.maintenanceMarginRate - (amounts[i] ?? 0) / tier.cap;
      if (!(average < 1 / tier.maxLeverage)) {
        ctx.addIssue({ code: 'custom', path: at('maintenanceMarginRate'), message: `must be below the initial rate 1/maxLeverage = ${1 / tier.maxLeverage}${i > 0 ? ` (as an average at the cap: rate − amount/cap = ${average})` : ''}` });
      }
      if (i === 0) {
        if (tier.floor !== 0) ctx.addIssue({ code: 'custom', path: at('floor'), message: 'first tier must start at 0' });
        return;
      }
      const prev = t.tiers[i - 1]!;
      if (tier.floor !== prev.cap) ctx.addIssue({ code: 'custom', path: at('floor'), message: `must equal the previous tier's cap ${prev.cap} (brackets sorted and contiguous)` });
      if (tier.maintenanceMarginRate <= prev.maintenanceMarginRate) {
        ctx.addIssue({ code: 'custom', path: at('maintenanceMarginRate'), message: `must be greater than the previous tier's rate ${prev.maintenanceMarginRate}` });
      }
      if (tier.maxLeverage > prev.maxLeverage) {
        ctx.addIssue({ code: 'custom', path: at('maxLeverage'), message: `must not exceed the previous tier's max leverage ${prev.maxLeverage}` });
      }
    });
  });

export type TierTableInput = z.input<typeof TierTableSchema>;

/** A validated bracket with its derived cumulative maintenance amount. */
export interface Tier {
  readonly floor: number;
  readonly cap: number;
  readonly maxLeverage: number;
  readonly maintenanceMarginRate: number;
  /** Derived: amount_i = amount_{i−1} + floor_i · (rate_i − rate_{i−1}); same unit as MM. */
  readonly maintenanceAmount: number;
}

/** A validated tier table (what every function of this module takes). */
export interface TierTable {
  readonly symbol: string;
  readonly contract: 'linear' | 'inverse';
  readonly settleCurrency: string;
  readonly bracketUnit: 'quote' | 'coin' | 'size';
  /** Resolved: linear defaults to 1. */
  readonly contractValue: number;
  readonly source?: string;
  readonly note?: string;
  readonly tiers: readonly Tier[];
}

/**
 * Cumulative maintenance amounts of a sorted, contiguous bracket list.
 * amount_0 = 0, amount_i = amount_{i−1} + floor_i · (rate_i − rate_{i−1}).
 *
 * @example
 * cumulativeAmounts([{ floor: 0, maintenanceMarginRate: 0.004 }, { floor: 50000, maintenanceMarginRate: 0.005 }])
 * // returns [0, 50]
 */
export function cumulativeAmounts(tiers: ReadonlyArray<{ floor: number; maintenanceMarginRate: number }>): number[] {
  const out: number[] = [];
  for (let i = 0; i < tiers.length; i++) {
    if (i === 0) out.push(0);
    else out.push(out[i - 1]! + tiers[i]!.floor * (tiers[i]!.maintenanceMarginRate - tiers[i - 1]!.maintenanceMarginRate));
  }
  return out;
}

/**
 * Validates a tier table (plain JSON object) and derives its cumulative maintenance amounts.
 *
 * @param input - the table object, e.g. the parsed content of `data/tiers/sample-btc-usdt.json`
 * @param field - path used in error messages (default `table`)
 * @throws {ValidationError} naming the field, e.g. `table.tiers[2].floor: must equal the previous tier's cap 250000 …; got 200000`
 */
export function parseTierTable(input: unknown, field = 'table'): TierTable {
  if (isParsedTierTable(input)) return input;
  const t = parseOrThrow(TierTableSchema, input, field);
  // size brackets do not move with the price: no amount keeps MM continuous along a price path
  const amounts = t.bracketUnit === 'size' ? t.tiers.map(() => 0) : cumulativeAmounts(t.tiers);
  const table: TierTable = Object.freeze({
    symbol: t.symbol,
    contract: t.contract,
    settleCurrency: t.settleCurrency,
    bracketUnit: t.bracketUnit,
    contractValue: t.contractValue ?? 1,
    ...(t.source !== undefined ? { source: t.source } : {}),
    ...(t.note !== undefined ? { note: t.note } : {}),
    tiers: Object.freeze(t.tiers.map((tier, i) => Object.freeze({ ...tier, maintenanceAmount: amounts[i]! }))),
  });
  parsed.add(table);
  return table;
}

// Tables produced by parseTierTable (frozen): accepted as they are, so a raw object carrying a
// typed-in maintenanceAmount can never pass for a validated one.
const parsed = new WeakSet<object>();

/** True when `t` was returned by `parseTierTable` / `loadTierTable`. */
export function isParsedTierTable(t: unknown): t is TierTable {
  return typeof t === 'object' && t !== null && parsed.has(t);
}

/**
 * The input form of a table: a parsed table loses its validated mark when it is cloned to a
 * worker, so it travels without its derived amounts and is parsed again there (same result).
 * Other values pass through unchanged (the worker validates them).
 */
export function tierTableInput(t: TierTable | TierTableInput): TierTableInput {
  if (!isParsedTierTable(t)) return t;
  return { ...t, tiers: t.tiers.map(({ maintenanceAmount: _derived, ...tier }) => tier) };
}

/** Reads and validates a tier table JSON file (synchronous; tables are small). */
export function loadTierTable(path: string | URL): TierTable {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read tier table ${String(path)}: ${(e as Error).message}`, { cause: e });
  }
  return parseTierTable(json, String(path));
}

/**
 * Index (0-based) of the bracket holding `notional`: floor < N ≤ cap, N = 0 in tier 0; notionals
 * above the last cap map to the last tier (MM is extended along the last line).
 */
export function tierIndex(table: TierTable, notional: number): number {
  const tiers = table.tiers;
  for (let i = 0; i < tiers.length; i++) if (notional <= tiers[i]!.cap) return i;
  return tiers.length - 1;
}

/**
 * Maintenance margin MM(N) = N · rate_i − amount_i for the bracket i holding N (continuous in N).
 * Unit: settlement currency (linear: quote; inverse: coin).
 *
 * @example
 * maintenanceMargin(btcUsdt, 100_000) // tier 1: 100000 × 0.005 − 50
 * // returns 450
 */
export function maintenanceMargin(table: TierTable, notional: number): number {
  const tier = table.tiers[tierIndex(table, notional)]!;
  return notional * tier.maintenanceMarginRate - tier.maintenanceAmount;
}
