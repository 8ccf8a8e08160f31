/**
 * Liquidation buffer: the distance to liquidation of one position in percent and in daily sigmas,
 * and the smallest deposit or position cut that restores a target distance.
 *
 * ## Method
 * The target distance (percent p, or s sigmas of the daily vol σ) sets a target liquidation price
 * P* = mark·(1 ∓ p) or mark·e^(∓s·σ) (long: below the mark; short: above). Both remedies move the
 * liquidation price monotonically, so each is the root of a one-variable monotone condition,
 * bracketed and bisected with the model's own solver (not a linearisation):
 * - deposit D ≥ 0: cross adds D to the wallet; isolated adds D to the position's margin;
 * - cut c ∈ [0, 1): the position's size × (1 − c). In isolated mode the venue releases margin in
 *   proportion to the cut, so the liquidation price does not move: no cut restores the buffer there
 *   and `cut` is null with the reason.
 * The deleveraging optimiser (src/optimize, an LP over many positions with weights and trading
 * costs) answers a different question — the cheapest multi-position cut restoring equity ≥ (1 + b)·MM;
 * one position against one price target is a monotone scalar root, where bisection on the exact
 * solver is both exact and cheaper than successive LPs.
 */
import { ValidationError } from '../errors/index.js';
import { tiered } from '../margin/index.js';

export interface BufferRestore {
  readonly symbol: string;
  /** Target liquidation price for the requested distance. */
  readonly targetLiquidationPrice: number;
  /** Distance now (after the order): percent and sigmas (null without a daily vol). */
  readonly current: { readonly liquidationPrice: number | null; readonly percent: number | null; readonly sigmas: number | null };
  /** Whether the target already holds (then deposit and cut are 0). */
  readonly met: boolean;
  /** Smallest deposit (settlement currency) restoring the target. */
  readonly deposit: number;
  /** Smallest cut in contracts (and as a fraction of the position), or null with the reason. */
  readonly cut: { readonly qty: number; readonly fraction: number } | null;
  readonly cutNote: string | null;
}

function volOf(dailyVol: number | Record<string, number> | undefined, symbol: string): number | undefined {
  if (dailyVol === undefined) return undefined;
  if (typeof dailyVol === 'number') return dailyVol;
  return Object.hasOwn(dailyVol, symbol) ? dailyVol[symbol] : undefined;
}

/**
 * The buffer of position `index` of a prepared account, and the smallest deposit / cut restoring `target`.
 * @throws {ValidationError} naming `options.dailyVol` when the target is in sigmas without a vol for the symbol
 */
export function bufferRestore(
  state: tiered.PreparedTieredAccount,
  index: number,
  target: { percent?: number | undefined; sigmas?: number | undefined },
  dailyVol: number | Record<string, number> | undefined,
): BufferRestore {
  const p = state.prepared[index]!;
  const symbol = p.raw.symbol;
  const side = p.pos.side;
  const sigma = volOf(dailyVol, symbol);
  if (target.percent === undefined && sigma === undefined) {
    throw new ValidationError('options.dailyVol', 'required', `is required for a target buffer in sigmas (no daily vol for ${symbol}); got undefined`);
  }
  // the tighter of the two targets when both are given
  const logMoves: number[] = [];
  if (target.percent !== undefined) logMoves.push(side === 1 ? -Math.log(1 - target.percent / 100) : Math.log(1 + target.percent / 100));
  if (target.sigmas !== undefined && sigma !== undefined) logMoves.push(target.sigmas * sigma);
  const move = Math.max(...logMoves);
  const pStar = p.mark * Math.exp(-side * move);

  const liq = (s: tiered.PreparedTieredAccount): number | null => tiered.tieredMarginPrepared(s).positions[index]!.liquidationPrice;
  const ok = (lp: number | null): boolean => lp === null || (side === 1 ? lp <= pStar : lp >= pStar);
  const now = liq(state);
  const current = now === null
    ? { liquidationPrice: null, percent: null, sigmas: null }
    : { liquidationPrice: now, percent: (100 * Math.abs(now - p.mark)) / p.mark, sigmas: sigma ? Math.abs(Math.log(now / p.mark)) / sigma : null };
  const base = { symbol, targetLiquidationPrice: pStar, current };
  if (ok(now)) return { ...base, met: true, deposit: 0, cut: { qty: 0, fraction: 0 }, cutNote: null };

  const ctx = {
    tables: state.tables, marks: state.marks, collateralCurrency: state.account.collateralCurrency,
    feeRate: state.account.feeRate ?? 0, basis: state.opts.maintenanceBasis ?? 'liquidation',
  } as const;
  const withDeposit = (d: number): tiered.PreparedTieredAccount => {
    const account = { ...state.account, walletBalance: state.account.walletBalance + d };
    if (state.account.mode === 'cross') return { ...state, account };
    const prepared = state.prepared.slice();
    prepared[index] = tiered.preparePosition({ ...p.raw, isolatedMargin: p.isolatedMargin + d }, index, ctx);
    return { ...state, account, prepared };
  };
  // bracket: double from a small fraction of the notional
  let hi = Math.max(1e-12, Math.abs(p.pnl) + p.mm + 1e-3 * p.notional);
  for (let i = 0; i < 200 && !ok(liq(withDeposit(hi))); i++) hi *= 2;
  const deposit = bisect(0, hi, (d) => ok(liq(withDeposit(d))));

  let cut: BufferRestore['cut'] = null;
  let cutNote: string | null = null;
  if (state.account.mode === 'isolated') {
    cutNote = 'isolated margin is released in proportion to a cut, so the liquidation price does not move: deposit instead';
  } else {
    const q = p.signedQty;
    const withCut = (c: number): tiered.PreparedTieredAccount => {
      const prepared = state.prepared.slice();
      const { side: _s, ...raw } = p.raw;
      prepared[index] = tiered.preparePosition({ ...raw, qty: q * (1 - c) }, index, ctx);
      return { ...state, prepared };
    };
    const almostAll = 1 - 1e-9;
    if (ok(liq(withCut(almostAll)))) {
      const c = bisect(0, almostAll, (x) => ok(liq(withCut(x))));
      cut = { qty: Math.abs(q) * c, fraction: c };
    } else {
      cutNote = 'even closing the position leaves the rest of the account short of the target';
    }
  }
  return { ...base, met: false, deposit, cut, cutNote };
}

/** Smallest x in [lo, hi] with good(x) (good monotone, good(hi) true), to 1e-12 relative. */
function bisect(lo: number, hi: number, good: (x: number) => boolean): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (good(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
