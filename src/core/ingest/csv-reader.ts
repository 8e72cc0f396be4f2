// CSV text in, records out to a sink, streaming: text arrives in chunks and
// only the partial last record is kept between them. The delimiter and line
// break are sniffed from the first lines; the header goes through papaparse,
// data lines through the LineScanner, and lines it leaves alone (quoted line
// breaks, doubled quotes) through papaparse again, so every line is read with
// papaparse's syntax.
import Papa from 'papaparse';
import { detectDelimiter, detectNewline, separatorLine } from './csv-sniff';
import { headerRowOfText } from './header-row';
import { isYearTitle, rowAboveOf, withYearsAbove, yearsJoined } from './year-header';
import type { IssueLog } from './issues';
import { LineScanner } from './line-scanner';
import type { PreReadSink } from './table-builder';

/** Text is sniffed for delimiter and line break once this much has arrived (or at the end). */
const SNIFF_CHARS = 64 * 1024;
/** …or once this many lines have arrived, whichever comes first. */
const SNIFF_LINES = 20;
/** Text handed to papaparse at a time (quoted files). */
const PIECE_CHARS = 256 * 1024;
/** Text read without a complete header line: more means this is not a CSV file. */
export const MAX_HEADER_CHARS = 1024 * 1024;
/** Longest record accepted: longer means a quote that never closes. */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

interface PapaResult {
  data: string[][];
  errors: { type: string; code: string; message: string; row?: number }[];
  meta: { cursor: number };
}

/** papaparse's incremental parser (not in its typings): parses a piece, says where it stopped. */
interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaResult;
}

/** Index just after the line break ending the record at `from` (quotes respected), or -1. */
function recordEnd(text: string, from: number, newline: string): number {
  let inQuotes = false;
  const nl = newline.charCodeAt(0);
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === nl && !inQuotes && text.startsWith(newline, i)) return i + newline.length;
  }
  return -1;
}

function hasLines(text: string, n: number): boolean {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return false;
  }
  return true;
}

export class CsvReader {
  /** Text not yet parsed: the sniffing buffer, then the partial last record. */
  private pending = '';
  private parser: PapaParser | null = null;
  private delim = ',';
  private newline: '\r\n' | '\n' | '\r' = '\n';
  /** Set once the sink took the header (and only with `fastScan`). */
  private scanner: LineScanner | null = null;
  /** Pending length to reach before parsing again after a record did not end. */
  private retryAt = 0;
  private headerSeen = false;
  /** The data rows after the header in the first text, for the sink's guesses (begin). */
  private sample: string[][] = [];
  /** The row above the header, when title rows were skipped: a pivot's years may be in it. */
  private rowAbove: string[] | undefined;
  /** The 1-based row of `rowAbove`. */
  private aboveRow = 0;
  /** Spreadsheet row of the next record (header = 1). */
  private nextRow = 1;
  /** Where the header record starts, once found: after any title rows. */
  private headerAt = -1;
  /** Title rows above the header, not read as data. */
  private titleRows = 0;

  /**
   * `fastScan` false sends every record through papaparse: slower, the same
   * table; tests compare the two. `requested`: the column names of an
   * explicit mapping, which mark the header row below a title.
   */
  constructor(
    private readonly sink: PreReadSink,
    private readonly log: IssueLog,
    private readonly fastScan: boolean,
    private readonly requested: readonly string[] = [],
  ) {}

  /** The sniffed delimiter (',' until there was text to sniff). */
  get delimiter(): string {
    return this.delim;
  }

  /** Reading stops at the first file error, whoever logged it. */
  private get stopped(): boolean {
    return this.log.hasFileError;
  }

  private stop(code: string, message: string): void {
    this.log.fileError(code, message);
    this.pending = '';
  }

  /** More text of the file (decoded, without its byte order mark). */
  push(text: string): void {
    this.pending = this.pending.length === 0 ? text : this.pending + text;
    if (!this.headerSeen && this.pending.length > MAX_HEADER_CHARS) {
      this.flush(false);
      if (!this.headerSeen && !this.stopped) {
        this.stop(
          'no-header',
          `No header line in the first ${MAX_HEADER_CHARS / 1024 ** 2} MB of the file; expected a CSV file whose first line names the columns (such as Date,Product Category,Total Amount)`,
        );
      }
      if (this.stopped) return;
    }
    if (
      this.parser === null &&
      this.pending.length < SNIFF_CHARS &&
      !hasLines(this.pending, SNIFF_LINES)
    ) {
      return;
    }
    // A record that does not end (an unclosed quote) is retried only once the
    // text has doubled, so it costs linear time, and is given up at a bound.
    if (this.pending.length < this.retryAt) {
      if (this.pending.length > MAX_RECORD_CHARS) {
        this.stop(
          'unclosed-quote',
          `Row ${this.nextRow}: a quoted value starts here and is never closed (over ${MAX_RECORD_CHARS / 1024 ** 2} MB without its closing '"'); expected quotes in pairs`,
        );
      }
      return;
    }
    this.flush(false);
    if (this.stopped) return;
    this.retryAt = this.pending.length > PIECE_CHARS ? this.pending.length * 2 : 0;
  }

  /** The end of the text: the last record needs no line break. */
  end(): void {
    this.flush(true);
  }

