// Hostile cells that used to get through silently (issue 12): numbers too
// large or not finite, hex, dates with trailing junk, stray control bytes.
// Each is a row-level issue naming row and column; the good rows are kept.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { readHeaderLine } from '../../src/worker/headers';
import type { IngestIssue, WeeklyTable } from '../../src/core/types';
import { fastNumber, readNumberSlow } from '../../src/core/ingest/numbers';
import { datePart } from '../../src/core/ingest/dates';
import { sniffText } from '../../src/core/ingest/format-sniff';
import { forecastWithLibrary } from '../../src/core/forecast-library';

const HEADER = 'Date,SKU,Product Category,Quantity,Price per Unit,Total Amount';
const good = ['2023-11-20,A,Beauty,1,10,10', '2023-11-21,B,Clothing,2,5,10'];

function ingest(...bad: string[]): WeeklyTable {
  return ingestText([HEADER, ...good, ...bad, ''].join('\n'));
}

function rowIssues(t: WeeklyTable): IngestIssue[] {
  return t.report.issues.filter((i) => i.row !== undefined && i.severity === 'error');
}

function allFinite(t: WeeklyTable): boolean {
  return t.series.every((s) =>
    s.rows.every((r) => Object.values(r).every((v) => typeof v !== 'number' || Number.isFinite(v))),
  );
}

describe('numbers too large (issue 12, item 3)', () => {
  it.each([
    ['a 309-digit amount', '2023-11-22,A,Beauty,1,10,' + '9'.repeat(309), 'Total Amount'],
    ['1e308 amounts that would sum to infinity', '2023-11-22,A,Beauty,1,10,1e308', 'Total Amount'],
    ['quantity 1e200', '2023-11-22,A,Beauty,1e200,10,', 'Quantity'],
    ['an amount past 1e15', '2023-11-22,A,Beauty,1,10,2e15', 'Total Amount'],
  ])('refuses %s as a row issue, keeps the good rows', (_name, line, column) => {
    const t = ingest(line, line);
    expect(t.report.rowsUsed).toBe(2);
    expect(t.report.rowsSkipped).toBe(2);
    const issues = rowIssues(t);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ code: 'number-too-large', row: 4, column });
    expect(issues[0]?.message).toMatch(/number too large/);
    expect(allFinite(t)).toBe(true);
  });

  it('refuses quantity × price past the bound when the amount is computed', () => {
    const t = ingestText('Date,SKU,Quantity,Price\n2023-11-20,A,1,10\n2023-11-21,A,1e10,1e10\n');
    expect(t.report.rowsUsed).toBe(1);
    expect(rowIssues(t)[0]).toMatchObject({ code: 'number-too-large', row: 3, column: 'Price' });
    expect(allFinite(t)).toBe(true);
  });

  it('reads numbers up to the bound as before', () => {
    expect(fastNumber('1e15')).toBe(1e15);
    expect(fastNumber('-1e15')).toBe(-1e15);
    expect(readNumberSlow('$1,000,000,000,000,000.00')).toEqual({
      kind: 'thousands',
      value: 1e15,
      comma: 'thousands',
    });
    expect(readNumberSlow('1e309').kind).toBe('too-large');
    expect(readNumberSlow('9'.repeat(400)).kind).toBe('too-large');
    expect(readNumberSlow('Infinity').kind).toBe('bad');
  });
});

