/**
 * Conditional volatility models: EWMA (RiskMetrics) and GARCH(1,1) by Gaussian quasi-maximum
 * likelihood.
 *
 * ## References
 * - J.P. Morgan/Reuters (1996). RiskMetrics — Technical Document (4th ed.), §5.2.1.
 * - Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity. Journal of
 *   Econometrics 31(3), 307–327. doi:10.1016/0304-4076(86)90063-1
 * - Bollerslev, T. & Wooldridge, J. M. (1992). Quasi-maximum likelihood estimation… Econometric
 *   Reviews 11(2), 143–172. doi:10.1080/07474939208800229
 * - Fiorentini, G., Calzolari, G. & Panattoni, L. (1996). Analytic derivatives and the computation
 *   of GARCH estimates. Journal of Applied Econometrics 11(4), 399–417.
 * - Nocedal, J. & Wright, S. J. (2006). Numerical Optimization (2nd ed.), §3.5, §6.1.
 */
import { ValidationError } from '../errors/index.js';
import { fitGarch11Core, tsPass, wasmPass } from '../kernels/garch/index.js';
import type { WasmCore } from '../wasm/index.js';
import { requireInteger, requireOneOf, requireOpenInterval, requireVector } from '../errors/index.js';

/** Result of `ewmaVolatility`. */
export interface EwmaVolResult {
  /** σ_t for t = 0…T−1: the volatility of r_t given r_0…r_{t−1} (σ_0 is the seed). */
  vols: number[];
  /** σ_t² for t = 0…T−1. */
  variances: number[];
  /** One-step forecast σ_T = √(λσ²_{T−1} + (1 − λ)r²_{T−1}). */
  forecast: number;
  /** σ_T². */
  forecastVariance: number;
}

/** Sample variance, ddof = 1, two-pass. */
function sampleVariance(x: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m += x[i];
  m /= to - from;
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] - m) ** 2;
  return s / (to - from - 1);
}

/**
 * EWMA (RiskMetrics) conditional volatility path and one-step forecast.
 *
 * σ²_0 = sample variance (ddof = 1, centred) of the first m = min(seedWindow, T) returns;
 * σ²_{t+1} = λ·σ²_t + (1 − λ)·r_t² (zero-mean update) for t = 0…T−1.
 *
 * @param r T ≥ 2 returns of one instrument (per period, e.g. daily log returns).
 * @param opts `{ lambda = 0.94, seedWindow = 30 }`; λ in (0, 1), seedWindow ≥ 2.
 * @returns `{ vols, variances, forecast, forecastVariance }`, vols in the units of r per period.
 * @throws {ValidationError} non-finite return, fewer than 2 returns, λ ∉ (0, 1), seedWindow < 2.
 * @example
 * ewmaVolatility([0.01, -0.02, 0.015], { lambda: 0.94, seedWindow: 3 }).forecast
 */
export function ewmaVolatility(r: number[], opts: { lambda?: number; seedWindow?: number } = {}): EwmaVolResult {
  const x = requireVector('returns', r, 2);
  const lambda = requireOpenInterval('options.lambda', opts.lambda ?? 0.94, 0, 1);
  const seedWindow = requireInteger('options.seedWindow', opts.seedWindow ?? 30, 2);
  const m = Math.min(seedWindow, x.length);
  let v = sampleVariance(x, 0, m);
  const variances = new Array<number>(x.length);
  for (let t = 0; t < x.length; t++) {
    variances[t] = v;
    v = lambda * v + (1 - lambda) * x[t] * x[t];
  }
  return { vols: variances.map(Math.sqrt), variances, forecast: Math.sqrt(v), forecastVariance: v };
}

/** GARCH(1,1) parameters in the units of the returns (variance per period). */
export interface Garch11Params {
  /** ω > 0 (variance per period). */
  omega: number;
  /** α ≥ 0, reaction to the last squared shock. */
  alpha: number;
  /** β ≥ 0, persistence of the last variance; α + β < 1. */
  beta: number;
}

