// Sample covariance kernel (ddof = 1), two-pass and blocked, SIMD f64x2. No allocation: the caller
// owns all memory. Matrices are row-major f64: x is T×N, out is N×N, mean has N entries.
//
// Method: pass 1 computes column means; pass 2 accumulates Σ_r (x_ri − m_i)(x_rj − m_j) for j ≥ i
// over blocks of COV_ROW_BLOCK rows, each block summed in registers (4 f64x2 accumulators = 8
// output columns) and then added into out; finally out_ij /= (T − 1) and the lower triangle is
// mirrored. Per output entry the order of operations is fixed (sequential within a row block,
// blocks in order), so the pure-TS twin in src/market/covKernel.ts gives bit-identical results.
// T < 2 gives NaN/Infinity (division by T − 1 = 0); the TS wrapper validates before calling.

/** Rows of x accumulated in registers before adding into out (must match the TS twin). */
export const COV_ROW_BLOCK: i32 = 256;

/** mean[j] = (Σ_r x[r][j]) / t for j < n. */
export function covColumnMeans(xPtr: usize, t: i32, n: i32, meanPtr: usize): void {
  for (let j = 0; j < n; j++) store<f64>(meanPtr + (<usize>j << 3), 0.0);
  for (let r = 0; r < t; r++) {
    const row = xPtr + ((<usize>r * <usize>n) << 3);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      v128.store(meanPtr + off, f64x2.add(v128.load(meanPtr + off), v128.load(row + off)));
    }
    if (j < n) {
      const off = <usize>j << 3;
      store<f64>(meanPtr + off, load<f64>(meanPtr + off) + load<f64>(row + off));
    }
  }
  const ft = <f64>t;
  for (let j = 0; j < n; j++) {
    const off = <usize>j << 3;
    store<f64>(meanPtr + off, load<f64>(meanPtr + off) / ft);
  }
}

/**
 * Rows [rowFrom, rowTo) of the sample covariance: writes out[i][j] and out[j][i] for
 * rowFrom ≤ i < rowTo, j ≥ i. `meanPtr` must hold the column means (covColumnMeans). Disjoint
 * row ranges write disjoint entries, so ranges can run in parallel on a shared output (row i costs
 * ∝ n − i: give later ranges more rows).
 */
