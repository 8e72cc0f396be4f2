// Bytes to text, chunk by chunk, in the encodings sales exports come in; the
// format checks of format-sniff.ts applied where they can tell.
// - UTF-8 (its byte order mark dropped): TextDecoder's strict decoder, the
//   fast path; nothing else is done per byte while the file stays UTF-8.
// - UTF-16 LE or BE with a byte order mark, or without one when every other
//   byte of the start is NUL (CSV text is mostly ASCII), as Excel's "Unicode
//   Text" saves it.
// - Windows-1252, when a byte is not UTF-8 and every byte before it was ASCII:
//   the two readings agree on ASCII, so switching there reads the whole file
//   as Windows-1252, exactly (German Excel's "CSV"). A warning says so.
//   Windows-1250 instead (Polish Excel's "CSV") when the next 64 KB show
//   letters only it has inside words (windows-1250.ts).
//   ISO-8859-1 is read the same (it differs only in control codes no CSV has);
//   ISO-8859-15 differs in 8 bytes (€ at 0xA4) with no reliable cue, so it is
//   read as 1252 too.
// - When valid non-ASCII UTF-8 (or a UTF-8 byte order mark) came first, the
//   file is UTF-8 with some bytes that are not (rows pasted in from a 1252
//   export): each such byte is read as Windows-1252, the valid sequences as
//   UTF-8, so both parts keep their names; a warning names the first byte and
//   the text around it.
// Binary data is refused: control characters in the file's start, and, once
// away from UTF-8, too many controls or non-ASCII characters for text.
import {
  countControlChars,
  countLegacyControlChars,
  countNonAscii,
  SNIFF_TEXT_CHARS,
  sniffControlChars,
  sniffFirstBytes,
  sniffLegacyText,
  type FormatProblem,
} from './format-sniff';
import { shownCell } from './issues';
import { cutSequenceStart, hasNonAscii, validUtf8End } from './utf8-bytes';
import { codePageOfHeader } from './header-code-page';
import { decodeWindows1250, readsAsWindows1250 } from './windows-1250';
import { decodeWindows1252, windows1252Char } from './windows-1252';

/** A warning about how the file's bytes were read; `code` is the report issue's code. */
export interface EncodingNote {
  code:
    | 'encoding-windows-1252'
    | 'encoding-windows-1250'
    | 'encoding-code-page'
    | 'encoding-mixed'
    | 'encoding-utf-16';
  message: string;
}

/** What is used of a TextDecoder (its global type differs between the configs core is checked in). */
interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

type Mode =
  | 'start'
  | 'utf-8'
  | 'utf-16le'
  | 'utf-16be'
  | 'legacy'
  | 'windows-1252'
  | 'windows-1250'
  | 'code-page'
  | 'mixed';

/**
 * Bytes gathered once a file is found not to be UTF-8 before Windows-1252 or
 * 1250 is chosen (the whole file when shorter): the same choice whatever
 * the chunks, since a chunk may be one byte.
 */
const LEGACY_SNIFF_BYTES = 64 * 1024;

/** Bytes held at the start before the encoding is chosen: enough to see UTF-16's NULs. */
const DETECT_BYTES = 1024;
/** UTF-16 without a byte order mark: at least this share of the high bytes NUL … */
const UTF16_NUL_SHARE = 0.5;
/** … and at most this share of the low ones. */
const UTF16_OTHER_NUL_SHARE = 0.05;
const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** UTF-16 told by its byte order mark or by NULs in every other byte; null for anything else. */
function utf16Kind(b: Uint8Array): { kind: 'utf-16le' | 'utf-16be'; bom: boolean } | null {
  if (b[0] === 0xff && b[1] === 0xfe) return { kind: 'utf-16le', bom: true };
  if (b[0] === 0xfe && b[1] === 0xff) return { kind: 'utf-16be', bom: true };
  const n = Math.min(b.length, DETECT_BYTES) & ~1;
  if (n < 16) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  const like = (high: number, low: number): boolean =>
    high >= UTF16_NUL_SHARE * half && low <= UTF16_OTHER_NUL_SHARE * half;
  if (like(oddNul, evenNul)) return { kind: 'utf-16le', bom: false };
  if (like(evenNul, oddNul)) return { kind: 'utf-16be', bom: false };
  return null;
}

