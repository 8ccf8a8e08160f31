/**
 * The "straightforward JS Monte Carlo" peer a TypeScript user would write without this package:
 * Marsaglia polar normals from a seeded mulberry32 (Math.random is not seedable), a plain
 * Cholesky, r = L·z per scenario (the full product, like the C peers), P&L = w·r, then a full
 * sort of the loss vector for VaR99 and ES97.5 (peers' tail convention). One thread, no SIMD.
 */
export function naiveMonteCarlo(cov: number[][], w: number[], scenarios: number, seed: number): { var99: number; es975: number } {
  const n = w.length;
  const L = cov.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = cov[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let a = cov[i][j];
      for (let k = 0; k < j; k++) a -= L[i][k] * L[j][k];
      L[i][j] = a / L[j][j];
    }
  }
  let a = seed >>> 0;
  const uniform = (): number => {
    // mulberry32, the usual seeded generator in JS code
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare = Number.NaN;
  const gauss = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    return u * f;
  };
  const z = new Array<number>(n);
  const loss = new Float64Array(scenarios);
  for (let s = 0; s < scenarios; s++) {
    for (let i = 0; i < n; i++) z[i] = gauss();
    let pnl = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let k = 0; k <= i; k++) r += L[i][k] * z[k];
      pnl += w[i] * r;
    }
    loss[s] = -pnl;
  }
  loss.sort();
  const var99 = loss[Math.ceil(0.99 * scenarios) - 1];
  const ke = Math.floor(0.975 * scenarios);
  let sum = 0;
  for (let i = ke; i < scenarios; i++) sum += loss[i];
  return { var99, es975: sum / (scenarios - ke) };
}
