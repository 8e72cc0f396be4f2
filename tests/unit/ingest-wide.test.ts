// Wide tables in: one row per date with a column per item, or one row per item
// with a column per period, read through the same table builder as a long
// file, so they give the weekly table their long twin gives.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText, type IngestOptions } from '../../src/core/ingest';
import { readDate, formatDay } from '../../src/core/ingest/dates';
import { columnUses, planLayout, describeLayout } from '../../src/core/ingest/layout';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import type { WeeklyTable } from '../../src/core/types';
import { datesDown, periodsAcross } from './wide-fixtures';
import { buildXlsx, type CellSpec } from './xlsx-build';
import { ingestOptions, readHeaderLine } from '../../src/worker/headers';

async function ingestBook(bytes: Uint8Array, opts?: IngestOptions): Promise<WeeklyTable> {
  const ing = new Ingestor(opts);
  ing.push(bytes);
  return ing.finishAsync();
}

const errors = (t: WeeklyTable): string[] =>
  t.report.issues.filter((i) => i.severity === 'error').map((i) => i.message);

describe('one row per item, one column per week', () => {
  const wide = periodsAcross(45, 143);
  // Whole numbers across the weeks read as units, so the long twin's column is a quantity.
  const longTable = ingestText(wide.long, {
    mapping: { date: 'Date', sku: 'Store', quantity: 'Sales' },
  });

  it('reads a CSV with dd.mm.yyyy headers as its long twin', () => {
    const t = ingestText(wide.csv);
    expect(errors(t)).toEqual([]);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(longTable));
    expect(t.report.layout).toBe('wide-periods-across');
    expect(t.report.layoutDescription).toBe(
      'one row per item, one column per week: 45 items × 143 weeks',
    );
  });

  it('reads a workbook whose header cells are dates as its long twin', async () => {
    const t = await ingestBook(buildXlsx([{ name: 'Plan', rows: wide.sheet }]));
    expect(errors(t)).toEqual([]);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(longTable));
  });

  it('finds the header row of dates below a title row', async () => {
    const rows: CellSpec[][] = [['Sales plan 2010'], [], ...wide.sheet];
    const t = await ingestBook(buildXlsx([{ name: 'Plan', rows }]));
    expect(errors(t)).toEqual([]);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(longTable));
  });

  it('reads a German export with KW columns (Kalenderwoche) as weeks', () => {
    const t = ingestText('Artikel;KW 01/2025;KW 02/2025;KW 03/2025\nA;3;4;5\nB;1;0;2\n');
    expect(errors(t)).toEqual([]);
    expect(t.weeks).toEqual(['2024-12-30', '2025-01-06', '2025-01-13']);
    expect(t.series.find((s) => s.sku === 'A')?.rows.map((r) => r.quantity)).toEqual([3, 4, 5]);
  });

  it('reads ISO-week headers as the Monday of each week', () => {
    const t = ingestText(
      'Item,Category,2024-W05,2024-W06,2024W07,W08 2024\nA,Fruit,3,4,,6\nB,Veg,1,2,3,4\n',
    );
    expect(errors(t)).toEqual([]);
    expect(t.weeks).toEqual(['2024-01-29', '2024-02-05', '2024-02-12', '2024-02-19']);
    const a = t.series.find((s) => s.sku === 'A');
    expect(a?.category).toBe('Fruit');
    // The empty cell is missing, not a sale of 0: no row was read for it.
    expect(a?.rows.map((r) => r.quantity)).toEqual([3, 4, 0, 6]);
    expect(t.report.rowsRead).toBe(7);
  });

  it("spreads a month column over the month's days, leaves out the part-covered weeks at the ends, and says so", () => {
    // One unit a day in each month: every week the months cover whole holds 7.
    const t = ingestText('Artikel,Jan 2024,Feb 2024,Mär 2024\nA,31,29,31\n');
    const rows = t.series[0]?.rows ?? [];
    // 2024-01-01 is a Monday; the week of 2024-03-25 ends on the 31st; no week of April.
    expect(rows.map((r) => r.week_start)).toEqual(
      Array.from({ length: 13 }, (_, i) => formatDay(readDate('2024-01-01').days + 7 * i)),
    );
    for (const r of rows) expect(r.quantity).toBeCloseTo(7, 9);
    // A week across two months takes its days' share of each: 2 days of 31 and 5 of 28.
    const straddle = ingestText('Item,Jan 2023,Feb 2023,Mar 2023\nA,31,56,31\n').series[0]?.rows;
    expect(straddle?.find((r) => r.week_start === '2023-01-30')?.quantity).toBeCloseTo(2 + 10, 9);
    expect(t.report.issues.find((i) => i.code === 'monthly-periods')?.message).toMatch(
      /spread evenly over its days/,
    );
  });

  it('spreads a month written as text as it spreads a number: a decimal comma, a quoted cell, a bad one', () => {
    const plain = ingestText('Artikel;Jan 2024;Feb 2024;Mär 2024\nA;31.5;29;31\n').series;
    for (const text of [
      'Artikel;Jan 2024;Feb 2024;Mär 2024\nA;31,5;29;31\n',
      'Artikel,Jan 2024,Feb 2024,Mär 2024\nA,"31.5","29",31\n',
    ]) {
      expect(ingestText(text).series, text).toEqual(plain);
    }
    // A cell that is no number is one issue, not one per week.
    const bad = ingestText('Artikel;Jan 2024;Feb 2024;Mär 2024\nA;31;n/a;31\n');
    expect(bad.report.skippedByReason).toEqual({ 'bad-number': 1 });
  });

  it('a measure beside each period (`Units 2024-W05`, `Sales 2024-W05`): units by default, sales on request', () => {
    const weeks = ['2024-W05', '2024-W06', '2024-W07', '2024-W08'];
    const units = [3, 0, 2, 5];
    const sales = [7.5, 0, 5, 12.5];
    const row = units.flatMap((u, i) => [String(u), String(sales[i])]);
    const head = weeks.flatMap((w) => [`Units ${w}`, `Sales ${w}`]);
    const both = `Item,${head.join(',')}\nA,${row.join(',')}\n`;
    const t = ingestText(both);
    const alone = ingestText(`Item,${weeks.join(',')}\nA,${units.join(',')}\n`);
    expect(t.series).toEqual(alone.series);
    expect(t.report.measure).toBe('units');
    expect(t.report.issues.find((i) => i.code === 'wide-columns-ignored')?.message).toMatch(
      /units were read from "Units 2024-W05" and its like; 4 columns of another measure were left out \("Sales 2024-W05"/,
    );
    const money = ingestText(both, { measure: 'amount' });
    expect(money.series[0]?.rows.map((r) => r.total_amount)).toEqual(sales);
    // The measure after the period reads the same.
    const after = both.replace(/(Units|Sales) (2024-W\d\d)/g, '$2 $1');
    expect(ingestText(after).series).toEqual(alone.series);
    const peek = readHeaderLine(new TextEncoder().encode(both), true);
    expect(peek.layout).toBe('wide-periods-across');
  });

  it('reads whole numbers across the weeks as units, cents or a currency sign as money, and obeys a choice', () => {
    const counts = 'Item,2024-W05,2024-W06,2024-W07\nA,3,0,2\nB,10,12,9\n';
    const units = ingestText(counts);
    expect(units.report.measure).toBe('units');
    expect(units.report.measureReason).toMatch(/whole numbers/);
    expect(units.series.find((s) => s.sku === 'B')?.rows.map((r) => r.quantity)).toEqual([
      10, 12, 9,
    ]);
    for (const money of [counts.replace(',3,', ',3.50,'), counts.replace(',10,', ',€10,')]) {
      expect(ingestText(money).report.measure).toBe('amount');
    }
    // A choice wins either way, and a sheet of money read as units is not refused for want of a quantity column.
    expect(ingestText(counts, { measure: 'amount' }).report.measure).toBe('amount');
    const chosen = ingestText(counts.replace(',3,', ',3.50,'), { measure: 'units' });
    expect(errors(chosen)).toEqual([]);
    expect(chosen.report.measure).toBe('units');
    expect(chosen.series.find((s) => s.sku === 'A')?.rows.map((r) => r.quantity)).toEqual([
      3.5, 0, 2,
    ]);
  });

  it('names the cell of a bad value by its row and its column header', () => {
    const t = ingestText('Store,05.02.2010,12.02.2010,19.02.2010\nS1,1,x,3\nS2,4,5,6\n');
    expect(t.report.issues.find((i) => i.code === 'bad-amount' || i.row === 2)).toMatchObject({
      row: 2,
      column: '12.02.2010',
    });
    expect(t.report.rowsUsed).toBe(5);
  });

  it('--layout long reads the old way', () => {
    const t = ingestText(wide.csv, { layout: 'long' });
    expect(t.series).toEqual([]);
    expect(errors(t)[0]).toMatch(/^Row 1 looks like data/);
  });
});

