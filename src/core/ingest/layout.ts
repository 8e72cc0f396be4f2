// Which way round a sales table is: one row per sale or week (long), one row
// per date with one column per item (wide-dates-down), or one row per item
// with one column per period (wide-periods-across). Decided from the header
// row alone, so the page can say it before the file is read; unpivot.ts turns
// a wide row into the long rows the table builder takes.
import type { ColumnMapping, DateFormat, Layout, Measure } from '../types';
import { listColumns } from './column-list';
import { detectColumns, normalizeHeader } from './columns';
import { readDate, readIsoWeek, readMonth } from './dates';

export const LAYOUTS: readonly Layout[] = ['long', 'wide-dates-down', 'wide-periods-across'];

/** Period headers needed before a row of them reads as a sheet of periods. */
const MIN_PERIODS = 3;
/** Share of the headers after the first period that must be periods too. */
const PERIOD_SHARE = 0.8;

export type PeriodUnit = 'day' | 'week' | 'month';

/** One row per item, one column per period. */
export interface PeriodsAcross {
  kind: 'wide-periods-across';
  /** Leading columns that name the item: the sku (one or several columns) and a category. */
  sku: number[];
  category: number;
  /** The period columns, and the day each stands for (its date, its ISO week's Monday, its month's 1st). */
  periods: number[];
  days: number[];
  unit: PeriodUnit;
  /**
   * A sheet with a measure in each period's header (`Units 2024-W01`,
   * `Sales 2024-W01`): the measure `periods` hold, and the period columns of
   * the other measures, left out. Absent when the headers are periods alone.
   */
  role?: 'quantity' | 'amount';
  otherMeasures?: number[];
}

/** What one item's columns hold in a file with one column per item. */
export interface ItemColumns {
  item: string;
  amount: number;
  quantity: number;
  price: number;
}

/** One row per date, one column (or a few, by role) per item. */
export interface DatesDown {
  kind: 'wide-dates-down';
  date: number;
  items: ItemColumns[];
  /** Columns left out: promotion flags and the like, which no role reads yet. */
  ignored: number[];
}

export type LayoutPlan = { kind: 'long' } | PeriodsAcross | DatesDown;

/** Ambiguous day/month headers: the reading every header accepts, preferring steps of equal length. */
function chooseDayFirst(headers: string[], dateFormat?: DateFormat): boolean {
  if (dateFormat !== undefined) return dateFormat === 'DMY';
  const readings = headers.map((h) => readDate(h));
  const dmy = readings.map((r) => r.dayFirst);
  const mdy = readings.map((r) => r.monthFirst);
  const valid = (d: number[]): boolean => d.every((x) => x === x);
  const even = (d: number[]): boolean =>
    d.every((x, i) => i < 2 || x - d[i - 1]! === d[1]! - d[0]!);
  if (valid(dmy) !== valid(mdy)) return valid(dmy);
  return even(dmy) && !even(mdy);
}

// Words before a week's date in a retailer's report header: `Wk Ending
// 01/07/2023`, `Week of 1/2/2023`, `W/E 01/07/23`, `Week beginning 02.01.2023`.
const WEEK_DATE_WORDS =
  /^(?:(?:week|wk)\.?\s*(?:ending|ended|end|of|beginning|beg|starting|start|commencing)|w\/e|w\/c|we)\s*[:.]?\s+(?=\d)/i;

/** A period header without the words before its week's date. */
function periodText(h: string): string {
  const s = h.trim();
  return s.replace(WEEK_DATE_WORDS, '');
}

/** The day each period header stands for, and their unit; null when they are not all periods of one kind. */
export function readPeriods(
  rawHeaders: string[],
  dateFormat?: DateFormat,
): { days: number[]; unit: PeriodUnit } | null {
  const headers = rawHeaders.map(periodText);
  const weeks = headers.map(readIsoWeek);
  if (weeks.every((d) => d === d)) return { days: weeks, unit: 'week' };
  const months = headers.map(readMonth);
  if (months.every((d) => d === d)) return { days: months, unit: 'month' };
  const readings = headers.map((h) => readDate(h));
  if (readings.some((r) => r.kind === 'bad')) return null;
  const dayFirst = readings.some((r) => r.kind === 'dmy') && chooseDayFirst(headers, dateFormat);
  const days = readings.map((r) =>
    r.kind === 'dmy' ? (dayFirst ? r.dayFirst : r.monthFirst) : r.days,
  );
  if (days.some((d) => d !== d)) return null;
  const step = days.length > 1 ? Math.abs((days[1] as number) - (days[0] as number)) : 0;
  return { days, unit: step === 7 ? 'week' : 'day' };
}

