// The series a backtest runs on: per sku, its complete weeks since the first
// sale (src/core/history.ts decides which weeks those are, as for the
// forecast), each with its Monday and, from a weekly table, its row index so
// a model that reads more than the amounts (the TCN) gets rows and an end.

import { mondaysEndingOn } from '../calendar';
import { historyIndices, lastCompleteIndex, lastCompleteOfCalendar } from '../history';
import { weeklyRowAt } from '../ingest/weekly-table';
import type { SeriesInput } from '../models/types';
import type { WeeklyColumns, WeeklyRow, WeeklyTable } from '../types';

export interface BacktestSeries {
  id: string;
  /** Category of the sku ('' when none). */
  category: string;
  /** Complete weekly amounts since the first sale, oldest first. */
  y: Float64Array;
  /** Monday (YYYY-MM-DD) of each value of y. */
  weeks: readonly string[];
  /** The sku's weekly rows and the row index of each value of y (absent for bare series). */
  rows?: readonly WeeklyRow[];
  rowIndex?: Int32Array;
}

/** Every sku of the table, with its history up to the last complete week (shared by all skus). */
export function seriesFromTable(table: WeeklyTable): BacktestSeries[] {
  const first = table.series[0];
  if (!first) return [];
  const origin = first.columns
    ? lastCompleteOfCalendar(first.columns.calendar.partial)
    : lastCompleteIndex(first.rows);
  return table.series.map((s) => {
    const c = s.columns;
    if (c) {
      // From the typed columns: the row objects are made only if a model asks
      // (the TCN), the weeks and row indices only if someone reads them. The
      // history is nearly always a run of weeks, and y then a view of the
      // column (at the table cap, 45,000 skus: no copy of the amounts).
      const idx = origin < 0 ? [] : historyOfColumns(c, origin);
      const n = idx.length;
      const rowAt = rowOfIndex(idx);
      const first = rowAt(0);
      const out = {
        id: s.sku,
        category: s.category,
        y:
          n === 0 || rowAt(n - 1) - first === n - 1
            ? c.total_amount.subarray(first, first + n)
            : Float64Array.from(idx, (i) => c.total_amount[i] as number),
      } as BacktestSeries;
      lazyValue(out, 'weeks', () =>
        Array.from({ length: n }, (_, k) => c.calendar.week_start[rowAt(k)] as string),
      );
      lazyValue(out, 'rowIndex', () => Int32Array.from({ length: n }, (_, k) => rowAt(k)));
      // The ISO weeks of y, as a view of the shared calendar (no rows): while
      // the columns are the table's (rows edited since make them go).
      const cal = c.calendar;
      fromColumns.set(out, {
        rowAt,
        isoWeeks: () =>
          !s.columns
            ? undefined
            : n === 0 || rowAt(n - 1) - first === n - 1
              ? cal.iso_week.subarray(first, first + n)
              : Int32Array.from({ length: n }, (_, k) => cal.iso_week[rowAt(k)] as number),
      });
      freshRows.set(out, () => {
        // Rows read from the table meanwhile (and maybe edited) are the rows.
        const cols = s.columns;
        if (!cols) return s.rows;
        const rows: WeeklyRow[] = new Array(cols.calendar.week_start.length);
        for (let w = 0; w < rows.length; w++) rows[w] = weeklyRowAt(s.sku, s.seed_id, cols, w);
        return rows;
      });
      return lazyRows(out, () => s.rows);
    }
    const idx = origin < 0 ? [] : historyIndices(s.rows, origin);
    return {
      id: s.sku,
      category: s.category,
      y: Float64Array.from(idx, (i) => (s.rows[i] as WeeklyRow).total_amount),
      weeks: idx.map((i) => (s.rows[i] as WeeklyRow).week_start),
      rows: s.rows,
      rowIndex: Int32Array.from(idx),
    };
  });
}

/** Row index of the k-th history week: by arithmetic for a run of weeks (nearly always), else from a copy. */
function rowOfIndex(idx: readonly number[]): (k: number) => number {
  const n = idx.length;
  const first = idx[0] ?? 0;
  if (n === 0 || (idx[n - 1] as number) - first === n - 1) return (k) => first + k;
  const list = Int32Array.from(idx);
  return (k) => list[k] as number;
}

/** historyIndices over a sku's columns: complete weeks from its first sale up to `origin`. */
function historyOfColumns(c: WeeklyColumns, origin: number): number[] {
  const n = c.total_amount.length;
  let start = 0;
  while (start < n && !((c.transactions[start] as number) > 0 || c.total_amount[start] !== 0))
    start++;
  const out: number[] = [];
  for (let i = start; i <= origin && i < n; i++) if (c.calendar.partial[i] === 0) out.push(i);
  return out;
}

/** How to make the rows of a series from the table's columns without keeping them on the table. */
const freshRows = new WeakMap<BacktestSeries, () => readonly WeeklyRow[]>();

/** A series made from typed columns: the row index of its k-th value, and its ISO weeks while the columns stand. */
const fromColumns = new WeakMap<
  BacktestSeries,
  { rowAt: (k: number) => number; isoWeeks: () => Int32Array | undefined }
>();