/** The line of `text` around index `at`, as a message quotes it. */
function lineAround(text: string, at: number): string {
  const from = Math.max(text.lastIndexOf('\n', at) + 1, at - 30);
  const newline = text.indexOf('\n', at);
  const to = Math.min(newline === -1 ? text.length : newline, at + 30);
  return shownCell(text.slice(from, to));
}

export class TextFileDecoder {
  private mode: Mode = 'start';
  /** The start's bytes, while fewer than DETECT_BYTES. */
  private startBytes: Uint8Array = EMPTY;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  /** Whole pieces of valid UTF-8 in mixed mode (a BOM there is a character, not a mark). */
  private readonly utf8Piece = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private utf16: Decoder | null = null;
  /** Code-page mode: the decoder of the code page the header named (header-code-page.ts). */
  private codePage: Decoder | null = null;
  /** UTF-8: a character above U+007F (or a BOM) was read, so an invalid byte means mixed, not 1252. */
  private nonAscii = false;
  /** UTF-8: the bytes of a character cut by the last chunk's end, which the decoder holds. */
  private held = EMPTY;
  /** Mixed: the bytes of a sequence cut by the last chunk's end. */
  private carry = EMPTY;
  /** Mixed: bytes of the last piece read as Windows-1252, and where the first was in its text (-1: none). */
  private foreignInPiece = 0;
  private firstForeign = -1;
  private bytes = 0;
  /** No text decoded yet: the byte order mark is looked for here only. */
  private atStart = true;
  /** Characters of the file's start looked at for control characters, and how many were. */
  private sampled = 0;
  private controls = 0;
  /** Away from UTF-8: characters sampled since, the controls and non-UTF-8 ones among them, and where the first bad byte was. */
  private legacy: { sampled: number; controls: number; foreign: number; at: number } | null = null;
  /** Legacy: the bytes gathered before its code page is chosen. */
  private pending: Uint8Array = EMPTY;
  /** Warnings about how the bytes are read, for the caller to take into its report. */
  readonly notes: EncodingNote[] = [];

  /** Bytes pushed so far (UTF-16 code units for string chunks). */
  get bytesRead(): number {
    return this.bytes;
  }

  /**
   * The text of one more chunk (a character cut at its end is held back for
   * the next), or why the file is not text. Strings are taken as decoded.
   */
  push(chunk: Uint8Array | string): string | FormatProblem {
    if (typeof chunk === 'string') {
      this.bytes += chunk.length;
      return this.checked(chunk);
    }
    this.bytes += chunk.byteLength;
    if (this.mode !== 'start') return this.decode(chunk);
    const start = this.startBytes.length === 0 ? chunk : concat(this.startBytes, chunk);
    if (start.length < DETECT_BYTES) {
      this.startBytes = start.slice();
      return '';
    }
    this.startBytes = EMPTY;
    return this.begin(start);
  }

  /**
   * The first bytes of a file, when no more will come (the page's header
   * peek): read as the whole file would be; a character cut at the end is left out.
   */
  pushHead(head: Uint8Array): string | FormatProblem {
    const text = this.push(head);
    if (typeof text !== 'string') return text;
    if (this.mode === 'legacy') return this.andCodePage(text);
    if (this.mode !== 'start') return text;
    const start = this.startBytes;
    this.startBytes = EMPTY;
    const first = this.begin(start);
    // begin() may have left UTF-8 (TypeScript cannot see the mode move).
    return (this.mode as Mode) === 'legacy' && typeof first === 'string'
      ? this.andCodePage(first)
      : first;
  }

  /** `text`, then the gathered bytes' once their code page is chosen. */
  private andCodePage(text: string): string | FormatProblem {
    const more = this.chooseCodePage();
    return typeof more === 'string' ? text + more : more;
  }

