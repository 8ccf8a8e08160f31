/**
 * Solvency-buffer sizing: the insurance fund a venue needs over many stressed paths.
 *
 * ## Method
 * For each path k (./paths.ts) and each settlement currency:
 * - requirement R_k: the book is run with the venue's rules but waterfall 'none' and an empty fund,
 *   so the fund absorbs every loss and gain; R_k = −min_t F_t ≥ 0 is the fund that path needs to
 *   never run out (its drawdown from zero);
 * - ADL volume A_k and whether ADL happened: the book is run again with the venue's own waterfall
 *   and starting fund (skipped with `adlRun: false`, and when R_k < F0 in every currency: that run
 *   would be the first one shifted by F0, with no ADL);
 * - Cover-2 C_k: each account held without liquidation along the path's marks; its uncollateralised
 *   loss is D_a = max_t Σ_units max(0, −equity_unit(t)) (an isolated position's loss stops at its margin); C_k is the sum of the two largest D_a (the default of
 *   the two accounts with the largest stressed losses, CCP Cover-2 style).
 * Fund size at confidence a: the k-th largest R with k from the project's tail convention
 * (x = (1 − a)·N, k = round(x) if within 1e-9·max(1, x), else ceil(x)); likewise for C and A.
 * Path k's numbers depend only on (book, rules, spec, k), so any split over workers, threads or
 * cluster machines gives the same distribution.
 *
 * ## References
 * - CPMI-IOSCO (2012), Principles for financial market infrastructures, Principle 4 (Cover-2).
 */
import type { VenueBook } from './book.js';
import { toV } from './book.js';
import { columnMap, initialMarks } from './run.js';
import { createState, resolveConfig, runTicks, type SimState } from './sim.js';
import { scenarioPath, type ScenarioSpec } from './paths.js';
import type { VenueConfig } from './types.js';

/** Per-path numbers of a chunk of paths [from, to): arrays of (to − from) × currencies. */
export interface SizingChunk {
  from: number;
  to: number;
  currencies: string[];
  requirement: Float64Array;
  adlVolume: Float64Array;
  adlHappened: Uint8Array;
  cover2: Float64Array;
  liquidations: Int32Array;
}

function runOne(book: VenueBook, config: VenueConfig, spec: ScenarioSpec, k: number): { st: SimState; marks: Float64Array; cols: Int32Array; nCols: number; T: number } {
  const path = scenarioPath(spec, k);
  const st = createState(book, resolveConfig(book, config), initialMarks(book, path), 0);
  st.sMarks = new Float64Array(0);
  return { st, marks: path.marks, cols: columnMap(book, path), nCols: path.symbols.length, T: path.times.length };
}

/** Runs paths [from, to) of `spec` for sizing (see the module comment). */
export function sizeChunk(book: VenueBook, config: VenueConfig, spec: ScenarioSpec, from: number, to: number, adlRun = true, shortcut = true): SizingChunk {
  const nC = book.currencies.length;
  const n = to - from;
  const out: SizingChunk = {
    from, to, currencies: book.currencies,
    requirement: new Float64Array(n * nC), adlVolume: new Float64Array(n * nC), adlHappened: new Uint8Array(n * nC), cover2: new Float64Array(n * nC), liquidations: new Int32Array(n),
  };
  const noSeries = (st: SimState, T: number): void => {
    // series are not needed for sizing: one row, rewritten every tick
    st.sLiq = new Float64Array(book.symbols.names.length);
    st.sMarks = new Float64Array(book.symbols.names.length);
    st.sFund = new Float64Array(nC);
    st.sAdl = new Int32Array(T);
  };
  const fund0 = resolveConfig(book, config).fundStart;
  for (let k = from; k < to; k++) {
    const r = k - from;
    // requirement: waterfall 'none', empty fund
    const need = runOne(book, { ...config, waterfall: 'none', fund: {} }, spec, k);
    noSeries(need.st, need.T);
    runRows(need.st, need.marks, need.nCols, need.cols, need.T);
    for (let c = 0; c < nC; c++) out.requirement[r * nC + c] = Math.max(0, -need.st.fundMin[c]!);
    out.liquidations[r] = need.st.counts.liquidations;
    // With the venue's own fund F0 the run is the same as the requirement run shifted by F0 as long
    // as the fund never lacks money, i.e. when R < F0 in every currency: then no ADL or clawback
    // happens and the second run is skipped (the margin 1e-9·F0 covers the rounding of the shift).
    const covered = shortcut && need.st.fundMin.every((m, c) => -m < fund0[c]! * (1 - 1e-9));
    if (adlRun && !covered) {
      const live = runOne(book, config, spec, k);
      noSeries(live.st, live.T);
      runRows(live.st, live.marks, live.nCols, live.cols, live.T);
      for (let c = 0; c < nC; c++) {
        out.adlVolume[r * nC + c] = live.st.adlVolume[c]!;
        out.adlHappened[r * nC + c] = live.st.adlVolume[c]! > 0 ? 1 : 0;
      }
    }
    cover2(book, need.marks, need.nCols, need.cols, need.T, out.cover2.subarray(r * nC, (r + 1) * nC));
  }
  return out;
}

/** Runs all ticks with the series row pinned to 0 (sizing keeps no per-tick series). */
function runRows(st: SimState, marks: Float64Array, nCols: number, cols: Int32Array, T: number): void {
  for (let t = 0; t < T; t++) {
    st.seriesFrom = t;
    runTicks(st, marks, nCols, cols, t, t + 1, null);
  }
}

