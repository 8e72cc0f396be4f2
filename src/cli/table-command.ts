// What the commands that run on a sales file's weekly table (weekly, forecast,
// backtest and its scores) share around their own work: one command line,
// the file read as its options and profile say, and the end when the file
// holds no sku.
import type { ParsedArgs } from '../node/args';
import { oneFileCommandLine, UsageError, type CliIo } from './command';
import { EXIT_USAGE } from './exit-codes';
import { INGEST_OPTIONS, ingestOptions } from './ingest-option';
import { NAMES_OPTIONS } from './names-option';
import { PROFILE_OPTIONS, profileRun, type ProfileRun } from './profile-option';
import { RUN_FLAGS, RUN_OPTIONS } from './run-options';
import { SHARD_OPTIONS } from './shard-option';

/**
 * The command line: `own` options, then those of reading the file (ingest,
 * profile), naming its columns, sharding it and judging the run.
 */
export function tableCommandLine(
  argv: readonly string[],
  own: readonly string[],
  usage: string,
  io: CliIo,
): ParsedArgs | null {
  return oneFileCommandLine(
    argv,
    [
      ...own,
      ...INGEST_OPTIONS,
      ...PROFILE_OPTIONS,
      ...NAMES_OPTIONS,
      ...SHARD_OPTIONS,
      ...RUN_OPTIONS,
    ],
    usage,
    io,
    RUN_FLAGS,
  );
}

/** How FILE is to be read: the reading options over the profile; a bad one is a usage error. */
export function readingProfile(args: ParsedArgs): ProfileRun {
  const flags = ingestOptions(args);
  if (typeof flags === 'string') throw new UsageError(flags);
  return profileRun(args, flags);
}

/** A file with no sku to go on: stderr says what was read and why rows were left out. */
export function endWithoutSkus(notes: readonly string[], io: CliIo): number {
  io.err(notes.join('\n') + '\n');
  return EXIT_USAGE;
}
