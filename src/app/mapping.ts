// The mapping form's words for the column roles and for what is still missing
// (the rule itself is src/core/required-roles.ts, shared with the ingestion).

import { isYearWeekColumn } from '../core/ingest/columns';
import { isUnixTime, readDate, readMonth, readYearWeek } from '../core/ingest/dates';
import { missingRequiredRole } from '../core/required-roles';
import type { ColumnMapping, Measure, Role } from '../core/types';

export const ROLE_LABELS: Record<Role, string> = {
  date: 'Date (required)',
  sku: 'SKU / product / store',
  category: 'Category',
  amount: 'Amount (money per row)',
  quantity: 'Quantity (units per row)',
  price: 'Unit price',
  gender: 'Gender',
  age: 'Age',
  promo: 'Promotion (flag per row)',
  discount: 'Discount',
};

/** What is still missing, as a sentence for the form. */
export function missingRoles(m: ColumnMapping, measure?: Measure): string | null {
  const missing = missingRequiredRole((role) => m[role] !== undefined, measure);
  if (missing === 'date') return 'Choose the date column.';
  if (missing === 'amount') return 'Choose a quantity column (units) or an amount column (money).';
  if (missing === 'quantity') return 'Choose the quantity column to forecast units.';
  return null;
}

/**
 * How the preview's dates read, in words, for the mapping form: the order
 * when the rows settle it, else that the whole file will decide (the same
 * rule as the ingestion: §1.3 of the data contract, ../shared/design/CONTRACT.md
 * outside the repo). `header`: the column's name, which alone tells a week
 * (`2024-05` under `Week`) from a month. null when there is nothing to say.
 */
export function describeDates(values: readonly string[], header = ''): string | null {
  const readings = values.filter((v) => v.trim() !== '').map((v) => readDate(v));
  if (readings.length === 0) return null;
  if (isYearWeekColumn(header, values)) {
    const weeks = values.filter((v) => readYearWeek(v) === readYearWeek(v)).length;
    return `ISO weeks, a year and a week number (2024-05 is week 5 of 2024): ${weeks} of ${readings.length} preview rows`;
  }
  const bad = readings.filter((r) => r.kind === 'bad').length;
  const dmy = readings.filter((r) => r.kind === 'dmy');
  const of = `${readings.length - bad} of ${readings.length} preview rows`;
  if (bad === readings.length) {
    // A monthly report's month column (2024-01, Jan-24): read as months (core's unpivot.ts).
    const months = values.filter((v) => v.trim() !== '' && readMonth(v) === readMonth(v)).length;
    return months >= 0.8 * readings.length
      ? `months, each spread evenly over its days by week: ${months} of ${readings.length} preview rows`
      : `these values do not read as dates (${of})`;
  }
  if (dmy.length === 0) {
    const kinds = new Set(readings.filter((r) => r.kind !== 'bad').map((r) => r.kind));
    if (kinds.has('serial') && !kinds.has('iso'))
      return values.some(isUnixTime)
        ? `dates read as Unix time (seconds or milliseconds since 1970, each its UTC day): ${of}`
        : `dates read as spreadsheet day numbers: ${of}`;
    return `dates read as year-month-day: ${of}`;
  }
  const dayOnly = dmy.some((r) => Number.isNaN(r.monthFirst) && !Number.isNaN(r.dayFirst));
  const monthOnly = dmy.some((r) => Number.isNaN(r.dayFirst) && !Number.isNaN(r.monthFirst));
  if (dayOnly && !monthOnly) return `dates read as day/month/year: ${of}`;
  if (monthOnly && !dayOnly) return `dates read as month/day/year: ${of}`;
  // As the ingestion reads them when the file does not decide: dotted dates are day-first.
  if (!monthOnly && values.every((v) => v.trim() === '' || v.includes('.'))) {
    return `dates read as day.month.year, as dotted dates are written: ${of} (choose another under "Read dates")`;
  }
  // A grouped report's heading rows leave the date blank: show a row that has one.
  const example = values.find((v) => v.trim() !== '')?.trim() ?? '';
  return `dates such as ${example} could be day/month or month/day: the whole file decides, and the summary will say which (or choose under "Read dates")`;
}
