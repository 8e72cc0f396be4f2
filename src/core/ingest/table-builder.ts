// Rows in, weekly table and report out, whatever the rows were read from: a
// row reader calls begin(headers), addRow for each record, then finish(). The
// CSV reader is one such reader; a spreadsheet reader can feed the same builder.
import type { ColumnMapping, DateFormat, IngestReport, Measure, WeeklyTable } from '../types';
import { Accumulator } from './accumulator';
import { planColumns } from './column-plan';
import { EMPTY_FILE } from './format-sniff';
import type { IssueLog } from './issues';
import { preReadKinds } from './scan-cells';
import { buildWeeklyTable } from './weekly-table';

/** What a row reader feeds. */
export interface RowSink {
  /**
   * The header row, cells as read. False when no table can be made from
   * these columns (the reason is a file error in the log): send no rows.
   * `sample`: the first data rows, when the reader has them, for guesses
   * that read values (a date column no header names); they are sent again.
   */
  begin(headers: string[], delimiter?: string, sample?: readonly (readonly string[])[]): boolean;
  /** One record; `rowNumber` is its 1-based spreadsheet row (header = 1). */
  addRow(cells: string[], rowNumber: number): void;
  finish(): WeeklyTable;
}

/**
 * A sink for readers that can read some cells straight from their text (the
 * CSV scanner): it says which columns and how, and takes rows half read.
 */
export interface PreReadSink extends RowSink {
  /** PreKind per column; valid after begin() returned true. */
  preReadKinds(): Uint8Array;
  /** A record where `pre[col]`, when a number, stands for `cells[col]` (see PreKind). */
  addPreRead(cells: string[], pre: Float64Array, rowNumber: number): void;
}

export class TableBuilder implements PreReadSink {
  private acc: Accumulator | null = null;
  private begun = false;
  private delimiter = ',';
  private mapping: ColumnMapping = {};
  private header: string[] | null = null;

  /**
   * `requested`: explicit role → header choices; auto-detection does the rest.
   * `dateFormat`: how day/month dates are read; by default decided from the values.
   * `measure`: units or money; by default decided from the columns (defaultMeasure).
   * `detect`: false reads only the requested columns (IngestOptions.detect).
   * `asOf`: the forecast origin, YYYY-MM-DD or 'latest'; by default the file's bulk's end (origin.ts).
   */
  constructor(
    private readonly log: IssueLog,
    private readonly requested: ColumnMapping,
    private readonly dateFormat?: DateFormat,
    private readonly measure?: Measure,
    private readonly detect = true,
    private readonly asOf?: string,
  ) {}

  /** `delimiter`: the source's, named in the report and in ragged-row messages. */
  begin(headers: string[], delimiter = ',', sample: readonly (readonly string[])[] = []): boolean {
    this.begun = true;
    this.delimiter = delimiter;
    this.header = headers.map((h) => h.trim());
    const request = {
      mapping: this.requested,
      sample,
      detect: this.detect,
      ...(this.measure !== undefined && { measure: this.measure }),
    };
    const { plan, mapping } = planColumns(headers, request, this.log);
    this.mapping = mapping;
    if (plan === null) return false;
    this.acc = new Accumulator(plan, this.log, delimiter);
    return true;
  }

  preReadKinds(): Uint8Array {
    return preReadKinds((this.acc as Accumulator).plan);
  }

  addRow(cells: string[], rowNumber: number): void {
    this.acc?.addRow(cells, rowNumber);
  }

  addPreRead(cells: string[], pre: Float64Array, rowNumber: number): void {
    (this.acc as Accumulator).addScanned(cells, pre, rowNumber);
  }

  /**
   * The number the text of column `col`'s cell reads as, read (and its
   * conventions noted) as the rows' cells are; NaN when it reads as none,
   * for the row to say why when it is added.
   */
  numberOf(text: string, col: number, row: number): number {
    return this.acc?.readNumber(text, col, row) ?? NaN;
  }

  /**
   * The header names row issues cite, by column: a sink that reshapes rows
   * (unpivot.ts) renames a column before each row it sends, so a message
   * names the file's own column. Empty before begin() succeeded.
   */
  columnNames(): string[] {
    return this.acc?.plan.headers ?? [];
  }

  /** After an internal error: the rows counted so far are not to be trusted, report none. */
  abandon(): void {
    this.acc = null;
  }

  /** The table and its report; file-level notes (empty file, no usable row) are added here. */
  finish(): WeeklyTable {
    const log = this.log;
    const acc = this.acc;
    let built: ReturnType<typeof buildWeeklyTable> | null = null;
    if (!log.hasFileError) {
      if (!this.begun) {
        log.note({ severity: 'error', code: EMPTY_FILE.code, message: EMPTY_FILE.message });
      } else if (acc !== null && acc.rowsRead === 0) {
        log.note({
          severity: 'error',
          code: 'no-data-rows',
          message: 'The file has a header row but no data rows; expected at least one row of sales',
        });
      } else if (acc !== null) {
        built = buildWeeklyTable(acc, log, this.mapping.date ?? '', this.dateFormat, this.asOf);
        for (const n of acc.conventionNotes()) {
          log.note({
            severity: 'warning',
            code: n.code,
            row: n.firstRow,
            ...(n.column !== '' && { column: n.column }),
            message: n.message,
          });
        }
        if (built.series.length === 0 && !log.hasFileError) {
          log.note({
            severity: 'error',
            code: 'no-valid-rows',
            message: `None of the ${acc.rowsRead} data rows could be used (see the issues below); expected at least one row with a date and an amount`,
          });
        }
      }
    }
    const rowsRead = acc?.rowsRead ?? 0;
    const rowsUsed = acc?.rowsUsed ?? 0;
    const excluded = built?.excluded;
    const report: IngestReport = {
      rowsRead,
      rowsUsed,
      rowsSkipped: rowsRead - rowsUsed - (excluded?.rows ?? 0),
      skippedByReason: { ...log.skippedByReason },
      issues: log.all(),
      issueCount: log.count,
      delimiter: this.delimiter,
      mapping: { ...this.mapping },
      dateOrder: built?.dateOrder ?? 'n/a',
      dateOrderAmbiguous: built?.dateOrderAmbiguous ?? false,
      granularity: built?.granularity ?? 'transactional',
      firstDate: built?.firstDate ?? null,
      lastDate: built?.lastDate ?? null,
      hasQuantity: (acc?.plan.quantity ?? -1) >= 0,
      hasAge: (acc?.plan.age ?? -1) >= 0,
      hasGender: (acc?.plan.gender ?? -1) >= 0,
    };
    if (this.header !== null) report.header = this.header;
    if (this.dateFormat) report.dateFormat = this.dateFormat;
    if (excluded) report.excluded = excluded;
    if (this.asOf !== undefined) report.asOf = this.asOf;
    if (built) report.dateFormats = built.dateFormats;
    const parts = acc?.plan.skuParts;
    if (parts !== undefined) report.skuColumns = parts.map((c) => acc?.plan.headers[c] ?? '');
    if (acc !== null) {
      report.measure = acc.plan.measure;
      report.measureReason = acc.plan.measureReason;
      if (acc.plan.promo >= 0) report.hasPromo = true;
      if (acc.plan.discount >= 0) report.hasDiscount = true;
    }
    return { weeks: built?.weeks ?? [], series: built?.series ?? [], report };
  }
}
