/**
 * The venue tick loop: re-margin the holders of each moved symbol, liquidate breaching margin
 * units (partial by tier step-down, or full), execute the liquidation engine's orders with market
 * impact (cascades), settle the insurance fund, and auto-deleverage or socialise what the fund
 * cannot pay. Sequential by nature; the state is plain typed arrays so a run can be cut into
 * chunks of ticks (streaming) and resumed in another worker with identical results.
 *
 * ## Model (one round of a tick)
 * 1. Margin: unit equity E = W + Σ S·(v(M) − v(E_entry)), maintenance MM = Σ (N·rate_k − amount_k)
 *    at N = |S|·|v(M)| in each position's tier k (src/margin/tiered, no fee reserve). Breach: E ≤ MM.
 *    A book prepared with the entry basis (Bybit isolated) takes N = |S|·|v(E_entry)| instead, and
 *    size-bracket tables (OKX) pick the tier by |S| (MM still on N).
 *    Margin call: E < MM·(1 + buffer), once per crossing.
 * 2. Take-over at the bankruptcy price: position j of a liquidated unit moves to the liquidation
 *    engine at v_B,j = v(M_j) − e_j / S_j, where the unit's equity is shared by maintenance,
 *    e_j = E · mm_j / MM (one position: the bankruptcy price E = 0). The account's equity after a
 *    full take-over is 0; a partial one (isolated position above tier 0, cut to the previous tier's
 *    cap) takes the same fraction of its equity. E ≤ 0 at take-over is a bankruptcy (gap).
 * 3. The engine sells (buys) in the market walking the impact curve (./impact.ts) at X; its result
 *    q·(v(X) − v_B) − fee goes to the fund of the settlement currency (credit when positive).
 * 4. A loss the fund cannot pay: 'adl' closes the taken-over size against opposite-side positions
 *    ranked by score (PnL% × effective leverage if PnL% > 0, else PnL% / effective leverage;
 *    effective leverage = |mark value| / unit equity) at v_B, with no market execution and no
 *    fund payment; 'socialised' executes, the fund pays what it has and opposite-side unrealised
 *    profits are clawed back pro rata; 'none' lets the fund go negative.
 * 5. After the round, each symbol's mark moves by the round's impact, holders are re-margined and
 *    new breaches form the next round (cascade), up to maxRoundsPerTick. A unit whose take-over
 *    would push a symbol's size this tick past its cap waits for the next tick (the first take-over
 *    of a tick always proceeds).
 *
 * ## Conservation
 * The outside market holds the opposite of the book's net position per symbol and fills the
 * engine's executions. Σ over the book, the fund and the outside of (cash + S·v(M)) is constant in
 * exact arithmetic, because Σ S = 0 per symbol and every transfer is booked on both sides; only
 * fees leave. `ledger()` recomputes it from scratch.
 *
 * ## References
 * - BitMEX, "What is Auto-Deleveraging" (ranking: PNL% × effective leverage, effective leverage =
 *   |mark value| / (mark value − bankrupt value), ADL at the bankruptcy price of the liquidated order).
 * - Bybit, "What is Auto-Deleveraging (ADL)" (ADL when the fund is insufficient, at the bankruptcy price).
 * - Binance, "Liquidation" (take-over at the bankruptcy price; remainder to the insurance fund;
 *   partial liquidation by lowering the tier).
 */
import type { VenueBook } from './book.js';
import { fromV, toV } from './book.js';
import { averageImpact, impactAt } from './impact.js';
import type { CurrencySummary, VenueConfig, VenueEvent, VenueSummary } from './types.js';

/** Resolved configuration (typed arrays by symbol id). */
export interface SimConfig {
  /** 0 adl, 1 socialised, 2 none. */
  waterfall: number;
  takerFee: number;
  buffer: number;
  partial: boolean;
  maxRounds: number;
  /** Impact multiplier per tick (1 = permanent). */
  decay: number;
  impDepth: Float64Array;
  impCoef: Float64Array;
  impExp: Float64Array;
  cap: Float64Array;
  fundStart: Float64Array;
}

