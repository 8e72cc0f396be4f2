// Turns the accumulated (sku, date) cells into the weekly table of the data
// contract (../shared/design/CONTRACT.md §2): one shared Monday calendar, every
// sku every week.
import type {
  DateFormat,
  IngestReport,
  SkuSeries,
  WeeklyCalendar,
  WeeklyColumns,
  WeeklyRow,
  WeeklyTable,
} from '../types';
import type { Accumulator } from './accumulator';
import { SMALL_AGE, type CellView } from './cell-store';
import type { DateView } from './date-interner';
import type { FeatureView } from './feature-cells';
import {
  checkedDays,
  civilFromDays,
  expandYear,
  formatDay,
  isoWeekOf,
  mondayOf,
  weekdayOf,
} from './dates';
import { shownCell, type IssueLog } from './issues';
import { cellMessage } from './row-issues';
import { medianSorted } from '../stats/quantile';
import { settleOrigin } from './origin';
import type { ExcludedRows } from '../types';

/** Rows of the weekly table beyond which the file is refused (memory of the page). */
export const MAX_TABLE_ROWS = 5_000_000;

export interface BuiltTable {
  weeks: string[];
  series: SkuSeries[];
  dateOrder: IngestReport['dateOrder'];
  dateOrderAmbiguous: boolean;
  dateFormats: Record<DateFormat, number>;
  granularity: IngestReport['granularity'];
  firstDate: string | null;
  lastDate: string | null;
  excluded?: ExcludedRows;
}

/** `YY/MM/DD` (any one separator, a 2-digit year first): its day number, else NaN. */
const YEAR_FIRST = /^(\d{2})([-/.])(\d{1,2})\2(\d{1,2})$/;

function yearFirstDay(text: string): number {
  const m = YEAR_FIRST.exec(text);
  return m ? checkedDays(expandYear(m[1] as string), Number(m[3]), Number(m[4])) : NaN;
}

/** The file's dates under its day/month order. */
interface ResolvedDates {
  /** Day number of each date reading; NaN where it is no date in that order. */
  dayOf: Float64Array;
  dateOrder: IngestReport['dateOrder'];
  ambiguous: boolean;
  /** Rows each order would accept. */
  counts: Record<DateFormat, number>;
}

/**
 * Day number of each date reading under the file's order (NaN = unusable):
 * `forced` when the caller chose one, else day/month from the values.
 */
function resolveDates(
  dates: DateView,
  cells: CellView,
  forced: DateFormat | undefined,
): ResolvedDates {
  const { readings, text } = dates;
  const { count, date, rows: cellRows } = cells;
  // Rows per date reading, for the counts each reading would accept.
  const rowsOf = new Float64Array(readings.length);
  for (let c = 0; c < count; c++) {
    const di = date[c] as number;
    rowsOf[di] = (rowsOf[di] as number) + (cellRows[c] as number);
  }
  const counts: Record<DateFormat, number> = { DMY: 0, MDY: 0, YMD: 0 };
  const yearFirst = new Float64Array(readings.length).fill(NaN);
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const rows = rowsOf[i] as number;
    if (r.kind !== 'dmy') {
      counts.DMY += rows;
      counts.MDY += rows;
      counts.YMD += rows;
      continue;
    }
    yearFirst[i] = yearFirstDay(text[i] as string);
    if (r.dayFirst === r.dayFirst) counts.DMY += rows;
    if (r.monthFirst === r.monthFirst) counts.MDY += rows;
    if (yearFirst[i] === yearFirst[i]) counts.YMD += rows;
  }
  let hasDmy = false;
  let forcedDay = false;
  let forcedMonth = false;
  let allDotted = true;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    if (r.kind !== 'dmy') continue;
    hasDmy = true;
    const df = r.dayFirst === r.dayFirst;
    const mf = r.monthFirst === r.monthFirst;
    if (df && !mf) forcedDay = true;
    if (mf && !df) forcedMonth = true;
    if (!isDotted(text[i] as string)) allDotted = false;
  }
  // A first field > 12 anywhere means day-first (the data contract,
  // ../shared/design/CONTRACT.md §1.3), unless the caller chose. Undecided,
  // dotted dates (02.01.2023) are day-first: nobody writes month-first with
  // dots, the European exports that use them are day-first.
  const order: DateFormat = forced ?? (forcedDay || (!forcedMonth && allDotted) ? 'DMY' : 'MDY');
  const dayOf = new Float64Array(readings.length);
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    dayOf[i] =
      r.kind !== 'dmy'
        ? r.days
        : order === 'DMY'
          ? r.dayFirst
          : order === 'MDY'
            ? r.monthFirst
            : (yearFirst[i] as number);
  }
  const ambiguous = hasDmy && !forcedDay && !forcedMonth;
  const dateOrder: IngestReport['dateOrder'] = hasDmy
    ? order === 'DMY'
      ? 'day-first'
      : order === 'MDY'
        ? 'month-first'
        : 'year-first'
    : readings.length > 0
      ? 'iso'
      : 'n/a';
  return { dayOf, dateOrder, ambiguous, counts };
}

