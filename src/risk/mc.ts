/**
 * Main-thread side of Monte Carlo VaR/ES: cut the scenarios into fixed chunks, group them into
 * tasks for the pool, pass the Cholesky factor and exposures once through a SharedArrayBuffer,
 * and merge the tasks' tails exactly. Because every chunk has its own stream and the merge sorts
 * the union of tails, the result is the same for any thread count and task split.
 */
import { AbortError } from '../errors/index.js';
import { CHUNK_SCENARIOS, MC_CONTRIB_TASK, MC_TASK, isSortedTail, mergeSortedTails, sortTailDesc } from '../kernels/index.js';
import type { McTask, McTaskResult } from '../kernels/index.js';
import type { TaskRunner } from '../pool/index.js';
import { levelsFromSortedTail, tailCount } from './tail.js';
import type { LevelResult } from './tail.js';

export interface McJob {
  n: number;
  /** Packed lower Cholesky factor of the horizon covariance. */
  lp: Float64Array;
  exposures: Float64Array;
  /** Student-t degrees of freedom, 0 for normal. */
  nu: number;
  scenarios: number;
  seed: number;
  levels: readonly number[];
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  /** Scenarios finished so far (Monte Carlo), or percent of the bound gap closed (optimisation). */
  done: number;
  total: number;
  /** Optimisation: solver iteration and relative bound gap. */
  iteration?: number;
  gap?: number;
}

export interface McOutcome {
  levels: LevelResult[];
  meanLoss: number;
  stdLoss: number;
  /** The largest losses, descending, with their scenario indices (k of the first level). */
  tail: Float64Array;
  tailIndex: Float64Array;
}

/**
 * How many tasks a job is cut into: one per thread at least (equal chunk ranges), more for long
 * jobs so progress keeps ticking (about 256 chunks = 1 M scenarios per task), at most 16 per
 * thread. Each task fills, selects and sorts its own top-k (k does not shrink with the task), so
 * fewer tasks mean less tail work: on 1e6 × 50 with k = 25,000 this gives one task per thread,
 * also on one thread (where 0.5 M per task cost a second top-k selection, sort and merge).
 */
export function planTasks(nChunks: number, threads: number): Array<[number, number]> {
  const tasks = Math.max(1, Math.min(nChunks, Math.max(threads, Math.min(16 * threads, Math.ceil(nChunks / 256)))));
  const out: Array<[number, number]> = [];
  for (let t = 0; t < tasks; t++) {
    const from = Math.floor((t * nChunks) / tasks);
    const to = Math.floor(((t + 1) * nChunks) / tasks);
    if (to > from) out.push([from, to]);
  }
  return out;
}

/**
 * Running top-k of task tails, fed as tasks finish so the merge overlaps the workers' compute.
 * Workers return their tails sorted (descending, equal losses by ascending scenario index), so
 * `add` is one linear merge truncated at k and `finish` returns the result as it stands; a part
 * that is not sorted is sorted first. The result is the top-k of the union, sorted, whatever the
 * order the parts arrive in.
 */
export class TailMerger {
  private acc: { v: Float64Array; ix: Float64Array } = { v: new Float64Array(0), ix: new Float64Array(0) };

  constructor(private readonly k: number) {}

  add(part: Pick<McTaskResult, 'tail' | 'index'>): void {
    const m = part.tail.length;
    const sorted = isSortedTail(part.tail, part.index, m)
      ? { v: part.tail, ix: part.index }
      : sortTailDesc(part.tail, part.index, m);
    // the first part is the running top-k as it stands (no copy); later parts merge into it
    this.acc = this.acc.v.length === 0
      ? { v: sorted.v.subarray(0, Math.min(m, this.k)), ix: sorted.ix.subarray(0, Math.min(m, this.k)) }
      : mergeSortedTails(this.acc, sorted, this.k);
  }

  finish(): { v: Float64Array; ix: Float64Array } {
    return this.acc;
  }
}

/** Merges task tails: top kMax of the union, sorted descending (ties by scenario index). */
export function mergeTails(parts: readonly McTaskResult[], kMax: number): { v: Float64Array; ix: Float64Array } {
  const m = new TailMerger(kMax);
  for (const p of parts) m.add(p);
  return m.finish();
}

