// The zip container of a workbook: its central directory (zip64 included),
// and each entry's text, inflated by fflate a slice at a time so a large
// sheet is never held whole.
import { Inflate } from 'fflate';
import { WorkbookError } from './workbook-error';

/** Compressed bytes inflated at a time. */
const SLICE_BYTES = 256 * 1024;
/** Unpacked text of a small part, held whole: past it, a zip bomb or too large. */
const MAX_PART_CHARS = 32 * 1024 ** 2;
/** Text held while an element is incomplete: more means a broken part. */
export const MAX_PENDING_CHARS = 64 * 1024 ** 2;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const utf8 = new TextDecoder('utf-8');

function u16(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8);
}

function u32(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

function u64(b: Uint8Array, i: number): number {
  return u32(b, i) + u32(b, i + 4) * 2 ** 32;
}

export const BROKEN_ZIP = new WorkbookError(
  'binary',
  'The file starts like a workbook (a zip archive) but its contents cannot be read (damaged or cut short); expected an .xlsx workbook or a CSV file',
);

/** The central directory of a zip archive (zip64 included). */
export function zipEntries(b: Uint8Array): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw BROKEN_ZIP;
  let count = u16(b, eocd + 10);
  let at = u32(b, eocd + 16);
  if ((count === 0xffff || at === 0xffffffff) && eocd >= 20 && u32(b, eocd - 20) === 0x07064b50) {
    const z = u64(b, eocd - 12);
    if (u32(b, z) !== 0x06064b50) throw BROKEN_ZIP;
    count = u64(b, z + 32);
    at = u64(b, z + 48);
  }
  const entries = new Map<string, ZipEntry>();
  for (let k = 0; k < count; k++) {
    if (at + 46 > b.length || u32(b, at) !== 0x02014b50) throw BROKEN_ZIP;
    const nameLen = u16(b, at + 28);
    const extraLen = u16(b, at + 30);
    const commentLen = u16(b, at + 32);
    const name = utf8.decode(b.subarray(at + 46, at + 46 + nameLen));
    let compressedSize = u32(b, at + 20);
    let size = u32(b, at + 24);
    let localOffset = u32(b, at + 42);
    // zip64: the sizes and offset that overflowed 32 bits are in extra field 1, in this order.
    let e = at + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(b, e);
      const len = u16(b, e + 2);
      if (id === 1) {
        let f = e + 4;
        if (size === 0xffffffff) {
          size = u64(b, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(b, f);
          f += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(b, f);
      }
      e += 4 + len;
    }
    entries.set(name, { name, method: u16(b, at + 10), compressedSize, size, localOffset });
    at = extraEnd + commentLen;
  }
  return entries;
}

/** An entry's compressed bytes. */
function entryData(b: Uint8Array, e: ZipEntry): Uint8Array {
  const at = e.localOffset;
  if (at + 30 > b.length || u32(b, at) !== 0x04034b50) throw BROKEN_ZIP;
  const start = at + 30 + u16(b, at + 26) + u16(b, at + 28);
  if (start + e.compressedSize > b.length) throw BROKEN_ZIP;
  return b.subarray(start, start + e.compressedSize);
}

/**
 * Streams an entry's text to `onText`, piece by piece; `onText` returns false
 * to stop early (the rest is not inflated). More than `maxChars` of text is
 * refused (a part held whole must fit in memory).
 */
export function streamText(
  b: Uint8Array,
  e: ZipEntry,
  onText: (text: string) => boolean,
  maxChars = Infinity,
): void {
  if (e.method !== 0 && e.method !== 8) {
    throw new WorkbookError(
      'binary',
      `The workbook part ${e.name} is compressed in a way this reader does not know (method ${e.method}); expected a workbook saved by Excel, LibreOffice or Google Sheets`,
    );
  }
  const data = entryData(b, e);
  const decoder = new TextDecoder('utf-8');
  let go = true;
  let chars = 0;
  const take = (chunk: Uint8Array, final: boolean): void => {
    if (!go) return;
    const text = decoder.decode(chunk, { stream: !final });
    chars += text.length;
    if (chars > maxChars) {
      throw new WorkbookError(
        'file-too-large',
        `The workbook's part ${e.name} unpacks to over ${Math.round(maxChars / 1024 ** 2)} MB of text; save the sheet as CSV for workbooks this large`,
      );
    }
    if (text.length > 0 || final) go = onText(text);
  };
  if (e.method === 0) {
    for (let i = 0; i < data.length && go; i += SLICE_BYTES) {
      const end = Math.min(data.length, i + SLICE_BYTES);
      take(data.subarray(i, end), end === data.length);
    }
    if (data.length === 0) take(data, true);
    return;
  }
  const inflate = new Inflate(take);
  try {
    for (let i = 0; i < data.length && go; i += SLICE_BYTES) {
      const end = Math.min(data.length, i + SLICE_BYTES);
      inflate.push(data.subarray(i, end), end === data.length);
    }
  } catch (err) {
    // fflate's errors carry a numeric code; anything else is ours, passed on.
    if (err instanceof WorkbookError || typeof (err as { code?: unknown }).code !== 'number')
      throw err;
    throw BROKEN_ZIP;
  }
}

export function entryText(b: Uint8Array, e: ZipEntry): string {
  const parts: string[] = [];
  streamText(
    b,
    e,
    (t) => {
      parts.push(t);
      return true;
    },
    MAX_PART_CHARS,
  );
  return parts.join('');
}
