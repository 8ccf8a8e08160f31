/**
 * Validation of positions and market, and their conversion to the flat instrument table the
 * revaluation kernel (and later the WASM kernel) consumes.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { LIMITS, formatLimit } from '../util/index.js';
import { KIND, allocateColumns, type InstrumentColumns } from '../kernels/index.js';
import { DAYS_PER_YEAR, callPutSign, finiteOr, nonNegative, positive } from './pricing.js';
import type { Market, Position, PositionKind } from './types.js';

/** Largest accepted implied vol (1000 %): larger values are almost surely percentages passed as decimals. */
export const MAX_VOL = 10;
const MS_PER_YEAR = DAYS_PER_YEAR * 86_400_000;

const KINDS: readonly PositionKind[] = ['spot', 'linear-future', 'linear-perp', 'inverse-future', 'inverse-perp', 'option'];

/** Index of `kind` in KINDS, −1 if it is none of them (a switch: no array scan per position). */
function kindCode(kind: unknown): number {
  switch (kind) {
    case 'spot': return 0;
    case 'linear-future': return 1;
    case 'linear-perp': return 2;
    case 'inverse-future': return 3;
    case 'inverse-perp': return 4;
    case 'option': return 5;
    default: return -1;
  }
}

/** KIND code of each delta-one entry of KINDS (options get theirs from the style). */
const KIND_OF_CODE: readonly number[] = [KIND.spot, KIND['linear-future'], KIND['linear-perp'], KIND['inverse-future'], KIND['inverse-perp']];

/** Underlyings of one position list looked up by a scan up to this many, by a Map beyond. */
const SCAN_UNDERLYINGS = 8;

/** A validated table plus the lookups needed to map results back to positions. */
export interface InstrumentTable {
  columns: InstrumentColumns;
  /** Underlying symbols in index order (first appearance in `positions`). */
  underlyings: string[];
  /** The validated positions, same order as the table rows. */
  positions: readonly Position[];
}

/**
 * Validates `positions` against `market` and builds the column table.
 * @param field path prefix used in error messages (default 'positions').
 * @throws {ValidationError} naming the first bad field, e.g. `positions[2].strike: must be a finite number > 0; got -5`.
 * @example buildInstrumentTable([{ kind: 'spot', underlying: 'BTC', quantity: 1 }], { prices: { BTC: 60000 } }).columns.price[0]
 * // returns 60000
 */
export function buildInstrumentTable(positions: readonly Position[], market: Market, field = 'positions'): InstrumentTable {
  const prices = validateMarket(market);
  if (!Array.isArray(positions)) {
    throw new ValidationError(field, 'type', `must be an array of positions; got ${describeValue(positions)}`, positions);
  }
  const c = allocateColumns(positions.length);
  const underlyings = fillInstrumentRows(positions, market, prices, c, 0, field);
  return { columns: c, underlyings, positions };
}

/**
 * Validates `positions` (an array) and writes them as rows [offset, offset + length) of `c`, whose
 * columns must be long enough and zero in those rows (volScale is left as is). Returns the
 * underlyings in index order. The batch path fills many accounts into one shared table this way.
 * @param prices `market.prices`, already validated by {@link validateMarket}.
 * @throws {ValidationError} as {@link buildInstrumentTable}.
 */
