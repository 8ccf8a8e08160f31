/**
 * Price loaders: CSV text (wide or long/exchange format), CSV files and in-memory arrays, all
 * validated the same way and returned as a `PriceSeries` (dates ascending, one column per symbol).
 */
import { readFile } from 'node:fs/promises';
import { ValidationError, describeValue } from '../errors/index.js';
import { requireOneOf } from '../errors/index.js';

/** Aligned close prices: `prices[t][j]` is the close of `symbols[j]` on `dates[t]`; dates ascending. */
export interface PriceSeries {
  /** Date strings (ISO `YYYY-MM-DD` or a day index such as `"17"`), strictly ascending. */
  dates: string[];
  /** Instrument names, one per column. */
  symbols: string[];
  /** T rows × N columns of positive finite prices. */
  prices: number[][];
}

/** How missing values (empty cell, `NA`, `NaN`, `null`) are treated. */
export type FillPolicy = 'error' | 'forward' | 'drop-row';

/** Options shared by `parseCsv`, `loadCsv` and `fromArrays`. */
export interface LoadOptions {
  /** Missing values: `'error'` (default) throws, `'forward'` carries the last price forward, `'drop-row'` drops the date. */
  fill?: FillPolicy;
  /** Sort rows by date instead of rejecting unsorted input (default false). Duplicates are always rejected. */
  sort?: boolean;
}

/** Options of `parseCsv` / `loadCsv`. */
export interface CsvOptions extends LoadOptions {
  /** `'auto'` (default) detects the long format by a header with `date`, `symbol` and `close` (or `price`). */
  format?: 'auto' | 'wide' | 'long';
  /** Field separator (default `,`). */
  delimiter?: string;
}

const FILLS = ['error', 'forward', 'drop-row'] as const;
const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a', 'none']);

/** One cell before validation: a number, or null when missing. */
type Cell = number | null;

/** Raw table plus a function naming the source of a cell, for error messages. */
interface RawTable {
  dates: string[];
  symbols: string[];
  cells: Cell[][];
  /** Field path of cell (original row r, column j). */
  where: (r: number, j: number) => string;
  /** Field path of the date of original row r. */
  whereDate: (r: number) => string;
  /** Original text of a missing cell, for the message. */
  raw: (r: number, j: number) => string;
  /** The long format is always sorted (exports are often grouped by symbol). */
  alwaysSort: boolean;
}

function checkOptions(opts: LoadOptions): { fill: FillPolicy; sort: boolean } {
  const fill = requireOneOf('options.fill', opts.fill ?? 'error', FILLS);
  const sort = opts.sort ?? false;
  if (typeof sort !== 'boolean') {
    throw new ValidationError('options.sort', 'type', `must be a boolean; got ${describeValue(sort)}`, sort);
  }
  return { fill, sort };
}

/** Parses a number cell; null when missing; throws when not a number. */
function parseCell(text: string, field: string): Cell {
  const t = text.trim();
  if (MISSING.has(t.toLowerCase())) return null;
  const v = Number(t);
  if (!Number.isFinite(v)) {
    throw new ValidationError(field, 'number', `must be a number; got ${describeValue(t)}`, t);
  }
  return v;
}

/** Splits CSV text into trimmed cells; handles CRLF, blank lines, and double-quoted fields. */
function splitCsv(text: string, delimiter: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let k = 0; k < line.length; k++) {
      const c = line[k];
      if (quoted) {
        if (c === '"' && line[k + 1] === '"') { cur += '"'; k++; }
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === delimiter) { cells.push(cur.trim()); cur = ''; }
      else cur += c;
    }
    cells.push(cur.trim());
    out.push({ line: i + 1, cells });
  }
  return out;
}

/** Sort key of a date: a number for day indexes, else epoch ms of a parseable date. */
function dateKeys(dates: string[], whereDate: (r: number) => string): number[] {
  const numeric = dates.every((d) => /^[+-]?\d+(\.\d+)?$/.test(d));
  return dates.map((d, r) => {
    const k = numeric ? Number(d) : Date.parse(d);
    if (!Number.isFinite(k)) {
      throw new ValidationError(whereDate(r), 'date', `must be a date (YYYY-MM-DD) or a day index; got ${describeValue(d)}`, d);
    }
    return k;
  });
}