/**
 * The model inputs of `s` at its cutoffs, for one batch of a global model:
 * each with the end after the cutoff week, the rows made only if a model
 * reads them (once for all of the series' windows, and kept by the batch
 * alone, as batchRows), and, for a series of typed columns, `isoWeeks` as a
 * view of the table's calendar, so a model that reads only week numbers (the
 * TCN v2) makes no row at all (at the table cap 4.95M row objects otherwise,
 * a GB of garbage).
 */
export function batchInputs(s: BacktestSeries): (length: number) => SeriesInput {
  const category = s.category;
  if (!hasRows(s)) return (length) => ({ y: s.y.subarray(0, length), category });
  const cols = fromColumns.get(s);
  let rows: readonly WeeklyRow[] | undefined;
  const rowsOf = (): readonly WeeklyRow[] => (rows ??= batchRows(s) ?? []);
  const weeks = cols?.isoWeeks();
  return (length) => {
    const y = s.y.subarray(0, length);
    if (length === 0) return { y, category };
    let end: number;
    if (cols) end = cols.rowAt(length - 1) + 1;
    else if (s.rowIndex) end = (s.rowIndex[length - 1] as number) + 1;
    else return { y, category };
    return new BatchInput(y, end, weeks?.subarray(0, length), category, rowsOf);
  };
}

/**
 * A model input whose rows are read through a getter of the class (made on
 * first read): every input has the same shape, where an own getter per
 * series would turn each input into a dictionary of properties.
 */
class BatchInput implements SeriesInput {
  constructor(
    readonly y: Float64Array,
    readonly end: number,
    readonly isoWeeks: Int32Array | undefined,
    readonly category: string,
    private readonly rowsOf: () => readonly WeeklyRow[],
  ) {}

  get rows(): readonly WeeklyRow[] {
    return this.rowsOf();
  }
}

/**
 * The rows of `s` for a batch of model inputs (inputAt's `rows`): for a
 * series of typed columns they are made now and kept by no one but the
 * caller (reading `s.rows` keeps them on the table for good: at the table cap
 * 4.95M row objects, about 2 GB); undefined for a series without rows.
 */
export function batchRows(s: BacktestSeries): readonly WeeklyRow[] | undefined {
  const make = freshRows.get(s);
  if (make) return make();
  return hasRows(s) ? s.rows : undefined;
}

/** `target[key]` made by `make` when first read, then a plain property (enumerable, writable). */
function lazyValue<T extends object, K extends keyof T>(target: T, key: K, make: () => T[K]): void {
  const settle = (value: T[K]): void => {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  };
  Object.defineProperty(target, key, {
    get: () => {
      const value = make();
      settle(value);
      return value;
    },
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/** Whether `s` has rows, without making them (a lazy `rows` counts). */
function hasRows(s: BacktestSeries): boolean {
  return Object.getOwnPropertyDescriptor(s, 'rows')?.get !== undefined || !!s.rows;
}

/** `target` with a `rows` read through `get` when first used (enumerable, as a plain property). */
function lazyRows<T extends object>(target: T, get: () => readonly WeeklyRow[]): T {
  Object.defineProperty(target, 'rows', { get, enumerable: true, configurable: true });
  return target;
}

/** Monday the synthetic calendar of bare series ends on when none is given. */
export const BARE_LAST_MONDAY = '2024-12-30';

/**
 * Series known only by their values (M4): a synthetic Monday calendar whose
 * last week is `lastMonday` for every series.
 */
export function seriesFromArrays(
  items: readonly { id: string; y: ArrayLike<number> }[],
  lastMonday: string = BARE_LAST_MONDAY,
): BacktestSeries[] {
  return items.map(({ id, y }) => ({
    id,
    category: '',
    y: Float64Array.from(y),
    weeks: mondaysEndingOn(lastMonday, y.length),
  }));
}

/**
 * The model input of a series at a cutoff: its first `length` values (and
 * rows up to them: `rows` when given, from batchRows, else `s.rows` when read).
 */
export function inputAt(
  s: BacktestSeries,
  length: number,
  rows?: readonly WeeklyRow[],
): SeriesInput {
  const y = s.y.subarray(0, length);
  if (!hasRows(s) || !s.rowIndex || length === 0) return { y };
  const end = (s.rowIndex[length - 1] as number) + 1;
  if (rows) return { y, end, rows };
  // Rows stay unread (not made) for the models that need only y.
  return lazyRows({ y, end }, () => s.rows ?? []);
}

/**
 * The series cut to its first `length` values: the history at an earlier
 * origin. Its rows (made when first read) end with the row of its last
 * value, so no model is handed the weeks after the origin.
 */
export function truncate(s: BacktestSeries, length: number): BacktestSeries {
  const out: BacktestSeries = {
    id: s.id,
    category: s.category,
    y: s.y.subarray(0, length),
    weeks: s.weeks.slice(0, length),
  };
  if (hasRows(s) && s.rowIndex) {
    const rowIndex = s.rowIndex.subarray(0, length);
    const end = length > 0 ? (rowIndex[length - 1] as number) + 1 : 0;
    lazyValue(out, 'rows', () => (s.rows ?? []).slice(0, end));
    out.rowIndex = rowIndex;
  }
  return out;
}
