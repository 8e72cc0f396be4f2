// Grouped reports print each label once: an Excel pivot in outline or compact
// form pasted as values, an ERP report that suppresses repeated keys, a
// QuickBooks "Sales by Product/Service Detail" with the product on a heading
// row. Every row below a label is that label's, and none is lost.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import type { WeeklyTable } from '../../src/core/types';
import { readHeaderLine } from '../../src/worker/headers';
import { buildXlsx, type CellSpec } from './xlsx-build';

const WEEKS = Array.from({ length: 30 }, (_, i) =>
  new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10),
);
const SKUS = ['A100', 'B200', 'C300'];
/** Units of sku s in week w: varied, never all alike. */
const units = (s: number, w: number): number => ((s + 2) * (w + 3) * 7) % 23;

/** The same sales with every label on every row: what a grouped report must read as. */
const LONG = [
  'SKU,Week,Units',
  ...SKUS.flatMap((s, si) => WEEKS.map((w, wi) => `${s},${w},${units(si, wi)}`)),
].join('\n');
const plain = ingestText(LONG);

function chunked(text: string, size: number): WeeklyTable {
  const ing = new Ingestor();
  for (let i = 0; i < text.length; i += size) ing.push(text.slice(i, i + size));
  return ing.finish();
}

const totals = (t: WeeklyTable): Record<string, number> =>
  Object.fromEntries(t.series.map((s) => [s.sku, s.rows.reduce((a, r) => a + r.quantity, 0)]));
const quantities = (t: WeeklyTable): number[][] =>
  t.series.map((s) => s.rows.map((r) => r.quantity));

const codes = (t: WeeklyTable): string[] => t.report.issues.map((i) => i.code);

describe('a grouped report: each label once, above its rows', () => {
  const grouped = [
    'SKU,Week,Units',
    ...SKUS.flatMap((s, si) => WEEKS.map((w, wi) => `${wi === 0 ? s : ''},${w},${units(si, wi)}`)),
  ].join('\n');

  it('reads each blank sku cell as the sku above it, in any chunking, with one note', () => {
    for (const size of [5, 301, 1 << 20]) {
      const t = chunked(grouped, size);
      expect(t.series).toEqual(plain.series);
      expect(t.report.rowsUsed).toBe(90);
      expect(t.report.rowsSkipped).toBe(0);
      const notes = t.report.issues.filter((i) => i.code === 'filled-down');
      expect(notes).toHaveLength(1);
      expect(notes[0]?.message).toMatch(/Column "SKU" prints each label once.*87 blank cells/);
    }
  });

  it('a category outside the sku, with Excel subtotal rows, fills both and leaves the totals out', () => {
    const lines = ['Category,SKU,Week,Units'];
    const cats = ['Kitchen', 'Kitchen', 'Textiles'];
    SKUS.forEach((s, si) => {
      WEEKS.forEach((w, wi) => {
        const first = wi === 0;
        const cat = first && (si === 0 || cats[si] !== cats[si - 1]) ? cats[si] : '';
        lines.push(`${cat},${first ? s : ''},${w},${units(si, wi)}`);
      });
      lines.push(`,${s} Total,,${WEEKS.reduce((a, _, wi) => a + units(si, wi), 0)}`);
    });
    lines.push('Grand Total,,,999');
    const t = ingestText(lines.join('\n'));
    expect(totals(t)).toEqual(totals(plain));
    expect(t.report.rowsUsed).toBe(90);
    expect(t.report.skippedByReason).toEqual({ 'total-row': 4 });
    expect(Object.fromEntries(t.series.map((s) => [s.sku, s.category]))).toEqual({
      A100: 'Kitchen',
      B200: 'Kitchen',
      C300: 'Textiles',
    });
  });

  it('a pivot by week then sku, with the week once and a subtotal per week', () => {
    const lines = ['Week;Artikel;Menge'];
    WEEKS.forEach((w, wi) => {
      SKUS.forEach((s, si) => lines.push(`${si === 0 ? w : ''};${s};${units(si, wi)}`));
      lines.push(`${w} Ergebnis;;${SKUS.reduce((a, _, si) => a + units(si, wi), 0)}`);
    });
    const t = ingestText(lines.join('\n'));
    expect(totals(t)).toEqual(totals(plain));
    expect(t.report.rowsUsed).toBe(90);
    expect(codes(t)).toContain('filled-down');
  });

  it('a workbook with the sku in merged cells reads as the CSV does', async () => {
    const rows: CellSpec[][] = [['SKU', 'Week', 'Units']];
    SKUS.forEach((s, si) =>
      WEEKS.forEach((w, wi) => rows.push([wi === 0 ? s : '', { date: w }, units(si, wi)])),
    );
    const merges = SKUS.map((_, si) => `A${2 + 30 * si}:A${31 + 30 * si}`);
    const ing = new Ingestor();
    ing.push(buildXlsx([{ name: 'Pivot', rows, merges }]));
    const t = await ing.finishAsync();
    expect(t.series).toEqual(plain.series);
    expect(codes(t)).toContain('filled-down');
  });
});

