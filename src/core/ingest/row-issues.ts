// Issues about one row: every message starts `Row N, column "…": ` (or
// `Row N ` for the row as a whole), built here once, so a reader only says
// what was wrong with the cell (the data contract, ../shared/design/CONTRACT.md §5).
import { shownCell, type IssueLog } from './issues';
import type { ConventionNote } from './number-reader';

/** What is wrong with a cell (or with a whole row, when `col` is -1). */
export interface RowIssue {
  code: string;
  /** Column index in the header row; -1 for the row as a whole. */
  col: number;
  /** The message after its prefix: `empty; expected a product id`. */
  detail: string;
}

/**
 * A row skipped as a report's total: the sum of rows above it. Its issue's
 * detail is the total's label; the rows are told of in one warning
 * (totalRowsNote), as a report may have one a day.
 */
export const TOTAL_ROW = 'total-row';

/** Total rows named one by one in their warning. */
const TOTAL_ROWS_NAMED = 3;

/** A row issue's message: `Row 3, column "Date": ` then the detail. */
export function cellMessage(row: number, column: string, detail: string): string {
  return `Row ${row}, column "${column}": ${detail}`;
}

/** Row issues into the log, columns named by the header row. */
export class RowIssues {
  /** Total rows left out (TOTAL_ROW), and the first few, for their one warning. */
  private totalRows = 0;
  private readonly namedTotals: { row: number; label: string }[] = [];

  constructor(
    private readonly log: IssueLog,
    private readonly headers: readonly string[],
  ) {}

  /** A column's header name; '' for -1 (a role the file does not have). */
  header(col: number): string {
    return this.headers[col] ?? '';
  }

  /** The row is skipped: an error, counted under its code (a report's total: see TOTAL_ROW). */
  rowError(row: number, issue: RowIssue): void {
    const { code, col, detail } = issue;
    if (code === TOTAL_ROW) {
      this.totalRows++;
      if (this.namedTotals.length < TOTAL_ROWS_NAMED) this.namedTotals.push({ row, label: detail });
      this.log.skipped(code);
      return;
    }
    this.log.add({
      severity: 'error',
      code,
      row,
      ...(col >= 0 && { column: this.header(col) }),
      message: col >= 0 ? cellMessage(row, this.header(col), detail) : `Row ${row} ${detail}`,
    });
    this.log.skipped(code);
  }

  /** One warning for the total rows left out, or null when there were none. */
  totalRowsNote(): ConventionNote | null {
    const first = this.namedTotals[0];
    if (first === undefined) return null;
    const named = this.namedTotals.map((t) => `row ${t.row} ("${shownCell(t.label)}")`);
    const more = this.totalRows - named.length;
    const message =
      this.totalRows === 1
        ? `Row ${first.row} is a report's total ("${shownCell(first.label)}"): the sum of the rows above it, not a sale; left out`
        : `${this.totalRows} rows are a report's totals (the sum of the rows above them), not sales, and were left out: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    return { code: TOTAL_ROW, column: '', firstRow: first.row, message };
  }

  /** The row is kept: a warning about one of its cells. */
  rowWarning(row: number, issue: RowIssue): void {
    const column = this.header(issue.col);
    this.log.add({
      severity: 'warning',
      code: issue.code,
      row,
      column,
      message: cellMessage(row, column, issue.detail),
    });
  }
}
