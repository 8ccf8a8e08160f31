/**
 * Clearing-house (CCP) stress exposures, Cover-1/Cover-2 default fund sizing and the allocation of the
 * fund among clearing members.
 *
 * ## Method
 * - A member's uncovered stress exposure is max(0, stressLoss − initialMargin − collateral).
 * - Affiliates default together: a group's uncovered exposure is the sum of its members' (each member
 *   clipped at 0 first, since one legal entity's excess margin does not cover an affiliate's loss).
 * - Cover-N: the sum of the N largest group exposures (EMIR art. 43, PFMI principle 4: the default of
 *   the two members, with their affiliates, to which the CCP has the largest exposures).
 * - Contributions: the fund (integer minor units) is split pro rata to the chosen basis (uncovered
 *   exposure or initial margin) by the largest-remainder method so the parts sum exactly; a member whose
 *   share would fall below the minimum pays the minimum and the rest is re-split among the others
 *   (repeated until stable). If members × minimum exceeds the fund, everyone pays the minimum and the
 *   total exceeds the fund. A zero basis for every remaining member splits equally.
 *
 * ## References
 * - CPMI-IOSCO (2012). Principles for financial market infrastructures, Principle 4 (Credit risk).
 * - Regulation (EU) No 648/2012 (EMIR), art. 42–43; Commission Delegated Regulation 153/2013, art. 29–31.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { requireArray, requireId, requireMinorUnits, requireNonNegative } from '../errors/index.js';
import { apportion } from './validate.js';

/** A clearing member under a stress scenario (currency units, positive = loss). */
export interface ClearingMember {
  id: string;
  /** Affiliate group; members sharing a group default together (default: the member's own id). */
  group?: string;
  /** Stress loss of the member's portfolio (largest over the scenarios), positive = loss. */
  stressLoss: number;
  /** Initial margin held, ≥ 0. */
  initialMargin: number;
  /** Other prefunded collateral of the member usable against its loss, ≥ 0 (default 0). */
  collateral?: number;
}

export interface MemberExposure {
  id: string;
  group: string;
  stressLoss: number;
  initialMargin: number;
  collateral: number;
  /** max(0, stressLoss − initialMargin − collateral). */
  uncovered: number;
}

export interface GroupExposure {
  group: string;
  /** Member ids in input order. */
  members: string[];
  /** Sum of the members' uncovered exposures. */
  uncovered: number;
}

export interface DefaultFundSize {
  /** The chosen cover (1 or 2). */
  cover: 1 | 2;
  /** Fund size for the chosen cover. */
  size: number;
  /** Largest group exposure. */
  cover1: number;
  /** Sum of the two largest group exposures (the largest alone when there is one group). */
  cover2: number;
  /** The groups making up `size`, largest first. */
  covered: GroupExposure[];
  /** All groups, largest uncovered exposure first (ties: first appearance in the input). */
  groups: GroupExposure[];
}

function readMembers(members: unknown): MemberExposure[] {
  const arr = requireArray<ClearingMember>('members', members);
  const seen = new Set<string>();
  return arr.map((m, i) => {
    const f = `members[${i}]`;
    const id = requireId(`${f}.id`, m?.id);
    if (seen.has(id)) throw new ValidationError(`${f}.id`, 'unique', `must be unique; got duplicate ${describeValue(id)}`, id);
    seen.add(id);
    const group = m.group === undefined ? id : requireId(`${f}.group`, m.group);
    const stressLoss = requireNonNegative(`${f}.stressLoss`, m.stressLoss);
    const initialMargin = requireNonNegative(`${f}.initialMargin`, m.initialMargin);
    const collateral = requireNonNegative(`${f}.collateral`, m.collateral ?? 0);
    return { id, group, stressLoss, initialMargin, collateral, uncovered: Math.max(0, stressLoss - initialMargin - collateral) };
  });
}

/**
 * Per-member uncovered stress exposure max(0, stressLoss − initialMargin − collateral).
 * @throws ValidationError for an empty list, a duplicate id, or a negative or non-finite amount.
 * @example
 * uncoveredExposures([{ id: 'A', stressLoss: 150, initialMargin: 100, collateral: 20 }])[0].uncovered // returns 30
 */
export function uncoveredExposures(members: ClearingMember[]): MemberExposure[] {
  return readMembers(members);
}

/**
 * Default fund size by Cover-1 and Cover-2 with affiliates merged into groups.
 *
 * @param members clearing members with their stress loss, margin and collateral (currency units).
 * @param options `cover`: 1 or 2 (default 2) selects `size` and `covered`.
 * @throws ValidationError for bad members or a cover other than 1 or 2.
 * @example
 * defaultFundSize([
 *   { id: 'A', stressLoss: 100, initialMargin: 40 },
 *   { id: 'B', stressLoss: 80, initialMargin: 50, group: 'G' },
 *   { id: 'C', stressLoss: 70, initialMargin: 30, group: 'G' },
 * ]).size // returns 130 (group G: 30 + 40 = 70, plus A: 60)
 */
