/**
 * Generalized Black–Scholes value, shared by the revaluation kernel's TS twin and the pricing
 * module (assembly/reval.ts mirrors it).
 */
import { normalCdf } from '../../stats/index.js';

/** Total volatility σ√T below which an option is valued at its discounted intrinsic value. */
export const MIN_TOTAL_VOL = 1e-12;

/**
 * Kernel: generalized Black–Scholes value; does not validate.
 * V = cp·(S·e^{(b−r)T}·N(cp·d1) − K·e^{−rT}·N(cp·d2)), d1 = (ln(S/K) + (b + σ²/2)T)/(σ√T), d2 = d1 − σ√T.
 * @param cp +1 call, −1 put
 * @param b cost of carry: r − q for Black–Scholes, 0 for Black-76
 * @example gbsPrice(1, 42, 40, 0.5, 0.1, 0.1, 0.2) // returns 4.759422392871599
 */
export function gbsPrice(cp: number, S: number, K: number, T: number, r: number, b: number, sigma: number): number {
  if (!(T > 0)) return Math.max(cp * (S - K), 0);
  const carry = Math.exp((b - r) * T);
  const dfR = Math.exp(-r * T);
  const v = sigma * Math.sqrt(T);
  if (!(v >= MIN_TOTAL_VOL)) return Math.max(cp * (S * carry - K * dfR), 0);
  const d1 = (Math.log(S / K) + (b + 0.5 * sigma * sigma) * T) / v;
  const d2 = d1 - v;
  return cp * (S * carry * normalCdf(cp * d1) - K * dfR * normalCdf(cp * d2));
}