export function fillInstrumentRows(
  positions: readonly Position[], market: Market, prices: Record<string, number>, c: InstrumentColumns, offset: number, field = 'positions',
): string[] {
  const n = positions.length;
  const underlyings: string[] = [];
  // each underlying's price, by index; an account has few underlyings, so they are looked up by a
  // scan (no hashing) until there are more than SCAN_UNDERLYINGS, then through a Map
  const spots: number[] = [];
  let index: Map<string, number> | undefined;
  let valuationMs: number | undefined;
  // Field paths are built only on the error path: formatting `positions[i].strike` for every
  // field of every row costs more than the validation itself in large batches.
  const at = (i: number, key: string): string => `${field}[${i}]${key}`;
  for (let i = 0; i < n; i++) {
    const p = positions[i] as Position;
    if (p === null || typeof p !== 'object') throw new ValidationError(at(i, ''), 'type', `must be a position object; got ${describeValue(p)}`, p);
    const kind = p.kind;
    const code = kindCode(kind);
    if (code < 0) {
      throw new ValidationError(at(i, '.kind'), 'enum', `must be one of ${KINDS.join(', ')}; got ${describeValue(kind)}`, kind);
    }
    const name = p.underlying;
    if (typeof name !== 'string' || name.length === 0) {
      throw new ValidationError(at(i, '.underlying'), 'type', `must be a non-empty string; got ${describeValue(name)}`, name);
    }
    let u = -1;
    if (index === undefined) {
      for (let j = 0; j < underlyings.length; j++) {
        if (underlyings[j] === name) {
          u = j;
          break;
        }
      }
    } else {
      u = index.get(name) ?? -1;
    }
    let spot: number;
    if (u >= 0) {
      spot = spots[u];
    } else {
      // own keys only: an underlying named like an Object.prototype member ('constructor') has no price
      const s = Object.hasOwn(prices, name) ? prices[name] : undefined;
      if (s === undefined) {
        throw new ValidationError(at(i, '.underlying'), 'market', `has no price in market.prices; got ${describeValue(name)}`, name);
      }
      spot = s;
    }
    const quantity = p.quantity;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity)) {
      throw new ValidationError(at(i, '.quantity'), 'finite', `must be a finite number; got ${describeValue(quantity)}`, quantity);
    }
    if (u < 0) {
      u = underlyings.length;
      underlyings.push(name);
      spots.push(spot);
      if (index !== undefined) index.set(name, u);
      else if (underlyings.length > SCAN_UNDERLYINGS) index = new Map(underlyings.map((x, j) => [x, j]));
    }
    c.underlying[offset + i] = u;
    c.quantity[offset + i] = quantity;
    switch (kind) {
      case 'spot':
        c.kind[offset + i] = KIND.spot;
        c.size[offset + i] = p.contractSize === undefined ? 1 : isPositive(p.contractSize) ? p.contractSize : positive(p.contractSize, at(i, '.contractSize'));
        c.price[offset + i] = spot;
        break;
      case 'linear-future':
      case 'linear-perp':
        c.kind[offset + i] = KIND_OF_CODE[code];
        c.size[offset + i] = p.contractSize === undefined ? 1 : isPositive(p.contractSize) ? p.contractSize : positive(p.contractSize, at(i, '.contractSize'));
        c.price[offset + i] = p.markPrice === undefined ? spot : isPositive(p.markPrice) ? p.markPrice : positive(p.markPrice, at(i, '.markPrice'));
        break;
      case 'inverse-future':
      case 'inverse-perp':
        c.kind[offset + i] = KIND_OF_CODE[code];
        c.size[offset + i] = isPositive(p.contractValueUsd) ? p.contractValueUsd : positive(p.contractValueUsd, at(i, '.contractValueUsd'));
        c.price[offset + i] = p.markPrice === undefined ? spot : isPositive(p.markPrice) ? p.markPrice : positive(p.markPrice, at(i, '.markPrice'));
        break;
      case 'option': {
        if (p.style !== 'linear' && p.style !== 'inverse') {
          throw new ValidationError(at(i, '.style'), 'enum', `must be 'linear' or 'inverse'; got ${describeValue(p.style)}`, p.style);
        }
        c.kind[offset + i] = p.style === 'inverse' ? KIND['option-inverse'] : KIND['option-linear'];
        c.callPut[offset + i] = p.optionType === 'call' ? 1 : p.optionType === 'put' ? -1 : callPutSign(p.optionType, at(i, '.optionType'));
        c.size[offset + i] = p.contractSize === undefined ? 1 : isPositive(p.contractSize) ? p.contractSize : positive(p.contractSize, at(i, '.contractSize'));
        c.price[offset + i] = p.underlyingPrice === undefined ? spot : isPositive(p.underlyingPrice) ? p.underlyingPrice : positive(p.underlyingPrice, at(i, '.underlyingPrice'));
        c.strike[offset + i] = isPositive(p.strike) ? p.strike : positive(p.strike, at(i, '.strike'));
        if (typeof p.expiry === 'string') {
          valuationMs ??= parseValuationDate(market);
          c.expiry[offset + i] = yearsUntil(p.expiry, valuationMs, at(i, '.expiry'));
        } else {
          c.expiry[offset + i] = isNonNegative(p.expiry) ? p.expiry : nonNegative(p.expiry, at(i, '.expiry'));
        }
        const vol = isNonNegative(p.vol) ? p.vol : nonNegative(p.vol, at(i, '.vol'));
        if (vol > MAX_VOL) {
          throw new ValidationError(at(i, '.vol'), 'range', `must be an annual decimal <= ${MAX_VOL} (0.6 = 60 %); got ${vol}`, vol);
        }
        c.vol[offset + i] = vol;
        const r = p.rate === undefined || isFiniteNumber(p.rate) ? (p.rate ?? 0) : finiteOr(p.rate, 0, at(i, '.rate'));
        const q = p.dividendYield === undefined || isFiniteNumber(p.dividendYield) ? (p.dividendYield ?? 0) : finiteOr(p.dividendYield, 0, at(i, '.dividendYield'));
        const model = p.model ?? 'black-scholes';
        if (model !== 'black-scholes' && model !== 'black-76') {
          throw new ValidationError(at(i, '.model'), 'enum', `must be 'black-scholes' or 'black-76'; got ${describeValue(model)}`, model);
        }
        if (Math.abs(r) > LIMITS.rate) atMost(r, LIMITS.rate, at(i, '.rate'));
        if (Math.abs(q) > LIMITS.rate) atMost(q, LIMITS.rate, at(i, '.dividendYield'));
        c.rate[offset + i] = r;
        c.carry[offset + i] = model === 'black-76' ? 0 : r - q;
        break;
      }
    }
    // magnitude bounds (src/util/limits.ts), one branch per row on the accepting path
    const k = offset + i;
    if (!(Math.abs(c.quantity[k]) <= LIMITS.quantity && c.price[k] <= LIMITS.price && c.strike[k] <= LIMITS.price && c.size[k] <= LIMITS.contractSize && c.expiry[k] <= LIMITS.expiryYears)) {
      rowLimits(p, c, k, (key) => at(i, key));
    }
  }
  return underlyings;
}

