// Shared shapes of the pure core. Ingestion produces a WeeklyTable; training
// and the forecast pipeline read it. Keep this file free of logic.

/** Column roles a user can map (the data contract, ../shared/design/CONTRACT.md §1.2). */
export type Role =
  | 'date'
  | 'sku'
  | 'category'
  | 'amount'
  | 'quantity'
  | 'price'
  | 'gender'
  | 'age'
  | 'promo'
  | 'discount';

/**
 * How dates like `03/01/24` are read: day/month/year, month/day/year or
 * year/month/day (a 2-digit year first). ISO `2024-01-03` and Excel serials
 * read the same under all three.
 */
export type DateFormat = 'DMY' | 'MDY' | 'YMD';

/**
 * What is forecast: units sold (the quantity column) or money (the amount,
 * or quantity × unit price). The weekly table keeps both sums either way.
 */
export type Measure = 'units' | 'amount';

/** role -> header name as it appears in the file. */
export type ColumnMapping = Partial<Record<Role, string>>;

/** One problem found in the input (the data contract, ../shared/design/CONTRACT.md §5). */
export interface IngestIssue {
  /** 'error' skips the row (or the file); 'warning' keeps it. */
  severity: 'error' | 'warning';
  /** Stable machine-readable reason, e.g. 'bad-date', 'thousands-separator'. */
  code: string;
  /** 1-based row as a spreadsheet shows it (header = row 1); undefined for file-level issues. */
  row?: number;
  /** Header name of the column concerned, if any. */
  column?: string;
  /** Human message naming row, column and what was expected. */
  message: string;
}

export interface IngestReport {
  /** Data rows read (excluding the header and blank lines). */
  rowsRead: number;
  /** Rows that made it into the weekly table. */
  rowsUsed: number;
  rowsSkipped: number;
  /**
   * The file's own data rows, where each was read as several (a wide sheet:
   * one per item and period; a month spread over its weeks): rowsRead,
   * rowsUsed and rowsSkipped then count those values. Absent for a long file.
   */
  fileRows?: number;
  /** code -> count of skipped rows. */
  skippedByReason: Record<string, number>;
  /** The first issues found (capped, so a broken 1M-row file stays small); counts stay exact. */
  issues: IngestIssue[];
  /** Total issues found, including those not kept in `issues`. */
  issueCount: number;
  delimiter: string;
  mapping: ColumnMapping;
  /** How ambiguous day/month dates were read, and whether the file forced it. */
  dateOrder: 'day-first' | 'month-first' | 'year-first' | 'iso' | 'n/a';
  dateOrderAmbiguous: boolean;
  /** The reading the caller chose (IngestOptions.dateFormat), when it did. */
  dateFormat?: DateFormat;
  /**
   * Data rows with a date each reading would accept (rows with an unreadable
   * date count for none), so a page or the CLI can offer the choice.
   */
  dateFormats?: Record<DateFormat, number>;
  granularity: 'transactional' | 'weekly';
  /** Earliest and latest calendar dates seen, YYYY-MM-DD. */
  firstDate: string | null;
  lastDate: string | null;
  hasQuantity: boolean;
  hasAge: boolean;
  hasGender: boolean;
  /** A sku made of several columns (`--map sku=Store+Item`): their header names. */
  skuColumns?: string[];
  /** Workbooks: the worksheets, in workbook order, and the one read. */
  sheets?: string[];
  sheet?: string;
  /** What the forecast of this table runs on (absent: amount), and why, in words for the user. */
  measure?: Measure;
  measureReason?: string;
  /** The file has a promotion flag column (promo_days in the weekly table). */
  hasPromo?: boolean;
  /** The file has a discount column (discount in the weekly table). */
  hasDiscount?: boolean;
  /** A wide table (see Layout; absent for a long one), and its shape in a line: "one row per item, one column per week: 45 items × 143 weeks". */
  layout?: Layout;
  layoutDescription?: string;
  /** The header row the columns were chosen from, cells trimmed (absent when the file has none). */
  header?: string[];
  /**
   * Rows left out of the table by where its weeks end (ingest/origin.ts):
   * dated beyond the file's bulk, or after the week of the caller's as-of
   * date. Not counted in rowsSkipped (they are good rows, set aside):
   * rowsRead = rowsUsed + rowsSkipped + excluded.rows.
   */
  excluded?: ExcludedRows;
  /** The as-of date the caller chose (IngestOptions.asOf), as given: YYYY-MM-DD or 'latest'. */
  asOf?: string;
}

