// Row-by-row aggregation. Rows are never kept: each one is read role by role
// (role-readers.ts, sku-reader.ts), skipped at its first issue, else added
// into its (sku, date) cell (cell-store.ts). Dates and skus are interned
// (date-interner.ts, sku-interner.ts); dates stay unresolved until the whole
// file is seen (weekly-table.ts settles them).
import { CellStore, type CellView } from './cell-store';
import type { ColumnPlan } from './column-plan';
import { DateInterner, type DateView } from './date-interner';
import { FeatureCells, type FeatureView } from './feature-cells';
import { LabelCarrier } from './fill-down';
import type { IssueLog } from './issues';
import { NumberReader, type ConventionNote } from './number-reader';
import {
  AgeReader,
  AmountReader,
  DateReader,
  GenderReader,
  OptionalNumberReader,
  PromoReader,
  QuantityReader,
  type ReadContext,
  type RecordCells,
} from './role-readers';
import { RowIssues, type RowIssue } from './row-issues';
import { ReportRows } from './report-rows';
import { preReadKinds } from './scan-cells';
import { TrailingNotes } from './trailing-notes';
import { SkuInterner, type SkuView } from './sku-interner';
import { SkuReader } from './sku-reader';

/** The warning code of a file that writes sales as negative quantities. */
export const SALES_NEGATIVE = 'sales-negative';

export class Accumulator {
  // Private, so the report's counts move only with rows: addScanned and unuseRows.
  private nRead = 0;
  private nUsed = 0;
  /** In a file that writes sales negative: rows read as sales and as returns, and the first sale's row. */
  private nSales = 0;
  private nReturns = 0;
  private firstSale = 0;

  private readonly store = new CellStore();
  private readonly dateIndex = new DateInterner();
  private readonly skuIndex = new SkuInterner();
  private readonly issues: RowIssues;
  private readonly numbers: NumberReader;
  private readonly date: DateReader;
  private readonly sku: SkuReader;
  private readonly quantity: QuantityReader;
  private readonly amount: AmountReader;
  private readonly age: AgeReader;
  private readonly gender: GenderReader;
  /** Promotion and discount, for files with such a column only (else null: no work per row). */
  private readonly features: FeatureCells | null;
  private readonly promo: PromoReader;
  private readonly discount: OptionalNumberReader;
  private readonly fieldCount: number;
  private readonly delimiterName: string;
  /** All-NaN `pre` for records that come as plain strings. */
  private readonly noPre: Float64Array;
  /** The record being read, handed to each reader. */
  private readonly record: RecordCells;
  /** A grouped report's labels carried down into blank key cells; null for other files. */
  private readonly carrier: LabelCarrier | null;
  /** The columns the plan reads (the scanner leaves the others' cells stale). */
  private readonly readCols: number[];
  /** Lines of words held until the next row: the file's footer if none follows. */
  private readonly footer = new TrailingNotes();
  /** Rows a report adds around its data: the header again, page numbers, a units row. */
  private readonly reportRows: ReportRows;
  /** `pre` for a row of text whose labels the carrier fills. */
  private readonly carriedPre: Float64Array;

  constructor(
    readonly plan: ColumnPlan,
    log: IssueLog,
    delimiter: string,
  ) {
    const headers = plan.headers;
    this.issues = new RowIssues(log, headers);
    // Excel writes `;` between cells where the comma is the decimal mark.
    this.numbers = new NumberReader(headers, delimiter === ';' ? 'decimal' : null);
    const ctx: ReadContext = { plan, numbers: this.numbers, issues: this.issues };
    this.date = new DateReader(plan.date, this.dateIndex);
    this.sku = new SkuReader(ctx, this.skuIndex);
    this.quantity = new QuantityReader(ctx);
    this.amount = new AmountReader(ctx, this.skuIndex);
    this.age = new AgeReader(ctx);
    this.gender = new GenderReader(plan.gender);
    this.promo = new PromoReader(plan.promo);
    this.discount = new OptionalNumberReader(ctx, plan.discount);
    const hasFeatures = plan.promo >= 0 || plan.discount >= 0;
    this.features = hasFeatures ? new FeatureCells(plan.promo >= 0, plan.discount >= 0) : null;
    this.fieldCount = headers.length;
    this.delimiterName = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
    this.noPre = new Float64Array(headers.length).fill(NaN);
    this.record = { fields: [], pre: this.noPre, row: 0 };
    this.readCols = readColumns(plan);
    const numeric = [plan.quantity, plan.amount, plan.price].filter((c) => c >= 0);
    this.reportRows = new ReportRows(headers, this.readCols, numeric, plan.date);
    this.carrier = plan.fillDown ? new LabelCarrier(plan.fillDown, this.readCols, headers) : null;
    this.carriedPre = new Float64Array(headers.length);
  }

