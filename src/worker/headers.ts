// The header line of a file, read from its first bytes, so the page can offer
// a column mapping before the whole file is parsed, and can refuse at once a
// file that is not delimited text at all.

import Papa from 'papaparse';
import { detectColumns, isReferenceSchema } from '../core/ingest/columns';
import { nameGroupLabelColumns } from '../core/ingest/fill-down';
import { detectDelimiter } from '../core/ingest/csv-sniff';
import type { IngestOptions } from '../core/ingest';
import { EMPTY_FILE } from '../core/ingest/format-sniff';
import { headerRowOfText } from '../core/ingest/header-row';
import { headerOfRows } from '../core/ingest/year-header';
import {
  columnUses,
  describeLayout,
  isTotalName,
  layoutColumns,
  planLayout,
} from '../core/ingest/layout';
import { TextFileDecoder } from '../core/ingest/text-decoder';
import {
  MAX_WORKBOOK_BYTES,
  peekWorkbook,
  sniffWorkbook,
  tooLargeMessage,
} from '../core/ingest/workbook';
import type { HeaderPeek, RunOptions } from './protocol';
import { headOf } from './gunzip';
import { peekParquet, sniffParquet } from '../core/ingest/parquet-file';
import { blobSource } from './blob-source';

/** Data rows shown under the headers in the mapping form. */
const PREVIEW_ROWS = 5;
/** Data rows the columns are guessed from (an item column empty on some rows), as reading the file does. */
const DETECT_ROWS = 100;

/** What the Ingestor is told of a run's options. */
export function ingestOptions(opts: RunOptions): IngestOptions {
  return {
    ...(opts.mapping && { mapping: opts.mapping }),
    ...(opts.sheet !== undefined && { sheet: opts.sheet }),
    ...(opts.dateFormat !== undefined && { dateFormat: opts.dateFormat }),
    ...(opts.measure !== undefined && { measure: opts.measure }),
    ...(opts.layout !== undefined && { layout: opts.layout }),
    ...(opts.asOf !== undefined && { asOf: opts.asOf }),
  };
}

const none = (problem: string): HeaderPeek => ({
  headers: [],
  detected: {},
  unmatched: [],
  reference: false,
  problem,
});

/**
 * The header peek of a file: its first `peekBytes` for CSV; a workbook is read
 * whole (it is a zip), its sheet's header row found below any title rows; a
 * Parquet file's column names come from its footer.
 */
export async function peekFile(
  file: Blob,
  peekBytes: number,
  sheet?: string | number,
): Promise<HeaderPeek> {
  const head = await headOf(file, peekBytes);
  if (sniffParquet(head) === true) {
    // Parquet: its column names and first rows, from the footer and the first row group.
    const peek = await peekParquet(blobSource(file), PREVIEW_ROWS);
    return 'problem' in peek ? none(peek.problem) : peekOf(peek.headers, peek.preview);
  }
  const kind = sniffWorkbook(head);
  if (kind !== 'zip' && kind !== 'ole') return readHeaderLine(head, file.size <= peekBytes);
  if (file.size > MAX_WORKBOOK_BYTES) return none(tooLargeMessage(file.size));
  const peek = await peekWorkbook(new Uint8Array(await file.arrayBuffer()), sheet, DETECT_ROWS);
  if ('problem' in peek) return none(peek.problem);
  const { headers, rows, labels } = namedColumns(peek.headers, peek.preview);
  const peeked = peekOf(headers, rows, labels);
  return { ...peeked, sheets: peek.sheets, sheet: peek.sheet };
}

/**
 * The columns that have a name, with their cells: a column without one is
 * no column to map, and is left out of the rows too, so each cell stays
 * under its header; a grouped report's unnamed product column is named by
 * its letter first, as reading the file does (nameGroupLabelColumns).
 * `named`: the kept columns' places in the file; `labels`: the names given.
 */
