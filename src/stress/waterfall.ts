/**
 * Default waterfall of a clearing house: the order in which prefunded and unfunded resources absorb the
 * close-out loss of defaulting members.
 *
 * ## Method
 * All amounts are integer minor units (e.g. cents), so every layer and every per-member share sums
 * exactly: Σ layer use + uncovered = total loss. Layers, in order:
 * 1. `defaulterMargin`  — each defaulter's initial margin against its own loss (an excess margin of one
 *    defaulter is returned to its estate, not used for another defaulter's loss);
 * 2. `defaulterFund`    — each defaulter's default-fund contribution against its own remaining loss;
 * 3. `skinInTheGame`    — the CCP's dedicated own capital;
 * 4. `survivorFund`     — surviving members' fund contributions, pro rata to contribution;
 * 5. `assessments`      — calls on surviving members, each capped at floor(multiple × contribution),
 *    pro rata to the caps;
 * whatever is left is `uncovered` (for recovery tools, outside this function).
 * Pro-rata shares use the largest-remainder method (ties to the earlier member), so they sum exactly
 * and never exceed a member's contribution or cap.
 *
 * ## References
 * - Regulation (EU) No 648/2012 (EMIR), art. 45 (default waterfall); Delegated Regulation 153/2013 art. 35.
 * - CPMI-IOSCO (2017). Resilience of central counterparties: further guidance on the PFMI.
 */
import { ValidationError, describeValue, requireFinite } from '../errors/index.js';
import { requireArray, requireId, requireMinorUnits } from '../errors/index.js';
import { apportion } from './validate.js';

export interface WaterfallMember {
  id: string;
  /** Initial margin held, integer minor units. */
  initialMargin: number;
  /** Default-fund contribution, integer minor units. */
  fundContribution: number;
}

export interface WaterfallInput {
  /** All clearing members, defaulters included. */
  members: WaterfallMember[];
  /** Defaulting members and the close-out loss of each one's portfolio (integer minor units ≥ 0). */
  defaulters: { id: string; loss: number }[];
  /** The CCP's own capital in the waterfall, integer minor units. */
  skinInTheGame: number;
  /** Assessment cap as a multiple of each survivor's contribution (≥ 0, default 1). */
  assessmentMultiple?: number;
}

export type WaterfallLayerName = 'defaulterMargin' | 'defaulterFund' | 'skinInTheGame' | 'survivorFund' | 'assessments';

export interface WaterfallLayer {
  layer: WaterfallLayerName;
  /** Resources in the layer (for the defaulter layers: the defaulters' total margin / contribution). */
  available: number;
  /** Amount of the layer used. */
  used: number;
  /** Loss still to cover after this layer. */
  remainingAfter: number;
}

export interface WaterfallResult {
  /** Total close-out loss of the defaulters. */
  loss: number;
  layers: WaterfallLayer[];
  /** Loss left after every layer. */
  uncovered: number;
  defaulters: { id: string; loss: number; marginUsed: number; fundUsed: number; residual: number }[];
  /** Surviving members in input order: fund contribution used and assessment called. */
  survivors: { id: string; fundUsed: number; assessment: number }[];
}

/**
 * Runs the default waterfall (see the module Method).
 *
 * @param input members, defaulters with their losses, skin in the game, assessment multiple.
 * @throws ValidationError for a non-integer or negative amount, a duplicate id, or an unknown defaulter.
 * @example
 * defaultWaterfall({
 *   members: [
 *     { id: 'D', initialMargin: 500, fundContribution: 100 },
 *     { id: 'A', initialMargin: 300, fundContribution: 200 },
 *     { id: 'B', initialMargin: 300, fundContribution: 100 },
 *   ],
 *   defaulters: [{ id: 'D', loss: 1_200 }],
 *   skinInTheGame: 150,
 * }).uncovered // returns 0 (500 margin + 100 fund + 150 SITG + 300 survivors' fund + 150 assessments)
 */
