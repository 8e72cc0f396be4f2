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

/**
 * A return: a negative quantity, kept as negative sales. A file of order
 * lines may have thousands; they are told of in one warning per file
 * (returnsNote), not one each, so the warnings a planner should read are not
 * drowned by them.
 */
export const RETURN_ROW = 'negative-quantity';

/** Rows named one by one in a warning that tells of many. */
const ROWS_NAMED = 3;

/** Rows told of in one warning: how many, and the first few. */
export class RowTally {
  count = 0;
  readonly named: { row: number; label: string }[] = [];

  add(row: number, label: string): void {
    this.count++;
    if (this.named.length < ROWS_NAMED) this.named.push({ row, label });
  }

  /** `row 5 (…), row 9 (…), row 13 (…) and 55 more`, each label as `show` puts it. */
  list(show: (label: string) => string): string {
    const named = this.named.map((t) => `row ${t.row} (${show(t.label)})`);
    const more = this.count - named.length;
    return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  }
}

/** A row issue's message: `Row 3, column "Date": ` then the detail. */
export function cellMessage(row: number, column: string, detail: string): string {
  return `Row ${row}, column "${column}": ${detail}`;
}

/** Row issues into the log, columns named by the header row. */
export class RowIssues {
  /** Total rows left out (TOTAL_ROW), for their one warning. */
  private readonly totals = new RowTally();
  /** Returns kept (RETURN_ROW), for their one warning. */
  private readonly returns = new RowTally();
  /** The first return's column, whole detail (its warning were it alone) and unit. */
  private firstReturn = { col: -1, detail: '', countedAs: '' };

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
      this.totals.add(row, detail);
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
    const totals = this.totals;
    const first = totals.named[0];
    if (first === undefined) return null;
    const message =
      totals.count === 1
        ? `Row ${first.row} is a report's total ("${shownCell(first.label)}"): the sum of the rows above it, not a sale; left out`
        : `${totals.count} rows are a report's totals (the sum of the rows above them), not sales, and were left out: ${totals.list((label) => `"${shownCell(label)}"`)}`;
    return { code: TOTAL_ROW, column: '', firstRow: first.row, message };
  }

  /**
   * A return kept: `shown` is its quantity (and its sales, when money is
   * forecast), `detail` its warning were it the file's only one, `countedAs`
   * what it is counted as (`units`, `sales`).
   */
  returnRow(row: number, issue: RowIssue, shown: string, countedAs: string): void {
    if (this.returns.count === 0)
      this.firstReturn = { col: issue.col, detail: issue.detail, countedAs };
    this.returns.add(row, shown);
  }

  /** One warning for the returns kept, or null when there were none. */
  returnsNote(): ConventionNote | null {
    const returns = this.returns;
    const first = returns.named[0];
    if (first === undefined) return null;
    const { col, detail, countedAs } = this.firstReturn;
    const column = this.header(col);
    const message =
      returns.count === 1
        ? cellMessage(first.row, column, detail)
        : `${returns.count} rows are returns (a negative "${column}"), kept and counted as negative ${countedAs}: ${returns.list((label) => label)}`;
    return { code: RETURN_ROW, column, firstRow: first.row, message };
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
