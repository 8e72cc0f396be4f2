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
import { chooseSheet, openBook, type Book, type SheetRef } from './book';
import { HEADER_SEARCH_ROWS, salesHeaderRow } from '../header-row';
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
 * The sheet `choice` names; with none, the first visible sheet whose first
 * rows hold a header of sales (a date column, or weeks across), so a cover
 * sheet or a pivot of totals before the data is passed over; the first
 * visible sheet when none does (its file error then says why).
 */
function sheetOf(book: Book, choice: SheetChoice | undefined, requested?: string[]): SheetRef {
  if (choice !== undefined && choice !== '') return chooseSheet(book, choice);
  const visible = book.sheets.filter((s) => !s.hidden);
  if (visible.length > 1) {
    const found = visible.find((s) => holdsSales(book, s, requested));
    if (found !== undefined) return found;
  }
  return chooseSheet(book, choice);
}

/** Whether a sheet's first rows hold a header of sales (salesHeaderRow). */
function holdsSales(book: Book, sheet: SheetRef, requested?: string[]): boolean {
  const texts: string[][] = [];
  readSheet(book, sheet, (_row, cells) => {
    if (!isBlank(cells)) texts.push(Array.from(cells, cellText));
    return texts.length < HEADER_SEARCH_ROWS;
  });
  return salesHeaderRow(texts, requested) !== -1;
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
    const sheet = sheetOf(book, choice, requested);
    if (sheets.length > 1 && (choice === undefined || choice === '')) {
      const passed = sheet !== chooseSheet(book, choice);
      log.note({
        severity: 'warning',
        code: 'several-sheets',
        message: `The workbook has ${sheets.length} sheets (${sheets.map((s) => `"${s}"`).join(', ')}); read "${sheet.name}"${passed ? ', the first whose columns name a date (or weeks)' : ''}; another can be chosen by name or number (skucast --sheet NAME)`,
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
    const sheet = sheetOf(book, choice);
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