describe('one row per date, one column per item', () => {
  const wide = datesDown(118, 120);

  it("reads QTY_ columns as each item's units and leaves PROMO_ columns out, with a note", () => {
    const t = ingestText(wide.csv);
    const twin = ingestText(wide.long, {
      mapping: { date: 'Date', sku: 'SKU', quantity: 'Quantity' },
    });
    expect(errors(t)).toEqual([]);
    expect(t.series.map((s) => s.sku)).toEqual(twin.series.map((s) => s.sku));
    // Units, as the long twin's quantity column reads.
    expect(t.report.measure).toBe('units');
    expect(t.series.map((s) => s.rows.map((r) => r.quantity))).toEqual(
      twin.series.map((s) => s.rows.map((r) => r.quantity)),
    );
    expect(t.report.layoutDescription).toBe('one row per date, one column per item: 118 items');
    const note = t.report.issues.find((i) => i.code === 'wide-columns-ignored');
    expect(note?.message).toMatch(/"PROMO_B1_10" … and 108 more/);
  });

  it('pairs role prefixes and suffixes into one item', () => {
    const plan = planLayout(['Date', 'Apfel_units', 'Apfel_price', 'Birne_units', 'Birne_price']);
    expect(plan).toMatchObject({
      kind: 'wide-dates-down',
      items: [
        { item: 'Apfel', quantity: 1, price: 2, amount: -1 },
        { item: 'Birne', quantity: 3, price: 4, amount: -1 },
      ],
    });
    const german = planLayout([
      'Datum',
      'Menge Apfel',
      'Preis Apfel',
      'Menge Birne',
      'Preis Birne',
    ]);
    expect(german.kind === 'wide-dates-down' && german.items.map((i) => i.item)).toEqual([
      'Apfel',
      'Birne',
    ]);
    const t = ingestText(
      'Date,Apfel_units,Apfel_price,Birne_units,Birne_price\n2024-01-02,2,1.5,1,2\n2024-01-03,4,1.5,,2\n',
    );
    // Quantity × price is the amount, as in a long file; an empty quantity is no sale.
    expect(t.series.map((s) => [s.sku, s.rows[0]?.quantity, s.rows[0]?.total_amount])).toEqual([
      ['Apfel', 6, 9],
      ['Birne', 1, 2],
    ]);
  });

  it('keeps a long file long', () => {
    expect(planLayout(['Date', 'Item', 'Brand', 'Quantity', 'Promo']).kind).toBe('long');
    expect(planLayout(['Date', 'Sales', 'Store']).kind).toBe('long');
    expect(planLayout(['Date', '10001', '10002', '10003']).kind).toBe('wide-dates-down');
    expect(describeLayout({ kind: 'long' })).toMatch(/one row per sale/);
    // A row's id and a promotion flag beside the items are neither items nor their sales.
    const ids = planLayout(['id', 'Date', 'Apfel', 'Birne', 'onpromotion']);
    expect(ids.kind === 'wide-dates-down' && ids.items.map((i) => i.item)).toEqual([
      'Apfel',
      'Birne',
    ]);
    expect(ids.kind === 'wide-dates-down' && ids.ignored).toEqual([0, 4]);
  });
});

