/**
 * Fractional Kelly sizing under an ES budget and a liquidation buffer.
 *
 * ## Method
 * Scenario returns r_s (simple returns per unit of capital staked, equally likely). Growth
 * g(f) = mean(log(1 + f·r_s)) is concave on the domain 1 + f·r_s > 0, i.e. f < 1/|min r| when min r < 0.
 * The long-only growth-optimal fraction f* ∈ [0, f_upper] solves g'(f) = mean(r_s / (1 + f r_s)) = 0:
 * g' is strictly decreasing, so a safeguarded Newton step (bisection whenever Newton leaves the bracket)
 * on g' converges; f* = 0 when mean(r) ≤ 0. When no scenario loses the growth has no maximum: f* is then
 * `maxFraction` (required in that case). Otherwise f* ignores `maxFraction`, which acts as a cap below.
 * The fraction used is f = min(kellyFraction · f*, caps):
 * - 'es-budget': ES_a of the P&L f·r (engine convention, loss positive) is f · ES_a(r) by positive
 *   homogeneity, so f ≤ limit / ES_a(r) when ES_a(r) > 0;
 * - 'liquidation-buffer': the worst scenario loss f·|min r| ≤ buffer;
 * - 'max-fraction': f ≤ maxFraction.
 * `binding` names the cap that set f ('kelly' when the scaled Kelly fraction is strictly the smallest).
 *
 * ## References
 * - J. L. Kelly, "A new interpretation of information rate", Bell System Technical Journal 35(4), 1956,
 *   doi:10.1002/j.1538-7305.1956.tb03809.x.
 * - E. O. Thorp, "The Kelly criterion in blackjack, sports betting and the stock market", 2006.
 */
import { SolverError, ValidationError, describeValue } from '../errors/index.js';
import { levelsFromLosses } from '../risk/index.js';
import { confidenceLevel, finite } from './exposure.js';

export interface KellyOptions {
  /** Multiplier on f* (default 0.5, "half Kelly"), in (0, 1]. */
  kellyFraction?: number;
  /** Upper bound on the fraction (leverage cap), > 0. */
  maxFraction?: number;
  /** ES budget: ES at `confidence` of the P&L f·r (fraction of capital, loss positive) ≤ limit. */
  esBudget?: { confidence: number; limit: number };
  /** Liquidation buffer: f · |min r| ≤ buffer (fraction of capital). */
  liquidationBuffer?: number;
}

export type KellyCap = 'kelly' | 'es-budget' | 'liquidation-buffer' | 'max-fraction';

export interface KellyResult {
  /** Growth-optimal (full Kelly) fraction. */
  fullKelly: number;
  /** kellyFraction · fullKelly. */
  scaledKelly: number;
  /** The fraction to use. */
  fraction: number;
  /** The cap that set `fraction`. */
  binding: KellyCap;
  /**
   * Every cap considered; null when absent or not binding in principle (JSON has no Infinity,
   * and results are guaranteed finite).
   */
  caps: Record<KellyCap, number | null>;
  /** mean(log(1 + f r)) at `fraction` and at `fullKelly`. */
  growth: number;
  fullKellyGrowth: number;
  /** Engine-convention ES of fraction·r (null without an ES budget). */
  es: number | null;
  /** Worst scenario loss fraction·max(0, −min r). */
  maxLoss: number;
  iterations: number;
}

/**
 * Fractional Kelly fraction of a strategy from its scenario returns (see the module comment).
 * @throws {ValidationError} for bad returns or options.
 * @throws {SolverError} 'Unbounded' / 'max-fraction' when no scenario loses and no `maxFraction` is given.
 * @example kellyFraction([1, 1, 1, -1, -1], { kellyFraction: 1 }).fullKelly // returns 0.2 (= p/a − q/b = 0.6 − 0.4)
 */
