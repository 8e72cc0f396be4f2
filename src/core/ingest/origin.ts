// Where a file's weeks end, and so where its forecast starts from. One row
// dated 2099 (a typo, a placeholder) would otherwise make the last week of
// every sku 2099's, with 75 years of zeros before it. Both the CLI and the
// page read files through here (weekly-table.ts), so both exclude the same rows.
//
// The rule (README "Where the forecast starts"): rows that come after a run of
// weeks with no rows at all are beyond the file's bulk when they are fewer than
// BEYOND_BULK_SHARE (1%) of the rows those empty weeks would have held at the
// rate of the weeks before them, and fewer than those weeks' rows. A week next
// to the data (no empty week between) is never excluded however few its rows,
// so a partial last week stays. The caller can set the origin instead (asOf:
// rows after the Sunday of that date's week go), or keep every row ('latest').
import type { ExcludedRows } from '../types';
import type { CellView } from './cell-store';
import { checkedDays, formatDay, mondayOf } from './dates';
import type { IssueLog } from './issues';

/** The share of the empty weeks' expected rows under which the rows after them are stray. */
export const BEYOND_BULK_SHARE = 0.01;
/** Excluded dates a report lists by name (the count is exact). */
const LISTED_DATES = 10;
/** `asOf` that keeps every row: the guard off. */
export const AS_OF_LATEST = 'latest';

/** A week holding rows: its Monday (day number) and how many. */
export interface WeekRows {
  monday: number;
  rows: number;
}

/**
 * Index in `weeks` (weeks with rows, ascending) of the last week of the
 * file's bulk: the last one unless the rule above cuts the weeks after it. The
 * earliest gap that qualifies cuts, so stray rows beyond stray rows all go.
 */
export function lastBulkWeek(weeks: readonly WeekRows[]): number {
  let total = 0;
  for (const w of weeks) total += w.rows;
  let before = 0;
  for (let i = 1; i < weeks.length; i++) {
    const prev = weeks[i - 1] as WeekRows;
    before += prev.rows;
    const gap = ((weeks[i] as WeekRows).monday - prev.monday) / 7 - 1;
    if (gap < 1) continue;
    const span = (prev.monday - (weeks[0] as WeekRows).monday) / 7 + 1;
    const tail = total - before;
    if (tail < before && tail < BEYOND_BULK_SHARE * gap * (before / span)) return i - 1;
  }
  return weeks.length - 1;
}

/** A YYYY-MM-DD as-of date's day number, 'latest', or null when it is neither. */
export function parseAsOf(text: string): number | typeof AS_OF_LATEST | null {
  const t = text.trim().toLowerCase();
  if (t === AS_OF_LATEST) return AS_OF_LATEST;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return null;
  const day = checkedDays(Number(m[1]), Number(m[2]), Number(m[3]));
  return day === day ? day : null;
}

/** The dates the table keeps, once the origin is settled. */
export interface OriginCut {
  minDay: number;
  maxDay: number;
  /**
   * The last day the data covers: maxDay, or the Sunday of the as-of week
   * when rows after it were excluded (that week is then complete, whatever
   * its last row's weekday).
   */
  coveredUntil: number;
  excluded?: ExcludedRows;
}

/**
 * Settles the last week: excludes the rows beyond the file's bulk (or after
 * the week of `asOf`) by making their dates unread in `dayOf` (so no week
 * sums them), gives their rows back (acc.unuseRows) and says so in the log.
 * Null when no date is left, or the as-of date is before the data (a file
 * error in the log).
 */
