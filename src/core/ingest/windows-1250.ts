// Windows-1250 (Central European: Polish, Czech, Slovak, Hungarian Excel's
// "CSV") bytes to text, and the cue that tells it from Windows-1252 when a
// file is not UTF-8. The table is WHATWG's windows-1250 (its five undefined
// bytes stay controls), written out rather than asked of TextDecoder, as
// windows-1252.ts does, so Node and browsers read it alike.

/** Characters of bytes 0x80–0xFF. */
const HIGH =
  '\u20ac\u0081\u201a\u0083\u201e\u2026\u2020\u2021\u0088\u2030\u0160\u2039\u015a\u0164\u017d\u0179' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u0098\u2122\u0161\u203a\u015b\u0165\u017e\u017a' +
  '\u00a0\u02c7\u02d8\u0141\u00a4\u0104\u00a6\u00a7\u00a8\u00a9\u015e\u00ab\u00ac\u00ad\u00ae\u017b' +
  '\u00b0\u00b1\u02db\u0142\u00b4\u00b5\u00b6\u00b7\u00b8\u0105\u015f\u00bb\u013d\u02dd\u013e\u017c' +
  '\u0154\u00c1\u00c2\u0102\u00c4\u0139\u0106\u00c7\u010c\u00c9\u0118\u00cb\u011a\u00cd\u00ce\u010e' +
  '\u0110\u0143\u0147\u00d3\u00d4\u0150\u00d6\u00d7\u0158\u016e\u00da\u0170\u00dc\u00dd\u0162\u00df' +
  '\u0155\u00e1\u00e2\u0103\u00e4\u013a\u0107\u00e7\u010d\u00e9\u0119\u00eb\u011b\u00ed\u00ee\u010f' +
  '\u0111\u0144\u0148\u00f3\u00f4\u0151\u00f6\u00f7\u0159\u016f\u00fa\u0171\u00fc\u00fd\u0163\u02d9';

/** UTF-16 code unit of each byte. */
const CODES = new Uint16Array(256);
for (let b = 0; b < 256; b++) CODES[b] = b < 0x80 ? b : HIGH.charCodeAt(b - 0x80);

/** Code units made into a string at a time: a spread of a whole chunk would overflow the stack. */
const STEP = 8192;

/** The text of bytes in Windows-1250 (a single-byte encoding: any cut is a character boundary). */
export function decodeWindows1250(bytes: Uint8Array): string {
  const units = new Uint16Array(Math.min(bytes.length, STEP));
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += STEP) {
    const n = Math.min(STEP, bytes.length - at);
    for (let i = 0; i < n; i++) units[i] = CODES[bytes[at + i] as number] as number;
    parts.push(String.fromCharCode(...units.subarray(0, n)));
  }
  return parts.join('');
}

/**
 * Bytes that are letters in Windows-1250 but signs in Windows-1252 (ą ł ż Ą Ł
 * Ż ź Ź ť Ť ľ Ľ there, ¹ ³ ¿ ¥ £ ¯ and undefined bytes here): Polish and
 * Slovak words carry them, Western European ones never do.
 */
const CENTRAL_ONLY = new Set([0x8d, 0x8f, 0x9d, 0xa3, 0xa5, 0xaf, 0xb3, 0xb9, 0xbc, 0xbe, 0xbf]);
/** Bytes that are letters in Windows-1252 only (ƒ, ˆ, ÿ). */
const WESTERN_ONLY = new Set([0x83, 0x88, 0xff]);
/** Different Central-European-only letters seen inside words before the bytes are read as Windows-1250. */
const MIN_CENTRAL_LETTERS = 2;

function inWord(b: number | undefined): boolean {
  if (b === undefined) return false;
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b >= 0xc0;
}

/**
 * Whether bytes that are not UTF-8 read as Windows-1250 rather than 1252:
 * at least two different letters only 1250 has (ł and ą, say) next to a
 * letter, and more such bytes than of letters only 1252 has. A German or
 * French file never has them inside words; a "m³" here and there is one.
 * Czech and Hungarian text reads as letters in both (č as è, ő as õ) and is
 * read as 1252: no cue in the bytes tells them apart.
 */
export function readsAsWindows1250(bytes: Uint8Array): boolean {
  const seen = new Set<number>();
  let central = 0;
  let western = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80 || !(inWord(bytes[i - 1]) || inWord(bytes[i + 1]))) continue;
    if (CENTRAL_ONLY.has(b)) {
      central++;
      seen.add(b);
    } else if (WESTERN_ONLY.has(b)) western++;
  }
  return seen.size >= MIN_CENTRAL_LETTERS && central > western;
}
