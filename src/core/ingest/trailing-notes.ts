// Report exports end with a line or two of words below the data: `Report
// generated on 2024-03-01 by jsmith`, `Page 1 of 1`. Read as rows they are
// skipped as broken, and a nightly job that allows no skipped row fails. A
// line of one phrase is held until the next row: if data follows, it was a
// row after all and is read as one; if the file ends, it was a footer, told
// of in one note, as title rows above the header are.
import type { ConventionNote } from './number-reader';

/** A footer longer than this is no footer: the rest is read as rows. */
const MAX_HELD = 20;

/** A row held back, copied (readers reuse their arrays). */
export interface HeldRow {
  fields: string[];
  pre: Float64Array;
  row: number;
}

/** Words, not a value: a letter and a space (`Page 1 of 1`, not `A100` or `2024-03-01`). */
function isPhrase(text: string): boolean {
  // Asked of every row whose date is text: a cell without a space is done at once.
  if (text.indexOf(' ') === -1) return false;
  const t = text.trim();
  return t.indexOf(' ') !== -1 && /\p{L}/u.test(t);
}

export const FOOTER_ROWS = 'footer-rows';

export class TrailingNotes {
  private held: HeldRow[] = [];

  /**
   * `cols`: the columns to look at (where `pre[col]` is a number it stands for
   * the cell): a row cut short is looked at whole, a whole row at the columns
   * the plan reads, as others may hold stale text.
   */
  hold(fields: string[], pre: Float64Array, row: number, cols: readonly number[] | null): boolean {
    if (this.held.length >= MAX_HELD) return false;
    let phrase = false;
    const n = cols === null ? fields.length : cols.length;
    for (let i = 0; i < n; i++) {
      const col = cols === null ? i : (cols[i] as number);
      const p = pre[col] as number;
      if (p === p) return false;
      const text = fields[col];
      if (text === undefined || text.trim() === '') continue;
      if (phrase || !isPhrase(text)) return false;
      phrase = true;
    }
    if (!phrase) return false;
    this.held.push({ fields: [...fields], pre: pre.slice(), row });
    return true;
  }

  /** Whether any row is held. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** The rows held, in order, given back to be read as rows (data followed them). */
  release(): HeldRow[] {
    const rows = this.held;
    this.held = [];
    return rows;
  }

  /** At the end of the file: the rows still held were its footer. */
  note(): ConventionNote | null {
    const held = this.held;
    const first = held[0];
    const last = held[held.length - 1];
    if (first === undefined || last === undefined) return null;
    const text = (first.fields.find((f) => f.trim() !== '') ?? '').trim();
    const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    const one = held.length === 1;
    const rows = one ? `Row ${first.row}` : `Rows ${first.row}–${last.row}`;
    return {
      code: FOOTER_ROWS,
      column: '',
      firstRow: first.row,
      message: `${rows} below the data ${one ? 'is' : 'are'} a report's footer ("${shown}"${one ? '' : ', …'}), not sales, and ${one ? 'was' : 'were'} not read`,
    };
  }
}