/** `02.01.2023`: a day/month date written with dots. */
function isDotted(text: string): boolean {
  return text.includes('.');
}

/**
 * The warning for a file whose dates all read both ways: the order it was read
 * in, and how to pin the other (on the command line and in the page).
 */
function ambiguousMessage(column: string, order: string, example: string): string {
  const read =
    order === 'day-first'
      ? 'read day-first (DD.MM.YYYY), as dotted dates are written'
      : 'read month-first (MM/DD/YYYY)';
  return (
    `Column "${column}": every date reads both as day/month and as month/day; ${read}, e.g. "${example}". ` +
    `If that is wrong, pin the order: --date-format DMY|MDY|YMD (in the page: "Read dates" when you map the columns)`
  );
}

/** How a date order is named in messages. */
const ORDER_TEXT: Record<string, [string, string]> = {
  'day-first': ['day-first (DD/MM/YYYY)', '24/11/2023'],
  'month-first': ['month-first (MM/DD/YYYY)', '11/24/2023'],
  'year-first': ['year-first (YY/MM/DD)', '23/11/24'],
};

/** Median of whole numbers in [0, SMALL_AGE) by counting; `counts` is all zeros on entry and exit. */
function medianSmallInts(values: Float64Array, counts: Int32Array): number {
  const n = values.length;
  for (let i = 0; i < n; i++) counts[values[i] as number]!++;
  // The values at sorted positions lo and hi (equal for odd n).
  const lo = (n - 1) >> 1;
  const hi = n >> 1;
  let seen = 0;
  let loValue = -1;
  let hiValue = -1;
  for (let v = 0; v < SMALL_AGE && hiValue < 0; v++) {
    const c = counts[v] as number;
    if (c === 0) continue;
    if (loValue < 0 && seen + c > lo) loValue = v;
    if (seen + c > hi) hiValue = v;
    seen += c;
  }
  for (let i = 0; i < n; i++) counts[values[i] as number] = 0;
  return (loValue + hiValue) / 2;
}

/** Sums of the cells per (sku, week) slot, slot = sku × W + week. */
interface SlotSums {
  amount: Float64Array;
  quantity: Float64Array;
  rows: Float64Array;
  male: Float64Array;
  female: Float64Array;
  /** The slot of each cell; -1 for a cell whose date has no reading. */
  slotOfCell: Int32Array;
}

/**
 * `dateFormat`: the caller's reading of day/month dates; by default decided
 * from the values. `asOf`: the caller's forecast origin (ingest/origin.ts).
 */