/** Sum of the two largest uncollateralised losses per currency, accounts held without liquidation. */
function cover2(book: VenueBook, marks: Float64Array, nCols: number, cols: Int32Array, T: number, out: Float64Array): void {
  const nS = book.symbols.names.length;
  const v = new Float64Array(nS).fill(NaN);
  // shortfall of an account at a tick: Σ over its units of max(0, −equity) (a cross account is one
  // unit holding its whole wallet; an isolated position's loss stops at its own margin)
  const short = new Float64Array(book.nAccounts);
  const worst = new Float64Array(book.nAccounts);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < nCols; j++) {
      const s = cols[j]!;
      const x = marks[t * nCols + j]!;
      if (s >= 0 && x === x) v[s] = toV(book.symbols.inverse[s]!, x);
    }
    short.fill(0);
    for (let u = 0; u < book.nUnits; u++) {
      let e = book.unitWallet[u]!;
      for (let p = book.unitPosStart[u]!; p < book.unitPosStart[u + 1]!; p++) {
        const vs = v[book.posSymbol[p]!]!;
        if (vs === vs) e += book.posSize[p]! * (vs - book.posEntryV[p]!);
      }
      if (e < 0) short[book.unitAccount[u]!] -= e;
    }
    for (let a = 0; a < book.nAccounts; a++) if (short[a]! > worst[a]!) worst[a] = short[a]!;
  }
  out.fill(0);
  const top1 = new Float64Array(out.length);
  const top2 = new Float64Array(out.length);
  for (let a = 0; a < book.nAccounts; a++) {
    const d = worst[a]!;
    const c = book.accountCurrency[a]!;
    if (d > top1[c]!) {
      top2[c] = top1[c]!;
      top1[c] = d;
    } else if (d > top2[c]!) top2[c] = d;
  }
  for (let c = 0; c < out.length; c++) out[c] = top1[c]! + top2[c]!;
}

/** k of the project's tail convention for N values at confidence a. */
export function tailCount(n: number, confidence: number): number {
  const x = (1 - confidence) * n;
  const r = Math.round(x);
  return Math.max(1, Math.abs(x - r) <= 1e-9 * Math.max(1, x) ? r : Math.ceil(x));
}

/** The k-th largest of xs (k ≥ 1). */
export function kthLargest(xs: ArrayLike<number>, k: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.max(0, sorted.length - k)]!;
}

export interface CurrencySizing {
  currency: string;
  /** Fund covering the requirement on all but the k − 1 worst paths (k from the tail convention). */
  fundAtConfidence: number;
  meanRequirement: number;
  maxRequirement: number;
  /** Mean of the k largest requirements (expected shortfall of the requirement). */
  tailMeanRequirement: number;
  cover2AtConfidence: number;
  maxCover2: number;
  /** Fraction of paths with ADL under the venue's own fund and rules. */
  adlProbability: number;
  meanAdlVolume: number;
  adlVolumeAtConfidence: number;
  /** Per path (for charts). */
  requirements: Float64Array;
  adlVolumes: Float64Array;
  cover2: Float64Array;
}

export interface SizingResult {
  paths: number;
  confidence: number;
  k: number;
  currencies: CurrencySizing[];
  liquidationsPerPath: { mean: number; max: number };
}

/** Merges chunks (any order) into the distribution and the fund sizes. */
export function aggregateSizing(chunks: readonly SizingChunk[], confidence: number): SizingResult {
  const sorted = [...chunks].sort((a, b) => a.from - b.from);
  const N = sorted.reduce((s, c) => s + (c.to - c.from), 0);
  const currencies = sorted[0]?.currencies ?? [];
  const nC = currencies.length;
  const k = tailCount(N, confidence);
  let liqSum = 0;
  let liqMax = 0;
  for (const c of sorted) for (const x of c.liquidations) {
    liqSum += x;
    liqMax = Math.max(liqMax, x);
  }
  return {
    paths: N,
    confidence,
    k,
    liquidationsPerPath: { mean: N > 0 ? liqSum / N : 0, max: liqMax },
    currencies: currencies.map((currency, ci) => {
      const pick = (f: (c: SizingChunk) => ArrayLike<number>): Float64Array => {
        const out = new Float64Array(N);
        let i = 0;
        for (const c of sorted) {
          const a = f(c);
          for (let r = 0; r < c.to - c.from; r++) out[i++] = a[r * nC + ci]!;
        }
        return out;
      };
      const req = pick((c) => c.requirement);
      const adl = pick((c) => c.adlVolume);
      const happened = pick((c) => c.adlHappened);
      const c2 = pick((c) => c.cover2);
      const desc = Float64Array.from(req).sort().reverse();
      const mean = (x: Float64Array) => (x.length ? x.reduce((s, v) => s + v, 0) / x.length : 0);
      return {
        currency,
        fundAtConfidence: N ? kthLargest(req, k) : 0,
        meanRequirement: mean(req),
        maxRequirement: N ? desc[0]! : 0,
        tailMeanRequirement: N ? mean(desc.subarray(0, k)) : 0,
        cover2AtConfidence: N ? kthLargest(c2, k) : 0,
        maxCover2: N ? Math.max(...c2) : 0,
        adlProbability: mean(happened),
        meanAdlVolume: mean(adl),
        adlVolumeAtConfidence: N ? kthLargest(adl, k) : 0,
        requirements: req,
        adlVolumes: adl,
        cover2: c2,
      };
    }),
  };
}
