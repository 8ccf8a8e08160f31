// Sample covariance kernel (ddof = 1), two-pass and blocked, SIMD f64x2. No allocation: the caller
// owns all memory. Matrices are row-major f64: x is T×N, out is N×N, mean has N entries.
//
// Method: pass 1 computes column means; pass 2 accumulates Σ_r (x_ri − m_i)(x_rj − m_j) for j ≥ i
// over blocks of COV_ROW_BLOCK rows, each block summed in registers (4 f64x2 accumulators = 8
// output columns) and then added into out; finally out_ij /= (T − 1) and the lower triangle is
// mirrored. Per output entry the order of operations is fixed (sequential within a row block,
// blocks in order), so the pure-TS twin in src/market/covKernel.ts gives bit-identical results.
// T < 2 gives NaN/Infinity (division by T − 1 = 0); the TS wrapper validates before calling.

import { madd2 } from './simd';

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

// ---------------------------------------------------------------------------------------------
// Packed kernels: centre once, lay columns out in panels of 8, accumulate register tiles.
//
// covPack writes pack[p][r][c] = x[r][8p + c] − mean[8p + c] (0 past column n): panel p holds
// columns 8p..8p+7 of every row contiguously (64 bytes a row), so a tile walks two or three
// sequential streams instead of rows 4 kB apart, and nothing is re-centred in the inner loop.
// covGramRows accumulates Σ_r d_ri·d_rj for rows i of [rowFrom, rowTo) and all columns of the
// panels from i's panel onwards into acc (stride n8 = 8·panels, rows relative to rowFrom), in
// blocks of COV_ROW_BLOCK rows of x: each block's sum is formed in registers from 0, then added
// into acc — per element exactly the order of covSampleRows and of the TS twin, so the strict
// build is bit-identical to both. Tiles: three output rows × one panel (12 f64x2 accumulators).
// madd2 fuses in the relaxed build (results then agree within rounding, not bit for bit).
// ---------------------------------------------------------------------------------------------

/** Columns per packed panel. */
export const COV_PANEL: i32 = 8;

/** Panels covGramRows sweeps together per row block (8 × 16 kB slices: fits L2 with room to spare). */
const COV_GROUP_PANELS: i32 = 8;

/** Bytes covPack writes for a T×N matrix: panels(n) · t · 64. */
export function covPackBytes(t: i32, n: i32): i32 {
  return ((n + 7) >> 3) * t * 64;
}

/**
 * Centred, panel-packed copy of x (see above) for panels p ≥ colFrom / 8 (earlier panels are not
 * written). Pass a zero mean for an uncentred copy (x − 0 = x exactly).
 */
