// Grouped reports print a label once, above or beside the first row of its
// group, and leave it blank below: an Excel pivot in outline or compact form
// pasted as values, an ERP report that suppresses repeated keys, merged cells
// saved as CSV. Read row by row, every row after a group's first would lose
// its sku (or date) and be skipped. Such a column is recognised on the first
// rows and each blank cell in it is read as the label above it.
import type { ColumnPlan } from './column-plan';
import { isTotalLabel } from './layout';
import type { ConventionNote } from './number-reader';

/** A label column needs at least this many blank cells among the first rows to be taken as grouped. */
const MIN_BLANKS = 3;

/** A cell of nothing but spaces. */
function isBlank(cell: string | undefined): boolean {
  return cell === undefined || cell.trim() === '';
}

/**
 * Whether `col` reads as a grouped label column in `sample` (the first data
 * rows): some rows hold a label and at least as many leave it blank, the
 * first row with anything in it names a label, and each label's cells form
 * one block (a label never comes back after another). A file whose sku is
 * missing here and there fails the first test; a file of rows sorted by
 * date, whose skus recur, the last.
 */
export function isGroupedLabelColumn(col: number, sample: readonly (readonly string[])[]): boolean {
  return groupedIn(col, filledRows(sample));
}

/** The rows with anything in them. */
function filledRows(sample: readonly (readonly string[])[]): readonly (readonly string[])[] {
  return sample.filter((r) => r.some((c) => !isBlank(c)));
}

/** isGroupedLabelColumn on rows with anything in them (filledRows). */
function groupedIn(col: number, rows: readonly (readonly string[])[]): boolean {
  if (rows.length === 0 || isBlank(rows[0]?.[col])) return false;
  const ended = new Set<string>();
  let current = '';
  let labels = 0;
  let blanks = 0;
  for (const r of rows) {
    const cell = r[col];
    if (isBlank(cell)) {
      blanks++;
      continue;
    }
    const label = (cell as string).trim();
    labels++;
    if (label === current) continue;
    if (ended.has(label)) return false;
    if (current !== '') ended.add(current);
    current = label;
  }
  return blanks >= MIN_BLANKS && blanks >= labels;
}

/**
 * The key columns `sample` shows grouped: of the sku (or its parts) and the
 * date, and the category with them. A category alone is not enough: a file
 * sorted by sku whose later skus have no category looks grouped too.
 */
export function groupedLabelColumns(
  plan: Pick<ColumnPlan, 'sku' | 'skuParts' | 'date' | 'category'>,
  sample: readonly (readonly string[])[],
): number[] {
  if (sample.length === 0) return [];
  const cols = [...new Set([...(plan.skuParts ?? [plan.sku]), plan.date].filter((c) => c >= 0))];
  const grouped = cols.filter((c) => isGroupedLabelColumn(c, sample));
  const category = plan.category;
  if (grouped.length > 0 && category >= 0 && !cols.includes(category)) {
    if (isGroupedLabelColumn(category, sample)) grouped.push(category);
  }
  return grouped;
}

/**
 * A grouped report's product column without a name (QuickBooks' Sales by
 * Product/Service Detail: the product on a heading row, its invoices below
 * with that cell blank, then `Total for …`): each unnamed column that
 * `sample` shows grouped, with labels that are words, not numbers, gets its
 * spreadsheet letter for a name (`Column A`), so it can be shown, chosen and
 * named in messages. `labels`: those columns, in order.
 */
export function nameGroupLabelColumns(
  headers: readonly string[],
  sample: readonly (readonly string[])[],
): { headers: string[]; labels: number[] } {
  const named = headers.map((h) => h.trim());
  const labels: number[] = [];
  const rows = filledRows(sample);
  named.forEach((h, col) => {
    if (h !== '' || !groupedIn(col, rows)) return;
    if (!sample.every((r) => isBlank(r[col]) || !/^[\d\s.,/:-]+$/.test(r[col] as string))) return;
    const name = unnamedColumnName(col);
    if (named.includes(name)) return;
    named[col] = name;
    labels.push(col);
  });
  return { headers: named, labels };
}