export async function runMonteCarlo(pool: TaskRunner, job: McJob): Promise<McOutcome> {
  const { n, scenarios } = job;
  const nl = (n * (n + 1)) / 2;
  const shared = new SharedArrayBuffer((nl + n) * 8);
  new Float64Array(shared, 0, nl).set(job.lp);
  new Float64Array(shared, nl * 8, n).set(job.exposures);
  const kMax = Math.max(...job.levels.map((a) => tailCount(scenarios, a)));
  const nChunks = Math.ceil(scenarios / CHUNK_SCENARIOS);
  const ranges = planTasks(nChunks, pool.threads);
  // In-process workers share one chunk counter: the tasks claim chunks as they go, so a worker
  // slowed by other load does less (one wave of tasks: no quota; several waves: each task takes
  // at most its share, so later tasks still find work and progress keeps ticking). Remote runners
  // get copies of shared buffers, so they keep the fixed ranges.
  const claim = pool.sharedMemory ? new SharedArrayBuffer(4) : undefined;
  const quota = ranges.length > pool.threads ? Math.ceil(nChunks / ranges.length) : undefined;

  // One controller for the job: the caller's abort or the first failure cancels the rest.
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort(job.signal?.reason);
  if (job.signal?.aborted) throw new AbortError(job.signal.reason);
  job.signal?.addEventListener('abort', onAbort, { once: true });
  let done = 0;
  const merger = new TailMerger(kMax);
  try {
    const results = await Promise.all(
      ranges.map(async ([chunkFrom, chunkTo]) => {
        const task: McTask = claim
          ? { shared, n, nu: job.nu, seed: job.seed, scenarios, chunkFrom: 0, chunkTo: nChunks, k: kMax, claim, quota }
          : { shared, n, nu: job.nu, seed: job.seed, scenarios, chunkFrom, chunkTo, k: kMax };
        try {
          const r = await pool.run(MC_TASK, task, { signal: ctl.signal });
          merger.add(r); // merge while the other tasks still run
          for (const c of r.chunks) done += Math.min(CHUNK_SCENARIOS, scenarios - c * CHUNK_SCENARIOS);
          job.onProgress?.({ done, total: scenarios });
          return r;
        } catch (e) {
          ctl.abort(e);
          throw e;
        }
      }),
    );
    // chunk sums in chunk order: the mean does not depend on the split or on who ran which chunk
    const byChunk = new Float64Array(2 * nChunks);
    let seen = 0;
    for (const r of results) {
      for (let j = 0; j < r.chunks.length; j++) {
        byChunk[2 * r.chunks[j]] = r.sums[2 * j];
        byChunk[2 * r.chunks[j] + 1] = r.sums[2 * j + 1];
      }
      seen += r.chunks.length;
    }
    if (seen !== nChunks) throw new Error(`monte carlo: tasks ran ${seen} chunks of ${nChunks}`);
    let s = 0;
    let s2 = 0;
    for (let c = 0; c < nChunks; c++) {
      s += byChunk[2 * c];
      s2 += byChunk[2 * c + 1];
    }
    const mean = s / scenarios;
    const variance = scenarios > 1 ? Math.max(0, (s2 - scenarios * mean * mean) / (scenarios - 1)) : 0;
    const { v, ix } = merger.finish();
    return { levels: levelsFromSortedTail(v, scenarios, job.levels), meanLoss: mean, stdLoss: Math.sqrt(variance), tail: v, tailIndex: ix };
  } catch (e) {
    if (job.signal?.aborted) throw new AbortError(job.signal.reason);
    throw e;
  } finally {
    job.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Component ES by factor from the same scenarios as the run: the k tail scenarios (global
 * indices) are replayed chunk by chunk on the pool and their per-factor loss contributions
 * averaged. Returns n components (they sum to the ES up to rounding).
 */
export async function mcComponentEs(pool: TaskRunner, job: McJob, tailIndex: ArrayLike<number>, k: number): Promise<Float64Array> {
  const { n } = job;
  const nl = (n * (n + 1)) / 2;
  const shared = new SharedArrayBuffer((nl + n) * 8);
  new Float64Array(shared, 0, nl).set(job.lp);
  new Float64Array(shared, nl * 8, n).set(job.exposures);
  const byChunk = new Map<number, number[]>();
  for (let i = 0; i < k; i++) {
    const g = tailIndex[i];
    const c = Math.floor(g / CHUNK_SCENARIOS);
    let list = byChunk.get(c);
    if (!list) byChunk.set(c, (list = []));
    list.push(g - c * CHUNK_SCENARIOS);
  }
  const chunks = [...byChunk.keys()].sort((a, b) => a - b);
  const groups = planTasks(chunks.length, pool.threads).map(([from, to]) => chunks.slice(from, to));
  const parts = await Promise.all(
    groups.map((cs) => {
      const starts = [0];
      const offs: number[] = [];
      for (const c of cs) {
        offs.push(...byChunk.get(c)!.sort((a, b) => a - b));
        starts.push(offs.length);
      }
      return pool.run(MC_CONTRIB_TASK, {
        shared, n, nu: job.nu, seed: job.seed, chunks: cs, starts, offsets: Int32Array.from(offs),
      }, { signal: job.signal });
    }),
  );
  const comp = new Float64Array(n);
  for (const p of parts) for (let r = 0; r < p.length; r += n) for (let i = 0; i < n; i++) comp[i] += p[r + i];
  for (let i = 0; i < n; i++) comp[i] /= k;
  return comp;
}