/** A header that is a period: a date, an ISO week or a month (after a week-ending's words). */
export function isPeriod(h: string): boolean {
  const s = periodText(h);
  if (s === '') return false;
  return (
    readIsoWeek(s) === readIsoWeek(s) || readMonth(s) === readMonth(s) || readDate(s).kind !== 'bad'
  );
}

/** A period header's period, and the measure named beside it (`Units 2024-W01`); null when it is no period. */
function periodOf(h: string): { period: string; role: ValueRole | null } | null {
  if (h.trim() === '') return null;
  if (isPeriod(h)) return { period: h, role: null };
  const { role, item } = splitRole(h);
  return role !== null && role !== 'promo' && isPeriod(item) ? { period: item, role } : null;
}

/**
 * The period columns to read: every one, or, when their headers name
 * measures, those of one measure: the chosen one, else units when there are
 * any (planners forecast units), else money.
 */
function periodColumns(
  cols: number[],
  found: ({ period: string; role: ValueRole | null } | null)[],
  measure?: Measure,
): { periods: number[]; role?: 'quantity' | 'amount'; others: number[] } {
  const roleAt = (c: number): ValueRole | null => found[c]?.role ?? null;
  if (cols.every((c) => roleAt(c) === null)) return { periods: cols, others: [] };
  const has = (r: ValueRole): boolean => cols.some((c) => roleAt(c) === r);
  const role =
    measure === 'amount' && has('amount')
      ? 'amount'
      : has('quantity')
        ? 'quantity'
        : has('amount')
          ? 'amount'
          : null;
  if (role === null) return { periods: [], others: cols };
  return {
    periods: cols.filter((c) => roleAt(c) === role),
    role,
    others: cols.filter((c) => roleAt(c) !== role),
  };
}

/** One row per item, one column per period: the periods, and the item columns before them. */
function periodsAcross(
  headers: string[],
  requested: ColumnMapping,
  dateFormat?: DateFormat,
  measure?: Measure,
): PeriodsAcross | null {
  const labels = headers.map(periodOf);
  const first = labels.findIndex((f) => f !== null);
  if (first < 1) return null;
  const all: number[] = [];
  for (let i = first; i < headers.length; i++) if (labels[i] !== null) all.push(i);
  // A pivot's Grand Total column after the periods is no period, and no reason to doubt them.
  const after = headers.slice(first).filter((h) => h.trim() !== '' && !isTotalName(h)).length;
  if (all.length < MIN_PERIODS || all.length < PERIOD_SHARE * after) return null;
  const { periods, role, others } = periodColumns(all, labels, measure);
  if (periods.length < MIN_PERIODS) return null;
  const read = readPeriods(
    periods.map((i) => labels[i]?.period ?? ''),
    dateFormat,
  );
  if (read === null) return null;
  const keys = headers.slice(0, first);
  const found = detectColumns(keys).mapping;
  // A date column before numbered columns (`Date, 10001, 10002`) is a file with one column per item.
  if (found.date !== undefined) return null;
  const at = (name: string | undefined): number =>
    name === undefined ? -1 : keys.findIndex((h) => h.trim() === name.trim());
  // A chosen sku may be several columns (`Store+Dept`).
  const chosen = requested.sku?.split('+').map(at) ?? [];
  const named = chosen.length > 0 ? chosen : [at(found.sku)];
  const category = at(requested.category ?? found.category);
  // Without a sku column, every leading column but the category names the item (Store, Dept).
  const sku = named.every((i) => i !== -1)
    ? named
    : keys.map((_, i) => i).filter((i) => i !== category && keys[i]?.trim() !== '');
  if (sku.length === 0) return null;
  // A column in the item's name is not also its category.
  const cat = sku.includes(category) ? -1 : category;
  return {
    kind: 'wide-periods-across',
    sku,
    category: cat,
    periods,
    days: read.days,
    unit: read.unit,
    ...(role !== undefined && { role, otherMeasures: others }),
  };
}

/** Words for promotion flags: columns kept out of the values (no role reads them yet). */
const PROMO_WORDS = new Set([
  'promo',
  'promotion',
  'onpromotion',
  'aktion',
  'angebot',
  'promocion',
  'promozione',
]);

/** A row's number or id in an export: no item's sales. */
const ROW_ID_WORDS = new Set(['id', 'rowid', 'row', 'index', 'no', 'nr', 'lineno', 'linenumber']);

/**
 * A total's name, as a pivot table or a report writes its last row or column
 * (`Grand Total`, `Gesamtergebnis`, `Total général`): the sum of the items
 * beside it, not one more item.
 */
