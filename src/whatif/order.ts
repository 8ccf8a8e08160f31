/**
 * Applying an order to an account's positions: the position the venue would hold after the fill,
 * and the P&L the fill realises.
 *
 * ## Conventions
 * - Same direction (or a new symbol): quantity adds; the entry price is the quantity-weighted mean
 *   in u (linear: Σq·P/Σq; inverse: Σq/Σ(q/P), the harmonic mean); the leverage is the position's
 *   (or the order's for a new symbol); an explicit isolated margin grows by the order's notional at
 *   its price / leverage.
 * - Opposite direction: the closed part realises q·cv·(P − E) (linear) or q·cv·(1/E − 1/P) (inverse)
 *   into the wallet; the rest keeps its entry; an explicit isolated margin shrinks in proportion. An
 *   order larger than the position closes it and opens the remainder at the order price.
 * - Opening and closing fees are not charged (the fee to close is reserved by `feeRate`).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { tiered } from '../margin/index.js';
import type { z } from 'zod';
import type { OrderSchema } from './schema.js';

type RawPosition = z.output<typeof tiered.PositionSchema>;
type ParsedOrder = z.output<typeof OrderSchema>;

export interface AppliedOrder {
  /** Positions after the fill (the changed one replaced in place; a new one appended; a closed one removed). */
  readonly positions: RawPosition[];
  /** Index of the changed position in `positions` (−1 when it was closed). */
  readonly index: number;
  /** Index of the symbol's position before the fill (−1 when new). */
  readonly beforeIndex: number;
  /** Realised P&L credited to the wallet (settlement currency). */
  readonly realized: number;
  /** Signed quantity of the order (buy > 0). */
  readonly signedQty: number;
  readonly price: number;
}

const signed = (p: RawPosition): number => (p.side === undefined ? p.qty : p.side === 'long' ? p.qty : -p.qty);
const toU = (contract: 'linear' | 'inverse', price: number): number => (contract === 'linear' ? price : 1 / price);

/**
 * The positions after an order (see the module comment).
 * @throws {ValidationError} naming `order.leverage` or `order.contract` when a new position needs them
 */
export function applyOrder(
  positions: readonly RawPosition[],
  order: ParsedOrder,
  ctx: { mark: number; contract: 'linear' | 'inverse'; contractValue: number },
): AppliedOrder {
  const price = order.price ?? ctx.mark;
  const dq = order.side === 'buy' ? order.qty : -order.qty;
  const beforeIndex = positions.findIndex((p) => p.symbol === order.symbol);
  const out = positions.slice();
  const open = (qty: number, leverage: number | undefined, base?: RawPosition): RawPosition => {
    if (leverage === undefined) throw new ValidationError('order.leverage', 'required', `is required to open a position in ${order.symbol}; got undefined`);
    const contract = base?.contract ?? order.contract ?? ctx.contract;
    if (contract !== ctx.contract) throw new ValidationError('order.contract', 'table', `must be "${ctx.contract}" to match the tier table of ${order.symbol}; got ${describeValue(contract)}`, contract);
    return { symbol: order.symbol, contract, qty, entryPrice: price, leverage, ...(base?.contractValue !== undefined ? { contractValue: base.contractValue } : {}) };
  };
  if (beforeIndex < 0) {
    out.push(open(dq, order.leverage));
    return { positions: out, index: out.length - 1, beforeIndex, realized: 0, signedQty: dq, price };
  }
  const p = positions[beforeIndex]!;
  const q = signed(p);
  const cv = p.contractValue ?? ctx.contractValue;
  const uE = toU(p.contract, p.entryPrice);
  const uP = toU(p.contract, price);
  if (Math.sign(q) === Math.sign(dq)) {
    // weighted mean in u: linear Σq·P/Σq, inverse Σq/Σ(q/P) (u = 1/P)
    const entry = p.contract === 'linear' ? (q * p.entryPrice + dq * price) / (q + dq) : (q + dq) / (q * uE + dq * uP);
    const leverage = p.leverage;
    const iso = p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin + (Math.abs(dq) * cv * uP) / leverage };
    out[beforeIndex] = { ...withoutSide(p), qty: q + dq, entryPrice: entry, ...iso };
    return { positions: out, index: beforeIndex, beforeIndex, realized: 0, signedQty: dq, price };
  }
  const closed = Math.min(Math.abs(dq), Math.abs(q));
  const sideSign = Math.sign(q);
  const realized = p.contract === 'linear' ? sideSign * closed * cv * (price - p.entryPrice) : sideSign * closed * cv * (uE - uP);
  const rest = q + dq;
  if (Math.abs(dq) < Math.abs(q)) {
    const iso = p.isolatedMargin === undefined ? {} : { isolatedMargin: (p.isolatedMargin * Math.abs(rest)) / Math.abs(q) };
    out[beforeIndex] = { ...withoutSide(p), qty: rest, ...iso };
    return { positions: out, index: beforeIndex, beforeIndex, realized, signedQty: dq, price };
  }
  if (rest === 0) {
    out.splice(beforeIndex, 1);
    return { positions: out, index: -1, beforeIndex, realized, signedQty: dq, price };
  }
  out[beforeIndex] = open(rest, order.leverage ?? p.leverage, p);
  return { positions: out, index: beforeIndex, beforeIndex, realized, signedQty: dq, price };
}

function withoutSide(p: RawPosition): RawPosition {
  if (p.side === undefined) return p;
  const { side: _s, ...rest } = p;
  return { ...rest, qty: signed(p) };
}
