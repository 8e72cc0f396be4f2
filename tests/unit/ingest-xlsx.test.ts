// Workbooks in: .xlsx files built here (several sheets, a title row, date
// cells, serials, formulas with cached values, merged header cells) give the
// weekly table the same data gives as CSV.
import { readFileSync } from 'node:fs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText, type IngestOptions } from '../../src/core/ingest';
import { MAX_WORKBOOK_BYTES, peekWorkbook, tooLargeMessage } from '../../src/core/ingest/workbook';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import type { WeeklyTable } from '../../src/core/types';
import { mulberry32 } from '../../src/core/random';
import { ingestOptions, peekFile } from '../../src/worker/headers';
import { buildXlsx, csvRows, seedSheetRows, type CellSpec, type SheetSpec } from './xlsx-build';

async function ingestBook(
  bytes: Uint8Array,
  opts?: IngestOptions,
  chunk = 4096,
): Promise<WeeklyTable> {
  const ing = new Ingestor(opts);
  for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.subarray(i, i + chunk));
  return ing.finishAsync();
}

// The seed's sales, as the app ships them (the same bytes as ../shared/data/retail_sales_2023.csv).
const GOLDEN_CSV = readFileSync(
  new URL('../../public/sample/retail_sales_2023.csv', import.meta.url),
  'utf8',
);
const SMALL_CSV = readFileSync('tests/fixtures/ingest/small.csv', 'utf8');

