// The Parquet reader: a file's footer (schema, row groups) read first, its
// top-level column names handed to the table builder as a CSV header would
// be (so --map, profiles and the mapping guesses work unchanged), then only
// the columns the roles use, one row group at a time, into the same builder.
// Loaded lazily (parquet-file.ts imports it on demand), with hyparquet and
// its decompressors (snappy, gzip, zstd, brotli, lz4).
//
// Memory: the footer and one row group's used columns at a time; the row
// group's decoded values are let go before the next is read.
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type FileMetaData,
  type SchemaTree,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { errorText } from '../../error-text';
import type { IssueLog } from '../issues';
import type { ByteSource, ParquetReadHooks } from '../parquet-file';
import { PreKind } from '../scan-cells';
import type { PreReadSink } from '../table-builder';
import { cellText, DAY_PARSERS, putCell, valueKind, type ValueKind } from './cells';

/** Rows of the first row group read as text before the header is begun with, for guesses that read values. */
const SAMPLE_ROWS = 20;

class ParquetProblem extends Error {}

function unreadable(e: unknown): ParquetProblem {
  return new ParquetProblem(
    `The file starts like Parquet (PAR1) but cannot be read: ${errorText(e)}; expected a whole Parquet file (one cut short while copying, or still being written, cannot be read)`,
  );
}

interface Opened {
  metadata: FileMetaData;
  columns: SchemaTree[];
  kinds: ValueKind[];
}

async function open(source: ByteSource): Promise<Opened> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(source);
  } catch (e) {
    throw unreadable(e);
  }
  const columns = parquetSchema(metadata).children;
  if (columns.length === 0)
    throw new ParquetProblem(
      'The Parquet file has no columns; expected a date column and rows of sales',
    );
  return { metadata, columns, kinds: columns.map((c) => valueKind(c.element)) };
}

/** Rows [start, end) of `names`, column by column (hyparquet hands them over in pieces). */
async function readColumns(
  source: ByteSource,
  metadata: FileMetaData,
  names: string[],
  start: number,
  end: number,
): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>(names.map((n) => [n, new Array<unknown>(end - start)]));
  try {
    await parquetRead({
      file: source,
      metadata,
      columns: names,
      rowStart: start,
      rowEnd: end,
      useOffsetIndex: true,
      compressors,
      parsers: DAY_PARSERS,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const values = out.get(columnName);
        if (values === undefined) return;
        // A piece may hold rows outside [start, end): only those inside are kept.
        const from = Math.max(start, rowStart);
        const to = Math.min(end, rowStart + columnData.length);
        for (let r = from; r < to; r++) values[r - start] = columnData[r - rowStart];
      },
    });
  } catch (e) {
    throw unreadable(e);
  }
  return out;
}

/**
 * Rows read at once within a row group whose columns have page indexes
 * (writers such as pyarrow and hyparquet-writer write them): a group of 1M
 * rows decoded whole would hold several times the memory the CSV reader does.
 */
const SLICE_ROWS = 65_536;

/** True when every column in `names` of row group `g` has an offset index (where each page starts). */
function hasOffsetIndex(metadata: FileMetaData, g: number, names: string[]): boolean {
  const chunks = metadata.row_groups[g]?.columns ?? [];
  return names.every((n) =>
    chunks.some((c) => c.meta_data?.path_in_schema[0] === n && c.offset_index_offset !== undefined),
  );
}

function groupRows(metadata: FileMetaData): number[] {
  return metadata.row_groups.map((g) => Number(g.num_rows));
}

/** The first rows of every column as text. */
async function sampleRows(source: ByteSource, o: Opened, rows: number): Promise<string[][]> {
  const n = Math.min(rows, Number(o.metadata.num_rows));
  if (n <= 0) return [];
  const names = o.columns.map((c) => c.element.name);
  const data = await readColumns(source, o.metadata, names, 0, n);
  return Array.from({ length: n }, (_, r) =>
    names.map((name, c) => cellText(data.get(name)?.[r], o.kinds[c] as ValueKind)),
  );
}

/** See parquet-file.ts readParquet. */
export async function readParquetRows(
  source: ByteSource,
  sink: PreReadSink,
  log: IssueLog,
  hooks: ParquetReadHooks,
): Promise<void> {
  try {
    const o = await open(source);
    const headers = o.columns.map((c) => c.element.name);
    if (!sink.begin(headers, '', await sampleRows(source, o, SAMPLE_ROWS))) return;
    const wants = sink.preReadKinds();
    const used = headers.map((_, c) => c).filter((c) => wants[c] !== PreKind.Skip);
    const fields = new Array<string>(headers.length).fill('');
    const pre = new Float64Array(headers.length).fill(NaN);
    let start = 0;
    let bytesDone = 0;
    const sizes = groupRows(o.metadata);
    const names = used.map((c) => headers[c] as string);
    for (let g = 0; g < sizes.length; g++) {
      if (hooks.stop?.()) return;
      const groupEnd = start + (sizes[g] as number);
      // With page indexes, a slice of the group reads only its pages: memory stays at a slice.
      const step = hasOffsetIndex(o.metadata, g, names) ? SLICE_ROWS : groupEnd - start;
      for (let from = start; from < groupEnd; from += step) {
        const to = Math.min(groupEnd, from + step);
        const data = await readColumns(source, o.metadata, names, from, to);
        const values = names.map((n) => data.get(n) as unknown[]);
        for (let r = 0; r < to - from; r++) {
          for (let u = 0; u < used.length; u++) {
            const c = used[u] as number;
            const v = (values[u] as unknown[])[r];
            putCell(v, o.kinds[c] as ValueKind, wants[c] as PreKind, c, fields, pre);
          }
          // Numbered as the rows of the file's CSV export would be (header = row 1).
          sink.addPreRead(fields, pre, from + r + 2);
        }
      }
      start = groupEnd;
      bytesDone += Number(o.metadata.row_groups[g]?.total_compressed_size ?? 0n);
      hooks.onRowGroup?.(bytesDone);
    }
  } catch (e) {
    if (!(e instanceof ParquetProblem)) throw e;
    log.fileError('unreadable-parquet', e.message);
  }
}

/** See parquet-file.ts peekParquet. */
export async function peekParquetRows(
  source: ByteSource,
  rows: number,
): Promise<{ headers: string[]; preview: string[][] } | { problem: string }> {
  try {
    const o = await open(source);
    return {
      headers: o.columns.map((c) => c.element.name),
      preview: await sampleRows(source, o, rows),
    };
  } catch (e) {
    if (!(e instanceof ParquetProblem)) throw e;
    return { problem: e.message };
  }
}
