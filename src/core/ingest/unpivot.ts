// Wide tables to long rows, in front of the table builder: the header row
// says the layout (layout.ts); a long file goes straight through, a wide
// row becomes one long row per item or period (date, sku, [category],
// values), so every rule downstream (issues, weekly table, bad input) is the
// long file's. Each long row keeps its spreadsheet row, and its value column
// is named as the file names it, so messages point at the cell. An empty
// cell of a wide table is missing (no row), not zero: exports leave cells
// empty before an item was listed or after it was dropped.
import type { ColumnMapping, DateFormat, Layout, Measure, WeeklyTable } from '../types';
import { listColumns } from './column-list';
import {
  detectColumns,
  findHeader,
  isYearMonthColumn,
  isYearWeekColumn,
  periodOfName,
} from './columns';
import { civilFromDays, readDate, readMonth } from './dates';
import { lenientNumber } from './number-reader';
import type { IssueLog } from './issues';
import {
  describeLayout,
  isTotalName,
  planLayout,
  type DatesDown,
  type LayoutPlan,
  type PeriodsAcross,
} from './layout';
import { PreKind } from './scan-cells';
import { TableBuilder, type PreReadSink } from './table-builder';
import { monthParts, yearPeriodRows, type MonthPart } from './year-period';

/** How one wide row becomes long rows for the builder. */
interface Reshape {
  /** The builder's header row and the roles in it. */
  headers: string[];
  mapping: ColumnMapping;
  /** PreKind per column of the wide table. */
  kinds: Uint8Array;
  /** Sends the long rows of one wide row to `to`. */
  emit(to: TableBuilder, cells: string[], pre: Float64Array, row: number): void;
}

const isEmpty = (cells: string[], pre: Float64Array, col: number): boolean =>
  pre[col] !== pre[col] && (cells[col] ?? '').trim() === '';

/** The scanner's ISO key (yyyymmdd) of a day number. */
function isoKey(days: number): number {
  const { year, month, day } = civilFromDays(days);
  return year * 10000 + month * 100 + day;
}

/** A name for a made-up column that none of `headers` has. */
function label(name: string, headers: readonly string[]): string {
  let out = name;
  while (headers.includes(out)) out += ' ';
  return out;
}

/**
 * Whether a sheet of periods across holds counts: every filled period cell of
 * the first rows a whole number written without a currency sign. A planner's
 * weeks-across export is most often units; money has cents or a sign.
 */
function cellsAreCounts(
  columns: readonly number[],
  sample: readonly (readonly string[])[],
): boolean {
  let seen = 0;
  for (const cells of sample) {
    for (const c of columns) {
      const text = (cells[c] ?? '').trim();
      if (text === '') continue;
      const v = /[$€£¥]/.test(text) ? null : lenientNumber(text);
      if (v === null || v % 1 !== 0) return false;
      seen++;
    }
  }
  return seen > 0;
}

/** Units or money for a sheet of periods across: the user's choice, else what its first rows hold. */
export function periodsAcrossMeasure(
  plan: PeriodsAcross,
  sample: readonly (readonly string[])[],
  chosen?: Measure,
): Measure {
  if (chosen !== undefined) return chosen;
  // The headers name the measure (`Units 2024-W01`): no need to guess it from the cells.
  if (plan.role !== undefined) return plan.role === 'quantity' ? 'units' : 'amount';
  return cellsAreCounts(plan.periods, sample) ? 'units' : 'amount';
}

/**
 * A sheet of one column per item whose headers name the items alone (no
 * `QTY_` or `_price`) holds units when its first rows are whole numbers, as a
 * sheet of periods across does: its items' columns become quantities.
 */
function datesDownAsCounts(
  plan: DatesDown,
  sample: readonly (readonly string[])[],
  chosen?: Measure,
): DatesDown | null {
  if (chosen !== undefined) return null;
  const bare = plan.items.every((c) => c.amount !== -1 && c.quantity === -1 && c.price === -1);
  if (
    !bare ||
    !cellsAreCounts(
      plan.items.map((c) => c.amount),
      sample,
    )
  )
    return null;
  return { ...plan, items: plan.items.map((c) => ({ ...c, quantity: c.amount, amount: -1 })) };
}

/** Why a sheet of periods across is read as units or money, when the user did not say. */
const COUNTS_REASON =
  'units: the cells are whole numbers, as counts are (choose amount if they are money)';

/**
 * One week's part of a period column: the key of its last day (so a sheet's
 * last week, full, does not read as a partial week), and its share of the value.
 */
