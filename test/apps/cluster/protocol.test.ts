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