describe('xlsx workbooks', () => {
  it('the golden data as a workbook gives the golden weekly table', async () => {
    const book = buildXlsx([{ name: 'Sales', rows: seedSheetRows(csvRows(GOLDEN_CSV)) }]);
    const t = await ingestBook(book);
    const csv = ingestText(GOLDEN_CSV);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(csv));
    expect(t.series).toEqual(csv.series);
    expect(t.report.rowsRead).toBe(1000);
    expect(t.report.rowsUsed).toBe(1000);
    expect(t.report.sheet).toBe('Sales');
    expect(t.report.sheets).toEqual(['Sales']);
    expect(t.report.issues).toEqual([]);
  });

  it('skips a merged title row and a blank row above the header, and reads the first sheet', async () => {
    const rows = seedSheetRows(csvRows(SMALL_CSV));
    const sheets: SheetSpec[] = [
      {
        name: 'Report',
        rows: [['Sales report, March 2023'], ['exported 2023-04-01 by ERP'], [], ...rows],
        merges: ['A1:I1', 'A2:I2'],
      },
      {
        name: 'Notes',
        rows: [
          ['Date', 'Sales'],
          [{ date: '2023-01-02' }, 1],
        ],
      },
    ];
    for (const shared of [true, false]) {
      const t = await ingestBook(buildXlsx(sheets, { sharedStrings: shared }));
      expect(t.series).toEqual(ingestText(SMALL_CSV).series);
      expect(t.report.sheets).toEqual(['Report', 'Notes']);
      expect(t.report.sheet).toBe('Report');
      expect(t.report.issues[0]).toMatchObject({ severity: 'warning', code: 'several-sheets' });
      expect(t.report.issues[0]?.message).toContain('"Report", "Notes"');
    }
  });

  it("passes over a cover sheet and a pivot of totals to the first sheet of sales, as the page's peek does", async () => {
    const data = seedSheetRows(csvRows(SMALL_CSV));
    const sheets: SheetSpec[] = [
      { name: 'Cover', rows: [['Weekly sales report'], ['Prepared by: J Smith']] },
      {
        name: 'Pivot',
        rows: [
          ['Row Labels', 'Sum of Total Amount'],
          ['Beauty', 400],
          ['Grand Total', 400],
        ],
      },
      { name: 'Data', rows: data },
    ];
    const book = buildXlsx(sheets);
    const t = await ingestBook(book);
    expect(t.series).toEqual(ingestText(SMALL_CSV).series);
    expect(t.report.sheet).toBe('Data');
    expect(t.report.issues[0]?.message).toMatch(
      /read "Data", the first whose columns name a date \(or weeks\)/,
    );
    expect(await peekWorkbook(book)).toMatchObject({ sheet: 'Data', headers: data[0] });
    // A sheet chosen is read, cover or not.
    const cover = await ingestBook(book, { sheet: 'Cover' });
    expect(cover.report.issues.map((i) => i.code)).toContain('no-date-column');
  });

  it('merged header cells: a name spread over two columns leaves the second one unnamed', async () => {
    const rows: CellSpec[][] = [
      ['Store sales'],
      ['Date', 'Store', 'Sales', null],
      [{ date: '2023-01-02' }, 'A', 5, 'note'],
      [{ date: '2023-01-09' }, 'A', 7, ''],
      [{ date: '2023-01-10' }, 'B', 2.5, 'x'],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'S', rows, merges: ['A1:D1', 'C2:D2'] }]));
    const csv = ingestText(
      'Date,Store,Sales,\n2023-01-02,A,5,note\n2023-01-09,A,7,\n2023-01-10,B,2.5,x\n',
    );
    expect(t.series).toEqual(csv.series);
    expect(t.report.mapping).toEqual({ date: 'Date', sku: 'Store', amount: 'Sales' });
  });

  it('--sheet by name or number; an unknown sheet names the ones there are', async () => {
    const book = buildXlsx([
      { name: 'Notes', rows: [['nothing here']] },
      {
        name: 'Data 2023',
        rows: [
          ['Date', 'Sales'],
          [{ date: '2023-01-02' }, 3],
        ],
      },
    ]);
    for (const sheet of ['Data 2023', 'data 2023', 2, '2']) {
      const t = await ingestBook(book, { sheet });
      expect(t.report.sheet).toBe('Data 2023');
      expect(t.series[0]?.rows[0]?.total_amount).toBe(3);
    }
    const bad = await ingestBook(book, { sheet: 'Sales' });
    expect(bad.series).toEqual([]);
    expect(bad.report.issues[0]).toMatchObject({ severity: 'error', code: 'unknown-sheet' });
    expect(bad.report.issues[0]?.message).toBe(
      'Sheet "Sales" is not in the workbook; expected one of: "Notes", "Data 2023" (or a number from 1 to 2)',
    );
  });

  it('the first visible sheet by default; hidden sheets can still be chosen', async () => {
    const book = buildXlsx([
      {
        name: 'Lookup',
        hidden: true,
        rows: [
          ['Date', 'Sales'],
          [{ date: '2023-01-02' }, 1],
        ],
      },
      {
        name: 'Data',
        rows: [
          ['Date', 'Sales'],
          [{ date: '2023-01-02' }, 2],
        ],
      },
    ]);
    expect((await ingestBook(book)).report.sheet).toBe('Data');
    expect((await ingestBook(book, { sheet: 'Lookup' })).series[0]?.rows[0]?.total_amount).toBe(1);
  });

  it('numbers stay numbers: no thousands-separator or decimal-comma reading', async () => {
    const rows: CellSpec[][] = [
      ['Datum', 'Artikel', 'Umsatz', 'Menge'],
      [{ date: '2023-01-16', style: 'custom' }, 4711, 1234.5, 1200],
      [{ date: '2023-01-17', style: 'custom' }, 4711, 0.1, 1],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'Tabelle1', rows }]));
    expect(t.report.issues).toEqual([]);
    expect(t.series.map((s) => s.sku)).toEqual(['4711']);
    expect(t.series[0]?.rows[0]).toMatchObject({ total_amount: 1234.6, quantity: 1201 });
    expect(t.report.dateOrder).toBe('iso');
  });

  it('dates typed as text and serials in a General cell are read as in CSV', async () => {
    const rows: CellSpec[][] = [
      ['Date', 'Sales'],
      ['24/01/2023', 1],
      [{ serial: 44950 }, 2],
      [{ formula: 'TEXT(A2,"yyyy-mm-dd")', value: '2023-01-25' }, 4],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'S', rows }]));
    expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(t.report.firstDate).toBe('2023-01-24');
    expect(t.report.lastDate).toBe('2023-01-25');
    expect(t.series[0]?.rows[0]?.total_amount).toBe(7);
  });

  it('row numbers in issues are the sheet rows', async () => {
    const rows: CellSpec[][] = [
      ['Title'],
      [],
      ['Date', 'Sales'],
      [{ date: '2023-01-02' }, 1],
      ['not a date', 2],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'S', rows }]));
    expect(t.report.issues[0]).toMatchObject({ code: 'bad-date', row: 5 });
  });

  it('reads sheets other writers make: a namespace prefix, single quotes, no r attributes', async () => {
    const files = unzipSync(buildXlsx([{ name: 'S', rows: [['Date', 'Store', 'Sales']] }]));
    files['xl/worksheets/sheet1.xml'] = strToU8(
      `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cols><x:col min='1' max='2'/></x:cols><x:sheetData>` +
        `<x:row><x:c t='inlineStr'><x:is><x:t>Date</x:t></x:is></x:c><x:c t='inlineStr'><x:is><x:t>Store</x:t></x:is></x:c><x:c t='inlineStr'><x:is><x:t>Sales</x:t></x:is></x:c></x:row>` +
        `<x:row spans='1:3'><x:c s='1'><x:v>44928</x:v></x:c><x:c t="str"><x:f>"A"&amp;"1"</x:f><x:v>A1</x:v></x:c><x:c><x:v>2.5E1</x:v></x:c></x:row>` +
        `<x:row r='4'><x:c r='A4' s = "1"><x:v>44929</x:v></x:c><x:c r='C4'><x:v>7</x:v></x:c><x:c r='B4' t='s'><x:v>0</x:v></x:c></x:row>` +
        `<x:row r='5'/><x:row r='6'><x:c r='A6' s='1'/><x:c r='C6'><x:v>1</x:v></x:c></x:row>` +
        `</x:sheetData><x:rowBreaks count="0"/></x:worksheet>`,
    );
    const t = await ingestBook(zipSync(files));
    expect(t.report.rowsRead).toBe(3);
    expect(t.series.map((s) => [s.sku, s.rows[0]?.total_amount])).toEqual([
      ['A1', 25],
      ['Date', 7],
    ]);
    expect(t.report.issues[0]).toMatchObject({ code: 'missing-date', row: 6 });
  });

  it('chunk sizes do not matter', async () => {
    const book = buildXlsx([{ name: 'S', rows: seedSheetRows(csvRows(SMALL_CSV)) }]);
    const whole = await ingestBook(book, undefined, book.length);
    for (const size of [1, 3, 1000]) expect(await ingestBook(book, undefined, size)).toEqual(whole);
  });

  it('an explicit mapping finds its header row below a title', async () => {
    const rows: CellSpec[][] = [
      ['Quarterly export'],
      ['Tag', 'Kasse', 'Betrag brutto'],
      [{ date: '2023-01-02' }, 'K1', 10],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'S', rows }]), {
      mapping: { date: 'Tag', amount: 'Betrag brutto' },
    });
    expect(t.series[0]?.rows[0]?.total_amount).toBe(10);
    const parts = await ingestBook(
      buildXlsx([
        {
          name: 'S',
          rows: [
            ['Export'],
            ['Tag', 'Kasse', 'Filiale', 'Betrag brutto'],
            [{ date: '2023-01-02' }, 'K1', 7, 10],
          ],
        },
      ]),
      { mapping: { date: 'Tag', amount: 'Betrag brutto', sku: 'Filiale+Kasse' } },
    );
    expect(parts.series.map((s) => s.sku)).toEqual(['7 · K1']);
  });

  it('a sheet chosen for a CSV file is a warning, and the file is read', async () => {
    const ing = new Ingestor({ sheet: 'Sales' });
    ing.push(new TextEncoder().encode('Date,Sales\n2023-01-02,5\n'));
    const t = await ing.finishAsync();
    expect(t.report.issues[0]).toMatchObject({ severity: 'warning', code: 'sheet-ignored' });
    expect(t.series).toHaveLength(1);
  });

  it('the sync finish() still refuses a workbook, pointing to CSV', () => {
    const ing = new Ingestor();
    ing.push(buildXlsx([{ name: 'S', rows: [['Date', 'Sales']] }]));
    expect(ing.finish().report.issues[0]).toMatchObject({ code: 'binary' });
  });

  it('peeks the header and first rows for the mapping form, with the sheet names', async () => {
    const book = buildXlsx([
      {
        name: 'Report',
        rows: [['Title'], ['Date', 'Store', 'Sales'], [{ date: '2023-01-02' }, 3, 5]],
      },
      { name: 'Other', rows: [['Date', 'Sales']] },
    ]);
    expect(await peekWorkbook(book)).toEqual({
      sheets: ['Report', 'Other'],
      sheet: 'Report',
      headers: ['Date', 'Store', 'Sales'],
      preview: [['2023-01-02', '3', '5']],
    });
    expect(await peekWorkbook(book, 'Other')).toMatchObject({
      headers: ['Date', 'Sales'],
      preview: [],
    });
  });
});