export function buildWeeklyTable(
  acc: Accumulator,
  log: IssueLog,
  dateColumn: string,
  dateFormat?: DateFormat,
  asOf?: string,
): BuiltTable {
  const cells = acc.cells();
  const resolved = resolveDates(acc.dates, cells, dateFormat);
  const { dayOf, dateOrder, ambiguous, counts: dateFormats } = resolved;
  const read = dropUnreadDates(acc, cells, log, resolved, dateColumn, dateFormat);
  const span = read && settleOrigin(cells, dayOf, read, asOf, log, (rows) => acc.unuseRows(rows));

  if (ambiguous && !dateFormat) {
    const { readings, text } = acc.dates;
    log.note({
      severity: 'warning',
      code: 'ambiguous-date-order',
      column: dateColumn,
      message: ambiguousMessage(
        dateColumn,
        dateOrder,
        text.find((_, i) => readings[i]?.kind === 'dmy') ?? '',
      ),
    });
  }

  /** The result when no table can be built: the date facts found so far, no rows. */
  const noTable = (firstDate: string | null, lastDate: string | null): BuiltTable => ({
    weeks: [],
    series: [],
    dateOrder,
    dateOrderAmbiguous: ambiguous,
    dateFormats,
    granularity: 'transactional',
    firstDate,
    lastDate,
  });

  if (!span) return noTable(null, null);
  const { minDay, maxDay, coveredUntil, excluded } = span;
  const weekly = isWeeklyFile(cells, dayOf);
  const firstMonday = mondayOf(minDay);
  const W = (mondayOf(maxDay) - firstMonday) / 7 + 1;
  const S = acc.skus.names.length;
  if (S * W > MAX_TABLE_ROWS) {
    log.note({
      severity: 'error',
      code: 'table-too-large',
      message: `The weekly table would have ${(S * W).toLocaleString('en')} rows (${S.toLocaleString('en')} skus × ${W.toLocaleString('en')} weeks, ${formatDay(minDay)} to ${formatDay(maxDay)}); expected at most ${MAX_TABLE_ROWS.toLocaleString('en')}: check the date column for stray years, or choose a coarser sku column`,
    });
    return noTable(formatDay(minDay), formatDay(maxDay));
  }
  // A transactional file's first and last weeks may hold only some of their days.
  const partial = (monday: number): boolean =>
    !weekly && (monday < minDay || monday + 6 > coveredUntil);
  const { weeks, calendar } = weekCalendar(firstMonday, W, partial);
  const sums = sumSlots(cells, dayOf, S, W, firstMonday);
  const medianAge = slotMedianAges(cells, sums.slotOfCell, S * W);
  const features = slotFeatures(acc.featureCells(), sums.slotOfCell, S * W);
  return {
    weeks,
    series: skuSeries(acc, sums, medianAge, calendar, features, settleCategories(acc, log)),
    dateOrder,
    dateOrderAmbiguous: ambiguous,
    dateFormats,
    granularity: weekly ? 'weekly' : 'transactional',
    firstDate: formatDay(minDay),
    lastDate: formatDay(maxDay),
    ...(excluded && { excluded }),
  };
}

/**
 * Skips the rows of dates readable only the other way round than the file's
 * order (one issue per date); the first and last day of the dates kept,
 * null when none is.
 */
function dropUnreadDates(
  acc: Accumulator,
  cells: CellView,
  log: IssueLog,
  { dayOf, dateOrder }: ResolvedDates,
  dateColumn: string,
  dateFormat: DateFormat | undefined,
): { minDay: number; maxDay: number } | null {
  const { count, date, rows: cellRows } = cells;
  const { readings, text, firstRow } = acc.dates;
  const dropped = new Uint8Array(readings.length);
  const droppedRows = new Float64Array(readings.length);
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let c = 0; c < count; c++) {
    const di = date[c] as number;
    const d = dayOf[di] as number;
    if (d !== d) {
      dropped[di] = 1;
      droppedRows[di] = (droppedRows[di] as number) + (cellRows[c] as number);
      continue;
    }
    if (d < minDay) minDay = d;
    if (d > maxDay) maxDay = d;
  }
  for (let di = 0; di < dropped.length; di++) {
    if (!dropped[di]) continue;
    const rows = droppedRows[di] as number;
    const [order, example] = ORDER_TEXT[dateOrder] ?? ORDER_TEXT['month-first']!;
    const as = dateFormat ? `as chosen (${dateFormat})` : 'as the rest of the file is';
    const row = firstRow[di] as number;
    log.add({
      severity: 'error',
      code: 'bad-date',
      row,
      column: dateColumn,
      message: cellMessage(
        row,
        dateColumn,
        `"${text[di]}" is not a valid date when read ${order}, ${as}${rows > 1 ? ` (${rows} rows with this value skipped)` : ''}; expected a date such as ${example}`,
      ),
    });
    log.skipped('bad-date', rows);
    acc.unuseRows(rows);
  }
  return minDay === Infinity ? null : { minDay, maxDay };
}

