/**
 * Market impact of the liquidation engine's orders.
 *
 * ## Method
 * Within one cascade round the orders on a symbol walk one impact curve in log price. With w the
 * signed size executed so far in the round (buys > 0, sells < 0), D the depth and c the coefficient,
 * the marginal log impact is
 *     g(w) = sign(w) · c · (|w| / D)^e,        e = 1 (linear) or 1/2 (square root),
 * and an order moving the flow from w0 to w1 fills at its average impact
 *     X = M0 · exp((G(w1) − G(w0)) / (w1 − w0)),   G(w) = c · D / (e + 1) · (|w| / D)^(e+1),
 * (G' = g, so X is the volume-weighted price of walking the curve; M0 is the mark at the start of
 * the round). After the round the mark moves by g(W) for the round's net flow W, and the impact
 * stays in the mark (optionally decaying with a half-life in ticks).
 * Linear impact is additive over rounds (c·ΣW/D), square-root impact is concave (splitting a
 * volume over rounds moves the price more than executing it at once).
 *
 * ## References
 * - Kyle, A. S. (1985), Continuous auctions and insider trading, Econometrica 53(6) (linear impact).
 * - Almgren, R., Thum, C., Hauptmann, E. & Li, H. (2005), Direct estimation of equity market impact,
 *   Risk 18(7) (impact ∝ (size / volume)^≈0.6; the square-root law).
 */

/** Marginal log impact g(w). */
export function impactAt(w: number, depth: number, coefficient: number, exponent: number): number {
  if (w === 0) return 0;
  const x = Math.abs(w) / depth;
  return Math.sign(w) * coefficient * (exponent === 1 ? x : Math.sqrt(x));
}

/** G(w), the integral of g from 0 to w (even in w). */
export function impactIntegral(w: number, depth: number, coefficient: number, exponent: number): number {
  const x = Math.abs(w) / depth;
  return exponent === 1 ? (coefficient * depth * x * x) / 2 : (coefficient * depth * x * Math.sqrt(x) * 2) / 3;
}

/** Average log impact of an order moving the round's flow from w0 to w1 (w1 ≠ w0). */
export function averageImpact(w0: number, w1: number, depth: number, coefficient: number, exponent: number): number {
  return (impactIntegral(w1, depth, coefficient, exponent) - impactIntegral(w0, depth, coefficient, exponent)) / (w1 - w0);
}
