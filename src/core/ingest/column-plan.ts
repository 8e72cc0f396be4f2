// From a header row to the column of each role: the user's explicit choices
// first, auto-detection for the rest, then the file is refused (a file error
// in the log) when the roles found cannot make a weekly table.
import { groupedLabelColumns, nameGroupLabelColumns } from './fill-down';
import { salesWrittenNegative } from './outflow-sign';
import { defaultMeasure, missingRequiredRole } from '../required-roles';
import type { ColumnMapping, Measure, Role } from '../types';
import { listColumns } from './column-list';
import {
  columnLetter,
  detectColumns,
  findHeader,
  isReferenceSchema,
  normalizeHeader,
  ROLES,
} from './columns';
import { readDate } from './dates';
import type { IssueLog } from './issues';
import { STATSFORECAST_MEASURE_REASON, statsforecastValueAt } from './statsforecast';

/** Column indices of each role in the file (-1 = not in the file). */
export interface ColumnPlan {
  headers: string[];
  date: number;
  sku: number;
  category: number;
  amount: number;
  quantity: number;
  price: number;
  gender: number;
  age: number;
  promo: number;
  discount: number;
  /**
   * A sku made of several columns (`--map sku=Store+Item`): their indices, in
   * the order given; `sku` is the first. Absent for a sku of one column.
   */
  skuParts?: number[];
  /**
   * Key columns of a grouped report, each label printed once above its
   * rows: their blank cells read as the label above (fill-down.ts). Absent
   * when none is.
   */
  fillDown?: number[];
  /**
   * The quantity column writes sales as negative numbers (an item ledger),
   * as its first rows show (salesWrittenNegative): read with the other sign.
   */
  salesNegative?: boolean;
  /** What the forecast runs on, and why (the user's choice, or defaultMeasure's reason). */
  measure: Measure;
  measureReason: string;
}

/** What planColumns is told besides the headers. */
export interface PlanRequest {
  /** The user's explicit role → header choices. */
  mapping: ColumnMapping;
  /** Units or money, when the user chose. */
  measure?: Measure;
  /** The first data rows, when the reader has them: detection reads their values. */
  sample?: readonly (readonly string[])[];
  /** False: no role is guessed, only `mapping`'s are read (IngestOptions.detect). */
  detect?: boolean;
}

/**
 * The plan for `rawHeaders`, or a null plan after logging why the file cannot
 * be used. `mapping` is what the report shows: role → header name, as far as
 * it got (it is kept when the date or amount column is missing, so the
 * user sees what was recognised).
 */
