// The series a backtest runs on: per sku, its complete weeks since the first
// sale (src/core/history.ts decides which weeks those are, as for the
// forecast), each with its Monday and, from a weekly table, its row index so
// a model that reads more than the amounts (the TCN) gets rows and an end.

import { historyIndices, lastCompleteIndex } from '../history';
import { daysFromCivil, formatDay } from '../ingest/dates';
import type { SeriesInput } from '../models/types';
import type { WeeklyRow, WeeklyTable } from '../types';

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
  const origin = lastCompleteIndex(first.rows);
  return table.series.map((s) => {
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
  const [yy, mm, dd] = lastMonday.split('-').map(Number) as [number, number, number];
  const last = daysFromCivil(yy, mm, dd);
  return items.map(({ id, y }) => {
    const n = y.length;
    return {
      id,
      category: '',
      y: Float64Array.from(y),
      weeks: Array.from({ length: n }, (_, t) => formatDay(last - 7 * (n - 1 - t))),
    };
  });
}

/** The model input of a series at a cutoff: its first `length` values (and rows up to them). */
export function inputAt(s: BacktestSeries, length: number): SeriesInput {
  const y = s.y.subarray(0, length);
  if (!s.rows || !s.rowIndex || length === 0) return { y };
  return { y, rows: s.rows, end: (s.rowIndex[length - 1] as number) + 1 };
}

/** The series cut to its first `length` values: the history at an earlier origin. */
export function truncate(s: BacktestSeries, length: number): BacktestSeries {
  const out: BacktestSeries = {
    id: s.id,
    category: s.category,
    y: s.y.subarray(0, length),
    weeks: s.weeks.slice(0, length),
  };
  if (s.rows && s.rowIndex) {
    out.rows = s.rows;
    out.rowIndex = s.rowIndex.subarray(0, length);
  }
  return out;
}

/** Monday `k` weeks after `week` (YYYY-MM-DD). */
export function weeksAfter(week: string, k: number): string {
  const [y, m, d] = week.split('-').map(Number) as [number, number, number];
  return formatDay(daysFromCivil(y, m, d) + 7 * k);
}