describe('the worker', () => {
  it('peeks a workbook whole: header row below the title, roles, sheets; another sheet on request', async () => {
    const book = buildXlsx([
      {
        name: 'Report',
        rows: [['Title'], ['Datum', 'Filiale', 'Umsatz'], [{ date: '2023-01-02' }, 3, 5]],
      },
      { name: 'Other', rows: [['Date', 'Sales']] },
    ]);
    const blob = new Blob([book]);
    expect(await peekFile(blob, 64 * 1024)).toEqual({
      headers: ['Datum', 'Filiale', 'Umsatz'],
      detected: { date: 'Datum', sku: 'Filiale', amount: 'Umsatz' },
      unmatched: [],
      reference: false,
      preview: [['2023-01-02', '3', '5']],
      sheets: ['Report', 'Other'],
      sheet: 'Report',
    });
    expect(await peekFile(blob, 64 * 1024, 'Other')).toMatchObject({
      sheet: 'Other',
      headers: ['Date', 'Sales'],
    });
    expect(
      await peekFile(new Blob([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2])]), 64),
    ).toMatchObject({
      problem: expect.stringContaining('(.xls)'),
    });
  });

  it('passes the sheet on to the Ingestor', () => {
    expect(ingestOptions({ sheet: 2, mapping: { date: 'Tag' } })).toEqual({
      sheet: 2,
      mapping: { date: 'Tag' },
    });
    expect(ingestOptions({})).toEqual({});
  });
});

