/**
 * zod → `ValidationError` bridge for the tiered margin module: the first issue becomes one typed
 * error whose field is the dotted path of the bad input and whose message ends with the bad value.
 */
import type { z } from 'zod';
import { ValidationError, describeValue } from '../../errors/index.js';

/** Joins a root and a zod path into `positions[0].leverage` / `tables.BTCUSDT.tiers[2].floor`. */
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
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Parses `input` with `schema`; on failure throws a `ValidationError` for the first issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let path: PropertyKey[] = [...issue.path];
  let message = issue.message;
  // Unknown keys are reported on the key itself, so the field names what must go.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...path, issue.keys[0]!];
    message = 'unknown field (not part of the schema)';
  }
  const value = valueAt(input, path);
  throw new ValidationError(formatPath(root, path), issue.code, `${message}; got ${describeValue(value)}`, value);
}
