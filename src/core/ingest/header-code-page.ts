// Excel saves "CSV" in the computer's own code page: Shift_JIS in Japan,
// GBK in China, EUC-KR in Korea, Windows-1251 where Cyrillic is written.
// Bytes alone cannot tell GBK from EUC-KR, or 1251 from 1252 (every byte
// is a letter in each), but a sales file's header can: the code page whose
// reading of the first lines names the columns (日付, 数量; Дата, Количество)
// is the file's. Asked only once a file is found not to be UTF-8.
import Papa from 'papaparse';
import { detectColumns } from './columns';
import { detectDelimiter } from './csv-sniff';
import { decodeWindows1252 } from './windows-1252';

/** The code pages tried, by TextDecoder label, with their names in a message. */
export const HEADER_CODE_PAGES = [
  { label: 'windows-1251', name: 'Windows-1251 (Cyrillic)' },
  { label: 'shift_jis', name: 'Shift_JIS (Japanese)' },
  { label: 'gbk', name: 'GBK (Chinese)' },
  { label: 'euc-kr', name: 'EUC-KR (Korean)' },
] as const;

export type HeaderCodePage = (typeof HEADER_CODE_PAGES)[number];

/** The first lines looked at: the header may sit below a title or two. */
const HEAD_LINES = 12;
const HEAD_BYTES = 8 * 1024;

/** The most roles any of `text`'s first lines names (date, sku, quantity…). */
function rolesNamed(text: string): number {
  const rows = Papa.parse<string[]>(text, {
    delimiter: detectDelimiter(text),
    preview: HEAD_LINES,
  }).data;
  let best = 0;
  for (const cells of rows) best = Math.max(best, Object.keys(detectColumns(cells).mapping).length);
  return best;
}

/** `bytes` as `label` reads them, or null when they are not text in it (or it is not known here). */
function decodeStrict(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The code page among HEADER_CODE_PAGES whose reading of the first lines
 * names more columns than Windows-1252's does, and at least two; null when
 * none does (the file is then read as a Western or Central European one).
 */
export function codePageOfHeader(bytes: Uint8Array): HeaderCodePage | null {
  // Whole lines only: a character cut at the end is no reason to refuse a code page.
  let end = Math.min(bytes.length, HEAD_BYTES);
  if (end < bytes.length) {
    const newline = bytes.lastIndexOf(0x0a, end - 1);
    if (newline > 0) end = newline;
  }
  const head = bytes.subarray(0, end);
  let best: HeaderCodePage | null = null;
  let score = Math.max(1, rolesNamed(decodeWindows1252(head)));
  for (const page of HEADER_CODE_PAGES) {
    const text = decodeStrict(page.label, head);
    if (text === null) continue;
    const roles = rolesNamed(text);
    if (roles > score) {
      best = page;
      score = roles;
    }
  }
  return best;
}