/**
 * A weekly file has every date on one weekday, and at least two dates (the
 * data contract, ../shared/design/CONTRACT.md §1.4).
 */
function isWeeklyFile(cells: CellView, dayOf: Float64Array): boolean {
  const { count, date } = cells;
  let weekdayMask = 0;
  const distinctDays = new Set<number>();
  for (let c = 0; c < count; c++) {
    const d = dayOf[date[c] as number] as number;
    if (d !== d) continue;
    weekdayMask |= 1 << weekdayOf(d);
    if (distinctDays.size < 3) distinctDays.add(d);
  }
  return (weekdayMask & (weekdayMask - 1)) === 0 && distinctDays.size >= 2;
}

/** The W weeks from `firstMonday` on, shared by every sku. */
function weekCalendar(
  firstMonday: number,
  W: number,
  partial: (monday: number) => boolean,
): { weeks: string[]; calendar: WeeklyCalendar } {
  const weeks: string[] = [];
  const weekIso: { isoYear: number; isoWeek: number }[] = [];
  const weekMonth: number[] = [];
  const weekPartial: (0 | 1)[] = [];
  for (let w = 0; w < W; w++) {
    const monday = firstMonday + 7 * w;
    weeks.push(formatDay(monday));
    weekIso.push(isoWeekOf(monday));
    weekMonth.push(civilFromDays(monday).month);
    weekPartial.push(partial(monday) ? 1 : 0);
  }
  const calendar: WeeklyCalendar = {
    week_start: weeks,
    iso_year: Int32Array.from(weekIso, (x) => x.isoYear),
    iso_week: Int32Array.from(weekIso, (x) => x.isoWeek),
    month: Int32Array.from(weekMonth),
    partial: Uint8Array.from(weekPartial),
  };
  return { weeks, calendar };
}

/** Sums the cells into (sku, week) slots; cells of dates without a reading go nowhere. */
function sumSlots(
  cells: CellView,
  dayOf: Float64Array,
  S: number,
  W: number,
  firstMonday: number,
): SlotSums {
  const size = S * W;
  const sums: SlotSums = {
    amount: new Float64Array(size),
    quantity: new Float64Array(size),
    rows: new Float64Array(size),
    male: new Float64Array(size),
    female: new Float64Array(size),
    slotOfCell: new Int32Array(cells.count),
  };
  const { amount, quantity, rows, male, female, slotOfCell } = sums;
  const { count, sku, date } = cells;
  const cellAmount = cells.amount;
  const cellQuantity = cells.quantity;
  const cellRows = cells.rows;
  const cellMale = cells.male;
  const cellFemale = cells.female;
  for (let c = 0; c < count; c++) {
    const d = dayOf[date[c] as number] as number;
    if (d !== d) {
      slotOfCell[c] = -1;
      continue;
    }
    const slot = (sku[c] as number) * W + (mondayOf(d) - firstMonday) / 7;
    slotOfCell[c] = slot;
    amount[slot] = (amount[slot] as number) + (cellAmount[c] as number);
    quantity[slot] = (quantity[slot] as number) + (cellQuantity[c] as number);
    rows[slot] = (rows[slot] as number) + (cellRows[c] as number);
    male[slot] = (male[slot] as number) + (cellMale[c] as number);
    female[slot] = (female[slot] as number) + (cellFemale[c] as number);
  }
  return sums;
}

/** Promotion days and mean discount per slot, for files with such columns. */
interface SlotFeatures {
  promo_days?: Float64Array;
  discount?: Float64Array;
}

/**
 * promo_days: the cells (a sku's days) on promotion in each slot; discount:
 * the mean of the slot's discounts (0 for none).
 */