export function covSampleRows(xPtr: usize, t: i32, n: i32, meanPtr: usize, outPtr: usize, rowFrom: i32, rowTo: i32): void {
  const rowBytes = <usize>n << 3;
  for (let i = rowFrom; i < rowTo; i++) {
    for (let j = i; j < n; j++) store<f64>(outPtr + <usize>i * rowBytes + (<usize>j << 3), 0.0);
  }
  for (let r0 = 0; r0 < t; r0 += COV_ROW_BLOCK) {
    const r1 = min(t, r0 + COV_ROW_BLOCK);
    let i = rowFrom;
    // Two output rows at a time share each centred load of x[r][j..j+8): a 2×8 register tile.
    // Per element the accumulation order (over r, then added into out) is the same as the
    // one-row loop, so results stay bit-identical to the TS twin.
    for (; i + 1 < rowTo; i += 2) {
      const mi = load<f64>(meanPtr + (<usize>i << 3));
      const mk = load<f64>(meanPtr + (<usize>(i + 1) << 3));
      const outI = outPtr + <usize>i * rowBytes;
      const outK = outI + rowBytes;
      // the 2×2 corner: (i,i), (i,i+1), (i+1,i+1)
      let cii = 0.0, cik = 0.0, ckk = 0.0;
      for (let r = r0; r < r1; r++) {
        const row = xPtr + <usize>r * rowBytes;
        const di = load<f64>(row + (<usize>i << 3)) - mi;
        const dk = load<f64>(row + (<usize>(i + 1) << 3)) - mk;
        cii += di * di;
        cik += di * dk;
        ckk += dk * dk;
      }
      const pii = outI + (<usize>i << 3);
      store<f64>(pii, load<f64>(pii) + cii);
      store<f64>(pii, load<f64>(pii, 8) + cik, 8);
      const pkk = outK + (<usize>(i + 1) << 3);
      store<f64>(pkk, load<f64>(pkk) + ckk);
      let j = i + 2;
      for (; j + 8 <= n; j += 8) {
        const jo = <usize>j << 3;
        const m0 = v128.load(meanPtr + jo);
        const m1 = v128.load(meanPtr + jo + 16);
        const m2 = v128.load(meanPtr + jo + 32);
        const m3 = v128.load(meanPtr + jo + 48);
        let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
        let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
        for (let r = r0; r < r1; r++) {
          const row = xPtr + <usize>r * rowBytes;
          const di = f64x2.splat(load<f64>(row + (<usize>i << 3)) - mi);
          const dk = f64x2.splat(load<f64>(row + (<usize>(i + 1) << 3)) - mk);
          const x0 = f64x2.sub(v128.load(row + jo), m0);
          const x1 = f64x2.sub(v128.load(row + jo + 16), m1);
          const x2 = f64x2.sub(v128.load(row + jo + 32), m2);
          const x3 = f64x2.sub(v128.load(row + jo + 48), m3);
          a0 = f64x2.add(a0, f64x2.mul(di, x0)); b0 = f64x2.add(b0, f64x2.mul(dk, x0));
          a1 = f64x2.add(a1, f64x2.mul(di, x1)); b1 = f64x2.add(b1, f64x2.mul(dk, x1));
          a2 = f64x2.add(a2, f64x2.mul(di, x2)); b2 = f64x2.add(b2, f64x2.mul(dk, x2));
          a3 = f64x2.add(a3, f64x2.mul(di, x3)); b3 = f64x2.add(b3, f64x2.mul(dk, x3));
        }
        v128.store(outI + jo, f64x2.add(v128.load(outI + jo), a0));
        v128.store(outI + jo + 16, f64x2.add(v128.load(outI + jo + 16), a1));
        v128.store(outI + jo + 32, f64x2.add(v128.load(outI + jo + 32), a2));
        v128.store(outI + jo + 48, f64x2.add(v128.load(outI + jo + 48), a3));
        v128.store(outK + jo, f64x2.add(v128.load(outK + jo), b0));
        v128.store(outK + jo + 16, f64x2.add(v128.load(outK + jo + 16), b1));
        v128.store(outK + jo + 32, f64x2.add(v128.load(outK + jo + 32), b2));
        v128.store(outK + jo + 48, f64x2.add(v128.load(outK + jo + 48), b3));
      }
      for (; j < n; j++) {
        const jo = <usize>j << 3;
        const mj = load<f64>(meanPtr + jo);
        let a = 0.0, b = 0.0;
        for (let r = r0; r < r1; r++) {
          const row = xPtr + <usize>r * rowBytes;
          const dj = load<f64>(row + jo) - mj;
          a += (load<f64>(row + (<usize>i << 3)) - mi) * dj;
          b += (load<f64>(row + (<usize>(i + 1) << 3)) - mk) * dj;
        }
        store<f64>(outI + jo, load<f64>(outI + jo) + a);
        store<f64>(outK + jo, load<f64>(outK + jo) + b);
      }
    }
    for (; i < rowTo; i++) {
      const mi = load<f64>(meanPtr + (<usize>i << 3));
      const outRow = outPtr + <usize>i * rowBytes;
      let j = i;
      for (; j + 8 <= n; j += 8) {
        const jo = <usize>j << 3;
        const m0 = v128.load(meanPtr + jo);
        const m1 = v128.load(meanPtr + jo + 16);
        const m2 = v128.load(meanPtr + jo + 32);
        const m3 = v128.load(meanPtr + jo + 48);
        let a0 = f64x2.splat(0.0);
        let a1 = f64x2.splat(0.0);
        let a2 = f64x2.splat(0.0);
        let a3 = f64x2.splat(0.0);
        for (let r = r0; r < r1; r++) {
          const row = xPtr + <usize>r * rowBytes;
          const di = f64x2.splat(load<f64>(row + (<usize>i << 3)) - mi);
          a0 = f64x2.add(a0, f64x2.mul(di, f64x2.sub(v128.load(row + jo), m0)));
          a1 = f64x2.add(a1, f64x2.mul(di, f64x2.sub(v128.load(row + jo + 16), m1)));
          a2 = f64x2.add(a2, f64x2.mul(di, f64x2.sub(v128.load(row + jo + 32), m2)));
          a3 = f64x2.add(a3, f64x2.mul(di, f64x2.sub(v128.load(row + jo + 48), m3)));
        }
        v128.store(outRow + jo, f64x2.add(v128.load(outRow + jo), a0));
        v128.store(outRow + jo + 16, f64x2.add(v128.load(outRow + jo + 16), a1));
        v128.store(outRow + jo + 32, f64x2.add(v128.load(outRow + jo + 32), a2));
        v128.store(outRow + jo + 48, f64x2.add(v128.load(outRow + jo + 48), a3));
      }
      for (; j + 2 <= n; j += 2) {
        const jo = <usize>j << 3;
        const m0 = v128.load(meanPtr + jo);
        let a0 = f64x2.splat(0.0);
        for (let r = r0; r < r1; r++) {
          const row = xPtr + <usize>r * rowBytes;
          const di = f64x2.splat(load<f64>(row + (<usize>i << 3)) - mi);
          a0 = f64x2.add(a0, f64x2.mul(di, f64x2.sub(v128.load(row + jo), m0)));
        }
        v128.store(outRow + jo, f64x2.add(v128.load(outRow + jo), a0));
      }
      if (j < n) {
        const jo = <usize>j << 3;
        const mj = load<f64>(meanPtr + jo);
        let a = 0.0;
        for (let r = r0; r < r1; r++) {
          const row = xPtr + <usize>r * rowBytes;
          a += (load<f64>(row + (<usize>i << 3)) - mi) * (load<f64>(row + jo) - mj);
        }
        store<f64>(outRow + jo, load<f64>(outRow + jo) + a);
      }
    }
  }
  const denom = <f64>(t - 1);
  for (let i = rowFrom; i < rowTo; i++) {
    for (let j = i; j < n; j++) {
      const p = outPtr + <usize>i * rowBytes + (<usize>j << 3);
      const v = load<f64>(p) / denom;
      store<f64>(p, v);
      store<f64>(outPtr + <usize>j * rowBytes + (<usize>i << 3), v);
    }
  }
}

/** Full sample covariance (ddof = 1): column means into meanPtr, then all rows of out. */
export function covSample(xPtr: usize, t: i32, n: i32, meanPtr: usize, outPtr: usize): void {
  covColumnMeans(xPtr, t, n, meanPtr);
  covSampleRows(xPtr, t, n, meanPtr, outPtr, 0, n);
}