export function settleOrigin(
  cells: CellView,
  dayOf: Float64Array,
  span: { minDay: number; maxDay: number },
  asOf: string | undefined,
  log: IssueLog,
  unuseRows: (rows: number) => void,
): OriginCut | null {
  const { minDay, maxDay } = span;
  const rowsOfDate = new Float64Array(dayOf.length);
  for (let c = 0; c < cells.count; c++) {
    const di = cells.date[c] as number;
    rowsOfDate[di] = (rowsOfDate[di] as number) + (cells.rows[c] as number);
  }
  const chosen = asOf === undefined ? undefined : parseAsOf(asOf);
  if (chosen === AS_OF_LATEST) return { minDay, maxDay, coveredUntil: maxDay };
  let lastDay: number;
  if (typeof chosen === 'number') {
    if (chosen < minDay) {
      log.fileError(
        'as-of-before-data',
        `The as-of date ${formatDay(chosen)} is before the file's first date, ${formatDay(minDay)}: no week would be left to forecast from; choose a date from ${formatDay(minDay)} to ${formatDay(maxDay)}`,
      );
      return null;
    }
    lastDay = mondayOf(chosen) + 6;
  } else {
    const weeks = weeksWithRows(dayOf, rowsOfDate);
    lastDay = (weeks[lastBulkWeek(weeks)] as WeekRows).monday + 6;
  }
  if (lastDay >= maxDay) return { minDay, maxDay, coveredUntil: maxDay };

  const excludedDays: number[] = [];
  let rows = 0;
  let keptMax = -Infinity;
  for (let di = 0; di < dayOf.length; di++) {
    const d = dayOf[di] as number;
    if (d !== d) continue;
    if (d <= lastDay) {
      if (d > keptMax) keptMax = d;
      continue;
    }
    excludedDays.push(d);
    rows += rowsOfDate[di] as number;
    dayOf[di] = NaN;
  }
  excludedDays.sort((a, b) => a - b);
  const distinct = excludedDays.filter((d, i) => i === 0 || d !== excludedDays[i - 1]);
  const firstExcluded = distinct[0] as number;
  const excluded: ExcludedRows = {
    reason: typeof chosen === 'number' ? 'as-of' : 'beyond-bulk',
    rows,
    dateCount: distinct.length,
    dates: distinct.slice(0, LISTED_DATES).map(formatDay),
    lastDate: formatDay(distinct.at(-1) as number),
    keptUntil: formatDay(keptMax),
    gapWeeks: (mondayOf(firstExcluded) - mondayOf(keptMax)) / 7 - 1,
  };
  unuseRows(rows);
  if (excluded.reason === 'beyond-bulk') {
    log.note({ severity: 'warning', code: 'beyond-bulk', message: excludedMessage(excluded) });
  }
  return {
    minDay,
    maxDay: keptMax,
    coveredUntil: excluded.reason === 'as-of' ? lastDay : keptMax,
    excluded,
  };
}

/** The weeks holding readable dates' rows, ascending. */
function weeksWithRows(dayOf: Float64Array, rowsOfDate: Float64Array): WeekRows[] {
  const byMonday = new Map<number, number>();
  for (let di = 0; di < dayOf.length; di++) {
    const d = dayOf[di] as number;
    if (d !== d) continue;
    const m = mondayOf(d);
    byMonday.set(m, (byMonday.get(m) ?? 0) + (rowsOfDate[di] as number));
  }
  return [...byMonday]
    .map(([monday, rows]) => ({ monday, rows }))
    .sort((a, b) => a.monday - b.monday);
}

/** The dates of an exclusion as a message names them: the first few, then how many more. */
export function excludedDatesText(x: ExcludedRows): string {
  const more = x.dateCount - x.dates.length;
  return `${x.dates.join(', ')}${more > 0 ? ` and ${more} more dates to ${x.lastDate}` : ''}`;
}

/** The warning of rows beyond the bulk: which, how many, why, and how to keep them. */
function excludedMessage(x: ExcludedRows): string {
  const rows = `${x.rows.toLocaleString('en')} row${x.rows === 1 ? '' : 's'}`;
  return (
    `Excluded ${rows} dated ${excludedDatesText(x)}: beyond the file's bulk, after ` +
    `${x.gapWeeks.toLocaleString('en')} week${x.gapWeeks === 1 ? '' : 's'} with no rows following ${x.keptUntil}; ` +
    `the forecast starts from the weeks up to ${x.keptUntil}. To use them anyway, read the file as of its latest date (--as-of latest) or choose the origin (--as-of YYYY-MM-DD)`
  );
}
