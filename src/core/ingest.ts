// Public entry of ingestion: CSV bytes/text in, weekly table out
// (CONTRACT.md §1, §2, §5). Streaming: bytes are decoded incrementally (fatal
// UTF-8), the header goes through papaparse, data lines through a scanner that
// reads papaparse's syntax for simple lines without building row arrays (lines
// with quoted line breaks or doubled quotes go to papaparse), and every record
// is aggregated at once, so rows are never held in memory.
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
import Papa from 'papaparse';
import type { ColumnMapping, IngestIssue, IngestReport, Role, WeeklyTable } from './types';
import { Accumulator, type ColumnPlan } from './ingest/accumulator';
import { columnLetter, detectColumns, findHeader, normalizeHeader, ROLES } from './ingest/columns';
import { detectDelimiter, detectNewline } from './ingest/csv-sniff';
import { readDate } from './ingest/dates';
import { IssueLog } from './ingest/issues';
import { genderCode, isoDateKey, plainNumber, PreKind } from './ingest/scan-cells';
import { buildWeeklyTable } from './ingest/weekly-table';

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

/** Text is sniffed for delimiter and line break once this much has arrived (or at finish). */
const SNIFF_CHARS = 64 * 1024;
/** …or once this many lines have arrived, whichever comes first. */
const SNIFF_LINES = 20;

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

/** t === input.slice(s, s + t.length), without making the slice. */
function sameText(t: string, input: string, s: number): boolean {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== input.charCodeAt(s + i)) return false;
  return true;
}

function hasLines(text: string, n: number): boolean {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return false;
  }
  return true;
}

/** Text handed to papaparse at a time (quoted files). */
const PIECE_CHARS = 256 * 1024;
/** Distinct values of a text column the scanner remembers before it stops trying. */
const FEW_TEXTS = 16;
/** Longest record accepted: longer means a quote that never closes. */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

interface PapaResult {
  data: string[][];
  errors: { type: string; code: string; message: string; row?: number }[];
  meta: { cursor: number };
}

interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaResult;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * Index of the first byte that cannot be UTF-8 (for the message only; the
 * decoder already said the chunk is bad). Leading continuation bytes are taken
 * as the end of a character begun in the previous chunk.
 */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < b.length && ((b[i] as number) & 0xc0) === 0x80) i++;
  while (i < b.length) {
    const c = b[i] as number;
    const need =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return i + k - 1 < b.length ? i : b.length - 1;
      if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return Math.max(0, b.length - 1);
}

export class Ingestor {
  private readonly log: IssueLog;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly requested: ColumnMapping;
  private readonly fastScan: boolean;
  private bytes = 0;
  private decodedChars = 0;
  private firstChunk = true;
  private stopped = false;
  private finished: WeeklyTable | null = null;
  /** Text not yet parsed: the sniffing buffer, then the partial last record. */
  private pending = '';
  private parser: PapaParser | null = null;
  private delimiter = ',';
  private newline: '\r\n' | '\n' | '\r' = '\n';
  /** Reused record of the fast scanner, and which of its columns are read. */
  private fields: string[] = [];
  private kinds = new Uint8Array(0);
  private pre = new Float64Array(0);
  private seenTexts: (string[] | undefined)[] = [];
  /** Pending length to reach before parsing again after a record did not end. */
  private retryAt = 0;
  private headerSeen = false;
  private mapping: ColumnMapping = {};
  private acc: Accumulator | null = null;
  /** Spreadsheet row of the next record (header = 1). */
  private nextRow = 1;

  constructor(opts: IngestOptions = {}) {
    this.log = new IssueLog(opts.maxIssues ?? 200);
    this.requested = opts.mapping ?? {};
    this.fastScan = opts.fastScan ?? true;
  }

  /** Bytes pushed so far (UTF-16 code units for string chunks). */
  get bytesRead(): number {
    return this.bytes;
  }

  push(chunk: Uint8Array | string): void {
    if (this.stopped || this.finished) return;
    try {
      this.pushChunk(chunk);
    } catch (e) {
      this.internalError(e);
    }
  }

  /** The safety net behind "nothing throws": a bug becomes a message, not a crash. */
  private internalError(e: unknown): void {
    const what = e instanceof Error ? e.message : String(e);
    this.fileError(
      'internal-error',
      `Reading stopped on an unexpected problem (${what}); expected to read the whole file: please report this with the file's first lines`,
    );
    this.acc = null;
  }

