/**
 * Pure-TS twin of the scenario-grid margin kernel (assembly/grid.ts): accounts' instrument rows and
 * a prepared, factored grid in; initial and maintenance margin per account out. No validation, no
 * allocation inside the loops; the WASM kernel mirrors this file line by line.
 *
 * ## Method
 * The model is the one of src/margin/grid/grid.ts (which prepares the input). Per account:
 * 1. every row's P&L under every scenario k = p·nVols + v (price move p, vol state v) is added into
 *    its underlying's P&L array in row order, with the formulas of the revaluation kernel
 *    (src/kernels/reval/ts.ts). Shared terms are computed once: per option row the expiry terms
 *    (e^{(b−r)T1}, K·e^{−rT1}, √T1) and per vol state σ1√T1 and (b + σ1²/2)·T1; per price move x1,
 *    ln(x1/K) and the base value term. Each is the very expression the revaluation kernel evaluates
 *    per scenario, so the P&L arrays are bit-identical to summing its per-position output;
 * 2. per underlying: risk array −pnl·weight, worst loss max(0, max), direction from the ±range moves
 *    with vol unchanged, short-option and spread add-ons;
 * 3. inter-underlying credits over the pairs (highest rate first), each capped by the remaining
 *    maxCreditFraction · worst loss of both sides; initial = max(0, Σ worst + Σ add-ons − Σ credits),
 *    maintenance = maintenanceFraction · initial.
 */
import { MIN_TOTAL_VOL } from '../reval/black.js';
import { expK, logK, normalCdfK } from '../reval/math.js';
import { KIND, gbsPriceK } from '../reval/ts.js';
import { TABLE_COLUMNS } from '../reval/wasm.js';

/**
 * Many accounts' instrument rows in one block: column c of TABLE_COLUMNS holds `table[c·rows + i]`
 * for row i; a row's `underlying` is the index into its own account's underlyings.
 */
export interface GridAccounts {
  /** TABLE_COLUMNS.length · rows values (often a view on a SharedArrayBuffer). */
  table: Float64Array;
  rows: number;
  /** Rows of account a are [offsets[a], offsets[a + 1]). */
  offsets: Int32Array;
  /** Account a's underlyings are uIds[uOffsets[a] .. uOffsets[a + 1]), in the rows' index order. */
  uOffsets: Int32Array;
  /** Global underlying id (index into {@link GridKernelGrid.prices}) of each account-underlying. */
  uIds: Int32Array;
}

/** A prepared grid profile as plain numbers: the factored scenario grid, prices and credit pairs. */
export interface GridKernelGrid {
  /** Relative price move of each price point (core, then extended). */
  moves: Float64Array;
  /** Vol states: σ1 = max(0, σ0 + (volAbs[v] + volRel[v]·σ0)·volScale). */
  volAbs: Float64Array;
  volRel: Float64Array;
  /** Counted fraction of the loss of scenario k = p·nVols + v (length moves·vol states). */
  weights: Float64Array;
  /** Time decay of every scenario, years. */
  dt: number;
  /** Scenarios giving the book's direction (+range and −range moves, vol unchanged). */
  upIdx: number;
  downIdx: number;
  /** Price by global underlying id (for the short-option add-on). */
  prices: Float64Array;
  /** Credit pairs (global ids, −1 when in no account), highest rate first. */
  pairA: Int32Array;
  pairB: Int32Array;
  pairRate: Float64Array;
  shortOptionRate: number;
  spreadRate: number;
  maxCreditFraction: number;
  maintenanceFraction: number;
}

const C_KIND = TABLE_COLUMNS.indexOf('kind');
const C_UNDERLYING = TABLE_COLUMNS.indexOf('underlying');
const C_QUANTITY = TABLE_COLUMNS.indexOf('quantity');
const C_SIZE = TABLE_COLUMNS.indexOf('size');
const C_PRICE = TABLE_COLUMNS.indexOf('price');
const C_STRIKE = TABLE_COLUMNS.indexOf('strike');
const C_EXPIRY = TABLE_COLUMNS.indexOf('expiry');
const C_VOL = TABLE_COLUMNS.indexOf('vol');
const C_RATE = TABLE_COLUMNS.indexOf('rate');
const C_CARRY = TABLE_COLUMNS.indexOf('carry');
const C_CALLPUT = TABLE_COLUMNS.indexOf('callPut');
const C_VOLSCALE = TABLE_COLUMNS.indexOf('volScale');