function namedColumns(
  raw: readonly string[],
  rows: readonly (readonly string[])[],
): { headers: string[]; rows: string[][]; named: number[]; labels: string[] } {
  const { headers: header, labels } = nameGroupLabelColumns(raw, rows);
  const named = header.flatMap((h, i) => (h === '' ? [] : [i]));
  return {
    headers: named.map((i) => header[i] as string),
    rows: rows.map((r) => named.map((i) => r[i] ?? '')),
    named,
    labels: labels.map((c) => header[c] as string),
  };
}

/** `whole`: the head is the whole file, so a wide one's items can be counted. */
export function readHeaderLine(head: Uint8Array, whole = false): HeaderPeek {
  // The same checks, in the same words, as reading the whole file: the head
  // may end inside a multi-byte character, which the decoder holds back.
  const text = new TextFileDecoder().pushHead(head);
  if (typeof text !== 'string') return none(text.message);
  if (text.trim() === '') return none(EMPTY_FILE.message);
  const delimiter = detectDelimiter(text);
  // Title rows of a report export above the column names: skipped, as reading the file does.
  const title = headerRowOfText(text, delimiter, whole);
  const parsed = Papa.parse<string[]>(text, { delimiter, preview: title + 1 + DETECT_ROWS });
  // A pivot's years above its week headers are joined to them, as reading the file does.
  const header = headerOfRows(parsed.data, title);
  parsed.data.splice(0, title);
  // The first data rows, for the mapping form's preview (a last line cut by the 64 KB head is left out).
  const cut = parsed.data.length < 1 + DETECT_ROWS && !/\r?\n\s*$/.test(text);
  const first = parsed.data.slice(1, cut ? -1 : undefined);
  const { headers, rows, named, labels } = namedColumns(header, first);
  if (headers.length < 2) {
    return none(
      'row 1 should be a header naming the columns (at least a date and an amount), separated by commas, semicolons or tabs',
    );
  }
  const peek = peekOf(headers, rows, labels);
  if (whole && peek.layout === 'wide-periods-across') {
    // One row per item: the form can say how many (`45 items × 143 weeks`).
    const all = Papa.parse<string[]>(text, { delimiter }).data;
    const plan = planLayout(headers);
    const skuCols = plan.kind === 'wide-periods-across' ? plan.sku : [];
    // A pivot's Grand Total row is left out when the file is read: not counted here either.
    const isItem = (r: string[]): boolean =>
      r.some((c) => c.trim() !== '') && !isTotalName(skuCols.map((c) => r[c] ?? '').join(' '));
    const items = all
      .slice(title + 1)
      .map((r) => named.map((i) => r[i] ?? ''))
      .filter(isItem).length;
    peek.layoutDescription = describeLayout(plan, items);
  }
  return peek;
}

/**
 * Roles recognised in `headers`, and the first non-blank rows for the
 * preview. `labels`: a grouped report's unnamed product columns, the sku
 * when no column is named as one (as planColumns reads the file).
 */
function peekOf(headers: string[], rows: string[][], labels: string[] = []): HeaderPeek {
  const detected = detectColumns(headers, rows);
  const mapping = detected.mapping;
  let unmatched = detected.unmatched;
  const label = labels.find((l) => !Object.values(mapping).includes(l));
  if (mapping.sku === undefined && label !== undefined) {
    mapping.sku = label;
    unmatched = unmatched.filter((u) => u !== label);
  }
  // The seed's export (§1.1 of the data contract) is known exactly: it needs no confirmation.
  const reference = isReferenceSchema(headers);
  const preview = rows.filter((r) => r.some((c) => c.trim() !== '')).slice(0, PREVIEW_ROWS);
  const peek: HeaderPeek = { headers, detected: mapping, unmatched, reference, preview };
  // A wide table says so (no layout means long, as in the report).
  const layout = planLayout(headers);
  if (layout.kind === 'long') return peek;
  const { uses, note } = columnUses(layout, headers.length);
  return {
    ...peek,
    layout: layout.kind,
    layoutDescription: describeLayout(layout),
    layoutColumns: layoutColumns(layout, headers),
    uses,
    usesNote: note,
  };
}
