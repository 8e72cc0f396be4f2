// Is this file text we can read at all? A workbook, UTF-16 text or binary data
// is refused before any parsing, with one message per case. Both the page's
// header peek (src/worker/headers.ts) and full ingestion ask here, so a file
// is refused in the same words wherever it is opened.

/** Why a file is not UTF-8 delimited text; `code` is the report issue's code. */
export interface FormatProblem {
  code: 'binary' | 'not-utf8' | 'empty-file';
  message: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // xlsx, ods: zip archives
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // xls: OLE compound file
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export const WORKBOOK: FormatProblem = {
  code: 'binary',
  message:
    'The file is a spreadsheet workbook (Excel or similar), not CSV text; expected a CSV file: save it as "CSV UTF-8" first',
};

export const UTF16_TEXT: FormatProblem = {
  code: 'not-utf8',
  message:
    'The file is UTF-16 text (as Excel\'s "Unicode Text" saves it); expected a CSV file saved as UTF-8 (in Excel: Save As "CSV UTF-8")',
};

export const BINARY_DATA: FormatProblem = {
  code: 'binary',
  message:
    'The file holds binary data (mostly control characters such as NUL bytes), not text; expected a CSV file of delimited text',
};

export const EMPTY_FILE: FormatProblem = {
  code: 'empty-file',
  message: 'The file is empty; expected a CSV file with a header row and data rows',
};

/** `at`: 1-based file offset of the first bad byte (the last byte when the file ends mid-character). */
export function notUtf8(at: number): FormatProblem {
  return {
    code: 'not-utf8',
    message: `The file is not UTF-8 text (invalid byte at byte ${at}); expected a CSV file saved as UTF-8 (in Excel: Save As "CSV UTF-8")`,
  };
}

/** A workbook or UTF-16 text, told by the file's first bytes; null for anything else. */
export function sniffFirstBytes(first: Uint8Array): FormatProblem | null {
  if (startsWith(first, ZIP_MAGIC) || startsWith(first, OLE_MAGIC)) return WORKBOOK;
  if (startsWith(first, UTF16LE_BOM) || startsWith(first, UTF16BE_BOM)) return UTF16_TEXT;
  return null;
}

/** Characters of text the binary check looks at: the file's first 64 K. */
export const SNIFF_TEXT_CHARS = 64 * 1024;
/** Control characters, as a share of the text looked at, above which it is binary data. */
export const MAX_CONTROL_SHARE = 0.1;
/** The share is taken of at least this many characters: a stray NUL in a tiny file is not "mostly". */
const MIN_SHARE_BASE = 16;

/** Control characters in text[from, to): C0 but tab, LF, CR; DEL. */
export function countControlChars(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) n++;
  }
  return n;
}

/**
 * Binary data, told by the control characters among the first characters
 * sampled so far (at most SNIFF_TEXT_CHARS): more than 10% of them is not a
 * text file. A few stray ones (a NUL in one cell) are left to the rows they
 * are in, which are skipped with an issue; the good rows are read.
 */
export function sniffControlChars(controls: number, sampled: number): FormatProblem | null {
  return controls > MAX_CONTROL_SHARE * Math.max(sampled, MIN_SHARE_BASE) ? BINARY_DATA : null;
}

/** One piece of text as the whole sample (the header peek, tests). */
export function sniffText(text: string): FormatProblem | null {
  const n = Math.min(text.length, SNIFF_TEXT_CHARS);
  return sniffControlChars(countControlChars(text, 0, n), n);
}

/**
 * Index of the first byte that cannot be UTF-8 (for the message only; the
 * decoder already said the chunk is bad). Leading continuation bytes are taken
 * as the end of a character begun in the previous chunk.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < b.length && ((b[i] as number) & 0xc0) === 0x80) i++;
  while (i < b.length) {
    const c = b[i] as number;
    const need =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return i + k - 1 < b.length ? i : b.length - 1;
      if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return Math.max(0, b.length - 1);
}