  /** The text held back at the end (read as Windows-1252 when the file ends inside a UTF-8 character). */
  end(): string | FormatProblem {
    let first = '';
    if (this.mode === 'start') {
      const start = this.startBytes;
      this.startBytes = EMPTY;
      const text = this.begin(start);
      if (typeof text !== 'string') return text;
      first = text;
    }
    const last = this.finish();
    return typeof last === 'string' ? first + last : last;
  }

  /** The encoding chosen from the start's bytes, and their text. */
  private begin(start: Uint8Array): string | FormatProblem {
    const problem = sniffFirstBytes(start);
    if (problem !== null) return problem;
    const utf16 = utf16Kind(start);
    if (utf16 === null) {
      this.mode = 'utf-8';
      return this.decode(start);
    }
    this.mode = utf16.kind;
    this.utf16 = new TextDecoder(utf16.kind);
    if (!utf16.bom) {
      const order = utf16.kind === 'utf-16le' ? 'little-endian' : 'big-endian';
      this.notes.push({
        code: 'encoding-utf-16',
        message: `Read as UTF-16 (${order}) text: the file has no byte order mark, but every other byte of its start is NUL, as in UTF-16 text`,
      });
    }
    return this.decode(start);
  }

  private decode(chunk: Uint8Array): string | FormatProblem {
    switch (this.mode) {
      case 'utf-8': {
        let text: string;
        try {
          text = this.utf8.decode(chunk, { stream: true });
        } catch {
          return this.leaveUtf8(chunk);
        }
        // Every character above U+007F takes more bytes than UTF-16 code units.
        if (text.length !== chunk.length || this.held.length > 0) {
          this.nonAscii = true;
          this.hold(chunk);
        }
        return this.checked(text);
      }
      case 'legacy':
        this.pending = concat(this.pending, chunk);
        return this.pending.length >= LEGACY_SNIFF_BYTES ? this.chooseCodePage() : '';
      case 'windows-1252':
        return this.checked(decodeWindows1252(chunk));
      case 'windows-1250':
        return this.checked(decodeWindows1250(chunk));
      case 'code-page':
        return this.checked((this.codePage as Decoder).decode(chunk, { stream: true }));
      case 'mixed':
        return this.checked(this.mixed(chunk, false));
      default:
        return this.checked((this.utf16 as Decoder).decode(chunk, { stream: true }));
    }
  }

  /** Keeps the bytes the UTF-8 decoder holds back (a character cut by the chunk's end), in case it must be left. */
  private hold(chunk: Uint8Array): void {
    // A chunk of 4 bytes or more completes any character held before it.
    const b = this.held.length > 0 && chunk.length < 4 ? concat(this.held, chunk) : chunk;
    const cut = cutSequenceStart(b);
    this.held = cut === b.length ? EMPTY : b.slice(cut);
  }

  /** A byte that is not UTF-8 in `chunk`: Windows-1252 from here, or mixed (see the top). */
  private leaveUtf8(chunk: Uint8Array, final = false): string | FormatProblem {
    // The bytes the strict decoder held from the last chunk are read again.
    const b = this.held.length > 0 ? concat(this.held, chunk) : chunk;
    const offset = this.bytes - b.length;
    this.held = EMPTY;
    const bad = validUtf8End(b, 0, b.length);
    const at = offset + bad + 1;
    this.legacy = { sampled: 0, controls: 0, foreign: 0, at };
    if (!this.nonAscii && !hasNonAscii(b, 0, bad)) {
      this.mode = 'legacy';
      this.pending = b.slice();
      return final || this.pending.length >= LEGACY_SNIFF_BYTES ? this.chooseCodePage() : '';
    }
    this.mode = 'mixed';
    const text = this.mixed(b, final);
    this.notes.push({
      code: 'encoding-mixed',
      message: `The file is UTF-8 text, but byte ${at} (in "${lineAround(text, Math.max(0, this.firstForeign))}") and any others like it are not UTF-8: each was read as Windows-1252 (ü, é, €), the rest as UTF-8; check the names there, or save the file as "CSV UTF-8"`,
    });
    return this.checked(text);
  }

