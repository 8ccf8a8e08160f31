/**
 * VaR/ES clearing-house margin (Eurex Prisma / CME SPAN 2 like).
 *
 * ## Method
 * 1. Daily log returns r_t,u of every underlying of the portfolio (t = 1…T−1, same dates for all).
 * 2. Filter (Barone-Adesi et al. 1999): r̃_t,u = r_t,u · σ_used,u / σ_t,u with σ_t,u the conditional vol
 *    (EWMA λ = 0.97 or GARCH(1,1)) and σ_used,u = max(σ_now,u, optional vol-path quantile floor).
 * 3. MPOR scenarios: overlapping h-day windows, move_w,u = exp(Σ_{s=w}^{w+h−1} r̃_s,u) − 1, joint across
 *    underlyings; every position is fully revalued (options repriced; implied vol unchanged unless
 *    `impliedVolShift`; no time decay unless `timeDecay`). ES_filtered at confidence a of the portfolio loss.
 * 4. Stressed ES: the same revaluation of the *unfiltered* MPOR scenarios; ES over the configured date range or
 *    over the window of `windowDays` returns with the largest ES (the portfolio's own stressed period).
 * 5. core = max(0, w_f·ES_filtered + w_s·ES_stressed); APC (EMIR Art. 28): buffer core·b, floor max(core,
 *    ES over the unfiltered lookback), or stressed weight w_s' = max(w_s, w).
 * 6. initial = core + APC amount + liquidity add-on; maintenance = maintenanceFraction · initial.
 * Per position, Euler allocation: component ES = mean over the k tail scenarios of the position's loss.
 *
 * ## References
 * - Eurex Clearing (2023). Eurex Clearing Prisma — Margining methodology (FHS, stressed periods, liquidity add-on).
 * - CME Group (2023). SPAN 2 Framework: Historical VaR, stress period, liquidity and concentration add-ons.
 * - Commission Delegated Regulation (EU) No 153/2013, Art. 24–28 (confidence, MPOR, lookback, APC).
 */
import { ValidationError, describeValue } from '../../errors/index.js';
import { buildInstrumentTable, revalueColumns, type Market, type Position, type PositionKind } from '../../instruments/index.js';
import type { PriceSeries } from '../../market/index.js';
import { snapCeil } from '../../risk/index.js';
import { resolveVarEsConfig, type ResolvedVarEsConfig, type VarEsMarginConfig } from './config.js';
import { liquidityAddOn, type LiquidityLine } from './liquidity.js';
import { filterReturns, mporScenarios, underlyingHistory, volFilter, type VolFilter } from './scenarios.js';
import { componentEs, esWithTail, maxEsWindow } from './tail.js';

/** APC component of the result. */
export interface ApcComponent {
  kind: 'none' | 'buffer' | 'floor' | 'stressed-weight';
  /** Amount added to the core margin by the tool, USD (≥ 0). */
  amount: number;
  /** Part of `amount` the CCP may release in stressed periods (the whole buffer for 'buffer', else 0). */
  releasable: number;
  /** 'floor': the unfiltered lookback ES and the number of daily returns it used. */
  floorEs?: number;
  lookbackReturns?: number;
  /** 'stressed-weight': the stressed weight actually applied. */
  stressedWeight?: number;
}

/** Euler allocation of the tail to one position (losses positive, USD). */
export interface PositionComponent {
  index: number;
  id?: string;
  underlying: string;
  kind: PositionKind;
  /** Mean loss of this position over the k filtered tail scenarios; Σ = filteredEs. */
  filteredEs: number;
  /** Same over the stressed tail; Σ = stressedEs. */
  stressedEs: number;
  /** w_f·filteredEs + w_s·stressedEs; Σ = the unclamped core before APC. */
  core: number;
}

