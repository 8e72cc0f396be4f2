// One column chunk of one row group, decoded a page at a time. hyparquet's
// parquetRead keeps every page of a chunk until the chunk is done (a 1M-row
// group of six columns held decoded: about twice the CSV reader's memory),
// and asked for a slice of rows it decodes the whole pages that hold it again
// for every slice. Here each page is decoded once and let go when its rows
// are taken (dictionary and plain text pages by data-page.ts, the others by
// hyparquet's readPage: every encoding and codec it reads), so memory stays
// at a page per column whatever the size of the row groups.
import type { ColumnChunk, Compressors, DecodedArray, SchemaTree } from 'hyparquet';
import { parquetHeader, readPage } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { readOffsetIndex } from 'hyparquet/src/indexes.js';
import { isFlatColumn } from 'hyparquet/src/schema.js';
import type { ByteSource } from '../parquet-file';
import { DAY_PARSERS } from './cells';
import { decodeDataPage, IndexBuffers, NULL_INDEX, type Indices } from './data-page';

/**
 * A page's rows: indices into the chunk's dictionary (NULL_INDEX for a null)
 * when the page is dictionary-encoded (valid until the column's next page is
 * read: the buffer is reused), else the values (nulls as undefined).
 */
export type Page =
  { dictionary: DecodedArray; rows: Indices } | { dictionary: null; rows: DecodedArray };

/** A column whose cells are lists, maps or structs: not one value per row. */
export class NestedColumn extends Error {}

/** True for a column of plain values (not lists, maps or structs): its pages are read here. */
export function isFlat(root: SchemaTree, column: SchemaTree): boolean {
  return isFlatColumn([root, column]);
}

/** Row `i` of a page (undefined for a null). */
export function valueAt(page: Page, i: number): unknown {
  if (page.dictionary === null) return page.rows[i];
  const k = page.rows[i] as number;
  return k === NULL_INDEX ? undefined : page.dictionary[k];
}

/** Where a chunk's pages lie: from its offset index when written, else the chunk read whole. */
async function pageRanges(
  source: ByteSource,
  chunk: ColumnChunk,
): Promise<{ dictionary: [number, number] | null; pages: [number, number][] }> {
  const meta = chunk.meta_data;
  if (meta === undefined) throw new Error('a column chunk has no metadata');
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (chunk.offset_index_offset === undefined || !chunk.offset_index_length)
    return { dictionary: null, pages: [[start, end]] };
  const at = Number(chunk.offset_index_offset);
  const index = await source.slice(at, at + chunk.offset_index_length);
  const locations = readOffsetIndex({ view: new DataView(index), offset: 0 }).page_locations;
  const first = locations[0];
  if (first === undefined) return { dictionary: null, pages: [[start, end]] };
  // The dictionary page, when there is one, lies before the first data page.
  const firstData = Number(first.offset);
  return {
    dictionary: firstData > start ? [start, firstData] : null,
    pages: locations.map((p) => [Number(p.offset), Number(p.offset) + p.compressed_page_size]),
  };
}

/**
 * The bytes of a page (or a chunk): into the column's reused buffer when the
 * source can fill one, so a page's values (views of it, for plain numbers)
 * are valid until the column's next read, as its indices are.
 */
async function readRange(
  source: ByteSource,
  [start, end]: [number, number],
  buffers: IndexBuffers,
): Promise<Uint8Array> {
  if (source.readInto === undefined) return new Uint8Array(await source.slice(start, end));
  const into = buffers.fileOf(end - start);
  // A file cut short gives fewer bytes: hyparquet reports it.
  return into.subarray(0, await source.readInto(start, into));
}

/**
 * The rows of one column chunk, page after page. The bytes are read a page
 * at a time when the file has an offset index (pyarrow with
 * write_page_index, hyparquet-writer), else the compressed chunk whole.
 * `limit`: the rows wanted (the sample's), when fewer than the chunk's.
 */
export async function* columnPages(
  source: ByteSource,
  chunk: ColumnChunk,
  column: SchemaTree,
  root: SchemaTree,
  compressors: Compressors,
  limit = Infinity,
): AsyncGenerator<Page> {
  if (!isFlat(root, column)) throw new NestedColumn(column.element.name);
  const schemaPath = [root, column];
  const meta = chunk.meta_data;
  if (meta === undefined) throw new Error('a column chunk has no metadata');
  const decoder: Parameters<typeof readPage>[2] = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: column.element,
    schemaPath,
    codec: meta.codec,
    parsers: { ...DEFAULT_PARSERS, ...DAY_PARSERS },
    compressors,
    utf8: true,
  };
  const optional = column.element.repetition_type !== 'REQUIRED';
  const { converted_type: converted, logical_type: logical } = column.element;
  // Plain strings, as hyparquet would read them (not decimals, JSON or other bytes).
  const texts =
    meta.type === 'BYTE_ARRAY' &&
    (converted === undefined || converted === 'UTF8') &&
    (logical === undefined || logical.type === 'STRING');
  const buffers = new IndexBuffers();
  let dictionary: DecodedArray | undefined;
  const { dictionary: dictRange, pages } = await pageRanges(source, chunk);
  if (dictRange !== null) {
    const reader = { view: new DataView(await source.slice(...dictRange)), offset: 0 };
    const header = parquetHeader(reader);
    const { data } = readPage(reader, header, decoder, undefined, undefined, 0);
    if (data !== undefined) dictionary = convert(data, decoder);
  }
  for (const range of pages) {
    const bytes = await readRange(source, range, buffers);
    const reader = {
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      offset: 0,
    };
    // A range is one page (offset index) or the whole chunk: its pages in turn.
    while (reader.offset < bytes.byteLength - 1) {
      const header = parquetHeader(reader);
      const body = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      const page = decodeDataPage(body, header, decoder, { optional, texts, limit, buffers });
      if (page !== null) {
        reader.offset += header.compressed_page_size;
        if (page.kind === 'indices' && dictionary === undefined)
          throw new Error('a dictionary-encoded page comes before its dictionary');
        if (page.rows.length === 0) continue;
        yield page.kind === 'indices'
          ? { dictionary: dictionary as DecodedArray, rows: page.rows }
          : { dictionary: null, rows: page.rows };
        continue;
      }
      const { data } = readPage(reader, header, decoder, dictionary, undefined, 0);
      if (header.type === 'DICTIONARY_PAGE') {
        if (data !== undefined) dictionary = convert(data, decoder);
      } else if (data !== undefined && data.length > 0) {
        yield { dictionary: null, rows: data };
      }
    }
  }
}
