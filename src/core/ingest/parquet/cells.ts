// Parquet values as the table builder takes cells: typed values handed over
// as numbers and calendar dates where the role wants them (no text round
// trip), as text where it wants text, so a Parquet file reads as its CSV
// twin would.
import type { SchemaElement } from 'hyparquet';
import { civilFromDays, formatDay } from '../dates';
import { PreKind } from '../scan-cells';
import { NULL_INDEX } from './data-page';
import type { Page } from './pages';

/** What a column's values are, once hyparquet has decoded them with DAY_PARSERS. */
export const enum ValueKind {
  /** Day numbers since 1970-01-01: DATE, and TIMESTAMP / INT96 cut to their UTC day. */
  Day = 0,
  /** Numbers, bigints (INT64) or booleans. */
  Number = 1,
  /** Strings, and anything else (written as text). */
  Text = 2,
}

const MS_PER_DAY = 86_400_000;

/**
 * Dates and timestamps decoded straight to day numbers: no Date object per
 * cell. A timestamp's day is its UTC day, as its ISO text's date part would be.
 */
export const DAY_PARSERS = {
  dateFromDays: (days: number): number => days,
  timestampFromMilliseconds: (ms: bigint): number => Math.floor(Number(ms) / MS_PER_DAY),
  timestampFromMicroseconds: (us: bigint): number => Math.floor(Number(us / 1000n) / MS_PER_DAY),
  timestampFromNanoseconds: (ns: bigint): number =>
    Math.floor(Number(ns / 1_000_000n) / MS_PER_DAY),
};

const NUMBER_TYPES = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** A top-level column's kind, from its schema element. */
export function valueKind(e: SchemaElement): ValueKind {
  const converted = e.converted_type;
  const logical = e.logical_type?.type;
  if (
    converted === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    logical === 'DATE' ||
    logical === 'TIMESTAMP' ||
    (e.type === 'INT96' && converted === undefined)
  )
    return ValueKind.Day;
  if (converted === 'DECIMAL') return ValueKind.Number;
  if (e.type !== undefined && NUMBER_TYPES.has(e.type) && e.num_children === undefined)
    return ValueKind.Number;
  return ValueKind.Text;
}

/** A value as text: what a CSV export of the column would hold. */
export function cellText(v: unknown, kind: ValueKind): string {
  if (v === null || v === undefined) return '';
  if (kind === ValueKind.Day && typeof v === 'number') return formatDay(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}

/**
 * Sets `pre[col]` (a number, or a date as y*10000+m*100+d) when the role reads
 * the value that way, else `fields[col]` to its text (see PreKind).
 */
export function putCell(
  v: unknown,
  kind: ValueKind,
  pre: PreKind,
  col: number,
  fields: string[],
  pres: Float64Array,
): void {
  pres[col] = NaN;
  fields[col] = '';
  if (v === null || v === undefined) return;
  if (pre === PreKind.IsoDate && kind === ValueKind.Day && typeof v === 'number') {
    const { year, month, day } = civilFromDays(v);
    pres[col] = year * 10000 + month * 100 + day;
    return;
  }
  if (pre === PreKind.Number && kind === ValueKind.Number) {
    const n = Number(v);
    // NaN and infinities go as text, to be reported as the CSV reader would.
    if (Number.isFinite(n)) {
      pres[col] = n;
      return;
    }
  }
  fields[col] = cellText(v, kind);
}

/**
 * Puts one column's cells of a row, page after page. A dictionary page's
 * values are converted once per dictionary entry (a date to its y*10000+m*100+d
 * once, not once per row): a row then costs two array reads per column.
 */
export class ColumnCells {
  private dictionary: unknown = null;
  private dictPre = new Float64Array(0);
  private dictText: string[] = [];

  constructor(
    private readonly kind: ValueKind,
    private readonly pre: PreKind,
    private readonly col: number,
  ) {}

  /** Row `i` of `page` into `fields` and `pres` at this column. */
  put(page: Page, i: number, fields: string[], pres: Float64Array): void {
    if (page.dictionary === null) {
      putCell(page.rows[i], this.kind, this.pre, this.col, fields, pres);
      return;
    }
    if (page.dictionary !== this.dictionary) this.convert(page.dictionary);
    const k = page.rows[i] as number;
    if (k === NULL_INDEX) {
      pres[this.col] = NaN;
      fields[this.col] = '';
    } else {
      pres[this.col] = this.dictPre[k] as number;
      fields[this.col] = this.dictText[k] as string;
    }
  }

  private convert(dictionary: ArrayLike<unknown>): void {
    const n = dictionary.length;
    const fields = new Array<string>(this.col + 1).fill('');
    const pres = new Float64Array(this.col + 1);
    this.dictPre = new Float64Array(n);
    this.dictText = new Array<string>(n);
    for (let k = 0; k < n; k++) {
      putCell(dictionary[k], this.kind, this.pre, this.col, fields, pres);
      this.dictPre[k] = pres[this.col] as number;
      this.dictText[k] = fields[this.col] as string;
    }
    this.dictionary = dictionary;
  }
}
