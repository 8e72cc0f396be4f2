// The fast path for most CSV lines: reads papaparse's syntax for simple lines
// (what papaparse's fastMode does) without building a row array per line or
// cutting out the fields no role uses, and reads dates, numbers and genders
// straight from the text. A line it cannot read exactly as papaparse would
// (a quoted line break, a doubled quote) is left to papaparse.
import { genderCode, isoDateKey, plainNumber, PreKind } from './scan-cells';
import type { PreReadSink } from './table-builder';

/** Distinct values of a text column remembered before the column counts as varied. */
const FEW_TEXTS = 16;

/** t === input.slice(s, s + t.length), without making the slice. */
function sameText(t: string, input: string, s: number): boolean {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== input.charCodeAt(s + i)) return false;
  return true;
}

export class LineScanner {
  /** The record handed to the sink, reused for every line. */
  private readonly fields: string[];
  private readonly pre: Float64Array;
  private readonly seenTexts: (string[] | undefined)[];
  /** Why scan() stopped: at the end of the text, or at a line it leaves to papaparse. */
  stop: 'end' | 'complex' = 'end';
  /** Spreadsheet row of the line after the last one scanned. */
  nextRow = 0;

  /** `kinds`: PreKind per column (from the sink). */
  constructor(
    private readonly delimiter: string,
    private readonly newline: string,
    private readonly kinds: Uint8Array,
    private readonly sink: PreReadSink,
  ) {
    this.fields = Array.from(kinds, () => '');
    this.pre = new Float64Array(kinds.length).fill(NaN);
    this.seenTexts = Array.from(kinds, () => []);
  }

  /**
   * input[s, d) as a string, reusing an earlier identical string of a column
   * with few distinct values (categories, genders, stores): no allocation and
   * the Map lookup that follows finds the string's hash already computed.
   */
  private text(col: number, input: string, s: number, d: number): string {
    const seen = this.seenTexts[col];
    if (seen === undefined) return input.substring(s, d);
    const len = d - s;
    for (let i = 0; i < seen.length; i++) {
      const t = seen[i] as string;
      if (t.length === len && sameText(t, input, s)) return t;
    }
    const t = input.substring(s, d);
    // Columns with many distinct values are not worth searching.
    if (seen.length < FEW_TEXTS) seen.push(t);
    else this.seenTexts[col] = undefined;
    return t;
  }

  /**
   * Reads the complete lines of input from `pos` (all of it when `toEnd`),
   * the first being spreadsheet row `row`, into the sink, and returns where it
   * stopped (see `stop`, `nextRow`). Fields may be quoted simply ("a, b"); a
   * line with a quoted line break, a doubled quote or text after a closing
   * quote stops the scan (stop = 'complex') so papaparse can read it.
   */
  scan(input: string, pos: number, toEnd: boolean, row: number): number {
    const sink = this.sink;
    const delim = this.delimiter;
    const newline = this.newline;
    const nlLen = newline.length;
    const end = input.length;
    const fields = this.fields;
    const kinds = this.kinds;
    const pre = this.pre;
    const nf = fields.length;
    let p = pos;
    const delimCode = delim.charCodeAt(0);
    let nextQuote = input.indexOf('"', p);
    if (nextQuote === -1) nextQuote = end;
    this.stop = 'end';
    lines: while (p < end) {
      let lineEnd = input.indexOf(newline, p);
      if (lineEnd === -1) {
        if (!toEnd) break;
        lineEnd = end;
      }
      const quoted = nextQuote < lineEnd;
      let col = 0;
      let s = p;
      for (;;) {
        let a = s;
        let b: number;
        let d: number;
        if (quoted && s === nextQuote) {
          // A quoted field: ends at the next quote, which must be followed by
          // the delimiter or the end of the line.
          const q = input.indexOf('"', s + 1);
          if (
            q === -1 ||
            q >= lineEnd ||
            (q + 1 !== lineEnd && input.charCodeAt(q + 1) !== delimCode)
          ) {
            this.stop = 'complex';
            break lines;
          }
          a = s + 1;
          b = q;
          d = q + 1;
          nextQuote = input.indexOf('"', q + 1);
          if (nextQuote === -1) nextQuote = end;
        } else {
          // Fields are short: a plain loop beats indexOf's call overhead.
          d = s;
          while (d < lineEnd && input.charCodeAt(d) !== delimCode) d++;
          b = d;
          // A quote inside an unquoted field is a plain character (as papaparse reads it).
          while (nextQuote < d) {
            nextQuote = input.indexOf('"', nextQuote + 1);
            if (nextQuote === -1) nextQuote = end;
          }
        }
        const kind = col < nf ? kinds[col] : PreKind.Skip;
        if (kind !== PreKind.Skip) {
          const v =
            kind === PreKind.Number
              ? plainNumber(input, a, b)
              : kind === PreKind.IsoDate
                ? isoDateKey(input, a, b)
                : kind === PreKind.Gender
                  ? genderCode(input, a, b)
                  : NaN;
          pre[col] = v;
          if (v !== v)
            fields[col] =
              kind === PreKind.Text ? this.text(col, input, a, b) : input.substring(a, b);
        }
        col++;
        if (d >= lineEnd) break;
        s = d + 1;
      }
      if (col === nf) sink.addPreRead(fields, pre, row);
      else if (!quoted) sink.addRow(input.substring(p, lineEnd).split(delim), row);
      else {
        // A ragged line with quotes: papaparse splits it properly.
        this.stop = 'complex';
        break;
      }
      row++;
      p = lineEnd + nlLen;
      if (nextQuote < p) {
        nextQuote = input.indexOf('"', p);
        if (nextQuote === -1) nextQuote = end;
      }
    }
    this.nextRow = row;
    return p > end ? end : p;
  }
}