  private pushChunk(chunk: Uint8Array | string): void {
    let text: string;
    if (typeof chunk === 'string') {
      this.bytes += chunk.length;
      text = chunk;
    } else {
      this.bytes += chunk.byteLength;
      if (this.firstChunk && (startsWith(chunk, ZIP_MAGIC) || startsWith(chunk, OLE_MAGIC))) {
        this.fileError(
          'binary',
          'The file is a spreadsheet workbook (Excel or similar), not CSV text; expected a CSV file: save it as "CSV UTF-8" first',
        );
        return;
      }
      if (this.firstChunk && (startsWith(chunk, UTF16LE_BOM) || startsWith(chunk, UTF16BE_BOM))) {
        this.fileError(
          'not-utf8',
          'The file is UTF-16 text (as Excel\'s "Unicode Text" saves it); expected a CSV file saved as UTF-8 (in Excel: Save As "CSV UTF-8")',
        );
        return;
      }
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch {
        this.notUtf8(this.bytes - chunk.byteLength + firstInvalidUtf8(chunk) + 1);
        return;
      }
    }
    this.acceptText(text);
  }

  finish(): WeeklyTable {
    if (this.finished) return this.finished;
    try {
      this.finished = this.finishUnsafe();
    } catch (e) {
      this.internalError(e);
      this.finished = this.buildTable();
    }
    return this.finished;
  }

  private finishUnsafe(): WeeklyTable {
    if (!this.stopped) {
      let tail = '';
      try {
        tail = this.decoder.decode();
      } catch {
        this.notUtf8(this.bytes);
      }
      if (!this.stopped) {
        this.acceptText(tail);
        this.flush(true);
      }
    }
    return this.buildTable();
  }

  /** `at`: 1-based file offset of the first bad byte (the last byte when the file ends mid-character). */
  private notUtf8(at: number): void {
    this.fileError(
      'not-utf8',
      `The file is not UTF-8 text (invalid byte at byte ${at}); expected a CSV file saved as UTF-8 (in Excel: Save As "CSV UTF-8")`,
    );
  }

  private fileError(code: string, message: string, column?: string): void {
    this.log.note({ severity: 'error', code, message, ...(column !== undefined && { column }) });
    this.stopped = true;
    this.pending = '';
  }