const TOTAL_WORDS = new Set([
  'total',
  'grandtotal',
  'subtotal',
  'sum',
  'gesamt',
  'gesamtergebnis',
  'gesamtsumme',
  'summe',
  'ergebnis',
  'totalgeneral',
  'somme',
  'suma',
  'totale',
  'totalecomplessivo',
  'totaal',
  'eindtotaal',
  'totalgeral',
]);

export function isTotalName(name: string): boolean {
  return TOTAL_WORDS.has(normalizeHeader(name));
}

/**
 * A sku cell that is a total's name as a report writes it (`Total`,
 * `Grand Total`, `GESAMTERGEBNIS`): only letters, spaces and accents may
 * differ, so `@SUM(A1)` or `Sum-1` stays a sku.
 */
export function isTotalSku(cell: string): boolean {
  const s = cell.trim();
  return /^[\p{L} ]+$/u.test(s) && isTotalName(s);
}

/** The word Excel's Subtotal puts beside a group's name, by language (not `Sum`: `Dim Sum` is food). */
const SUBTOTAL_WORDS = new Set(['total', 'subtotal', 'ergebnis', 'totale', 'totaal']);

/**
 * A subtotal's label as Excel's Subtotal writes it beside its group
 * (`A Total`, `2024-01-05 Total`, `A Ergebnis`, `Total B`) or a total's own
 * name: a total word first or last in a short cell.
 */
export function isTotalLabel(cell: string): boolean {
  const words = cell.trim().split(/\s+/);
  const subtotal = (w: string): boolean => SUBTOTAL_WORDS.has(normalizeHeader(w));
  // QuickBooks' `Total for Large Blue Ceramic Mug`: any length.
  if (words.length > 2 && subtotal(words[0] as string) && /^(for|of)$/i.test(words[1] as string))
    return true;
  if (words.length > 4) return false;
  return (
    isTotalName(cell) || subtotal(words[0] as string) || subtotal(words[words.length - 1] as string)
  );
}

type ValueRole = 'amount' | 'quantity' | 'price' | 'promo';

/** A role word at the start or end of a header (`QTY_B1_1`, `B1_units`, `Menge Apfel`), and the item it leaves. */
function splitRole(header: string): { role: ValueRole | null; item: string } {
  const h = header.trim();
  const parts = h.split(/[\s_\-.:|/]+/).filter((p) => p !== '');
  if (parts.length < 2)
    return { role: PROMO_WORDS.has(normalizeHeader(h)) ? 'promo' : null, item: h };
  const roleOf = (word: string): ValueRole | null => {
    if (PROMO_WORDS.has(normalizeHeader(word))) return 'promo';
    const m = detectColumns([word]).mapping;
    return m.amount ? 'amount' : m.quantity ? 'quantity' : m.price ? 'price' : null;
  };
  const head = roleOf(parts[0] as string);
  if (head !== null) return { role: head, item: h.slice(h.indexOf(parts[1] as string)) };
  const tail = roleOf(parts[parts.length - 1] as string);
  if (tail !== null)
    return {
      role: tail,
      item: h
        .slice(0, h.lastIndexOf(parts[parts.length - 1] as string))
        .replace(/[\s_\-.:|/]+$/, ''),
    };
  return { role: null, item: h };
}

/** One row per date, one column per item (several by role: QTY_x and PROMO_x). */
function datesDown(headers: string[], requested: ColumnMapping): DatesDown | null {
  // A Total column beside the items is their sum: left out, not read as the file's one amount.
  const found = detectColumns(headers.map((h) => (isTotalName(h) ? '' : h))).mapping;
  const dateName = requested.date ?? found.date;
  const date = dateName === undefined ? -1 : headers.findIndex((h) => h.trim() === dateName);
  if (
    date === -1 ||
    found.sku !== undefined ||
    found.amount !== undefined ||
    found.quantity !== undefined
  )
    return null;
  const byItem = new Map<string, ItemColumns>();
  const ignored: number[] = [];
  headers.forEach((h, col) => {
    if (col === date || h.trim() === '') return;
    if (isTotalName(h) || ROW_ID_WORDS.has(normalizeHeader(h))) return void ignored.push(col);
    const { role, item } = splitRole(h);
    if (role === 'promo') return void ignored.push(col);
    let cols = byItem.get(item);
    if (cols === undefined) {
      cols = { item, amount: -1, quantity: -1, price: -1 };
      byItem.set(item, cols);
    }
    if (cols[role ?? 'amount'] !== -1) return void ignored.push(col);
    cols[role ?? 'amount'] = col;
  });
  // An item needs a measure: its amount, or its quantity (units, when no price says the money).
  const items = [...byItem.values()].filter((c) => c.amount !== -1 || c.quantity !== -1);
  for (const c of byItem.values()) {
    if (c.amount === -1 && c.quantity === -1 && c.price !== -1) ignored.push(c.price);
  }
  if (items.length < 2) return null;
  return { kind: 'wide-dates-down', date, items, ignored };
}

