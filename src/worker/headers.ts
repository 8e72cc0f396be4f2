// The header line of a file, read from its first bytes, so the page can offer
// a column mapping before the whole file is parsed, and can refuse at once a
// file that is not delimited text at all.

import Papa from 'papaparse';
import { detectColumns, normalizeHeader } from '../core/ingest/columns';
import { detectDelimiter } from '../core/ingest/csv-sniff';
import type { HeaderPeek } from './protocol';

/** The seed's export (CONTRACT.md §1.1): known exactly, so it needs no confirmation. */
const REFERENCE_HEADERS = [
  'Transaction ID',
  'Date',
  'Customer ID',
  'Gender',
  'Age',
  'Product Category',
  'Quantity',
  'Price per Unit',
  'Total Amount',
].map(normalizeHeader);

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export function readHeaderLine(head: Uint8Array): HeaderPeek {
  const none = (problem: string): HeaderPeek => ({
    headers: [],
    detected: {},
    unmatched: [],
    reference: false,
    problem,
  });
  if (startsWith(head, ZIP) || startsWith(head, OLE)) {
    return none(
      'this looks like an Excel workbook, not a CSV file; save it as CSV (comma, semicolon or tab separated) and try again',
    );
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    return none(
      'this file is UTF-16 text (as Excel\'s "Unicode text"); save it as a UTF-8 CSV file and try again',
    );
  }
  let text: string;
  try {
    // `stream: true`: the head may end inside a multi-byte character, which is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return none('this file is not UTF-8 text; save it as a UTF-8 CSV file and try again');
  }
  if (text.includes('\u0000')) {
    return none('this file is binary (or UTF-16 text), not a UTF-8 CSV file');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return none('the file is empty: there is nothing to forecast');
  const parsed = Papa.parse<string[]>(text, { delimiter: detectDelimiter(text), preview: 1 });
  const headers = (parsed.data[0] ?? []).map((h) => h.trim()).filter((h) => h !== '');
  if (headers.length < 2) {
    return none(
      'row 1 should be a header naming the columns (at least a date and an amount), separated by commas, semicolons or tabs',
    );
  }
  const { mapping, unmatched } = detectColumns(headers);
  const normalized = new Set(headers.map(normalizeHeader));
  const reference = REFERENCE_HEADERS.every((h) => normalized.has(h));
  return { headers, detected: mapping, unmatched, reference };
}
