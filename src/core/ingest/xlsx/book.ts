// The workbook's parts: its worksheets (by the relationships, as Excel finds
// them), which cell styles show dates, the shared strings, and the sheet the
// caller chose.
import type { SheetChoice } from '../workbook-types';
import { WorkbookError } from './workbook-error';
import { attrs, runsText } from './xml';
import {
  BROKEN_ZIP,
  entryText,
  MAX_PENDING_CHARS,
  streamText,
  zipEntries,
  type ZipEntry,
} from './zip';

/** Unpacked text of the shared strings (held whole): past it, a zip bomb or too large. */
const MAX_STRINGS_CHARS = 200 * 1024 ** 2;

export interface SheetRef {
  name: string;
  path: string;
  hidden: boolean;
}

/** A part path relative to `base` (a folder ending in '/'), as zip entry names are. */
function resolvePath(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = (base + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

export function relsOf(
  b: Uint8Array,
  zip: Map<string, ZipEntry>,
  path: string,
): Map<string, string> {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const rels = zip.get(`${dir}_rels/${path.slice(slash + 1)}.rels`);
  const out = new Map<string, string>();
  if (!rels) return out;
  const xml = entryText(b, rels);
  for (const m of xml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const a = attrs(m[1] as string);
    const id = a.get('Id');
    const target = a.get('Target');
    if (id !== undefined && target !== undefined && a.get('TargetMode') !== 'External') {
      out.set(id, resolvePath(dir, target));
    }
  }
  return out;
}

/** Why a zip that is not an Excel workbook cannot be read, in the user's terms. */
function notXlsx(zip: Map<string, ZipEntry>, b: Uint8Array): WorkbookError {
  const mimetype = zip.get('mimetype');
  const mime = mimetype ? entryText(b, mimetype).trim() : '';
  if (mime.startsWith('application/vnd.oasis.opendocument.spreadsheet')) {
    return new WorkbookError(
      'binary',
      'The file is an OpenDocument spreadsheet (.ods), which is not read here; expected an .xlsx workbook or a CSV file: in LibreOffice, Save As "Excel 2007-365 (.xlsx)" or "Text CSV"',
    );
  }
  const names = [...zip.keys()];
  if (names.some((n) => n.startsWith('Index/') || n === 'Index.zip')) {
    return new WorkbookError(
      'binary',
      'The file is an Apple Numbers document (.numbers), which is not read here; expected an .xlsx workbook or a CSV file: in Numbers, File > Export To > Excel or CSV',
    );
  }
  if (zip.has('xl/workbook.bin')) {
    return new WorkbookError(
      'binary',
      'The file is a binary Excel workbook (.xlsb), which is not read here; expected an .xlsx workbook or a CSV file: in Excel, Save As "Excel Workbook (.xlsx)" or "CSV UTF-8"',
    );
  }
  return new WorkbookError(
    'binary',
    'The file is a zip archive but not an Excel workbook; expected an .xlsx workbook or a CSV file',
  );
}

/** Built-in number formats that show dates (times of day alone are not dates). */
function builtinDateFormat(id: number): boolean {
  return (id >= 14 && id <= 17) || id === 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/** A custom format code that shows a date: y or d, or m without h or s (minutes). */
export function isDateFormat(code: string): boolean {
  const unquoted = code.replace(/"[^"]*"/g, '').replace(/\\./g, '');
  const shown = unquoted.replace(/\[[^\]]*\]/g, '');
  if (/[dy]/i.test(shown)) return true;
  return /m/i.test(shown) && !/[hs]/i.test(unquoted) && !/general/i.test(shown);
}

/** Per cell style index: does it show a date? */
export function dateStyles(xml: string): boolean[] {
  const custom = new Map<number, boolean>();
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b([^>]*)>/g)) {
    const a = attrs(m[1] as string);
    custom.set(Number(a.get('numFmtId')), isDateFormat(a.get('formatCode') ?? ''));
  }
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  const out: boolean[] = [];
  for (const m of xfs.matchAll(/<(?:\w+:)?xf\b([^>]*)>/g)) {
    const id = Number(attrs(m[1] as string).get('numFmtId') ?? 0);
    out.push(custom.get(id) ?? builtinDateFormat(id));
  }
  return out;
}

export function sharedStrings(b: Uint8Array, e: ZipEntry | undefined): string[] {
  const out: string[] = [];
  if (!e) return out;
  let pending = '';
  const SI = /<(?:\w+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?si>)/g;
  streamText(
    b,
    e,
    (text) => {
      pending += text;
      SI.lastIndex = 0;
      let end = 0;
      for (let m = SI.exec(pending); m !== null; m = SI.exec(pending)) {
        out.push(m[1] === undefined ? '' : runsText(m[1]));
        end = SI.lastIndex;
      }
      pending = pending.slice(end);
      if (pending.length > MAX_PENDING_CHARS) throw BROKEN_ZIP;
      return true;
    },
    MAX_STRINGS_CHARS,
  );
  return out;
}

export interface Book {
  bytes: Uint8Array;
  path: string;
  zip: Map<string, ZipEntry>;
  sheets: SheetRef[];
  date1904: boolean;
  /** The shared strings and date styles, read once for every sheet read (readSheet). */
  parts?: { strings: string[]; dates: boolean[] };
}

export function openBook(bytes: Uint8Array): Book {
  const zip = zipEntries(bytes);
  const root = relsOf(bytes, zip, '');
  let workbookPath = 'xl/workbook.xml';
  for (const target of root.values()) if (/workbook\.xml$/.test(target)) workbookPath = target;
  const wb = zip.get(workbookPath);
  if (!wb) throw notXlsx(zip, bytes);
  const xml = entryText(bytes, wb);
  const rels = relsOf(bytes, zip, workbookPath);
  const sheets: SheetRef[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?sheet\b([^>]*)>/g)) {
    const a = attrs(m[1] as string);
    const path = rels.get(a.get('id') ?? '');
    // Chart sheets and macro sheets have no table of cells.
    if (path === undefined || !zip.has(path) || !/worksheets\//.test(path)) continue;
    sheets.push({ name: a.get('name') ?? path, path, hidden: (a.get('state') ?? '') !== '' });
  }
  if (sheets.length === 0) {
    throw new WorkbookError(
      'no-header',
      'The workbook has no worksheet (only charts or nothing); expected a sheet with a header row and rows of sales',
    );
  }
  const pr = /<(?:\w+:)?workbookPr\b([^>]*)>/.exec(xml);
  const d1904 = pr ? attrs(pr[1] as string).get('date1904') : undefined;
  return { bytes, path: workbookPath, zip, sheets, date1904: d1904 === '1' || d1904 === 'true' };
}

/** The sheet chosen by name (exact, then any case) or 1-based number; by default the first visible one. */
export function chooseSheet(book: Book, choice: SheetChoice | undefined): SheetRef {
  const sheets = book.sheets;
  if (choice === undefined || choice === '') {
    return sheets.find((s) => !s.hidden) ?? (sheets[0] as SheetRef);
  }
  const text = String(choice).trim();
  const byName =
    sheets.find((s) => s.name === text) ??
    sheets.find((s) => s.name.toLowerCase() === text.toLowerCase());
  if (byName) return byName;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= sheets.length) return sheets[n - 1] as SheetRef;
  }
  throw new WorkbookError(
    'unknown-sheet',
    `Sheet "${text}" is not in the workbook; expected one of: ${sheets.map((s) => `"${s.name}"`).join(', ')} (or a number from 1 to ${sheets.length})`,
  );
}