describe('what a wide layout reads each column as', () => {
  const usesOf = (headers: string[]) => {
    const plan = planLayout(headers);
    if (plan.kind === 'long') throw new Error(`${headers.join(',')} read as long`);
    return columnUses(plan, headers.length);
  };

  it('periods are sales by their unit; the item columns say so; a Total is left out', () => {
    const months = usesOf(['Store', 'Item', 'Jan 2024', 'Feb 2024', 'Mar 2024', 'Apr 2024', 'Sum']);
    // No category column: both leading columns name the item.
    expect(months.uses).toEqual(['sku', 'sku', ...Array<string>(4).fill('sales by month'), null]);
    expect(months.note).toMatch(
      /one month's sales; skucast spreads each evenly over the month's days/,
    );
    const days = usesOf(['SKU', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04']);
    expect(days.uses).toEqual(['sku', ...Array<string>(4).fill('sales by day')]);
    expect(days.note).toMatch(/one day's sales; skucast adds them up/);
  });

  it("a row per date: the date, each item's roles; a promotion flag is left out", () => {
    const { uses, note } = usesOf([
      'Date',
      'Apfel_units',
      'Apfel_price',
      'Birne_units',
      'Promo_Apfel',
    ]);
    expect(uses).toEqual(['date', 'quantity', 'unit price', 'quantity', null]);
    expect(note).toMatch(/^Each item's columns hold its sales on the row's date/);
  });
});

describe('errors on wide files', () => {
  it('list at most 10 column names', () => {
    const headers = ['Day count', ...Array.from({ length: 236 }, (_, i) => `X${i}`)];
    const t = ingestText(`${headers.join(',')}\n${headers.map(() => '1').join(',')}\n`, {
      layout: 'long',
    });
    const message = errors(t)[0] ?? '';
    expect(message).toMatch(/… and 227 more/);
    expect(message.match(/"/g)?.length).toBeLessThanOrEqual(2 * 10 + 2);
  });
});

describe('ISO weeks as dates', () => {
  it('read as the Monday of the week, in a long file too', () => {
    const day = (s: string): string => formatDay(readDate(s).days);
    expect(day('2024-W05')).toBe('2024-01-29');
    expect(day('2020-W53')).toBe('2020-12-28');
    expect(day('2025W01')).toBe('2024-12-30');
    expect(day('W05 2024')).toBe('2024-01-29');
    expect(readDate('2023-W53').kind).toBe('bad');
    // The words of planners' exports, in several languages, and a two-digit year.
    for (const label of ['KW 05/2024', 'KW05/24', 'Wk 5 2024', 'Week 05-2024', 'CW 5 2024']) {
      expect(day(label), label).toBe('2024-01-29');
    }
    for (const label of ['2024 KW 05', '2024/Week 5', 'Sem. 05 2024', 'Woche 5/2024', 'v.5 2024']) {
      expect(day(label), label).toBe('2024-01-29');
    }
    // French retail's semaine: S05-2024, 2024 S05; S1 2024 is a half-year, not a week.
    for (const label of ['S05-2024', 's05/2024', '2024 S05', '2024-S05']) {
      expect(day(label), label).toBe('2024-01-29');
    }
    expect(readDate('S1 2024').kind).toBe('bad');
    expect(readDate('Week 5').kind).toBe('bad');
    expect(readDate('KW 54/2024').kind).toBe('bad');
    // A two-digit year as a date's: 69–99 are 19xx.
    expect(day('Wk 5 99')).toBe('1999-02-01');
    const t = ingestText('Woche,Artikel,Umsatz\n2024-W05,A,3\n2024-W06,A,4\n');
    expect(t.weeks).toEqual(['2024-01-29', '2024-02-05']);
  });
});

describe("a retailer's week-ending headers", () => {
  it('reads `Wk Ending 01/07/2023`, `Week of …`, `W/E …` as the week of their date', () => {
    for (const label of ['Wk Ending', 'Week of', 'W/E', 'Week beginning']) {
      const weeks = ['01/07/2023', '01/14/2023', '01/21/2023', '01/28/2023', '02/04/2023'];
      const header = ['Item #', 'Item Description', ...weeks.map((d) => `${label} ${d}`)].join(',');
      const t = ingestText(`${header}\nA100,Widget,1,2,3,4,5\nB200,Gadget,5,4,3,2,1\n`);
      expect(
        t.series.map((x) => x.sku),
        label,
      ).toEqual(['A100', 'B200']);
      expect(t.weeks, label).toEqual([
        '2023-01-02',
        '2023-01-09',
        '2023-01-16',
        '2023-01-23',
        '2023-01-30',
      ]);
      expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([1, 2, 3, 4, 5]);
    }
  });
});

describe('a workbook sheet per week', () => {
  it('reads serial headers without a date format as dates', async () => {
    const rows: CellSpec[][] = [
      ['Item', { serial: 45327 }, { serial: 45334 }, { serial: 45341 }],
      ['A', 1, 2, 3],
    ];
    const t = await ingestBook(buildXlsx([{ name: 'S', rows }]));
    expect(t.weeks[0]).toBe('2024-02-05');
    expect(t.report.layout).toBe('wide-periods-across');
  });
});

describe('an item named by two columns', () => {
  const csv = 'Store,Dept,2024-W05,2024-W06,2024-W07\n1,1,5,6,7\n1,2,1,1,1\n2,1,3,3,3\n';

  it('warns when rows repeat an item, and says which column to add', () => {
    const t = ingestText(csv);
    expect(t.series.map((s) => s.sku)).toEqual(['1', '2']);
    const note = t.report.issues.find((i) => i.code === 'wide-repeated-item');
    expect(note?.message).toMatch(/^Rows 2 and 3 both name the item "1"/);
    expect(note?.message).toMatch(/--map sku=Store\+Dept\)$/);
  });

  it('keys each row by both with --map sku=Store+Dept', () => {
    const t = ingestText(csv, { mapping: { sku: 'Store+Dept' } });
    expect(t.series.map((s) => s.sku)).toEqual(['1 · 1', '1 · 2', '2 · 1']);
    expect(t.report.issues.map((i) => i.code)).not.toContain('wide-repeated-item');
  });
});

describe('a row of one column per item without a date', () => {
  it('is one problem, not one per item', () => {
    const t = ingestText('Date,A,B,C\n2024-01-02,1,2,3\nsoon,1,2,3\n2024-01-03,1,2,3\n');
    expect(t.report.skippedByReason).toEqual({ 'bad-date': 1 });
    expect(t.report.issues.filter((i) => i.code === 'bad-date')).toHaveLength(1);
    expect(t.report.rowsUsed).toBe(6);
  });
});

describe('the worker', () => {
  it('hands the layout chosen in the page to the ingestion', () => {
    expect(ingestOptions({ layout: 'wide-dates-down' })).toEqual({ layout: 'wide-dates-down' });
  });
});

describe("a pivot table's totals", () => {
  it('leaves out a Grand Total row and column below a pivot title, with a note', () => {
    const t = ingestText(
      [
        'Sum of Qty,Column Labels,,,',
        'Row Labels,2024-01-01,2024-01-08,2024-01-15,Grand Total',
        'A,1,2,3,6',
        'B,,4,5,9',
        'Grand Total,1,6,8,15',
      ].join('\n'),
    );
    expect(errors(t)).toEqual([]);
    expect(t.series.map((s) => s.sku)).toEqual(['A', 'B']);
    const note = t.report.issues.find((i) => i.code === 'wide-total-row');
    expect(note?.row).toBe(5);
    expect(note?.message).toMatch(/"Grand Total"\) is a total of the items/);
    // In German Excel, too.
    const de = ingestText(
      'Artikel;KW 01/2025;KW 02/2025;KW 03/2025\nA;1;2;3\nGesamtergebnis;1;2;3\n',
    );
    expect(de.series.map((s) => s.sku)).toEqual(['A']);
  });

  it('leaves a Total column out of a row per date, and reads whole numbers as units', () => {
    const t = ingestText('Date,Apple,Pear,Total\n2024-01-01,3,4,7\n2024-01-08,1,2,3\n');
    expect(t.report.layout).toBe('wide-dates-down');
    expect(t.series.map((s) => s.sku)).toEqual(['Apple', 'Pear']);
    expect(t.report.measure).toBe('units');
    expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([3, 1]);
    expect(t.report.issues.find((i) => i.code === 'wide-columns-ignored')?.message).toMatch(
      /\("Total"\): totals/,
    );
    // Cents are money.
    expect(ingestText('Date,Apple,Pear\n2024-01-01,3.50,4\n').report.measure).toBe('amount');
  });
});