/** Everything that changes during a run (plain data: clone it to resume elsewhere). */
export interface SimState {
  book: VenueBook;
  cfg: SimConfig;
  tick: number;
  W: Float64Array;
  eq: Float64Array;
  mm: Float64Array;
  open: Int32Array;
  called: Uint8Array;
  stamp: Int32Array;
  stampId: number;
  S: Float64Array;
  tier: Int32Array;
  pmm: Float64Array;
  feed: Float64Array;
  impactLog: Float64Array;
  mark: Float64Array;
  vM: Float64Array;
  fund: Float64Array;
  fundMin: Float64Array;
  fees: Float64Array;
  adlVolume: Float64Array;
  socialised: Float64Array;
  extS: Float64Array;
  extCash: Float64Array;
  tickVol: Float64Array;
  roundW: Float64Array;
  deferred: number[];
  deferredFlag: Uint8Array;
  /** ADL queues and socialised-loss pools of the current round, by symbol·2 + (side > 0). */
  adlQueues: Map<number, AdlQueue>;
  socialPools: Map<number, SocialPool>;
  accountLiquidated: Uint8Array;
  ledgerStart: Float64Array;
  counts: { marginCalls: number; liquidations: number; partial: number; bankruptcies: number; adlFills: number; socialisedClawbacks: number; accountsLiquidated: number };
  /** Per tick of the current run (tick − seriesFrom): marks, taken-over size, fund, ADL fills. */
  seriesFrom: number;
  sMarks: Float64Array;
  sLiq: Float64Array;
  sFund: Float64Array;
  sAdl: Int32Array;
}

export type EventSink = ((e: VenueEvent) => void) | null;

/** Opposite-side positions ranked once per round (ranking kept for the round, as venues refresh it periodically). */
interface AdlQueue {
  ps: Int32Array;
  scores: Float64Array;
  next: number;
}

/** Profitable opposite-side positions of a round: clawbacks scale every share by m, applied at the round's end. */
interface SocialPool {
  s: number;
  ps: Int32Array;
  avail: Float64Array;
  total: number;
  /** Fraction of each share still unclaimed. */
  m: number;
  bankrupt: number;
}

const WATERFALLS = { adl: 0, socialised: 1, none: 2 } as const;

/** Resolves a (validated) config against the book's symbols. */
export function resolveConfig(book: VenueBook, config: VenueConfig): SimConfig {
  const n = book.symbols.names.length;
  const impDepth = new Float64Array(n);
  const impCoef = new Float64Array(n).fill(1);
  const impExp = new Float64Array(n).fill(1);
  const cap = new Float64Array(n).fill(Infinity);
  book.symbols.names.forEach((name, s) => {
    const imp = config.impact && Object.hasOwn(config.impact, name) ? config.impact[name] : undefined;
    if (imp) {
      impDepth[s] = imp.depth;
      impCoef[s] = imp.coefficient ?? 1;
      impExp[s] = imp.model === 'sqrt' ? 0.5 : 1;
    }
    const c = config.maxLiquidationPerTick && Object.hasOwn(config.maxLiquidationPerTick, name) ? config.maxLiquidationPerTick[name] : undefined;
    if (c !== undefined) cap[s] = c;
  });
  const fundStart = new Float64Array(book.currencies.length);
  book.currencies.forEach((c, i) => {
    fundStart[i] = config.fund && Object.hasOwn(config.fund, c) ? config.fund[c]! : 0;
  });
  const hl = config.impactHalfLifeTicks;
  return {
    waterfall: WATERFALLS[config.waterfall ?? 'adl'],
    takerFee: config.takerFee ?? 0,
    buffer: config.marginCallBuffer ?? 0.2,
    partial: config.partialLiquidation ?? true,
    maxRounds: config.maxRoundsPerTick ?? 50,
    decay: hl === undefined || !Number.isFinite(hl) ? 1 : Math.pow(2, -1 / hl),
    impDepth, impCoef, impExp, cap, fundStart,
  };
}

/**
 * A fresh state at the initial marks (one per symbol id; symbols nobody holds may be any positive
 * number). `ticks` sizes the series arrays of the run.
 */
