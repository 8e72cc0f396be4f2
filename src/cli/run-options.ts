// The options of every command that reads a sales file and writes a result,
// for scripts: how many skipped rows a run tolerates (--max-skipped, --strict),
// whether timings go into the output (--timings), and whether CSV cells are
// written as read (--raw-cells).
import { intOption, type ParsedArgs } from '../node/args';
import { csvCell, rawCsvCell } from '../core/exports';
import type { WeeklyTable } from '../core/types';
import { EXIT_OK, EXIT_TOO_MANY_SKIPPED } from './exit-codes';

/** Options that take a value. */
export const RUN_OPTIONS = ['max-skipped'];
/** Options that are flags. */
export const RUN_FLAGS = ['strict', 'timings', 'raw-cells'];

export const RUN_USAGE = `  --max-skipped N     exit with code 3 when more than N rows are skipped
                      (the output is still written); default: no limit
  --strict            the same as --max-skipped 0
  --raw-cells         CSV cells exactly as read: a sku "=1+2" stays =1+2
                      (default: a cell a spreadsheet would run as a formula
                      gets a leading ', as '=1+2)
  --timings           put timings in the output (they differ on every run);
                      default: on stderr only, so reruns write the same bytes
  -                   as FILE: read standard input; a gzip-compressed FILE
                      (or stdin) is decompressed`;

export interface RunOptions {
  /** Skipped rows tolerated before the exit code says so; undefined: any number. */
  maxSkipped?: number;
  timings: boolean;
  /** How a text cell of the CSV outputs is written. */
  cell: (value: string) => string;
}

export function runOptions(args: ParsedArgs): RunOptions {
  const limit = intOption(args, 'max-skipped', -1, { min: 0, unit: 'rows' });
  const maxSkipped = args.flags.has('strict') ? 0 : limit >= 0 ? limit : undefined;
  return {
    ...(maxSkipped !== undefined && { maxSkipped }),
    timings: args.flags.has('timings'),
    cell: args.flags.has('raw-cells') ? rawCsvCell : csvCell,
  };
}

/**
 * The exit code of a run that wrote its output, and its stderr line when the
 * skipped rows are over the limit.
 */
export function skippedVerdict(
  table: WeeklyTable,
  opts: RunOptions,
): { code: number; line?: string } {
  const skipped = table.report.rowsSkipped;
  if (opts.maxSkipped === undefined || skipped <= opts.maxSkipped) return { code: EXIT_OK };
  return {
    code: EXIT_TOO_MANY_SKIPPED,
    line: `skipped: ${skipped} rows skipped, more than the ${opts.maxSkipped} allowed (--max-skipped); exit code ${EXIT_TOO_MANY_SKIPPED}`,
  };
}