function slotFeatures(
  features: FeatureView | null,
  slotOfCell: Int32Array,
  slots: number,
): SlotFeatures {
  if (features === null) return {};
  const out: SlotFeatures = {};
  const { promo, discountSum, discountRows } = features;
  if (promo !== null) {
    const days = new Float64Array(slots);
    slotOfCell.forEach((slot, c) => {
      if (slot >= 0) days[slot]! += promo[c] ?? 0;
    });
    out.promo_days = days;
  }
  if (discountSum !== null && discountRows !== null) {
    const sum = new Float64Array(slots);
    const rows = new Float64Array(slots);
    slotOfCell.forEach((slot, c) => {
      if (slot < 0) return;
      sum[slot]! += discountSum[c] ?? 0;
      rows[slot]! += discountRows[c] ?? 0;
    });
    out.discount = sum.map((v, i) => ((rows[i] as number) > 0 ? v / (rows[i] as number) : 0));
  }
  return out;
}

/** The median age of each slot's rows (0 for none): the ages bucketed by slot (a counting sort), then each bucket's median. */
function slotMedianAges(
  cells: CellView,
  slotOfCell: Int32Array,
  slots: number,
): (slot: number) => number {
  const { ageCount, ageCell, ages } = cells;
  const ageStart = new Int32Array(slots + 1);
  for (let i = 0; i < ageCount; i++) {
    const slot = slotOfCell[ageCell[i] as number] as number;
    if (slot >= 0) ageStart[slot + 1]!++;
  }
  for (let s = 0; s < slots; s++)
    ageStart[s + 1] = (ageStart[s + 1] as number) + (ageStart[s] as number);
  const agesSorted = new Float64Array(ageStart[slots] as number);
  const fill = ageStart.slice(0, slots);
  for (let i = 0; i < ageCount; i++) {
    const slot = slotOfCell[ageCell[i] as number] as number;
    if (slot >= 0) agesSorted[fill[slot]!++] = ages[i] as number;
  }
  // Ages are almost always whole years: then a histogram beats sorting.
  const counts = cells.agesSmallInts ? new Int32Array(SMALL_AGE) : null;
  return (slot: number): number => {
    const a = ageStart[slot] as number;
    const b = ageStart[slot + 1] as number;
    if (b <= a) return 0;
    const values = agesSorted.subarray(a, b);
    return counts ? medianSmallInts(values, counts) : medianSorted(values.sort());
  };
}

/**
 * Whether the skus keep their categories. A sku whose rows name several
 * categories is said so: when at least half the skus do (a file of stores
 * and departments keyed by the store alone), the column is no category of
 * theirs and is left out, else each is totalled under its first.
 */
function settleCategories(acc: Accumulator, log: IssueLog): boolean {
  const { mixed, mixedExample: ex, names } = acc.skus;
  if (mixed.size === 0 || ex === null) return true;
  const plan = acc.plan;
  const column = plan.headers[plan.category] ?? 'category';
  const key =
    plan.skuParts && plan.skuParts.length > 1
      ? plan.skuParts.map((c) => plan.headers[c]).join('+')
      : (plan.headers[plan.sku] ?? 'sku');
  const shown = (t: string): string => `"${shownCell(t)}"`;
  const example = `sku ${shown(ex.sku)} has rows under ${shown(ex.first)} and ${shown(ex.other)}`;
  const drop = mixed.size * 2 >= names.length;
  const n = `${mixed.size.toLocaleString('en')} of ${names.length.toLocaleString('en')} skus`;
  log.note({
    severity: 'warning',
    code: 'mixed-category',
    column,
    message: drop
      ? `${n} have rows under more than one ${column} (${example}): each sku is a ${key}, which spans several, so ${column} is not used as a category and only the grand total is given; to forecast each ${column} in each ${key}, key the skus by both (--map sku=${key}+${column})`
      : `${n} have rows under more than one ${column} (${example}); each is counted under the first it appears with in the category totals`,
  });
  return !drop;
}