export function createState(book: VenueBook, cfg: SimConfig, initialMarks: Float64Array, ticks: number): SimState {
  const nS = book.symbols.names.length;
  const nC = book.currencies.length;
  const st: SimState = {
    book, cfg, tick: 0,
    W: Float64Array.from(book.unitWallet),
    eq: new Float64Array(book.nUnits),
    mm: new Float64Array(book.nUnits),
    open: new Int32Array(book.nUnits),
    called: new Uint8Array(book.nUnits),
    stamp: new Int32Array(book.nUnits),
    stampId: 0,
    S: Float64Array.from(book.posSize),
    tier: new Int32Array(book.nPositions),
    pmm: new Float64Array(book.nPositions),
    feed: Float64Array.from(initialMarks),
    impactLog: new Float64Array(nS),
    mark: Float64Array.from(initialMarks),
    vM: new Float64Array(nS),
    fund: Float64Array.from(cfg.fundStart),
    fundMin: Float64Array.from(cfg.fundStart),
    fees: new Float64Array(nC),
    adlVolume: new Float64Array(nC),
    socialised: new Float64Array(nC),
    extS: new Float64Array(nS),
    extCash: new Float64Array(nC),
    tickVol: new Float64Array(nS),
    roundW: new Float64Array(nS),
    deferred: [],
    deferredFlag: new Uint8Array(book.nUnits),
    adlQueues: new Map(),
    socialPools: new Map(),
    accountLiquidated: new Uint8Array(book.nAccounts),
    ledgerStart: new Float64Array(nC),
    counts: { marginCalls: 0, liquidations: 0, partial: 0, bankruptcies: 0, adlFills: 0, socialisedClawbacks: 0, accountsLiquidated: 0 },
    seriesFrom: 0,
    sMarks: new Float64Array(ticks * nS),
    sLiq: new Float64Array(ticks * nS),
    sFund: new Float64Array(ticks * nC),
    sAdl: new Int32Array(ticks),
  };
  const sym = book.symbols;
  for (let s = 0; s < nS; s++) st.vM[s] = toV(sym.inverse[s]!, initialMarks[s]!);
  for (let p = 0; p < book.nPositions; p++) {
    const s = book.posSymbol[p]!;
    st.extS[s] -= st.S[p]!;
    const t0 = sym.tierStart[s]!;
    const t1 = sym.tierStart[s + 1]! - 1;
    let k = t0;
    const a = Math.abs(st.S[p]!);
    const n = a * (book.posEntryBasis[p] === 1 ? Math.abs(book.posEntryV[p]!) : Math.abs(st.vM[s]!));
    const x = sym.sizeBrackets[s] === 1 ? a : n;
    while (k < t1 && x > sym.tierCap[k]!) k++;
    st.tier[p] = k;
    st.pmm[p] = n * sym.tierRate[k]! - sym.tierAmount[k]!;
  }
  for (let u = 0; u < book.nUnits; u++) {
    resync(st, u);
    // units already near or past maintenance are checked at the first tick, even if no mark moves
    if (st.open[u]! > 0 && st.eq[u]! < st.mm[u]! * (1 + cfg.buffer)) st.deferred.push(u);
  }
  // the outside market starts at zero equity: cash = −Σ S_ext·v(M)
  for (let s = 0; s < nS; s++) st.extCash[sym.currency[s]!] -= st.extS[s]! * st.vM[s]!;
  st.ledgerStart = ledger(st);
  return st;
}

/** Recomputes a unit's equity, maintenance and open count from its positions. */
function resync(st: SimState, u: number): void {
  const b = st.book;
  let eq = st.W[u]!;
  let mm = 0;
  let open = 0;
  for (let p = b.unitPosStart[u]!; p < b.unitPosStart[u + 1]!; p++) {
    const S = st.S[p]!;
    if (S === 0) continue;
    open++;
    eq += S * (st.vM[b.posSymbol[p]!]! - b.posEntryV[p]!);
    mm += st.pmm[p]!;
  }
  st.eq[u] = eq;
  st.mm[u] = mm;
  st.open[u] = open;
}

/** Maintenance of position p at the symbol's current mark, or on its entry notional (moves its tier). */
function remarginPosition(st: SimState, p: number, absV: number): number {
  const sym = st.book.symbols;
  const s = st.book.posSymbol[p]!;
  const a = Math.abs(st.S[p]!);
  const n = a * (st.book.posEntryBasis[p] === 1 ? Math.abs(st.book.posEntryV[p]!) : absV);
  const x = sym.sizeBrackets[s] === 1 ? a : n;
  let k = st.tier[p]!;
  const t0 = sym.tierStart[s]!;
  const t1 = sym.tierStart[s + 1]! - 1;
  while (k < t1 && x > sym.tierCap[k]!) k++;
  while (k > t0 && x <= sym.tierCap[k - 1]!) k--;
  st.tier[p] = k;
  const m = n === 0 ? 0 : n * sym.tierRate[k]! - sym.tierAmount[k]!;
  const d = m - st.pmm[p]!;
  st.pmm[p] = m;
  return d;
}

