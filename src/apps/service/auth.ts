/**
 * API keys: from `MARGIN_ENGINE_API_KEYS` (comma-separated) or a file (one key per line, `#`
 * comments), accepted in `x-api-key` or `Authorization: Bearer`. Keys are compared as SHA-256
 * digests in constant time, so neither the length nor a prefix of a key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../errors/index.js';

export const API_KEYS_ENV = 'MARGIN_ENGINE_API_KEYS';
export const API_KEYS_FILE_ENV = 'MARGIN_ENGINE_API_KEYS_FILE';

/** Splits a key list (comma- or newline-separated, `#` comments), dropping blanks. */
export function parseApiKeys(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((k) => k.length > 0);
}

/**
 * Keys from a file (when given or named by MARGIN_ENGINE_API_KEYS_FILE) plus MARGIN_ENGINE_API_KEYS.
 * @throws ValidationError naming `apiKeysFile` when the file cannot be read.
 */
export function loadApiKeys(opts: { file?: string; env?: NodeJS.ProcessEnv } = {}): string[] {
  const env = opts.env ?? process.env;
  const keys = parseApiKeys(env[API_KEYS_ENV] ?? '');
  const file = opts.file ?? env[API_KEYS_FILE_ENV];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ValidationError('apiKeysFile', 'readable', `cannot read ${file}: ${(e as Error).message}`, file);
    }
    keys.push(...parseApiKeys(text));
  }
  return [...new Set(keys)];
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A checker for a fixed key set. */
export function keyChecker(keys: readonly string[]): (presented: string | undefined) => boolean {
  const digests = keys.map(digest);
  return (presented) => {
    if (!presented) return false;
    const d = digest(presented);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(k, d) || ok; // no early exit
    return ok;
  };
}

/** The key a request presents: `x-api-key`, else `Authorization: Bearer <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.length > 0) return x;
  const a = headers.authorization;
  if (typeof a === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(a);
    if (m) return m[1];
  }
  return undefined;
}
