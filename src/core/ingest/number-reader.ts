// Number cells of a file, read one by one: their value, or what is wrong with
// them. Thousands separators and decimal commas are read and remembered, one
// note per column and convention for the report.
import { shownCell } from './issues';
import type { CommaRole, NumberRead } from './numbers';
import {
  fastNumber,
  MAX_MAGNITUDE,
  numberBesideWord,
  readNumberSlow,
  shortestNumber,
} from './numbers';
import type { RowIssue } from './row-issues';

interface ConventionSeen {
  code: 'decimal-comma' | 'thousands-separator' | 'unit-word';
  column: string;
  firstRow: number;
  example: string;
  value: number;
  rows: number;
  /** unit-word: the words seen (the first few). */
  words?: string[];
  /** Cells such as `8,116` that could read either way, read as the column's convention: the first. */
  either?: { example: string; other: number; rows: number };
}

/** Distinct unit words named in a column's warning. */
const MAX_WORDS = 5;

/** One file-wide warning about a number convention (see NumberReader.conventionNotes). */
export interface ConventionNote {
  code: string;
  column: string;
  firstRow: number;
  message: string;
}

/** What a number cell holds: a value, nothing (null: empty), or an issue. */
export type NumberCell = number | null | RowIssue;

export class NumberReader {
  private readonly conventions = new Map<string, ConventionSeen>();
  /** What each column's commas have shown themselves to be; `null` when they showed both. */
  private readonly commas = new Map<number, CommaRole | null>();

  /**
   * `commaDefault`: what a comma is in a column whose cells have not shown it:
   * a decimal mark in a `;`-separated file, as Excel writes one where the
   * comma is the decimal mark.
   */
  constructor(
    private readonly headers: readonly string[],
    private readonly commaDefault: CommaRole | null = null,
  ) {}

  /**
   * A column's cell showed what its commas are. Learnt forward only, row by
   * row, so a file reads the same whatever the chunks it comes in: cells
   * above the first that shows it stay questions.
   */
  private learnComma(col: number, comma: CommaRole | undefined): void {
    if (comma === undefined) return;
    const known = this.commas.get(col);
    if (known === undefined) this.commas.set(col, comma);
    else if (known !== comma) this.commas.set(col, null);
  }

  /** What `1,234` is in column `col`: what its cells showed, else the file's default. */
  private commaOf(col: number): CommaRole | null {
    const known = this.commas.get(col);
    return known === undefined ? this.commaDefault : known;
  }

  /** The cell `text` of column `col`, in row `row` (the row a convention is first seen in). */
  read(text: string, col: number, row: number): NumberCell {
    const fast = fastNumber(text);
    if (fast === fast) return fast;
    const r = readNumberSlow(text);
    if (r.kind === 'bad') {
      const beside = numberBesideWord(text);
      if (beside !== null) {
        const v = this.cell(beside.read, text, col, row);
        if (typeof v === 'number') this.seeWord(beside.word, col, row, text, v);
        return v;
      }
    }
    return this.cell(r, text, col, row);
  }

  private cell(r: NumberRead, text: string, col: number, row: number): NumberCell {
    switch (r.kind) {
      case 'ok':
        return r.value;
      case 'empty':
        return null;
      case 'decimal-comma':
      case 'thousands':
        this.learnComma(col, r.comma);
        this.seeConvention(
          r.kind === 'thousands' ? 'thousands-separator' : 'decimal-comma',
          col,
          row,
          text,
          r.value,
        );
        return r.value;
      case 'ambiguous-thousands': {
        const t = text.trim();
        const thousands = Math.round(r.value * 1000);
        const comma = this.commaOf(col);
        if (comma !== null) {
          const value = comma === 'decimal' ? r.value : thousands;
          const other = comma === 'decimal' ? thousands : r.value;
          const code = comma === 'decimal' ? 'decimal-comma' : 'thousands-separator';
          const seen = this.seeConvention(code, col, row, text, value);
          if (seen.either) seen.either.rows++;
          else seen.either = { example: t, other, rows: 1 };
          return value;
        }
        const asThousands = shortestNumber(thousands);
        const asDecimal = shortestNumber(r.value);
        return {
          code: 'thousands-separator',
          col,
          detail: `"${t}" could use a thousands separator (${asThousands}) or a decimal comma (${asDecimal}); expected a plain number such as ${asThousands} or ${asDecimal}`,
        };
      }
      case 'too-large':
        return {
          code: 'number-too-large',
          col,
          detail: `"${shownCell(text)}" is a number too large; expected a number of at most ${MAX_MAGNITUDE.toExponential()} (1,000,000,000,000,000) in size`,
        };
      default:
        return {
          code: 'bad-number',
          col,
          detail: `"${shownCell(text)}" is not a number; expected a number such as 3 or 12.5`,
        };
    }
  }