/** Moves symbol s to `mark` and re-margins its holders; units near or past maintenance go to `touched`. */
function moveSymbol(st: SimState, s: number, mark: number, touched: number[]): void {
  const b = st.book;
  const inv = b.symbols.inverse[s]!;
  const v = toV(inv, mark);
  const dv = v - st.vM[s]!;
  st.vM[s] = v;
  st.mark[s] = mark;
  const absV = Math.abs(v);
  const sym = b.symbols;
  const t0 = sym.tierStart[s]!;
  const t1 = sym.tierStart[s + 1]! - 1;
  const caps = sym.tierCap;
  const rates = sym.tierRate;
  const amts = sym.tierAmount;
  const bySize = sym.sizeBrackets[s] === 1;
  const entryBasis = b.posEntryBasis;
  const entryV = b.posEntryV;
  const holders = b.symHolders;
  const posUnit = b.posUnit;
  const S = st.S;
  const eq = st.eq;
  const mm = st.mm;
  const pmm = st.pmm;
  const tier = st.tier;
  const called = st.called;
  const stamp = st.stamp;
  const id = st.stampId;
  const k1 = 1 + st.cfg.buffer;
  for (let h = b.symStart[s]!, end = b.symStart[s + 1]!; h < end; h++) {
    const p = holders[h]!;
    const size = S[p]!;
    if (size === 0) continue;
    const u = posUnit[p]!;
    const e = eq[u]! + size * dv;
    eq[u] = e;
    const a = size < 0 ? -size : size;
    let n = a * absV;
    if (entryBasis[p] === 1) {
      const ve = entryV[p]!;
      n = a * (ve < 0 ? -ve : ve);
    }
    const x = bySize ? a : n;
    let k = tier[p]!;
    while (k < t1 && x > caps[k]!) k++;
    while (k > t0 && x <= caps[k - 1]!) k--;
    tier[p] = k;
    const m = n * rates[k]! - amts[k]!;
    const mu = mm[u]! + m - pmm[p]!;
    mm[u] = mu;
    pmm[p] = m;
    if ((e < mu * k1 || called[u] === 1) && stamp[u] !== id) {
      stamp[u] = id;
      touched.push(u);
    }
  }
}

function touch(st: SimState, u: number, list: number[]): void {
  if (st.stamp[u] !== st.stampId) {
    st.stamp[u] = st.stampId;
    list.push(u);
  }
}

/** Margin calls for the touched units; returns the breaching ones in unit order. */
function check(st: SimState, touched: number[], sink: EventSink): number[] {
  touched.sort((a, b) => a - b);
  const out: number[] = [];
  const k1 = 1 + st.cfg.buffer;
  for (const u of touched) {
    if (st.open[u] === 0) {
      st.called[u] = 0;
      continue;
    }
    const e = st.eq[u]!;
    const m = st.mm[u]!;
    if (e < m * k1) {
      if (st.called[u] === 0) {
        st.called[u] = 1;
        st.counts.marginCalls++;
        sink?.({ type: 'margin-call', tick: st.tick, account: st.book.unitAccount[u]!, symbol: unitSymbol(st, u), equity: e, maintenance: m });
      }
      if (e <= m) out.push(u);
    } else st.called[u] = 0;
  }
  return out;
}

function unitSymbol(st: SimState, u: number): string | null {
  const b = st.book;
  return b.unitCross[u] ? null : b.symbols.names[b.posSymbol[b.unitPosStart[u]!]!]!;
}

function noteFund(st: SimState, c: number): void {
  if (st.fund[c]! < st.fundMin[c]!) st.fundMin[c] = st.fund[c]!;
}

/** Moves d (same sign as S, |d| ≤ |S|) out of position p at value v; the unit realises d·(v − v_E). */
function reduce(st: SimState, p: number, d: number, v: number): void {
  const b = st.book;
  const u = b.posUnit[p]!;
  st.W[u] += d * (v - b.posEntryV[p]!);
  const left = st.S[p]! - d;
  // a position closed to within rounding is closed
  st.S[p] = Math.abs(left) <= 1e-12 * Math.abs(d) ? 0 : left;
  const s = b.posSymbol[p]!;
  remarginPosition(st, p, Math.abs(st.vM[s]!));
}

interface Fill {
  p: number;
  q: number;
  vB: number;
}

