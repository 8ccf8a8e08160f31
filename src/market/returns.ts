/**
 * Returns from prices, overlapping horizon aggregation and rolling-window index ranges.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { PriceSeries } from './loaders.js';
import { requireInteger, requireMatrix, requireOneOf } from '../errors/index.js';

/** `'log'`: r = ln(P_t / P_{t−1}); `'simple'`: r = P_t / P_{t−1} − 1. */
export type ReturnKind = 'log' | 'simple';

const KINDS = ['log', 'simple'] as const;

/**
 * Period-over-period returns of every column.
 *
 * r_t,j = ln(P_t,j / P_t−1,j) (log, default) or P_t,j / P_t−1,j − 1 (simple), t = 1…T−1.
 *
 * @param series A `PriceSeries` or a T×N `number[][]` of prices > 0 (T ≥ 2).
 * @param opts `{ kind = 'log' }`.
 * @returns (T−1)×N returns (dimensionless, per period of the input, e.g. daily).
 * @throws {ValidationError} `prices[t][j]` not finite or ≤ 0, fewer than 2 rows, unknown kind.
 * @example
 * returns([[100], [110]], { kind: 'simple' }) // returns [[0.10000000000000009]]
 */
export function returns(series: PriceSeries | number[][], opts: { kind?: ReturnKind } = {}): number[][] {
  const kind = requireOneOf('options.kind', opts.kind ?? 'log', KINDS);
  const prices = Array.isArray(series) ? series : series?.prices;
  const { rows, cols } = requireMatrix('prices', prices, 2);
  const p = prices as number[][];
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < cols; j++) {
      if (!(p[t][j] > 0)) throw new ValidationError(`prices[${t}][${j}]`, 'positive', `price must be > 0; got ${describeValue(p[t][j])}`, p[t][j]);
    }
  }
  const out: number[][] = new Array(rows - 1);
  for (let t = 1; t < rows; t++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) {
      row[j] = kind === 'log' ? Math.log(p[t][j] / p[t - 1][j]) : p[t][j] / p[t - 1][j] - 1;
    }
    out[t - 1] = row;
  }
  return out;
}

/**
 * Overlapping h-period returns: window w covers rows w…w+h−1.
 *
 * log: R_w = Σ_{s=w}^{w+h−1} r_s; simple: R_w = Π_{s=w}^{w+h−1} (1 + r_s) − 1.
 * Overlapping windows share h−1 observations, so they are serially correlated (this is the
 * MPOR-window convention for historical VaR; no sqrt-of-time scaling is applied).
 *
 * @param rets T×N one-period returns (simple returns must be > −1).
 * @param horizonDays h, integer in [1, T].
 * @param kind Return kind of `rets` (default `'log'`).
 * @returns (T−h+1)×N h-period returns.
 * @throws {ValidationError} non-finite return, h out of range, simple return ≤ −1.
 * @example
 * aggregateReturns([[0.1], [0.2], [0.3]], 2, 'log') // returns [[0.30000000000000004], [0.5]]
 */
export function aggregateReturns(rets: number[][], horizonDays: number, kind: ReturnKind = 'log'): number[][] {
  requireOneOf('kind', kind, KINDS);
  const { rows, cols } = requireMatrix('returns', rets);
  requireInteger('horizonDays', horizonDays, 1);
  if (horizonDays > rows) {
    throw new ValidationError('horizonDays', 'range', `must be ≤ the number of returns (${rows}); got ${horizonDays}`, horizonDays);
  }
  if (kind === 'simple') {
    for (let t = 0; t < rows; t++) {
      for (let j = 0; j < cols; j++) {
        if (!(rets[t][j] > -1)) throw new ValidationError(`returns[${t}][${j}]`, 'range', `simple return must be > -1; got ${rets[t][j]}`, rets[t][j]);
      }
    }
  }
  const out: number[][] = [];
  for (let w = 0; w + horizonDays <= rows; w++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) {
      if (kind === 'log') {
        let s = 0;
        for (let k = 0; k < horizonDays; k++) s += rets[w + k][j];
        row[j] = s;
      } else {
        let g = 1;
        for (let k = 0; k < horizonDays; k++) g *= 1 + rets[w + k][j];
        row[j] = g - 1;
      }
    }
    out.push(row);
  }
  return out;
}

/** Half-open index range [start, end) of one window. */
export interface WindowRange {
  start: number;
  end: number;
}

/**
 * Index ranges of rolling windows over n observations: [s, s+window) for s = 0, step, 2·step, …
 * while s + window ≤ n.
 *
 * @param n Number of observations (integer ≥ 0).
 * @param window Window length (integer ≥ 1).
 * @param step Distance between window starts (integer ≥ 1, default 1).
 * @returns The windows in order; empty when window > n.
 * @throws {ValidationError} non-integer or out-of-range arguments.
 * @example
 * rollingWindows(5, 3, 2) // returns [{ start: 0, end: 3 }, { start: 2, end: 5 }]
 */
export function rollingWindows(n: number, window: number, step = 1): WindowRange[] {
  requireInteger('n', n, 0);
  requireInteger('window', window, 1);
  requireInteger('step', step, 1);
  const out: WindowRange[] = [];
  for (let s = 0; s + window <= n; s += step) out.push({ start: s, end: s + window });
  return out;
}
