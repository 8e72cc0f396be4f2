// The spreadsheet reader: an .xlsx/.xlsm workbook (a zip of XML parts) in,
// rows out to the same table builder the CSV reader feeds. Loaded lazily
// (workbook.ts imports it on demand), with fflate for inflating.
//
// Memory: the workbook's bytes are held (bounded by MAX_WORKBOOK_BYTES) and its
// shared strings are kept as one array; the sheet itself is inflated and
// parsed as a stream, a row at a time, never held whole.
//
// Cells: numbers go to the builder as numbers (no text round trip), cells
// with a date format and Excel serial numbers in the date column as calendar
// dates, formulas by their cached value, shared and inline strings as text.
// The header row is the first of the first rows that names a date column (and
// an amount or quantity), so title rows above it are skipped.
import type { IssueLog } from '../issues';
import type { PreReadSink } from '../table-builder';
import type { SheetChoice, WorkbookPeek } from '../workbook-types';
import { chooseSheet, openBook, type SheetRef } from './book';
import { HEADER_SEARCH_ROWS } from '../header-row';
import { headerIndex, headerTexts, SheetFeeder } from './feeder';
import { cellText, isBlank, readSheet, type Cell } from './sheet';
import { WorkbookError } from './workbook-error';

function emptySheet(sheet: SheetRef): WorkbookError {
  return new WorkbookError(
    'empty-file',
    `Sheet "${sheet.name}" of the workbook is empty; expected a header row and rows of sales`,
  );
}

/**
 * Reads one sheet of an .xlsx/.xlsm workbook into `sink`. Problems are file
 * errors in `log`; with several sheets, a note names them and the one read.
 */
export function readXlsx(
  bytes: Uint8Array,
  sink: PreReadSink,
  log: IssueLog,
  choice: SheetChoice | undefined,
  requested: string[] = [],
): { sheets: string[]; sheet: string | null } {
  let sheets: string[] = [];
  try {
    const book = openBook(bytes);
    sheets = book.sheets.map((s) => s.name);
    const sheet = chooseSheet(book, choice);
    if (sheets.length > 1 && (choice === undefined || choice === '')) {
      log.note({
        severity: 'warning',
        code: 'several-sheets',
        message: `The workbook has ${sheets.length} sheets (${sheets.map((s) => `"${s}"`).join(', ')}); read "${sheet.name}"; another can be chosen by name or number (skucast --sheet NAME)`,
      });
    }
    const feeder = new SheetFeeder(sink, book.date1904, requested);
    readSheet(book, sheet, (row, cells) => feeder.row(row, cells));
    feeder.end();
    if (!feeder.sawRows) throw emptySheet(sheet);
    return { sheets, sheet: sheet.name };
  } catch (e) {
    if (!(e instanceof WorkbookError)) throw e;
    log.fileError(e.code, e.message);
    return { sheets, sheet: null };
  }
}

/** The header row and first `rows` data rows of a sheet, as text, for the mapping form. */
export function peekXlsx(
  bytes: Uint8Array,
  choice: SheetChoice | undefined,
  rows: number,
): WorkbookPeek | { problem: string } {
  try {
    const book = openBook(bytes);
    const sheet = chooseSheet(book, choice);
    const found: Cell[][] = [];
    let header = -1;
    readSheet(book, sheet, (_row, cells) => {
      if (isBlank(cells)) return true;
      found.push(cells);
      if (header === -1 && found.length >= HEADER_SEARCH_ROWS) header = headerIndex(found);
      return header === -1 || found.length < header + 1 + rows;
    });
    if (found.length === 0) throw emptySheet(sheet);
    if (header === -1) header = headerIndex(found);
    const headers = headerTexts(found, header);
    while (headers.length > 0 && (headers[headers.length - 1] as string).trim() === '')
      headers.pop();
    const preview = found
      .slice(header + 1, header + 1 + rows)
      .map((r) => headers.map((_, i) => cellText(r[i])));
    return { sheets: book.sheets.map((s) => s.name), sheet: sheet.name, headers, preview };
  } catch (e) {
    if (!(e instanceof WorkbookError)) throw e;
    return { problem: e.message };
  }
}
