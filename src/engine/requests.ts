/**
 * The stress and backtest requests of the product surface (linear-book shocks, reverse stress,
 * Cover-1/2 default fund, default waterfall, book stress; fixed-forecast and rolling backtests,
 * recalibration), run in a worker as one task each. Errors name fields from the request body.
 */
import { ValidationError, renamingFields, withoutPrefix } from '../errors/index.js';
import {
  defaultFundSize, defaultWaterfall, hypotheticalStress, linearPnl, reverseStressUniform, reverseStressWorstDirection, stressBook,
} from '../stress/index.js';
import type { BookStressOptions } from '../stress/index.js';
import {
  backtest, ewmaNormalForecaster, historicalForecaster, recalibrate, rollingBacktest, scaledForecaster,
} from '../backtest/index.js';
import type { Forecaster, RecalibrateOptions } from '../backtest/index.js';
import { defineTask } from '../pool/index.js';
import { BACKTEST_DEFAULTS } from './defaults.js';
import type { BacktestRequest, StressRequest } from '../schemas/index.js';

/** Re-roots a module's ValidationError at the request body (`input.members` → `members`). */
function rooted<T>(f: () => T): T {
  return renamingFields(withoutPrefix('input.'), f);
}

/** Runs one stress request (in a worker). */
export function runStressRequest(req: StressRequest): unknown {
  return rooted(() => {
    switch (req.type) {
      case 'hypothetical':
        return { type: req.type, scenarios: hypotheticalStress(req.exposures, req.scenarios) };
      case 'reverse-worst':
        return { type: req.type, ...reverseStressWorstDirection(req.exposures, req.covariance, req.threshold) };
      case 'reverse-uniform': {
        const sign = req.direction === 'down' ? -1 : 1;
        const w = req.exposures;
        const opts = { initialShock: req.initialShock, maxShock: req.maxShock };
        return { type: req.type, direction: req.direction, ...reverseStressUniform((s) => linearPnl(w, w.map(() => sign * s)), req.threshold, opts) };
      }
      case 'book':
        return {
          type: req.type,
          results: stressBook(req.positions, req.market, {
            // the schema admits only known shock fields; stressBook checks their ranges
            ...(req.options as BookStressOptions | undefined), history: req.history,
          }),
        };
      case 'default-fund':
        return { type: req.type, ...defaultFundSize(req.members, req.cover ? { cover: req.cover } : {}) };
      case 'waterfall': {
        const { type, ...input } = req;
        return { type, ...defaultWaterfall(input) };
      }
    }
  });
}

/** Runs one backtest request (in a worker). */
export function runBacktestRequest(req: BacktestRequest): unknown {
  return rooted(() => {
    const sig = req.significance === undefined ? {} : { significance: req.significance };
    if (req.type === 'forecasts') {
      if (req.forecasts.length !== req.losses.length) {
        throw new ValidationError('forecasts', 'length', `must have the same length as losses (${req.losses.length}); got ${req.forecasts.length}`, req.forecasts.length);
      }
      return { type: req.type, ...backtest(req.losses, req.forecasts, { confidence: req.confidence, ...sig }) };
    }
    if (req.type === 'recalibrate') {
      const { type, series, ...opts } = req;
      // the schema admits only known model and candidate fields; recalibrate checks their ranges
      return { type, ...recalibrate(series, opts as RecalibrateOptions) };
    }
    let f: Forecaster = req.forecaster === 'historical' ? historicalForecaster : ewmaNormalForecaster(req.lambda ?? BACKTEST_DEFAULTS.lambda);
    if (req.multiplier !== undefined) f = scaledForecaster(f, req.multiplier);
    return {
      type: req.type,
      forecaster: req.forecaster,
      ...rollingBacktest(req.series, f, { window: req.window, confidence: req.confidence, input: req.input, start: req.start, ...sig }),
    };
  });
}

export const STRESS_REQUEST_TASK = defineTask<StressRequest, unknown>('stress-request', (req) => runStressRequest(req));
export const BACKTEST_REQUEST_TASK = defineTask<BacktestRequest, unknown>('backtest-request', (req) => runBacktestRequest(req));