  /**
   * The gathered bytes of a file that is not UTF-8 (and was ASCII before):
   * Windows-1250 where Polish, Slovak, Czech or Hungarian letters show (readsAsWindows1250),
   * else Windows-1252; their text, and every later chunk's, read so.
   */
  private chooseCodePage(): string | FormatProblem {
    const b = this.pending;
    this.pending = EMPTY;
    const at = this.legacy?.at ?? 0;
    const tail = `the file is not UTF-8 (byte ${at} is not UTF-8)`;
    const page = codePageOfHeader(b);
    if (page !== null) {
      this.mode = 'code-page';
      this.codePage = new TextDecoder(page.label);
      this.notes.push({
        code: 'encoding-code-page',
        message: `Read as ${page.name} text: ${tail}, and its column names read as names in that code page. If names look wrong, save the file as "CSV UTF-8"`,
      });
      return this.checked(this.codePage.decode(b, { stream: true }));
    }
    if (readsAsWindows1250(b)) {
      this.mode = 'windows-1250';
      this.notes.push({
        code: 'encoding-windows-1250',
        message: `Read as Windows-1250 (Central European) text: ${tail}, and its letters read as Central European ones there (Polish ą ł ż, Czech ě ř ů, Hungarian ő ű). If they look wrong, save the file as "CSV UTF-8"`,
      });
      return this.checked(decodeWindows1250(b));
    }
    this.mode = 'windows-1252';
    this.notes.push({
      code: 'encoding-windows-1252',
      message: `Read as Windows-1252 (Western European) text: ${tail}. Umlauts, accents and € are read as that encoding shows them; if they look wrong, save the file as "CSV UTF-8"`,
    });
    return this.checked(decodeWindows1252(b));
  }

  /** Mixed mode: valid UTF-8 sequences as UTF-8, every other byte as Windows-1252. */
  private mixed(chunk: Uint8Array, final: boolean): string {
    const b = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    const end = final ? b.length : cutSequenceStart(b);
    this.carry = end < b.length ? b.slice(end) : EMPTY;
    this.foreignInPiece = 0;
    this.firstForeign = -1;
    try {
      return this.utf8Piece.decode(b.subarray(0, end));
    } catch {
      // Bytes that are not UTF-8: read one by one below.
    }
    let out = '';
    for (let i = 0; i < end;) {
      const j = validUtf8End(b, i, end);
      if (j > i) out += this.utf8Piece.decode(b.subarray(i, j));
      if (j === end) break;
      if (this.firstForeign < 0) this.firstForeign = out.length;
      out += windows1252Char(b[j] as number);
      this.foreignInPiece++;
      i = j + 1;
    }
    return out;
  }

  private finish(): string | FormatProblem {
    switch (this.mode) {
      case 'utf-8':
        try {
          return this.checked(this.utf8.decode());
        } catch {
          // The file ends inside a character: its bytes are read as Windows-1252.
          return this.leaveUtf8(EMPTY, true);
        }
      case 'mixed':
        return this.checked(this.mixed(EMPTY, true));
      case 'legacy':
        return this.chooseCodePage();
      case 'utf-16le':
      case 'utf-16be':
        return this.checked((this.utf16 as Decoder).decode());
      case 'code-page':
        return this.checked((this.codePage as Decoder).decode());
      default:
        return '';
    }
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
    const legacy = this.legacy;
    if (legacy !== null && legacy.sampled < SNIFF_TEXT_CHARS && text.length > 0) {
      legacy.sampled += text.length;
      legacy.controls += countLegacyControlChars(text);
      // A code page of another script is chosen from its header's names: its
      // text is mostly not ASCII by nature, no sign of binary data.
      legacy.foreign +=
        this.mode === 'mixed'
          ? this.foreignInPiece
          : this.mode === 'code-page'
            ? 0
            : countNonAscii(text);
      return sniffLegacyText(legacy.controls, legacy.foreign, legacy.sampled, legacy.at) ?? text;
    }
    return text;
  }
}