/** The name a report gives an unnamed column: its spreadsheet letter (`Column A`). */
function unnamedColumnName(col: number): string {
  let letters = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `Column ${letters}`;
}

/** What happened in one grouped column, for its note. */
interface Carried {
  cells: number;
  headings: number;
  firstRow: number;
}

/**
 * Fills the blank cells of grouped label columns with the label above them,
 * row by row, as rows arrive (so any chunking reads the same). A row that
 * holds a label and nothing else is a group's heading: its label is kept
 * for the rows below, and the row itself is no sale (`carry` says so).
 */
export class LabelCarrier {
  private readonly lastText: string[];
  private readonly lastPre: Float64Array;
  private readonly has: boolean[];
  private readonly carried: Carried[];

  /**
   * `cols`: the grouped columns; `readCols`: every column the plan reads (a
   * heading has nothing in them but its label; the others may hold anything).
   */
  constructor(
    private readonly cols: readonly number[],
    private readonly readCols: readonly number[],
    private readonly headers: readonly string[],
  ) {
    this.lastText = cols.map(() => '');
    this.lastPre = new Float64Array(cols.length).fill(NaN);
    this.has = cols.map(() => false);
    this.carried = cols.map(() => ({ cells: 0, headings: 0, firstRow: 0 }));
  }

  /**
   * Fills `fields`/`pre` in place (where `pre[col]` is a number it stands for
   * the cell, see scan-cells' PreKind). Returns false for a heading row, which
   * is not to be read as a sale.
   */
  carry(fields: string[], pre: Float64Array, row: number): boolean {
    const cols = this.cols;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i] as number;
      const p = pre[col] as number;
      const text = fields[col] as string;
      if (p === p || !isBlank(text)) {
        // A subtotal's label (`Total for Mugs`) ends its group; it does not
        // start one: the blank cells after it are not read as anything.
        if (p !== p && isTotalLabel(text)) {
          this.has[i] = false;
          continue;
        }
        this.lastPre[i] = p;
        this.lastText[i] = p === p ? '' : text;
        this.has[i] = true;
        if (this.onlyCell(fields, pre, col)) {
          this.carried[i]!.headings++;
          return false;
        }
        continue;
      }
      if (!this.has[i]) continue;
      pre[col] = this.lastPre[i] as number;
      fields[col] = this.lastText[i] as string;
      const c = this.carried[i] as Carried;
      if (c.cells === 0) c.firstRow = row;
      c.cells++;
    }
    return true;
  }

  /** Whether `col` is the only non-blank cell the plan reads in the row. */
  private onlyCell(fields: string[], pre: Float64Array, col: number): boolean {
    for (const j of this.readCols) {
      if (j === col) continue;
      const p = pre[j] as number;
      if (p === p || !isBlank(fields[j])) return false;
    }
    return true;
  }

  /** One note per grouped column that filled any cell. */
  notes(): ConventionNote[] {
    const out: ConventionNote[] = [];
    this.cols.forEach((col, i) => {
      const c = this.carried[i] as Carried;
      if (c.cells === 0) return;
      const column = this.headers[col] ?? '';
      // An unnamed column goes by its letter (nameGroupLabelColumns): say so, not `Column "Column A"`.
      const named = /^Column [A-Z]+$/.test(column)
        ? `${column} (no name in the header)`
        : `Column "${column}"`;
      const headings =
        c.headings > 0
          ? `; ${c.headings} row${c.headings === 1 ? '' : 's'} holding only a label ${c.headings === 1 ? 'was a heading' : 'were headings'}, not sales`
          : '';
      out.push({
        code: FILLED_DOWN,
        column,
        firstRow: c.firstRow,
        message: `${named} prints each label once, above its rows (a grouped report): ${c.cells} blank cell${c.cells === 1 ? ' was' : 's were'} read as the label above, from row ${c.firstRow}${headings}`,
      });
    });
    return out;
  }
}

/** The warning code of a grouped column's note. */
export const FILLED_DOWN = 'filled-down';
