import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrays, loadCsv, parseCsv } from '../../src/market/index.js';
import { EU_CSV } from './helpers.js';
import { validationErrorOf } from '../helpers.js';


describe('parseCsv (wide format)', () => {
  it('loads the EuStockMarkets file with day index, four symbols and 1860 rows', async () => {
    const s = await loadCsv(EU_CSV);
    expect(s.symbols).toEqual(['DAX', 'SMI', 'CAC', 'FTSE']);
    expect(s.dates.length).toBe(1860);
    expect(s.dates[0]).toBe('1');
    expect(s.prices[0]).toEqual([1628.75, 1678.1, 1772.8, 2443.6]);
  });

  it('rejects a missing value naming the line and column', () => {
    const e = validationErrorOf(() => parseCsv('date,A,B\n2024-01-01,1,2\n2024-01-02,NA,3'));
    expect(e.rule).toBe('missing');
    expect(e.field).toBe('csv line 3, column A');
    expect(e.message).toContain('"NA"');
  });

  it('rejects an empty cell and NaN the same way', () => {
    expect(validationErrorOf(() => parseCsv('date,A,B\n1,1,\n2,2,3')).field).toBe('csv line 2, column B');
    expect(validationErrorOf(() => parseCsv('date,A,B\n1,1,2\n2,NaN,3')).field).toBe('csv line 3, column A');
  });

  it('forward-fills a gap when fill is forward', () => {
    const s = parseCsv('date,A,B\n1,1,2\n2,,3\n3,4,', { fill: 'forward' });
    expect(s.prices).toEqual([[1, 2], [1, 3], [4, 3]]);
  });

  it('refuses to forward-fill a gap in the first row', () => {
    expect(validationErrorOf(() => parseCsv('date,A\n1,NA\n2,3', { fill: 'forward' })).field).toBe('csv line 2, column A');
  });

  it('drops rows with a gap when fill is drop-row', () => {
    const s = parseCsv('date,A,B\n1,1,2\n2,,3\n3,4,5', { fill: 'drop-row' });
    expect(s.dates).toEqual(['1', '3']);
    expect(s.prices).toEqual([[1, 2], [4, 5]]);
  });

  it('rejects a negative price naming the cell and value', () => {
    const e = validationErrorOf(() => parseCsv('date,A,B\n2024-01-01,1,2\n2024-01-02,3,-4'));
    expect(e.rule).toBe('positive');
    expect(e.field).toBe('csv line 3, column B');
    expect(e.message).toContain('-4');
  });

  it('rejects a zero price', () => {
    expect(validationErrorOf(() => parseCsv('date,A\n1,0')).rule).toBe('positive');
  });

  it('rejects an unsorted date naming its line', () => {
    const e = validationErrorOf(() => parseCsv('date,A\n2024-01-02,1\n2024-01-01,2'));
    expect(e.rule).toBe('sorted');
    expect(e.field).toBe('csv line 3, column date');
    expect(e.message).toContain('2024-01-01');
  });

  it('sorts dates when sort is true', () => {
    const s = parseCsv('date,A\n2024-01-03,3\n2024-01-01,1\n2024-01-02,2', { sort: true });
    expect(s.dates).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(s.prices).toEqual([[1], [2], [3]]);
  });

  it('sorts day indexes numerically, not as text', () => {
    expect(parseCsv('day,A\n10,1\n9,2', { sort: true }).dates).toEqual(['9', '10']);
  });

  it('rejects a duplicate date even with sort', () => {
    expect(validationErrorOf(() => parseCsv('date,A\n2024-01-01,1\n2024-01-01,2', { sort: true })).rule).toBe('unique');
  });

  it('rejects a non-numeric price', () => {
    expect(validationErrorOf(() => parseCsv('date,A\n1,abc')).rule).toBe('number');
  });

  it('rejects a ragged row', () => {
    expect(validationErrorOf(() => parseCsv('date,A,B\n1,2')).field).toBe('csv line 2');
  });

  it('reads a semicolon-separated file and rejects a delimiter that is not one character', () => {
    expect(parseCsv('date;BTC\n2024-01-01;42000', { delimiter: ';' }).prices).toEqual([[42000]]);
    for (const delimiter of ['', ';;', '"', '\n']) {
      expect(() => parseCsv('date;;BTC\n2024-01-01;;42000', { delimiter })).toThrow(/^options\.delimiter: must be one character other than a quote or a line break/);
    }
  });

  it('rejects an unknown fill option naming it', () => {
    expect(validationErrorOf(() => parseCsv('date,A\n1,2', { fill: 'zero' as never })).field).toBe('options.fill');
  });
});

describe('parseCsv (long format)', () => {
  const long = [
    'date,symbol,close',
    '2024-01-02,ETH,2350',
    '2024-01-01,BTC,42000',
    '2024-01-02,BTC,43000',
    '2024-01-01,ETH,2300',
    '2024-01-03,BTC,44000',
  ].join('\n');

  it('detects the long format, pivots to wide and sorts by date', () => {
    const s = parseCsv(long, { fill: 'forward' });
    expect(s.symbols).toEqual(['ETH', 'BTC']);
    expect(s.dates).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(s.prices).toEqual([[2300, 42000], [2350, 43000], [2350, 44000]]);
  });

  it('treats a symbol absent on a date as a missing value', () => {
    const e = validationErrorOf(() => parseCsv(long));
    expect(e.rule).toBe('missing');
    expect(e.field).toBe('date 2024-01-03, symbol ETH (no row)');
  });

  it('rejects a duplicate (date, symbol) row', () => {
    const e = validationErrorOf(() => parseCsv('date,symbol,close\n2024-01-01,BTC,1\n2024-01-01,BTC,2'));
    expect(e.field).toBe('csv line 3');
    expect(e.rule).toBe('unique');
  });

  it('rejects a negative close naming its line', () => {
    const e = validationErrorOf(() => parseCsv('symbol,date,close\nBTC,2024-01-01,1\nBTC,2024-01-02,-1'));
    expect(e.field).toBe('csv line 3, symbol BTC');
  });
});

describe('loadCsv and fromArrays', () => {
  it('reads a file written to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'market-'));
    const p = join(dir, 'x.csv');
    writeFileSync(p, 'date,A\r\n2024-01-01,1\r\n2024-01-02,2\r\n');
    expect((await loadCsv(p)).prices).toEqual([[1], [2]]);
  });

  it('validates in-memory arrays with the same rules', () => {
    expect(validationErrorOf(() => fromArrays(['1', '2'], ['A'], [[1], [NaN]])).field).toBe('prices[1][0]');
    expect(validationErrorOf(() => fromArrays(['1', '2'], ['A'], [[1], [-2]])).field).toBe('prices[1][0]');
    expect(validationErrorOf(() => fromArrays(['2', '1'], ['A'], [[1], [2]])).field).toBe('dates[1]');
    expect(validationErrorOf(() => fromArrays(['1'], ['A', 'A'], [[1, 2]])).field).toBe('symbols[1]');
    expect(fromArrays([2, 1], ['A'], [[2], [1]], { sort: true }).prices).toEqual([[1], [2]]);
    expect(fromArrays([1, 2, 3], ['A'], [[1], [null], [3]], { fill: 'forward' }).prices).toEqual([[1], [1], [3]]);
  });
});
