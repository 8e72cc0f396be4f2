// Is this file text we can read at all? A workbook or binary data is refused
// before any parsing, with one message per case. Both the page's header peek
// (src/worker/headers.ts) and full ingestion ask here, so a file is refused in
// the same words wherever it is opened.

/** Why a file is not delimited text; `code` is the report issue's code. */
export interface FormatProblem {
  code: 'binary' | 'not-utf8' | 'empty-file';
  message: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // xlsx, ods: zip archives
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // xls: OLE compound file
function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export const WORKBOOK: FormatProblem = {
  code: 'binary',
  message:
    'The file is a spreadsheet workbook (Excel or similar), not CSV text; expected a CSV file: save it as "CSV UTF-8" first',
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

/**
 * Neither UTF-8 nor text in another encoding: `at` is the 1-based file offset
 * of the first byte that is not UTF-8.
 */
export function notText(at: number): FormatProblem {
  return {
    code: 'not-utf8',
    message: `The file is not text: it is not UTF-8 (invalid byte at byte ${at}), and read as Windows-1252 it is mostly control characters and symbols, as binary data is; expected a CSV file of delimited text (in Excel: Save As "CSV UTF-8")`,
  };
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * Files people pick by mistake (a photo of the shelf, the PDF report, an
 * archive), told by signatures long enough that no CSV starts with them: a
 * file renamed .csv is named for what it is, not refused as "not UTF-8".
 * `also` is a second signature further in (WebP's RIFF container).
 */
const NOT_TEXT: readonly {
  what: string;
  magic: number[];
  also?: { at: number; magic: number[] };
}[] = [
  { what: 'an image (PNG)', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { what: 'an image (JPEG)', magic: [0xff, 0xd8, 0xff] },
  { what: 'an image (GIF)', magic: ascii('GIF87a') },
  { what: 'an image (GIF)', magic: ascii('GIF89a') },
  { what: 'an image (WebP)', magic: ascii('RIFF'), also: { at: 8, magic: ascii('WEBP') } },
  { what: 'an image (TIFF)', magic: [0x49, 0x49, 0x2a, 0x00] },
  { what: 'an image (TIFF)', magic: [0x4d, 0x4d, 0x00, 0x2a] },
  { what: 'a PDF document', magic: ascii('%PDF-') },
  { what: 'an archive (RAR)', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { what: 'an archive (7-Zip)', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
];

/** A file that is something else than text, named by what its first bytes say it is. */
export function lookAlike(what: string): FormatProblem {
  return {
    code: 'binary',
    message: `This looks like ${what}, not CSV text: its first bytes say so, whatever its name ends in; expected the sales export itself, as a CSV file of delimited text or an .xlsx workbook`,
  };
}

/** A workbook or a known non-text format, told by the file's first bytes; null for anything else. */
export function sniffFirstBytes(first: Uint8Array): FormatProblem | null {
  if (startsWith(first, ZIP_MAGIC) || startsWith(first, OLE_MAGIC)) return WORKBOOK;
  for (const f of NOT_TEXT) {
    if (!startsWith(first, f.magic)) continue;
    if (f.also && !startsWith(first.subarray(f.also.at), f.also.magic)) continue;
    return lookAlike(f.what);
  }
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

/**
 * Text read as Windows-1252 has almost no control characters and few
 * non-ASCII ones (umlauts, €); binary data read that way has many of both
 * (random bytes: about 12% C0 controls, half of them above 0x7F). Stricter
 * than sniffControlChars, which a file that is valid UTF-8 passes.
 */
export const MAX_LEGACY_CONTROL_SHARE = 0.02;
export const MAX_LEGACY_FOREIGN_SHARE = 0.3;

/** Control characters in text[from, to), C1 too (bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D in Windows-1252). */
export function countLegacyControlChars(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 127 && c < 160)) n++;
  }
  return n;
}

/** Characters above U+007F in text[from, to). */
export function countNonAscii(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 127) n++;
  return n;
}

/**
 * Binary data rather than text in a legacy encoding, told by the characters
 * sampled since the switch away from UTF-8: `foreign` is how many were read
 * from bytes that are not UTF-8; `at` is where the first such byte was.
 */
export function sniffLegacyText(
  controls: number,
  foreign: number,
  sampled: number,
  at: number,
): FormatProblem | null {
  const base = Math.max(sampled, MIN_SHARE_BASE);
  return controls > MAX_LEGACY_CONTROL_SHARE * base || foreign > MAX_LEGACY_FOREIGN_SHARE * base
    ? notText(at)
    : null;
}

/** One piece of text as the whole sample (the header peek, tests). */
export function sniffText(text: string): FormatProblem | null {
  const n = Math.min(text.length, SNIFF_TEXT_CHARS);
  return sniffControlChars(countControlChars(text, 0, n), n);
}
