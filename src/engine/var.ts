/**
 * VaR/ES on the engine: validation on the calling thread, then the method's entry in the
 * registry (./var-methods.ts) runs it on the task runner; incremental ES re-runs per factor.
 */
import { AbortError, ValidationError, describeValue } from '../errors/index.js';
import { VarOptionsSchema, parseInput } from '../schemas/index.js';
import type { MarketInput, PortfolioInput } from '../schemas/index.js';
import { resolveBook } from '../risk/index.js';
import type { LevelResult } from '../risk/index.js';
import type { EngineContext } from './context.js';
import { varMethod } from './var-methods.js';
import type { VarJob } from './var-methods.js';
import type { VarExtra, VarOptions, VarResult } from './var-types.js';

const levelsOf = (c: number | number[]): number[] => (Array.isArray(c) ? c : [c]);

export async function computeVar(ctx: EngineContext, portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
  const r = await computeVarCore(ctx, portfolio, market, options);
  if (r.contributions && options.incremental) {
    const exposures = (portfolio as { exposures: number[] }).exposures;
    if (exposures.length > 100) throw new ValidationError('options.incremental', 'range', `incremental ES runs once per factor; at most 100 factors, got ${exposures.length}`);
    const base = { ...options, attribution: false, incremental: false, onProgress: undefined, confidence: r.confidence };
    for (let i = 0; i < exposures.length; i++) {
      const without = await computeVarCore(ctx, { ...portfolio, exposures: exposures.map((x, j) => (j === i ? 0 : x)) }, market, base);
      r.contributions[i].incrementalEs = r.es - without.es;
    }
  }
  return r;
}

async function computeVarCore(ctx: EngineContext, portfolio: PortfolioInput, market: MarketInput, options: VarOptions): Promise<VarResult> {
  const t0 = performance.now();
  const { signal, onProgress, ...rest } = options ?? ({} as VarOptions);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ValidationError('options.signal', 'type', `must be an AbortSignal; got ${describeValue(signal)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValidationError('options.onProgress', 'type', `must be a function; got ${describeValue(onProgress)}`);
  }
  const o = parseInput(VarOptionsSchema, rest, 'options');
  const book = resolveBook(portfolio, market);
  const levels = levelsOf(o.confidence);
  const { exposures, market: m } = book;
  const meanDaily = m.mean ? m.mean.reduce((s, mu, i) => s + mu * exposures[i], 0) : 0;
  const base = { method: o.method, horizonDays: o.horizonDays };
  if (signal?.aborted) throw new AbortError(signal.reason);

  const finish = (lv: LevelResult[], extra: VarExtra): VarResult => ({
    ...base,
    confidence: lv[0].confidence,
    var: lv[0].var,
    es: lv[0].es,
    k: lv[0].k,
    levels: lv,
    ...extra,
    elapsedMs: performance.now() - t0,
  });

  const job: VarJob = { ctx, book, o, levels, meanDaily, signal, onProgress };
  const [lv, extra] = await varMethod(o.method).run(job);
  return finish(lv, extra);
}

