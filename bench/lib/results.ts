/**
 * Writing results (atomic: temp file then rename, so a reader never sees half a file) and
 * formatting numbers for tables.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes text atomically, creating the directory. Returns the path. */
export function writeText(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return file;
}

/** Writes pretty JSON atomically (non-finite numbers become null, as JSON requires). */
export function writeJson(file: string, value: unknown): string {
  return writeText(file, JSON.stringify(value, null, 2) + '\n');
}

/** Seconds with 3 significant digits: `0.301 s`, `1.25 ms`. */
export function fmtSeconds(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '—';
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

/** Rates with SI suffixes: `3.31 M/s`. */
export function fmtRate(r: number | null | undefined, unit = '/s'): string {
  if (r == null || !Number.isFinite(r)) return '—';
  const [d, suf] = r >= 1e9 ? [1e9, 'G'] : r >= 1e6 ? [1e6, 'M'] : r >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${(r / d).toPrecision(3)} ${suf}${unit}`;
}

/** Currency-like numbers with thousands separators and 2 decimals. */
export function fmtMoney(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A ratio as `3.21×`. */
export function fmtRatio(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return `${x.toPrecision(3)}×`;
}

/** Scenario counts as `1e6`, `200k`. */
export function fmtCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** A GitHub-flavoured Markdown table; cells are escaped for `|`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [line(header), `| ${sep.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Plain-text table for the console (right-aligned numbers). */
export function consoleTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [fmt(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(fmt)].join('\n');
}
