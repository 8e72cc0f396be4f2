// The header line of a file, read from its first bytes, so the page can offer
// a column mapping before the whole file is parsed, and can refuse at once a
// file that is not delimited text at all.

import Papa from 'papaparse';
import { detectColumns, normalizeHeader } from '../core/ingest/columns';
import { detectDelimiter } from '../core/ingest/csv-sniff';
import { EMPTY_FILE } from '../core/ingest/format-sniff';
import { Utf8Decoder } from '../core/ingest/utf8-decoder';
import { SEED_HEADERS } from '../core/seed';
import type { HeaderPeek } from './protocol';

/** The seed's export (CONTRACT.md §1.1): known exactly, so it needs no confirmation. */
const REFERENCE_HEADERS = SEED_HEADERS.map(normalizeHeader);
/** Data rows shown under the headers in the mapping form. */
const PREVIEW_ROWS = 5;

export function readHeaderLine(head: Uint8Array): HeaderPeek {
  const none = (problem: string): HeaderPeek => ({
    headers: [],
    detected: {},
    unmatched: [],
    reference: false,
    problem,
  });
  // The same checks, in the same words, as reading the whole file: the head
  // may end inside a multi-byte character, which the decoder holds back.
  const text = new Utf8Decoder().push(head);
  if (typeof text !== 'string') return none(text.message);
  if (text.trim() === '') return none(EMPTY_FILE.message);
  const parsed = Papa.parse<string[]>(text, {
    delimiter: detectDelimiter(text),
    preview: 1 + PREVIEW_ROWS,
  });
  const headers = (parsed.data[0] ?? []).map((h) => h.trim()).filter((h) => h !== '');
  if (headers.length < 2) {
    return none(
      'row 1 should be a header naming the columns (at least a date and an amount), separated by commas, semicolons or tabs',
    );
  }
  const { mapping, unmatched } = detectColumns(headers);
  const normalized = new Set(headers.map(normalizeHeader));
  const reference = REFERENCE_HEADERS.every((h) => normalized.has(h));
  // The first data rows, for the mapping form's preview (a last line cut by the 64 KB head is left out).
  const cut = parsed.data.length < 1 + PREVIEW_ROWS && !/\r?\n\s*$/.test(text);
  const rows = parsed.data.slice(1, cut ? -1 : undefined);
  const preview = rows.filter((r) => r.some((c) => c.trim() !== '')).slice(0, PREVIEW_ROWS);
  return { headers, detected: mapping, unmatched, reference, preview };
}
