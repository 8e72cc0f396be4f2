// What the report's row counts count, shared by the CLI's summary line and
// the page's (both say "values … from N rows" where rows held several).
import type { IngestReport } from './types';

/**
 * The file's own rows behind the report's counts, when each held several
 * values (a wide sheet, months spread over weeks) so the counts are values;
 * undefined when they are rows.
 */
export function rowsBehindValues(r: IngestReport): number | undefined {
  return r.fileRows !== undefined && r.fileRows !== r.rowsRead ? r.fileRows : undefined;
}
