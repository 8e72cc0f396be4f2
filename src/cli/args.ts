// Tiny argv parser: positionals plus `--flag value` / `--flag=value` options
// (repeatable). Unknown flags are kept so each command can reject them itself.

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  /** Flags given without a value (`--help`). */
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[], valued: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') || (arg.startsWith('-') && arg.length === 2)) {
      const eq = arg.indexOf('=');
      const name = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
      if (!valued.includes(name)) {
        flags.add(name);
        continue;
      }
      let value: string | undefined;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      const list = options.get(name) ?? [];
      if (value !== undefined) list.push(value);
      else flags.add(name);
      options.set(name, list);
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, options, flags };
}

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
