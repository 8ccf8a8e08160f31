/**
 * Closed-form liquidation and bankruptcy prices for linear and inverse contracts, long and short,
 * with the tier recomputed until the price and its tier agree.
 *
 * ## Method
 * Work in u = P for linear contracts and u = 1/P for inverse ones. With Q = |qty| · contractValue
 * (coin for linear, USD for inverse) and s = ±1 the side, everything is affine in u:
 * - notional (bracket unit)   N(u) = Q · u            (linear: quote currency; inverse: coin)
 * - unrealized P&L            linear: s·Q·(P − E) = −s·Q·E + s·Q·u;  inverse: s·Q·(1/E − 1/P) = s·Q/E − s·Q·u
 * - maintenance in tier k     MM(u) = Q · rate_k · u − amount_k
 * - fee to close at price P   fee(u) = Q · feeRate · u   (linear: qty × P × f; inverse: qty·cv/P × f, in coin)
 * Write the P&L as c0 + c1·u. With B the constant equity outside this position's P&L (isolated:
 * the position margin; cross: wallet + other positions' P&L at their marks):
 * - bankruptcy:  B − F_other + c0 + c1·u_B − Q·f·u_B = 0      ⇒ u_B = (B − F_other + c0) / (Q·f − c1)
 * - liquidation: B − R_other + c0 + c1·u_L = Q·r_k·u_L − amount_k + Q·f·u_B
 *                                                            ⇒ u_L = (B − R_other + c0 + amount_k − Q·f·u_B) / (Q·r_k − c1)
 * where F_other is the other positions' fee to close at their marks and R_other their maintenance plus
 * fee reserve, held fixed (both 0 in isolated mode). The tier k is first taken at the mark notional; if N(u_L) falls
 * in another tier the solve is repeated with that tier until consistent. Equity minus requirement is
 * strictly monotone in u (rates < 1), so the consistent root is unique; a scan of all tiers backs up
 * the iteration. No positive root (e.g. a fully collateralised long linear or short inverse) gives null.
 *
 * ## References
 * - Binance, "How to Calculate Liquidation Price of USDⓈ-M / COIN-M Contracts".
 * - Bybit, "Liquidation Price (USDT Contract)", fee to close at the bankruptcy price.
 */
import type { TierTable } from './table.js';
import { tierIndex } from './table.js';

/** One position reduced to the affine form above. */
export interface AffinePosition {
  readonly table: TierTable;
  /** +1 long, −1 short. */
  readonly side: 1 | -1;
  /** Q = |qty| · contractValue: coin (linear) or USD (inverse). */
  readonly size: number;
  readonly entryPrice: number;
}

/** u for a price: P (linear) or 1/P (inverse). */
export function toU(table: TierTable, price: number): number {
  return table.contract === 'linear' ? price : 1 / price;
}

/** Price for a u; null when u is not a positive finite number. */
export function fromU(table: TierTable, u: number): number | null {
  if (!(u > 0) || !Number.isFinite(u)) return null;
  return table.contract === 'linear' ? u : 1 / u;
}

/** Coefficients of the unrealized P&L, c0 + c1·u, in the settlement currency. */
export function pnlCoefficients(p: AffinePosition): { c0: number; c1: number } {
  const sQ = p.side * p.size;
  return p.table.contract === 'linear' ? { c0: -sQ * p.entryPrice, c1: sQ } : { c0: sQ / p.entryPrice, c1: -sQ };
}

/** Unrealized P&L at `price` (settlement currency). */
export function unrealizedPnl(p: AffinePosition, price: number): number {
  const { c0, c1 } = pnlCoefficients(p);
  return c0 + c1 * toU(p.table, price);
}

/** Notional at `price` in the table's bracket unit: linear Q·P (quote), inverse Q/P (coin). */
export function notionalAt(p: AffinePosition, price: number): number {
  return p.size * toU(p.table, price);
}

/**
 * What the table's brackets are measured in at `u`: the notional Q·u for 'quote'/'coin' tables, the
 * size Q for 'size' tables (OKX: tiers by contracts, the same at every price).
 */