  /** Records read, blank lines excepted. */
  get rowsRead(): number {
    return this.nRead;
  }

  /** Records added into a cell, less those given back by `unuseRows`. */
  get rowsUsed(): number {
    return this.nUsed;
  }

  /** The (sku, date) cells and the ages, as they are now (see CellView). */
  cells(): CellView {
    return this.store.view();
  }

  /** Each date seen, by the index the cells hold. */
  get dates(): DateView {
    return this.dateIndex;
  }

  /** Each sku seen, by the index the cells hold. */
  get skus(): SkuView {
    return this.skuIndex;
  }

  /**
   * Gives back rows counted as used: a date's reading is only settled once
   * the file's day/month order is known, after every row was added.
   */
  unuseRows(rows: number): void {
    this.nUsed -= rows;
  }

  /** Adds one record; `row` is its 1-based spreadsheet row. */
  addRow(fields: string[], row: number): void {
    this.addScanned(fields, this.noPre, row);
  }

  /**
   * Adds one record whose cells the fast scanner may have read already: where
   * `pre[col]` is a number it stands for the cell (see PreKind), and
   * `fields[col]` is not to be read; where it is NaN, `fields[col]` holds the text.
   */
  addScanned(fields: string[], pre: Float64Array, row: number): void {
    const n = fields.length;
    if (n === 1 && (fields[0] as string).trim() === '') return; // blank line
    const ragged = n === this.fieldCount ? null : this.raggedIssue(fields);
    // A line of words that may be the report's footer: read only if data follows it.
    if (this.mayBeFooter(fields, pre, row, ragged)) return;
    if (this.footer.holding) {
      for (const h of this.footer.release()) {
        // Data follows: a page number was between pages; any other line was a row.
        if (!this.reportRows.isPageLine(h.fields, h.row)) this.readRow(h.fields, h.pre, h.row);
      }
    }
    this.readRow(fields, pre, row, ragged);
  }

  /** Holds the row (true) when it is one phrase: a footer line, or a row cut short. */
  private mayBeFooter(
    fields: string[],
    pre: Float64Array,
    row: number,
    ragged: RowIssue | null,
  ): boolean {
    if (ragged !== null) return this.footer.hold(fields, pre, row, null);
    // A row whose date the scanner read is data: the common case, decided here at once.
    const date = this.plan.date;
    if (pre[date] === pre[date]) return false;
    return this.footer.hold(fields, pre, row, this.readCols);
  }

  private readRow(
    fields: string[],
    pre: Float64Array,
    row: number,
    ragged = fields.length === this.fieldCount ? null : this.raggedIssue(fields),
  ): void {
    // The header again (files joined): its date cell is text, so the scanner's date test comes first.
    const date = this.plan.date;
    if (ragged === null && pre[date] !== pre[date]) {
      if (this.reportRows.isHeader(fields, row)) return;
      // The columns' units, under the header of an ERP export.
      if (this.nRead === 0 && this.reportRows.isUnitsRow(fields, row)) return;
    }
    // A grouped report's heading row (a label alone) is no sale, as a blank line is not.
    if (ragged === null && this.carrier !== null) {
      // The carrier writes into `pre`: never into the all-NaN one rows of text share.
      if (pre === this.noPre) pre = this.carriedPre.fill(NaN);
      if (!this.carrier.carry(fields, pre, row)) return;
    }
    this.nRead++;
    if (ragged !== null) return this.skip(row, ragged);
    const r = this.record;
    r.fields = fields;
    r.pre = pre;
    r.row = row;
    // Each reader in turn, in this order: the first issue skips the row.
    const di = this.date.read(r);
    if (typeof di !== 'number') return this.skip(row, di);
    const si = this.sku.read(r);
    if (typeof si !== 'number') return this.skip(row, si);
    const quantity = this.quantity.read(r);
    if (typeof quantity !== 'number') return this.skip(row, quantity);
    if (this.plan.salesNegative === true) this.countSign(quantity, row);
    const amount = this.amount.read(r, quantity, si);
    if (typeof amount !== 'number') return this.skip(row, amount);
    const age = this.age.read(r);
    const gender = this.gender.read(r);
    const cell = this.store.add(si, di, amount, quantity, gender);
    if (age !== null) this.store.addAge(cell, age);
    if (this.features !== null) this.addFeatures(r, cell);
    this.nUsed++;
  }

