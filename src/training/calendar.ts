// ISO-week calendar arithmetic on UTC dates, for synthetic series. Dates are
// handled as UTC day numbers so no time zone can shift a week.

const DAY_MS = 86_400_000;

export interface WeekLabel {
  week_start: string;
  iso_year: number;
  iso_week: number;
  month: number;
}

/** Label of the ISO week starting on the Monday `mondayMs` (UTC midnight). */
export function weekLabel(mondayMs: number): WeekLabel {
  const monday = new Date(mondayMs);
  // ISO year/week are those of the week's Thursday.
  const thursday = new Date(mondayMs + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const jan4 = Date.UTC(isoYear, 0, 4);
  const jan4Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const isoWeek = Math.round((mondayMs - jan4Monday) / (7 * DAY_MS)) + 1;
  return {
    week_start: monday.toISOString().slice(0, 10),
    iso_year: isoYear,
    iso_week: isoWeek,
    month: monday.getUTCMonth() + 1,
  };
}

/** UTC midnight of the Monday of the ISO week containing the given date. */
export function mondayOf(year: number, month: number, day: number): number {
  const t = Date.UTC(year, month - 1, day);
  return t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
}

export function addWeeks(mondayMs: number, weeks: number): number {
  return mondayMs + weeks * 7 * DAY_MS;
}
