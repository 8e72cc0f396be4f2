// Collects issues with a cap on how many are kept (a broken 1M-row file must
// not produce a 1M-entry report) while keeping every count exact.
import type { IngestIssue } from '../types';

export class IssueLog {
  readonly kept: IngestIssue[] = [];
  /** File-wide notes (conventions seen, date order); always kept, listed first. */
  readonly notes: IngestIssue[] = [];
  count = 0;
  readonly skippedByReason: Record<string, number> = {};
  hasFileError = false;

  constructor(private readonly max: number) {}

  add(issue: IngestIssue): void {
    this.count++;
    if (issue.severity === 'error' && issue.row === undefined) this.hasFileError = true;
    if (this.kept.length < this.max) this.kept.push(issue);
  }

  note(issue: IngestIssue): void {
    this.count++;
    if (issue.severity === 'error' && issue.row === undefined) this.hasFileError = true;
    this.notes.push(issue);
  }

  /**
   * A problem with the file as a whole (not UTF-8, no date column, …): noted
   * first in the report, and reading stops (hasFileError).
   */
  fileError(code: string, message: string, column?: string): void {
    this.note({ severity: 'error', code, message, ...(column !== undefined && { column }) });
  }

  skipped(code: string, rows = 1): void {
    this.skippedByReason[code] = (this.skippedByReason[code] ?? 0) + rows;
  }

  /** Notes first, then row issues, capped at max overall. */
  all(): IngestIssue[] {
    const out = this.notes.concat(this.kept);
    return out.length > this.max ? out.slice(0, Math.max(this.max, this.notes.length)) : out;
  }
}