interface Piece {
  key: number;
  share: number;
}

/**
 * How each period column's value falls into weeks. A day or a week is one
 * piece. A month is spread evenly over its days, each week taking its days'
 * share, so a week that straddles two months gets a part of each; the weeks
 * at the ends of the sheet's months that the months cover only in part are
 * left out, since their sales are not all in the file.
 */
function periodPieces(plan: PeriodsAcross): Piece[][] {
  if (plan.unit !== 'month') return plan.days.map((d) => [{ key: isoKey(d), share: 1 }]);
  const months = plan.days.map(monthParts);
  const first = Math.min(...plan.days);
  const last = Math.max(...months.map((parts) => (parts[parts.length - 1] as MonthPart).lastDay));
  return months.map((parts) =>
    parts
      .filter((p) => p.monday >= first && p.monday + 6 <= last)
      .map((p) => ({ key: isoKey(p.lastDay), share: p.share })),
  );
}

function periodsAcross(
  plan: PeriodsAcross,
  wide: string[],
  log: IssueLog,
  measure: Measure,
): Reshape {
  const keyCols = plan.category === -1 ? plan.sku : [...plan.sku, plan.category];
  const dateAt = keyCols.length;
  const valueAt = dateAt + 1;
  const headers = keyCols.map((c) => wide[c] as string);
  const valueName = measure === 'units' ? 'units (the cells)' : 'value (the cells)';
  headers.push(label('date (the column headers)', wide), label(valueName, wide));
  const mapping: ColumnMapping = {
    sku: plan.sku.map((c) => wide[c]).join('+'),
    date: headers[dateAt] as string,
    [measure === 'units' ? 'quantity' : 'amount']: headers[valueAt] as string,
    ...(plan.category !== -1 && { category: wide[plan.category] as string }),
  };
  const kinds = new Uint8Array(wide.length);
  for (const c of keyCols) kinds[c] = PreKind.Text;
  for (const c of plan.periods) kinds[c] = PreKind.Number;
  const pieces = periodPieces(plan);
  const fields = new Array<string>(valueAt + 1).fill('');
  const out = new Float64Array(valueAt + 1).fill(NaN);
  // A row per item: an item named again is added up, and said once (Store, Dept: both may name it).
  const firstRow = new Map<string, number>();
  let warned = false;
  const noteRepeat = (cells: string[], row: number): void => {
    // Names as written, as the sku reader keeps them: " A" and "A" are two items.
    const item = plan.sku.map((c) => cells[c] ?? '');
    const key = item.join('\u0001');
    const first = firstRow.get(key);
    if (first === undefined) return void firstRow.set(key, row);
    if (warned) return;
    warned = true;
    const names = plan.sku.map((c) => wide[c] as string);
    const others = wide.slice(0, plan.periods[0]).filter((h) => h !== '' && !names.includes(h));
    const hint =
      others.length === 0
        ? ''
        : `; if ${listColumns(others, 3)} is part of the item, choose it too (--map sku=${[...names, others[0]].join('+')})`;
    log.note({
      severity: 'warning',
      code: 'wide-repeated-item',
      row,
      message: `Rows ${first} and ${row} both name the item ${listColumns(item)}: a row per item is expected, so the values of such rows are added up${hint}`,
    });
  };
  let totalNoted = false;
  const emit = (to: TableBuilder, cells: string[], pre: Float64Array, row: number): void => {
    const name = plan.sku.map((c) => cells[c] ?? '').join(' ');
    if (isTotalName(name)) {
      if (!totalNoted) {
        totalNoted = true;
        log.note({
          severity: 'warning',
          code: 'wide-total-row',
          row,
          message: `Row ${row} ("${name.trim()}") is a total of the items, not an item: left out, with any other such row`,
        });
      }
      return;
    }
    keyCols.forEach((c, i) => (fields[i] = cells[c] ?? ''));
    noteRepeat(cells, row);
    const names = to.columnNames();
    for (let j = 0; j < plan.periods.length; j++) {
      const col = plan.periods[j] as number;
      if (isEmpty(cells, pre, col)) continue;
      names[dateAt] = names[valueAt] = wide[col] as string;
      const parts = pieces[j] as Piece[];
      let v = pre[col] as number;
      // A month's text cell (`1.234,5`, a workbook's number stored as text) is
      // read here, once, so it is spread over its weeks as a number cell is.
      if (v !== v && parts.length > 1) v = to.numberOf(cells[col] as string, valueAt, row);
      fields[valueAt] = v === v ? '' : (cells[col] as string);
      for (const piece of parts) {
        out[valueAt] = v * piece.share;
        out[dateAt] = piece.key;
        to.addPreRead(fields, out, row);
        // A cell that is no number is reported once, not once per week.
        if (v !== v) break;
      }
    }
  };
  return { headers, mapping, kinds, emit };
}

