/**
 * JSON for results: typed arrays become plain arrays (JSON.stringify would turn a Float64Array into
 * an object keyed by index); non-finite numbers become null, as JSON.stringify does.
 */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}

/** Serialises a result for the wire or disk. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}

/** A deep copy of `value` with typed arrays turned into arrays: what a client gets back. */
export function toPlain<T = unknown>(value: unknown): T {
  return JSON.parse(toJson(value)) as T;
}
