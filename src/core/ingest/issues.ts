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

/** Longest cell text quoted in a message; a longer one is cut with '…'. */
const SHOWN_CHARS = 60;
// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** True when `text` holds a control character no sales value has (NUL, escape, …). */
export function hasControlChar(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/**
 * A cell's text as a message quotes it: trimmed, cut to a readable length,
 * control characters shown as \u escapes (a NUL must not reach a terminal).
 */
export function shownCell(text: string): string {
  let t = text.trim();
  if (t.length > SHOWN_CHARS) t = `${t.slice(0, SHOWN_CHARS)}… (${t.length} characters)`;
  CONTROL.lastIndex = 0;
  return t.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
