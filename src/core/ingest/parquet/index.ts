// The Parquet reader: a file's footer (schema, row groups) read first, its
// top-level column names handed to the table builder as a CSV header would
// be (so --map, profiles and the mapping guesses work unchanged), then only
// the columns the roles use, one row group at a time, into the same builder.
// Loaded lazily (parquet-file.ts imports it on demand), with hyparquet and
// its decompressors (snappy, gzip, zstd, brotli, lz4).
//
// Memory: the footer, and a page of each used column at a time (pages.ts).
import { parquetMetadataAsync, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { errorText } from '../../error-text';
import type { IssueLog } from '../issues';
import type { ByteSource, ParquetReadHooks } from '../parquet-file';
import { PreKind } from '../scan-cells';
import type { PreReadSink } from '../table-builder';
import { cellText, ColumnCells, valueKind, type ValueKind } from './cells';
import { columnPages, isFlat, NestedColumn, valueAt, type Page } from './pages';

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
  root: SchemaTree;
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
  const root = parquetSchema(metadata);
  const columns = root.children;
  if (columns.length === 0)
    throw new ParquetProblem(
      'The Parquet file has no columns; expected a date column and rows of sales',
    );
  return { metadata, root, columns, kinds: columns.map((c) => valueKind(c.element)) };
}

function groupRows(metadata: FileMetaData): number[] {
  return metadata.row_groups.map((g) => Number(g.num_rows));
}

/** The pages of columns `cols` (indexes into o.columns) in row group `g`. */
function groupColumns(
  source: ByteSource,
  o: Opened,
  g: number,
  cols: number[],
  limit = Infinity,
): AsyncGenerator<Page>[] {
  const group = o.metadata.row_groups[g];
  return cols.map((c) => {
    const column = o.columns[c] as SchemaTree;
    const name = column.element.name;
    const chunk = group?.columns.find((k) => k.meta_data?.path_in_schema[0] === name);
    if (chunk === undefined) throw unreadable(`row group ${g + 1} has no column "${name}"`);
    return columnPages(source, chunk, column, o.root, compressors, limit);
  });
}

/**
 * The first rows of every column as text, from the first row group. A column
 * of lists or structs is shown empty: no role reads one (see nextPage).
 */
async function sampleRows(source: ByteSource, o: Opened, rows: number): Promise<string[][]> {
  const n = Math.min(rows, groupRows(o.metadata)[0] ?? 0);
  const out = Array.from({ length: n }, () => o.columns.map(() => ''));
  const flat = o.columns.map((_, c) => c).filter((c) => isFlat(o.root, o.columns[c] as SchemaTree));
  const names = flat.map((c) => (o.columns[c] as SchemaTree).element.name);
  await forEachRow(groupColumns(source, o, 0, flat, n), names, n, (pages, at, r) => {
    for (let u = 0; u < flat.length; u++) {
      const c = flat[u] as number;
      const v = valueAt(pages[u] as Page, (at[u] as number) + r);
      (out[r] as string[])[c] = cellText(v, o.kinds[c] as ValueKind);
    }
  });
  return out;
}

/** A column's next page; a page that cannot be decoded is the file's problem, with its reason. */
async function nextPage(column: AsyncGenerator<Page>): Promise<IteratorResult<Page, void>> {
  try {
    return await column.next();
  } catch (e) {
    if (e instanceof NestedColumn)
      throw new ParquetProblem(
        `The Parquet column "${e.message}" holds lists, maps or structs; expected one plain value (a date, a number, a text) per row in the columns read`,
      );
    throw unreadable(e);
  }
}

/**
 * Walks a row group's columns in step, page by page (their pages need not
 * start at the same rows): `emit(pages, at, r)` for the group's rows, where
 * column u's value of the row is pages[u][at[u] + r]; `r` counts from the
 * group's first row.
 */
async function forEachRow(
  columns: AsyncGenerator<Page>[],
  names: string[],
  rows: number,
  emit: (pages: Page[], at: number[], r: number) => void,
): Promise<void> {
  const pages: Page[] = columns.map(() => ({ dictionary: null, rows: [] }));
  const at = columns.map(() => 0);
  let done = 0;
  try {
    while (done < rows) {
      let n = rows - done;
      for (let u = 0; u < columns.length; u++) {
        if ((at[u] as number) >= (pages[u] as Page).rows.length) {
          const next = await nextPage(columns[u] as AsyncGenerator<Page>);
          if (next.done === true)
            throw unreadable(`column "${names[u]}" ends before its row group's ${rows} rows`);
          pages[u] = next.value;
          at[u] = 0;
        }
        n = Math.min(n, (pages[u] as Page).rows.length - (at[u] as number));
      }
      // Offsets shift so that pages[u][at[u] + r] is row `r` of the group.
      for (let u = 0; u < columns.length; u++) at[u] = (at[u] as number) - done;
      for (let r = done; r < done + n; r++) emit(pages, at, r);
      for (let u = 0; u < columns.length; u++) at[u] = (at[u] as number) + done + n;
      done += n;
    }
  } finally {
    // Pages past the group's rows (a writer's error) are not read.
    await Promise.all(columns.map((c) => c.return(undefined)));
  }
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
    const names = used.map((c) => headers[c] as string);
    const cells = used.map((c) => new ColumnCells(o.kinds[c] as ValueKind, wants[c] as PreKind, c));
    const sizes = groupRows(o.metadata);
    let start = 0;
    let bytesDone = 0;
    for (let g = 0; g < sizes.length; g++) {
      if (hooks.stop?.()) return;
      const columns = groupColumns(source, o, g, used);
      await forEachRow(columns, names, sizes[g] as number, (pages, at, r) => {
        for (let u = 0; u < used.length; u++)
          (cells[u] as ColumnCells).put(pages[u] as Page, (at[u] as number) + r, fields, pre);
        // Numbered as the rows of the file's CSV export would be (header = row 1).
        sink.addPreRead(fields, pre, start + r + 2);
      });
      start += sizes[g] as number;
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