export function bracketMeasure(p: AffinePosition, u: number): number {
  return p.table.bracketUnit === 'size' ? p.size : p.size * Math.max(u, 0);
}

/** Taker fee to close the whole position at `price` (settlement currency). */
export function closeFee(p: AffinePosition, price: number, feeRate: number): number {
  return p.size * feeRate * toU(p.table, price);
}

/** Constants of the equity outside the solved position's own P&L. */
export interface SolveContext {
  /** B: isolated margin, or cross wallet balance + other positions' P&L at their marks. */
  readonly outsideEquity: number;
  /** Other positions' maintenance + fee reserve, held at their marks (0 in isolated mode). */
  readonly outsideRequirement: number;
  /** Other positions' fee to close at their marks (0 in isolated mode). */
  readonly outsideFees: number;
  /** Taker fee rate reserved at bankruptcy (0 = no reserve). */
  readonly feeRate: number;
  /** Current mark price of the solved position (picks the first tier guess). */
  readonly markPrice: number;
  /**
   * The position's own maintenance held fixed (maintenance basis 'mark' or 'entry': MM on the
   * notional at the mark or at entry, as Bybit's isolated formula takes it at entry). Undefined:
   * MM on the notional at the liquidation price itself (basis 'liquidation', Binance's formula),
   * with the tier re-chosen there.
   */
  readonly fixedMaintenance?: number;
  /**
   * Where the fee to close is reserved: at the bankruptcy price (default; Bybit) or at the
   * liquidation price itself (`'liquidation'`: the fee rate adds to the maintenance rate, the
   * convention of Gate's and OKX's published isolated formula).
   */
  readonly feeAt?: 'bankruptcy' | 'liquidation';
}

/** Result of one position's solve. */
export interface PriceSolution {
  /** Price where equity = maintenance (+ fee reserve); null if none exists at a positive price. */
  readonly liquidationPrice: number | null;
  /** Price where equity = fee to close there (0 without fee); null if none exists. */
  readonly bankruptcyPrice: number | null;
  /** Tier (0-based) used at the liquidation price; the mark tier when there is no liquidation price. */
  readonly liquidationTier: number;
  /** Number of solves until the tier was consistent (1 = the mark tier was right). */
  readonly iterations: number;
  /** Fee to close at the bankruptcy price, Q·f·u_B (settlement currency; 0 without fee or bankruptcy price). */
  readonly feeReserve: number;
}

/**
 * Solves the liquidation and bankruptcy prices of one position (see the module comment).
 * Pure: callers validate; degenerate inputs give null prices, never throw.
 */
