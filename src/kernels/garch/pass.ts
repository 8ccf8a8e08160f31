/** The contract between the GARCH(1,1) optimiser and its two likelihood-pass implementations. */

/** A scaled series bound to one pass implementation (the WASM one holds a copy in its memory). */
export interface GarchSeries {
  /** T, the number of observations. */
  readonly length: number;
  /** Writes [f, ∂f/∂ω, ∂f/∂α, ∂f/∂β] to `out` (length ≥ 4), f = ½ Σ_t [ln h_t + y_t²/h_t]. */
  nllGrad(omega: number, alpha: number, beta: number, out: Float64Array): void;
  /** Writes h_t, t = 0…T−1, to `h` (length T). */
  variances(omega: number, alpha: number, beta: number, h: Float64Array): void;
}

/** Binds the scaled series y and the fixed h_0 to a pass implementation, once per fit. */
export type GarchPass = (y: Float64Array, h0: number) => GarchSeries;