/** Per-underlying statistics slots of the account being reduced ([slot·nu + u]). */
const STATS = 7;
const S_CALLS = 0;
const S_PUTS = 1;
const S_LONG = 2;
const S_SHORT = 3;
const S_WORST = 4;
const S_DIR = 5;
const S_CAP = 6;

/** Scratch of the kernel: grown as needed, reused across calls. */
export interface GridScratch {
  vol: Float64Array;
  stat: Float64Array;
}

/** The most underlyings of any account in [from, to). */
export function maxUnderlyings(acc: GridAccounts, from: number, to: number): number {
  let m = 0;
  for (let a = from; a < to; a++) m = Math.max(m, acc.uOffsets[a + 1] - acc.uOffsets[a]);
  return m;
}

/**
 * Initial and maintenance margin of accounts [from, to): out[2(a − from)] = initial,
 * out[2(a − from) + 1] = maintenance. Does not validate (see {@link GridAccounts} for the layout).
 */
export function gridMarginsTs(acc: GridAccounts, g: GridKernelGrid, from: number, to: number, out: Float64Array): void {
  const nMoves = g.moves.length;
  const nVols = g.volAbs.length;
  const ns = nMoves * nVols;
  const maxU = maxUnderlyings(acc, from, to);
  const scratch: GridScratch = { vol: new Float64Array(2 * nVols), stat: new Float64Array(maxU * (STATS + ns)) };
  const { table: t, rows: n, offsets } = acc;
  const stat = scratch.stat;
  for (let a = from; a < to; a++) {
    const lo = offsets[a];
    const hi = offsets[a + 1];
    const ulo = acc.uOffsets[a];
    const nu = acc.uOffsets[a + 1] - ulo;
    const pnlAt = STATS * nu;
    stat.fill(0, 0, nu * (STATS + ns));
    for (let i = lo; i < hi; i++) {
      const kind = t[C_KIND * n + i];
      const u = t[C_UNDERLYING * n + i];
      const q = t[C_QUANTITY * n + i] * t[C_SIZE * n + i];
      const x0 = t[C_PRICE * n + i];
      const row = pnlAt + u * ns;
      if (kind === KIND['option-linear'] || kind === KIND['option-inverse']) {
        const cp = t[C_CALLPUT * n + i];
        if (cp > 0) stat[S_CALLS * nu + u] += q;
        else stat[S_PUTS * nu + u] += q;
        optionRow(t, n, i, q, x0, kind === KIND['option-inverse'], cp, g, scratch.vol, stat, row);
      } else {
        const inverse = kind === KIND['inverse-future'] || kind === KIND['inverse-perp'];
        // USD notional: units·price for linear and spot, the USD face for inverse contracts
        const notional = inverse ? q : q * x0;
        if (notional > 0) stat[S_LONG * nu + u] += notional;
        else stat[S_SHORT * nu + u] += -notional;
        for (let p = 0; p < nMoves; p++) {
          const x1 = x0 * (1 + g.moves[p]);
          const pnl = inverse ? (q * (x1 - x0)) / x0 : q * (x1 - x0);
          const k0 = row + p * nVols;
          for (let v = 0; v < nVols; v++) stat[k0 + v] += pnl;
        }
      }
    }
    const initial = reduceAccount(stat, pnlAt, nu, ns, acc.uIds, ulo, g);
    out[2 * (a - from)] = initial;
    out[2 * (a - from) + 1] = g.maintenanceFraction * initial;
  }
}

