import { describe, expect, it } from 'vitest';
import { AbortError, EngineClosedError, WorkerError, createEngine } from '../../src/index.js';
import { ENGINE_TASK_MODULES } from '../../src/engine/index.js';
import { MC_TASK } from '../../src/kernels/index.js';
import { WorkerPool } from '../../src/pool/index.js';
import { equicorrelated } from '../helpers.js';

const cov = equicorrelated(Array.from({ length: 20 }, () => 0.02), 0.2);
const w = Array.from({ length: 20 }, () => 1e5);

describe('worker pool', () => {
  it('a task that throws rejects with WorkerError and the pool keeps working', async () => {
    const pool = new WorkerPool({ threads: 2, taskModules: ENGINE_TASK_MODULES });
    try {
      const bad = { shared: new SharedArrayBuffer(8), n: 50, nu: 0, seed: 1, scenarios: 10, chunkFrom: 0, chunkTo: 1, k: 1 };
      await expect(pool.run(MC_TASK, bad)).rejects.toBeInstanceOf(WorkerError);
      await expect(pool.run(MC_TASK, bad)).rejects.toThrow(/shared buffer too small/);
      await expect(pool.runEnvelope({ kind: 'no-such-kind', input: null, wasm: true })).rejects.toThrow(/unknown task kind 'no-such-kind'/);
      await pool.warmUp();
      const ok = await pool.run(MC_TASK, { ...bad, shared: new SharedArrayBuffer(8 * (1 + 1)), n: 1, chunkTo: 1 });
      expect(ok.tail.length).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('reports progress up to the total, once per task', async () => {
    const engine = await createEngine({ threads: 2 });
    try {
      const seen: number[] = [];
      const scenarios = 20 * 4096;
      await engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', scenarios, onProgress: (p) => {
        expect(p.total).toBe(scenarios);
        seen.push(p.done);
      } });
      expect(seen.length).toBe(2); // 20 chunks on 2 threads: one task per thread (planTasks)
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(seen.at(-1)).toBe(scenarios);
    } finally {
      await engine.close();
    }
  });

  it('cancels a running job with an AbortSignal and stays usable', async () => {
    const engine = await createEngine({ threads: 2 });
    try {
      const ctl = new AbortController();
      const job = engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', scenarios: 50_000_000, signal: ctl.signal });
      setTimeout(() => ctl.abort(new Error('user cancelled')), 50);
      const err = await job.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).cause).toEqual(new Error('user cancelled'));
      const r = await engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', scenarios: 10_000 });
      expect(r.var).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('rejects at once when the signal is already aborted', async () => {
    const engine = await createEngine({ threads: 1 });
    try {
      await expect(engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    } finally {
      await engine.close();
    }
  });

  it('close() lets running work finish, is idempotent, and later jobs get EngineClosedError', async () => {
    const engine = await createEngine({ threads: 2 });
    const running = engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal', scenarios: 200_000 });
    await engine.close();
    await engine.close();
    await expect(running).resolves.toMatchObject({ n: 200_000 });
    await expect(engine.var({ exposures: w }, { covariance: cov }, { method: 'mc-normal' })).rejects.toBeInstanceOf(EngineClosedError);
  });

  it('supports await using', async () => {
    let r: number;
    {
      await using engine = await createEngine({ threads: 1, wasm: false });
      r = (await engine.var({ exposures: [1] }, { covariance: [[1]] }, { method: 'parametric' })).var;
    }
    expect(r).toBeCloseTo(2.3263478740408408, 12);
  });
});
