// The one argv parser of the Node entries (`skucast`, `npm run gen|train|eval`):
// positionals plus `--name value` / `--name=value` options (repeatable) for
// the names a caller declares as valued; any other `--name` is a flag. Unknown
// flags are kept so each command can reject them with its own usage text.

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

/** The last value given for `--name`, if any. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

/** A bad option value; the message names the option and says what it takes. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/** The values an integer option takes, and their unit for the message ("weeks"). */
export interface IntBounds {
  min?: number;
  max?: number;
  unit?: string;
}

/**
 * `--name N` as an integer (digits, with a minus sign where `min` allows one)
 * from `min` to `max`; `fallback` when absent. The one integer-option parser of
 * the Node entries; a bad value throws OptionError.
 */
export function intOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity, unit }: IntBounds = {},
): number {
  const text = optionValue(args, name);
  if (text === undefined) return fallback;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (n >= min && n <= max) return n;
  const kind = min >= 0 ? `a whole number${unit === undefined ? '' : ` of ${unit}`}` : 'an integer';
  const from = Number.isFinite(min) ? ` from ${min}` : '';
  const to = Number.isFinite(max) ? ` to ${max}` : from && ' up';
  throw new OptionError(`--${name} must be ${kind}${from}${to}, got "${text}"`);
}

/** The first flag not in `known`, as a problem: an unknown option, or a valued one without its value. */
function flagProblem(args: ParsedArgs, known: readonly string[]): string | null {
  for (const f of args.flags) {
    if (known.includes(f)) continue;
    return args.options.has(f) ? `--${f} needs a value` : `unknown option --${f}`;
  }
  return null;
}

/** `--help` or `-h`. */
export function wantsHelp(args: ParsedArgs): boolean {
  return args.flags.has('help') || args.flags.has('h');
}

/** What is wrong with the line of a `skucast` command that reads one FILE; null when nothing. */
export function oneFileProblem(
  args: ParsedArgs,
  knownFlags: readonly string[] = [],
): string | null {
  const n = args.positionals.length;
  return (
    flagProblem(args, ['help', 'h', ...knownFlags]) ??
    (n === 0 ? 'missing FILE' : n > 1 ? 'expected exactly one FILE' : null)
  );
}

/**
 * For scripts with a fixed set of options: throws on a positional, an unknown
 * flag or a valued option given without its value.
 */
export function rejectUnknown(args: ParsedArgs, knownFlags: readonly string[] = []): void {
  const positional = args.positionals[0];
  const problem =
    positional === undefined ? flagProblem(args, knownFlags) : `unexpected argument ${positional}`;
  if (problem !== null) throw new Error(problem);
}
