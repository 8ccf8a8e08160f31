/**
 * Liquidity (concentration) add-on: the cost of closing the net delta of each underlying over the MPOR.
 *
 * ## Method
 * Net delta notional D_u = |∂P/∂m_u| (USD per unit relative move of underlying u = Σ Δ·S over its positions),
 * by a central difference of the full revaluation with m_u = ±1e-4 (exact for delta-one instruments,
 * O(1e-8) relative for options). Per underlying
 *   addOn_u = D_u · (spreadBps_u / 2 / 10⁴ + impact_u · √(D_u / capacity_u)),
 * half the spread plus square-root market impact (Almgren et al. 2005; Tóth et al. 2011: ΔP/P ≈ Y·σ·√(Q/V)).
 * The add-on is 0 at D = 0, increasing, and convex in D (D^{3/2} term); offsetting positions in the same
 * underlying net out, different underlyings do not.
 *
 * ## References
 * - Almgren, R., Thum, C., Hauptmann, E. & Li, H. (2005). Direct estimation of equity market impact. Risk 18(7).
 * - Tóth, B. et al. (2011). Anomalous price impact and the critical nature of liquidity in financial markets.
 *   Physical Review X 1, 021006. doi:10.1103/PhysRevX.1.021006
 */
import { ValidationError } from '../../errors/index.js';
import { revalueColumns, type InstrumentColumns } from '../../instruments/index.js';
import type { ResolvedVarEsConfig } from './config.js';
import { perUnderlying } from './scenarios.js';

/** Relative bump of the delta finite difference. */
export const DELTA_BUMP = 1e-4;

/** Liquidity add-on of one underlying. */
export interface LiquidityLine {
  underlying: string;
  /** Signed net delta notional Σ Δ·S, USD per unit relative move (long > 0). */
  netDeltaUsd: number;
  capacityUsd: number;
  spreadBps: number;
  /** Impact coefficient used (relative impact at D = capacity). */
  impact: number;
  /** |D|·spreadBps/2/10⁴, USD. */
  spreadCost: number;
  /** |D|·impact·√(|D|/capacity), USD. */
  impactCost: number;
  addOn: number;
}

/** Signed net delta notional per underlying, USD per unit relative move. */
export function netDeltaUsd(table: InstrumentColumns, nUnderlyings: number): Float64Array {
  const ns = 2 * nUnderlyings;
  const z = () => new Float64Array(ns * nUnderlyings);
  const move = z();
  for (let u = 0; u < nUnderlyings; u++) {
    move[2 * u * nUnderlyings + u] = DELTA_BUMP;
    move[(2 * u + 1) * nUnderlyings + u] = -DELTA_BUMP;
  }
  const { total } = revalueColumns(table, { nScenarios: ns, nUnderlyings, move, volAbs: z(), volRel: z(), dt: new Float64Array(ns) });
  const out = new Float64Array(nUnderlyings);
  for (let u = 0; u < nUnderlyings; u++) out[u] = (total[2 * u] - total[2 * u + 1]) / (2 * DELTA_BUMP) + 0;
  return out;
}

/**
 * Liquidity add-on per underlying.
 * @param dailyVol current daily vol per underlying (the default impact coefficient).
 * @throws {ValidationError} `config.liquidity.capacityUsd.<u>` when an underlying has no capacity.
 */
export function liquidityAddOn(
  table: InstrumentColumns,
  underlyings: readonly string[],
  dailyVol: readonly number[],
  liq: NonNullable<ResolvedVarEsConfig['liquidity']>,
): LiquidityLine[] {
  const deltas = netDeltaUsd(table, underlyings.length);
  return underlyings.map((u, j) => {
    const capacityUsd = Object.hasOwn(liq.capacityUsd, u) ? liq.capacityUsd[u] : undefined;
    if (capacityUsd === undefined) {
      throw new ValidationError(`config.liquidity.capacityUsd.${u}`, 'missing', `market capacity (USD) is required for every underlying of the portfolio; got undefined`, undefined);
    }
    const spreadBps = perUnderlying(liq.spreadBps, u);
    const impact = liq.impact === null ? dailyVol[j] : perUnderlying(liq.impact, u, dailyVol[j]);
    const d = Math.abs(deltas[j]);
    const spreadCost = (d * spreadBps) / 2 / 1e4;
    const impactCost = d * impact * Math.sqrt(d / capacityUsd);
    return { underlying: u, netDeltaUsd: deltas[j], capacityUsd, spreadBps, impact, spreadCost, impactCost, addOn: spreadCost + impactCost };
  });
}
