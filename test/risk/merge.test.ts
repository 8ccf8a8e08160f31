import { describe, expect, it } from 'vitest';
import { mergeTails, planTasks } from '../../src/risk/mc.js';

const part = (tail: number[], index: number[]) => ({ tail: Float64Array.from(tail), index: Float64Array.from(index), sums: new Float64Array(0) });

describe('tail merge', () => {
  it('keeps the k largest of the union, descending, whatever the split', () => {
    const a = mergeTails([part([5, 1, 9], [0, 1, 2]), part([7, 3], [3, 4])], 3);
    const b = mergeTails([part([3, 9], [4, 2]), part([1], [1]), part([7, 5], [3, 0])], 3);
    expect(Array.from(a.v)).toEqual([9, 7, 5]);
    expect(Array.from(a.ix)).toEqual([2, 3, 0]);
    expect(b).toEqual(a);
  });

  it('orders equal losses by ascending scenario index', () => {
    const r = mergeTails([part([4, 4, 2], [9, 3, 1]), part([4, 8], [5, 0])], 4);
    expect(Array.from(r.v)).toEqual([8, 4, 4, 4]);
    expect(Array.from(r.ix)).toEqual([0, 3, 5, 9]);
  });

  it('returns everything when k exceeds the union', () => {
    expect(Array.from(mergeTails([part([1, 2], [0, 1])], 10).v)).toEqual([2, 1]);
  });

  it('plans contiguous task ranges covering every chunk once', () => {
    for (const [chunks, threads] of [[245, 2], [3, 8], [1, 1], [100, 3]] as const) {
      const r = planTasks(chunks, threads);
      expect(r[0][0]).toBe(0);
      expect(r.at(-1)![1]).toBe(chunks);
      for (let i = 1; i < r.length; i++) expect(r[i][0]).toBe(r[i - 1][1]);
    }
  });
});
