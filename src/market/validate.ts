/** Conversions between nested and row-major matrices (internal to the market module). */
/** Copies a `number[][]` into a row-major Float64Array. */
export function toFloat64(x: ArrayLike<ArrayLike<number>>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    for (let j = 0; j < cols; j++) out[i * cols + j] = row[j];
  }
  return out;
}

/** Copies a row-major Float64Array into a `number[][]`. */
export function toNested(a: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(a.subarray(i * cols, (i + 1) * cols));
  return out;
}
