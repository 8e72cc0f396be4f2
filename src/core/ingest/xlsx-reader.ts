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
import { Inflate } from 'fflate';
import { detectColumns, findHeader } from './columns';
import { civilFromDays, daysFromCivil, formatDay } from './dates';
import type { IssueLog } from './issues';
import { plainNumber, PreKind } from './scan-cells';
import type { PreReadSink } from './table-builder';
import type { SheetChoice, WorkbookPeek } from './workbook';

/** Rows looked at for the header row before the first non-empty row is taken. */
const HEADER_SEARCH_ROWS = 30;
/** Compressed bytes inflated at a time. */
const SLICE_BYTES = 256 * 1024;
/** Sheet XML held while a row is incomplete: more means a broken part. */
const MAX_PENDING_CHARS = 64 * 1024 ** 2;
/** Unpacked text of the shared strings (held whole), and of each small part: past it, a zip bomb or too large. */
const MAX_STRINGS_CHARS = 200 * 1024 ** 2;
const MAX_PART_CHARS = 32 * 1024 ** 2;

class WorkbookError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- zip

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const utf8 = new TextDecoder('utf-8');

function u16(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8);
}

function u32(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

function u64(b: Uint8Array, i: number): number {
  return u32(b, i) + u32(b, i + 4) * 2 ** 32;
}

const BROKEN_ZIP = new WorkbookError(
  'binary',
  'The file starts like a workbook (a zip archive) but its contents cannot be read (damaged or cut short); expected an .xlsx workbook or a CSV file',
);

/** The central directory of a zip archive (zip64 included). */
function zipEntries(b: Uint8Array): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw BROKEN_ZIP;
  let count = u16(b, eocd + 10);
  let at = u32(b, eocd + 16);
  if ((count === 0xffff || at === 0xffffffff) && eocd >= 20 && u32(b, eocd - 20) === 0x07064b50) {
    const z = u64(b, eocd - 12);
    if (u32(b, z) !== 0x06064b50) throw BROKEN_ZIP;
    count = u64(b, z + 32);
    at = u64(b, z + 48);
  }
  const entries = new Map<string, ZipEntry>();
  for (let k = 0; k < count; k++) {
    if (at + 46 > b.length || u32(b, at) !== 0x02014b50) throw BROKEN_ZIP;
    const nameLen = u16(b, at + 28);
    const extraLen = u16(b, at + 30);
    const commentLen = u16(b, at + 32);
    const name = utf8.decode(b.subarray(at + 46, at + 46 + nameLen));
    let compressedSize = u32(b, at + 20);
    let size = u32(b, at + 24);
    let localOffset = u32(b, at + 42);
    // zip64: the sizes and offset that overflowed 32 bits are in extra field 1, in this order.
    let e = at + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(b, e);
      const len = u16(b, e + 2);
      if (id === 1) {
        let f = e + 4;
        if (size === 0xffffffff) {
          size = u64(b, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(b, f);
          f += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(b, f);
      }
      e += 4 + len;
    }
    entries.set(name, { name, method: u16(b, at + 10), compressedSize, size, localOffset });
    at = extraEnd + commentLen;
  }
  return entries;
}

/** An entry's compressed bytes. */
function entryData(b: Uint8Array, e: ZipEntry): Uint8Array {
  const at = e.localOffset;
  if (at + 30 > b.length || u32(b, at) !== 0x04034b50) throw BROKEN_ZIP;
  const start = at + 30 + u16(b, at + 26) + u16(b, at + 28);
  if (start + e.compressedSize > b.length) throw BROKEN_ZIP;
  return b.subarray(start, start + e.compressedSize);
}

/**
 * Streams an entry's text to `onText`, piece by piece; `onText` returns false
 * to stop early (the rest is not inflated). More than `maxChars` of text is
 * refused (a part held whole must fit in memory).
 */
function streamText(
  b: Uint8Array,
  e: ZipEntry,
  onText: (text: string) => boolean,
  maxChars = Infinity,
): void {
  if (e.method !== 0 && e.method !== 8) {
    throw new WorkbookError(
      'binary',
      `The workbook part ${e.name} is compressed in a way this reader does not know (method ${e.method}); expected a workbook saved by Excel, LibreOffice or Google Sheets`,
    );
  }
  const data = entryData(b, e);
  const decoder = new TextDecoder('utf-8');
  let go = true;
  let chars = 0;
  const take = (chunk: Uint8Array, final: boolean): void => {
    if (!go) return;
    const text = decoder.decode(chunk, { stream: !final });
    chars += text.length;
    if (chars > maxChars) {
      throw new WorkbookError(
        'file-too-large',
        `The workbook's part ${e.name} unpacks to over ${Math.round(maxChars / 1024 ** 2)} MB of text; save the sheet as CSV for workbooks this large`,
      );
    }
    if (text.length > 0 || final) go = onText(text);
  };
  if (e.method === 0) {
    for (let i = 0; i < data.length && go; i += SLICE_BYTES) {
      const end = Math.min(data.length, i + SLICE_BYTES);
      take(data.subarray(i, end), end === data.length);
    }
    if (data.length === 0) take(data, true);
    return;
  }
  const inflate = new Inflate(take);
  try {
    for (let i = 0; i < data.length && go; i += SLICE_BYTES) {
      const end = Math.min(data.length, i + SLICE_BYTES);
      inflate.push(data.subarray(i, end), end === data.length);
    }
  } catch (err) {
    // fflate's errors carry a numeric code; anything else is ours, passed on.
    if (err instanceof WorkbookError || typeof (err as { code?: unknown }).code !== 'number')
      throw err;
    throw BROKEN_ZIP;
  }
}

function entryText(b: Uint8Array, e: ZipEntry): string {
  const parts: string[] = [];
  streamText(
    b,
    e,
    (t) => {
      parts.push(t);
      return true;
    },
    MAX_PART_CHARS,
  );
  return parts.join('');
}

// ---------------------------------------------------------------- XML bits

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** Excel's escape for characters XML cannot hold: `_x000D_`. */
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

function unescapeXml(s: string): string {
  let t = s;
  if (t.indexOf('&') !== -1) {
    t = t.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name?: string) =>
      hex !== undefined
        ? String.fromCodePoint(parseInt(hex, 16))
        : dec !== undefined
          ? String.fromCodePoint(Number(dec))
          : (NAMED[name as string] ?? ''),
    );
  }
  if (t.indexOf('_x') !== -1) {
    t = t.replace(OOXML_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return t;
}

const ATTR = /([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function attrs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text); m !== null; m = ATTR.exec(text)) {
    const name = m[1] as string;
    const value = unescapeXml(m[2] ?? m[3] ?? '');
    out.set(name, value);
    // Unprefixed too: `r:id` is also found as `id`.
    const colon = name.indexOf(':');
    if (colon !== -1 && !out.has(name.slice(colon + 1))) out.set(name.slice(colon + 1), value);
  }
  return out;
}