/** Validates, sorts, fills and converts a raw table into a PriceSeries. */
function finish(t: RawTable, opts: LoadOptions): PriceSeries {
  const { fill, sort } = checkOptions(opts);
  const T = t.dates.length;
  const N = t.symbols.length;
  if (N === 0) throw new ValidationError('symbols', 'length', 'must name at least one instrument; got 0', 0);
  if (T === 0) throw new ValidationError('dates', 'length', 'must have at least one row of prices; got 0', 0);
  const seen = new Map<string, number>();
  t.symbols.forEach((s, j) => {
    if (s === '') throw new ValidationError(`symbols[${j}]`, 'name', 'must be a non-empty name; got ""', s);
    if (seen.has(s)) throw new ValidationError(`symbols[${j}]`, 'unique', `duplicates symbols[${seen.get(s)}]; got ${describeValue(s)}`, s);
    seen.set(s, j);
  });
  const keys = dateKeys(t.dates, t.whereDate);
  let order = keys.map((_, r) => r);
  if (sort || t.alwaysSort) order.sort((a, b) => keys[a] - keys[b] || a - b);
  for (let p = 1; p < T; p++) {
    const prev = order[p - 1];
    const r = order[p];
    if (keys[r] === keys[prev]) {
      throw new ValidationError(t.whereDate(r), 'unique', `duplicate date ${describeValue(t.dates[r])} (also at ${t.whereDate(prev)})`, t.dates[r]);
    }
    if (keys[r] < keys[prev]) {
      throw new ValidationError(t.whereDate(r), 'sorted', `date ${describeValue(t.dates[r])} comes before the previous row's ${describeValue(t.dates[prev])}; dates must ascend (pass sort: true to sort)`, t.dates[r]);
    }
  }
  for (const r of order) {
    for (let j = 0; j < N; j++) {
      const v = t.cells[r][j];
      if (v !== null && !(v > 0)) {
        throw new ValidationError(t.where(r, j), 'positive', `price must be > 0; got ${describeValue(v)}`, v);
      }
    }
  }
  const dates: string[] = [];
  const prices: number[][] = [];
  const last: Cell[] = new Array(N).fill(null);
  for (const r of order) {
    const row = t.cells[r];
    const missing = row.findIndex((v) => v === null);
    if (missing >= 0 && fill === 'error') {
      throw new ValidationError(t.where(r, missing), 'missing', `missing value ${describeValue(t.raw(r, missing))}; pass fill: 'forward' or 'drop-row' to accept gaps`, t.raw(r, missing));
    }
    if (missing >= 0 && fill === 'drop-row') continue;
    const out = new Array<number>(N);
    for (let j = 0; j < N; j++) {
      const v = row[j] ?? last[j];
      if (v === null) {
        throw new ValidationError(t.where(r, j), 'missing', `missing value ${describeValue(t.raw(r, j))} with no earlier price to carry forward`, t.raw(r, j));
      }
      out[j] = v;
      last[j] = v;
    }
    dates.push(t.dates[r]);
    prices.push(out);
  }
  if (prices.length === 0) throw new ValidationError('prices', 'length', 'no complete row left after dropping rows with missing values', 0);
  return { dates, symbols: [...t.symbols], prices };
}

function wideTable(rows: { line: number; cells: string[] }[]): RawTable {
  const header = rows[0];
  const symbols = header.cells.slice(1);
  const body = rows.slice(1);
  const where = (r: number, j: number) => `csv line ${body[r].line}, column ${symbols[j]}`;
  const cells = body.map((row, r) => {
    if (row.cells.length !== symbols.length + 1) {
      throw new ValidationError(`csv line ${row.line}`, 'columns', `must have ${symbols.length + 1} cells like the header; got ${row.cells.length}`, row.cells.length);
    }
    return row.cells.slice(1).map((c, j) => parseCell(c, where(r, j)));
  });
  return {
    dates: body.map((row) => row.cells[0]),
    symbols,
    cells,
    where,
    whereDate: (r) => `csv line ${body[r].line}, column ${header.cells[0] || 'date'}`,
    raw: (r, j) => body[r].cells[j + 1],
    alwaysSort: false,
  };
}