function datesDown(plan: DatesDown, wide: string[]): Reshape {
  const has = (role: 'amount' | 'quantity' | 'price'): boolean =>
    plan.items.some((c) => c[role] !== -1);
  // Each role as in a long file: quantities alone forecast units, as a long file's do.
  const slots = (['amount', 'quantity', 'price'] as const).filter(has);
  const headers = [wide[plan.date] as string, label('item (the column headers)', wide)];
  const mapping: ColumnMapping = { date: headers[0] as string, sku: headers[1] as string };
  for (const r of slots) {
    const name = label(`${r} (the item columns)`, wide.concat(headers));
    headers.push(name);
    mapping[r] = name;
  }
  const kinds = new Uint8Array(wide.length);
  kinds[plan.date] = PreKind.IsoDate;
  const colOf = plan.items.map((c) => slots.map((r) => c[r]));
  for (const cols of colOf) for (const c of cols) if (c !== -1) kinds[c] = PreKind.Number;
  const fields = new Array<string>(headers.length).fill('');
  const out = new Float64Array(headers.length).fill(NaN);
  // The measure decides whether an item has a row on a date: its amount, else its quantity.
  const measure = plan.items.map((c) => (c.amount !== -1 ? c.amount : c.quantity));
  const emit = (to: TableBuilder, cells: string[], pre: Float64Array, row: number): void => {
    fields[0] = cells[plan.date] ?? '';
    out[0] = pre[plan.date] as number;
    // A row without a date is one problem, not one per item: its first item alone goes on, to be refused.
    const undated = out[0] !== out[0] && readDate(fields[0]).kind === 'bad';
    const names = to.columnNames();
    for (let i = 0; i < (undated ? 1 : plan.items.length); i++) {
      if (!undated && (measure[i] === -1 || isEmpty(cells, pre, measure[i] as number))) continue;
      fields[1] = (plan.items[i] as { item: string }).item;
      const cols = colOf[i] as number[];
      for (let s = 0; s < cols.length; s++) {
        const col = cols[s] as number;
        const v = col === -1 ? NaN : (pre[col] as number);
        out[s + 2] = v;
        fields[s + 2] = col === -1 || v === v ? '' : (cells[col] ?? '');
        if (col !== -1) names[s + 2] = wide[col] as string;
      }
      to.addPreRead(fields, out, row);
    }
  };
  return { headers, mapping, kinds, emit };
}

/** The sink readers feed: a long table to the builder as it is, a wide one unpivoted. */
export class LayoutSink implements PreReadSink {
  private builder: TableBuilder;
  private plan: LayoutPlan = { kind: 'long' };
  private reshape: Reshape | null = null;
  private width = 0;
  private noPre = new Float64Array(0);
  /** Data rows of the file given to the reshape (each emits several values). */
  private fileRows = 0;
  /** The header row as begin() got it, for the report. */
  private header: string[] | null = null;
  /** A sheet of periods across read as units because its cells are whole numbers. */
  private countsGuessed = false;
  /** The columns that date the rows together (`Year+Week`, `Year+Month+Day`, a lone month column): the report's date mapping. */
  private yearPeriodName: string | null = null;

  /** `layout`: the caller's choice; detected from the header row when absent. */
  constructor(
    private readonly log: IssueLog,
    private readonly requested: ColumnMapping,
    private readonly dateFormat?: DateFormat,
    private readonly layout?: Layout,
    private readonly measure?: Measure,
    private readonly detect = true,
    private readonly asOf?: string,
  ) {
    this.builder = new TableBuilder(log, requested, dateFormat, measure, detect, asOf);
  }

  /**
   * The year and week-number or month columns (and a day column) that date a
   * long file's rows together (`--map date=Jahr+KW`, `Year+Month+Day`, or
   * detected so from the first rows), or null.
   */
  private yearPeriod(headers: string[], found: ColumnMapping): number[] | null {
    const name = this.requested.date ?? found.date;
    if (name === undefined || !name.includes('+') || findHeader(headers, name) !== -1) return null;
    const parts = name.split('+').map((p) => findHeader(headers, p.trim()));
    return (parts.length === 2 || parts.length === 3) && parts.every((i) => i !== -1)
      ? parts
      : null;
  }