/** Rows set aside by the forecast origin (see IngestReport.excluded). */
export interface ExcludedRows {
  /** beyond-bulk: the guard's rule; as-of: after the week of the chosen date. */
  reason: 'beyond-bulk' | 'as-of';
  rows: number;
  /** Distinct dates excluded, the first of them (YYYY-MM-DD, ascending, at most 10) and the last. */
  dateCount: number;
  dates: string[];
  lastDate: string;
  /** The last date kept. */
  keptUntil: string;
  /** Weeks with no rows between the last week kept and the first excluded. */
  gapWeeks: number;
}

/** One row of the weekly table, columns in the order of ../shared/design/CONTRACT.md §2. */
export interface WeeklyRow {
  sku: string;
  seed_id: number;
  week_start: string;
  iso_year: number;
  iso_week: number;
  month: number;
  partial: 0 | 1;
  total_amount: number;
  quantity: number;
  transactions: number;
  age: number;
  male: number;
  female: number;
  price_per_unit: number;
  window_mean_4: number;
  window_mean_5: number;
  window_mean_6: number;
  window_mean_7: number;
  /** Days of the week with a promotion flag on (files with a promotion column only). */
  promo_days?: number;
  /** Mean discount of the week's rows (files with a discount column only). */
  discount?: number;
}

export const WEEKLY_COLUMNS = [
  'sku',
  'seed_id',
  'week_start',
  'iso_year',
  'iso_week',
  'month',
  'partial',
  'total_amount',
  'quantity',
  'transactions',
  'age',
  'male',
  'female',
  'price_per_unit',
  'window_mean_4',
  'window_mean_5',
  'window_mean_6',
  'window_mean_7',
] as const satisfies readonly (keyof WeeklyRow)[];

/** Per-week facts every sku shares, W long (the table's calendar). */
export interface WeeklyCalendar {
  week_start: readonly string[];
  iso_year: Int32Array;
  iso_week: Int32Array;
  month: Int32Array;
  partial: Uint8Array;
}

/**
 * A sku's weekly numbers as typed columns, W long (views into the table's
 * arrays), behind SkuSeries.rows: the row objects are made from them on first
 * use, so a reader that needs only the numbers (the weekly CSV, the backtest
 * series) never holds millions of objects. The window means are computed
 * from total_amount (ingest/weekly-table.ts weeklyRowAt).
 */
export interface WeeklyColumns {
  calendar: WeeklyCalendar;
  total_amount: Float64Array;
  quantity: Float64Array;
  transactions: Float64Array;
  age: Float64Array;
  male: Float64Array;
  female: Float64Array;
  price_per_unit: Float64Array;
  /** Present when the file has a promotion / discount column (see WeeklyRow). */
  promo_days?: Float64Array;
  discount?: Float64Array;
}

/** All weeks of one sku over the shared calendar, in date order. */
export interface SkuSeries {
  sku: string;
  /** Category of the sku ('' when the file has none). */
  category: string;
  seed_id: number;
  /** A sku made of several columns: their values, in IngestReport.skuColumns order (`sku` joins them with ' · '). */
  parts?: string[];
  rows: WeeklyRow[];
  /**
   * The same weeks as typed columns, while `rows` was never read (then rows
   * are made from them; rows may be edited and the columns would not follow,
   * so they go). Not enumerable: copies and clones carry `rows` only.
   */
  readonly columns?: WeeklyColumns;
}

export interface WeeklyTable {
  /** Shared calendar: Monday of every week, ascending. */
  weeks: string[];
  /** Sorted by sku (code-unit order, as pandas sorts). */
  series: SkuSeries[];
  report: IngestReport;
}

/**
 * Which way round a sales table is: one row per sale or per item and date
 * (long), one row per date with one column per item (wide-dates-down), or
 * one row per item with one column per period (wide-periods-across).
 */
export type Layout = 'long' | 'wide-dates-down' | 'wide-periods-across';
