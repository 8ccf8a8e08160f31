/**
 * Runner of the WASM scenario-grid margin kernel (assembly/grid.ts), the twin of
 * {@link gridMarginsTs}: copies a slice of accounts and the prepared grid into the instance's
 * memory, runs the kernel and copies the margins out. Results equal the TS twin's bit for bit for
 * delta-one books; with options they agree to a few ulp (the kernel's N(·) evaluates the same erfc
 * expansion from precomputed coefficients, and Math.exp / Math.log of AssemblyScript and V8 may
 * differ in the last ulp), far inside the 1e-12 relative agreement the tests require.
 */
import type { WasmCore } from '../../wasm/index.js';
import { TABLE_COLUMNS } from '../reval/wasm.js';
import { maxUnderlyings } from './ts.js';
import type { GridAccounts, GridKernelGrid } from './ts.js';

/** f64 slots of the kernel's parameter block (contract with assembly/grid.ts). */
const PARAMS = 5;
/** Per-underlying statistics slots of the kernel's scratch (STATS in assembly/grid.ts). */
const STATS = 7;

/**
 * Initial and maintenance margin of accounts [from, to) on the WASM kernel: the same layout and
 * results as {@link gridMarginsTs} ([initial, maintenance] per account). Resets `core`'s memory.
 * @throws {RangeError} for a bad account range, a row whose underlying index is outside its account's,
 *   or a grid whose arrays do not fit together.
 * @example gridMarginsWasm(await WasmCore.create(), accounts, grid, 0, 10) // Float64Array(20)
 */
export function gridMarginsWasm(core: WasmCore, acc: GridAccounts, g: GridKernelGrid, from: number, to: number): Float64Array {
  const nAcc = acc.offsets.length - 1;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > nAcc) {
    throw new RangeError(`account range must satisfy 0 <= from <= to <= ${nAcc}; got [${from}, ${to})`);
  }
  const count = to - from;
  const lo = acc.offsets[from];
  const n = acc.offsets[to] - lo;
  const ulo = acc.uOffsets[from];
  const nuAll = acc.uOffsets[to] - ulo;
  checkUnderlyings(acc, from, to);
  checkGrid(acc, g, from, to);
  const nMoves = g.moves.length;
  const nVols = g.volAbs.length;
  const ns = nMoves * nVols;
  const nPairs = g.pairRate.length;
  const maxU = maxUnderlyings(acc, from, to);

  core.reset();
  const tabP = core.alloc(TABLE_COLUMNS.length * n * 8);
  const offP = core.alloc((count + 1) * 4);
  const uoffP = core.alloc((count + 1) * 4);
  const uidP = core.alloc(nuAll * 4);
  const priceP = core.alloc(g.prices.length * 8);
  const moveP = core.alloc(nMoves * 8);
  const volAbsP = core.alloc(nVols * 8);
  const volRelP = core.alloc(nVols * 8);
  const weightP = core.alloc(ns * 8);
  const paramP = core.alloc(PARAMS * 8);
  const pairAP = core.alloc(nPairs * 4);
  const pairBP = core.alloc(nPairs * 4);
  const pairRateP = core.alloc(nPairs * 8);
  const scratchP = core.alloc((3 * nVols + 2 * ns + 2 + nMoves + maxU * (STATS + ns)) * 8);
  const outP = core.alloc(2 * count * 8);
  // all allocations done: views are stable from here on
  const tab = core.f64(tabP, TABLE_COLUMNS.length * n);
  for (let c = 0; c < TABLE_COLUMNS.length; c++) tab.set(acc.table.subarray(c * acc.rows + lo, c * acc.rows + lo + n), c * n);
  const off = core.i32(offP, count + 1);
  const uoff = core.i32(uoffP, count + 1);
  for (let a = 0; a <= count; a++) {
    off[a] = acc.offsets[from + a] - lo;
    uoff[a] = acc.uOffsets[from + a] - ulo;
  }
  core.i32(uidP, nuAll).set(acc.uIds.subarray(ulo, ulo + nuAll));
  core.f64(priceP, g.prices.length).set(g.prices);
  core.f64(moveP, nMoves).set(g.moves);
  core.f64(volAbsP, nVols).set(g.volAbs);
  core.f64(volRelP, nVols).set(g.volRel.subarray(0, nVols));
  core.f64(weightP, ns).set(g.weights.subarray(0, ns));
  core.f64(paramP, PARAMS).set([g.dt, g.shortOptionRate, g.spreadRate, g.maxCreditFraction, g.maintenanceFraction]);
  core.i32(pairAP, nPairs).set(g.pairA.subarray(0, nPairs));
  core.i32(pairBP, nPairs).set(g.pairB.subarray(0, nPairs));
  core.f64(pairRateP, nPairs).set(g.pairRate);
  core.x.gridMargins(
    tabP, n, offP, uoffP, uidP, count, priceP,
    moveP, nMoves, volAbsP, volRelP, nVols, weightP,
    g.upIdx, g.downIdx, paramP, pairAP, pairBP, pairRateP, nPairs,
    scratchP, outP,
  );
  return core.f64(outP, 2 * count).slice();
}

/**
 * The kernel indexes scratch, prices and scenarios unchecked: every row's underlying must lie in
 * its account's list, every id in `prices`, and the direction scenarios in the grid.
 */
function checkUnderlyings(acc: GridAccounts, from: number, to: number): void {
  const col = TABLE_COLUMNS.indexOf('underlying') * acc.rows;
  for (let a = from; a < to; a++) {
    const nu = acc.uOffsets[a + 1] - acc.uOffsets[a];
    for (let i = acc.offsets[a]; i < acc.offsets[a + 1]; i++) {
      const u = acc.table[col + i];
      if (!(Number.isInteger(u) && u >= 0 && u < nu)) {
        throw new RangeError(`accounts: row ${i} (account ${a}) has underlying ${u} outside [0, ${nu})`);
      }
    }
  }
}

function checkGrid(acc: GridAccounts, g: GridKernelGrid, from: number, to: number): void {
  const nVols = g.volAbs.length;
  const ns = g.moves.length * nVols;
  const np = g.prices.length;
  if (g.volRel.length < nVols || g.weights.length < ns) throw new RangeError(`grid: volRel must have length >= ${nVols} and weights >= ${ns}`);
  for (const idx of [g.upIdx, g.downIdx]) {
    if (!(Number.isInteger(idx) && idx >= 0 && idx < ns)) throw new RangeError(`grid: direction scenario ${idx} outside [0, ${ns})`);
  }
  if (g.pairA.length < g.pairRate.length || g.pairB.length < g.pairRate.length) throw new RangeError('grid: pairA and pairB must have one entry per pair rate');
  for (let j = 0; j < g.pairRate.length; j++) {
    if (g.pairA[j] >= np || g.pairB[j] >= np) throw new RangeError(`grid: pair ${j} names an underlying id outside [0, ${np})`);
  }
  for (let k = acc.uOffsets[from]; k < acc.uOffsets[to]; k++) {
    if (!(acc.uIds[k] >= 0 && acc.uIds[k] < np)) throw new RangeError(`accounts: underlying id ${acc.uIds[k]} outside [0, ${np})`);
  }
}