export function planColumns(
  rawHeaders: string[],
  { mapping: requested, measure: chosen, sample = [], detect = true }: PlanRequest,
  log: IssueLog,
): { plan: ColumnPlan | null; mapping: ColumnMapping } {
  // A grouped report's unnamed product column goes by its letter (`Column A`).
  const { headers, labels } = nameGroupLabelColumns(rawHeaders, sample);
  if (headers.length === 1 && headers[0] === '') {
    log.fileError('no-header', 'Row 1 is empty; expected a header row naming the columns');
    return { plan: null, mapping: {} };
  }
  reportDuplicateHeaders(headers, log);

  const mapping: ColumnMapping = {};
  const claimed = new Set<number>();
  let skuParts: number[] | undefined;
  // Explicit choices first; a name that is not in the file is a file error.
  for (const role of ROLES) {
    const name = requested[role];
    if (name === undefined || name === '') continue;
    const idx = findHeader(headers, name);
    const header = headers[idx];
    if (header === undefined && role === 'sku' && name.includes('+')) {
      // A sku of several columns, `Store+Item`, unless one column has that name.
      const parts = name.split('+').map((p) => p.trim());
      const found = skuColumns(headers, parts);
      const missing = parts.find((_, i) => found[i] === -1);
      if (missing === undefined && new Set(found).size === found.length) {
        skuParts = found;
        mapping.sku = found.map((i) => headers[i]).join('+');
        for (const i of found) claimed.add(i);
        continue;
      }
      log.fileError(
        'unknown-column',
        missing === undefined
          ? `The sku "${name}" names a column twice; expected different columns joined by +, such as Store+Item`
          : `Column "${missing}" of the sku "${name}" is not in the file; expected one of: ${listColumns(headers)}`,
        name,
      );
      return { plan: null, mapping: {} };
    }
    if (header === undefined) {
      log.fileError(
        'unknown-column',
        `Column "${name}" chosen for ${role} is not in the file; expected one of: ${listColumns(headers)}`,
        name,
      );
      return { plan: null, mapping: {} };
    }
    mapping[role] = header;
    claimed.add(idx);
  }
  const detected = detect
    ? detectColumns(
        headers.map((h, i) => (claimed.has(i) ? '\u0000' : h)),
        sample,
      ).mapping
    : {};
  for (const role of ROLES) {
    if (mapping[role] === undefined && detected[role] !== undefined) mapping[role] = detected[role];
  }
  if (detect && mapping.category === undefined && skuParts !== undefined) {
    // A part of the sku may be its category too: Store+Dept is each department
    // in each store, totalled by department.
    const parts = skuParts;
    const own = headers.map((h, i) => (parts.includes(i) ? h : '\u0000'));
    const category = detectColumns(own).mapping.category;
    if (category !== undefined) mapping.category = category;
  }
  // statsforecast's y, also when unique_id or ds was chosen (and so hidden from detection).
  const y = statsforecastValueAt(headers.map(normalizeHeader));
  const statsforecastY =
    detect &&
    y !== -1 &&
    !claimed.has(y) &&
    mapping.amount === undefined &&
    mapping.quantity === undefined;
  if (statsforecastY) mapping.quantity = headers[y] as string;
  // A detected store × item sku (no column of that name): its parts.
  const skuName = mapping.sku;
  if (skuParts === undefined && skuName?.includes('+') && findHeader(headers, skuName) === -1) {
    skuParts = skuColumns(headers, skuName.split('+'));
  }

  // A grouped report's unnamed product column is the sku when no column is named as one.
  const label = detect && skuParts === undefined ? labels.find((c) => !claimed.has(c)) : undefined;
  if (mapping.sku === undefined && label !== undefined) mapping.sku = headers[label] as string;

  const index = (role: Role): number => {
    const name = mapping[role];
    return name === undefined ? -1 : findHeader(headers, name);
  };
  const plan: ColumnPlan = {
    headers,
    date: index('date'),
    sku: index('sku'),
    category: index('category'),
    amount: index('amount'),
    quantity: index('quantity'),
    price: index('price'),
    gender: index('gender'),
    age: index('age'),
    promo: index('promo'),
    discount: index('discount'),
    ...(skuParts && { skuParts }),
    measure: 'amount',
    measureReason: '',
  };
  if (skuParts) plan.sku = skuParts[0] as number;
  readAsSampleShows(plan, sample);

  const has = (role: Role): boolean => plan[role] !== -1;
  const missing = missingRequiredRole(has, chosen);
  if (missing !== null) {
    refuseMissing(missing, headers, chosen, log);
    return { plan: null, mapping };
  }
  if (chosen !== undefined) {
    plan.measure = chosen;
    plan.measureReason = `${chosen === 'units' ? 'units' : 'money'}: as chosen`;
  } else {
    const guess = defaultMeasure(has, isReferenceSchema(headers));
    plan.measure = guess.measure;
    plan.measureReason =
      y !== -1 && mapping.quantity === headers[y] && guess.measure === 'units'
        ? STATSFORECAST_MEASURE_REASON
        : guess.reason;
  }
  return { plan, mapping };
}