/** Result of `fitGarch11`. */
export interface Garch11Fit extends Garch11Params {
  /** Mean subtracted before fitting (0 for `mean: 'zero'`). */
  mu: number;
  /** α + β. */
  persistence: number;
  /** σ̄² = ω / (1 − α − β). */
  longRunVariance: number;
  /** Gaussian log-likelihood at the optimum, −½ Σ_t [ln 2π + ln h_t + ε_t²/h_t]. */
  logLikelihood: number;
  /** σ_t = √h_t for t = 0…T−1. */
  conditionalVol: number[];
  /** h_{T+k} for k = 1…horizon and their square roots. */
  forecast: { variance: number[]; vol: number[] };
  /** Whether the winning BFGS run met its gradient or f-decrease test (false: iteration cap or no acceptable step). */
  converged: boolean;
  /** O(T) likelihood+gradient passes over the start grid and all BFGS runs (typically 60–100; up to ~400 at a boundary optimum). */
  evaluations: number;
}

/**
 * h-step variance forecast of a GARCH(1,1): h_{T+1} = ω + α ε_T² + β h_T and
 * h_{T+k} = σ̄² + (α + β)^{k−1}·(h_{T+1} − σ̄²), σ̄² = ω/(1 − α − β).
 *
 * @param params `{ omega, alpha, beta }` with ω > 0, α, β ≥ 0, α + β < 1.
 * @param nextVariance h_{T+1}.
 * @param steps Number of steps (integer ≥ 1).
 * @returns `[h_{T+1}, …, h_{T+steps}]`; their sum is the variance of the steps-period return.
 * @throws {ValidationError} parameters outside the stationary domain.
 * @example
 * garchForecast({ omega: 1e-6, alpha: 0.08, beta: 0.9 }, 1e-4, 3)
 */
export function garchForecast(params: Garch11Params, nextVariance: number, steps: number): number[] {
  const { omega, alpha, beta } = params;
  if (!(omega > 0)) throw new ValidationError('params.omega', 'range', `must be > 0; got ${omega}`, omega);
  if (!(alpha >= 0)) throw new ValidationError('params.alpha', 'range', `must be ≥ 0; got ${alpha}`, alpha);
  if (!(beta >= 0)) throw new ValidationError('params.beta', 'range', `must be ≥ 0; got ${beta}`, beta);
  if (!(alpha + beta < 1)) throw new ValidationError('params', 'stationary', `alpha + beta must be < 1; got ${alpha + beta}`, alpha + beta);
  if (!(nextVariance > 0) || !Number.isFinite(nextVariance)) throw new ValidationError('nextVariance', 'range', `must be a finite number > 0; got ${nextVariance}`, nextVariance);
  requireInteger('steps', steps, 1);
  const p = alpha + beta;
  const lr = omega / (1 - p);
  const out = new Array<number>(steps);
  let g = 1;
  for (let k = 0; k < steps; k++) { out[k] = lr + g * (nextVariance - lr); g *= p; }
  return out;
}

/**
 * Fits a GARCH(1,1), ε_t = r_t − μ, h_t = ω + α ε²_{t−1} + β h_{t−1}, by Gaussian (quasi-)maximum
 * likelihood.
 *
 * ## Method
 * Returns are centred (μ = sample mean, or μ = 0 with `mean: 'zero'`) and scaled by their RMS
 * about μ, s, so the optimiser works at unit scale; h_0 is the backcast mean(ε²) (= 1 after scaling).
 * The likelihood is minimised by `fitGarch11Core` (src/kernels/garch): BFGS with analytic
 * gradients and a strong-Wolfe line search in the reparametrisation
 * α + β = (1 − 1e-6)·σ(u0), α = (α + β)·σ(u1), β = (α + β)·σ(−u1), ω = s²·e^{u2}
 * (σ the logistic function), run from the best point of each row of a fixed (α, α + β) grid
 * with variance targeting. Each pass is O(T); a fit takes 60–100 of them (up to ~400 when
 * the optimum is on the α = 0 or β = 0 boundary, which the map puts at infinity).
 * `fitGarch11` runs the passes in TypeScript; `fitGarch11With` on a WASM core.
 *
 * @param r T ≥ 30 returns of one instrument (per period, e.g. daily).
 * @param opts `{ mean = 'zero', horizon = 10 }`: mean model and forecast steps.
 * @returns Parameters in the units of r, log-likelihood, conditional vols, forecast.
 * @throws {ValidationError} fewer than 30 returns, non-finite return, constant series.
 * @example
 * const fit = fitGarch11(dailyLogReturns); fit.alpha + fit.beta // persistence, e.g. 0.98
 */
