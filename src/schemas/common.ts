/**
 * What every schema shares: finite numbers, vectors and matrices, and `parseInput`, which turns
 * the first zod issue into a `ValidationError` naming the field path and the bad value
 * (`options.confidence: must be < 1; got 1.5`).
 */
import { z } from 'zod';
import { ValidationError, describeValue } from '../errors/index.js';

/** A finite number (NaN and ±Infinity rejected with one message everywhere). */
export const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
export const vector = z.array(finite);
export const matrix = z.array(z.array(finite));

/** Estimated work of a request, in arbitrary units (≈ flops), and the field that drives it. */
export interface WorkEstimate {
  units: number;
  field: string;
}

/** A plain object (or array) handed to a model that validates its fields itself. */
export const isObjectLike = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Joins a root and a path into `market.covariance[1][2]` (an empty root gives `positions[0].qty`). */
export function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Parses `input` with `schema`; on failure throws a ValidationError for the first issue, naming
 * the field path and the bad value. Unknown keys of strict objects are reported on the key itself.
 * `describe` formats the bad value (default: `describeValue`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S, input: unknown, root: string, describe: (v: unknown) => string = describeValue,
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  let path: PropertyKey[] = [...issue.path];
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...path, issue.keys[0]];
    message = 'unknown field (not part of the schema)';
  }
  const value = valueAt(input, path);
  throw new ValidationError(formatPath(root, path), issue.code, `${message}; got ${describe(value)}`, value);
}
