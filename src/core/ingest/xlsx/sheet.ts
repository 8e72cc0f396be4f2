// A worksheet's cells, a row at a time: numbers as numbers, cells with a date
// format as calendar days, formulas by their cached value, shared and inline
// strings as text.
import { daysFromCivil, formatDay } from '../dates';
import { plainNumber } from '../scan-cells';
import { relsOf, dateStyles, sharedStrings, type Book, type SheetRef } from './book';
import { runsText, unescapeXml } from './xml';
import { BROKEN_ZIP, entryText, MAX_PENDING_CHARS, streamText, type ZipEntry } from './zip';

/**
 * One cell: `num` for numbers (NaN otherwise), `day` for dates (NaN
 * otherwise), `text` for text cells ('' for numbers and dates: see cellText).
 */
export interface Cell {
  num: number;
  day: number;
  text: string;
}

export const EMPTY: Cell = { num: NaN, day: NaN, text: '' };

/** Day number of an Excel serial (the 1900 system keeps Lotus's fictitious 1900-02-29). */
export function serialDay(serial: number, date1904: boolean): number {
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
/** A workbook's shared strings and date styles, which every sheet's cells refer to. */
function partsOf(book: Book): { strings: string[]; dates: boolean[] } {
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
  return { strings: sharedStrings(bytes, zip.get(stringsPath)), dates };
}

export function readSheet(
  book: Book,
  sheet: SheetRef,
  onRow: (row: number, cells: Cell[]) => boolean,
): void {
  const { bytes, zip } = book;
  const { strings, dates } = (book.parts ??= partsOf(book));
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
export function cellText(c: Cell | undefined): string {
  if (c === undefined) return '';
  if (c.text !== '') return c.text;
  if (c.day === c.day) return formatDay(c.day);
  return c.num === c.num ? String(c.num) : '';
}

export function isBlank(cells: Cell[]): boolean {
  for (const c of cells) {
    if (c !== undefined && (c.text.trim() !== '' || c.num === c.num)) return false;
  }
  return true;
}