export function defaultWaterfall(input: WaterfallInput): WaterfallResult {
  const members = requireArray<WaterfallMember>('input.members', input?.members);
  const byId = new Map<string, { im: number; fund: number }>();
  members.forEach((m, i) => {
    const id = requireId(`input.members[${i}].id`, m?.id);
    if (byId.has(id)) throw new ValidationError(`input.members[${i}].id`, 'unique', `must be unique; got duplicate ${describeValue(id)}`, id);
    byId.set(id, {
      im: requireMinorUnits(`input.members[${i}].initialMargin`, m.initialMargin),
      fund: requireMinorUnits(`input.members[${i}].fundContribution`, m.fundContribution),
    });
  });
  const defs = requireArray<{ id: string; loss: number }>('input.defaulters', input.defaulters, 0);
  const defaulted = new Set<string>();
  const defaulters = defs.map((d, i) => {
    const id = requireId(`input.defaulters[${i}].id`, d?.id);
    const m = byId.get(id);
    if (!m) throw new ValidationError(`input.defaulters[${i}].id`, 'member', `must be one of input.members; got ${describeValue(id)}`, id);
    if (defaulted.has(id)) throw new ValidationError(`input.defaulters[${i}].id`, 'unique', `must be unique; got duplicate ${describeValue(id)}`, id);
    defaulted.add(id);
    const loss = requireMinorUnits(`input.defaulters[${i}].loss`, d.loss);
    const marginUsed = Math.min(loss, m.im);
    const fundUsed = Math.min(loss - marginUsed, m.fund);
    return { id, loss, marginUsed, fundUsed, residual: loss - marginUsed - fundUsed, im: m.im, fund: m.fund };
  });
  const sitg = requireMinorUnits('input.skinInTheGame', input.skinInTheGame);
  const multiple = requireFinite('input.assessmentMultiple', input.assessmentMultiple ?? 1);
  if (multiple < 0) {
    throw new ValidationError('input.assessmentMultiple', 'nonnegative', `must be >= 0; got ${describeValue(multiple)}`, multiple);
  }

  const survivors = members.filter((m) => !defaulted.has(m.id));
  // Integer sums stay exact only below 2^53; past that "sums exactly" would silently fail.
  const safeSum = (field: string, xs: number[]): number => {
    const total = xs.reduce((s, x) => s + x, 0);
    if (!Number.isSafeInteger(total)) throw new ValidationError(field, 'range', `total exceeds the safe integer range of minor units; got ${total}`, total);
    return total;
  };
  const loss = safeSum('input.defaulters[*].loss', defaulters.map((d) => d.loss));
  // These two bound every margin and fund sum below.
  safeSum('input.members[*].initialMargin', members.map((m) => m.initialMargin));
  safeSum('input.members[*].fundContribution', members.map((m) => m.fundContribution));
  const layers: WaterfallLayer[] = [];
  let remaining = loss;
  const push = (layer: WaterfallLayerName, available: number, used: number): void => {
    remaining -= used;
    layers.push({ layer, available, used, remainingAfter: remaining });
  };

  push('defaulterMargin', defaulters.reduce((s, d) => s + d.im, 0), defaulters.reduce((s, d) => s + d.marginUsed, 0));
  push('defaulterFund', defaulters.reduce((s, d) => s + d.fund, 0), defaulters.reduce((s, d) => s + d.fundUsed, 0));
  push('skinInTheGame', sitg, Math.min(remaining, sitg));

  const contributions = survivors.map((m) => m.fundContribution);
  const fundTotal = contributions.reduce((s, c) => s + c, 0);
  const fundUsed = Math.min(remaining, fundTotal);
  const fundShares = fundUsed === fundTotal ? contributions.slice() : apportion(fundUsed, contributions);
  push('survivorFund', fundTotal, fundUsed);

  const caps = survivors.map((m) => Math.floor(multiple * m.fundContribution));
  const capTotal = caps.reduce((s, c) => s + c, 0);
  if (!Number.isSafeInteger(capTotal)) {
    throw new ValidationError('input.assessmentMultiple', 'range', `gives assessment caps too large for safe integers; got ${multiple}`, multiple);
  }
  const assessed = Math.min(remaining, capTotal);
  const assessShares = assessed === capTotal ? caps.slice() : apportion(assessed, caps);
  push('assessments', capTotal, assessed);

  return {
    loss,
    layers,
    uncovered: remaining,
    defaulters: defaulters.map(({ id, loss: l, marginUsed, fundUsed: fu, residual }) => ({ id, loss: l, marginUsed, fundUsed: fu, residual })),
    survivors: survivors.map((m, i) => ({ id: m.id, fundUsed: fundShares[i], assessment: assessShares[i] })),
  };
}