  /**
   * The date column of a long file as a one-column year-period: year-and-week
   * labels under a week's name (`Week`: 2024-05, each its ISO week), or months
   * (`2024-01`, `Jan 2024`: most of the first rows months, few of them days,
   * each spread over its days); null for a column of dates.
   */
  private loneDateColumn(
    headers: string[],
    found: ColumnMapping,
    sample: readonly (readonly string[])[],
  ): { col: number; unit: 'week' | 'month' } | null {
    const name = this.requested.date ?? found.date;
    const col = name === undefined ? -1 : findHeader(headers, name);
    if (col === -1) return null;
    const raw = sample.map((r) => r[col] ?? '');
    if (isYearWeekColumn(headers[col] as string, raw)) return { col, unit: 'week' };
    if (isYearMonthColumn(headers[col] as string, raw)) return { col, unit: 'month' };
    const cells = raw.map((c) => c.trim()).filter((c) => c !== '');
    const months = cells.filter((c) => readMonth(c) === readMonth(c)).length;
    const days = cells.filter((c) => readDate(c).kind !== 'bad').length;
    return cells.length > 0 && months >= 0.8 * cells.length && days < 0.2 * cells.length
      ? { col, unit: 'month' }
      : null;
  }

  /** A long file dated by a year-period's columns (`cols`, year first): see year-period.ts. */
  private beginYearPeriod(
    headers: string[],
    cols: number[],
    found: ColumnMapping,
    delimiter: string,
    sample: readonly (readonly string[])[],
    /** A lone column's: 'month' unless said. */
    lone: 'week' | 'month' = 'month',
  ): boolean {
    const width = headers.length;
    const names = headers.map((h) => h.trim());
    const unit =
      cols.length === 3
        ? 'day'
        : cols.length === 1
          ? lone
          : (periodOfName(names[cols[1] as number] as string) ?? 'week');
    const measures = [
      this.requested.amount ?? found.amount,
      this.requested.quantity ?? found.quantity,
    ]
      .map((n) => (n === undefined ? -1 : findHeader(headers, n)))
      .filter((i) => i !== -1);
    const rowsOf = yearPeriodRows(width, cols, unit, unit === 'month' ? measures : []);
    const parts = cols.map((c) => names[c] as string);
    const dateName = label(`date (${parts.join(' + ')})`, names);
    this.builder = new TableBuilder(
      this.log,
      { ...this.requested, date: dateName },
      this.dateFormat,
      this.measure,
      this.detect,
      this.asOf,
    );
    const longSample = sample.map((r) => rowsOf(r)[0] as string[]);
    if (!this.builder.begin([...headers, dateName], delimiter, longSample)) return false;
    this.yearPeriodName = parts.join('+');
    this.reshape = {
      headers: [...names, dateName],
      mapping: {},
      kinds: new Uint8Array(width).fill(PreKind.Text),
      emit: (to, cells, _pre, row) => {
        for (const long of rowsOf(cells)) to.addRow(long, row);
      },
    };
    this.width = width;
    this.noPre = new Float64Array(width).fill(NaN);
    if (unit === 'month') {
      this.log.note({
        severity: 'warning',
        code: 'monthly-periods',
        message: `The rows are months (${this.yearPeriodName}): each month's sales are spread evenly over its days and summed per week, so the forecasts are weekly (a month is about 4.3 of them)`,
      });
    }
    return true;
  }

  /** `sample`: the first records, for the long reading's guesses from values (see TableBuilder). */
  begin(headers: string[], delimiter = ',', sample: readonly (readonly string[])[] = []): boolean {
    this.header = headers.map((h) => h.trim());
    this.plan = planLayout(headers, this.requested, this.layout, this.dateFormat, this.measure);
    if (this.plan.kind === 'long') {
      // Detected once here for both the pair and its month's measure columns.
      const found = this.detect ? detectColumns(headers, sample).mapping : {};
      const pair = this.yearPeriod(headers, found);
      if (pair !== null) return this.beginYearPeriod(headers, pair, found, delimiter, sample);
      const lone = this.loneDateColumn(headers, found, sample);
      return lone === null
        ? this.builder.begin(headers, delimiter, sample)
        : this.beginYearPeriod(headers, [lone.col], found, delimiter, sample, lone.unit);
    }
    const wide = headers.map((h) => h.trim());
    let counts: boolean;
    let reshape: Reshape;
    if (this.plan.kind === 'wide-periods-across') {
      const measure = periodsAcrossMeasure(this.plan, sample, this.measure);
      counts = this.measure === undefined && measure === 'units' && this.plan.role === undefined;
      reshape = periodsAcross(this.plan, wide, this.log, measure);
    } else {
      const asCounts = datesDownAsCounts(this.plan, sample, this.measure);
      counts = asCounts !== null;
      if (asCounts !== null) this.plan = asCounts;
      reshape = datesDown(this.plan, wide);
    }
    this.countsGuessed = counts;
    // Every role of the made-up columns is explicit, so the builder detects nothing else.
    this.builder = new TableBuilder(
      this.log,
      reshape.mapping,
      this.dateFormat,
      this.measure,
      true,
      this.asOf,
    );
    if (!this.builder.begin(reshape.headers, delimiter)) return false;
    this.reshape = reshape;
    this.width = wide.length;
    this.noPre = new Float64Array(wide.length).fill(NaN);
    this.noteLayout(wide);
    return true;
  }

