// A long file dated by a year column and a week-number or month column
// together (`Jahr;KW;Artikel;Menge`, a BI export's `Year, Month, Item, Units`):
// each row is the ISO week they name, or its month spread over the month's
// days; detected from the first rows or chosen with `--map date=Year+Week`.
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { detectColumns } from '../../src/core/ingest/columns';
import { formatDay, readDate } from '../../src/core/ingest/dates';

function yearWeekCsv(header: string, sep = ';'): string {
  const lines = [header];
  for (const [y, w] of [
    [2024, 51],
    [2024, 52],
    [2025, 1],
    [2025, 2],
  ] as const)
    for (const item of ['A', 'B']) lines.push([y, w, item, w + (item === 'A' ? 0 : 100)].join(sep));
  return lines.join('\n') + '\n';
}

describe('a year and a week column as the date', () => {
  it('dates each row by its ISO week, detected from the first rows', () => {
    const t = ingestText(yearWeekCsv('Jahr;KW;Artikel;Menge'));
    expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(t.report.mapping.date).toBe('Jahr+KW');
    expect(t.weeks).toEqual(['2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06']);
    expect(t.series.find((s) => s.sku === 'B')?.rows.map((r) => r.quantity)).toEqual([
      151, 152, 101, 102,
    ]);
  });

  it('is chosen with --map date=Year+Week, and a bad week is a bad date of that row', () => {
    const csv = yearWeekCsv('Year,Week,Item,Units', ',') + '2025,54,A,9\n';
    const t = ingestText(csv, { mapping: { date: 'Year+Week' } });
    expect(t.report.rowsUsed).toBe(8);
    const bad = t.report.issues.find((i) => i.code === 'bad-date');
    expect(bad?.row).toBe(10);
    expect(bad?.message).toMatch(/"2025-W54" is not a date/);
  });

  it('leaves a Week column of dates the date, beside a Year column', () => {
    const rows = [['2024', '2024-01-01', 'A', '3']];
    expect(detectColumns(['Year', 'Week', 'Item', 'Units'], rows).mapping.date).toBe('Week');
    expect(
      detectColumns(
        ['Year', 'Date', 'Week', 'Item', 'Units'],
        [['2024', '2024-01-01', '1', 'A', '3']],
      ).mapping.date,
    ).toBe('Date');
  });

  it("spreads a month's sales over its days, by a month's number or name", () => {
    // One unit a day: every week the months cover whole holds 7, in either spelling.
    for (const [jan, feb, mar] of [
      ['1', '2', '3'],
      ['Jan', 'Feb', 'Mär'],
    ]) {
      const t = ingestText(
        `Year,Month,Item,Units\n2024,${jan},A,31\n2024,${feb},A,29\n2024,${mar},A,31\n`,
      );
      expect(t.report.mapping.date).toBe('Year+Month');
      const rows = t.series[0]?.rows ?? [];
      expect(rows.map((r) => r.week_start)).toEqual(
        Array.from({ length: 13 }, (_, i) => formatDay(readDate('2024-01-01').days + 7 * i)),
      );
      for (const r of rows) expect(r.quantity).toBeCloseTo(7, 9);
      expect(t.report.issues.find((i) => i.code === 'monthly-periods')?.message).toMatch(
        /\(Year\+Month\): each month's sales are spread evenly/,
      );
    }
  });
});

describe("a year, a month and a day column (a BI export's date hierarchy)", () => {
  /** Power BI's `Year, Quarter, Month, Day`: 10 a weekday, 30 on a weekend, two products. */
  function hierarchyCsv(days: number): string {
    const names = ['January', 'February', 'March'];
    const lines = ['Year,Quarter,Month,Day,Product,Sales'];
    for (let d = 0; d < days; d++) {
      const date = new Date(Date.UTC(2024, 0, 1 + d));
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      for (const p of ['A', 'B'])
        lines.push(
          `2024,Qtr 1,${names[date.getUTCMonth()]},${date.getUTCDate()},${p},${weekend ? 30 : 10}`,
        );
    }
    return lines.join('\n') + '\n';
  }

  it('dates each row by its day, not spread over its month, and says Year+Month+Day', () => {
    const t = ingestText(hierarchyCsv(70));
    expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(t.report.mapping.date).toBe('Year+Month+Day');
    expect(t.report.rowsUsed).toBe(140);
    // Every whole week: five weekdays at 10 and a weekend at 30 each.
    expect(new Set(t.series[0]!.rows.filter((r) => !r.partial).map((r) => r.total_amount))).toEqual(
      new Set([110]),
    );
    expect(t.report.issues.some((i) => i.code === 'monthly-periods')).toBe(false);
  });

  it('keeps a Day column of dates the date, and a day that does not exist is a bad date of its row', () => {
    expect(
      detectColumns(
        ['Year', 'Month', 'Day', 'Item', 'Units'],
        [['2024', '1', '2024-01-05', 'A', '3']],
      ).mapping.date,
    ).toBe('Day');
    const t = ingestText(hierarchyCsv(14) + '2024,Qtr 1,February,30,A,5\n');
    const bad = t.report.issues.find((i) => i.code === 'bad-date');
    expect(bad?.row).toBe(30);
    expect(bad?.message).toMatch(/"2024-02-30" is not a date/);
  });
});

