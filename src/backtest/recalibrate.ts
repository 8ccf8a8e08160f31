/**
 * Recalibration: when a VaR model fails its backtest, search a grid of candidate models and propose
 * the cheapest one that passes.
 *
 * ## Method
 * 1. The baseline model (historical simulation by default) is backtested with `rollingBacktest`.
 *    It *fails* when the traffic light is red or the Kupiec p-value is below the significance (0.05).
 *    A baseline that does not fail is returned as is (`status: 'not-needed'`).
 * 2. Otherwise every candidate is backtested: for each window (in the given order), each model
 *    (historical first if included, then EWMA-normal for each lambda in the given order) and each
 *    VaR multiplier (ascending). A candidate *passes* when Kupiec p ≥ s, conditional-coverage p ≥ s
 *    and the traffic light is green.
 * 3. All models, the baseline included, are evaluated on the same days: from the largest window
 *    (baseline and candidates) to the end of the series, so longer windows are not judged on fewer days.
 * 4. Among the passing candidates the one with the smallest mean VaR forecast (the least capital) is
 *    proposed; ties go to the first in the enumeration order. The search is deterministic.
 */
import { ValidationError, describeValue, requireConfidence, requireInt, requireRange, requireSeries } from '../errors/index.js';
import { backtest, ewmaNormalForecaster, historicalForecaster, rollingBacktest } from './rolling.js';
import type { Forecaster, RollingBacktestResult } from './rolling.js';

/** A VaR model the recalibration can build and test. */
export type ModelSpec =
  | { kind: 'historical'; window: number; multiplier: number }
  | { kind: 'ewma'; lambda: number; window: number; multiplier: number };

export interface RecalibrationCandidates {
  /** EWMA decays to try, each in (0, 1) (default [0.94, 0.97, 0.99]). */
  lambdas?: number[];
  /** VaR multipliers to try, each > 0 (default [1, 1.1, 1.25, 1.5, 1.75, 2]). */
  multipliers?: number[];
  /** Window lengths to try, integers ≥ 1 (default [options.window]). */
  windows?: number[];
  /** Whether historical simulation is among the candidate models (default true). */
  historical?: boolean;
}

export interface RecalibrateOptions {
  /** Baseline window length (integer ≥ 1). */
  window: number;
  /** VaR confidence level in (0, 1). */
  confidence: number;
  /** Baseline model (default historical simulation, multiplier 1). */
  model?: { kind: 'historical'; multiplier?: number } | { kind: 'ewma'; lambda: number; multiplier?: number };
  candidates?: RecalibrationCandidates;
  /** Whether the series holds losses (default) or P&L. */
  input?: 'loss' | 'pnl';
  /** Test size (default 0.05). */
  significance?: number;
}

export interface CandidateSummary {
  model: ModelSpec;
  exceedances: number;
  zone: 'green' | 'yellow' | 'red';
  kupiecPValue: number;
  ccPValue: number;
  meanForecast: number;
  passed: boolean;
}

export interface RecalibrationResult {
  status: 'not-needed' | 'recalibrated' | 'no-passing-candidate';
  /** First backtested index in the series (the same for every model). */
  start: number;
  before: { model: ModelSpec; result: RollingBacktestResult };
  /** The proposed model and its backtest; the baseline when not needed; null when nothing passes. */
  after: { model: ModelSpec; result: RollingBacktestResult } | null;
  /** Every candidate tried, in enumeration order (empty when not needed). */
  evaluated: CandidateSummary[];
}

function forecasterOf(m: ModelSpec): Forecaster {
  return m.kind === 'historical' ? historicalForecaster : ewmaNormalForecaster(m.lambda);
}

function numberList(field: string, xs: unknown, check: (f: string, v: unknown) => number): number[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValidationError(field, 'type', `must be a non-empty array of numbers; got ${describeValue(xs)}`, xs);
  }
  return xs.map((v, i) => check(`${field}[${i}]`, v));
}

