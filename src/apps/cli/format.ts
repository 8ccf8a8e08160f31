/**
 * Output of the CLI: JSON (typed arrays as arrays) or a plain-text table. The table shows the
 * scalar fields of a result as `field  value` rows (nested objects flattened to dotted paths), short
 * number arrays inline, and arrays of records as their own column tables.
 */
import { toJson } from '../../util/index.js';

export type OutputFormat = 'json' | 'table';

const MAX_INLINE = 8;
const MAX_ROWS = 50;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toPrecision(10).replace(/\.?0+(e|$)/, '$1') : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return JSON.stringify(v);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || ['number', 'string', 'boolean'].includes(typeof v);

function columns(rows: Record<string, unknown>[]): string {
  const keys: string[] = [];
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (isScalar(v) && !keys.includes(k)) keys.push(k);
  const shown = rows.slice(0, MAX_ROWS);
  const grid = [keys, ...shown.map((r) => keys.map((k) => cell(r[k])))];
  const width = keys.map((_, j) => Math.max(...grid.map((row) => row[j].length)));
  const line = (row: string[]): string => row.map((c, j) => c.padEnd(width[j])).join('  ').trimEnd();
  const out = [line(grid[0]), width.map((w) => '-'.repeat(w)).join('  '), ...grid.slice(1).map(line)];
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more rows (use --format json)`);
  return out.join('\n');
}

/** Formats a result (already plain JSON) as text. */
export function formatTable(value: unknown): string {
  if (Array.isArray(value)) return value.every(isRecord) && value.length > 0 ? columns(value) : value.map(cell).join('\n');
  if (!isRecord(value)) return cell(value);
  const rows: [string, string][] = [];
  const tables: [string, Record<string, unknown>[]][] = [];
  const walk = (o: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const [k, v] of Object.entries(o)) {
      const key = prefix + k;
      if (Array.isArray(v)) {
        if (v.length > 0 && v.every(isRecord)) tables.push([key, v]);
        else if (v.length <= MAX_INLINE) rows.push([key, v.map(cell).join(', ')]);
        else rows.push([key, `[${v.length} values]`]);
      } else if (isRecord(v) && depth < 3) walk(v, `${key}.`, depth + 1);
      else rows.push([key, cell(v)]);
    }
  };
  walk(value, '', 0);
  const w = Math.max(0, ...rows.map(([k]) => k.length));
  const parts = [rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')];
  for (const [k, t] of tables) parts.push(`${k}:\n${columns(t)}`);
  return parts.filter((p) => p.length > 0).join('\n\n');
}

/** The text written to stdout for a result. */
export function formatOutput(value: unknown, format: OutputFormat): string {
  const plain = JSON.parse(toJson(value)) as unknown;
  return format === 'json' ? JSON.stringify(plain, null, 2) : formatTable(plain);
}