/** Result of {@link varEsMargin}. */
export interface VarEsMarginResult {
  /** Initial margin, USD: core + APC amount + liquidity add-on. */
  initial: number;
  /** maintenanceFraction · initial. */
  maintenance: number;
  components: {
    /** ES of the filtered MPOR scenarios (can be < 0 for a book that gains in the tail). */
    filteredEs: number;
    /** ES of the unfiltered MPOR scenarios of the stressed window. */
    stressedEs: number;
    /** max(0, w_f·filteredEs + w_s·stressedEs), before APC. */
    core: number;
    liquidityAddOn: number;
    apc: ApcComponent;
  };
  confidence: number;
  mporDays: number;
  /** Number of filtered MPOR scenarios N, and the tail size k = ceil((1 − a)N). */
  scenarios: number;
  k: number;
  /** Number of MPOR scenarios in the stressed window. */
  stressedScenarios: number;
  /** Weights used for the core (before any APC stressed weight). */
  weights: { filtered: number; stressed: number };
  /** Largest filtered loss: its window's first and last price dates and the relative moves applied. */
  worstScenario: { date: string; startDate: string; loss: number; moves: Record<string, number> };
  perPosition: PositionComponent[];
  /** Stressed window: first and last price date, and how it was chosen. */
  stressedWindow: { start: string; end: string; source: 'auto' | 'range' };
  /** Volatility filter per underlying (daily vols). */
  vols: Array<Pick<VolFilter, 'underlying' | 'current' | 'floor' | 'used'>>;
  /** Liquidity add-on per underlying (empty when not configured). */
  liquidity: LiquidityLine[];
  /** Filtered portfolio P&L per scenario (profit positive, USD), when `returnPnlVector`. */
  pnlVector?: Float64Array;
}

/**
 * Clearing-house initial margin of a portfolio by filtered historical simulation over a margin period of
 * risk, blended with a stressed-period ES, plus a liquidity add-on and an optional anti-procyclicality tool.
 * See the module notes for the method and `DEFAULT_VAR_ES_CONFIG` for the defaults and their reasons.
 *
 * @param positions the portfolio (spot, linear/inverse futures and perps, linear/inverse options).
 * @param market current prices (USD) of every underlying; scenarios apply relative moves to these.
 * @param history daily prices of every underlying (a `PriceSeries`; extra symbols are ignored).
 * @param config partial configuration merged over the defaults.
 * @returns initial/maintenance margin, components, tail diagnostics and the per-position Euler allocation.
 * @throws {ValidationError} bad positions/market (`positions[i].…`), history (`history.symbols` missing an
 *   underlying, `history.prices[t][j]`, too short for the MPOR), or config (`config.weights`, …).
 * @example
 * const r = varEsMargin([{ kind: 'linear-perp', underlying: 'BTC', quantity: 1 }], { prices: { BTC: 60000 } }, history);
 * r.initial // ≈ 0.5·ES_filtered + 0.5·ES_stressed, USD
 */