function longTable(rows: { line: number; cells: string[] }[]): RawTable {
  const header = rows[0].cells.map((c) => c.toLowerCase());
  const iDate = header.findIndex((c) => c === 'date' || c === 'timestamp' || c === 'day');
  const iSym = header.indexOf('symbol');
  const iClose = header.findIndex((c) => c === 'close' || c === 'price');
  if (iDate < 0 || iSym < 0 || iClose < 0) {
    throw new ValidationError('csv line 1', 'header', `long format needs columns date, symbol, close; got ${describeValue(rows[0].cells.join(','))}`, rows[0].cells);
  }
  const dateIndex = new Map<string, number>();
  const symIndex = new Map<string, number>();
  const lineOf: number[] = [];
  const cellLine = new Map<string, number>();
  const rawCell = new Map<string, string>();
  const values = new Map<string, Cell>();
  for (const row of rows.slice(1)) {
    if (row.cells.length < header.length) {
      throw new ValidationError(`csv line ${row.line}`, 'columns', `must have ${header.length} cells like the header; got ${row.cells.length}`, row.cells.length);
    }
    const d = row.cells[iDate];
    const s = row.cells[iSym];
    if (!dateIndex.has(d)) { dateIndex.set(d, dateIndex.size); lineOf.push(row.line); }
    if (!symIndex.has(s)) symIndex.set(s, symIndex.size);
    const key = `${dateIndex.get(d)}\u0000${symIndex.get(s)}`;
    if (values.has(key)) {
      throw new ValidationError(`csv line ${row.line}`, 'unique', `duplicate (date, symbol) = (${d}, ${s}), first at csv line ${cellLine.get(key)}`, [d, s]);
    }
    values.set(key, parseCell(row.cells[iClose], `csv line ${row.line}, column ${rows[0].cells[iClose]}`));
    cellLine.set(key, row.line);
    rawCell.set(key, row.cells[iClose]);
  }
  const dates = [...dateIndex.keys()];
  const symbols = [...symIndex.keys()];
  const cells = dates.map((_, r) => symbols.map((_, j) => values.get(`${r}\u0000${j}`) ?? null));
  const where = (r: number, j: number) => {
    const line = cellLine.get(`${r}\u0000${j}`);
    return line === undefined ? `date ${dates[r]}, symbol ${symbols[j]} (no row)` : `csv line ${line}, symbol ${symbols[j]}`;
  };
  return {
    dates,
    symbols,
    cells,
    where,
    whereDate: (r) => `csv line ${lineOf[r]}, column date`,
    raw: (r, j) => rawCell.get(`${r}\u0000${j}`) ?? '',
    alwaysSort: true,
  };
}

/**
 * Parses daily closes from CSV text into an aligned, validated `PriceSeries`.
 *
 * Wide format: a header row, then one row per date: `date,SYM1,SYM2,…` (the first column is a date
 * `YYYY-MM-DD` or a day index). Long (exchange export) format: header with `date,symbol,close`
 * (in any order, `price` accepted for `close`), one row per (date, symbol); it is pivoted to wide,
 * dates aligned (a symbol absent on a date is a missing value) and sorted ascending.
 *
 * ## Method
 * Missing cells (empty, `NA`, `NaN`, `null`) throw unless `fill` is `'forward'` (carry the last
 * price; a gap in the first row still throws) or `'drop-row'`. Prices must be > 0. Dates must be
 * strictly ascending (wide format; pass `sort: true` to sort); duplicate dates always throw.
 *
 * @param text CSV text (`,` separated unless `opts.delimiter`).
 * @param opts `{ fill = 'error', sort = false, format = 'auto', delimiter = ',' }`.
 * @returns `{ dates, symbols, prices }` with `prices[t][j]` > 0.
 * @throws {ValidationError} naming the CSV line and column: missing value, non-numeric or
 *   non-positive price, unsorted or duplicate date, ragged row, bad header; `options.delimiter`
 *   that is not a single character (other than `"` or a line break).
 * @example
 * parseCsv('date,BTC,ETH\n2024-01-01,42000,2300\n2024-01-02,43000,2350').prices[1]
 * // returns [43000, 2350]
 */