describe('a QuickBooks Sales by Product/Service Detail', () => {
  const lines = [
    'Sales by Product/Service Detail',
    'Acme Ltd',
    '"January - July, 2024"',
    '',
    ',Date,Transaction Type,Num,Customer,Qty,Sales Price,Amount',
  ];
  SKUS.forEach((s, si) => {
    const name = `${s} Large Blue Ceramic Mug`;
    lines.push(`${name},,,,,,,`);
    WEEKS.forEach((w, wi) =>
      lines.push(`,${w},Invoice,${1000 + wi},Cust,${units(si, wi)},5.00,${units(si, wi) * 5}.00`),
    );
    lines.push(`Total for ${name},,,,,${WEEKS.reduce((a, _, wi) => a + units(si, wi), 0)},,`);
  });
  lines.push('TOTAL,,,,,,,');

  it('takes the unnamed first column as the product, its headings and totals as no sales', () => {
    const t = ingestText(lines.join('\n'));
    expect(t.report.mapping.sku).toBe('Column A');
    expect(t.series.map((s) => s.sku)).toEqual(SKUS.map((s) => `${s} Large Blue Ceramic Mug`));
    expect(quantities(t)).toEqual(quantities(plain));
    expect(t.report.rowsUsed).toBe(90);
    expect(t.report.skippedByReason).toEqual({ 'total-row': 4 });
    const note = t.report.issues.find((i) => i.code === 'filled-down');
    expect(note?.message).toMatch(
      /^Column A \(no name in the header\).*3 rows holding only a label were headings/,
    );
  });

  it("the page's column form shows that column, chosen as the sku, which the run then reads", () => {
    const peek = readHeaderLine(new TextEncoder().encode(lines.join('\n')), true);
    expect(peek.headers?.[0]).toBe('Column A');
    expect(peek.detected?.sku).toBe('Column A');
    expect(peek.unmatched).not.toContain('Column A');
    const t = ingestText(lines.join('\n'), { mapping: { sku: 'Column A', date: 'Date' } });
    expect(t.series).toHaveLength(3);
    expect(t.report.rowsUsed).toBe(90);
  });
});

describe('files that are not grouped are read as before', () => {
  it('a sku missing here and there is still a missing sku, not the one above', () => {
    const rows = LONG.split('\n');
    for (const i of [5, 40, 77]) rows[i] = rows[i]!.replace(/^[A-Z]\d+/, '');
    const t = ingestText(rows.join('\n'));
    expect(t.report.skippedByReason).toEqual({ 'missing-sku': 3 });
    expect(codes(t)).not.toContain('filled-down');
  });

  it('a file by date whose skus come back is not grouped, however many cells are blank', () => {
    const lines = ['Week,SKU,Units'];
    WEEKS.forEach((w, wi) =>
      // One named sku a week, A100 and B200 by turns: twice as many blank cells as named.
      SKUS.forEach((_, si) => lines.push(`${w},${si === 0 ? SKUS[wi % 2] : ''},${units(si, wi)}`)),
    );
    const t = ingestText(lines.join('\n'));
    expect(codes(t)).not.toContain('filled-down');
    expect(t.report.skippedByReason).toEqual({ 'missing-sku': 60 });
  });
});