export function varEsMargin(
  positions: readonly Position[],
  market: Market,
  history: PriceSeries,
  config: VarEsMarginConfig = {},
): VarEsMarginResult {
  const cfg = resolveVarEsConfig(config);
  const table = buildInstrumentTable(positions, market);
  const c = table.columns;
  const und = table.underlyings;
  const nP = c.n;
  const firstUse = (u: string) => `positions[${table.positions.findIndex((p) => p.underlying === u)}].underlying`;
  const hist = underlyingHistory(history, und, firstUse);
  const { dates } = hist;
  const h = cfg.mporDays;
  const a = cfg.confidence;
  const R = Math.max(0, dates.length - 1);

  // Sample sizes.
  const minScenarios = snapCeil(1 / (1 - a));
  const lookback = cfg.lookbackDays ?? R;
  if (cfg.lookbackDays !== null && cfg.lookbackDays > R) {
    throw new ValidationError('config.lookbackDays', 'range', `must be <= the number of daily returns in history (${R}); got ${cfg.lookbackDays}`, cfg.lookbackDays);
  }
  if (lookback - h + 1 < minScenarios) {
    const field = cfg.lookbackDays !== null ? 'config.lookbackDays' : 'history.prices';
    throw new ValidationError(field, 'length', `too short: mporDays ${h} at confidence ${a} needs at least ${minScenarios + h - 1} daily returns (${minScenarios} MPOR scenarios, so the ES averages a tail beyond the confidence); got ${lookback}`, lookback);
  }
  if (cfg.volModel.kind === 'garch' && R < 30) {
    throw new ValidationError('history.prices', 'length', `volModel 'garch' needs at least 31 prices (30 returns); got ${dates.length}`, dates.length);
  }

  // 1–3. Filtered scenarios.
  const filters = und.map((u, j) => volFilter(u, hist.returns[j], cfg));
  const from = R - lookback;
  const filtered = hist.returns.map((r, j) => filterReturns(r, filters[j], from, dates));
  const fScen = mporScenarios(filtered, h, und, cfg);
  const nF = und.length === 0 ? lookback - h + 1 : fScen.nScenarios;
  const fRev = und.length === 0 ? { total: new Float64Array(nF), byPosition: new Float64Array(0) } : revalueColumns(c, fScen, true);
  requireFinitePnl(fRev.total, fScen.move, und, dates, from, h);
  const fLoss = negate(fRev.total);
  const fTail = esWithTail(fLoss, a);
  const fComp = componentEs(fRev.byPosition as Float64Array, nP, fTail.tail);
  let worst = 0;
  for (let w = 1; w < nF; w++) if (fLoss[w] > fLoss[worst]) worst = w;
  const worstMoves: Record<string, number> = {};
  und.forEach((u, j) => { worstMoves[u] = fScen.move[worst * und.length + j]; });
  const worstScenario = { date: dates[from + worst + h], startDate: dates[from + worst], loss: fLoss[worst], moves: worstMoves };

  // 4. Unfiltered scenarios over the whole history, stressed window.
  const uScen = mporScenarios(hist.returns, h, und, cfg);
  const nU = R - h + 1;
  const uRev = und.length === 0 ? { total: new Float64Array(nU), byPosition: new Float64Array(0) } : revalueColumns(c, uScen, true);
  const uLoss = negate(uRev.total);
  const window = stressedWindow(cfg, dates, uLoss, h, a);
  const sTail = esWithTail(uLoss, a, window.first, window.first + window.count);
  const sComp = componentEs(uRev.byPosition as Float64Array, nP, sTail.tail);

  // 5. Core and APC.
  const { filtered: wf, stressed: ws } = cfg.weights;
  const coreRaw = wf * fTail.es + ws * sTail.es;
  const core = Math.max(0, coreRaw);
  const apc = applyApc(cfg, core, fTail.es, sTail.es, uLoss, R, h, a);

  // 6. Liquidity, totals.
  const liquidity = cfg.liquidity === null ? [] : liquidityAddOn(c, und, filters.map((f) => f.used), cfg.liquidity);
  const liquidityTotal = liquidity.reduce((s, l) => s + l.addOn, 0);
  // The buffer is applied as core·(1 + b) so that initial is exactly (1 + b)·core without a liquidity add-on.
  const withApc = cfg.apc.kind === 'buffer' ? core * (1 + cfg.apc.buffer) : core + apc.amount;
  const initial = withApc + liquidityTotal;

  const perPosition: PositionComponent[] = table.positions.map((p, i) => {
    const row: PositionComponent = {
      index: i, underlying: p.underlying, kind: p.kind,
      filteredEs: fComp[i], stressedEs: sComp[i], core: wf * fComp[i] + ws * sComp[i],
    };
    if (p.id !== undefined) row.id = p.id;
    return row;
  });

  const result: VarEsMarginResult = {
    initial,
    maintenance: cfg.maintenanceFraction * initial,
    components: { filteredEs: fTail.es, stressedEs: sTail.es, core, liquidityAddOn: liquidityTotal, apc },
    confidence: a,
    mporDays: h,
    scenarios: nF,
    k: fTail.k,
    stressedScenarios: window.count,
    weights: { filtered: wf, stressed: ws },
    worstScenario,
    perPosition,
    stressedWindow: { start: dates[window.first], end: dates[window.first + window.count - 1 + h], source: window.source },
    vols: filters.map(({ underlying, current, floor, used }) => ({ underlying, current, floor, used })),
    liquidity,
  };
  if (cfg.returnPnlVector) result.pnlVector = fRev.total;
  return result;
}

/**
 * Rejects a filtered scenario whose P&L is not finite. The filter multiplies a return by σ_used/σ_t; where
 * the conditional vol was nearly 0 before a jump (a pegged or long-flat price, then a move) the ratio is huge,
 * the h-day move overflows to Infinity and the revaluation gives ±Infinity or NaN (Infinity − Infinity across
 * a hedge) — a NaN would otherwise drop out of the tail sort silently and understate the ES.
 * @throws {ValidationError} `history.prices` naming the scenario's dates and moves.
 */
