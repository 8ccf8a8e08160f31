/**
 * European option pricing: generalized Black–Scholes (cost of carry `b`), which covers
 * Black–Scholes on a spot with dividend/carry yield q (b = r − q) and Black-76 on a forward or
 * future (b = 0). Linear (USD) and inverse (coin-settled, Deribit style: value / underlying price)
 * flavours, with greeks.
 *
 * Units and conventions:
 * - Times are in years (ACT/365: crypto trades every calendar day); rates and vols are annual, decimal
 *   (0.2 = 20 %). `theta` is dV/dt per year of calendar time passing (= −∂V/∂T); `thetaPerDay` = theta / 365.
 * - `vega` is ∂V/∂σ per unit of σ (per 1.00 = 100 vol points); `vegaPerPoint` = vega / 100, per 1 vol point.
 * - Inverse values and greeks are in coin: V_c = V/S, ∂V_c/∂S = Δ/S − V/S², ∂²V_c/∂S² = Γ/S − 2Δ/S² + 2V/S³,
 *   vega_c = vega/S, theta_c = theta/S (S is the model's underlying input: spot for Black–Scholes,
 *   forward for Black-76).
 * - Degenerate inputs are handled without NaN: T ≤ 0 gives intrinsic value max(±(S − K), 0); σ√T below
 *   1e-12 gives the discounted forward intrinsic max(±(S·e^{(b−r)T} − K·e^{−rT}), 0). At the money in
 *   those limits delta is half the step and gamma is 0.
 *
 * ## References
 * - Black, F., Scholes, M. (1973). The pricing of options and corporate liabilities. JPE 81(3). doi:10.1086/260062
 * - Black, F. (1976). The pricing of commodity contracts. JFE 3(1–2). doi:10.1016/0304-405X(76)90024-6
 * - Haug, E. G. (2007). The Complete Guide to Option Pricing Formulas, 2nd ed., §1.1.6 (generalized BS).
 * - Hull, J. C. Options, Futures, and Other Derivatives, ch. 15 (Example: S=42, K=40, r=10 %, σ=20 %, T=0.5).
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { normalCdf, normalPdf } from '../stats/index.js';
import { MIN_TOTAL_VOL, gbsPrice } from '../kernels/index.js';

export { MIN_TOTAL_VOL, gbsPrice };

/** Calendar days per year used for every day ↔ year conversion in this module. */
export const DAYS_PER_YEAR = 365;
const INV_SQRT_2PI = 0.3989422804014327;

export type OptionType = 'call' | 'put';
export type OptionStyle = 'linear' | 'inverse';
export type PricingModel = 'black-scholes' | 'black-76';

/** Value and sensitivities of one option (one unit of underlying). */
export interface Greeks {
  /** Value: USD for linear, coin for inverse. */
  price: number;
  /** ∂V/∂S. */
  delta: number;
  /** ∂²V/∂S². */
  gamma: number;
  /** ∂V/∂σ per unit of σ (σ from 0.20 to 1.20 is one unit). */
  vega: number;
  /** ∂V/∂σ per vol point (vega / 100). */
  vegaPerPoint: number;
  /** dV/dt per year of time passing (−∂V/∂T), other inputs fixed. */
  theta: number;
  /** theta / 365: value change over one calendar day. */
  thetaPerDay: number;
}