describe('a month column as the date of a long file', () => {
  it('reads 2024-01, Jan-24 and January 2024 as months, spread over their days', () => {
    for (const [jan, feb, mar] of [
      ['2024-01', '2024-02', '2024-03'],
      ['Jan-24', 'Feb-24', 'Mar-24'],
      ['January 2024', 'February 2024', 'March 2024'],
    ]) {
      const t = ingestText(`Month,Item,Units\n${jan},A,31\n${feb},A,29\n${mar},A,31\n`);
      expect(t.report.mapping.date, jan).toBe('Month');
      expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(t.report.issues.some((i) => i.code === 'monthly-periods')).toBe(true);
      // One unit a day: every whole week holds 7, and the three months 91 in all.
      const rows = t.series[0]!.rows;
      expect(new Set(rows.filter((r) => !r.partial).map((r) => r.quantity))).toEqual(new Set([7]));
      expect(rows.reduce((a, r) => a + r.quantity, 0)).toBeCloseTo(91, 9);
    }
  });

  it('keeps a column of days a column of days', () => {
    const t = ingestText('Month,Item,Units\n2024-01-05,A,3\n2024-02-09,A,2\n2024-03-01,A,3\n');
    expect(t.report.issues.some((i) => i.code === 'monthly-periods')).toBe(false);
    expect(t.series[0]!.rows.reduce((a, r) => a + r.quantity, 0)).toBe(8);
  });
});

describe('one column of a year and a week number as the date', () => {
  it('reads 2024-05, 202405 and 05/2024 under a week name as ISO weeks, not months', () => {
    for (const [header, w1, w5, w52] of [
      ['Week', '2024-01', '2024-05', '2024-52'],
      ['YearWeek', '202401', '202405', '202452'],
      ['Kalenderwoche', '01/2024', '05/2024', '52/2024'],
    ]) {
      const t = ingestText(`${header},Item,Units\n${w1},A,3\n${w5},A,5\n${w52},A,52\n`);
      expect(t.report.mapping.date, header).toBe(header);
      expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(t.report.issues.some((i) => i.code === 'monthly-periods')).toBe(false);
      const weeks = t.series[0]!.rows.filter((r) => r.quantity > 0).map((r) => r.week_start);
      expect(weeks).toEqual(['2024-01-01', '2024-01-29', '2024-12-23']);
    }
  });

  it('is found by its name and values when no column is a date, and shown so in the column form', () => {
    expect(detectColumns(['YearWeek', 'Item', 'Units'], [['202405', 'A', '3']]).mapping.date).toBe(
      'YearWeek',
    );
    // Beside a date column it is not the date.
    expect(
      detectColumns(['Date', 'Week', 'Item', 'Units'], [['2024-01-31', '2024-05', 'A', '3']])
        .mapping.date,
    ).toBe('Date');
    // Under a month's name it stays a month.
    const t = ingestText('Month,Item,Units\n2024-01,A,31\n2024-02,A,29\n');
    expect(t.report.issues.some((i) => i.code === 'monthly-periods')).toBe(true);
  });
});

describe('a year and a month in six digits under a month or period name', () => {
  it('reads `Period` 202401 as January 2024, spread over its weeks as a month is', () => {
    const months = ['202401', '202402', '202403', '202404'];
    const t = ingestText(
      ['Period,Material,Quantity', ...months.map((m) => `${m},A,310`)].join('\n'),
    );
    expect(t.report.issues.some((i) => i.severity === 'error')).toBe(false);
    expect(t.report.issues.map((i) => i.code)).toContain('monthly-periods');
    // The months' 4 × 310 units, less the part-covered weeks at the two ends.
    expect(t.weeks[0]).toBe('2024-01-01');
    const total = t.series[0]!.rows.reduce((sum, r) => sum + r.quantity, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThanOrEqual(4 * 310);
  });

  it('leaves a week number past 12, or a fiscal period, unread as a month', () => {
    // 202452 is no month: the column is not months, so its cells are reported, not guessed.
    const weeks = ingestText('Period,SKU,Qty\n202451,A,5\n202452,A,6\n202501,A,3\n');
    expect(weeks.report.skippedByReason['bad-date']).toBe(3);
    const fiscal = ingestText('Fiscal Period,SKU,Qty\n202401,A,5\n202402,A,6\n');
    expect(fiscal.series).toEqual([]);
  });
});
