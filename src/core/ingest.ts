// Public entry of ingestion: CSV bytes/text in, weekly table out
// (CONTRACT.md §1, §2, §5). Streaming, in three parts, so rows are never held
// in memory:
// - Utf8Decoder (ingest/utf8-decoder.ts): bytes to text; a workbook, UTF-16
//   or binary file is refused here (ingest/format-sniff.ts);
// - CsvReader (ingest/csv-reader.ts): text to records, papaparse's syntax;
// - TableBuilder (ingest/table-builder.ts): records to the weekly table and
//   its report, each record aggregated at once (ingest/accumulator.ts).
//
// Nothing here throws: every problem becomes an IngestIssue in the report.
// File-wide notes (conventions, date order, file errors) come first in
// report.issues, then row issues in file order. Decisions on bad input (§5):
// - `1,200` (one comma group, no other separator) could be 1200 or 1.2: the row
//   is skipped ('thousands-separator', the message gives both readings).
//   Unambiguous separators (`1,234.50`, `1.234,50`, `1,234,567`, `1 234`) and
//   decimal commas (`12,5`) are read, with one warning per column.
// - Negative quantity is a return: kept, its amount counted negative (a
//   positive amount on that row is negated), one warning per row.
// - Empty amount: quantity × price when both are there (warning), else the row
//   is skipped ('missing-amount'). No amount column: amount = quantity × price.
// - Empty quantity: counted as 0 (warning), unless the amount needs it.
// - Bad age: the age is ignored, the row kept (warning).
// - Ragged rows are skipped, except extra fields that are all empty (a
//   trailing delimiter). Duplicate header names: the first one is used (warning).
// - Day-first/month-first: one choice per file (CONTRACT.md §1.3); dates only
//   readable the other way are skipped with one issue per distinct value.
import { errorText } from './error-text';
import type { ColumnMapping, WeeklyTable } from './types';
import { CsvReader } from './ingest/csv-reader';
import type { FormatProblem } from './ingest/format-sniff';
import { IssueLog } from './ingest/issues';
import { TableBuilder } from './ingest/table-builder';
import { Utf8Decoder } from './ingest/utf8-decoder';

export { detectColumns } from './ingest/columns';

export interface IngestOptions {
  /** Explicit role → header mapping; overrides auto-detection role by role. */
  mapping?: ColumnMapping;
  /** Issues kept in the report (counts stay exact). Default 200. */
  maxIssues?: number;
  /**
   * Read simple lines with the built-in scanner (default true). False sends
   * every record through papaparse: slower, the same table; tests compare the two.
   */
  fastScan?: boolean;
}

/** A CSV file pushed in chunks (bytes or text), then finish() for the table. */
export class Ingestor {
  private readonly log: IssueLog;
  private readonly decoder = new Utf8Decoder();
  private readonly builder: TableBuilder;
  private readonly reader: CsvReader;
  private finished: WeeklyTable | null = null;

  constructor(opts: IngestOptions = {}) {
    this.log = new IssueLog(opts.maxIssues ?? 200);
    this.builder = new TableBuilder(this.log, opts.mapping ?? {});
    this.reader = new CsvReader(this.builder, this.log, opts.fastScan ?? true);
  }

  /** Bytes pushed so far (UTF-16 code units for string chunks). */
  get bytesRead(): number {
    return this.decoder.bytesRead;
  }

  /**
   * Reading stops at the first file error: the rest of the file cannot change
   * the verdict, so a caller streaming a file stops reading it too (an endless
   * /dev/zero or FIFO ends here).
   */
  get stopped(): boolean {
    return this.log.hasFileError;
  }

  push(chunk: Uint8Array | string): void {
    if (this.stopped || this.finished) return;
    try {
      const text = this.decoder.push(chunk);
      if (typeof text === 'string') this.reader.push(text);
      else this.refuse(text);
    } catch (e) {
      this.internalError(e);
    }
  }

  finish(): WeeklyTable {
    if (this.finished) return this.finished;
    try {
      this.finished = this.finishUnsafe();
    } catch (e) {
      this.internalError(e);
      this.finished = this.table();
    }
    return this.finished;
  }

  private finishUnsafe(): WeeklyTable {
    if (!this.stopped) {
      const tail = this.decoder.end();
      if (typeof tail === 'string') {
        this.reader.push(tail);
        this.reader.end();
      } else this.refuse(tail);
    }
    return this.table();
  }

  private table(): WeeklyTable {
    const table = this.builder.finish();
    // Sniffed before the header was read: reported even when no header came.
    table.report.delimiter = this.reader.delimiter;
    return table;
  }

  private refuse(problem: FormatProblem): void {
    this.log.fileError(problem.code, problem.message);
  }

  /** The safety net behind "nothing throws": a bug becomes a message, not a crash. */
  private internalError(e: unknown): void {
    this.log.fileError(
      'internal-error',
      `Reading stopped on an unexpected problem (${errorText(e)}); expected to read the whole file: please report this with the file's first lines`,
    );
    this.builder.abandon();
  }
}

export function ingestText(text: string, opts?: IngestOptions): WeeklyTable {
  const ingestor = new Ingestor(opts);
  ingestor.push(text);
  return ingestor.finish();
}
