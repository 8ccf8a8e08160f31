/**
 * Compact hand-over of an {@link LpModel} to HiGHS: numeric arrays (CSR matrix, bounds, costs) for
 * HiGHS's model interface instead of CPLEX LP text that HiGHS would have to parse back. Same model,
 * same constraint-set options as {@link LpModel.toCplexLp} (dropped sets, zero objective).
 */
import type { LpModel, WriteOptions } from './lp.js';

/** The numeric model HiGHS's `passModel` / `createModel` take (a structural subset of its `ModelData`). */
export interface LpArrays {
  numCols: number;
  numRows: number;
  maximize: boolean;
  offset: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  integrality: Int32Array | undefined;
  /** CSR: row r holds entries starts[r] .. starts[r + 1]. */
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * Numeric arrays of `model`. A dropped set's rows keep their place with free bounds (so row indices
 * match `model.rows`), and its variable bounds are relaxed to free, as in the LP text.
 * @throws {RangeError} for a non-finite coefficient or right-hand side (a programming error: inputs are validated before).
 */
export function toLpArrays(model: LpModel, options: WriteOptions = {}): LpArrays {
  const drop = options.dropSets ?? new Set<string>();
  const vs = model.variables;
  const n = vs.length;
  const m = model.rows.length;
  const colCost = new Float64Array(n);
  const colLower = new Float64Array(n);
  const colUpper = new Float64Array(n);
  let mip = false;
  const integrality = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const v = vs[j];
    const relaxed = v.boundSet !== null && drop.has(v.boundSet);
    colCost[j] = options.zeroObjective ? 0 : v.objective;
    colLower[j] = relaxed ? -Infinity : v.lower;
    colUpper[j] = relaxed ? Infinity : v.upper;
    if (v.integer) { integrality[j] = 1; mip = true; }
  }
  let nnz = 0;
  for (const r of model.rows) nnz += r.vars.length;
  const starts = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const rowLower = new Float64Array(m);
  const rowUpper = new Float64Array(m);
  let p = 0;
  model.rows.forEach((r, i) => {
    starts[i] = p;
    if (!Number.isFinite(r.rhs)) throw new RangeError(`row ${r.label}: right-hand side must be finite; got ${r.rhs}`);
    const off = drop.has(r.set);
    rowLower[i] = off || r.sense === '<=' ? -Infinity : r.rhs;
    rowUpper[i] = off || r.sense === '>=' ? Infinity : r.rhs;
    // HiGHS rejects duplicate column indices in a row: merge them.
    const at = new Map<number, number>();
    for (let j = 0; j < r.vars.length; j++) {
      const c = r.coefs[j];
      if (!Number.isFinite(c)) throw new RangeError(`row ${r.label}: coefficient must be finite; got ${c}`);
      if (c === 0) continue;
      const q = at.get(r.vars[j]);
      if (q === undefined) { at.set(r.vars[j], p); indices[p] = r.vars[j]; values[p] = c; p++; } else values[q] += c;
    }
  });
  starts[m] = p;
  return {
    numCols: n, numRows: m, maximize: model.sense === 'maximize', offset: options.zeroObjective ? 0 : model.objectiveConstant,
    colCost, colLower, colUpper, rowLower, rowUpper, integrality: mip ? integrality : undefined,
    starts, indices: indices.subarray(0, p), values: values.subarray(0, p),
  };
}