/** The text of every `<t>` in `xml` (rich-text runs), phonetic runs left out. */
const T_ELEMENT = /<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g;
const PHONETIC = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;

function runsText(xml: string): string {
  const s = xml.indexOf('rPh') !== -1 ? xml.replace(PHONETIC, '') : xml;
  let out = '';
  T_ELEMENT.lastIndex = 0;
  for (let m = T_ELEMENT.exec(s); m !== null; m = T_ELEMENT.exec(s)) out += m[1] as string;
  return unescapeXml(out);
}

// ---------------------------------------------------------------- workbook parts

interface SheetRef {
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

function relsOf(b: Uint8Array, zip: Map<string, ZipEntry>, path: string): Map<string, string> {
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
function dateStyles(xml: string): boolean[] {
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

function sharedStrings(b: Uint8Array, e: ZipEntry | undefined): string[] {
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

interface Book {
  bytes: Uint8Array;
  path: string;
  zip: Map<string, ZipEntry>;
  sheets: SheetRef[];
  date1904: boolean;
}

function openBook(bytes: Uint8Array): Book {
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
function chooseSheet(book: Book, choice: SheetChoice | undefined): SheetRef {
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

// ---------------------------------------------------------------- cells and rows

/**
 * One cell: `num` for numbers (NaN otherwise), `day` for dates (NaN
 * otherwise), `text` for text cells ('' for numbers and dates: see cellText).
 */
interface Cell {
  num: number;
  day: number;
  text: string;
}

const EMPTY: Cell = { num: NaN, day: NaN, text: '' };

/** Day number of an Excel serial (the 1900 system keeps Lotus's fictitious 1900-02-29). */
function serialDay(serial: number, date1904: boolean): number {
  const whole = Math.floor(serial);
  if (date1904) return whole + daysFromCivil(1904, 1, 1);
  return whole - (whole < 61 ? 25568 : 25569);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Digits of xml[a, b) as a whole number; -1 when empty or not digits. */
function digitsAt(xml: string, a: number, b: number): number {
  if (a >= b) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = xml.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Cell types (the `t` attribute), by a code: its one letter, or these for the longer names. */
const T_STR = 1;
const T_INLINE = 2;

/**
 * The sheet XML, a row at a time, by indexOf over the text (no regular
 * expressions or substrings on the hot path: a million-row sheet is a few
 * hundred MB of XML).
 */
class SheetParser {
  private lastRow = 0;
  /** Namespace prefix of the sheet's elements (`x:` in some generated files), once seen. */
  private prefix: string | null = null;
  private rowOpen = '<row';
  private rowClose = '</row>';
  private cellOpen = '<c';
  private cellClose = '</c>';
  private valueOpen = '<v';
  // Attributes of the tag being read (see attrs): r's letters, s, t.
  private refCol = -1;
  private style = -1;
  private type = 0;
  private rowNum = -1;

  constructor(
    private readonly strings: string[],
    private readonly dates: boolean[],
    private readonly date1904: boolean,
    /** Called per row with its 1-based number and cells (sparse); false stops the parse. */
    private readonly onRow: (row: number, cells: Cell[]) => boolean,
  ) {}

  /** Parses every complete row of `xml`; returns how much of it was consumed (false: stop). */
  parse(xml: string): { used: number; go: boolean } {
    if (this.prefix === null) {
      const m = /<(\w+:)?sheetData[\s>/]/.exec(xml);
      if (m === null) return { used: 0, go: true };
      const p = m[1] ?? '';
      this.prefix = p;
      this.rowOpen = `<${p}row`;
      this.rowClose = `</${p}row>`;
      this.cellOpen = `<${p}c`;
      this.cellClose = `</${p}c>`;
      this.valueOpen = `<${p}v`;
    }
    let used = 0;
    let at = 0;
    for (;;) {
      const open = xml.indexOf(this.rowOpen, at);
      if (open === -1) break;
      const after = xml.charCodeAt(open + this.rowOpen.length);
      if (after !== after) break; // the tag's name may go on in the next piece
      at = open + this.rowOpen.length;
      if (!(isSpace(after) || after === 62 || after === 47)) continue; // <rowBreaks>
      const gt = xml.indexOf('>', at);
      if (gt === -1) break;
      this.attrs(xml, at, gt);
      const selfClosing = xml.charCodeAt(gt - 1) === 47;
      let close = gt + 1;
      if (!selfClosing) {
        close = xml.indexOf(this.rowClose, gt + 1);
        if (close === -1) break;
      }
      const row = this.rowNum > 0 ? this.rowNum : this.lastRow + 1;
      this.lastRow = row;
      const cells = selfClosing ? [] : this.cells(xml, gt + 1, close);
      at = selfClosing ? close : close + this.rowClose.length;
      used = at;
      if (!this.onRow(row, cells)) return { used, go: false };
    }
    return { used, go: true };
  }

  /** Reads the attributes r, s and t of a start tag's text xml[a, b). */
  private attrs(xml: string, a: number, b: number): void {
    this.refCol = -1;
    this.style = -1;
    this.type = 0;
    this.rowNum = -1;
    let i = a;
    while (i < b) {
      const c = xml.charCodeAt(i);
      if (isSpace(c) || c === 47) {
        i++;
        continue;
      }
      const nameStart = i;
      while (i < b && xml.charCodeAt(i) !== 61) i++;
      let nameEnd = i;
      while (nameEnd > nameStart && isSpace(xml.charCodeAt(nameEnd - 1))) nameEnd--;
      i++;
      while (i < b && isSpace(xml.charCodeAt(i))) i++;
      const quote = xml.charCodeAt(i);
      const vStart = i + 1;
      const vEnd = xml.indexOf(quote === 39 ? "'" : '"', vStart);
      if (vEnd === -1 || vEnd > b) return;
      i = vEnd + 1;
      if (nameEnd - nameStart !== 1) continue;
      const name = xml.charCodeAt(nameStart);
      if (name === 114) {
        // r: `B5` in a cell, `5` in a row.
        let col = 0;
        let k = vStart;
        for (; k < vEnd; k++) {
          const l = xml.charCodeAt(k) | 0x20;
          if (l < 97 || l > 122) break;
          col = col * 26 + (l - 96);
        }
        this.refCol = k === vStart ? -1 : col - 1;
        if (k === vStart) this.rowNum = digitsAt(xml, vStart, vEnd);
      } else if (name === 115) {
        this.style = digitsAt(xml, vStart, vEnd);
      } else if (name === 116) {
        const len = vEnd - vStart;
        this.type =
          len === 1 ? xml.charCodeAt(vStart) : len === 3 ? T_STR : len === 9 ? T_INLINE : 0;
      }
    }
  }

  private cells(xml: string, from: number, to: number): Cell[] {
    const out: Cell[] = [];
    const open = this.cellOpen;
    let col = -1;
    let at = from;
    for (;;) {
      const start = xml.indexOf(open, at);
      if (start === -1 || start >= to) break;
      at = start + open.length;
      const after = xml.charCodeAt(at);
      if (!(isSpace(after) || after === 62 || after === 47)) continue; // <cols>, <customFormat…
      const gt = xml.indexOf('>', at);
      this.attrs(xml, at, gt);
      col = this.refCol >= 0 ? this.refCol : col + 1;
      if (xml.charCodeAt(gt - 1) === 47) {
        at = gt + 1;
        continue;
      }
      const close = xml.indexOf(this.cellClose, gt + 1);
      if (close === -1 || close > to) break;
      at = close + this.cellClose.length;
      const cell = this.cell(xml, gt + 1, close);
      if (cell !== EMPTY) out[col] = cell;
    }
    return out;
  }

  /** The cell whose content is xml[a, b), of the type and style just read. */
  private cell(xml: string, a: number, b: number): Cell {
    const type = this.type;
    if (type === T_INLINE) {
      const text = runsText(xml.substring(a, b));
      return text === '' ? EMPTY : { num: NaN, day: NaN, text };
    }
    // The value: <v>…</v> (its text holds no '<': XML escapes it).
    const v = xml.indexOf(this.valueOpen, a);
    if (v === -1 || v >= b) return EMPTY;
    const vs = xml.indexOf('>', v) + 1;
    if (xml.charCodeAt(vs - 2) === 47) return EMPTY; // <v/>
    const ve = xml.indexOf('<', vs);
    if (ve === -1 || ve > b) return EMPTY;
    switch (type) {
      case 115: {
        // s: a shared string.
        const text = this.strings[digitsAt(xml, vs, ve)] ?? '';
        return text === '' ? EMPTY : { num: NaN, day: NaN, text };
      }
      case 98: // b
        return { num: NaN, day: NaN, text: xml.charCodeAt(vs) === 49 ? 'TRUE' : 'FALSE' };
      case T_STR:
      case 101: // e
      case 100: {
        // d: an ISO date as text.
        const text = unescapeXml(xml.substring(vs, ve));
        return text === '' ? EMPTY : { num: NaN, day: NaN, text };
      }
      default: {
        let num = plainNumber(xml, vs, ve);
        if (num !== num) num = ve > vs ? Number(xml.substring(vs, ve)) : NaN;
        if (!Number.isFinite(num)) return EMPTY;
        if (this.style >= 0 && this.dates[this.style] === true) {
          return { num, day: serialDay(num, this.date1904), text: '' };
        }
        return { num, day: NaN, text: '' };
      }
    }
  }
}

/** Streams a sheet's rows to `onRow` (false from it stops the read). */
function readSheet(
  book: Book,
  sheet: SheetRef,
  onRow: (row: number, cells: Cell[]) => boolean,
): void {
  const { bytes, zip } = book;
  const rels = relsOf(bytes, zip, book.path);
  let stylesPath = 'xl/styles.xml';
  let stringsPath = 'xl/sharedStrings.xml';
  for (const target of rels.values()) {
    if (/styles\.xml$/i.test(target)) stylesPath = target;
    if (/sharedStrings\.xml$/i.test(target)) stringsPath = target;
  }
  const styles = zip.get(stylesPath);
  const dates = styles ? dateStyles(entryText(bytes, styles)) : [];
  const strings = sharedStrings(bytes, zip.get(stringsPath));
  const parser = new SheetParser(strings, dates, book.date1904, onRow);
  let pending = '';
  streamText(bytes, zip.get(sheet.path) as ZipEntry, (text) => {
    pending = pending.length === 0 ? text : pending + text;
    const { used, go } = parser.parse(pending);
    pending = pending.slice(used);
    if (pending.length > MAX_PENDING_CHARS) throw BROKEN_ZIP;
    return go;
  });
}

/** A cell as text: strings as they are, dates as YYYY-MM-DD, numbers at their shortest. */
function cellText(c: Cell | undefined): string {
  if (c === undefined) return '';
  if (c.text !== '') return c.text;
  if (c.day === c.day) return formatDay(c.day);
  return c.num === c.num ? String(c.num) : '';
}

function isBlank(cells: Cell[]): boolean {
  for (const c of cells) {
    if (c !== undefined && (c.text.trim() !== '' || c.num === c.num)) return false;
  }
  return true;
}

/**
 * Index of the header row among `rows`: the first naming a date and an amount
 * or quantity (or holding every column of an explicit mapping), else the first
 * naming a date, else 0.
 */
function headerIndex(rows: Cell[][], requested?: string[]): number {
  const texts = rows.map((r) => Array.from(r, cellText));
  if (requested && requested.length > 0) {
    const i = texts.findIndex((h) => requested.every((name) => findHeader(h, name) !== -1));
    if (i !== -1) return i;
  }
  const mappings = texts.map((h) => detectColumns(h).mapping);
  const full = mappings.findIndex((m) => m.date !== undefined && (m.amount ?? m.quantity));
  if (full !== -1) return full;
  const dated = mappings.findIndex((m) => m.date !== undefined);
  return dated === -1 ? 0 : dated;
}

/** Rows to the sink: the header row found first, then each data row as numbers, dates and text. */
class SheetFeeder {
  private held: { row: number; cells: Cell[] }[] = [];
  private kinds: Uint8Array | null = null;
  private fields: string[] = [];
  private pre = new Float64Array(0);
  private width = 0;
  /** False once the sink refused the header: the rest is not read. */
  open = true;

  constructor(
    private readonly sink: PreReadSink,
    private readonly date1904: boolean,
    private readonly requested: string[],
  ) {}

  get begun(): boolean {
    return this.kinds !== null;
  }

  /** True when the header row was found and begun with. */
  get sawRows(): boolean {
    return this.begun || this.held.length > 0;
  }

  row(row: number, cells: Cell[]): boolean {
    if (isBlank(cells)) return true;
    if (this.kinds === null) {
      this.held.push({ row, cells });
      if (this.held.length >= HEADER_SEARCH_ROWS) this.start();
      return this.open;
    }
    this.feed(row, cells);
    return true;
  }

  /** At the end of the sheet: a sheet shorter than the header search still needs its header. */
  end(): void {
    if (this.kinds === null && this.held.length > 0) this.start();
  }

  private start(): void {
    const held = this.held;
    this.held = [];
    const at = headerIndex(
      held.map((h) => h.cells),
      this.requested,
    );
    const header = held[at] as { row: number; cells: Cell[] };
    const headers = Array.from(header.cells, cellText);
    // Trailing columns without a name are not part of the table.
    while (headers.length > 0 && (headers[headers.length - 1] as string).trim() === '')
      headers.pop();
    if (!this.sink.begin(headers, ',')) {
      this.open = false;
      this.kinds = new Uint8Array(0);
      return;
    }
    this.width = headers.length;
    this.kinds = this.sink.preReadKinds();
    this.fields = new Array<string>(this.width).fill('');
    this.pre = new Float64Array(this.width).fill(NaN);
    for (const h of held.slice(at + 1)) this.feed(h.row, h.cells);
  }

  private feed(row: number, cells: Cell[]): void {
    if (!this.open) return;
    const kinds = this.kinds as Uint8Array;
    const fields = this.fields;
    const pre = this.pre;
    for (let col = 0; col < this.width; col++) {
      const c = cells[col] ?? EMPTY;
      const kind = kinds[col] as number;
      pre[col] = NaN;
      fields[col] = '';
      if (kind === PreKind.Skip) continue;
      if (kind === PreKind.Number && c.num === c.num) {
        pre[col] = c.num;
      } else if (kind === PreKind.IsoDate && c.day === c.day) {
        const { year, month, day } = civilFromDays(c.day);
        pre[col] = year * 10000 + month * 100 + day;
      } else if (kind === PreKind.IsoDate && c.num === c.num && c.num >= 10000 && c.num < 100000) {
        // A serial number without a date format, in the date column.
        const { year, month, day } = civilFromDays(serialDay(c.num, this.date1904));
        pre[col] = year * 10000 + month * 100 + day;
      } else {
        fields[col] = cellText(c);
      }
    }
    this.sink.addPreRead(fields, pre, row);
  }
}

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
    const headers = Array.from(found[header] as Cell[], cellText);
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
