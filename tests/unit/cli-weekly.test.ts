// `skucast weekly` end to end, as a user runs it: the built bin in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXlsx, type CellSpec } from './xlsx-build';

const root = resolve(__dirname, '../..');
const fixture = (name: string): string => resolve(root, 'tests/fixtures/ingest', name);

function skucast(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/skucast.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});

describe('skucast weekly', () => {
  it('prints the weekly table, and issues plus a summary on stderr', () => {
    const r = skucast('weekly', fixture('small.csv'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'sku,seed_id,week_start,iso_year,iso_week,month,partial,total_amount,quantity,transactions,age,male,female,price_per_unit,window_mean_4,window_mean_5,window_mean_6,window_mean_7',
        'Beauty · 25,0,2023-03-06,2023,10,3,0,75,3,2,35,1,1,25,75,75,75,75',
        'Beauty · 25,0,2023-03-13,2023,11,3,0,100,4,1,20,1,0,25,87.5,87.5,87.5,87.5',
        'Beauty · 25,0,2023-03-20,2023,12,3,1,0,0,0,0,0,0,25,58.33333333,58.33333333,58.33333333,58.33333333',
        'Clothing · 500,9,2023-03-06,2023,10,3,0,1500,3,1,35,0,1,500,1500,1500,1500,1500',
        'Clothing · 500,9,2023-03-13,2023,11,3,0,0,0,0,0,0,0,500,750,750,750,750',
        'Clothing · 500,9,2023-03-20,2023,12,3,1,500,1,1,50,0,1,500,666.6666667,666.6666667,666.6666667,666.6666667',
        'Electronics · 30,11,2023-03-06,2023,10,3,0,0,0,0,0,0,0,30,0,0,0,0',
        'Electronics · 30,11,2023-03-13,2023,11,3,0,0,0,0,0,0,0,30,0,0,0,0',
        'Electronics · 30,11,2023-03-20,2023,12,3,1,60,2,1,0,1,0,30,20,20,20,20',
        '',
      ].join('\n'),
    );
    // Issues, then each decision made reading the file, then the summary.
    expect(r.stderr.split('\n')).toEqual([
      'error [bad-date] Row 8, column "Date": "not a date" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023',
      'layout: long, one row per sale or per sku and date (choose with --layout)',
      'mapping: date=Date sku="Product Category"+"Price per Unit" category="Product Category" amount="Total Amount" quantity=Quantity price="Price per Unit" gender=Gender age=Age measure=money',
      'measure: money: the reference schema forecasts its Total Amount (choose units to forecast Quantity)',
      'dates: ISO (YYYY-MM-DD) or serial numbers: one reading, nothing to decide',
      'granularity: transactional: rows summed per sku and week (Monday to Sunday)',
      'gaps: 2 of 3 skus have weeks with no rows after their first (2 sku-weeks): counted as 0',
      "origin: 2023-03-13, the last complete week (the data ends 2023-03-24, so the week of 2023-03-20 is partial); no row beyond the file's bulk (choose with --as-of YYYY-MM-DD|latest)",
      'summary: 7 rows read, 6 used, 1 skipped (bad-date: 1); 3 skus × 3 weeks, 2023-03-06..2023-03-24; transactional, dates iso',
      '',
    ]);
  });

  it('takes --map for files with unknown headers', () => {
    const r = skucast(
      'weekly',
      fixture('dst-day-first.csv'),
      '--map',
      'date=Datum',
      '--map=sku=Artikel',
      '--map',
      'amount=Umsatz',
      '--map',
      'quantity=Menge',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(
      'A-1,-1,2023-03-20,2023,12,3,1,12.5,1,1,0,0,0,12.5,12.5,12.5,12.5,12.5',
    );
    expect(r.stderr).toContain('summary: 6 rows read, 6 used, 0 skipped; 2 skus × 42 weeks');
    expect(r.stderr).toContain('dates day-first');
    expect(r.stderr).toContain('warning [decimal-comma] Column "Umsatz" uses a decimal comma');
  });

  it('exits 2 on file-level errors, with the reason on stderr and nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    // "Wann" holds dates (found by its values), but nothing names a quantity or an amount.
    writeFileSync(join(dir, 'odd.csv'), 'Wann;Was;Wieviel\n26/03/2023;A-1;12,5\n');
    const r = skucast('weekly', join(dir, 'odd.csv'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      'error [no-amount-column] No amount or quantity column found among "Wann", "Was", "Wieviel"; expected a column named like Total Amount, Sales or Revenue (money), or Quantity or Units (or choose one: --map quantity=COLUMN or --map amount=COLUMN)',
    );
  });

  it("counts a wide sheet's values and the rows they came from, not values as rows", () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    const weeks = Array.from({ length: 10 }, (_, i) => `KW ${String(i + 1).padStart(2, '0')}/2024`);
    const lines = [`Artikel;${weeks.join(';')}`];
    for (let s = 0; s < 3; s++) lines.push(`A${s};${weeks.map((_, w) => (w + s) % 4).join(';')}`);
    writeFileSync(join(dir, 'wide.csv'), lines.join('\n'));
    const r = skucast('weekly', join(dir, 'wide.csv'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'summary: 30 values read from 3 rows, 30 used, 0 skipped; 3 skus × 10 weeks',
    );
  });

  it('recognises German headers without --map', () => {
    const r = skucast('weekly', fixture('dst-day-first.csv'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('summary: 6 rows read, 6 used, 0 skipped; 2 skus × 42 weeks');
  });

  it('reports a missing file, an empty file and a binary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    const missing = skucast('weekly', join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `error [unreadable] File "${join(dir, 'nope.csv')}" does not exist`,
    );
    writeFileSync(join(dir, 'empty.csv'), '');
    expect(skucast('weekly', join(dir, 'empty.csv')).stderr).toContain('error [empty-file]');
    writeFileSync(join(dir, 'book.xlsx'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff]));
    const bin = skucast('weekly', join(dir, 'book.xlsx'));
    expect(bin.code).toBe(2);
    expect(bin.stderr).toContain(
      'error [binary] The file starts like a workbook (a zip archive) but its contents cannot be read',
    );
  });

  it('--map sku=store+item keys the series by both, with a column for each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    const file = join(dir, 'train.csv');
    writeFileSync(
      file,
      'date,store,item,sales\n2023-01-02,3,17,5\n2023-01-09,3,17,2\n2023-01-02,1,2,4\n',
    );
    const r = skucast('weekly', file, '--map', 'sku=store+item');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'sku,store,item,seed_id,week_start,iso_year,iso_week,month,partial,total_amount,quantity,transactions,age,male,female,price_per_unit,window_mean_4,window_mean_5,window_mean_6,window_mean_7',
      '1 · 2,1,2,-1,2023-01-02,2023,1,1,0,4,0,1,0,0,0,0,4,4,4,4',
      '1 · 2,1,2,-1,2023-01-09,2023,2,1,0,0,0,0,0,0,0,0,2,2,2,2',
    ]);
    expect(r.stderr).toContain('2 skus × 2 weeks');
  });

  it('--date-format overrides the detected reading; stderr counts the rows of each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    const file = join(dir, 'us-or-eu.csv');
    writeFileSync(file, 'Date,Sales\n03/01/2024,1\n04/01/2024,2\n05/02/2024,4\n');
    const auto = skucast('weekly', file);
    expect(auto.stderr).toContain(
      'dates: read month-first as detected; rows each reading accepts: DMY 3, MDY 3, YMD 0 (choose with --date-format)',
    );
    expect(auto.stderr).toContain('2024-03-01..2024-05-02');
    const dmy = skucast('weekly', file, '--date-format', 'dmy');
    expect(dmy.code).toBe(0);
    expect(dmy.stderr).toContain('dates: read day-first as chosen (DMY)');
    expect(dmy.stderr).toContain('2024-01-03..2024-02-05');
    const bad = skucast('weekly', file, '--date-format', 'DD/MM');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad --date-format "DD/MM": expected DMY, MDY or YMD');
  });

  it('reads an .xlsx sheet chosen by --sheet: the golden table, byte for byte', (ctx) => {
    const golden = resolve(root, '../shared/data/retail_sales_2023.csv');
    if (!existsSync(golden)) ctx.skip('skipped: ../shared not found');
    const dir = mkdtempSync(join(tmpdir(), 'skucast-'));
    const rows = Papa.parse<string[]>(readFileSync(golden, 'utf8').trim()).data;
    const cells: CellSpec[][] = rows.map((r, i) =>
      i === 0
        ? r
        : r.map((c, j) => (j === 1 ? { date: c } : [0, 4, 6, 7, 8].includes(j) ? Number(c) : c)),
    );
    const book = join(dir, 'sales.xlsx');
    writeFileSync(
      book,
      buildXlsx([
        { name: 'Notes', rows: [['exported by the shop']] },
        { name: 'Sales 2023', rows: [['Retail sales 2023'], [], ...cells] },
      ]),
    );
    const expected = readFileSync(resolve(root, '../shared/golden/weekly_features.csv'), 'utf8');
    for (const sheet of ['Sales 2023', '2']) {
      const r = skucast('weekly', book, '--sheet', sheet);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toContain('sheet: read "Sales 2023" of "Notes", "Sales 2023"');
    }
    // With no --sheet, the notes sheet before the sales is passed over.
    const first = skucast('weekly', book);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(expected);
    expect(first.stderr).toContain(
      'warning [several-sheets] The workbook has 2 sheets ("Notes", "Sales 2023"); read "Sales 2023", the first whose columns name a date',
    );
    const unknown = skucast('weekly', book, '--sheet', 'Sales');
    expect(unknown.stderr).toContain('error [unknown-sheet] Sheet "Sales" is not in the workbook');
  });

  it('usage errors exit 2; help exits 0', () => {
    expect(skucast('weekly').code).toBe(2);
    expect(skucast('weekly').stderr).toContain('skucast weekly: missing FILE');
    expect(skucast('weekly', 'a.csv', '--map', 'colour=Red').stderr).toContain(
      'bad --map "colour=Red": expected role=Column',
    );
    expect(skucast('frobnicate').code).toBe(2);
    expect(skucast('frobnicate').stderr).toContain('unknown command "frobnicate"');
    const help = skucast('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/\n {2}weekly +print the weekly table of a sales CSV\n/);
    expect(skucast('weekly', '--help').stdout).toContain('usage: skucast weekly FILE');
  });
});