describe("numbers as planners' exports write them", () => {
  it.each([
    ['a French no-break space', '1\u00a0234', 1234],
    ['a narrow no-break space with a decimal comma', '1\u202f234,5', 1234.5],
    ['a Swiss apostrophe', "1'234.50", 1234.5],
    ['a typographic apostrophe', '12\u2019345', 12345],
    ["an accountant's negative", '(12)', -12],
    ["an accountant's negative in money", '($1,234.50)', -1234.5],
    ["SAP's trailing minus", '12-', -12],
    ["SAP's trailing minus with a decimal comma", '1.234,50-', -1234.5],
  ])('reads %s', (_what, text, value) => {
    expect(readNumberSlow(text).value).toBe(value);
  });

  it('reads a megabyte cell of digits, spaces or brackets as one bad number, as any other', () => {
    for (const text of [
      `1${' '.repeat(400_000)}2`,
      `${'9'.repeat(400_000)}-`.replace('9', '9-'),
      `${'('.repeat(200_000)}1${')'.repeat(200_000)}`,
    ])
      expect(readNumberSlow(text).kind).toBe('bad');
  });

  it.each(['(-12)', '12--', '()', '-', '(abc)', '-12-', '((12))'])('refuses %s', (text) => {
    expect(readNumberSlow(text).kind).toMatch(/bad|empty/);
  });

  it('reads a unit or currency word beside a mapped number, and names mixed units', () => {
    const t = ingestText(
      'Date,Item,Quantity,Amount\n2024-01-01,A,5 EA,EUR 1.234,50\n2024-01-02,A,2 CS,19.99 USD\n2024-01-03,A,3 Stk.,€ 7\n'.replace(
        /EUR 1.234,50/,
        '"EUR 1.234,50"',
      ),
    );
    expect(t.report.rowsUsed).toBe(3);
    expect(t.series[0]?.rows[0]?.quantity).toBe(10);
    expect(t.series[0]?.rows[0]?.total_amount).toBeCloseTo(1234.5 + 19.99 + 7, 6);
    const note = t.report.issues.find((i) => i.code === 'unit-word' && i.column === 'Quantity');
    expect(note?.severity).toBe('warning');
    expect(note?.message).toContain('"5 EA" read as 5');
    expect(note?.message).toContain('3 different units (EA, CS, Stk.)');
  });

  it('never reads a word beside a number where a column is found by its values', () => {
    expect(readNumberSlow('Pack 6').kind).toBe('bad');
    expect(readNumberSlow('5 EA').kind).toBe('bad');
    expect(ingestText('Date,Item,Quantity\n2024-01-01,A,five EA\n').report.rowsUsed).toBe(0);
  });

  it('keeps a row with a trailing minus as a return', () => {
    const t = ingestText('Datum;Artikel;Menge\n02.01.2024;A;12-\n09.01.2024;A;3\n');
    expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([-12, 3]);
    expect(t.report.issues.map((i) => i.code)).toContain('negative-quantity');
  });
});

describe('the forecast pipeline on huge but finite totals (issue 12, item 3)', () => {
  function table(scale: number): WeeklyTable {
    const lines = ['Date,SKU,Total Amount'];
    for (let w = 0; w < 40; w++) {
      const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
      lines.push(`${day},A,${1 + ((w * 7) % 5)}`);
      // B: volatile and intermittent.
      if (w % 3 !== 1) lines.push(`${day},B,${(w * 7919) % 5}`);
    }
    const t = ingestText(lines.join('\n'));
    for (const s of t.series) for (const r of s.rows) r.total_amount *= scale;
    return t;
  }

  it('forecasts weekly totals of 1e300 to finite numbers', async () => {
    for (const model of [
      'auto',
      'naive',
      'seasonal_naive',
      'window_average',
      'historic_average',
      'drift',
      'ses',
      'holt',
      'ets',
      'theta',
      'otm',
      'croston',
      'tsb',
      'adida',
      'imapa',
      'category_profile',
    ]) {
      const result = await forecastWithLibrary(table(2e299), { model, horizon: 4 });
      const values = result.skus.flatMap((s) => s.weeks.flatMap((w) => [w.p10, w.p50, w.p90]));
      const totals = result.categories.flatMap((c) =>
        c.weeks.flatMap((w) => [w.p10, w.p50, w.p90]),
      );
      expect(values.length).toBe(2 * 4 * 3);
      expect([...values, ...totals].every(Number.isFinite), model).toBe(true);
    }
  });

  it('refuses weekly totals past 1e250 with a message, not infinities', async () => {
    await expect(forecastWithLibrary(table(1e307), { model: 'naive' })).rejects.toMatchObject({
      name: 'ForecastError',
      code: 'number-too-large',
    });
  });
});