export function solvePrices(p: AffinePosition, ctx: SolveContext): PriceSolution {
  const { c0, c1 } = pnlCoefficients(p);
  const Q = p.size;
  const f = ctx.feeRate;
  const tiers = p.table.tiers;

  // A numerator that is zero up to rounding (e.g. a 1x short inverse: margin = Q/E exactly) means the
  // root is at u = 0, i.e. no finite price; without the snap it would be a huge spurious price.
  const scale = Math.abs(ctx.outsideEquity) + Math.abs(ctx.outsideFees) + Math.abs(ctx.outsideRequirement) + Math.abs(c0);
  const snap = (num: number): number => (Math.abs(num) <= 1e-12 * scale ? 0 : num);
  const atLiquidation = ctx.feeAt === 'liquidation';
  // bankruptcy: equity = the fee to close there (fee at bankruptcy), or equity = 0 (fee reserved at liquidation)
  const uB = snap(ctx.outsideEquity - ctx.outsideFees + c0) / ((atLiquidation ? 0 : Q * f) - c1);
  const bankruptcyPrice = fromU(p.table, uB);
  // fee at liquidation: Q·f·u_L moves with the root, so it joins the rate (fL) instead of the constant
  const fL = atLiquidation ? f : 0;
  const uLiqFee = (u: number): number => (fromU(p.table, u) === null ? 0 : Q * f * u);
  const feeReserve = atLiquidation ? 0 : bankruptcyPrice === null ? 0 : Q * f * uB;

  const base = ctx.outsideEquity - ctx.outsideRequirement + c0 - feeReserve;
  const solveIn = (k: number): number => {
    const t = tiers[k]!;
    return snap(base + t.maintenanceAmount) / (Q * (t.maintenanceMarginRate + fL) - c1);
  };
  const tierOf = (u: number): number => tierIndex(p.table, bracketMeasure(p, u));

  const markTier = tierOf(toU(p.table, ctx.markPrice));
  if (ctx.fixedMaintenance !== undefined) {
    // equity(u_L) = MM_fixed + reserve: one linear equation, no tier to re-choose
    const uL = snap(base - ctx.fixedMaintenance) / (Q * fL - c1);
    const liquidationPrice = fromU(p.table, uL);
    return { liquidationPrice, bankruptcyPrice, liquidationTier: markTier, iterations: 1, feeReserve: atLiquidation ? uLiqFee(uL) : feeReserve };
  }
  let k = markTier;
  let u = NaN;
  let iterations = 0;
  let consistent = false;
  while (iterations <= tiers.length) {
    u = solveIn(k);
    iterations++;
    const kk = tierOf(u);
    if (kk === k) {
      consistent = true;
      break;
    }
    k = kk;
  }
  if (!consistent) {
    // Unique root: exactly one tier (two at a shared boundary) reproduces itself.
    for (let j = 0; j < tiers.length; j++) {
      const uj = solveIn(j);
      if (tierOf(uj) === j) {
        k = j;
        u = uj;
        break;
      }
    }
  }
  const liquidationPrice = fromU(p.table, u);
  return {
    liquidationPrice,
    bankruptcyPrice,
    liquidationTier: liquidationPrice === null ? markTier : k,
    iterations,
    feeReserve: atLiquidation ? uLiqFee(u) : feeReserve,
  };
}

/** Distance from the mark to the liquidation price. */
export interface LiquidationDistance {
  /** |P_liq − P_mark| in quote currency. */
  readonly price: number;
  /** 100 · |P_liq − P_mark| / P_mark. */
  readonly percent: number;
  /** |ln(P_liq / P_mark)| / σ_daily: the move in daily sigmas; null without a daily volatility. */
  readonly sigmas: number | null;
  /** |ln(P_liq / P_mark)| / (σ_daily · √horizonDays); null without a volatility or horizon. */
  readonly horizonSigmas: number | null;
  /** True when the mark is already at or beyond the liquidation price. */
  readonly breached: boolean;
}

/**
 * Distance to liquidation in price, percent and volatility units.
 *
 * @param side - +1 long (liquidated when the price falls to P_liq), −1 short (when it rises)
 * @param dailyVol - daily log-return volatility σ_daily (e.g. 0.03); optional
 * @param horizonDays - optional horizon h: the distance is also given in σ_daily·√h units
 * @example
 * liquidationDistance(90, 100, 1, 0.02)
 * // returns { price: 10, percent: 10, sigmas: 5.268…, horizonSigmas: null, breached: false }
 */
export function liquidationDistance(
  liquidationPrice: number,
  markPrice: number,
  side: 1 | -1,
  dailyVol?: number,
  horizonDays?: number,
): LiquidationDistance {
  const logMove = Math.abs(Math.log(liquidationPrice / markPrice));
  const sigmas = dailyVol !== undefined && dailyVol > 0 ? logMove / dailyVol : null;
  return {
    price: Math.abs(liquidationPrice - markPrice),
    percent: (100 * Math.abs(liquidationPrice - markPrice)) / markPrice,
    sigmas,
    horizonSigmas: sigmas !== null && horizonDays !== undefined && horizonDays > 0 ? sigmas / Math.sqrt(horizonDays) : null,
    breached: side === 1 ? markPrice <= liquidationPrice : markPrice >= liquidationPrice,
  };
}
