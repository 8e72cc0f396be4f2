// UTF-8 validity at the byte level, as the WHATWG decoder (TextDecoder with
// `fatal`) judges it: no overlong forms, no surrogates, nothing past U+10FFFF.
// Used only once a file has shown a byte that is not UTF-8, to find where.

const isCont = (b: number): boolean => (b & 0xc0) === 0x80;

/** Bytes a sequence led by `lead` has after it, with the range of its second byte; null: not a lead byte. */
function shape(lead: number): [number, number, number] | null {
  if (lead >= 0xc2 && lead <= 0xdf) return [1, 0x80, 0xbf];
  if (lead === 0xe0) return [2, 0xa0, 0xbf];
  if (lead === 0xed) return [2, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [2, 0x80, 0xbf];
  if (lead === 0xf0) return [3, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [3, 0x80, 0xbf];
  if (lead === 0xf4) return [3, 0x80, 0x8f];
  return null;
}

/** Length of the valid UTF-8 sequence at b[i] (ending before `to`), or 0 when none starts there. */
function sequenceAt(b: Uint8Array, i: number, to: number): number {
  const lead = b[i] as number;
  if (lead < 0x80) return 1;
  const s = shape(lead);
  if (s === null || i + s[0] >= to) return 0;
  const second = b[i + 1] as number;
  if (second < s[1] || second > s[2]) return 0;
  for (let k = 2; k <= s[0]; k++) if (!isCont(b[i + k] as number)) return 0;
  return s[0] + 1;
}

/** Index of the first byte in b[from, to) where no valid UTF-8 sequence starts; `to` when all are valid. */
export function validUtf8End(b: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const n = sequenceAt(b, i, to);
    if (n === 0) return i;
    i += n;
  }
  return to;
}

/** True when b[from, to) has a byte above 0x7F. */
export function hasNonAscii(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((b[i] as number) > 0x7f) return true;
  return false;
}

/**
 * Where a sequence cut by the end of `b` starts (a lead byte followed by too
 * few continuation bytes), held back for the next chunk; b.length when none.
 */
export function cutSequenceStart(b: Uint8Array): number {
  let i = b.length - 1;
  while (i >= 0 && i >= b.length - 3 && isCont(b[i] as number)) i--;
  if (i < 0) return b.length;
  const s = shape(b[i] as number);
  return s !== null && i + s[0] >= b.length ? i : b.length;
}