describe('stricter reading (issue 12, item 4)', () => {
  it('refuses hex, binary and octal literals instead of reading them in another base', () => {
    for (const text of ['0x19', '0X19', ' 0x19', '0b11', '0o7', '0x0']) {
      expect(fastNumber(text), text).toBeNaN();
      expect(readNumberSlow(text).kind, text).toBe('bad');
    }
    const t = ingest('2023-11-22,C,Beauty,1,10,0x19');
    expect(t.series.map((s) => s.sku)).toEqual(['A', 'B']);
    expect(rowIssues(t)[0]).toMatchObject({ code: 'bad-number', row: 4, column: 'Total Amount' });
  });

  it('refuses a date with junk after it, keeps a date with a time', () => {
    expect(datePart('2023-11-24 10:00')).toBe('2023-11-24');
    expect(datePart('2023-11-24T10:00:00.000Z')).toBe('2023-11-24');
    expect(datePart('11/24/2023 10:00 AM')).toBe('11/24/2023');
    expect(datePart('2023-11-24 23:59:59+01:00')).toBe('2023-11-24');
    const t = ingest(
      '2023-11-24garbage,C,Beauty,1,10,10',
      '2023-11-24 garbage,C,Beauty,1,10,10',
      '2023-11-24Tgarbage,C,Beauty,1,10,10',
      '2023-11-24 10:00:00,C,Beauty,1,10,10',
    );
    expect(t.report.rowsUsed).toBe(3);
    expect(rowIssues(t).map((i) => [i.code, i.row, i.column])).toEqual([
      ['bad-date', 4, 'Date'],
      ['bad-date', 5, 'Date'],
      ['bad-date', 6, 'Date'],
    ]);
  });
});

describe('dates before year 20 (found by the fuzz suite)', () => {
  it('refuses 0001-01-01 as the first date too, instead of counting the row without a week', () => {
    for (const body of ['0001-01-01,B,5\n2023-01-02,A,1\n', '2023-01-02,A,1\n0001-01-01,B,5\n']) {
      const t = ingestText(`Date,SKU,Total Amount\n${body}`);
      expect(t.report.rowsUsed).toBe(1);
      expect(rowIssues(t)[0]).toMatchObject({ code: 'bad-date', column: 'Date' });
    }
  });
});

describe('stray control bytes (issue 12, item 5)', () => {
  it('skips the rows with a NUL and keeps the others', () => {
    const t = ingest('2023-11-22,\u0000C,Beauty,1,10,10', '2023-11-22,D,Beauty,1,10,1\u00000');
    expect(t.report.rowsUsed).toBe(2);
    expect(t.series.map((s) => s.sku)).toEqual(['A', 'B']);
    const issues = rowIssues(t);
    expect(issues.map((i) => [i.code, i.row, i.column])).toEqual([
      ['control-character', 4, 'SKU'],
      ['bad-number', 5, 'Total Amount'],
    ]);
    // The NUL is shown, not printed.
    expect(issues.every((i) => !i.message.includes('\u0000'))).toBe(true);
    expect(issues[0]?.message).toContain('\\u0000C');
  });

  it('reads a 5,000-row file with one stray NUL, pushed in 4 KB byte chunks', () => {
    const lines = [HEADER];
    for (let i = 0; i < 5000; i++) lines.push(`2023-11-2${i % 7},S${i % 9},Cat,1,2,2`);
    lines[2500] = '2023-11-22,S1,Ca\u0000t,1,2,2';
    const ingestor = new Ingestor();
    const bytes = new TextEncoder().encode(lines.join('\n'));
    for (let at = 0; at < bytes.length; at += 4096) ingestor.push(bytes.subarray(at, at + 4096));
    const t = ingestor.finish();
    // The sku was already known: its category is not read again, the row counts.
    expect(t.report.rowsRead).toBe(5000);
    expect(t.report.rowsUsed).toBe(5000);
  });

  it('refuses mostly-control content as binary, in the same words in the header peek', () => {
    expect(sniffText('Date,Sales\n2023-01-02,5\u0000\n')).toBeNull();
    const zeros = new Uint8Array(70_000);
    const peek = readHeaderLine(zeros).problem;
    expect(peek).toMatch(/binary data/);
    const ingestor = new Ingestor();
    ingestor.push(zeros);
    expect(ingestor.stopped).toBe(true);
    expect(ingestor.finish().report.issues[0]?.message).toBe(peek);
    // A stray NUL does not make the peek refuse the file.
    const one = new TextEncoder().encode(`${HEADER}\n2023-11-20,A,Beau\u0000ty,1,10,10\n`);
    expect(readHeaderLine(one).problem).toBeUndefined();
    expect(readHeaderLine(one).headers).toHaveLength(6);
  });

  it('stops at a first line longer than 1 MB with no header found', () => {
    const ingestor = new Ingestor();
    const junk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 40 && !ingestor.stopped; i++) ingestor.push(junk);
    expect(ingestor.stopped).toBe(true);
    expect(ingestor.bytesRead).toBeLessThanOrEqual(1024 * 1024 + junk.length);
    expect(ingestor.finish().report.issues[0]).toMatchObject({ code: 'no-header' });
  });
});
