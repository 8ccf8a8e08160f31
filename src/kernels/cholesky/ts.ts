/** Pure-TS twin of assembly/linalg.ts `cholesky` (same operation order). */

/**
 * Packed lower Cholesky factor of the n×n symmetric matrix `a` (row-major). Positive
 * semi-definite input is accepted (a ~0 pivot gives a zero column when the rest of the column is
 * ~0 too). Returns -1 on success or the first column index proving the matrix is not PSD.
 */
export function choleskyTs(a: Float64Array, n: number, lp: Float64Array, tol: number): number {
  for (let j = 0; j < n; j++) {
    const rj = (j * (j + 1)) / 2;
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) { const x = lp[rj + k]; d -= x * x; }
    if (d < -tol) return j;
    const zero = d <= tol;
    const ljj = zero ? 0 : Math.sqrt(d);
    lp[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = (i * (i + 1)) / 2;
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= lp[ri + k] * lp[rj + k];
      if (zero) {
        if (Math.abs(s) > 1e6 * tol) return j;
        lp[ri + j] = 0;
      } else {
        lp[ri + j] = s / ljj;
      }
    }
  }
  return -1;
}