/** Kernel: generalized Black–Scholes value and greeks (linear, per unit of underlying); does not validate. */
export function gbsGreeks(cp: number, S: number, K: number, T: number, r: number, b: number, sigma: number): Greeks {
  if (!(T > 0)) {
    const diff = cp * (S - K);
    const delta = diff > 0 ? cp : diff === 0 ? 0.5 * cp : 0;
    return finish(Math.max(diff, 0), delta, 0, 0, 0);
  }
  const carry = Math.exp((b - r) * T);
  const dfR = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const v = sigma * sqrtT;
  if (!(v >= MIN_TOTAL_VOL)) {
    const diff = cp * (S * carry - K * dfR);
    // Weight of the exercised branch: 1 in the money, ½ exactly at the forward, 0 out of the money.
    const w = diff > 0 ? 1 : diff === 0 ? 0.5 : 0;
    const vega = diff === 0 ? S * carry * sqrtT * INV_SQRT_2PI : 0;
    const theta = -cp * w * ((b - r) * S * carry + r * K * dfR);
    return finish(Math.max(diff, 0), cp * w * carry, 0, vega, theta);
  }
  const d1 = (Math.log(S / K) + (b + 0.5 * sigma * sigma) * T) / v;
  const d2 = d1 - v;
  const nd1 = normalCdf(cp * d1);
  const nd2 = normalCdf(cp * d2);
  const pdf = normalPdf(d1);
  const price = cp * (S * carry * nd1 - K * dfR * nd2);
  const delta = cp * carry * nd1;
  const gamma = (carry * pdf) / (S * v);
  const vega = S * carry * pdf * sqrtT;
  const theta = (-S * carry * pdf * sigma) / (2 * sqrtT) - cp * (b - r) * S * carry * nd1 - cp * r * K * dfR * nd2;
  return finish(price, delta, gamma, vega, theta);
}

/**
 * Converts linear greeks (USD per unit of underlying) to inverse greeks (coin), V_c = V/S:
 * Δ_c = Δ/S − V/S², Γ_c = Γ/S − 2Δ/S² + 2V/S³, vega_c = vega/S, theta_c = theta/S.
 */
export function toInverseGreeks(g: Greeks, S: number): Greeks {
  const s2 = S * S;
  return finish(
    g.price / S,
    g.delta / S - g.price / s2,
    g.gamma / S - (2 * g.delta) / s2 + (2 * g.price) / (s2 * S),
    g.vega / S,
    g.theta / S,
  );
}

function finish(price: number, delta: number, gamma: number, vega: number, theta: number): Greeks {
  return { price, delta, gamma, vega, vegaPerPoint: vega / 100, theta, thetaPerDay: theta / DAYS_PER_YEAR };
}

/** Inputs of {@link optionGreeks} / {@link optionPrice}. */
export interface OptionInputs {
  optionType: OptionType;
  /** Underlying input: spot S for Black–Scholes, forward/future F for Black-76 (USD, > 0). */
  underlyingPrice: number;
  /** Strike (USD, > 0). */
  strike: number;
  /** Time to expiry in years (≥ 0; 0 gives intrinsic value). */
  expiryYears: number;
  /** Implied volatility, annual decimal (≥ 0). */
  vol: number;
  /** Continuously compounded risk-free rate (default 0). */
  rate?: number;
  /** Continuous dividend / carry yield q, Black–Scholes only (default 0). */
  dividendYield?: number;
  /** Default 'black-scholes'. */
  model?: PricingModel;
  /** 'linear' (USD) or 'inverse' (coin = USD value / underlyingPrice). Default 'linear'. */
  style?: OptionStyle;
}

/**
 * Value and greeks of a European option, linear (USD) or inverse (coin).
 *
 * ## Method
 * Generalized Black–Scholes with carry b = r − q (Black–Scholes) or b = 0 (Black-76); inverse style
 * divides by the underlying input and differentiates the quotient (see module notes).
 *
 * @throws {ValidationError} when a field is missing, not finite or out of range (field named `field.<name>`).
 * @example optionGreeks({ optionType: 'call', underlyingPrice: 42, strike: 40, expiryYears: 0.5, vol: 0.2, rate: 0.1 }).price
 * // returns 4.759422392871599
 */
export function optionGreeks(inputs: OptionInputs, field = 'option'): Greeks {
  const p = validateOptionInputs(inputs, field);
  const g = gbsGreeks(p.cp, p.S, p.K, p.T, p.r, p.b, p.sigma);
  return p.inverse ? toInverseGreeks(g, p.S) : g;
}

