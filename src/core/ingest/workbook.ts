// Spreadsheet workbooks beside CSV text: told from the first bytes, their bytes
// collected (a zip is read from its end, so a workbook is held whole, up to a
// bound), then read by the sheet reader (xlsx/), which is loaded only
// here, through a dynamic import: the page and the CLI fetch and parse its
// code (and fflate's) only when a workbook comes.
import { HeldBytes } from './held-bytes';
import type { IssueLog } from './issues';
import type { PreReadSink } from './table-builder';
import type { SheetChoice, WorkbookPeek } from './workbook-types';

/** Workbooks larger than this are refused: held whole, with their shared strings, they would not fit. */
export const MAX_WORKBOOK_BYTES = 100 * 1024 ** 2;

/** Bytes of a file's start needed to tell a workbook from text. */
const MAGIC_BYTES = 4;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // xlsx, xlsm, ods, numbers: zip archives
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // xls, and password-protected xlsx: OLE compound files

export type WorkbookKind = 'zip' | 'ole';

/** What the first bytes say: a zip or OLE workbook, text (null), or too few bytes to tell ('?'). */
export function sniffWorkbook(first: Uint8Array): WorkbookKind | null | '?' {
  const n = Math.min(first.length, MAGIC_BYTES);
  const zip = ZIP_MAGIC.slice(0, n).every((b, i) => first[i] === b);
  const ole = OLE_MAGIC.slice(0, n).every((b, i) => first[i] === b);
  if (!zip && !ole) return null;
  if (n < MAGIC_BYTES) return '?';
  return zip ? 'zip' : 'ole';
}

export function tooLargeMessage(bytes: number, max = MAX_WORKBOOK_BYTES): string {
  const mb = (n: number): string => `${Math.round(n / 1024 ** 2)} MB`;
  return `This workbook is ${mb(bytes)}; save it as CSV for files this large (workbooks are read up to ${mb(max)})`;
}

export const XLS_MESSAGE =
  'The file is an Excel 97-2003 workbook (.xls) or a password-protected one, which is not read here; expected an .xlsx workbook or a CSV file: in Excel, Save As "Excel Workbook (.xlsx)" or "CSV UTF-8"';

/** The bytes of a file that starts like a workbook, collected as they are pushed. */
export class WorkbookBytes extends HeldBytes {
  constructor(
    readonly kind: WorkbookKind,
    max = MAX_WORKBOOK_BYTES,
  ) {
    super(max);
  }
}

export interface ReadWorkbookOptions {
  sheet?: SheetChoice;
  /** Column names the user chose: the header row is the one holding them all. */
  requested?: string[];
  max?: number;
}

/**
 * Reads a workbook's sheet into `sink` (begin, rows) and returns the sheet
 * names and the one read; every problem is a file error in `log`.
 */
export async function readWorkbook(
  book: WorkbookBytes,
  sink: PreReadSink,
  log: IssueLog,
  opts: ReadWorkbookOptions = {},
): Promise<{ sheets: string[]; sheet: string | null }> {
  const none = { sheets: [], sheet: null };
  if (book.tooLarge) {
    log.fileError('file-too-large', tooLargeMessage(book.byteLength, opts.max));
    return none;
  }
  if (book.kind === 'ole') {
    log.fileError('binary', XLS_MESSAGE);
    return none;
  }
  const { readXlsx } = await import('./xlsx');
  return readXlsx(book.bytes(), sink, log, opts.sheet, opts.requested);
}

/** The header row and first data rows of a workbook's sheet, or why it cannot be read. */
export async function peekWorkbook(
  bytes: Uint8Array,
  sheet?: SheetChoice,
  rows = 5,
  max = MAX_WORKBOOK_BYTES,
): Promise<WorkbookPeek | { problem: string }> {
  if (bytes.byteLength > max) return { problem: tooLargeMessage(bytes.byteLength, max) };
  const kind = sniffWorkbook(bytes);
  if (kind === 'ole') return { problem: XLS_MESSAGE };
  const { peekXlsx } = await import('./xlsx');
  return peekXlsx(bytes, sheet, rows);
}
