/**
 * Deribit standard margin for coin-settled options (per option, in coin), the formula difference
 * the `deribit-options` preset names. Futures use the tier table of `deribitFutureTable`; portfolio
 * margin is the `deribit-pm` preset's grid profile on the scenario-grid model.
 */
import { ValidationError, describeValue } from '../errors/index.js';

export interface DeribitOptionInput {
  type: 'call' | 'put';
  /** Signed number of options (1 option = 1 coin of underlying); long > 0, short < 0. */
  qty: number;
  strike: number;
  /** Underlying mark price (USD). */
  underlyingPrice: number;
  /** Option mark price in coin per option (Deribit quotes options in BTC/ETH). */
  markPrice: number;
}

/**
 * Initial and maintenance margin of an option position under Deribit standard margin, in coin.
 *
 * ## Method
 * OTM amount (USD): call max(0, K − S), put max(0, S − K). Per short option:
 * - call: IM = max(0.15 − OTM/S, 0.1) + mark, MM = 0.075 + mark;
 * - put: MM = max(0.075, 0.075·mark) + mark, IM = max(max(0.15 − OTM/S, 0.1) + mark, MM).
 * Long options need no margin beyond the premium (0 here). Totals are × |qty|.
 *
 * @example deribitOptionMargin({ type: 'call', qty: -2, strike: 60000, underlyingPrice: 50000, markPrice: 0.01 })
 * // returns { initial: 0.22, maintenance: 0.17 }  (max(0.15 − 0.2, 0.1) + 0.01 = 0.11 per option)
 */
export function deribitOptionMargin(o: DeribitOptionInput): { initial: number; maintenance: number } {
  for (const k of ['qty', 'strike', 'underlyingPrice', 'markPrice'] as const) {
    if (!Number.isFinite(o[k])) throw new ValidationError(k, 'type', `must be a finite number; got ${describeValue(o[k])}`, o[k]);
  }
  if (!(o.strike > 0)) throw new ValidationError('strike', 'range', `must be positive; got ${describeValue(o.strike)}`, o.strike);
  if (!(o.underlyingPrice > 0)) throw new ValidationError('underlyingPrice', 'range', `must be positive; got ${describeValue(o.underlyingPrice)}`, o.underlyingPrice);
  if (!(o.markPrice >= 0)) throw new ValidationError('markPrice', 'range', `must be ≥ 0; got ${describeValue(o.markPrice)}`, o.markPrice);
  if (o.qty >= 0) return { initial: 0, maintenance: 0 };
  const S = o.underlyingPrice;
  const otm = o.type === 'call' ? Math.max(0, o.strike - S) : Math.max(0, S - o.strike);
  const base = Math.max(0.15 - otm / S, 0.1) + o.markPrice;
  let im: number;
  let mm: number;
  if (o.type === 'call') {
    mm = 0.075 + o.markPrice;
    im = base;
  } else {
    mm = Math.max(0.075, 0.075 * o.markPrice) + o.markPrice;
    im = Math.max(base, mm);
  }
  const n = -o.qty;
  return { initial: n * im, maintenance: n * mm };
}