describe('workbooks that are not read', () => {
  const messageOf = async (bytes: Uint8Array, opts?: IngestOptions): Promise<string> =>
    (await ingestBook(bytes, opts)).report.issues[0]?.message ?? '';

  it('a workbook over the size bound: the size and "save it as CSV"', async () => {
    const big = new Uint8Array(3 * 1024 ** 2);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    expect(await messageOf(big, { maxWorkbookBytes: 1024 ** 2 })).toBe(
      'This workbook is 3 MB; save it as CSV for files this large (workbooks are read up to 1 MB)',
    );
    const ing = new Ingestor();
    ing.push(big);
    expect(ing.bytesRead).toBe(big.length);
  });

  it('the default bound is 100 MB', () => {
    expect(MAX_WORKBOOK_BYTES).toBe(100 * 1024 ** 2);
    expect(tooLargeMessage(180 * 1024 ** 2)).toBe(
      'This workbook is 180 MB; save it as CSV for files this large (workbooks are read up to 100 MB)',
    );
  });

  it('.xls (OLE), .ods, .numbers, .xlsb and a damaged zip each say what they are', async () => {
    const ole = new Uint8Array(512);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(await messageOf(ole)).toContain('Excel 97-2003 workbook (.xls)');
    const ods = zipSync({
      mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }],
      'content.xml': strToU8('<office:document-content/>'),
    });
    expect(await messageOf(ods)).toContain('OpenDocument spreadsheet (.ods)');
    const numbers = zipSync({ 'Index/Document.iwa': new Uint8Array(10) });
    expect(await messageOf(numbers)).toContain('Apple Numbers document (.numbers)');
    const xlsb = zipSync({ 'xl/workbook.bin': new Uint8Array(10) });
    expect(await messageOf(xlsb)).toContain('binary Excel workbook (.xlsb)');
    const cut = buildXlsx([{ name: 'S', rows: [['Date', 'Sales']] }]).slice(0, 200);
    expect(await messageOf(cut)).toContain('cannot be read (damaged or cut short)');
  });

  it('a part that unpacks to far more than it could hold (a zip bomb) is refused, not read', async () => {
    const files = unzipSync(buildXlsx([{ name: 'S', rows: [['Date', 'Sales']] }]));
    files['xl/styles.xml'] = strToU8(`<styleSheet>${' '.repeat(33 * 1024 ** 2)}</styleSheet>`);
    const t = await ingestBook(zipSync(files));
    expect(t.report.issues[0]).toMatchObject({
      code: 'file-too-large',
      message:
        "The workbook's part xl/styles.xml unpacks to over 32 MB of text; save the sheet as CSV for workbooks this large",
    });
  });

  it('damaged workbooks (cut, bytes flipped) end in a message, never an internal error', async () => {
    const book = buildXlsx([{ name: 'S', rows: seedSheetRows(csvRows(SMALL_CSV)) }]);
    const next = mulberry32(7);
    const rand = (n: number): number => Math.floor(next() * n);
    for (let k = 0; k < 150; k++) {
      const bad = k % 3 === 0 ? book.slice(0, 4 + rand(book.length - 4)) : book.slice();
      if (k % 3 !== 0)
        for (let f = 0; f < 1 + rand(8); f++) bad[4 + rand(bad.length - 4)] = rand(256);
      const t = await ingestBook(bad);
      const codes = t.report.issues.map((i) => i.code);
      expect(codes).not.toContain('internal-error');
      if (t.series.length === 0) expect(t.report.issues.length).toBeGreaterThan(0);
    }
  });

  it('an empty sheet', async () => {
    const t = await ingestBook(buildXlsx([{ name: 'Leer', rows: [] }]));
    expect(t.report.issues[0]).toMatchObject({
      code: 'empty-file',
      message: 'Sheet "Leer" of the workbook is empty; expected a header row and rows of sales',
    });
  });

  it('a few bytes that only start like a zip are text', async () => {
    const ing = new Ingestor();
    ing.push(new Uint8Array([0x50, 0x4b]));
    expect((await ing.finishAsync()).report.issues[0]?.code).not.toBe('binary');
  });
});