/**
 * Backtests a baseline VaR model and, if it fails, proposes the cheapest passing candidate.
 *
 * @param losses the series (losses, or P&L with `input: 'pnl'`), finite, longer than the largest window.
 * @param options see `RecalibrateOptions`.
 * @throws ValidationError for bad options or a series too short for the largest window.
 * @example
 * const r = recalibrate(losses, { window: 250, confidence: 0.99, candidates: { multipliers: [1, 1.5, 2] } });
 * r.status // 'recalibrated'; r.after.model e.g. { kind: 'ewma', lambda: 0.94, window: 250, multiplier: 1 }
 */
export function recalibrate(losses: ArrayLike<number>, options: RecalibrateOptions): RecalibrationResult {
  const window = requireInt('options.window', options?.window, 1);
  const confidence = requireConfidence('options.confidence', options.confidence);
  const significance = requireConfidence('options.significance', options.significance ?? 0.05);
  const input = options.input ?? 'loss';
  const base = options.model ?? { kind: 'historical' as const };
  let baseline: ModelSpec;
  if (base.kind === 'historical') {
    baseline = { kind: 'historical', window, multiplier: 1 };
  } else if (base.kind === 'ewma') {
    baseline = { kind: 'ewma', lambda: requireRange('options.model.lambda', base.lambda, 0, 1, { lo: true, hi: true }), window, multiplier: 1 };
  } else {
    const k = (base as { kind: unknown }).kind;
    throw new ValidationError('options.model.kind', 'enum', `must be 'historical' or 'ewma'; got ${describeValue(k)}`, k);
  }
  baseline.multiplier = requireRange('options.model.multiplier', base.multiplier ?? 1, 0, Number.MAX_VALUE, { lo: true });

  const c = options.candidates ?? {};
  const lambdas = numberList('options.candidates.lambdas', c.lambdas ?? [0.94, 0.97, 0.99], (f, v) =>
    requireRange(f, v, 0, 1, { lo: true, hi: true }),
  );
  const multipliers = numberList('options.candidates.multipliers', c.multipliers ?? [1, 1.1, 1.25, 1.5, 1.75, 2], (f, v) =>
    requireRange(f, v, 0, Number.MAX_VALUE, { lo: true }),
  ).sort((a, b) => a - b);
  const windows = numberList('options.candidates.windows', c.windows ?? [window], (f, v) => requireInt(f, v, 1));
  const includeHistorical = c.historical ?? true;

  const start = Math.max(window, ...windows);
  requireSeries('losses', losses, start + 1);
  const common = { confidence, significance, input, start } as const;

  const run = (m: ModelSpec): RollingBacktestResult => {
    const f = forecasterOf(m);
    const mult = m.multiplier;
    return rollingBacktest(losses, mult === 1 ? f : (h, a) => mult * f(h, a), { ...common, window: m.window });
  };
  const beforeResult = run(baseline);
  const before = { model: baseline, result: beforeResult };
  if (!beforeResult.failed) return { status: 'not-needed', start, before, after: before, evaluated: [] };

  const evaluated: CandidateSummary[] = [];
  let best: { model: ModelSpec; result: RollingBacktestResult } | null = null;
  const models: Array<(w: number) => ModelSpec> = [];
  if (includeHistorical) models.push((w) => ({ kind: 'historical', window: w, multiplier: 1 }));
  for (const lambda of lambdas) models.push((w) => ({ kind: 'ewma', lambda, window: w, multiplier: 1 }));

  for (const w of windows) {
    for (const make of models) {
      // One rolling run per (window, model); multipliers only rescale its forecasts.
      const unit = run(make(w));
      for (const multiplier of multipliers) {
        const model = { ...make(w), multiplier };
        const scaled = unit.forecasts.map((v) => v * multiplier);
        const r = backtest(unit.losses, scaled, { confidence, significance });
        const result: RollingBacktestResult = { ...r, window: w, start };
        evaluated.push({
          model,
          exceedances: r.exceedances,
          zone: r.trafficLight.zone,
          kupiecPValue: r.kupiec.pValue,
          ccPValue: r.christoffersen.pValueCc,
          meanForecast: r.meanForecast,
          passed: r.passed,
        });
        if (r.passed && (best === null || r.meanForecast < best.result.meanForecast)) best = { model, result };
      }
    }
  }
  return { status: best ? 'recalibrated' : 'no-passing-candidate', start, before, after: best, evaluated };
}