/** One option row: its P&L under every scenario added into out[row + k]. */
function optionRow(
  t: Float64Array, n: number, i: number, q: number, x0: number, inverse: boolean, cp: number,
  g: GridKernelGrid, vol: Float64Array, out: Float64Array, row: number,
): void {
  const nMoves = g.moves.length;
  const nVols = g.volAbs.length;
  const K = t[C_STRIKE * n + i];
  const T0 = t[C_EXPIRY * n + i];
  const r = t[C_RATE * n + i];
  const b = t[C_CARRY * n + i];
  const sig0 = t[C_VOL * n + i];
  const vs = t[C_VOLSCALE * n + i];
  const v0 = gbsPriceK(cp, x0, K, T0, r, b, sig0);
  // inverse options: V0·X1/X0 as (V0/X0)·X1, as the revaluation kernel
  const w0 = v0 / x0;
  const T1 = Math.max(0, T0 - g.dt);
  if (!(T1 > 0)) {
    // expired within the horizon: intrinsic value under every vol state
    for (let p = 0; p < nMoves; p++) {
      const x1 = x0 * (1 + g.moves[p]);
      const v1 = Math.max(cp * (x1 - K), 0);
      const pnl = inverse ? q * (v1 - w0 * x1) : q * (v1 - v0);
      const k0 = row + p * nVols;
      for (let v = 0; v < nVols; v++) out[k0 + v] += pnl;
    }
    return;
  }
  const carry = expK((b - r) * T1);
  const kdf = K * expK(-r * T1);
  const sqrtT = Math.sqrt(T1);
  const lx0 = logK(x0 / K);
  for (let v = 0; v < nVols; v++) {
    const sig1 = Math.max(0, (g.volRel[v] * sig0 + g.volAbs[v]) * vs + sig0);
    vol[v] = sig1 * sqrtT;
    vol[nVols + v] = (0.5 * sig1 * sig1 + b) * T1;
  }
  for (let p = 0; p < nMoves; p++) {
    const x1 = x0 * (1 + g.moves[p]);
    const base = inverse ? w0 * x1 : v0;
    const xc = x1 * carry;
    const lx = lx0 + logK(1 + g.moves[p]);
    const k0 = row + p * nVols;
    for (let v = 0; v < nVols; v++) {
      const sv = vol[v];
      let v1: number;
      if (!(sv >= MIN_TOTAL_VOL)) {
        v1 = Math.max(cp * (xc - kdf), 0);
      } else {
        const d1 = (vol[nVols + v] + lx) / sv;
        const d2 = d1 - sv;
        v1 = cp * (xc * normalCdfK(cp * d1) - kdf * normalCdfK(cp * d2));
      }
      out[k0 + v] += q * (v1 - base);
    }
  }
}

/** Worst losses, directions, add-ons and credits of one account; returns its initial margin. */
function reduceAccount(stat: Float64Array, pnlAt: number, nu: number, ns: number, uIds: Int32Array, ulo: number, g: GridKernelGrid): number {
  const w = g.weights;
  let scanning = 0;
  let addOns = 0;
  for (let u = 0; u < nu; u++) {
    const pp = pnlAt + u * ns;
    let best = -stat[pp] * w[0] + 0; // + 0 turns −0 into 0
    for (let k = 1; k < ns; k++) {
      const loss = -stat[pp + k] * w[k] + 0;
      if (loss > best) best = loss;
    }
    const worst = Math.max(0, best);
    const up = stat[pp + g.upIdx];
    const down = stat[pp + g.downIdx];
    const swing = up - down;
    const scale = Math.abs(up) + Math.abs(down);
    const dir = Math.abs(swing) <= 1e-12 * scale ? 0 : swing > 0 ? 1 : -1;
    stat[S_WORST * nu + u] = worst;
    stat[S_DIR * nu + u] = dir;
    stat[S_CAP * nu + u] = g.maxCreditFraction * worst;
    const netShort = Math.max(Math.max(0, -stat[S_CALLS * nu + u]), -stat[S_PUTS * nu + u]);
    const price = g.prices[uIds[ulo + u]];
    const shortOption = g.shortOptionRate * price * netShort;
    const spread = g.spreadRate * Math.min(stat[S_LONG * nu + u], stat[S_SHORT * nu + u]);
    scanning += worst;
    addOns += shortOption + spread;
  }
  let credits = 0;
  for (let j = 0; j < g.pairRate.length; j++) {
    const ia = localIndex(uIds, ulo, nu, g.pairA[j]);
    const ib = localIndex(uIds, ulo, nu, g.pairB[j]);
    if (ia < 0 || ib < 0) continue;
    if (stat[S_DIR * nu + ia] * stat[S_DIR * nu + ib] >= 0) continue;
    const capA = stat[S_CAP * nu + ia];
    const capB = stat[S_CAP * nu + ib];
    const credit = Math.min(Math.min(g.pairRate[j] * Math.min(stat[S_WORST * nu + ia], stat[S_WORST * nu + ib]), capA), capB);
    if (!(credit > 0)) continue;
    stat[S_CAP * nu + ia] = capA - credit;
    stat[S_CAP * nu + ib] = capB - credit;
    credits += credit;
  }
  return Math.max(0, scanning + addOns - credits);
}

/** The local index of global underlying `id` in the account (−1 if absent). */
function localIndex(uIds: Int32Array, ulo: number, nu: number, id: number): number {
  if (id < 0) return -1;
  for (let u = 0; u < nu; u++) if (uIds[ulo + u] === id) return u;
  return -1;
}
