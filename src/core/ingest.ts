// Public entry of ingestion: CSV bytes/text in, weekly table out (the data
// contract, ../shared/design/CONTRACT.md §1, §2, §5). A file that starts like a
// workbook (zip or OLE) is collected instead and read by finishAsync() through
// ingest/workbook.ts (the .xlsx sheet reader, loaded on demand, feeds the same
// TableBuilder). CSV is streaming, in three parts, so rows are never held in
// memory:
// - TextFileDecoder (ingest/text-decoder.ts): bytes to text (UTF-8, UTF-16,
//   Windows-1252 with a note); a workbook or binary file is refused here
//   (ingest/format-sniff.ts);
// - CsvReader (ingest/csv-reader.ts): text to records, papaparse's syntax;
// - TableBuilder (ingest/table-builder.ts): records to the weekly table and
//   its report, each record aggregated at once (ingest/accumulator.ts).
//   A wide table (one column per item or per week) reaches it through
//   LayoutSink (ingest/unpivot.ts), which sends it one long row per cell.
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
// - Day-first/month-first: one choice per file (../shared/design/CONTRACT.md §1.3); dates only
//   readable the other way are skipped with one issue per distinct value.
import { errorText } from './error-text';
import type { ColumnMapping, DateFormat, Layout, Measure, WeeklyTable } from './types';
import { CsvReader } from './ingest/csv-reader';
import { WORKBOOK, type FormatProblem } from './ingest/format-sniff';
import { IssueLog } from './ingest/issues';
import { LayoutSink } from './ingest/unpivot';
import { TextFileDecoder } from './ingest/text-decoder';
import { readWorkbook, sniffWorkbook, WorkbookBytes } from './ingest/workbook';
import { HeldBytes } from './ingest/held-bytes';
import {
  bytesSource,
  heldTooLargeMessage,
  MAX_HELD_PARQUET_BYTES,
  readParquet,
  sniffParquet,
  type ByteSource,
  type ParquetReadHooks,
} from './ingest/parquet-file';
import type { SheetChoice } from './ingest/workbook-types';

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
  /**
   * A workbook's sheet to read (name, or 1-based number among its worksheets);
   * by default the first. Workbooks are read by finishAsync() only.
   */
  sheet?: SheetChoice;
  /**
   * How day/month dates (`03/01/24`) are read: DMY, MDY or YMD (a 2-digit
   * year first). By default decided from the values (../shared/design/CONTRACT.md §1.3); the
   * report's dateFormats counts the rows each reading accepts.
   */
  dateFormat?: DateFormat;
  /** Workbooks larger than this are refused with their size (default MAX_WORKBOOK_BYTES, 100 MB). */
  maxWorkbookBytes?: number;
  /**
   * Forecast units or money; by default units when the file has a quantity
   * column (money for the reference schema), else money (report.measure says which).
   */
  measure?: Measure;
  /** Which way round the table is (ingest/layout.ts); detected from the header row when absent. */
  layout?: Layout;
  /**
   * False: only `mapping`'s columns are read, no other role is guessed (a
   * saved profile pins a file's reading, so a column added tomorrow changes
   * nothing). Default true.
   */
  detect?: boolean;
  /**
   * The forecast origin: YYYY-MM-DD (rows after the Sunday of its week are
   * excluded; before the file's first date is a file error), or 'latest'
   * (every row kept). By default rows beyond the file's bulk are excluded
   * (ingest/origin.ts); report.excluded says which.
   */
  asOf?: string;
}

/** A CSV file pushed in chunks (bytes or text), then finish() for the table. */
export class Ingestor {
  private readonly log: IssueLog;
  private readonly decoder = new TextFileDecoder();
  private readonly builder: LayoutSink;
  private readonly reader: CsvReader;
  private finished: WeeklyTable | null = null;
  /** The first bytes, while too few to tell a workbook from text. */
  private head: Uint8Array | null = null;
  private sniffing = true;
  /** Set when the file is a workbook: its bytes, collected for finishAsync(). */
  private book: WorkbookBytes | null = null;
  /** Set when pushed bytes are Parquet (stdin): held for finishAsync(). */
  private parquet: HeldBytes | null = null;
  private readonly opts: IngestOptions;

  constructor(opts: IngestOptions = {}) {
    this.opts = opts;
    this.log = new IssueLog(opts.maxIssues ?? 200);
    this.builder = new LayoutSink(
      this.log,
      opts.mapping ?? {},
      opts.dateFormat,
      opts.layout,
      opts.measure,
      opts.detect ?? true,
      opts.asOf,
    );
    this.reader = new CsvReader(
      this.builder,
      this.log,
      opts.fastScan ?? true,
      requestedNames(opts.mapping),
    );
  }

