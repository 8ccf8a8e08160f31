/** Types of `engine.var`: options, result and the partial result the history task returns. */
import type { VarOptionsInput } from '../schemas/index.js';
import type { Contribution, Progress, LevelResult } from '../risk/index.js';

export interface VarOptions extends VarOptionsInput {
  /** Cancels the job; the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Called as tasks finish (Monte Carlo), with scenarios done so far. */
  onProgress?: (p: Progress) => void;
}

export type VarMethod = VarOptionsInput['method'];

export interface VarResult {
  method: VarMethod;
  /** The first requested confidence level and its numbers. */
  confidence: number;
  var: number;
  es: number;
  /** Tail size at the first level (0 for parametric). */
  k: number;
  /** Scenarios (MC) or observations (historical) the tail was taken from (0 for parametric). */
  n: number;
  horizonDays: number;
  /** Every requested level. */
  levels: LevelResult[];
  /** Mean and standard deviation of the loss distribution (parametric: of the normal model). */
  meanLoss: number;
  stdLoss: number;
  /** Largest losses in descending order with their scenario/observation index (up to k). */
  tail: { losses: number[]; index: number[] };
  kernel: 'wasm' | 'ts' | 'none';
  seed?: number;
  /** Stressed method: the chosen window [start, end) of the history. */
  window?: { start: number; end: number };
  /** Cornish–Fisher: the daily P&L moments used. */
  moments?: { mean: number; sd: number; skew: number; exKurt: number };
  /** Component / marginal (and incremental) ES by factor, with `attribution: true`. */
  contributions?: Contribution[];
  /** Where the covariance came from (parametric / Monte Carlo). */
  covarianceSource?: 'given' | 'sample' | 'ewma' | 'ledoit-wolf';
  elapsedMs: number;
}

/** What a method computes besides the levels (the engine adds method, horizon and timing). */
export type VarExtra = Omit<VarResult, 'method' | 'horizonDays' | 'levels' | 'confidence' | 'var' | 'es' | 'k' | 'elapsedMs'>;
