/** WASM adapter of the GARCH(1,1) likelihood pass (assembly/garch.ts); twin of `tsPass`. */
import type { WasmCore } from '../../wasm/index.js';
import type { GarchPass, GarchSeries } from './pass.js';

/**
 * A pass running `garchNllGrad` on `core`. Binding a series resets the core (its bump allocator
 * has no free) and copies y into linear memory once, so every later pass only crosses the
 * boundary with four numbers. The core must hold no live allocations of the caller while the
 * returned series is in use, and one core serves one fit at a time.
 */
export function wasmPass(core: WasmCore): GarchPass {
  return (y: Float64Array, h0: number): GarchSeries => {
    const n = y.length;
    core.reset();
    const yp = core.alloc(n * 8);
    const outp = core.alloc(4 * 8);
    core.f64(yp, n).set(y);
    let hp = 0;
    return {
      length: n,
      nllGrad(omega, alpha, beta, out) {
        core.x.garchNllGrad(yp, n, h0, omega, alpha, beta, outp, 0);
        // Re-take the view each call: an alloc (variances) may have grown and detached the buffer.
        out.set(core.f64(outp, 4));
      },
      variances(omega, alpha, beta, h) {
        if (hp === 0) hp = core.alloc(n * 8);
        core.x.garchVariances(yp, n, h0, omega, alpha, beta, hp);
        h.set(core.f64(hp, n));
      },
    };
  };
}