function requireFinitePnl(total: Float64Array, move: Float64Array, und: readonly string[], dates: readonly string[], from: number, h: number): void {
  for (let w = 0; w < total.length; w++) {
    if (Number.isFinite(total[w])) continue;
    const moves = und.map((u, j) => `${u} ${move[w * und.length + j]}`).join(', ');
    throw new ValidationError(
      'history.prices',
      'degenerate',
      `filtered scenario ${dates[from + w]} … ${dates[from + w + h]} has a non-finite P&L (moves ${moves}): the vol filter ratio σ_used/σ_t explodes after a near-zero conditional vol; use a longer seedWindow, volModel 'garch' or lookbackDays after the regime change; got ${total[w]}`,
      total[w],
    );
  }
}

function negate(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = -x[i] + 0;
  return out;
}

/** First unfiltered scenario of the stressed window, number of scenarios in it, and how it was chosen. */
function stressedWindow(
  cfg: ResolvedVarEsConfig,
  dates: readonly string[],
  uLoss: Float64Array,
  h: number,
  a: number,
): { first: number; count: number; source: 'auto' | 'range' } {
  const R = dates.length - 1;
  if (cfg.stressed.kind === 'auto') {
    let W = cfg.stressed.windowDays;
    if (W > R) {
      if (cfg.stressed.explicitWindow) {
        throw new ValidationError('config.stressed.windowDays', 'range', `must be <= the number of daily returns in history (${R}); got ${W}`, W);
      }
      W = R; // default window longer than the history: the whole history is the stressed period
    }
    if (W < h) {
      throw new ValidationError('config.stressed.windowDays', 'range', `must be >= mporDays (${h}) so the window holds one MPOR scenario; got ${W}`, W);
    }
    const m = W - h + 1;
    return { first: maxEsWindow(uLoss, m, a).start, count: m, source: 'auto' };
  }
  const { start, end } = cfg.stressed;
  const numeric = dates.every(isNumeric) && isNumeric(start) && isNumeric(end);
  const key = (d: string, field: string): number => {
    const k = numeric ? Number(d) : Date.parse(d);
    if (!Number.isFinite(k)) throw new ValidationError(field, 'date', `must be a date like those of history.dates (${dates[0]} …); got ${describeValue(d)}`, d);
    return k;
  };
  const k0 = key(start, 'config.stressed.start');
  const k1 = key(end, 'config.stressed.end');
  if (k1 < k0) throw new ValidationError('config.stressed.end', 'range', `must not be before config.stressed.start (${start}); got ${describeValue(end)}`, end);
  const keys = dates.map((d, t) => key(d, `history.dates[${t}]`));
  let i0 = keys.findIndex((x) => x >= k0);
  let i1 = -1;
  for (let t = keys.length - 1; t >= 0; t--) if (keys[t] <= k1) { i1 = t; break; }
  if (i0 < 0) i0 = keys.length;
  const count = i1 - i0 - h + 1;
  if (count < 1) {
    throw new ValidationError('config.stressed', 'range', `the range ${start} … ${end} must contain at least mporDays + 1 = ${h + 1} history dates; got ${Math.max(0, i1 - i0 + 1)}`, { start, end });
  }
  return { first: i0, count, source: 'range' };
}

function isNumeric(d: string): boolean {
  return /^[+-]?\d+(\.\d+)?$/.test(d);
}

function applyApc(
  cfg: ResolvedVarEsConfig,
  core: number,
  esF: number,
  esS: number,
  uLoss: Float64Array,
  R: number,
  h: number,
  a: number,
): ApcComponent {
  const apc = cfg.apc;
  switch (apc.kind) {
    case 'none':
      return { kind: 'none', amount: 0, releasable: 0 };
    case 'buffer': {
      const amount = apc.buffer * core;
      return { kind: 'buffer', amount, releasable: amount };
    }
    case 'floor': {
      // Lookback longer than the history → the whole history (reported in lookbackReturns).
      const L = Math.max(h, Math.min(R, Math.round(apc.lookbackYears * apc.daysPerYear)));
      const floorEs = esWithTail(uLoss, a, R - L, uLoss.length).es;
      return { kind: 'floor', amount: Math.max(0, floorEs - core), releasable: 0, floorEs, lookbackReturns: L };
    }
    case 'stressed-weight': {
      const ws = Math.max(cfg.weights.stressed, apc.weight);
      const weighted = Math.max(0, (1 - ws) * esF + ws * esS);
      return { kind: 'stressed-weight', amount: Math.max(0, weighted - core), releasable: 0, stressedWeight: ws };
    }
  }
}