export function fitGarch11(r: number[], opts: { mean?: 'zero' | 'constant'; horizon?: number } = {}): Garch11Fit {
  return fitGarch11With(null, r, opts);
}

/**
 * `fitGarch11` with the likelihood passes on `core` (the WASM kernel) when given, else on the
 * pure-TS twin. The two agree to rounding (~1e-12 relative in f), so the optimum is the same up
 * to the optimiser's tolerance. The core is reset: it must hold no live allocations of the caller.
 *
 * @param core A `WasmCore` (e.g. a pool worker's), or null for the TS passes.
 * @param r T ≥ 30 returns of one instrument (per period).
 * @param opts As `fitGarch11`.
 * @returns As `fitGarch11`.
 * @throws {ValidationError} As `fitGarch11`.
 * @example
 * fitGarch11With(await WasmCore.create(), dailyLogReturns, { horizon: 10 }).forecast.vol
 */
export function fitGarch11With(core: WasmCore | null, r: number[], opts: { mean?: 'zero' | 'constant'; horizon?: number } = {}): Garch11Fit {
  const x = requireVector('returns', r);
  if (x.length < 30) throw new ValidationError('returns', 'length', `GARCH(1,1) needs at least 30 returns; got ${x.length}`, x.length);
  const meanKind = requireOneOf('options.mean', opts.mean ?? 'zero', ['zero', 'constant'] as const);
  const horizon = requireInteger('options.horizon', opts.horizon ?? 10, 1);
  const T = x.length;
  let mu = 0;
  if (meanKind === 'constant') { for (const v of x) mu += v; mu /= T; }
  const variance = sampleVariance(x, 0, T);
  if (!(variance > 0) || x.every((v) => v === x[0])) {
    throw new ValidationError('returns', 'constant', `series is constant (all ${x[0]}); GARCH is not identified`, x[0]);
  }
  let ms = 0;
  for (const v of x) ms += (v - mu) ** 2;
  ms /= T;
  const scale = Math.sqrt(ms);
  const y = new Float64Array(T);
  for (let t = 0; t < T; t++) y[t] = (x[t] - mu) / scale;
  const h0 = 1; // mean(y²) = 1 by construction
  const best = fitGarch11Core(y, h0, core ? wasmPass(core) : tsPass, { variances: true });
  const { alpha, beta, nll } = best;
  const h = best.h as Float64Array;
  const s2 = scale * scale;
  const omega = best.omega * s2;
  const persistence = alpha + beta;
  // Back to the original scale: ln h = ln h' + 2 ln s.
  const logLikelihood = -nll - T * Math.log(scale) - 0.5 * T * Math.log(2 * Math.PI);
  const eLast = x[T - 1] - mu;
  const next = omega + alpha * eLast * eLast + beta * h[T - 1] * s2;
  const fv = garchForecast({ omega, alpha, beta }, next, horizon);
  return {
    omega, alpha, beta, mu, persistence,
    longRunVariance: omega / (1 - persistence),
    logLikelihood,
    conditionalVol: Array.from(h, (v) => Math.sqrt(v * s2)),
    forecast: { variance: fv, vol: fv.map(Math.sqrt) },
    converged: best.converged,
    evaluations: best.evaluations,
  };
}
