// A pivot table's two header rows: the years above, the weeks (or months)
// below without their year. The weeks take the year above them in a CSV, a
// workbook and the page's header peek alike.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { withYearsAbove } from '../../src/core/ingest/year-header';
import type { WeeklyTable } from '../../src/core/types';
import { peekFile, readHeaderLine } from '../../src/worker/headers';
import { buildXlsx, type CellSpec } from './xlsx-build';

/** An Excel pivot of weeks 50–52 of 2023 and 1–3 of 2024, with its year subtotals and grand total. */
function pivotRows(): string[][] {
  const years = [
    '',
    '2023',
    '',
    '',
    '2023 Ergebnis',
    '2024',
    '',
    '',
    '2024 Ergebnis',
    'Gesamtergebnis',
  ];
  const weeks = ['Zeilenbeschriftungen', '50', '51', '52', '', '1', '2', '3', '', ''];
  const a = ['A100', '1', '2', '3', '6', '4', '5', '6', '15', '21'];
  const b = ['B200', '10', '20', '30', '60', '40', '50', '60', '150', '210'];
  const total = ['Gesamtergebnis', '11', '22', '33', '66', '44', '55', '66', '165', '231'];
  return [['Summe von Menge', 'Spaltenbeschriftungen'], years, weeks, a, b, total];
}

const csv = (rows: string[][]): string => rows.map((r) => r.join(';')).join('\n') + '\n';

function expectPivotRead(t: WeeklyTable): void {
  expect(t.series.map((s) => s.sku)).toEqual(['A100', 'B200']);
  expect(t.weeks).toEqual([
    '2023-12-11',
    '2023-12-18',
    '2023-12-25',
    '2024-01-01',
    '2024-01-08',
    '2024-01-15',
  ]);
  // The year subtotals and the grand total are not weeks: each item's weeks alone.
  expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(t.series[1]?.rows.map((r) => r.quantity)).toEqual([10, 20, 30, 40, 50, 60]);
}

describe("a pivot table's years above its weeks", () => {
  it('each week takes the year above it, in a CSV', () => {
    const t = ingestText(csv(pivotRows()));
    expectPivotRead(t);
    expect(
      t.report.issues.filter((i) => i.code === 'year-header-row').map((i) => i.message),
    ).toEqual([
      'Row 2 holds the years over the periods of row 3 (a pivot table\'s two header rows): each period took the year above it ("50" is 2023-W50)',
    ]);
    expect(t.report.issues.some((i) => i.severity === 'error')).toBe(false);
  });

  it('and in a workbook', async () => {
    const rows: CellSpec[][] = pivotRows().map((r) =>
      r.map((c) => (/^\d+$/.test(c) ? Number(c) : c === '' ? null : c)),
    );
    const ing = new Ingestor();
    ing.push(buildXlsx([{ name: 'Pivot', rows }]));
    expectPivotRead(await ing.finishAsync());
  });

  it("and in the page's header peek", () => {
    const peek = readHeaderLine(new TextEncoder().encode(csv(pivotRows())), true);
    expect(peek.layout).toBe('wide-periods-across');
    // Its Grand Total row is no item: 2 items, as the run reads them.
    expect(peek.layoutDescription).toContain('2 items × 6 weeks');
    expect(peek.headers.slice(0, 4)).toEqual([
      'Zeilenbeschriftungen',
      '2023-W50',
      '2023-W51',
      '2023-W52',
    ]);
    // The year subtotal's unnamed column is left out of the preview's rows too: 2024's weeks keep their cells.
    expect(peek.headers[4]).toBe('2024-W01');
    expect(peek.preview?.[0]?.slice(0, 5)).toEqual(['A100', '1', '2', '3', '4']);
  });

  it("and in a workbook's column form, each cell under its own header", async () => {
    const rows: CellSpec[][] = pivotRows().map((r) =>
      r.map((c) => (/^\d+$/.test(c) ? Number(c) : c === '' ? null : c)),
    );
    const peek = await peekFile(new Blob([buildXlsx([{ name: 'Pivot', rows }])]), 64 * 1024);
    expect(peek.headers.slice(3, 5)).toEqual(['2023-W52', '2024-W01']);
    expect(peek.preview?.[0]?.slice(0, 5)).toEqual(['A100', '1', '2', '3', '4']);
  });

  it('reads week labels and month names, and leaves bare numbers up to 12 alone', () => {
    const above = ['', '2024', '', '', ''];
    expect(withYearsAbove(above, ['Item', 'KW 1', 'KW 2', 'KW 3', 'KW 4'])).toEqual([
      'Item',
      '2024-W01',
      '2024-W02',
      '2024-W03',
      '2024-W04',
    ]);
    expect(withYearsAbove(above, ['Item', 'Jan', 'Feb', 'Mar', 'Apr'])).toEqual([
      'Item',
      'Jan 2024',
      'Feb 2024',
      'Mar 2024',
      'Apr 2024',
    ]);
    // 1–4 could be months or weeks: not guessed.
    const bare = ['Item', '1', '2', '3', '4'];
    expect(withYearsAbove(above, bare)).toBe(bare);
    // No year above: the row as it is.
    const plain = ['Item', 'KW 1', 'KW 2', 'KW 3', 'KW 4'];
    expect(withYearsAbove(['Sales report', '', '', '', ''], plain)).toBe(plain);
  });
});