  /** A cell's text as a number, as the readers read one (see TableBuilder.numberOf); NaN when none. */
  readNumber(text: string, col: number, row: number): number {
    const v = this.numbers.read(text, col, row);
    return typeof v === 'number' ? v : NaN;
  }

  private countSign(quantity: number, row: number): void {
    if (quantity > 0) {
      if (this.nSales++ === 0) this.firstSale = row;
    } else if (quantity < 0) this.nReturns++;
  }

  private addFeatures(r: RecordCells, cell: number): void {
    const discount = this.plan.discount >= 0 ? this.discount.read(r) : null;
    this.features?.add(cell, this.promo.read(r), discount);
  }

  /** The cells' promotion and discount (see FeatureView); null when the file has neither. */
  featureCells(): FeatureView | null {
    return this.features?.view() ?? null;
  }

  private skip(row: number, issue: RowIssue): void {
    this.issues.rowError(row, issue);
  }

  /** Null (the row is read) when the extra fields are all empty (a trailing delimiter). */
  private raggedIssue(fields: string[]): RowIssue | null {
    const n = fields.length;
    const expected = this.fieldCount;
    if (n > expected && fields.slice(expected).every((f) => f.trim() === '')) return null;
    const hint =
      n > expected
        ? `; a value probably contains an unquoted ${this.delimiterName}`
        : '; the row is cut short';
    return {
      code: 'ragged-row',
      col: -1,
      detail: `has ${n} field${n === 1 ? '' : 's'} but the header has ${expected}${hint}; expected ${expected} fields separated by ${this.delimiterName}`,
    };
  }

  /** The warning of a file that writes sales as negative quantities (plan.salesNegative). */
  private salesNegativeNote(): ConventionNote {
    const column = this.plan.headers[this.plan.quantity] ?? '';
    const sales = this.nSales;
    const back = this.nReturns;
    const returns =
      back === 0
        ? ''
        : `; the ${back === 1 ? 'one row' : `${back} rows`} with a positive quantity ${back === 1 ? 'was' : 'were'} read as ${back === 1 ? 'a return' : 'returns'}`;
    return {
      code: SALES_NEGATIVE,
      column,
      firstRow: this.firstSale,
      message: `Column "${column}" writes sales as negative numbers (${sales} of ${sales + back} rows with a quantity, as an item ledger records goods going out): each was read as a sale, its quantity with the other sign${returns}`,
    };
  }

  /** File-wide warnings for the report: one per column and number convention, one for the total rows left out, one for the returns. */
  conventionNotes(): ConventionNote[] {
    const returns =
      this.plan.salesNegative === true && this.nSales > 0
        ? this.salesNegativeNote()
        : this.issues.returnsNote();
    const grouped = [this.issues.totalRowsNote(), returns];
    const footer = this.footer.note();
    return [
      ...this.reportRows.notes(),
      ...(footer !== null ? [footer] : []),
      ...(this.carrier?.notes() ?? []),
      ...this.numbers.conventionNotes(),
      ...grouped.filter((n) => n !== null),
    ];
  }
}

/** The columns `plan` reads (preReadKinds' non-Skip ones). */
function readColumns(plan: ColumnPlan): number[] {
  const read: number[] = [];
  preReadKinds(plan).forEach((k, col) => {
    if (k !== 0) read.push(col);
  });
  return read;
}