/** Liquidates unit u (partial or full). Returns false when the per-tick cap defers it. */
function liquidate(st: SimState, u: number, round: number, next: number[], sink: EventSink): boolean {
  const b = st.book;
  const sym = b.symbols;
  resync(st, u);
  const eq = st.eq[u]!;
  const mm = st.mm[u]!;
  const p0 = b.unitPosStart[u]!;
  const p1 = b.unitPosStart[u + 1]!;
  const fills: Fill[] = [];
  let partial = false;
  if (!b.unitCross[u] && st.cfg.partial) {
    const p = p0;
    const s = b.posSymbol[p]!;
    const k = st.tier[p]!;
    if (k > sym.tierStart[s]! && eq > 0) {
      // step down: cut the position to the previous tier's cap at the mark
      const S = st.S[p]!;
      // the previous tier's cap in the bracket measure: size, entry notional or mark notional
      const cap = sym.tierCap[k - 1]!;
      const keep = Math.sign(S) * (sym.sizeBrackets[s] === 1 ? cap : cap / Math.abs(b.posEntryBasis[p] === 1 ? b.posEntryV[p]! : st.vM[s]!));
      fills.push({ p, q: S - keep, vB: st.vM[s]! - eq / S });
      partial = true;
    }
  }
  if (!partial) {
    for (let p = p0; p < p1; p++) {
      const S = st.S[p]!;
      if (S === 0) continue;
      const e = mm > 0 ? (eq * st.pmm[p]!) / mm : eq / st.open[u]!;
      fills.push({ p, q: S, vB: st.vM[b.posSymbol[p]!]! - e / S });
    }
  }
  for (const f of fills) {
    const s = b.posSymbol[f.p]!;
    const size = Math.abs(f.q);
    if (st.tickVol[s]! > 0 && st.tickVol[s]! + size > st.cfg.cap[s]!) return false;
  }
  const account = b.unitAccount[u]!;
  if (eq <= 0) {
    st.counts.bankruptcies++;
    sink?.({ type: 'bankruptcy', tick: st.tick, account, symbol: unitSymbol(st, u), equity: eq });
  }
  st.counts.liquidations++;
  if (partial) st.counts.partial++;
  if (st.accountLiquidated[account] === 0) {
    st.accountLiquidated[account] = 1;
    st.counts.accountsLiquidated++;
  }
  for (const f of fills) {
    const s = b.posSymbol[f.p]!;
    st.tickVol[s] += Math.abs(f.q);
    if (partial) reduce(st, f.p, f.q, f.vB);
    else {
      st.W[u] += f.q * (f.vB - b.posEntryV[f.p]!);
      st.S[f.p] = 0;
      remarginPosition(st, f.p, Math.abs(st.vM[s]!));
    }
  }
  resync(st, u);
  sink?.({
    type: 'liquidation', tick: st.tick, account, symbol: unitSymbol(st, u), kind: partial ? 'partial' : 'full', round, equity: eq, maintenance: mm,
    fills: fills.map((f) => {
      const s = b.posSymbol[f.p]!;
      return { symbol: sym.names[s]!, size: f.q, price: fromV(sym.inverse[s]!, f.vB) };
    }),
  });
  if (partial) touch(st, u, next);
  for (const f of fills) settle(st, b.posSymbol[f.p]!, f.q, f.vB, account, next, sink);
  return true;
}

/** Value v(X) of an execution of dw (signed, buys > 0) on symbol s after the round's flow so far. */
function executionV(st: SimState, s: number, dw: number): number {
  const inv = st.book.symbols.inverse[s]!;
  const D = st.cfg.impDepth[s]!;
  if (D === 0) return st.vM[s]!;
  const w0 = st.roundW[s]!;
  const avg = averageImpact(w0, w0 + dw, D, st.cfg.impCoef[s]!, st.cfg.impExp[s]!);
  return toV(inv, st.mark[s]! * Math.exp(avg));
}

/** Market execution of the engine's size q (it sells q > 0) at v(X); the outside market takes it. */
function execute(st: SimState, s: number, q: number, vX: number, sink: EventSink): number {
  const c = st.book.symbols.currency[s]!;
  const fee = st.cfg.takerFee * Math.abs(q) * Math.abs(vX);
  st.roundW[s] -= q;
  st.extS[s] += q;
  st.extCash[c] -= q * vX;
  st.fees[c] += fee;
  sink?.({ type: 'execution', tick: st.tick, symbol: st.book.symbols.names[s]!, size: -q, price: fromV(st.book.symbols.inverse[s]!, vX) ?? 0, markBefore: st.mark[s]! });
  return fee;
}

function fundFlow(st: SimState, s: number, amount: number, account: number, sink: EventSink): void {
  const c = st.book.symbols.currency[s]!;
  st.fund[c] += amount;
  noteFund(st, c);
  sink?.({ type: 'fund', tick: st.tick, currency: st.book.currencies[c]!, symbol: st.book.symbols.names[s]!, account, amount, balance: st.fund[c]! });
}

