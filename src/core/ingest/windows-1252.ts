// Windows-1252 (Western European, German and French Excel's "CSV") bytes to
// text. Not TextDecoder('windows-1252') alone: Node since 20.18.3 and 22.13
// decodes that label as ISO-8859-1, so € (0x80), the dashes and the quotes of
// 0x80–0x9F come out as control characters (nodejs/node#60888); browsers are
// right. So the bytes are decoded natively and the 32 where the two differ
// are mapped here, which is right in both.

/** Bytes 0x80–0x9F (the five undefined ones, 0x81 0x8D 0x8F 0x90 0x9D, stay controls as WHATWG says). */
const C1_RANGE =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_CHARS = /[\u0080-\u009f]/g;

const latin1 = new TextDecoder('latin1');

function fromC1(c: string): string {
  return C1_RANGE.charAt(c.charCodeAt(0) - 0x80);
}

/** The text of bytes in Windows-1252 (a single-byte encoding: any cut is a character boundary). */
export function decodeWindows1252(bytes: Uint8Array): string {
  return latin1.decode(bytes).replace(C1_CHARS, fromC1);
}

/** One byte's character in Windows-1252. */
export function windows1252Char(byte: number): string {
  return byte >= 0x80 && byte < 0xa0 ? C1_RANGE.charAt(byte - 0x80) : String.fromCharCode(byte);
}
