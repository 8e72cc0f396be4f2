// The two page encodings sales files are made of, decoded here rather than by
// hyparquet's readPage, for memory: dictionary-encoded pages (repeated values:
// SKUs, stores, dates, prices) to their indices in a typed array the column
// reuses page after page, and plain text pages to their strings only.
// readPage makes a new JS array of the values for every page, and for text a
// byte view per value besides its string; pages of 250,000 rows across the
// columns read grew the heap to several times what the read holds. Other
// pages (plain numbers: typed arrays already; delta encodings) are left to
// readPage.
import type { parquetHeader, readPage } from 'hyparquet/src/column.js';
import { snappyUncompress } from 'hyparquet';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';

type Decoder = Parameters<typeof readPage>[2];
type PageHeader = ReturnType<typeof parquetHeader>;

/** Indices into a dictionary. */
export type Indices = Uint8Array | Uint16Array | Int32Array;

/** The index of a row whose value is null. */
export const NULL_INDEX = -1;

/**
 * One column's buffers, grown to its largest page and reused for the next:
 * a page's bytes and indices are views of them, valid until the column's
 * next page.
 */
export class IndexBuffers {
  private values: Indices = new Uint8Array(0);
  private rows = new Int32Array(0);
  private levels = new Uint8Array(0);
  private page = new Uint8Array(0);
  private file = new Uint8Array(0);

  /**
   * Room for `n` indices of non-null values of `width` bits, in the narrowest
   * array that holds them (most dictionaries have fewer than 256 entries).
   */
  valuesOf(n: number, width: number): Indices {
    const Kind = width <= 8 ? Uint8Array : width <= 16 ? Uint16Array : Int32Array;
    if (this.values.length < n || !(this.values instanceof Kind)) this.values = new Kind(n);
    return this.values.subarray(0, n);
  }

  /** Room for `n` rows' indices, nulls included. */
  rowsOf(n: number): Int32Array {
    if (this.rows.length < n) this.rows = new Int32Array(n);
    return this.rows.subarray(0, n);
  }

  /** Room for `n` bytes read from the file (a page, or a chunk). */
  fileOf(n: number): Uint8Array {
    if (this.file.length < n) this.file = new Uint8Array(n);
    return this.file.subarray(0, n);
  }

  /** Room for a page of `n` bytes, decompressed. */
  pageOf(n: number): Uint8Array {
    if (this.page.length < n) this.page = new Uint8Array(n);
    return this.page.subarray(0, n);
  }

  /** Room for `n` rows' definition levels. */
  levelsOf(n: number): Uint8Array {
    if (this.levels.length < n) this.levels = new Uint8Array(n);
    return this.levels.subarray(0, n);
  }
}

/** A data page's values, decompressed, with which of its rows are null. */
interface Body {
  encoding: string;
  view: DataView;
  /** Where the values start in `view`. */
  at: number;
  /** Non-null values. */
  count: number;
  /** Per row, 1 when it holds a value; null when every row does. */
  defined: Uint8Array | null;
  rows: number;
}

/** Rows with a value, by their definition levels. */
function ones(defined: Uint8Array): number {
  let n = 0;
  for (let r = 0; r < defined.length; r++) n += defined[r] as number;
  return n;
}

/**
 * A page's bytes decompressed; snappy (most files' codec) into the column's
 * reused buffer, the other codecs by hyparquet-compressors.
 */
function decompress(
  bytes: Uint8Array,
  size: number,
  { codec, compressors }: Decoder,
  buffers: IndexBuffers,
): Uint8Array {
  if (codec !== 'SNAPPY') return decompressPage(bytes, size, codec, compressors);
  const out = buffers.pageOf(size);
  snappyUncompress(bytes, out);
  return out;
}

/**
 * The values part of a data page (`bytes`: the page after its header), its
 * first `limit` rows, or null for a page of another kind. `optional`: the column may hold nulls
 * (definition levels of one bit; repeated columns are not read here).
 */