/** The engine holds q (taken over at v_B) on symbol s: execute, charge or credit the fund, ADL or socialise. */
function settle(st: SimState, s: number, q: number, vB: number, account: number, next: number[], sink: EventSink): void {
  if (q === 0) return;
  const c = st.book.symbols.currency[s]!;
  const vX = executionV(st, s, -q);
  const pnl = q * (vX - vB) - st.cfg.takerFee * Math.abs(q) * Math.abs(vX);
  const w = st.cfg.waterfall;
  if (pnl >= 0 || w === 2 || st.fund[c]! + pnl >= 0) {
    const fee = execute(st, s, q, vX, sink);
    fundFlow(st, s, q * (vX - vB) - fee, account, sink);
    return;
  }
  if (w === 0) {
    const rest = adl(st, s, q, vB, account, next, sink);
    if (rest !== 0) {
      // the opposite side is exhausted: execute the rest; the fund pays and may go negative
      const vR = executionV(st, s, -rest);
      const fee = execute(st, s, rest, vR, sink);
      fundFlow(st, s, rest * (vR - vB) - fee, account, sink);
    }
    return;
  }
  // socialised: execute, the fund pays what it has, profits cover the rest pro rata
  const fee = execute(st, s, q, vX, sink);
  fundFlow(st, s, q * (vX - vB) - fee, account, sink);
  const deficit = -st.fund[c]!;
  if (deficit > 0) socialise(st, s, q, deficit, account, sink);
}

/** ADL score of position p: PnL% × effective leverage (PnL% > 0) or PnL% / effective leverage. */
export function adlScore(st: SimState, p: number): number {
  const b = st.book;
  const S = st.S[p]!;
  const s = b.posSymbol[p]!;
  const ve = b.posEntryV[p]!;
  const pnlPct = (S * (st.vM[s]! - ve)) / Math.abs(S * ve);
  const e = st.eq[b.posUnit[p]!]!;
  const lev = e > 0 ? Math.abs(S * st.vM[s]!) / e : Number.MAX_VALUE;
  const score = pnlPct > 0 ? pnlPct * lev : pnlPct / lev;
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, score));
}

/** Closes the engine's q against opposite-side positions at v_B by ADL rank; returns the unmatched size. */
function adl(st: SimState, s: number, q: number, vB: number, bankrupt: number, next: number[], sink: EventSink): number {
  const b = st.book;
  const key = s * 2 + (q < 0 ? 1 : 0); // counterparties of a long (q > 0) are shorts
  let queue = st.adlQueues.get(key);
  if (!queue) {
    const cands: { p: number; score: number }[] = [];
    for (let h = b.symStart[s]!; h < b.symStart[s + 1]!; h++) {
      const p = b.symHolders[h]!;
      if (st.S[p]! * q < 0) cands.push({ p, score: adlScore(st, p) });
    }
    cands.sort((x, y) => y.score - x.score || x.p - y.p);
    queue = { ps: Int32Array.from(cands, (c) => c.p), scores: Float64Array.from(cands, (c) => c.score), next: 0 };
    st.adlQueues.set(key, queue);
  }
  let rem = Math.abs(q);
  const c = b.symbols.currency[s]!;
  while (rem > 0 && queue.next < queue.ps.length) {
    const p = queue.ps[queue.next]!;
    const S = st.S[p]!;
    if (S * q >= 0) {
      queue.next++;
      continue;
    }
    const a = Math.min(rem, Math.abs(S));
    const d = Math.sign(S) * a;
    const score = queue.scores[queue.next]!;
    reduce(st, p, d, vB);
    if (st.S[p] === 0) queue.next++;
    const u = b.posUnit[p]!;
    resync(st, u);
    touch(st, u, next);
    rem = a === rem ? 0 : rem - a;
    st.adlVolume[c] += a * Math.abs(vB);
    st.counts.adlFills++;
    st.sAdl[st.tick - st.seriesFrom]!++;
    sink?.({ type: 'adl', tick: st.tick, account: b.unitAccount[u]!, symbol: b.symbols.names[s]!, size: -d, price: fromV(b.symbols.inverse[s]!, vB), score, bankrupt });
  }
  return Math.sign(q) * rem;
}

/**
 * Claws back `deficit` pro rata from opposite-side unrealised profits: each profitable position's
 * share (its unrealised profit when the round's pool was formed) is claimed in the same fraction,
 * never beyond the share. The fund is credited now; the accounts are debited at the round's end.
 */
