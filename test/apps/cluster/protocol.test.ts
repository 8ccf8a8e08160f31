/** The task-job wire format carries the pinned WASM build (or none) and drops anything else. */
import { describe, expect, it } from 'vitest';
import { envelopeToJobData, jobDataToEnvelope } from '../../../src/apps/cluster/protocol.js';

describe('task job protocol: WASM build', () => {
  it('round-trips a pinned build, leaves an unpinned one absent, ignores an unknown value', () => {
    const input = { x: new Float64Array([1, 2, 3]) };
    const pinned = jobDataToEnvelope(envelopeToJobData({ kind: 'reval', input, wasm: true, build: 'strict' }));
    expect(pinned.build).toBe('strict');
    expect(pinned.wasm).toBe(true);
    expect(pinned.input).toEqual(input);
    const auto = envelopeToJobData({ kind: 'reval', input, wasm: true });
    expect('build' in auto).toBe(false);
    expect(jobDataToEnvelope(auto).build).toBeUndefined();
    expect(jobDataToEnvelope({ ...auto, build: 'fast' }).build).toBeUndefined();
  });
});

describe('task job protocol: progress cell', () => {
  it('carries the cell size, not its bytes; the worker side gets a fresh cell of that size', () => {
    const progress = new SharedArrayBuffer(32);
    new Float64Array(progress)[0] = 7;
    const data = envelopeToJobData({ kind: 'optimize', input: null, wasm: false, progress });
    expect(data.progressBytes).toBe(32);
    const env = jobDataToEnvelope(data);
    expect(env.progress).toBeInstanceOf(SharedArrayBuffer);
    expect(env.progress).not.toBe(progress);
    expect(Array.from(new Float64Array(env.progress!))).toEqual([0, 0, 0, 0]);
    expect('progressBytes' in envelopeToJobData({ kind: 'optimize', input: null, wasm: false })).toBe(false);
    expect(jobDataToEnvelope(envelopeToJobData({ kind: 'optimize', input: null, wasm: false })).progress).toBeUndefined();
  });

  it('rejects a cell size that is not a small multiple of 8 bytes, naming the field', () => {
    const data = envelopeToJobData({ kind: 'optimize', input: null, wasm: false });
    for (const bad of [0, 12, -8, 1e9, 8.5, '32']) {
      expect(() => jobDataToEnvelope({ ...data, progressBytes: bad })).toThrow(/job\.progressBytes/);
    }
  });
});
