/**
 * Validation of positions and market, and their conversion to the flat instrument table the
 * revaluation kernel (and later the WASM kernel) consumes.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { KIND, allocateColumns, type InstrumentColumns } from '../kernels/index.js';
import { DAYS_PER_YEAR, callPutSign, finiteOr, nonNegative, positive } from './pricing.js';
import type { Market, Position, PositionKind } from './types.js';

/** Largest accepted implied vol (1000 %): larger values are almost surely percentages passed as decimals. */
export const MAX_VOL = 10;
const MS_PER_YEAR = DAYS_PER_YEAR * 86_400_000;

const KINDS: readonly PositionKind[] = ['spot', 'linear-future', 'linear-perp', 'inverse-future', 'inverse-perp', 'option'];

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
  const n = positions.length;
  const c = allocateColumns(n);
  const underlyings: string[] = [];
  const index = new Map<string, number>();
  let valuationMs: number | undefined;
  for (let i = 0; i < n; i++) {
    const p = positions[i] as Position;
    const f = `${field}[${i}]`;
    if (p === null || typeof p !== 'object') throw new ValidationError(f, 'type', `must be a position object; got ${describeValue(p)}`, p);
    if (!KINDS.includes(p.kind)) {
      throw new ValidationError(`${f}.kind`, 'enum', `must be one of ${KINDS.join(', ')}; got ${describeValue(p.kind)}`, p.kind);
    }
    if (typeof p.underlying !== 'string' || p.underlying.length === 0) {
      throw new ValidationError(`${f}.underlying`, 'type', `must be a non-empty string; got ${describeValue(p.underlying)}`, p.underlying);
    }
    // own keys only: an underlying named like an Object.prototype member ('constructor') has no price
    const spot = Object.hasOwn(prices, p.underlying) ? prices[p.underlying] : undefined;
    if (spot === undefined) {
      throw new ValidationError(`${f}.underlying`, 'market', `has no price in market.prices; got ${describeValue(p.underlying)}`, p.underlying);
    }
    if (typeof p.quantity !== 'number' || !Number.isFinite(p.quantity)) {
      throw new ValidationError(`${f}.quantity`, 'finite', `must be a finite number; got ${describeValue(p.quantity)}`, p.quantity);
    }
    let u = index.get(p.underlying);
    if (u === undefined) {
      u = underlyings.length;
      underlyings.push(p.underlying);
      index.set(p.underlying, u);
    }
    c.underlying[i] = u;
    c.quantity[i] = p.quantity;
    switch (p.kind) {
      case 'spot':
        c.kind[i] = KIND.spot;
        c.size[i] = optionalPositive(p.contractSize, 1, `${f}.contractSize`);
        c.price[i] = spot;
        break;
      case 'linear-future':
      case 'linear-perp':
        c.kind[i] = KIND[p.kind];
        c.size[i] = optionalPositive(p.contractSize, 1, `${f}.contractSize`);
        c.price[i] = optionalPositive(p.markPrice, spot, `${f}.markPrice`);
        break;
      case 'inverse-future':
      case 'inverse-perp':
        c.kind[i] = KIND[p.kind];
        c.size[i] = positive(p.contractValueUsd, `${f}.contractValueUsd`);
        c.price[i] = optionalPositive(p.markPrice, spot, `${f}.markPrice`);
        break;
      case 'option': {
        if (p.style !== 'linear' && p.style !== 'inverse') {
          throw new ValidationError(`${f}.style`, 'enum', `must be 'linear' or 'inverse'; got ${describeValue(p.style)}`, p.style);
        }
        c.kind[i] = p.style === 'inverse' ? KIND['option-inverse'] : KIND['option-linear'];
        c.callPut[i] = callPutSign(p.optionType, `${f}.optionType`);
        c.size[i] = optionalPositive(p.contractSize, 1, `${f}.contractSize`);
        c.price[i] = optionalPositive(p.underlyingPrice, spot, `${f}.underlyingPrice`);
        c.strike[i] = positive(p.strike, `${f}.strike`);
        if (typeof p.expiry === 'string') {
          valuationMs ??= parseValuationDate(market);
          c.expiry[i] = yearsUntil(p.expiry, valuationMs, `${f}.expiry`);
        } else {
          c.expiry[i] = nonNegative(p.expiry, `${f}.expiry`);
        }
        const vol = nonNegative(p.vol, `${f}.vol`);
        if (vol > MAX_VOL) {
          throw new ValidationError(`${f}.vol`, 'range', `must be an annual decimal <= ${MAX_VOL} (0.6 = 60 %); got ${vol}`, vol);
        }
        c.vol[i] = vol;
        const r = finiteOr(p.rate, 0, `${f}.rate`);
        const q = finiteOr(p.dividendYield, 0, `${f}.dividendYield`);
        const model = p.model ?? 'black-scholes';
        if (model !== 'black-scholes' && model !== 'black-76') {
          throw new ValidationError(`${f}.model`, 'enum', `must be 'black-scholes' or 'black-76'; got ${describeValue(model)}`, model);
        }
        c.rate[i] = r;
        c.carry[i] = model === 'black-76' ? 0 : r - q;
        break;
      }
    }
  }
  return { columns: c, underlyings, positions };
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
  for (const [k, v] of Object.entries(prices)) positive(v, `market.prices.${k}`);
  return prices;
}

function optionalPositive(x: unknown, dflt: number, field: string): number {
  return x === undefined ? dflt : positive(x, field);
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