/** Throws a ValidationError naming `field` and the limit when |x| > max; returns x. */
function atMost(x: number, max: number, field: string): number {
  if (Math.abs(x) > max) throw new ValidationError(field, 'limit', `must have |x| <= ${formatLimit(max)} (input limit); got ${x}`, x);
  return x;
}

/** Names the field of row `k` that broke a magnitude bound (the error path of the row check). */
function rowLimits(p: Position, c: InstrumentColumns, k: number, at: (key: string) => string): never {
  atMost(c.quantity[k], LIMITS.quantity, at('.quantity'));
  const priceKey = p.kind === 'option' ? (p.underlyingPrice === undefined ? null : '.underlyingPrice') : ('markPrice' in p && p.markPrice !== undefined ? '.markPrice' : null);
  atMost(c.price[k], LIMITS.price, priceKey === null ? `market.prices.${p.underlying}` : at(priceKey));
  atMost(c.strike[k], LIMITS.price, at('.strike'));
  atMost(c.size[k], LIMITS.contractSize, at(p.kind === 'inverse-future' || p.kind === 'inverse-perp' ? '.contractValueUsd' : '.contractSize'));
  atMost(c.expiry[k], LIMITS.expiryYears, at('.expiry'));
  throw new ValidationError(at(''), 'limit', 'exceeds an input limit');
}

/** Validates `market.prices`; returns it. */
export function validateMarket(market: Market): Record<string, number> {
  if (market === null || typeof market !== 'object') {
    throw new ValidationError('market', 'type', `must be an object; got ${describeValue(market)}`, market);
  }
  const prices = market.prices;
  if (prices === null || typeof prices !== 'object') {
    throw new ValidationError('market.prices', 'type', `must be an object of prices by underlying; got ${describeValue(prices)}`, prices);
  }
  for (const [k, v] of Object.entries(prices)) atMost(positive(v, `market.prices.${k}`), LIMITS.price, `market.prices.${k}`);
  return prices;
}

/** The accepting side of `positive` (which builds the error), inlined on the hot path. */
function isPositive(x: unknown): x is number {
  return typeof x === 'number' && x > 0 && x < Infinity;
}

/** The accepting side of `nonNegative`. */
function isNonNegative(x: unknown): x is number {
  return typeof x === 'number' && x >= 0 && x < Infinity;
}

/** The accepting side of `finiteOr` for a defined value. */
function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function parseValuationDate(market: Market): number {
  const v = market.valuationDate;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError('market.valuationDate', 'date', `must be an ISO date when an expiry is a date; got ${describeValue(v)}`, v);
  }
  return ms;
}

function yearsUntil(iso: string, valuationMs: number, field: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new ValidationError(field, 'date', `must be years (number) or an ISO date; got ${describeValue(iso)}`, iso);
  if (ms < valuationMs) throw new ValidationError(field, 'range', `must not be before market.valuationDate; got ${describeValue(iso)}`, iso);
  return (ms - valuationMs) / MS_PER_YEAR;
}
