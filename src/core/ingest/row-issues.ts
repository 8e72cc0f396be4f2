// Issues about one row: every message starts `Row N, column "…": ` (or
// `Row N ` for the row as a whole), built here once, so a reader only says
// what was wrong with the cell (the data contract, ../shared/design/CONTRACT.md §5).
import type { IssueLog } from './issues';

/** What is wrong with a cell (or with a whole row, when `col` is -1). */
export interface RowIssue {
  code: string;
  /** Column index in the header row; -1 for the row as a whole. */
  col: number;
  /** The message after its prefix: `empty; expected a product id`. */
  detail: string;
}

/** A row skipped as a report's total: the sum of rows above it. */
export const TOTAL_ROW = 'total-row';

/** A row issue's message: `Row 3, column "Date": ` then the detail. */
export function cellMessage(row: number, column: string, detail: string): string {
  return `Row ${row}, column "${column}": ${detail}`;
}

/** Row issues into the log, columns named by the header row. */
export class RowIssues {
  constructor(
    private readonly log: IssueLog,
    private readonly headers: readonly string[],
  ) {}

  /** A column's header name; '' for -1 (a role the file does not have). */
  header(col: number): string {
    return this.headers[col] ?? '';
  }

  /** The row is skipped: an error (a report's total row, expected, a warning), counted under its code. */
  rowError(row: number, issue: RowIssue): void {
    const { code, col, detail } = issue;
    this.log.add({
      severity: code === TOTAL_ROW ? 'warning' : 'error',
      code,
      row,
      ...(col >= 0 && { column: this.header(col) }),
      message: col >= 0 ? cellMessage(row, this.header(col), detail) : `Row ${row} ${detail}`,
    });
    this.log.skipped(code);
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