export function covPack(xPtr: usize, t: i32, n: i32, meanPtr: usize, packPtr: usize, colFrom: i32): void {
  const np = (n + 7) >> 3;
  const full = n >> 3;
  const rowBytes = <usize>n << 3;
  const panelBytes = <usize>t << 6;
  const p0 = colFrom >> 3;
  for (let r = 0; r < t; r++) {
    const row = xPtr + <usize>r * rowBytes;
    let dst = packPtr + <usize>p0 * panelBytes + (<usize>r << 6);
    let p = p0;
    for (; p < full; p++) {
      const o = <usize>p << 6;
      v128.store(dst, f64x2.sub(v128.load(row + o), v128.load(meanPtr + o)));
      v128.store(dst, f64x2.sub(v128.load(row + o, 16), v128.load(meanPtr + o, 16)), 16);
      v128.store(dst, f64x2.sub(v128.load(row + o, 32), v128.load(meanPtr + o, 32)), 32);
      v128.store(dst, f64x2.sub(v128.load(row + o, 48), v128.load(meanPtr + o, 48)), 48);
      dst += panelBytes;
    }
    if (p < np) {
      const c0 = p << 3;
      for (let c = 0; c < 8; c++) {
        const j = c0 + c;
        store<f64>(dst + (<usize>c << 3), j < n ? load<f64>(row + (<usize>j << 3)) - load<f64>(meanPtr + (<usize>j << 3)) : 0.0);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function panelPtr(packPtr: usize, t: i32, i: i32): usize {
  return packPtr + <usize>(i >> 3) * (<usize>t << 6) + (<usize>(i & 7) << 3);
}

/**
 * acc[i − rowFrom][j] = Σ_r pack_ri · pack_rj for rowFrom ≤ i < rowTo and every column j of the
 * panels from i's panel on (entries j < i of a tile's first panel are computed and unused).
 * acc has (rowTo − rowFrom) rows of n8 = 8·panels(n) entries; it is zeroed first.
 */
export function covGramRows(packPtr: usize, t: i32, n: i32, accPtr: usize, rowFrom: i32, rowTo: i32): void {
  const np = (n + 7) >> 3;
  const accRow = <usize>np << 6;
  const panelBytes = <usize>t << 6;
  memory.fill(accPtr, 0, <usize>(rowTo - rowFrom) * accRow);
  if (rowFrom >= rowTo) return;
  for (let r0 = 0; r0 < t; r0 += COV_ROW_BLOCK) {
    const r1 = min(t, r0 + COV_ROW_BLOCK);
    const q0 = <usize>r0 << 6;
    const q1 = <usize>r1 << 6;
    // Panels in groups of COV_GROUP_PANELS: the group's slices of this row block (16 kB a panel)
    // stay in L2 while every output row sweeps them (all panels at once would not fit; two
    // threads then contend for L3). Each element is still one block sum added into acc.
    for (let g0 = rowFrom >> 3; g0 < np; g0 += COV_GROUP_PANELS) {
      const g1 = min(np, g0 + COV_GROUP_PANELS);
      const iEnd = min(rowTo, g1 << 3); // rows whose own panel is before the group's end
      let i = rowFrom;
      if ((i & 1) != 0) {
        gramRow(packPtr, t, accPtr + <usize>(i - rowFrom) * accRow, i, max(i >> 3, g0), g1, q0, q1);
        i++;
      }
      // Two output rows (i even: both in i's panel, 8 bytes apart) × one panel: 8 accumulators, so
      // the loop stays in registers (V8 keeps 15 xmm registers for wasm on x64).
      for (; i + 1 < iEnd; i += 2) {
        const pa = panelPtr(packPtr, t, i);
        const accA = accPtr + <usize>(i - rowFrom) * accRow;
        const accB = accA + accRow;
        for (let p = max(i >> 3, g0); p < g1; p++) {
          const pj = packPtr + <usize>p * panelBytes;
          let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
          let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
          for (let q = q0; q < q1; q += 64) {
            const x0 = v128.load(pj + q);
            const x1 = v128.load(pj + q, 16);
            const x2 = v128.load(pj + q, 32);
            const x3 = v128.load(pj + q, 48);
            const da = v128.load64_splat(pa + q);
            a0 = madd2(da, x0, a0); a1 = madd2(da, x1, a1); a2 = madd2(da, x2, a2); a3 = madd2(da, x3, a3);
            const db = v128.load64_splat(pa + q, 8);
            b0 = madd2(db, x0, b0); b1 = madd2(db, x1, b1); b2 = madd2(db, x2, b2); b3 = madd2(db, x3, b3);
          }
          const o = <usize>p << 6;
          addInto(accA + o, a0, a1, a2, a3);
          addInto(accB + o, b0, b1, b2, b3);
        }
      }
      if (i < iEnd) gramRow(packPtr, t, accPtr + <usize>(i - rowFrom) * accRow, i, max(i >> 3, g0), g1, q0, q1);
    }
  }
}

/** Panels [pFrom, pTo) of one output row of covGramRows for the row block [q0, q1) (byte offsets into each panel). */
function gramRow(packPtr: usize, t: i32, accA: usize, i: i32, pFrom: i32, pTo: i32, q0: usize, q1: usize): void {
  const panelBytes = <usize>t << 6;
  const pa = panelPtr(packPtr, t, i);
  for (let p = pFrom; p < pTo; p++) {
    const pj = packPtr + <usize>p * panelBytes;
    let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
    for (let q = q0; q < q1; q += 64) {
      const da = v128.load64_splat(pa + q);
      a0 = madd2(da, v128.load(pj + q), a0);
      a1 = madd2(da, v128.load(pj + q, 16), a1);
      a2 = madd2(da, v128.load(pj + q, 32), a2);
      a3 = madd2(da, v128.load(pj + q, 48), a3);
    }
    addInto(accA + (<usize>p << 6), a0, a1, a2, a3);
  }
}

// @ts-ignore: decorator
@inline function addInto(p: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  v128.store(p, f64x2.add(v128.load(p), a0));
  v128.store(p, f64x2.add(v128.load(p, 16), a1), 16);
  v128.store(p, f64x2.add(v128.load(p, 32), a2), 32);
  v128.store(p, f64x2.add(v128.load(p, 48), a3), 48);
}

/** acc[i − rowFrom][j] /= denom for the rows' entries j ≥ i (the sample covariance's 1/(T − 1)). */
export function covScaleRows(accPtr: usize, n: i32, rowFrom: i32, rowTo: i32, denom: f64): void {
  const accRow = <usize>((n + 7) >> 3) << 6;
  for (let i = rowFrom; i < rowTo; i++) {
    const a = accPtr + <usize>(i - rowFrom) * accRow;
    for (let j = i; j < n; j++) {
      const p = a + (<usize>j << 3);
      store<f64>(p, load<f64>(p) / denom);
    }
  }
}

/** out[i][j] = out[j][i] = acc[i − rowFrom][j] for rowFrom ≤ i < rowTo, i ≤ j < n (out is n×n). */
export function covStoreRows(accPtr: usize, n: i32, outPtr: usize, rowFrom: i32, rowTo: i32): void {
  const accRow = <usize>((n + 7) >> 3) << 6;
  const rowBytes = <usize>n << 3;
  for (let i = rowFrom; i < rowTo; i++) {
    const a = accPtr + <usize>(i - rowFrom) * accRow;
    for (let j = i; j < n; j++) {
      const v = load<f64>(a + (<usize>j << 3));
      store<f64>(outPtr + <usize>i * rowBytes + (<usize>j << 3), v);
      store<f64>(outPtr + <usize>j * rowBytes + (<usize>i << 3), v);
    }
  }
}

/**
 * EWMA (RiskMetrics) recursion on rows [rowFrom, rowTo): for r = 0…t−1,
 * S_ij ← λ·S_ij + ((1 − λ)·x_ri)·x_rj, with S in acc (same layout as covGramRows; holds the
 * seed on entry and Σ_T on return) and x uncentred and packed (covPack with a zero mean). Per
 * element this is the TS recursion's order (λ·S plus the product; in the relaxed build the
 * product is fused into the add). Rows of x are streamed in blocks of COV_ROW_BLOCK per tile.
 */
export function covEwmaRows(packPtr: usize, t: i32, n: i32, lambda: f64, accPtr: usize, rowFrom: i32, rowTo: i32): void {
  const np = (n + 7) >> 3;
  const accRow = <usize>np << 6;
  for (let r0 = 0; r0 < t; r0 += COV_ROW_BLOCK) {
    const r1 = min(t, r0 + COV_ROW_BLOCK);
    const q0 = <usize>r0 << 6;
    const q1 = <usize>r1 << 6;
    let i = rowFrom;
    for (; (i & 3) != 0 && i < rowTo; i++) ewmaRow(packPtr, t, np, lambda, accPtr + <usize>(i - rowFrom) * accRow, i, q0, q1);
    // Four output rows (i ≡ 0 mod 4: all in i's panel) × half a panel: 8 accumulators plus the
    // temporaries of λ·S and the product fit V8's 15 xmm registers.
    for (; i + 3 < rowTo; i += 4) {
      const pa = panelPtr(packPtr, t, i);
      const accA = accPtr + <usize>(i - rowFrom) * accRow;
      for (let h = <usize>(i >> 3) << 6, end = <usize>np << 6; h < end; h += 32) {
        const pj = packPtr + (h >> 6) * (<usize>t << 6) + (h & 32);
        ewmaTile4(pa, pj, accA + h, accRow, lambda, q0, q1);
      }
    }
    for (; i < rowTo; i++) ewmaRow(packPtr, t, np, lambda, accPtr + <usize>(i - rowFrom) * accRow, i, q0, q1);
  }
}

// @ts-ignore: decorator
@inline function ewmaTile4(pa: usize, pj: usize, acc: usize, accRow: usize, lambda: f64, q0: usize, q1: usize): void {
  const w = 1.0 - lambda;
  const lam = f64x2.splat(lambda);
  const accB = acc + accRow;
  const accC = accB + accRow;
  const accD = accC + accRow;
  let a0 = v128.load(acc), a1 = v128.load(acc, 16);
  let b0 = v128.load(accB), b1 = v128.load(accB, 16);
  let c0 = v128.load(accC), c1 = v128.load(accC, 16);
  let d0 = v128.load(accD), d1 = v128.load(accD, 16);
  for (let q = q0; q < q1; q += 64) {
    const x0 = v128.load(pj + q);
    const x1 = v128.load(pj + q, 16);
    const wa = f64x2.splat(w * load<f64>(pa + q));
    a0 = madd2(wa, x0, f64x2.mul(lam, a0)); a1 = madd2(wa, x1, f64x2.mul(lam, a1));
    const wb = f64x2.splat(w * load<f64>(pa + q, 8));
    b0 = madd2(wb, x0, f64x2.mul(lam, b0)); b1 = madd2(wb, x1, f64x2.mul(lam, b1));
    const wc = f64x2.splat(w * load<f64>(pa + q, 16));
    c0 = madd2(wc, x0, f64x2.mul(lam, c0)); c1 = madd2(wc, x1, f64x2.mul(lam, c1));
    const wd = f64x2.splat(w * load<f64>(pa + q, 24));
    d0 = madd2(wd, x0, f64x2.mul(lam, d0)); d1 = madd2(wd, x1, f64x2.mul(lam, d1));
  }
  v128.store(acc, a0); v128.store(acc, a1, 16);
  v128.store(accB, b0); v128.store(accB, b1, 16);
  v128.store(accC, c0); v128.store(accC, c1, 16);
  v128.store(accD, d0); v128.store(accD, d1, 16);
}

/** One output row of covEwmaRows for the row block [q0, q1). */
function ewmaRow(packPtr: usize, t: i32, np: i32, lambda: f64, accA: usize, i: i32, q0: usize, q1: usize): void {
  const panelBytes = <usize>t << 6;
  const w = 1.0 - lambda;
  const lam = f64x2.splat(lambda);
  const pa = panelPtr(packPtr, t, i);
  for (let p = i >> 3; p < np; p++) {
    const pj = packPtr + <usize>p * panelBytes;
    const o = accA + (<usize>p << 6);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    for (let q = q0; q < q1; q += 64) {
      const wa = f64x2.splat(w * load<f64>(pa + q));
      a0 = madd2(wa, v128.load(pj + q), f64x2.mul(lam, a0));
      a1 = madd2(wa, v128.load(pj + q, 16), f64x2.mul(lam, a1));
      a2 = madd2(wa, v128.load(pj + q, 32), f64x2.mul(lam, a2));
      a3 = madd2(wa, v128.load(pj + q, 48), f64x2.mul(lam, a3));
    }
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
}
