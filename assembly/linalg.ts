// Dense linear algebra kernels. Twin: src/kernels/cholesky.ts (same operation order).

/**
 * Cholesky factor of the n×n symmetric matrix at ap (row-major) into packed lower rows at lp
 * (row i holds i+1 entries). Positive semi-definite matrices are accepted: a pivot within
 * tol of zero gives a zero column, provided the rest of that column is also ~0.
 * Returns -1 on success, else the index of the first column showing the matrix is not PSD.
 */
export function cholesky(ap: usize, n: i32, lp: usize, tol: f64): i32 {
  for (let j = 0; j < n; j++) {
    const rj = lp + ((<usize>j * <usize>(j + 1)) >> 1 << 3);
    let d = load<f64>(ap + ((<usize>j * n + j) << 3));
    for (let k = 0; k < j; k++) { const x = load<f64>(rj + (<usize>k << 3)); d -= x * x; }
    if (d < -tol) return j;
    const zero = d <= tol;
    const ljj = zero ? 0.0 : Math.sqrt(d);
    store<f64>(rj + (<usize>j << 3), ljj);
    for (let i = j + 1; i < n; i++) {
      const ri = lp + ((<usize>i * <usize>(i + 1)) >> 1 << 3);
      let a = load<f64>(ap + ((<usize>i * n + j) << 3));
      for (let k = 0; k < j; k++) a -= load<f64>(ri + (<usize>k << 3)) * load<f64>(rj + (<usize>k << 3));
      if (zero) {
        if (Math.abs(a) > 1e6 * tol) return j; // PSD needs |a| <= sqrt(d_j d_i) ~ 1e-6 scale
        store<f64>(ri + (<usize>j << 3), 0.0);
      } else {
        store<f64>(ri + (<usize>j << 3), a / ljj);
      }
    }
  }
  return -1;
}