/** The skus with rows, by name, each with its columns: views into the slot sums, no copies. */
function skuSeries(
  acc: Accumulator,
  sums: SlotSums,
  medianAge: (slot: number) => number,
  calendar: WeeklyCalendar,
  features: SlotFeatures,
  keepCategories: boolean,
): SkuSeries[] {
  const skus = acc.skus;
  const S = skus.names.length;
  const W = calendar.week_start.length;
  const skuTotals = new Float64Array(S);
  for (let s = 0; s < S; s++)
    for (let w = 0; w < W; w++) skuTotals[s]! += sums.rows[s * W + w] as number;
  const order = [...Array(S).keys()]
    .filter((s) => (skuTotals[s] as number) > 0)
    .sort((a, b) => {
      const x = skus.names[a] as string;
      const y = skus.names[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const hasQuantity = acc.plan.quantity >= 0;
  // Row objects only when a reader asks (see withColumns).
  return order.map((s) => {
    const base = s * W;
    const view = (a: Float64Array): Float64Array => a.subarray(base, base + W);
    const age = new Float64Array(W);
    for (let w = 0; w < W; w++) age[w] = medianAge(base + w);
    const columns: WeeklyColumns = {
      calendar,
      total_amount: view(sums.amount),
      quantity: view(sums.quantity),
      transactions: view(sums.rows),
      age,
      male: view(sums.male),
      female: view(sums.female),
      price_per_unit: pricePerUnit(
        skus.prices[s] as number,
        hasQuantity,
        sums.amount,
        sums.quantity,
        base,
        W,
      ),
      ...(features.promo_days && { promo_days: view(features.promo_days) }),
      ...(features.discount && { discount: view(features.discount) }),
    };
    const parts = skus.partValues[s];
    return withColumns(
      {
        sku: skus.names[s] as string,
        category: keepCategories ? (skus.categories[s] as string) : '',
        seed_id: skus.seeds[s] as number,
        ...(parts && { parts }),
        rows: [],
      },
      columns,
    );
  });
}

/**
 * price_per_unit (../shared/design/CONTRACT.md §2): the sku's own price for category+price skus;
 * otherwise Σamount/Σquantity of the week, carried forward over weeks without
 * sales and backwards over leading ones; 0 when the file has no quantity.
 */
function pricePerUnit(
  fixed: number,
  hasQuantity: boolean,
  amount: Float64Array,
  quantity: Float64Array,
  base: number,
  W: number,
): Float64Array {
  const out = new Float64Array(W);
  if (fixed === fixed) return out.fill(fixed);
  if (!hasQuantity) return out;
  let last = NaN;
  let firstKnown = NaN;
  for (let w = 0; w < W; w++) {
    const q = quantity[base + w] as number;
    if (q !== 0) {
      last = (amount[base + w] as number) / q;
      if (firstKnown !== firstKnown) firstKnown = last;
    }
    out[w] = last;
  }
  if (firstKnown !== firstKnown) return out.fill(0);
  for (let w = 0; w < W && (out[w] as number) !== (out[w] as number); w++) out[w] = firstKnown;
  return out;
}

/** Week `w` of a sku as a row, from its columns (the window means over total_amount). */
export function weeklyRowAt(sku: string, seedId: number, c: WeeklyColumns, w: number): WeeklyRow {
  const amount = c.total_amount;
  const means = [0, 0, 0, 0];
  for (let k = 4; k <= 7; k++) {
    const from = Math.max(0, w - k + 1);
    let sum = 0;
    for (let j = from; j <= w; j++) sum += amount[j] as number;
    means[k - 4] = sum / (w - from + 1);
  }
  const cal = c.calendar;
  const row: WeeklyRow = {
    sku,
    seed_id: seedId,
    week_start: cal.week_start[w] as string,
    iso_year: cal.iso_year[w] as number,
    iso_week: cal.iso_week[w] as number,
    month: cal.month[w] as number,
    partial: cal.partial[w] as 0 | 1,
    total_amount: amount[w] as number,
    quantity: c.quantity[w] as number,
    transactions: c.transactions[w] as number,
    age: c.age[w] as number,
    male: c.male[w] as number,
    female: c.female[w] as number,
    price_per_unit: c.price_per_unit[w] as number,
    window_mean_4: means[0] as number,
    window_mean_5: means[1] as number,
    window_mean_6: means[2] as number,
    window_mean_7: means[3] as number,
  };
  if (c.promo_days) row.promo_days = c.promo_days[w] as number;
  if (c.discount) row.discount = c.discount[w] as number;
  return row;
}

/** A sku's columns that only its row objects read: the forecast reads total_amount, transactions (the first sale) and the calendar. */
const SIDE_COLUMNS = [
  'quantity',
  'age',
  'male',
  'female',
  'price_per_unit',
] as const satisfies readonly (keyof WeeklyColumns)[];

/** Reading a released column: it throws, so a row can never be made of numbers that are gone. */
const RELEASED: PropertyDescriptorMap = Object.fromEntries(
  SIDE_COLUMNS.map((key) => [
    key,
    {
      get(): never {
        throw new Error(
          `the weekly table's ${key} column was released (releaseSideColumns): its rows cannot be made`,
        );
      },
      enumerable: true,
      configurable: true,
    },
  ]),
);

/**
 * Lets go of every sku's columns but total_amount, transactions and the
 * calendar (quantity, age, gender, price), for a run that will make no row
 * objects: the backtest's local models and the sequence TCN read only the
 * amounts from the first sale on and the calendar's ISO weeks. At the table
 * cap (45,000 skus × 110 weeks) that is 5 of the 7 columns, about 200 MB. Rows not made by now can
 * no longer be: reading a released column throws. Series whose rows were
 * already made keep them.
 */
export function releaseSideColumns(table: WeeklyTable): void {
  for (const s of table.series) {
    const c = s.columns;
    if (c) Object.defineProperties(c, RELEASED);
  }
}

/**
 * `series` with `columns` behind it: `rows` becomes an accessor that makes
 * the row objects on first read (or takes an assignment) and then is a plain
 * property again, the columns dropped since rows may be edited from then on.
 */
function withColumns(series: SkuSeries, columns: WeeklyColumns): SkuSeries {
  const settle = (rows: WeeklyRow[]): WeeklyRow[] => {
    Object.defineProperty(series, 'rows', {
      value: rows,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    delete (series as { columns?: WeeklyColumns }).columns;
    return rows;
  };
  Object.defineProperty(series, 'columns', {
    value: columns,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(series, 'rows', {
    get: () => {
      const n = columns.calendar.week_start.length;
      const rows: WeeklyRow[] = new Array(n);
      for (let w = 0; w < n; w++) rows[w] = weeklyRowAt(series.sku, series.seed_id, columns, w);
      return settle(rows);
    },
    set: (rows: WeeklyRow[]) => void settle(rows),
    enumerable: true,
    configurable: true,
  });
  return series;
}

/**
 * The table a forecast reads: for a file forecast in units (report.measure),
 * each sku's quantity stands in total_amount's place, since every model,
 * backtest and chart reads that one column; the table as ingested (both
 * sums, as `skucast weekly` writes them) is left as it is. For money, the
 * table itself.
 */
export function measuredTable(table: WeeklyTable): WeeklyTable {
  if (table.report.measure !== 'units') return table;
  const series = table.series.map((s) => {
    const c = s.columns ?? columnsOfRows(s.rows);
    const base = { sku: s.sku, category: s.category, seed_id: s.seed_id, rows: [] };
    return withColumns(
      { ...base, ...(s.parts && { parts: s.parts }) },
      { ...c, total_amount: c.quantity },
    );
  });
  return { ...table, series };
}

/** A sku's columns from its row objects (rows edited or read since ingestion). */
function columnsOfRows(rows: readonly WeeklyRow[]): WeeklyColumns {
  const col = (key: keyof WeeklyColumns & keyof WeeklyRow): Float64Array =>
    Float64Array.from(rows, (r) => r[key] as number);
  return {
    calendar: {
      week_start: rows.map((r) => r.week_start),
      iso_year: Int32Array.from(rows, (r) => r.iso_year),
      iso_week: Int32Array.from(rows, (r) => r.iso_week),
      month: Int32Array.from(rows, (r) => r.month),
      partial: Uint8Array.from(rows, (r) => r.partial),
    },
    total_amount: col('total_amount'),
    quantity: col('quantity'),
    transactions: col('transactions'),
    age: col('age'),
    male: col('male'),
    female: col('female'),
    price_per_unit: col('price_per_unit'),
    ...(rows[0]?.promo_days !== undefined && {
      promo_days: Float64Array.from(rows, (r) => r.promo_days ?? 0),
    }),
    ...(rows[0]?.discount !== undefined && {
      discount: Float64Array.from(rows, (r) => r.discount ?? 0),
    }),
  };
}