export function defaultFundSize(members: ClearingMember[], options: { cover?: 1 | 2 } = {}): DefaultFundSize {
  const cover = options.cover ?? 2;
  if (cover !== 1 && cover !== 2) {
    throw new ValidationError('options.cover', 'enum', `must be 1 or 2; got ${describeValue(cover)}`, cover);
  }
  const exp = readMembers(members);
  const byGroup = new Map<string, GroupExposure>();
  for (const m of exp) {
    const g = byGroup.get(m.group);
    if (g) {
      g.members.push(m.id);
      g.uncovered += m.uncovered;
    } else byGroup.set(m.group, { group: m.group, members: [m.id], uncovered: m.uncovered });
  }
  // Array.prototype.sort is stable, so ties keep first appearance.
  const groups = [...byGroup.values()].sort((a, b) => b.uncovered - a.uncovered);
  const cover1 = groups[0].uncovered;
  const cover2 = cover1 + (groups.length > 1 ? groups[1].uncovered : 0);
  return {
    cover,
    size: cover === 1 ? cover1 : cover2,
    cover1,
    cover2,
    covered: groups.slice(0, cover),
    groups,
  };
}

export interface AllocationOptions {
  /** Pro-rata basis: uncovered stress exposure (default) or initial margin. */
  basis?: 'uncovered' | 'initialMargin';
  /** Minimum contribution per member, integer minor units (default 0). */
  minimumContribution?: number;
}

export interface FundAllocation {
  /** Contribution per member in input order, integer minor units. */
  contributions: { id: string; amount: number }[];
  /** Sum of contributions: the fund size, or members × minimum when that is larger. */
  total: number;
}

/**
 * Splits a default fund among members pro rata to uncovered stress exposure or initial margin,
 * with a minimum contribution; integer minor units, summing exactly (see the module Method).
 *
 * @param members clearing members (currency units for the basis).
 * @param fundSize the fund to raise, integer minor units ≥ 0 (see `toMinorUnits`).
 * @param options `basis`, `minimumContribution` (integer minor units).
 * @throws ValidationError for bad members, a non-integer amount or an unknown basis.
 * @example
 * allocateDefaultFund(members, 1_000_000, { basis: 'initialMargin', minimumContribution: 50_000 })
 */
export function allocateDefaultFund(
  members: ClearingMember[],
  fundSize: number,
  options: AllocationOptions = {},
): FundAllocation {
  const exp = readMembers(members);
  const F = requireMinorUnits('fundSize', fundSize);
  const basis = options.basis ?? 'uncovered';
  if (basis !== 'uncovered' && basis !== 'initialMargin') {
    throw new ValidationError('options.basis', 'enum', `must be 'uncovered' or 'initialMargin'; got ${describeValue(basis)}`, basis);
  }
  const min = requireMinorUnits('options.minimumContribution', options.minimumContribution ?? 0);
  const n = exp.length;
  const w = exp.map((m) => (basis === 'uncovered' ? m.uncovered : m.initialMargin));
  const amounts = new Array<number>(n).fill(min);

  if (n * min < F) {
    const atMin = new Array<boolean>(n).fill(false);
    let rest: number[] = [];
    let weights: number[] = [];
    for (;;) {
      rest = [];
      for (let i = 0; i < n; i++) if (!atMin[i]) rest.push(i);
      const Fr = F - (n - rest.length) * min;
      let W = 0;
      for (const i of rest) W += w[i];
      weights = rest.map((i) => (W > 0 ? w[i] : 1));
      const Wr = W > 0 ? W : rest.length;
      let changed = false;
      rest.forEach((i, j) => {
        if ((Fr * weights[j]) / Wr < min) {
          atMin[i] = true;
          changed = true;
        }
      });
      if (!changed) break;
    }
    const parts = apportion(F - (n - rest.length) * min, weights);
    rest.forEach((i, j) => (amounts[i] = parts[j]));
  }
  let total = 0;
  for (const a of amounts) total += a;
  return { contributions: exp.map((m, i) => ({ id: m.id, amount: amounts[i] })), total };
}

/**
 * Converts a currency amount to integer minor units: round(amount × 10^decimals), or the ceiling with
 * `mode: 'ceil'` (prudent for sizing a fund).
 * @throws ValidationError if the amount is negative, non-finite or too large for a safe integer, or the
 *   mode is not 'round' or 'ceil'.
 * @example toMinorUnits(12.34) // returns 1234; toMinorUnits(0.07, { mode: 'ceil' }) // returns 7
 */
export function toMinorUnits(amount: number, options: { decimals?: number; mode?: 'round' | 'ceil' } = {}): number {
  const a = requireNonNegative('amount', amount);
  const mode = options.mode ?? 'round';
  if (mode !== 'round' && mode !== 'ceil') {
    throw new ValidationError('options.mode', 'enum', `must be 'round' or 'ceil'; got ${describeValue(mode)}`, mode);
  }
  const d = options.decimals ?? 2;
  if (!Number.isInteger(d) || d < 0 || d > 8) {
    throw new ValidationError('options.decimals', 'integer', `must be an integer in [0, 8]; got ${describeValue(d)}`, d);
  }
  // Round the scaled value to 1e-6 first so that 0.07 × 100 = 7.000000000000001 does not ceil to 8.
  const scaled = Math.round(a * 10 ** d * 1e6) / 1e6;
  const v = mode === 'ceil' ? Math.ceil(scaled) : Math.round(scaled);
  if (!Number.isSafeInteger(v)) {
    throw new ValidationError('amount', 'minor-units', `is too large for integer minor units; got ${describeValue(amount)}`, amount);
  }
  return v;
}