  private seeWord(word: string, col: number, row: number, example: string, value: number): void {
    const seen = this.seeConvention('unit-word', col, row, example, value);
    const words = (seen.words ??= []);
    if (words.length < MAX_WORDS && !words.includes(word)) words.push(word);
  }

  private seeConvention(
    code: ConventionSeen['code'],
    col: number,
    row: number,
    example: string,
    value: number,
  ): ConventionSeen {
    const key = `${code}\u0000${col}`;
    const seen = this.conventions.get(key);
    if (seen) {
      seen.rows++;
      return seen;
    }
    const first: ConventionSeen = {
      code,
      column: this.headers[col] ?? '',
      firstRow: row,
      example: example.trim(),
      value,
      rows: 1,
    };
    this.conventions.set(key, first);
    return first;
  }

  /** One warning per column and convention, for the report's notes. */
  conventionNotes(): ConventionNote[] {
    return [...this.conventions.values()].map((c) => {
      if (c.code === 'unit-word') return unitWordNote(c);
      const what = c.code === 'decimal-comma' ? 'a decimal comma' : 'thousands separators';
      const either = c.either;
      const alike =
        either === undefined
          ? ''
          : `; ${either.rows === c.rows ? 'each' : `${either.rows} of them`} could also be read the other way ("${either.example}" as ${shortestNumber(either.other)}): check that the ${c.code === 'decimal-comma' ? 'commas are decimal marks' : 'commas separate thousands'}`;
      return {
        code: c.code,
        column: c.column,
        firstRow: c.firstRow,
        message: `Column "${c.column}" uses ${what} (${c.rows} row${c.rows === 1 ? '' : 's'}, first at row ${c.firstRow}: "${c.example}" read as ${shortestNumber(c.value)}); values were read that way${alike}`,
      };
    });
  }
}

/**
 * A column whose numbers carry a unit or currency word: read as the numbers,
 * and the words named, since two units in one column (`EA` and `CS`, a case
 * of 12) cannot be added as they stand.
 */
function unitWordNote(c: ConventionSeen): ConventionNote {
  const words = c.words ?? [];
  const rows = `${c.rows} row${c.rows === 1 ? '' : 's'}`;
  const mixed =
    words.length > 1
      ? `; it names ${words.length === MAX_WORDS ? 'at least ' : ''}${words.length} different units (${words.join(', ')}), which are summed as they stand: convert them to one unit before forecasting`
      : '';
  return {
    code: c.code,
    column: c.column,
    firstRow: c.firstRow,
    message: `Column "${c.column}" has a word beside its numbers (${rows}, first at row ${c.firstRow}: "${c.example}" read as ${shortestNumber(c.value)}); values were read as the numbers${mixed}`,
  };
}

/**
 * A number as well as it can be read, nothing logged (null: none): for a
 * price that only computes a missing amount. A price too large still
 * computes one, which the bound on amounts refuses.
 */
export function lenientNumber(text: string): number | null {
  const v = fastNumber(text);
  if (v === v) return v;
  const slow = readNumberSlow(text);
  return slow.kind === 'ok' ||
    slow.kind === 'decimal-comma' ||
    slow.kind === 'thousands' ||
    slow.kind === 'too-large'
    ? slow.value
    : null;
}