/** Value of a European option (USD for linear, coin for inverse). Same inputs and errors as {@link optionGreeks}. */
export function optionPrice(inputs: OptionInputs, field = 'option'): number {
  const p = validateOptionInputs(inputs, field);
  const v = gbsPrice(p.cp, p.S, p.K, p.T, p.r, p.b, p.sigma);
  return p.inverse ? v / p.S : v;
}

/**
 * Black–Scholes value of a European option on a spot with continuous yield q.
 * @throws {ValidationError} on bad inputs.
 * @example blackScholes('put', 42, 40, 0.5, 0.1, 0.2) // returns 0.8085993729001633
 */
export function blackScholes(type: OptionType, S: number, K: number, T: number, r: number, sigma: number, q = 0): number {
  return optionPrice({ optionType: type, underlyingPrice: S, strike: K, expiryYears: T, vol: sigma, rate: r, dividendYield: q, model: 'black-scholes' });
}

/**
 * Black-76 value of a European option on a forward/future F: e^{−rT}·(F·N(d1) − K·N(d2)) for a call.
 * @throws {ValidationError} on bad inputs.
 * @example black76('call', 100, 100, 1, 0, 0.2) // returns 7.965567455405804
 */
export function black76(type: OptionType, F: number, K: number, T: number, r: number, sigma: number): number {
  return optionPrice({ optionType: type, underlyingPrice: F, strike: K, expiryYears: T, vol: sigma, rate: r, model: 'black-76' });
}

interface CheckedOption { cp: number; S: number; K: number; T: number; r: number; b: number; sigma: number; inverse: boolean }

function validateOptionInputs(o: OptionInputs, field: string): CheckedOption {
  if (o === null || typeof o !== 'object') throw new ValidationError(field, 'type', `must be an object; got ${describeValue(o)}`, o);
  const cp = callPutSign(o.optionType, `${field}.optionType`);
  const S = positive(o.underlyingPrice, `${field}.underlyingPrice`);
  const K = positive(o.strike, `${field}.strike`);
  const T = nonNegative(o.expiryYears, `${field}.expiryYears`);
  const sigma = nonNegative(o.vol, `${field}.vol`);
  const r = finiteOr(o.rate, 0, `${field}.rate`);
  const q = finiteOr(o.dividendYield, 0, `${field}.dividendYield`);
  const model = o.model ?? 'black-scholes';
  if (model !== 'black-scholes' && model !== 'black-76') {
    throw new ValidationError(`${field}.model`, 'enum', `must be 'black-scholes' or 'black-76'; got ${describeValue(model)}`, model);
  }
  const style = o.style ?? 'linear';
  if (style !== 'linear' && style !== 'inverse') {
    throw new ValidationError(`${field}.style`, 'enum', `must be 'linear' or 'inverse'; got ${describeValue(style)}`, style);
  }
  return { cp, S, K, T, r, b: model === 'black-76' ? 0 : r - q, sigma, inverse: style === 'inverse' };
}

/** @internal +1 for 'call', −1 for 'put'; throws otherwise. */
export function callPutSign(t: unknown, field: string): number {
  if (t === 'call') return 1;
  if (t === 'put') return -1;
  throw new ValidationError(field, 'enum', `must be 'call' or 'put'; got ${describeValue(t)}`, t);
}

/** @internal */
export function positive(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || !(x > 0)) {
    throw new ValidationError(field, 'positive', `must be a finite number > 0; got ${describeValue(x)}`, x);
  }
  return x;
}

/** @internal */
export function nonNegative(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || !(x >= 0)) {
    throw new ValidationError(field, 'non-negative', `must be a finite number >= 0; got ${describeValue(x)}`, x);
  }
  return x;
}

/** @internal */
export function finiteOr(x: unknown, dflt: number, field: string): number {
  if (x === undefined) return dflt;
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new ValidationError(field, 'finite', `must be a finite number; got ${describeValue(x)}`, x);
  }
  return x;
}
