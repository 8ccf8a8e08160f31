/**
 * Historical simulation: portfolio losses from a history of factor returns (or a P&L history),
 * over a horizon of h days by overlapping windows (DESIGN.md: no sqrt-of-time for historical).
 */
import { ValidationError } from '../errors/index.js';

/**
 * Portfolio losses from factor returns: loss_t = −Σ_i w_i R_i,t where R is the simple return
 * over the h-day window ending at t (log returns are summed, simple returns compounded, then
 * converted to simple). Returns T − h + 1 losses.
 */
export function historicalLosses(
  returns: number[][], exposures: ArrayLike<number>, horizonDays: number, returnType: 'log' | 'simple',
): Float64Array {
  const T = returns.length;
  const n = exposures.length;
  if (T === 0) throw new ValidationError('market.returns', 'length', 'must have at least one row');
  for (let t = 0; t < T; t++) {
    if (returns[t].length !== n) {
      throw new ValidationError(`market.returns[${t}]`, 'dimension', `must have ${n} columns (one per factor); got ${returns[t].length}`);
    }
    if (returnType === 'simple') {
      for (let i = 0; i < n; i++) {
        if (returns[t][i] <= -1) throw new ValidationError(`market.returns[${t}][${i}]`, 'range', `simple return must be > -1; got ${returns[t][i]}`);
      }
    }
  }
  if (horizonDays > T) {
    throw new ValidationError('options.horizonDays', 'range', `must be <= the history length (${T} rows); got ${horizonDays}`);
  }
  const m = T - horizonDays + 1;
  const out = new Float64Array(m);
  // cumulative log-return per factor makes each window O(n)
  const cum = new Float64Array((T + 1) * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const r = returns[t][i];
      cum[(t + 1) * n + i] = cum[t * n + i] + (returnType === 'log' ? r : Math.log1p(r));
    }
  }
  for (let s = 0; s < m; s++) {
    let pnl = 0;
    for (let i = 0; i < n; i++) {
      const lr = cum[(s + horizonDays) * n + i] - cum[s * n + i];
      pnl += exposures[i] * (horizonDays === 1 && returnType === 'simple' ? returns[s][i] : Math.expm1(lr));
    }
    out[s] = -pnl;
  }
  return out;
}

/** Losses from a P&L history, aggregated over overlapping h-day windows (P&L adds up). */
export function historicalLossesFromPnl(pnl: number[], horizonDays: number): Float64Array {
  const T = pnl.length;
  if (T === 0) throw new ValidationError('market.pnl', 'length', 'must have at least one value');
  if (horizonDays > T) throw new ValidationError('options.horizonDays', 'range', `must be <= the P&L history length (${T}); got ${horizonDays}`);
  const out = new Float64Array(T - horizonDays + 1);
  let w = 0;
  for (let t = 0; t < T; t++) {
    w += pnl[t];
    if (t >= horizonDays) w -= pnl[t - horizonDays];
    if (t >= horizonDays - 1) out[t - horizonDays + 1] = -w;
  }
  return out;
}

/**
 * Factor i's simple return over the h-day window starting at row s (the same windows as
 * `historicalLosses`), for attribution: loss_s = −Σ_i w_i R_i(s).
 */
export function windowReturns(returns: number[][], horizonDays: number, returnType: 'log' | 'simple'): (s: number, i: number) => number {
  if (horizonDays === 1) {
    return returnType === 'simple' ? (s, i) => returns[s][i] : (s, i) => Math.expm1(returns[s][i]);
  }
  return (s, i) => {
    let lr = 0;
    for (let t = s; t < s + horizonDays; t++) lr += returnType === 'log' ? returns[t][i] : Math.log1p(returns[t][i]);
    return Math.expm1(lr);
  };
}
