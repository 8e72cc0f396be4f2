// A long file dated by a year column and a week-number or month column
// together (`Jahr;KW;Artikel;Menge`, a BI export's `Year, Month, Item, Units`):
// each row becomes the long rows the table builder takes, with a date column
// added. A week is its ISO week; a month is spread evenly over its days, each
// week taking its days' share of the sales, as a sheet of months across is;
// a year, a month and a day (`Year, Quarter, Month, Day`) are that day.
import {
  civilFromDays,
  daysFromCivil,
  formatDay,
  mondayOf,
  readMonthCell,
  readYearWeek,
} from './dates';
import { monthOfCell } from './month-names';
import { lenientNumber } from './number-reader';

export type YearPeriodUnit = 'week' | 'month' | 'day';

/**
 * How one row of `width` cells becomes long rows: its cells and a date (an
 * ISO week label, a day, or the last day of a month's part in a week; one
 * column alone is a month label, `2024-01` or `Jan 2024`), the
 * `measures` columns (amount, quantity) scaled by that part's share of the
 * month. A year or period that is none gives one row whose date names it, for
 * the builder to report; so does a measure cell that is no number.
 */
export function yearPeriodRows(
  width: number,
  cols: readonly number[],
  unit: YearPeriodUnit,
  measures: readonly number[],
): (cells: readonly string[]) => string[][] {
  const [year, period, day] = cols as [number, number?, number?];
  return (cells) => {
    const row = Array.from({ length: width }, (_, i) => cells[i] ?? '');
    const at = (col: number | undefined): string => (row[col as number] as string).trim();
    // One column alone is a week's label (`2024-05` under `Week`) or a month's.
    if (period === undefined) {
      if (unit !== 'week') return monthRows(row, readMonthCell(at(year)), at(year), measures);
      const monday = readYearWeek(at(year));
      return [[...row, monday === monday ? formatDay(monday) : at(year)]];
    }
    const y = at(year);
    const p = at(period);
    if (unit === 'week') return [[...row, `${y}-W${p.padStart(2, '0')}`]];
    const month = monthOfCell(p);
    if (unit === 'day') {
      const d = at(day);
      const mm = month === undefined ? p : String(month).padStart(2, '0');
      return [[...row, `${y}-${mm}-${d.padStart(2, '0')}`]];
    }
    const valid = /^\d{4}$/.test(y) && month !== undefined;
    return monthRows(row, valid ? daysFromCivil(Number(y), month, 1) : NaN, `${y}-${p}`, measures);
  };
}

/**
 * A month's row as its parts by week (monthParts), each measure scaled by
 * the part's share; a month that is none (NaN), or a measure that is no
 * number, gives the row once, dated `text` or the month's 1st, for the
 * builder to report.
 */
function monthRows(
  row: string[],
  start: number,
  text: string,
  measures: readonly number[],
): string[][] {
  if (start !== start) return [[...row, text]];
  const values = measures.map((c) => lenientNumber(row[c] as string));
  if (values.some((v) => v === null)) return [[...row, formatDay(start)]];
  return monthParts(start).map(({ lastDay, share }) => {
    const part = [...row, formatDay(lastDay)];
    measures.forEach((c, k) => (part[c] = String((values[k] as number) * share)));
    return part;
  });
}

/** A month's days in one ISO week: that week's Monday, the part's last day, its share of the month. */
export interface MonthPart {
  monday: number;
  lastDay: number;
  share: number;
}

/**
 * The month starting on day `monthStart`, cut at Mondays: the weeks a month's
 * sales, spread evenly over its days, fall into.
 */
export function monthParts(monthStart: number): MonthPart[] {
  const { year, month } = civilFromDays(monthStart);
  const end = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  const parts: MonthPart[] = [];
  for (let a = monthStart; a < end;) {
    const monday = mondayOf(a);
    const b = Math.min(monday + 7, end);
    parts.push({ monday, lastDay: b - 1, share: (b - a) / (end - monthStart) });
    a = b;
  }
  return parts;
}