/**
 * The layout of a table with `headers`: `forced` when given (a wide layout the
 * headers cannot be read as falls back to long, whose errors then say why),
 * else wide when the headers clearly are, else long. An explicit mapping of
 * an amount or quantity column means a long file.
 */
export function planLayout(
  rawHeaders: string[],
  requested: ColumnMapping = {},
  forced?: Layout,
  dateFormat?: DateFormat,
  measure?: Measure,
): LayoutPlan {
  const headers = rawHeaders.map((h) => h.trim());
  if (forced === 'long') return { kind: 'long' };
  if (forced === undefined && (requested.amount !== undefined || requested.quantity !== undefined))
    return { kind: 'long' };
  if (forced !== 'wide-dates-down') {
    const across = periodsAcross(headers, requested, dateFormat, measure);
    if (across !== null) return across;
  }
  if (forced !== 'wide-periods-across') {
    const down = datesDown(headers, requested);
    if (down !== null) return down;
  }
  return { kind: 'long' };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The layout in a line for the page and the report: "one row per item, one column per week: 45 items × 143 weeks". */
export function describeLayout(plan: LayoutPlan, items?: number): string {
  switch (plan.kind) {
    case 'long':
      return 'one row per sale or per item and date';
    case 'wide-periods-across': {
      const periods = plural(plan.periods.length, plan.unit);
      const count = items === undefined ? periods : `${plural(items, 'item')} × ${periods}`;
      return `one row per item, one column per ${plan.unit}: ${count}`;
    }
    case 'wide-dates-down': {
      const roles = plan.items.some((c) => c.amount !== -1 && c.quantity !== -1)
        ? ' (quantity and amount per item)'
        : '';
      return `one row per date, one column per item: ${plural(items ?? plan.items.length, 'item')}${roles}`;
    }
  }
}

/** Which columns a wide layout reads, in a line for the mapping form. */
export function layoutColumns(plan: LayoutPlan, rawHeaders: string[]): string {
  const headers = rawHeaders.map((h) => h.trim());
  const names = (cols: number[]): string =>
    listColumns(
      cols.map((c) => headers[c] ?? ''),
      3,
    );
  switch (plan.kind) {
    case 'long':
      return '';
    case 'wide-periods-across': {
      const category = plan.category === -1 ? '' : `, category ${names([plan.category])}`;
      return `Items named by ${names(plan.sku)}${category}; each cell under a ${plan.unit} is that item's sales in it (an empty cell is no sale recorded).`;
    }
    case 'wide-dates-down': {
      const cols = plan.items.flatMap((c) =>
        [c.amount, c.quantity, c.price].filter((i) => i !== -1),
      );
      const left = plan.ignored.length > 0 ? `; left out: ${names(plan.ignored)}` : '';
      return `Dates in ${names([plan.date])}; each item's sales from its columns (${names(cols)})${left}.`;
    }
  }
}

/** How a sheet of periods across becomes weekly history (see unpivot.ts for days and months). */
const PERIOD_NOTES: Record<PeriodUnit, string> = {
  week: "Each dated column is one week's sales; skucast reads them as the weekly history.",
  day: "Each dated column is one day's sales; skucast adds them up into the weekly history.",
  month:
    "Each dated column is one month's sales; skucast spreads each evenly over the month's days and adds them up by week.",
};

/**
 * What a wide layout reads each of the `columns` columns as, in the mapping
 * form's words ("sku", "sales by week"), with a line on what the sales columns
 * hold; null for a column it leaves out (a trailing "Total", a promotion flag),
 * which the form says is not used. A long file's columns are what the planner
 * maps them to, so only a wide plan has these.
 */
export function columnUses(
  plan: PeriodsAcross | DatesDown,
  columns: number,
): { uses: (string | null)[]; note: string } {
  const uses = new Array<string | null>(columns).fill(null);
  const set = (col: number, use: string): void => {
    if (col >= 0 && col < columns) uses[col] = use;
  };
  if (plan.kind === 'wide-periods-across') {
    for (const c of plan.sku) set(c, 'sku');
    set(plan.category, 'category');
    for (const c of plan.periods) set(c, `sales by ${plan.unit}`);
    return { uses, note: PERIOD_NOTES[plan.unit] };
  }
  set(plan.date, 'date');
  for (const c of plan.items) {
    set(c.amount, 'amount');
    set(c.quantity, 'quantity');
    set(c.price, 'unit price');
  }
  return {
    uses,
    note: "Each item's columns hold its sales on the row's date; skucast adds them up into each item's weekly history.",
  };
}
