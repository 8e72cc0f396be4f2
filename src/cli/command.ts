// What a `skucast` command is: main.ts dispatches to these.

/** Where a command writes: stdout for results, stderr for issues and notes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
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