describe('a title that names the year above months or weeks that do not', () => {
  const MONTHS = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const body = [
    ['SKU', ...MONTHS],
    ['A100', ...MONTHS.map((_, i) => String(60 + i))],
    ['B200', ...MONTHS.map((_, i) => String(90 - i))],
  ];
  const withYears = ingestText(csv([['SKU', ...MONTHS.map((m) => `${m} 2023`)], ...body.slice(1)]));

  it('gives each period that year, with a blank row between or not, in the file and the peek', () => {
    for (const title of [[['Sales 2023 (units)']], [['Sales 2023 (units)'], ['']]]) {
      const text = csv([...title, ...body]);
      const t = ingestText(text);
      expect(t.series).toEqual(withYears.series);
      const codes = t.report.issues.map((i) => i.code);
      expect(codes).toContain('title-rows');
      const note = t.report.issues.find((i) => i.code === 'year-header-row');
      expect(note?.message).toMatch(
        /^Row 1, a title \("Sales 2023 \(units\)"\), names one year.*"Jan" is Jan 2023/,
      );
      const peek = readHeaderLine(new TextEncoder().encode(text), true);
      expect(peek.headers?.[1]).toBe('Jan 2023');
    }
  });

  it('a workbook too', async () => {
    const ing = new Ingestor();
    ing.push(buildXlsx([{ name: 'Plan', rows: [['Sales 2023 (units)'], [], ...body] }]));
    const t = await ing.finishAsync();
    const quantities = (w: WeeklyTable): number[][] =>
      w.series.map((s) => s.rows.map((r) => r.quantity));
    expect(t.weeks).toEqual(withYears.weeks);
    expect(quantities(t)).toEqual(quantities(withYears));
  });

  it('two years, or a fiscal year, are not guessed between', () => {
    for (const title of ['Sales 2022 vs 2023', 'Sales FY2023']) {
      const t = ingestText(csv([[title], ...body]));
      expect(t.series, title).toEqual([]);
      expect(t.report.issues.map((i) => i.code)).toContain('no-date-column');
    }
  });
});

describe('a BI matrix of two values: each week over its measures', () => {
  const weeks = ['2024-W05', '2024-W06', '2024-W07', '2024-W08', '2024-W09'];
  const units = [
    [3, 0, 2, 5, 1],
    [7, 8, 6, 9, 4],
  ];
  const top = ['', ...weeks.flatMap((w) => [w, ''])];
  const sub = ['SKU', ...weeks.flatMap(() => ['Sum of Units', 'Sum of Sales'])];
  const body = ['A', 'B'].map((s, i) => [
    s,
    ...(units[i] as number[]).flatMap((u) => [String(u), String(u * 2.5)]),
  ]);
  const alone = ingestText(
    csv([
      ['SKU', ...weeks],
      ...['A', 'B'].map((s, i) => [s, ...(units[i] as number[]).map(String)]),
    ]),
  );

  it('each measure takes the week above it; the units are read, in the file, the workbook and the peek', async () => {
    const text = csv([top, sub, ...body]);
    const t = ingestText(text);
    expect(t.series).toEqual(alone.series);
    const notes = t.report.issues.map((i) => i.code);
    expect(notes).toContain('year-header-row');
    expect(notes).not.toContain('title-rows');
    expect(t.report.issues.find((i) => i.code === 'year-header-row')?.message).toMatch(
      /Row 1 holds the periods over the measures of row 2.*"Sum of Units" is Units 2024-W05/,
    );
    const peek = readHeaderLine(new TextEncoder().encode(text), true);
    expect(peek.layout).toBe('wide-periods-across');
    const ing = new Ingestor();
    const merges = weeks.map((_, i) => {
      const a = String.fromCharCode(66 + 2 * i);
      return `${a}1:${String.fromCharCode(67 + 2 * i)}1`;
    });
    ing.push(buildXlsx([{ name: 'Matrix', rows: [top, sub, ...body], merges }]));
    const book = await ing.finishAsync();
    expect(book.series.map((s) => s.rows.map((r) => r.quantity))).toEqual(
      alone.series.map((s) => s.rows.map((r) => r.quantity)),
    );
  });
});
