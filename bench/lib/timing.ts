/**
 * One benchmark row timed with tinybench: warm-up, then a fixed number of iterations, samples kept.
 * The time budgets are zeroed so the iteration counts alone decide the run length (our rows take
 * 0.1–3 s each; tinybench's 1 s default budget would repeat the slow rows needlessly).
 */
import { Bench } from 'tinybench';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

export interface TimedRow {
  /** Per-iteration wall time in seconds, as tinybench measured it (ascending). */
  samplesSeconds: number[];
  summary: Summary;
  iterations: number;
  warmupIterations: number;
}

export interface TimingOptions {
  iterations: number;
  warmupIterations: number;
}

/** Times `fn` (awaited inside the timed window); any throw fails the row loudly. */
export async function timeRow(name: string, fn: () => Promise<unknown>, o: TimingOptions): Promise<TimedRow> {
  const bench = new Bench({
    name,
    iterations: o.iterations,
    time: 0,
    warmup: o.warmupIterations > 0,
    warmupIterations: o.warmupIterations,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(name, fn, { async: true });
  await bench.run();
  const r = bench.getTask(name)?.result;
  if (!r || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) {
    const err = r && r.state === 'errored' ? r.error : undefined;
    throw new Error(`bench row ${name} did not complete (${r?.state ?? 'no result'})`, { cause: err });
  }
  const samples = [...(r.latency.samples ?? [])].map((ms) => ms / 1e3);
  if (samples.length === 0) throw new Error(`bench row ${name} retained no samples`);
  return { samplesSeconds: samples, summary: summarize(samples), iterations: samples.length, warmupIterations: o.warmupIterations };
}
