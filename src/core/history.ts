// Which weeks of a sku are its history. Shared by the forecast pipeline and
// the backtest, so both read the same weeks: complete weeks (partial weeks
// are calendar-wide: the first and last week of the data) since the sku's
// first sale — before it the sku did not exist, so its zeros are not history.

import type { WeeklyRow } from './types';

/** Index of the last complete week, -1 if none. */
export function lastCompleteIndex(rows: readonly WeeklyRow[]): number {
  for (let i = rows.length - 1; i >= 0; i--) if ((rows[i] as WeeklyRow).partial === 0) return i;
  return -1;
}

/** lastCompleteIndex over a calendar's partial flags (typed columns: no rows made). */
export function lastCompleteOfCalendar(partial: Uint8Array): number {
  for (let i = partial.length - 1; i >= 0; i--) if (partial[i] === 0) return i;
  return -1;
}

/** First week with a sale, -1 if none. */
export function firstSaleIndex(rows: readonly WeeklyRow[]): number {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as WeeklyRow;
    if (r.transactions > 0 || r.total_amount !== 0) return i;
  }
  return -1;
}

/** Complete weeks from the sku's first sale up to and including `origin`. */
export function historyLength(rows: readonly WeeklyRow[], origin: number): number {
  const start = firstSaleIndex(rows);
  if (start < 0 || start > origin) return 0;
  let n = 0;
  for (let i = start; i <= origin; i++) if ((rows[i] as WeeklyRow).partial === 0) n++;
  return n;
}

/** Row indices of the complete weeks from the sku's first sale up to and including `origin`. */
export function historyIndices(rows: readonly WeeklyRow[], origin: number): number[] {
  const start = firstSaleIndex(rows);
  const out: number[] = [];
  if (start < 0) return out;
  for (let i = start; i <= origin && i < rows.length; i++)
    if ((rows[i] as WeeklyRow).partial === 0) out.push(i);
  return out;
}
