// How `skucast forecast`, `backtest` and `weekly` end on a problem the user can
// fix (a bad option, an unusable file, a model file that cannot be read): one
// line on stderr, the usage text where it helps, exit code 2. Anything else is
// a bug and goes up to main.ts, which says so.
import { ExportError } from '../core/exports';
import { ForecastError } from '../core/forecast';
import { OptionError } from '../node/args';
import { ModelRunnerError } from '../runtime/model-runner';
import { UsageError, type CliIo, type Command } from './command';
import { ModelFileError } from './model-host';
import { ShardError } from '../core/shards/choose';

export async function reportingUserErrors(
  name: string,
  usage: string,
  io: CliIo,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError) {
      const showUsage = e instanceof OptionError || e.showUsage;
      io.err(`skucast ${name}: ${e.message}\n${showUsage ? usage + '\n' : ''}`);
      return 2;
    }
    if (
      e instanceof ForecastError ||
      e instanceof ExportError ||
      e instanceof ModelRunnerError ||
      e instanceof ModelFileError ||
      e instanceof ShardError
    ) {
      io.err(`skucast ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** A `skucast` command whose problems the user can fix end as `reportingUserErrors` says. */
export function userCommand(
  name: string,
  summary: string,
  usage: string,
  run: (argv: string[], io: CliIo) => Promise<number>,
): Command {
  return {
    name,
    summary,
    usage,
    run: (argv, io) => reportingUserErrors(name, usage, io, () => run(argv, io)),
  };
}
