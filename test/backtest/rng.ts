/** Seeded test RNG: mulberry32 uniforms and Box–Muller normals (deterministic for a given seed). */
export { mulberry32 } from '../helpers.js';
import { mulberry32 } from '../helpers.js';

export function normals(seed: number, n: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/** GARCH(1,1) losses with unit long-run variance: σ²_t = ω + α L²_{t−1} + β σ²_{t−1}. */
export function garchLosses(seed: number, n: number, alpha = 0.1, beta = 0.88): Float64Array {
  const z = normals(seed, n);
  const omega = 1 - alpha - beta;
  const out = new Float64Array(n);
  let s2 = 1;
  let prev = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) s2 = omega + alpha * prev * prev + beta * s2;
    out[t] = Math.sqrt(s2) * z[t];
    prev = out[t];
  }
  return out;
}
