/**
 * GARCH(1,1) likelihood kernel (WASM and pure-TS twin) and the BFGS fitter on top of it.
 * Works on a scaled series; `fitGarch11` in src/market/volatility.ts adds validation, the mean
 * model, rescaling and forecasts.
 */
export { fitGarch11Core, P_MAX, type GarchFitOptions, type GarchCoreFit } from './fit.js';
export { garchNllGradTs, garchVariancesTs, tsPass } from './ts.js';
export { wasmPass } from './wasm.js';
export type { GarchPass, GarchSeries } from './pass.js';