function openBody(
  bytes: Uint8Array,
  header: PageHeader,
  decoder: Decoder,
  optional: boolean,
  limit: number,
  buffers: IndexBuffers,
): Body | null {
  const v1 = header.data_page_header;
  if (header.type === 'DATA_PAGE' && v1 !== undefined) {
    const page = decompress(bytes, header.uncompressed_page_size, decoder, buffers);
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const rows = Math.min(v1.num_values, limit);
    if (!optional) return { encoding: v1.encoding, view, at: 0, count: rows, defined: null, rows };
    const reader = { view, offset: 0 };
    const defined = buffers.levelsOf(rows);
    // Version 1 pages give the levels' byte length first (read by the decoder).
    readRleBitPackedHybrid(reader, 1, defined);
    return { encoding: v1.encoding, view, at: reader.offset, count: ones(defined), defined, rows };
  }
  const v2 = header.data_page_header_v2;
  if (header.type === 'DATA_PAGE_V2' && v2 !== undefined) {
    const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
    const rows = Math.min(v2.num_values, limit);
    let defined: Uint8Array | null = null;
    if (optional && v2.num_nulls > 0) {
      defined = buffers.levelsOf(rows);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const reader = { view, offset: v2.repetition_levels_byte_length };
      readRleBitPackedHybrid(reader, 1, defined, v2.definition_levels_byte_length);
    }
    const body = bytes.subarray(levels);
    const page =
      v2.is_compressed === false
        ? body
        : decompress(body, header.uncompressed_page_size - levels, decoder, buffers);
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const count = defined === null ? rows : ones(defined);
    return { encoding: v2.encoding, view, at: 0, count, defined, rows };
  }
  return null;
}

/** Indices into the dictionary, one per row, NULL_INDEX for a null. */
function dictionaryIndices(body: Body, buffers: IndexBuffers): Indices {
  const { view, count, defined } = body;
  const reader = { view, offset: body.at };
  const width = view.getUint8(reader.offset++);
  const values = buffers.valuesOf(count, width);
  // A width of 0 is a dictionary of one value: every index is 0.
  if (width > 0)
    readRleBitPackedHybrid(reader, width, values as Int32Array, view.byteLength - reader.offset);
  else values.fill(0);
  if (defined === null) return values;
  const out = buffers.rowsOf(defined.length);
  for (let r = 0, k = 0; r < out.length; r++)
    out[r] = defined[r] === 1 ? (values[k++] as number) : NULL_INDEX;
  return out;
}

const utf8 = new TextDecoder();

/** The rows' strings (undefined for a null) of a plain BYTE_ARRAY page. */
function plainTexts(body: Body): (string | undefined)[] {
  const { view, defined } = body;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const n = body.rows;
  const out = new Array<string | undefined>(n);
  let at = body.at;
  for (let r = 0; r < n; r++) {
    if (defined !== null && defined[r] === 0) continue;
    const length = view.getUint32(at, true);
    out[r] = utf8.decode(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** A page decoded here: see pages.ts Page. */
export type DecodedPage =
  { kind: 'indices'; rows: Indices } | { kind: 'texts'; rows: (string | undefined)[] };

/**
 * The page's rows when it is dictionary-encoded or plain text (of a column
 * of strings, `texts`), else null (for readPage). `limit`: the rows wanted
 * from the page, when fewer than it holds (the sample's first rows).
 */
export function decodeDataPage(
  bytes: Uint8Array,
  header: PageHeader,
  decoder: Decoder,
  opts: { optional: boolean; texts: boolean; limit: number; buffers: IndexBuffers },
): DecodedPage | null {
  const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding;
  const dictionary = encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY';
  const text = opts.texts && decoder.type === 'BYTE_ARRAY' && encoding === 'PLAIN';
  if (!dictionary && !text) return null;
  const body = openBody(bytes, header, decoder, opts.optional, opts.limit, opts.buffers);
  if (body === null) return null;
  return dictionary
    ? { kind: 'indices', rows: dictionaryIndices(body, opts.buffers) }
    : { kind: 'texts', rows: plainTexts(body) };
}
