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

// Czech and Hungarian letters are letters in both code pages, but ones no
// Western European language writes where these do. Czech ě and ů inside a
// word read in 1252 as ì and ù inside it (mìsíc, rùže), which Italian and
// French write only at a word's end (lunedì, où); with ř or č beside them
// (ø, è) and no å or æ, which Danish and Norwegian write with ø.
const CZECH_INSIDE = new Set([0xec, 0xf9, 0xcc, 0xd9]);
const CZECH_ALSO = new Set([0xf8, 0xd8, 0xe8, 0xc8]);
const NORDIC = new Set([0xe5, 0xe6, 0xc5, 0xc6]);
// Hungarian ő and ű read in 1252 as õ and û inside words (sütõtök), beside ö
// or ü; Portuguese writes õ with ã and ç, Estonian with ä, Hungarian neither.
const HUNGARIAN_O = new Set([0xf5, 0xd5]);
const HUNGARIAN_U = new Set([0xfb, 0xdb]);
const UMLAUT_OU = new Set([0xf6, 0xfc, 0xd6, 0xdc]);
const NOT_HUNGARIAN = new Set([0xe3, 0xe7, 0xe4, 0xc3, 0xc7, 0xc4]);
/** Letters inside words before Czech or Hungarian is told from a Western language. */
const MIN_INSIDE = 2;

/**
 * Whether bytes that are not UTF-8 read as Windows-1250 rather than 1252:
 * at least two different letters only 1250 has (ł and ą, say) next to a
 * letter, and more such bytes than of letters only 1252 has; or Czech or
 * Hungarian letters where no Western European language has them (above). A
 * German or French file never has them inside words; a "m³" here and there
 * is one.
 */
export function readsAsWindows1250(bytes: Uint8Array): boolean {
  const seen = new Set<number>();
  let central = 0;
  let western = 0;
  const count = new Uint32Array(256);
  const inside = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) continue;
    count[b] = (count[b] as number) + 1;
    const before = inWord(bytes[i - 1]);
    const after = inWord(bytes[i + 1]);
    if (before && after) inside[b] = (inside[b] as number) + 1;
    if (!(before || after)) continue;
    if (CENTRAL_ONLY.has(b)) {
      central++;
      seen.add(b);
    } else if (WESTERN_ONLY.has(b)) western++;
  }
  if (seen.size >= MIN_CENTRAL_LETTERS && central > western) return true;
  const sum = (table: Uint32Array, set: ReadonlySet<number>): number => {
    let n = 0;
    for (const b of set) n += table[b] as number;
    return n;
  };
  const czech =
    sum(inside, CZECH_INSIDE) >= MIN_INSIDE &&
    sum(count, CZECH_ALSO) > 0 &&
    sum(count, NORDIC) === 0;
  const oInside = sum(inside, HUNGARIAN_O);
  const hungarian =
    oInside > 0 &&
    oInside + sum(inside, HUNGARIAN_U) >= MIN_INSIDE &&
    sum(count, UMLAUT_OU) > 0 &&
    sum(count, NOT_HUNGARIAN) === 0;
  return (czech || hungarian) && western === 0;
}