  /** Parses the complete records of `pending` (all of it when `final`). */
  private flush(final: boolean): void {
    if (this.parser === null) {
      if (this.pending.trim() === '') return;
      const sample = this.pending.slice(0, SNIFF_CHARS);
      this.delim = detectDelimiter(sample);
      this.newline = detectNewline(sample);
      this.parser = new (Papa as unknown as { Parser: new (config: object) => PapaParser }).Parser({
        delimiter: this.delim,
        newline: this.newline,
      });
    }
    const parser = this.parser;
    const input = this.pending;
    const len = input.length;
    let pos = 0;
    if (!this.headerSeen) {
      if (this.headerAt === -1) this.headerAt = this.findHeader(input, final);
      const from = this.headerAt;
      // The header alone (papaparse splits it), so data rows all take the same path.
      const at = recordEnd(input, from, this.newline);
      if (at === -1 && !final) return;
      const headerText =
        at === -1 ? input.slice(from) : input.slice(from, at - this.newline.length);
      if (at !== -1) this.sample = this.sampleRows(input.slice(at, at + SNIFF_CHARS), final);
      this.handleRecords(parser.parse(headerText, 0, false), false);
      pos = at === -1 ? len : at;
    }
    while (pos < len && !this.stopped) {
      const scanner = this.scanner;
      if (scanner !== null) {
        // Most lines: scanned directly.
        const next = scanner.scan(input, pos, final, this.nextRow);
        this.nextRow = scanner.nextRow;
        if (next > pos || scanner.stop === 'end') {
          pos = next;
          if (scanner.stop === 'end') break;
          continue;
        }
      }
      // The header, and lines with quoting the scanner leaves alone
      // (quoted line breaks, doubled quotes): papaparse, on small pieces.
      let size = this.fastScan ? 4096 : PIECE_CHARS;
      let progressed: boolean;
      for (;;) {
        const end = Math.min(len, pos + size);
        const last = end === len;
        const result = parser.parse(input.slice(pos, end), 0, !(final && last));
        if (result.data.length === 0 && !last) {
          size *= 2;
          continue;
        }
        this.handleRecords(result, final && last);
        const next = final && last ? len : pos + result.meta.cursor;
        progressed = next > pos;
        pos = next;
        break;
      }
      if (!progressed) break;
    }
    this.pending = final ? '' : input.substring(pos);
  }

  /**
   * Offset of the header record: 0, or past the title rows of a report export
   * (rows above the first that names the columns; header-row.ts), said in a note.
   */
  private findHeader(input: string, final: boolean): number {
    const text = input.slice(0, SNIFF_CHARS);
    const whole = final && text.length === input.length;
    const k = headerRowOfText(text, this.delim, whole, this.requested, this.newline);
    let at = 0;
    for (let i = 0; i < k && at !== -1; i++) at = recordEnd(input, at, this.newline);
    if (k === 0 || at === -1) return 0;
    this.titleRows = k;
    const rows = Papa.parse<string[]>(text, {
      delimiter: this.delim,
      newline: this.newline,
      preview: k + 1,
    }).data;
    const above = rowAboveOf(rows, k);
    this.rowAbove = rows[above];
    this.aboveRow = above + 1;
    // A pivot's years in the row above the header are told of apart (yearsJoined);
    // a title that names the year stays a title.
    const joined = withYearsAbove(this.rowAbove, rows[k] ?? []) !== rows[k];
    const t = joined && !isYearTitle(this.rowAbove) ? above : k;
    // Excel's separator line (`sep=;`) is no title: nothing in it is left unread.
    const separatorOnly = t === 1 && separatorLine(text) !== null;
    if (t > 0 && !separatorOnly) {
      this.log.note({
        severity: 'warning',
        code: 'title-rows',
        message: `${t === 1 ? 'Row 1 is' : `Rows 1–${t} are`} above the header (a title or notes, not sales) and ${t === 1 ? 'was' : 'were'} not read; the column names are in row ${k + 1}`,
      });
    }
    return at;
  }

  /** The records of `text` (the first data lines), less a last one the text may cut. */
  private sampleRows(text: string, final: boolean): string[][] {
    const rows = Papa.parse<string[]>(text, {
      delimiter: this.delim,
      newline: this.newline,
      preview: SNIFF_LINES * 5,
    }).data;
    const whole = final && text.length < SNIFF_CHARS;
    return whole ? rows : rows.slice(0, -1);
  }

  private handleRecords(result: PapaResult, final: boolean): void {
    const data = result.data;
    let i = 0;
    if (!this.headerSeen) {
      if (data.length === 0) return;
      this.headerSeen = true;
      this.nextRow = this.titleRows + 2;
      i = 1;
      const sample = this.sample;
      this.sample = [];
      const rows = { aboveRow: this.aboveRow, headerRow: this.titleRows + 1 };
      const header = yearsJoined(this.rowAbove, data[0] ?? [], rows, this.log);
      if (!this.sink.begin(header, this.delim, sample)) return;
      if (this.fastScan)
        this.scanner = new LineScanner(
          this.delim,
          this.newline,
          this.sink.preReadKinds(),
          this.sink,
        );
    }
    const sink = this.sink;
    let row = this.nextRow;
    for (; i < data.length; i++) sink.addRow(data[i] as string[], row++);
    this.nextRow = row;
    if (final) {
      for (const e of result.errors) {
        if (e.code === 'MissingQuotes') {
          this.log.add({
            severity: 'warning',
            code: 'unclosed-quote',
            message: `A quoted value opened near the end of the file is never closed; expected a closing '"' (the rest of the file was read as one value)`,
          });
        }
      }
    }
  }
}