  private acceptText(text: string): void {
    if (this.firstChunk && text.length > 0) {
      this.firstChunk = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.indexOf('\u0000') !== -1) {
      this.fileError(
        'binary',
        'The file holds binary data (NUL bytes), not text; expected a CSV file of delimited text',
      );
      return;
    }
    this.decodedChars += text.length;
    this.pending = this.pending.length === 0 ? text : this.pending + text;
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
        this.fileError(
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

  /** Parses the complete records of `pending` (all of it when `final`). */
  private flush(final: boolean): void {
    if (this.parser === null) {
      if (this.pending.trim() === '') return;
      const sample = this.pending.slice(0, SNIFF_CHARS);
      this.delimiter = detectDelimiter(sample);
      this.newline = detectNewline(sample);
      this.parser = new (Papa as unknown as { Parser: new (config: object) => PapaParser }).Parser({
        delimiter: this.delimiter,
        newline: this.newline,
      });
    }
    const parser = this.parser;
    const input = this.pending;
    const len = input.length;
    let pos = 0;
    if (!this.headerSeen) {
      // The header alone (papaparse splits it), so data rows all take the same path.
      const at = recordEnd(input, 0, this.newline);
      if (at === -1 && !final) return;
      const headerText = at === -1 ? input : input.slice(0, at - this.newline.length);
      this.handleRecords(parser.parse(headerText, 0, false), false);
      pos = at === -1 ? len : at;
    }
    while (pos < len && !this.stopped) {
      if (this.acc !== null && this.fastScan) {
        // Most lines: scanned directly (what papaparse's fastMode does, minus
        // the per-row arrays and the unused fields).
        const next = this.scanLines(input, pos, final);
        if (next > pos || this.scanStop === 'end') {
          pos = next;
          if (this.scanStop === 'end') break;
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
   * input[s, d) as a string, reusing an earlier identical string of a column
   * with few distinct values (categories, genders, stores): no allocation and
   * the Map lookup that follows finds the string's hash already computed.
   */
  private text(col: number, input: string, s: number, d: number): string {
    const seen = this.seenTexts[col];
    if (seen === undefined) return input.substring(s, d);
    const len = d - s;
    for (let i = 0; i < seen.length; i++) {
      const t = seen[i] as string;
      if (t.length === len && sameText(t, input, s)) return t;
    }
    const t = input.substring(s, d);
    // Columns with many distinct values are not worth searching.
    if (seen.length < FEW_TEXTS) seen.push(t);
    else this.seenTexts[col] = undefined;
    return t;
  }

  /** Why scanLines stopped: at the end of the text, or at a line it leaves to papaparse. */
  private scanStop: 'end' | 'complex' = 'end';

  /**
   * Reads the complete lines of input from `pos` (all of it when `toEnd`) and
   * returns where it stopped. Fields may be quoted simply ("a, b"); a line
   * with a quoted line break, a doubled quote or text after a closing quote
   * stops the scan (scanStop = 'complex') so papaparse can read it.
   */
  private scanLines(input: string, pos: number, toEnd: boolean): number {
    const acc = this.acc as Accumulator;
    const delim = this.delimiter;
    const newline = this.newline;
    const nlLen = newline.length;
    const end = input.length;
    const fields = this.fields;
    const kinds = this.kinds;
    const pre = this.pre;
    const nf = fields.length;
    let row = this.nextRow;
    let p = pos;
    const delimCode = delim.charCodeAt(0);
    let nextQuote = input.indexOf('"', p);
    if (nextQuote === -1) nextQuote = end;
    this.scanStop = 'end';
    lines: while (p < end) {
      let lineEnd = input.indexOf(newline, p);
      if (lineEnd === -1) {
        if (!toEnd) break;
        lineEnd = end;
      }
      const quoted = nextQuote < lineEnd;
      let col = 0;
      let s = p;
      for (;;) {
        let a = s;
        let b: number;
        let d: number;
        if (quoted && s === nextQuote) {
          // A quoted field: ends at the next quote, which must be followed by
          // the delimiter or the end of the line.
          const q = input.indexOf('"', s + 1);
          if (
            q === -1 ||
            q >= lineEnd ||
            (q + 1 !== lineEnd && input.charCodeAt(q + 1) !== delimCode)
          ) {
            this.scanStop = 'complex';
            break lines;
          }
          a = s + 1;
          b = q;
          d = q + 1;
          nextQuote = input.indexOf('"', q + 1);
          if (nextQuote === -1) nextQuote = end;
        } else {
          // Fields are short: a plain loop beats indexOf's call overhead.
          d = s;
          while (d < lineEnd && input.charCodeAt(d) !== delimCode) d++;
          b = d;
          // A quote inside an unquoted field is a plain character (as papaparse reads it).
          while (nextQuote < d) {
            nextQuote = input.indexOf('"', nextQuote + 1);
            if (nextQuote === -1) nextQuote = end;
          }
        }
        const kind = col < nf ? kinds[col] : PreKind.Skip;
        if (kind !== PreKind.Skip) {
          const v =
            kind === PreKind.Number
              ? plainNumber(input, a, b)
              : kind === PreKind.IsoDate
                ? isoDateKey(input, a, b)
                : kind === PreKind.Gender
                  ? genderCode(input, a, b)
                  : NaN;
          pre[col] = v;
          if (v !== v)
            fields[col] =
              kind === PreKind.Text ? this.text(col, input, a, b) : input.substring(a, b);
        }
        col++;
        if (d >= lineEnd) break;
        s = d + 1;
      }
      if (col === nf) acc.addScanned(fields, pre, row);
      else if (!quoted) acc.addRow(input.substring(p, lineEnd).split(delim), row);
      else {
        // A ragged line with quotes: papaparse splits it properly.
        this.scanStop = 'complex';
        break;
      }
      row++;
      p = lineEnd + nlLen;
      if (nextQuote < p) {
        nextQuote = input.indexOf('"', p);
        if (nextQuote === -1) nextQuote = end;
      }
    }
    this.nextRow = row;
    return p > end ? end : p;
  }

  private handleRecords(result: PapaResult, final: boolean): void {
    const data = result.data;
    let i = 0;
    if (!this.headerSeen && data.length > 0) {
      this.headerSeen = true;
      this.nextRow = 2;
      i = 1;
      this.setupColumns(data[0] ?? []);
      if (this.stopped) return;
    }
    const acc = this.acc;
    if (acc === null) return;
    let row = this.nextRow;
    for (; i < data.length; i++) acc.addRow(data[i] as string[], row++);
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

  private setupColumns(rawHeaders: string[]): void {
    const headers = rawHeaders.map((h) => h.trim());
    if (headers.length === 1 && headers[0] === '') {
      this.fileError('no-header', 'Row 1 is empty; expected a header row naming the columns');
      return;
    }
    this.reportDuplicateHeaders(headers);

    const mapping: ColumnMapping = {};
    const claimed = new Set<number>();
    // Explicit choices first; a name that is not in the file is a file error.
    for (const role of ROLES) {
      const name = this.requested[role];
      if (name === undefined || name === '') continue;
      const idx = findHeader(headers, name);
      const header = headers[idx];
      if (header === undefined) {
        this.fileError(
          'unknown-column',
          `Column "${name}" chosen for ${role} is not in the file; expected one of: ${headers.map((h) => `"${h}"`).join(', ')}`,
          name,
        );
        return;
      }
      mapping[role] = header;
      claimed.add(idx);
    }
    const detected = detectColumns(headers.map((h, i) => (claimed.has(i) ? '\u0000' : h))).mapping;
    for (const role of ROLES) {
      if (mapping[role] === undefined && detected[role] !== undefined)
        mapping[role] = detected[role];
    }
    this.mapping = mapping;

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
    };

    const list = headers.map((h) => `"${h}"`).join(', ');
    if (plan.date === -1) {
      if (looksLikeData(headers)) {
        this.fileError(
          'no-header',
          `Row 1 looks like data (${list}), not a header; expected a first row naming the columns, such as Date, Product Category, Total Amount`,
        );
      } else {
        this.fileError(
          'no-date-column',
          `No date column found among ${list}; expected a column named like Date (or choose one: --map date=COLUMN)`,
        );
      }
      return;
    }
    if (plan.amount === -1 && (plan.quantity === -1 || plan.price === -1)) {
      this.fileError(
        'no-amount-column',
        `No amount column found among ${list}; expected a column named like Total Amount, Sales or Revenue, or both a quantity and a unit price column (or choose one: --map amount=COLUMN)`,
      );
      return;
    }
    this.acc = new Accumulator(plan, this.log, this.delimiter);
    this.fields = headers.map(() => '');
    this.pre = new Float64Array(headers.length).fill(NaN);
    this.seenTexts = headers.map(() => []);
    this.kinds = new Uint8Array(headers.length);
    const roles: [number, PreKind][] = [
      [plan.date, PreKind.IsoDate],
      [plan.sku, PreKind.Text],
      [plan.category, PreKind.Text],
      [plan.amount, PreKind.Number],
      [plan.quantity, PreKind.Number],
      [plan.price, PreKind.Number],
      [plan.gender, PreKind.Gender],
      [plan.age, PreKind.Number],
    ];
    for (const [col, kind] of roles) {
      if (col < 0) continue;
      // A column mapped to two roles is read as text for both.
      const had = this.kinds[col] as number;
      this.kinds[col] = had === PreKind.Skip || had === kind ? kind : PreKind.Text;
    }
  }

  private reportDuplicateHeaders(headers: string[]): void {
    const firstAt = new Map<string, number>();
    headers.forEach((h, i) => {
      if (h === '') return;
      const key = normalizeHeader(h);
      const first = firstAt.get(key);
      if (first === undefined) {
        firstAt.set(key, i);
        return;
      }
      this.log.note({
        severity: 'warning',
        code: 'duplicate-header',
        row: 1,
        column: h,
        message: `Row 1: columns ${columnLetter(first)} and ${columnLetter(i)} are both named "${h}"; the first one (${columnLetter(first)}) is used, expected unique column names`,
      });
    });
  }

  private buildTable(): WeeklyTable {
    const log = this.log;
    const acc = this.acc;
    let built: ReturnType<typeof buildWeeklyTable> | null = null;
    if (!log.hasFileError) {
      if (this.decodedChars === 0 || (!this.headerSeen && this.pending.trim() === '')) {
        log.note({
          severity: 'error',
          code: 'empty-file',
          message: 'The file is empty; expected a CSV file with a header row and data rows',
        });
      } else if (acc !== null && acc.rowsRead === 0) {
        log.note({
          severity: 'error',
          code: 'no-data-rows',
          message: 'The file has a header row but no data rows; expected at least one row of sales',
        });
      } else if (acc !== null) {
        built = buildWeeklyTable(acc, log, this.mapping.date ?? '');
        for (const n of acc.conventionNotes()) {
          log.note({
            severity: 'warning',
            code: n.code,
            row: n.firstRow,
            column: n.column,
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
    const issues: IngestIssue[] = log.all();
    const report: IngestReport = {
      rowsRead,
      rowsUsed,
      rowsSkipped: rowsRead - rowsUsed,
      skippedByReason: { ...log.skippedByReason },
      issues,
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
    return { weeks: built?.weeks ?? [], series: built?.series ?? [], report };
  }
}

/** A header row whose cells read as dates or numbers is probably data. */
function looksLikeData(cells: string[]): boolean {
  return cells.some((c) => c !== '' && (readDate(c).kind !== 'bad' || Number.isFinite(Number(c))));
}

export function ingestText(text: string, opts?: IngestOptions): WeeklyTable {
  const ingestor = new Ingestor(opts);
  ingestor.push(text);
  return ingestor.finish();
}