function socialise(st: SimState, s: number, q: number, deficit: number, bankrupt: number, sink: EventSink): void {
  const b = st.book;
  const key = s * 2 + (q < 0 ? 1 : 0);
  let pool = st.socialPools.get(key);
  if (!pool) {
    const ps: number[] = [];
    const avail: number[] = [];
    let total = 0;
    for (let h = b.symStart[s]!; h < b.symStart[s + 1]!; h++) {
      const p = b.symHolders[h]!;
      const S = st.S[p]!;
      if (S * q >= 0) continue;
      const x = S * (st.vM[s]! - b.posEntryV[p]!);
      if (x > 0) {
        ps.push(p);
        avail.push(x);
        total += x;
      }
    }
    pool = { s, ps: Int32Array.from(ps), avail: Float64Array.from(avail), total, m: 1, bankrupt };
    st.socialPools.set(key, pool);
  }
  const left = pool.total * pool.m;
  if (!(left > 0)) return;
  const take = Math.min(deficit, left);
  pool.m = take === left ? 0 : (left - take) / pool.total;
  st.socialised[b.symbols.currency[s]!] += take;
  fundFlow(st, s, take, bankrupt, sink);
}

/** Debits the round's clawbacks from the accounts (one event per position). */
function flushSocial(st: SimState, next: number[], sink: EventSink): void {
  const b = st.book;
  for (const pool of st.socialPools.values()) {
    const f = 1 - pool.m;
    if (f === 0) continue;
    for (let i = 0; i < pool.ps.length; i++) {
      const amount = pool.avail[i]! * f;
      const u = b.posUnit[pool.ps[i]!]!;
      st.W[u] -= amount;
      st.eq[u] -= amount;
      touch(st, u, next);
      st.counts.socialisedClawbacks++;
      sink?.({ type: 'socialised', tick: st.tick, account: b.unitAccount[u]!, symbol: b.symbols.names[pool.s]!, amount, bankrupt: pool.bankrupt });
    }
  }
  st.socialPools.clear();
}

/**
 * Runs ticks [from, to) of a path whose columns map to book symbols through `colToSymbol`
 * (−1: not in the book). `marks` is row-major ticks × columns, NaN = no update.
 */
export function runTicks(st: SimState, marks: Float64Array, nCols: number, colToSymbol: Int32Array, from: number, to: number, sink: EventSink): void {
  const b = st.book;
  const nS = b.symbols.names.length;
  const nC = b.currencies.length;
  const cfg = st.cfg;
  for (let t = from; t < to; t++) {
    st.tick = t;
    st.stampId++;
    st.tickVol.fill(0);
    const touched: number[] = [];
    for (let j = 0; j < nCols; j++) {
      const s = colToSymbol[j]!;
      if (s < 0) continue;
      const x = marks[t * nCols + j]!;
      if (x === x) st.feed[s] = x;
    }
    for (let s = 0; s < nS; s++) {
      if (cfg.decay !== 1) st.impactLog[s] *= cfg.decay;
      const m = st.impactLog[s] === 0 ? st.feed[s]! : st.feed[s]! * Math.exp(st.impactLog[s]!);
      if (m !== st.mark[s]) moveSymbol(st, s, m, touched);
    }
    for (const u of st.deferred) {
      st.deferredFlag[u] = 0;
      touch(st, u, touched);
    }
    st.deferred = [];
    let pending = check(st, touched, sink);
    let round = 0;
    for (; pending.length > 0 && round < cfg.maxRounds; round++) {
      st.roundW.fill(0);
      st.stampId++;
      st.adlQueues.clear();
      const next: number[] = [];
      for (const u of pending) {
        if (st.open[u] === 0 || !(st.eq[u]! <= st.mm[u]!)) continue;
        if (!liquidate(st, u, round, next, sink) && st.deferredFlag[u] === 0) {
          st.deferredFlag[u] = 1;
          st.deferred.push(u);
        }
      }
      flushSocial(st, next, sink);
      for (let s = 0; s < nS; s++) {
        const w = st.roundW[s]!;
        if (w === 0 || cfg.impDepth[s] === 0) continue;
        st.impactLog[s] += impactAt(w, cfg.impDepth[s]!, cfg.impCoef[s]!, cfg.impExp[s]!);
        moveSymbol(st, s, st.feed[s]! * Math.exp(st.impactLog[s]!), next);
      }
      pending = check(st, next.filter((u) => st.deferredFlag[u] === 0), sink);
    }
    for (const u of pending) {
      if (st.deferredFlag[u] === 0) {
        st.deferredFlag[u] = 1;
        st.deferred.push(u);
      }
    }
    const r = t - st.seriesFrom;
    for (let s = 0; s < nS; s++) {
      st.sMarks[r * nS + s] = st.mark[s]!;
      st.sLiq[r * nS + s] = st.tickVol[s]!;
    }
    for (let c = 0; c < nC; c++) st.sFund[r * nC + c] = st.fund[c]!;
  }
  st.tick = to;
}