export function kellyFraction(returns: ArrayLike<number>, options: KellyOptions = {}): KellyResult {
  if (returns === null || typeof returns !== 'object' || typeof returns.length !== 'number' || returns.length === 0) {
    throw new ValidationError('returns', 'type', `must be a non-empty array of returns; got ${describeValue(returns)}`, returns);
  }
  const n = returns.length;
  let minR = Infinity;
  let mean = 0;
  for (let s = 0; s < n; s++) {
    const r = finite(`returns[${s}]`, returns[s]);
    minR = Math.min(minR, r);
    mean += r / n;
  }
  const k = options.kellyFraction ?? 0.5;
  if (!(typeof k === 'number' && k > 0 && k <= 1)) throw new ValidationError('options.kellyFraction', 'range', `must be in (0, 1]; got ${describeValue(k)}`, k);
  const fMax = options.maxFraction;
  if (fMax !== undefined && !(finite('options.maxFraction', fMax) > 0)) throw new ValidationError('options.maxFraction', 'positive', `must be > 0; got ${fMax}`, fMax);
  const buffer = options.liquidationBuffer;
  if (buffer !== undefined && !(finite('options.liquidationBuffer', buffer) > 0)) throw new ValidationError('options.liquidationBuffer', 'positive', `must be > 0; got ${buffer}`, buffer);
  let esOfR: number | null = null;
  if (options.esBudget !== undefined) {
    const a = confidenceLevel('options.esBudget.confidence', options.esBudget.confidence);
    const limit = finite('options.esBudget.limit', options.esBudget.limit);
    if (!(limit > 0)) throw new ValidationError('options.esBudget.limit', 'positive', `must be > 0; got ${limit}`, limit);
    esOfR = levelsFromLosses(Float64Array.from({ length: n }, (_, s) => -returns[s]), [a])[0].es;
  }

  const g = (f: number) => { let s = 0; for (let i = 0; i < n; i++) s += Math.log1p(f * returns[i]); return s / n; };
  const d1 = (f: number) => { let s = 0; for (let i = 0; i < n; i++) s += returns[i] / (1 + f * returns[i]); return s / n; };
  const d2 = (f: number) => { let s = 0; for (let i = 0; i < n; i++) { const y = returns[i] / (1 + f * returns[i]); s -= y * y; } return s / n; };

  // Upper end of the search: just inside the domain (1 + f·min r > 0), and maxFraction.
  const domain = minR < 0 ? 1 / -minR : Infinity;
  const hi0 = Number.isFinite(domain) ? domain * (1 - 1e-12) : (fMax ?? Infinity);
  if (!Number.isFinite(hi0) && mean > 0) throw new SolverError('Unbounded', 'max-fraction', 'no scenario loses, so growth increases without bound; give maxFraction');
  let fStar: number;
  let iterations = 0;
  if (!(mean > 0)) fStar = 0;
  else if (d1(hi0) >= 0) fStar = hi0;
  else {
    let lo = 0;
    let hi = hi0;
    let f = Math.min(hi0 / 2, mean / Math.max(1e-300, -d2(0)));
    for (; iterations < 200; iterations++) {
      const gp = d1(f);
      if (gp > 0) lo = f; else hi = f;
      const step = f - gp / d2(f);
      const next = step > lo && step < hi ? step : 0.5 * (lo + hi);
      if (Math.abs(next - f) <= 1e-14 * Math.max(1, f) || hi - lo <= 1e-15 * Math.max(1, hi)) { f = next; break; }
      f = next;
    }
    fStar = f;
  }

  const caps: Record<KellyCap, number> = {
    kelly: k * fStar,
    'es-budget': esOfR !== null && esOfR > 0 ? (options.esBudget as { limit: number }).limit / esOfR : Infinity,
    'liquidation-buffer': buffer !== undefined && minR < 0 ? buffer / -minR : Infinity,
    'max-fraction': fMax ?? Infinity,
  };
  let binding: KellyCap = 'kelly';
  for (const c of ['es-budget', 'liquidation-buffer', 'max-fraction'] as const) if (caps[c] <= caps[binding]) binding = c;
  const fraction = caps[binding];
  return {
    fullKelly: fStar,
    scaledKelly: k * fStar,
    fraction,
    binding,
    caps: {
      kelly: caps.kelly,
      'es-budget': Number.isFinite(caps['es-budget']) ? caps['es-budget'] : null,
      'liquidation-buffer': Number.isFinite(caps['liquidation-buffer']) ? caps['liquidation-buffer'] : null,
      'max-fraction': Number.isFinite(caps['max-fraction']) ? caps['max-fraction'] : null,
    },
    growth: g(fraction),
    fullKellyGrowth: g(fStar),
    es: esOfR === null ? null : fraction * esOfR,
    maxLoss: fraction * Math.max(0, -minR),
    iterations,
  };
}
