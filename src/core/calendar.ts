// Calendar arithmetic on YYYY-MM-DD dates, in one place for the forecast's
// horizon weeks, the backtest's target weeks and the page's week labels. The
// arithmetic is on integer day numbers (ingest/dates.ts: no Date, no time
// zone), so a week is the same Monday in every runtime.

import { daysFromCivil, formatDay } from './ingest/dates';

/** Day number of a YYYY-MM-DD date (see daysFromCivil). */
export function dayNumberOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return daysFromCivil(y, m, d);
}

/** YYYY-MM-DD plus whole days. */
export function addDays(date: string, days: number): string {
  return formatDay(dayNumberOf(date) + days);
}

/** The Monday `k` weeks after `monday` (before it for a negative k). */
export function weeksAfter(monday: string, k: number): string {
  return addDays(monday, 7 * k);
}

/** `n` consecutive Mondays ending on `lastMonday`, oldest first. */
export function mondaysEndingOn(lastMonday: string, n: number): string[] {
  const last = dayNumberOf(lastMonday);
  return Array.from({ length: n }, (_, t) => formatDay(last - 7 * (n - 1 - t)));
}