export function parseCsv(text: string, opts: CsvOptions = {}): PriceSeries {
  if (typeof text !== 'string') {
    throw new ValidationError('text', 'type', `must be a string; got ${describeValue(text)}`, text);
  }
  const format = requireOneOf('options.format', opts.format ?? 'auto', ['auto', 'wide', 'long'] as const);
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ValidationError('options.delimiter', 'char', `must be one character other than a quote or a line break; got ${describeValue(delimiter)}`, delimiter);
  }
  const rows = splitCsv(text, delimiter);
  if (rows.length < 2) {
    throw new ValidationError('text', 'length', `must have a header row and at least one data row; got ${rows.length} non-empty lines`, rows.length);
  }
  const head = rows[0].cells.map((c) => c.toLowerCase());
  const looksLong = head.includes('symbol') && (head.includes('close') || head.includes('price'));
  const long = format === 'long' || (format === 'auto' && looksLong);
  return finish(long ? longTable(rows) : wideTable(rows), opts);
}

/**
 * Reads a CSV file (UTF-8) and parses it with `parseCsv`.
 * @param path File path.
 * @param opts See `parseCsv`.
 * @throws {ValidationError} as `parseCsv`; the file system error (ENOENT…) is passed through.
 * @example
 * const s = await loadCsv('data/eustockmarkets.csv'); s.symbols // returns ['DAX', 'SMI', 'CAC', 'FTSE']
 */
export async function loadCsv(path: string, opts: CsvOptions = {}): Promise<PriceSeries> {
  const text = await readFile(path, 'utf8');
  return parseCsv(text, opts);
}

/**
 * Builds a validated `PriceSeries` from arrays, with the same rules as `parseCsv`.
 * Missing values are `null`, `undefined` or `NaN`.
 *
 * @param dates T date strings (`YYYY-MM-DD`) or day indexes.
 * @param symbols N instrument names (unique, non-empty).
 * @param prices T rows × N columns of prices > 0.
 * @param opts `{ fill = 'error', sort = false }`.
 * @throws {ValidationError} field `prices[t][j]`, `dates[t]` or `symbols[j]`.
 * @example
 * fromArrays(['2024-01-02', '2024-01-01'], ['BTC'], [[43000], [42000]], { sort: true }).dates
 * // returns ['2024-01-01', '2024-01-02']
 */
export function fromArrays(
  dates: ReadonlyArray<string | number>,
  symbols: readonly string[],
  prices: ReadonlyArray<ReadonlyArray<number | null | undefined>>,
  opts: LoadOptions = {},
): PriceSeries {
  if (!Array.isArray(dates)) throw new ValidationError('dates', 'type', `must be an array; got ${describeValue(dates)}`, dates);
  if (!Array.isArray(symbols)) throw new ValidationError('symbols', 'type', `must be an array; got ${describeValue(symbols)}`, symbols);
  if (!Array.isArray(prices)) throw new ValidationError('prices', 'type', `must be an array of rows; got ${describeValue(prices)}`, prices);
  if (prices.length !== dates.length) {
    throw new ValidationError('prices', 'length', `must have one row per date (${dates.length}); got ${prices.length}`, prices.length);
  }
  const cells = prices.map((row, r) => {
    if (!Array.isArray(row) || row.length !== symbols.length) {
      throw new ValidationError(`prices[${r}]`, 'columns', `must have one price per symbol (${symbols.length}); got ${describeValue(row)}`, row);
    }
    return row.map((v, j): Cell => {
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValidationError(`prices[${r}][${j}]`, 'finite', `must be a finite number; got ${describeValue(v)}`, v);
      }
      return v;
    });
  });
  return finish(
    {
      dates: dates.map(String),
      symbols: symbols.map(String),
      cells,
      where: (r, j) => `prices[${r}][${j}]`,
      whereDate: (r) => `dates[${r}]`,
      raw: (r, j) => String(prices[r][j]),
      alwaysSort: false,
    },
    opts,
  );
}
