/**
 * Many tasks sharing one AbortSignal: a 12 M-scenario Monte Carlo run on 2 threads (32 tasks on
 * the job's internal signal) and an FHS fan-out of 12 volatility fits on the caller's signal must
 * not print a MaxListenersExceededWarning, and the caller's signal carries one listener at most.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/index.js';
import { taskSignal } from '../../src/pool/index.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
});

afterAll(async () => {
  await engine?.close();
});

/** Runs `f` with a process 'warning' handler; the handler is removed whatever happens. */
async function warningsDuring(f: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error): void => {
    seen.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', onWarning);
  try {
    await f();
    // warnings are emitted on a later tick
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('one AbortSignal, many tasks', () => {
  it('12 M scenarios on 2 threads with a caller signal: no warning, one listener on the signal', async () => {
    const ctl = new AbortController();
    let peak = 0;
    const warnings = await warningsDuring(async () => {
      const run = engine.var({ exposures: [1e6, -4e5] }, { vols: [0.02, 0.03], correlation: [[1, 0.3], [0.3, 1]] }, {
        method: 'mc-normal', scenarios: 12_000_000, seed: 3, signal: ctl.signal,
        onProgress: () => {
          peak = Math.max(peak, getEventListeners(ctl.signal, 'abort').length);
        },
      });
      const r = await run;
      expect(r.n).toBe(12_000_000);
    });
    expect(warnings).toEqual([]);
    expect(peak).toBeLessThanOrEqual(1);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  }, 60_000);

  it('FHS fans 12 volatility fits out on the caller signal: no warning', async () => {
    const n = 12;
    const T = 120; // at least 100 windows: the 99 % tail's minimum sample
    let s = 7;
    const rnd = (): number => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.04;
    const returns = Array.from({ length: T }, () => Array.from({ length: n }, rnd));
    const ctl = new AbortController();
    const warnings = await warningsDuring(async () => {
      const r = await engine.var({ exposures: Array(n).fill(1e5) }, { returns }, { method: 'fhs', signal: ctl.signal });
      expect(r.var).toBeGreaterThan(0);
    });
    expect(warnings).toEqual([]);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  }, 60_000);

  it('taskSignal: children abort with the parent\'s reason; the relay goes when the last is released', () => {
    const parent = new AbortController();
    const kids = Array.from({ length: 20 }, () => taskSignal(parent.signal));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    kids[0].release();
    kids[0].release();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    parent.abort(new Error('stop'));
    expect(kids.slice(1).every((k) => k.signal?.aborted && (k.signal.reason as Error).message === 'stop')).toBe(true);
    expect(kids[0].signal?.aborted).toBe(false);
    for (const k of kids) k.release();

    const other = new AbortController();
    const a = taskSignal(other.signal);
    const b = taskSignal(other.signal);
    a.release();
    b.release();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    expect(taskSignal(undefined).signal).toBeUndefined();
  });
});
