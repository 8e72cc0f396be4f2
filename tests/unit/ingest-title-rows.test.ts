// Report exports put a title, a date range or a blank line above the column
// names. Those rows are skipped, said in a note, and every later row keeps its
// line number in messages; the page's header peek finds the same header.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { detectDelimiter } from '../../src/core/ingest/csv-sniff';
import { readHeaderLine } from '../../src/worker/headers';
import type { WeeklyTable } from '../../src/core/types';
import { buildXlsx } from './xlsx-build';

const DATA = Array.from(
  { length: 40 },
  (_, i) =>
    `2024-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')},SKU-${i % 4},${1 + (i % 5)}`,
);
const plain = ingestText(['Date,Sku,Qty', ...DATA].join('\n'));

const codes = (t: WeeklyTable): string[] => t.report.issues.map((i) => i.code);

/** The text in chunks of `size` characters, as the page and the CLI push it. */
function chunked(text: string, size: number, mapping?: Record<string, string>): WeeklyTable {
  const ing = new Ingestor(mapping ? { mapping } : {});
  for (let i = 0; i < text.length; i += size) ing.push(text.slice(i, i + size));
  return ing.finish();
}

describe('title rows above the header of a CSV file', () => {
  it('a plain file has none, and no note', () => {
    expect(plain.report.rowsUsed).toBe(40);
    expect(codes(plain)).not.toContain('title-rows');
  });

  it('skips a title padded with delimiters (a sheet saved as CSV) and a blank row', () => {
    const text = ['Sales report 2024 Q1,,', ',,', 'Date,Sku,Qty', ...DATA].join('\r\n');
    for (const size of [7, 64 * 1024]) {
      const t = chunked(text, size);
      expect(t.series).toEqual(plain.series);
      expect(t.report.rowsUsed).toBe(40);
      const note = t.report.issues.find((i) => i.code === 'title-rows');
      expect(note?.message).toMatch(/Rows 1–2 are above the header.*in row 3/);
    }
  });

  it('finds the delimiter below a title without one, or with another', () => {
    const semi = ['Date;Sku;Qty', ...DATA.map((l) => l.replaceAll(',', ';'))];
    expect(detectDelimiter(['Umsatzbericht', '', ...semi].join('\n'))).toBe(';');
    expect(detectDelimiter(['Report, all stores', ...semi].join('\n'))).toBe(';');
    // A decimal comma in every data row does not outvote the header's semicolons.
    expect(
      detectDelimiter(
        ['Datum;Artikel;Umsatz', '02.01.2024;A;3,50', '03.01.2024;B;1,25'].join('\n'),
      ),
    ).toBe(';');
    const t = ingestText(['Report, all stores', 'Exported 2024-04-02', ...semi].join('\n'));
    expect(t.series).toEqual(plain.series);
  });

  it('numbers a bad row by its line in the file, title rows counted', () => {
    const t = ingestText(['Sales report', '', 'Date,Sku,Qty', ...DATA, 'Total,,120'].join('\n'));
    const bad = t.report.issues.find((i) => i.code === 'total-row');
    expect(bad?.row).toBe(3 + DATA.length + 1);
    expect(bad?.message).toMatch(/is a report's total \("Total"\)/);
    expect(t.report.rowsUsed).toBe(40);
  });

  it('takes the row holding the columns of an explicit mapping as the header', () => {
    // No column name the detector knows: only the mapping says which row names the columns.
    const text = ['Weekly export', 'Tag,Ding,Stück', ...DATA].join('\n');
    const t = chunked(text, 64 * 1024, { date: 'Tag', sku: 'Ding', quantity: 'Stück' });
    expect(t.series.map((s) => s.rows)).toEqual(plain.series.map((s) => s.rows));
    expect(codes(t)).toContain('title-rows');
  });

  it("the mapping form's peek shows the header and the rows below the title", () => {
    const text = ['Sales report 2024 Q1', '', 'Date,Sku,Qty', ...DATA].join('\n');
    const peek = readHeaderLine(new TextEncoder().encode(text), true);
    expect(peek.problem).toBeUndefined();
    expect(peek.headers).toEqual(['Date', 'Sku', 'Qty']);
    expect(peek.preview?.[0]).toEqual(DATA[0]?.split(','));
  });
});

describe("a report's footer below the data", () => {
  it('lines of words after the last row are told of once, and no row is skipped', () => {
    const text = [
      'Date,Sku,Qty',
      ...DATA,
      '',
      'Report generated on 2024-04-02 10:22 by jsmith',
      'Page 1 of 1,,',
    ].join('\n');
    for (const size of [9, 64 * 1024]) {
      const t = chunked(text, size);
      expect(t.series).toEqual(plain.series);
      expect(t.report.rowsRead).toBe(40);
      expect(t.report.rowsSkipped).toBe(0);
      const notes = t.report.issues.filter((i) => i.code === 'footer-rows');
      expect(notes.map((n) => n.message)).toEqual([
        `Rows 43–44 below the data are a report's footer ("Report generated on 2024-04-02 10:22 by jsmith", …), not sales, and were not read`,
      ]);
    }
  });

  it('a workbook footer too', async () => {
    const rows = [
      ['Date', 'Sku', 'Qty'],
      ...DATA.map((l) => l.split(',')),
      [],
      ['Source: ERP export, all stores'],
    ];
    const ing = new Ingestor();
    ing.push(buildXlsx([{ name: 'Sales', rows }]));
    const t = await ing.finishAsync();
    expect(t.series).toEqual(plain.series);
    expect(t.report.rowsSkipped).toBe(0);
    expect(codes(t)).toContain('footer-rows');
  });

  it('a line of words between rows is still a row, and said to be broken', () => {
    const text = ['Date,Sku,Qty', ...DATA.slice(0, 20), 'Continued below', ...DATA.slice(20)];
    const t = ingestText(text.join('\n'));
    expect(t.report.skippedByReason).toEqual({ 'ragged-row': 1 });
    expect(t.report.issues.find((i) => i.code === 'ragged-row')?.row).toBe(22);
    expect(codes(t)).not.toContain('footer-rows');
    expect(t.report.rowsUsed).toBe(40);
  });

  it('files joined one after another, and page numbers between pages, lose no row and skip none', () => {
    const pages = [DATA.slice(0, 15), DATA.slice(15, 30), DATA.slice(30)];
    const joined = pages.flatMap((p) => ['Date,Sku,Qty', ...p]);
    const printed = [
      'Date,Sku,Qty',
      ...pages.flatMap((p, i) => [...p, '', `Page ${i + 1} of 3`, '']),
    ];
    for (const text of [joined.join('\n'), printed.join('\r\n')]) {
      for (const size of [11, 64 * 1024]) {
        const t = chunked(text, size);
        expect(t.series).toEqual(plain.series);
        expect(t.report.rowsSkipped).toBe(0);
      }
    }
    const t = ingestText(joined.join('\n'));
    expect(t.report.issues.map((i) => i.message)).toEqual([
      "2 rows repeat the header (files joined one after another, or a report's pages), from row 17: not sales, not read",
    ]);
    const p = ingestText(printed.join('\n'));
    // The last page's number is the file's footer; the two before it sat between pages.
    expect(p.report.issues.map((i) => i.code)).toEqual(['page-lines', 'footer-rows']);
    // A line of other words between rows is still a broken row.
    const broken = ingestText(
      ['Date,Sku,Qty', ...DATA.slice(0, 20), 'Page two', ...DATA.slice(20)].join('\n'),
    );
    expect(broken.report.skippedByReason).toEqual({ 'ragged-row': 1 });
  });

  it("an ERP's units row under the header is told of, not skipped; a first row with no date still is", () => {
    const t = ingestText(['Date,Sku,Qty', ',,PCS', ...DATA].join('\n'));
    expect(t.series).toEqual(plain.series);
    expect(t.report.rowsSkipped).toBe(0);
    expect(t.report.issues.map((i) => i.message)).toEqual([
      `Row 2 gives the columns' units ("PCS"), not a sale: not read`,
    ]);
    const undated = ingestText(['Date,Sku,Qty', ',A,5', ...DATA].join('\n'));
    expect(undated.report.skippedByReason).toEqual({ 'missing-date': 1 });
  });

  it('a last row of data is never taken for a footer', () => {
    const t = ingestText(['Date,Sku,Qty', ...DATA, '2024-03-30,Blue Mug,2'].join('\n'));
    expect(t.report.rowsUsed).toBe(41);
    expect(codes(t)).not.toContain('footer-rows');
  });
});