  private noteLayout(wide: string[]): void {
    const plan = this.plan;
    if (plan.kind === 'wide-dates-down' && plan.ignored.length > 0) {
      this.log.note({
        severity: 'warning',
        code: 'wide-columns-ignored',
        message: `${plan.ignored.length} column${plan.ignored.length === 1 ? ' was' : 's were'} left out of the sales (${listColumns(plan.ignored.map((c) => wide[c] as string))}): totals, promotion flags, or columns repeating an item's role; only each item's amount, quantity and price are read`,
      });
    }
    const others = plan.kind === 'wide-periods-across' ? (plan.otherMeasures ?? []) : [];
    if (plan.kind === 'wide-periods-across' && others.length > 0) {
      const read = plan.role === 'quantity' ? 'units' : 'sales';
      this.log.note({
        severity: 'warning',
        code: 'wide-columns-ignored',
        message: `The sheet names a measure beside each period: ${read} were read from ${listColumns([wide[plan.periods[0] as number] as string])} and its like; ${others.length} column${others.length === 1 ? '' : 's'} of another measure ${others.length === 1 ? 'was' : 'were'} left out (${listColumns(
          others.map((c) => wide[c] as string),
          3,
        )})${plan.role === 'quantity' ? ' (choose amount to forecast the sales instead)' : ''}`,
      });
    }
    if (plan.kind === 'wide-periods-across' && plan.unit === 'month') {
      this.log.note({
        severity: 'warning',
        code: 'monthly-periods',
        message: `The columns are months (${wide[plan.periods[0] as number]} …): each month's value is spread evenly over its days and summed per week, so the forecasts are weekly (a month is about 4.3 of them); the part-covered weeks at the ends of the months are left out`,
      });
    }
  }

  preReadKinds(): Uint8Array {
    return this.reshape === null ? this.builder.preReadKinds() : this.reshape.kinds;
  }

  addRow(cells: string[], rowNumber: number): void {
    if (this.reshape === null) this.builder.addRow(cells, rowNumber);
    else this.addWide(cells, this.noPre, rowNumber);
  }

  addPreRead(cells: string[], pre: Float64Array, rowNumber: number): void {
    if (this.reshape === null) this.builder.addPreRead(cells, pre, rowNumber);
    else this.addWide(cells, pre, rowNumber);
  }

  private addWide(cells: string[], pre: Float64Array, row: number): void {
    if (cells.length === 1 && (cells[0] as string).trim() === '') return; // blank line
    this.fileRows++;
    if (cells.length > this.width && cells.slice(this.width).some((c) => c.trim() !== '')) {
      this.log.add({
        severity: 'error',
        code: 'ragged-row',
        row,
        message: `Row ${row} has ${cells.length} fields but the header has ${this.width}; expected ${this.width} fields`,
      });
      this.log.skipped('ragged-row');
      return;
    }
    (this.reshape as Reshape).emit(this.builder, cells, pre, row);
  }

  abandon(): void {
    this.builder.abandon();
  }

  finish(): WeeklyTable {
    const table = this.builder.finish();
    // A wide table's builder saw made-up columns: the report names the file's.
    if (this.header !== null) table.report.header = this.header;
    if (this.countsGuessed) table.report.measureReason = COUNTS_REASON;
    if (this.yearPeriodName !== null) table.report.mapping.date = this.yearPeriodName;
    if (this.reshape !== null) table.report.fileRows = this.fileRows;
    // A long file's report stays as it was: no layout means long.
    if (this.plan.kind !== 'long') {
      table.report.layout = this.plan.kind;
      table.report.layoutDescription = describeLayout(this.plan, table.series.length);
    }
    return table;
  }
}
