/**
 * Book-level helpers of the batch: delta exposures for the linear factor model, historical
 * full-revaluation P&L, hypothetical and reverse stress of a book.
 */
import { ValidationError } from '../../errors/index.js';
import { optionGreeks, revalue, revalueGrid, type Market, type Position, type Scenario } from '../../instruments/index.js';
import { hypotheticalStress, reverseStressUniform, reverseStressWorstDirection } from '../../stress/index.js';

/**
 * USD delta exposure of a book per factor: ∂V_USD/∂ln S_f ≈ USD P&L per unit (log) return of the
 * factor, the `exposures` of the linear factor model (P&L ≈ Σ w_f r_f).
 *
 * ## Method
 * spot, linear futures/perps: q·size·S; inverse futures/perps (USD P&L q·cv·(F1/F0 − 1)): q·cv;
 * linear options: Black–Scholes Δ·S·q·size; inverse (coin-settled) options: Δ_c·S²·q·size = (Δ·S − V)·q·size,
 * with Δ_c the coin delta from `optionGreeks(..., style: 'inverse')`. That follows the revaluation
 * convention of `instruments` (USD P&L of a coin instrument = coin P&L × shocked price), so the delta
 * model and the full revaluation (historical VaR, grid, stress) agree to first order.
 * Gamma, vega and theta are ignored (delta-normal).
 */
export function deltaExposures(book: readonly Position[], prices: Record<string, number>, factors: readonly string[]): number[] {
  const w = factors.map(() => 0);
  for (const p of book) {
    const f = factors.indexOf(p.underlying);
    if (f < 0) throw new ValidationError('book.underlying', 'unknown-factor', `must be one of ${factors.join(', ')}; got ${JSON.stringify(p.underlying)}`, p.underlying);
    const S = prices[p.underlying];
    switch (p.kind) {
      case 'spot':
      case 'linear-future':
      case 'linear-perp':
        w[f] += p.quantity * (p.contractSize ?? 1) * S;
        break;
      case 'inverse-future':
      case 'inverse-perp':
        w[f] += p.quantity * p.contractValueUsd;
        break;
      case 'option': {
        if (typeof p.expiry !== 'number') throw new ValidationError('book.expiry', 'type', 'the batch uses expiries in years', p.expiry);
        const g = optionGreeks({ optionType: p.optionType, underlyingPrice: S, strike: p.strike, expiryYears: p.expiry, vol: p.vol, rate: p.rate, style: p.style });
        w[f] += g.delta * S * (p.style === 'inverse' ? S : 1) * p.quantity * (p.contractSize ?? 1);
        break;
      }
    }
  }
  return w;
}

/**
 * Historical full-revaluation P&L of today's book: day t applies the factor log returns r_t as
 * relative moves e^{r_t} − 1 to today's marks (implied vols unchanged, `horizonDays` of option decay).
 * @param rets T×N daily log returns in `factors` order.
 */
export function historicalPnl(book: readonly Position[], market: Market, rets: readonly number[][], factors: readonly string[], horizonDays = 1): Float64Array {
  const scenarios: Scenario[] = rets.map((r) => ({ move: Object.fromEntries(factors.map((f, j) => [f, Math.expm1(r[j])])), horizonDays }));
  return revalueGrid(book, market, scenarios).total;
}

export interface StressRow {
  name: string;
  /** Relative moves by factor. */
  moves: Record<string, number>;
  /** Loss by full revaluation (USD, positive = loss). */
  lossFull: number;
  /** Loss of the linear (delta) model w·r with simple returns r. */
  lossDelta: number;
}

export interface StressReport {
  rows: StressRow[];
  threshold: number;
  /** Smallest uniform move (falls to −95 % and rises to +500 % searched) whose full-revaluation loss reaches the threshold; null if none. */
  reverseUniform: { move: number; loss: number; direction: 'fall' | 'rise'; checkLoss: number } | null;
  /** Smallest Mahalanobis-distance shock of the linear model that loses the threshold. */
  reverseWorst: { distance: number; shock: Record<string, number>; sigma: number; lossFull: number } | null;
}

/** The hypothetical scenarios of the batch: uniform ±20 %, ±40 % and a mixed crypto crash. */
export const STRESS_SCENARIOS: { name: string; moves: Record<string, number> }[] = [
  { name: 'all −20 %', moves: { BTC: -0.2, ETH: -0.2, SOL: -0.2 } },
  { name: 'all −40 %', moves: { BTC: -0.4, ETH: -0.4, SOL: -0.4 } },
  { name: 'all +20 %', moves: { BTC: 0.2, ETH: 0.2, SOL: 0.2 } },
  { name: 'all +40 %', moves: { BTC: 0.4, ETH: 0.4, SOL: 0.4 } },
  { name: 'crash: BTC −25 %, ETH −35 %, SOL −45 %', moves: { BTC: -0.25, ETH: -0.35, SOL: -0.45 } },
];

/**
 * Hypothetical stress (full revaluation and the delta model) and reverse stress of a book.
 * @param threshold loss (USD) that counts as a breach: the capital backing the book.
 * @param cov daily covariance of the factor log returns (for the worst-direction reverse stress).
 */
export function stressBook(
  book: readonly Position[],
  market: Market,
  factors: readonly string[],
  exposures: readonly number[],
  cov: readonly (readonly number[])[],
  threshold: number,
): StressReport {
  const linear = hypotheticalStress(
    exposures,
    STRESS_SCENARIOS.map((s) => ({ name: s.name, shocks: factors.map((f) => s.moves[f] ?? 0) })),
  );
  const rows = STRESS_SCENARIOS.map((s, i) => ({
    name: s.name,
    moves: s.moves,
    lossFull: -revalue(book, market, { move: s.moves }).total,
    lossDelta: linear[i].loss,
  }));
  // Options books can lose in both directions: search falls (to −95 %) and rises (to +500 %), keep the smaller move.
  let reverseUniform: StressReport['reverseUniform'] = null;
  if (threshold > 0) {
    for (const [direction, sign, cap] of [['fall', -1, 0.95], ['rise', 1, 5]] as const) {
      try {
        const r = reverseStressUniform((s) => revalue(book, market, { move: sign * s }).total, threshold, { initialShock: 0.01, maxShock: cap });
        if (reverseUniform === null || r.shock < Math.abs(reverseUniform.move)) reverseUniform = { move: sign * r.shock, loss: r.loss, direction, checkLoss: r.check.loss };
      } catch (e) {
        if (!(e instanceof ValidationError && e.rule === 'reachable')) throw e;
      }
    }
  }
  let reverseWorst: StressReport['reverseWorst'] = null;
  if (threshold > 0 && exposures.some((x) => x !== 0)) {
    const r = reverseStressWorstDirection(exposures, cov as number[][], threshold);
    const shock = Object.fromEntries(factors.map((f, j) => [f, r.shock[j]]));
    // The same shock through full revaluation (moves capped above −100 %).
    const moves = Object.fromEntries(factors.map((f, j) => [f, Math.max(-0.99, r.shock[j])]));
    reverseWorst = { distance: r.distance, sigma: r.sigma, shock, lossFull: -revalue(book, market, { move: moves }).total };
  }
  return { rows, threshold, reverseUniform, reverseWorst };
}
