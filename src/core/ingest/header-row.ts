// Which of a file's first rows is its header. Report exports (a sheet or a
// CSV saved from one) put a title, a date range or a blank line above the
// column names; those rows are not data and must not be read as the header.
import Papa from 'papaparse';
import { detectColumns, findHeader } from './columns';
import { separatorLine } from './csv-sniff';
import { planLayout } from './layout';
import { headerOfRows } from './year-header';

/** Rows looked at for the header row. */
export const HEADER_SEARCH_ROWS = 30;

/**
 * Index of the header row among the first rows' texts: the first holding every
 * column of an explicit mapping, else the first naming a date and an amount or
 * quantity, else the first naming a date, else the first whose cells after the
 * first few are periods (a wide sheet), else 0.
 */
export function headerRowIndex(texts: readonly string[][], requested?: readonly string[]): number {
  return Math.max(0, salesHeaderRow(texts, requested));
}

/** headerRowIndex's row, or -1 when no row is such a header (a cover sheet, a pivot of totals). */
export function salesHeaderRow(texts: readonly string[][], requested?: readonly string[]): number {
  if (requested && requested.length > 0) {
    const i = texts.findIndex((h) => requested.every((name) => findHeader(h, name) !== -1));
    if (i !== -1) return i;
  }
  const mappings = texts.map((h) => detectColumns(h).mapping);
  const full = mappings.findIndex((m) => m.date !== undefined && (m.amount ?? m.quantity));
  if (full !== -1) return full;
  const dated = mappings.findIndex((m) => m.date !== undefined);
  if (dated !== -1) return dated;
  // A sheet of one row per item and one column per week, below a title (and a pivot's years).
  const wide = texts.findIndex(
    (_, i) => planLayout(headerOfRows(texts, i)).kind === 'wide-periods-across',
  );
  return wide;
}

/**
 * Index of the header row among the first rows of delimited text: the file
 * reader and the page's header peek both ask this, so they skip the same
 * title rows. `whole`: the text is the whole file, so its last row is not a
 * line the text may have cut (a cut row is left out of the search).
 */
export function headerRowOfText(
  text: string,
  delimiter: string,
  whole: boolean,
  requested?: readonly string[],
  newline?: '\r\n' | '\n' | '\r',
): number {
  const rows = Papa.parse<string[]>(text, {
    delimiter,
    preview: HEADER_SEARCH_ROWS,
    ...(newline === undefined ? {} : { newline }),
  }).data;
  const cut = !whole && rows.length < HEADER_SEARCH_ROWS;
  // Excel's separator line (`sep=;`) is never the header, whatever follows it.
  const skip = separatorLine(text) === null ? 0 : 1;
  return skip + headerRowIndex((cut ? rows.slice(0, -1) : rows).slice(skip), requested);
}
