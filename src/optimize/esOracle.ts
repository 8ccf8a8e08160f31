/**
 * The ES oracle of the cutting-plane optimiser: for quantities q, the loss of every scenario
 * L_s(q) = −(b_s + Σ_i P_si q_i), the tail, the exact ES and a supporting cut.
 *
 * ## Method
 * With tail weight W (W = k = tailCount(S, a) for the engine's discrete ES, W = (1 − a)S for the
 * continuous one), ES(q) = max { (1/W) Σ_s λ_s L_s(q) : 0 ≤ λ_s ≤ 1, Σ λ_s = W }. The maximiser puts
 * λ = 1 on the ⌈W⌉ − 1 largest losses and W − (⌈W⌉ − 1) on the ⌈W⌉-th (quickselect, O(S)); for integer
 * W this is the mean of the W largest losses, the engine's ES. For a fixed λ the bracket is linear in q,
 * so ES(q') ≥ c + g·q' for every q' with equality at q (a subgradient cut):
 *   g_i = −(1/W) Σ_s λ_s P_si,  c = −(1/W) Σ_s λ_s b_s.
 */
import { selectTopTs } from '../kernels/index.js';
import { snapCeil } from '../risk/index.js';

/** One evaluation: the ES at q and the cut ES(·) ≥ c + g·(·) that touches it there. */
export interface EsCut {
  es: number;
  c: number;
  g: Float64Array;
}

/** Scenario data of an ES problem: base P&L b (S) and hedge P&L per unit P (S × H, scenario-major). */
export interface EsScenarioData {
  S: number;
  H: number;
  base: ArrayLike<number>;
  P: ArrayLike<number>;
  /** Tail weight W in [1, S]. */
  W: number;
}

/** Evaluates ES and cuts on all scenarios; scratch buffers are allocated once. */
export class EsOracle {
  readonly S: number;
  readonly H: number;
  readonly W: number;
  /** ⌈W⌉ (snapped as the engine's tail count). */
  readonly kk: number;
  private readonly base: ArrayLike<number>;
  private readonly P: ArrayLike<number>;
  private readonly loss: Float64Array;
  private readonly v: Float64Array;
  private readonly ix: Float64Array;
  /** Scenario evaluations done (each a pass over S × H). */
  evaluations = 0;

  constructor(d: EsScenarioData) {
    this.S = d.S;
    this.H = d.H;
    this.W = d.W;
    this.kk = Math.max(1, Math.min(d.S, snapCeil(d.W)));
    this.base = d.base;
    this.P = d.P;
    this.loss = new Float64Array(d.S);
    this.v = new Float64Array(d.S);
    this.ix = new Float64Array(d.S);
  }

  /** Base P&L b (S values) and hedge P&L P (S × H), as given. */
  get baseData(): ArrayLike<number> { return this.base; }
  get pnlData(): ArrayLike<number> { return this.P; }
  /** The loss buffer of the last {@link losses} / {@link evaluate} call. */
  get lastLosses(): Float64Array { return this.loss; }

  /** Losses L_s(q) of every scenario (into the oracle's buffer, valid until the next call). */
  losses(q: ArrayLike<number>): Float64Array {
    const { S, H, base, P, loss } = this;
    for (let s = 0; s < S; s++) {
      let pnl = base[s];
      const o = s * H;
      for (let i = 0; i < H; i++) pnl += P[o + i] * q[i];
      loss[s] = -pnl;
    }
    return loss;
  }

  /** ES at q and its supporting cut. */
  evaluate(q: ArrayLike<number>): EsCut {
    this.evaluations++;
    const { S, H, W, kk, base, P, v, ix } = this;
    const loss = this.losses(q);
    v.set(loss);
    for (let s = 0; s < S; s++) ix[s] = s;
    selectTopTs(v, ix, S, kk);
    // the smallest of the top kk takes the fractional weight W − (kk − 1)
    let minAt = 0;
    for (let j = 1; j < kk; j++) if (v[j] < v[minAt]) minAt = j;
    const g = new Float64Array(H);
    let c = 0;
    let sum = 0;
    for (let j = 0; j < kk; j++) {
      const s = ix[j];
      const lam = j === minAt ? W - (kk - 1) : 1;
      sum += lam * v[j];
      c -= lam * base[s];
      const o = s * H;
      for (let i = 0; i < H; i++) g[i] -= lam * P[o + i];
    }
    for (let i = 0; i < H; i++) g[i] /= W;
    return { es: sum / W, c: c / W, g };
  }
}
