// `--format parquet` on weekly and forecast: the output is a binary file, so
// it goes to a file or a pipe, never onto a terminal as garbage.
import { UsageError } from './command';

export const PARQUET_USAGE_NOTE = `parquet (binary: the same columns, typed:
                      week_start a DATE, counts INT32, values DOUBLE, names
                      STRING; send stdout to a file, > out.parquet)`;

/** A usage error when stdout is a terminal: Parquet is for a file or a pipe. */
export function checkBinaryStdout(isTerminal = process.stdout.isTTY === true): void {
  if (isTerminal) {
    throw new UsageError(
      '--format parquet writes a binary file: send stdout to a file (> forecast.parquet) or a pipe',
      false,
    );
  }
}
