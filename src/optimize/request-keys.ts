/**
 * Unknown-key checks of the optimisation problems. The problems are validated field by field by
 * their models (cvar.ts, gridHedge.ts, …), which read only the fields they know: a misspelt
 * `upperBound` or `esbudget` would be silently ignored and the problem solved without it. This
 * rejects any key a model does not read, naming it (`problem.instruments[0].uper`).
 */
import { ValidationError } from '../errors/index.js';

type Keys = readonly string[];

const EXPOSURE: Keys = ['baseDelta', 'deltaBounds', 'budget'];
const INSTRUMENT: Keys = ['id', 'delta', 'lower', 'upper', 'integer', 'lotSize', 'cost'];
const BUDGET: Keys = ['limit', 'mode'];

/** Allowed keys per problem kind, and of the nested objects each model reads. */
const PROBLEM_KEYS: Record<string, { top: Keys; nested: Record<string, Keys> }> = {
  cvar: {
    top: ['kind', 'confidence', 'basePnl', 'hedgePnl', 'instruments', 'objective', 'esBudget', 'minExpectedPnl', 'tailWeighting', 'book', ...EXPOSURE],
    nested: { instruments: INSTRUMENT, budget: BUDGET, book: ['positions', 'hedges', 'market', 'grid'] },
  },
  'grid-hedge': {
    top: ['kind', 'positions', 'hedges', 'market', 'grid', 'deltaBounds', 'budget'],
    nested: { hedges: ['id', 'position', 'lower', 'upper', 'integer', 'lotSize', 'cost'], budget: BUDGET },
  },
  collateral: {
    top: ['kind', 'assets', 'venues'],
    nested: { assets: ['id', 'available', 'haircut', 'costRate', 'eligibleVenues'], venues: ['id', 'requirement', 'concentrationLimit'] },
  },
  deleverage: {
    top: ['kind', 'positions', 'equity', 'buffer', 'margin', 'maxRounds'],
    nested: { positions: ['id', 'quantity', 'weight', 'tradingCost', 'marginPerUnit'] },
  },
  kelly: {
    top: ['kind', 'returns', 'kellyFraction', 'maxFraction', 'esBudget', 'liquidationBuffer'],
    nested: { esBudget: ['confidence', 'limit'] },
  },
};

function rejectUnknown(o: unknown, allowed: Keys, field: string): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o) || ArrayBuffer.isView(o)) return; // the model reports the type
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new ValidationError(`${field}.${k}`, 'unrecognized_keys', `unknown field (not part of the ${field} schema; expected one of ${allowed.join(', ')})`);
    }
  }
}

/** Throws a ValidationError naming the first key of `problem` its model does not read. */
export function rejectUnknownProblemKeys(problem: { kind: string }, field = 'problem'): void {
  const spec = PROBLEM_KEYS[problem.kind];
  if (!spec) return;
  rejectUnknown(problem, spec.top, field);
  for (const [key, allowed] of Object.entries(spec.nested)) {
    const v = (problem as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) v.forEach((x, i) => rejectUnknown(x, allowed, `${field}.${key}[${i}]`));
    else rejectUnknown(v, allowed, `${field}.${key}`);
  }
}