/**
 * Conservation ledger per currency, recomputed from scratch: Σ account equity (free balance +
 * units) + fund + outside market equity + fees.
 */
export function ledger(st: SimState): Float64Array {
  const b = st.book;
  const nC = b.currencies.length;
  const out = new Float64Array(nC);
  for (let a = 0; a < b.nAccounts; a++) out[b.accountCurrency[a]!] += b.accountFree[a]!;
  for (let u = 0; u < b.nUnits; u++) {
    let e = st.W[u]!;
    for (let p = b.unitPosStart[u]!; p < b.unitPosStart[u + 1]!; p++) e += st.S[p]! * (st.vM[b.posSymbol[p]!]! - b.posEntryV[p]!);
    out[b.accountCurrency[b.unitAccount[u]!]!] += e;
  }
  for (let c = 0; c < nC; c++) out[c] += st.fund[c]! + st.extCash[c]! + st.fees[c]!;
  for (let s = 0; s < b.symbols.names.length; s++) out[b.symbols.currency[s]!] += st.extS[s]! * st.vM[s]!;
  return out;
}

/** Gross scale of the ledger per currency (Σ |terms|), for relative conservation checks. */
export function ledgerScale(st: SimState): Float64Array {
  const b = st.book;
  const out = new Float64Array(b.currencies.length);
  for (let a = 0; a < b.nAccounts; a++) out[b.accountCurrency[a]!] += Math.abs(b.accountFree[a]!);
  for (let u = 0; u < b.nUnits; u++) out[b.accountCurrency[b.unitAccount[u]!]!] += Math.abs(st.W[u]!);
  for (let p = 0; p < b.nPositions; p++) {
    const s = b.posSymbol[p]!;
    out[b.symbols.currency[s]!] += Math.abs(st.S[p]! * st.vM[s]!) + Math.abs(b.posSize[p]! * b.posEntryV[p]!);
  }
  for (let c = 0; c < out.length; c++) out[c] += Math.abs(st.fund[c]!) + Math.abs(st.extCash[c]!) + Math.abs(st.fees[c]!);
  for (let s = 0; s < b.symbols.names.length; s++) out[b.symbols.currency[s]!] += Math.abs(st.extS[s]! * st.vM[s]!);
  return out;
}

/** Equity per account (free balance + its units, recomputed). */
export function accountEquity(st: SimState): Float64Array {
  const b = st.book;
  const out = Float64Array.from(b.accountFree);
  for (let u = 0; u < b.nUnits; u++) {
    let e = st.W[u]!;
    for (let p = b.unitPosStart[u]!; p < b.unitPosStart[u + 1]!; p++) e += st.S[p]! * (st.vM[b.posSymbol[p]!]! - b.posEntryV[p]!);
    out[b.unitAccount[u]!] += e;
  }
  return out;
}

/** Totals of a run. */
export function summarise(st: SimState): VenueSummary {
  const b = st.book;
  const end = ledger(st);
  const currencies: CurrencySummary[] = b.currencies.map((currency, c) => ({
    currency,
    fundStart: st.cfg.fundStart[c]!,
    fundEnd: st.fund[c]!,
    fundMin: st.fundMin[c]!,
    fundDrawdown: Math.max(0, st.cfg.fundStart[c]! - st.fundMin[c]!),
    fees: st.fees[c]!,
    adlVolume: st.adlVolume[c]!,
    socialised: st.socialised[c]!,
    uncovered: Math.max(0, -st.fundMin[c]!),
    ledgerStart: st.ledgerStart[c]!,
    ledgerEnd: end[c]!,
  }));
  const k = st.counts;
  return {
    ticks: st.tick,
    marginCalls: k.marginCalls,
    liquidations: k.liquidations,
    partialLiquidations: k.partial,
    bankruptcies: k.bankruptcies,
    adlFills: k.adlFills,
    socialisedClawbacks: k.socialisedClawbacks,
    accountsLiquidated: k.accountsLiquidated,
    currencies,
  };
}