  /** Bytes pushed so far (UTF-16 code units for string chunks). */
  get bytesRead(): number {
    return (
      this.decoder.bytesRead +
      (this.head?.length ?? 0) +
      (this.book?.byteLength ?? 0) +
      (this.parquet?.byteLength ?? 0)
    );
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
      const data = this.route(chunk);
      if (data === null) return;
      this.read(this.decoder.push(data));
    } catch (e) {
      this.internalError(e);
    }
  }

  /** A workbook's chunks are collected (null); text goes on to the decoder. */
  private route(chunk: Uint8Array | string): Uint8Array | string | null {
    const held = this.book ?? this.parquet;
    if (held !== null) {
      if (typeof chunk !== 'string') held.push(chunk);
      return null;
    }
    if (!this.sniffing || typeof chunk === 'string') {
      this.sniffing = false;
      return chunk;
    }
    const bytes = this.head === null ? chunk : concatBytes(this.head, chunk);
    const kind = sniffWorkbook(bytes);
    const parquet = sniffParquet(bytes);
    if (kind === '?' || parquet === '?') {
      this.head = bytes.slice();
      return null;
    }
    this.sniffing = false;
    this.head = null;
    if (parquet) {
      this.parquet = new HeldBytes(MAX_HELD_PARQUET_BYTES);
      this.parquet.push(bytes);
      return null;
    }
    if (kind === null) return bytes;
    this.book = new WorkbookBytes(kind, this.opts.maxWorkbookBytes);
    this.book.push(bytes);
    return null;
  }

  /**
   * The table of a Parquet file read from `source` (any offset, any order),
   * one row group at a time; nothing may have been pushed.
   */
  async readParquet(source: ByteSource, hooks: ParquetReadHooks = {}): Promise<WeeklyTable> {
    if (this.finished) return this.finished;
    try {
      await readParquet(source, this.builder, this.log, hooks);
    } catch (e) {
      this.internalError(e);
    }
    return this.finishBinary();
  }

  /** The table of a CSV file, of a workbook's sheet (see IngestOptions.sheet) or of pushed Parquet. */
  async finishAsync(): Promise<WeeklyTable> {
    if (this.parquet !== null && !this.finished && !this.stopped) {
      const held = this.parquet;
      if (held.tooLarge) this.log.fileError('file-too-large', heldTooLargeMessage(held.byteLength));
      else return this.readParquet(bytesSource(held.bytes()));
    }
    if (this.finished || this.book === null || this.stopped) return this.finish();
    let read: Awaited<ReturnType<typeof readWorkbook>> = { sheets: [], sheet: null };
    try {
      read = await readWorkbook(this.book, this.builder, this.log, {
        ...(this.opts.sheet !== undefined && { sheet: this.opts.sheet }),
        ...(this.opts.maxWorkbookBytes !== undefined && { max: this.opts.maxWorkbookBytes }),
        requested: requestedNames(this.opts.mapping),
      });
    } catch (e) {
      this.internalError(e);
    }
    const table = this.finishBinary(read.sheets);
    if (read.sheet !== null) table.report.sheet = read.sheet;
    return table;
  }

  /** The table of a file that is not text (a workbook, Parquet): no delimiter. */
  private finishBinary(sheets?: string[]): WeeklyTable {
    if (this.finished) return this.finished;
    const table = this.builder.finish();
    table.report.delimiter = '';
    if (sheets !== undefined) table.report.sheets = sheets;
    this.finished = table;
    return table;
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
    if (this.book !== null) this.refuse(WORKBOOK);
    else if (this.parquet !== null) this.refuse(PARQUET_NEEDS_ASYNC);
    else if (this.opts.sheet !== undefined && this.opts.sheet !== '') {
      this.log.note({
        severity: 'warning',
        code: 'sheet-ignored',
        message: `A sheet ("${this.opts.sheet}") was chosen, but the file is CSV text, not a workbook; the file was read as it is`,
      });
    }
    if (this.head !== null) {
      // Fewer bytes than a workbook's magic: text after all.
      const head = this.head;
      this.head = null;
      this.read(this.decoder.push(head));
    }
    if (!this.stopped) {
      this.read(this.decoder.end());
      if (!this.stopped) this.reader.end();
    }
    return this.table();
  }

  private table(): WeeklyTable {
    const table = this.builder.finish();
    // Sniffed before the header was read: reported even when no header came.
    table.report.delimiter = this.reader.delimiter;
    return table;
  }

  /** Decoded text on to the reader, after the decoder's notes on the encoding. */
  private read(text: string | FormatProblem): void {
    const notes = this.decoder.notes;
    if (notes.length > 0) {
      for (const n of notes) this.log.note({ severity: 'warning', ...n });
      notes.length = 0;
    }
    if (typeof text === 'string') this.reader.push(text);
    else this.refuse(text);
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

/** finish() cannot wait for a Parquet file's row groups: finishAsync() reads it. */
const PARQUET_NEEDS_ASYNC: FormatProblem = {
  code: 'binary',
  message: 'The file is Parquet, which is read by finishAsync(), not finish()',
};

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The column names of an explicit mapping; a sku of several columns (`Store+Item`) as its parts. */
function requestedNames(mapping: ColumnMapping | undefined): string[] {
  return Object.values(mapping ?? {})
    .flatMap((n) => (n.includes('+') ? n.split('+').map((p) => p.trim()) : [n]))
    .filter((n) => n !== '');
}

export function ingestText(text: string, opts?: IngestOptions): WeeklyTable {
  const ingestor = new Ingestor(opts);
  ingestor.push(text);
  return ingestor.finish();
}
