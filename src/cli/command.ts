// What a `skucast` command is: main.ts dispatches to these.
import { oneFileProblem, parseArgs, wantsHelp, type ParsedArgs } from '../node/args';

/** Where a command writes: stdout for results, stderr for issues and notes. */
export interface CliIo {
  out(text: string): void;
  /** Binary results (a Parquet file's bytes) on stdout; absent where only text can go. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Resolves once stdout can take more (backpressure); absent: writes never wait. */
  drained?(): Promise<void>;
}

/**
 * Writes a result chunk by chunk, waiting for stdout to drain between chunks:
 * a table too large for one string still prints, in bounded memory.
 */
export async function writeChunks(io: CliIo, chunks: Iterable<string>): Promise<void> {
  await drainEach(io, chunks, (c) => io.out(c));
}

/** writeChunks for binary output: a Parquet file, a row group at a time. */
export async function writeByteChunks(io: CliIo, chunks: Iterable<Uint8Array>): Promise<void> {
  const put = io.outBytes;
  if (!put) throw new Error('this output takes text only');
  await drainEach(io, chunks, put);
}

async function drainEach<T extends { length: number }>(
  io: CliIo,
  chunks: Iterable<T>,
  put: (chunk: T) => void,
): Promise<void> {
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    put(chunk);
    if (io.drained) await io.drained();
  }
}

/** One `skucast <name>` command; main.ts keeps a record of them. */
export interface Command {
  name: string;
  /** One line for `skucast help`. */
  summary: string;
  /** Usage text shown by `skucast <name> --help` and on usage errors. */
  usage: string;
  /** Resolves to the exit code: 0 ok, 2 usage or input error. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A usage or input problem: message for stderr, exit code 2 (with the usage text when it helps). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command line of a command that reads one FILE, with `valued` its options
 * that take a value and `flags` those that do not: null when it asks for help
 * (the usage is then on stdout); a line without its one FILE or with an
 * unknown option throws UsageError.
 */
export function oneFileCommandLine(
  argv: readonly string[],
  valued: readonly string[],
  usage: string,
  io: CliIo,
  flags: readonly string[] = [],
): ParsedArgs | null {
  const args = parseArgs(argv, valued);
  if (wantsHelp(args)) {
    io.out(usage + '\n');
    return null;
  }
  const problem = oneFileProblem(args, flags);
  if (problem !== null) throw new UsageError(problem);
  return args;
}