/** What the first rows show about reading every row: grouped labels, sales written negative. */
function readAsSampleShows(plan: ColumnPlan, sample: readonly (readonly string[])[]): void {
  const grouped = groupedLabelColumns(plan, sample);
  if (grouped.length > 0) plan.fillDown = grouped;
  if (salesWrittenNegative(plan.quantity, sample)) plan.salesNegative = true;
}

/** The file error for a role the run cannot do without (missingRequiredRole's answer). */
function refuseMissing(
  missing: 'date' | 'amount' | 'quantity',
  headers: readonly string[],
  chosen: Measure | undefined,
  log: IssueLog,
): void {
  const list = listColumns(headers);
  if (missing === 'date') {
    if (looksLikeData(headers)) {
      log.fileError(
        'no-header',
        `Row 1 looks like data (${list}), not a header; expected a first row naming the columns, such as Date, Product Category, Total Amount`,
      );
    } else {
      const unnumbered = periodsWithoutYear(headers);
      log.fileError(
        'no-date-column',
        unnumbered === null
          ? `No date column found among ${list}; expected a column named like Date (or choose one: --map date=COLUMN)`
          : `No date column found among ${list}: the columns "${unnumbered.first}" to "${unnumbered.last}" count periods but say no year, so no week can be dated; expected a date or a week with its year in each column's name (2024-W01 or 01/01/2024, one column per period), or a column named like Date`,
      );
    }
  } else if (missing === 'amount') {
    log.fileError(
      'no-amount-column',
      chosen === 'amount'
        ? `No amount column found among ${list}; expected a column named like Total Amount, Sales or Revenue, or both a quantity and a unit price column (or choose one: --map amount=COLUMN)`
        : `No amount or quantity column found among ${list}; expected a column named like Total Amount, Sales or Revenue (money), or Quantity or Units (or choose one: --map quantity=COLUMN or --map amount=COLUMN)`,
    );
  } else {
    log.fileError(
      'no-quantity-column',
      `No quantity column found among ${list}; expected a column named like Quantity, Qty or Units to forecast units (or choose one: --map quantity=COLUMN, or --measure amount)`,
    );
  }
}

/** Each of `names`' column index (-1 when absent). */
function skuColumns(headers: readonly string[], names: readonly string[]): number[] {
  return names.map((p) => (p.trim() === '' ? -1 : findHeader(headers, p.trim())));
}

/** Duplicate names are allowed (the first is used) but worth a warning: the user may mean the other. */
function reportDuplicateHeaders(headers: string[], log: IssueLog): void {
  const firstAt = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === '') return;
    const key = normalizeHeader(h);
    const first = firstAt.get(key);
    if (first === undefined) {
      firstAt.set(key, i);
      return;
    }
    log.note({
      severity: 'warning',
      code: 'duplicate-header',
      row: 1,
      column: h,
      message: `Row 1: columns ${columnLetter(first)} and ${columnLetter(i)} are both named "${h}"; the first one (${columnLetter(first)}) is used, expected unique column names`,
    });
  });
}

/** A header row whose cells read as dates or numbers is probably data. */
function looksLikeData(cells: readonly string[]): boolean {
  return cells.some((c) => c !== '' && (readDate(c).kind !== 'bad' || Number.isFinite(Number(c))));
}

// A planning template's period columns counted from 1, with no year: `Week 1`, `Wk 2`, `P3`, `Month 4`.
const COUNTED_PERIOD =
  /^(?:week|wk|kw|w|period|per|p|month|m|woche|semaine|semana|mes|monat)\.?\s*\d{1,3}$/i;
/** Counted periods a header must have before it is told they need a year. */
const MIN_COUNTED = 4;

/** The first and last of the header's counted periods without a year, when it has several; else null. */
function periodsWithoutYear(headers: readonly string[]): { first: string; last: string } | null {
  const counted = headers.map((h) => h.trim()).filter((h) => COUNTED_PERIOD.test(h));
  if (counted.length < MIN_COUNTED) return null;
  return { first: counted[0] as string, last: counted[counted.length - 1] as string };
}
