/**
 * Worker-process side of a distributed Monte Carlo job: run one chunk-range job on the local pool
 * (cut again into pool tasks), merge the tasks' tails exactly and return the range's top-k tail
 * with its per-chunk sums in chunk order — the same numbers one pool task over the whole range gives.
 */
import type { WorkerPool } from '../pool/index.js';
import { mergeTails, planTasks } from '../risk/mc.js';
import type { McTask, McTaskResult } from '../risk/mc-task.js';
import { jobDataToTask } from './protocol.js';
import type { ChunkJobData } from './protocol.js';

/**
 * Runs the chunks [chunkFrom, chunkTo) of a job on `pool`.
 * @param wasmAvailable whether this process's workers can run the WASM kernels; when the job asks for
 *   WASM and they cannot, the TS twins run (same numbers within 1e-12 relative, not bit-identical).
 * @throws ValidationError for malformed job data; AbortError; WorkerError.
 */
export async function runChunkJob(
  pool: WorkerPool,
  data: ChunkJobData,
  opts: { wasmAvailable: boolean; signal?: AbortSignal },
): Promise<{ result: McTaskResult; kernel: 'wasm' | 'ts' }> {
  const t = jobDataToTask(data);
  const wasm = t.wasm && opts.wasmAvailable;
  const ranges = planTasks(t.chunkTo - t.chunkFrom, pool.threads);
  const parts = await Promise.all(
    ranges.map(([a, b]) => pool.run<McTaskResult>({ ...t, wasm, chunkFrom: t.chunkFrom + a, chunkTo: t.chunkFrom + b } satisfies McTask, opts.signal)),
  );
  const sums = new Float64Array(2 * (t.chunkTo - t.chunkFrom));
  let o = 0;
  for (const p of parts) {
    sums.set(p.sums, o);
    o += p.sums.length;
  }
  const { v, ix } = mergeTails(parts, t.k);
  return { result: { tail: v, index: ix, sums }, kernel: wasm ? 'wasm' : 'ts' };
}
