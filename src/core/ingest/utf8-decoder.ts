// Bytes to text, chunk by chunk: strict UTF-8 (a Latin-1 or UTF-16 file is
// refused, not read as mojibake), the byte order mark dropped, and the
// format checks of format-sniff.ts applied where they can tell.
import {
  countControlChars,
  firstInvalidUtf8,
  notUtf8,
  SNIFF_TEXT_CHARS,
  sniffControlChars,
  sniffFirstBytes,
  type FormatProblem,
} from './format-sniff';

export class Utf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytes = 0;
  /** No text decoded yet: the magic bytes and the byte order mark are looked for here only. */
  private atStart = true;
  /** Characters of the file's start looked at for control characters, and how many were. */
  private sampled = 0;
  private controls = 0;

  /** Bytes pushed so far (UTF-16 code units for string chunks). */
  get bytesRead(): number {
    return this.bytes;
  }

  /**
   * The text of one more chunk (a character cut at its end is held back for
   * the next), or why the file is not UTF-8 text. Strings are taken as decoded.
   */
  push(chunk: Uint8Array | string): string | FormatProblem {
    if (typeof chunk === 'string') {
      this.bytes += chunk.length;
      return this.checked(chunk);
    }
    this.bytes += chunk.byteLength;
    if (this.atStart) {
      const problem = sniffFirstBytes(chunk);
      if (problem !== null) return problem;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return notUtf8(this.bytes - chunk.byteLength + firstInvalidUtf8(chunk) + 1);
    }
    return this.checked(text);
  }

  /** The text held back at the end, or the problem when the file ends inside a character. */
  end(): string | FormatProblem {
    let tail: string;
    try {
      tail = this.decoder.decode();
    } catch {
      return notUtf8(this.bytes);
    }
    return this.checked(tail);
  }

  private checked(text: string): string | FormatProblem {
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.sampled < SNIFF_TEXT_CHARS && text.length > 0) {
      const n = Math.min(text.length, SNIFF_TEXT_CHARS - this.sampled);
      this.controls += countControlChars(text, 0, n);
      this.sampled += n;
      const problem = sniffControlChars(this.controls, this.sampled);
      if (problem !== null) return problem;
    }
    return text;
  }
}
