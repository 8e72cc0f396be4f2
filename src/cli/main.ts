// `skucast <command> ...`: a dispatcher over a record of commands.
// To add a command, import it and add one entry to COMMANDS.
import { errorText } from '../core/error-text';
import type { CliIo, Command } from './command';
import { weeklyCommand } from './weekly-command';
import { forecastCommand } from './forecast-command';
import { backtestCommand } from './backtest-command';
import { serveCommand } from './serve/serve-command';
import { overrideCommand } from './override-command';
import { fvaCommand } from './fva-command';
import { chooseCommand } from './choose-command';
import { eventCommand } from './event-command';
import { EXIT_CODES_USAGE } from './exit-codes';
import { packageVersion } from './package-version';

export type { Command, CliIo } from './command';

const COMMANDS: Record<string, Command> = {
  [weeklyCommand.name]: weeklyCommand,
  [forecastCommand.name]: forecastCommand,
  [backtestCommand.name]: backtestCommand,
  [chooseCommand.name]: chooseCommand,
  [serveCommand.name]: serveCommand,
  [overrideCommand.name]: overrideCommand,
  [eventCommand.name]: eventCommand,
  [fvaCommand.name]: fvaCommand,
};

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.values(COMMANDS)
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `usage: skucast <command> [args]\n\ncommands:\n${list}\n  ${'help'.padEnd(width)}  show this help (skucast <command> --help for a command)\n\n  --version  print the version of skucast\n\n${EXIT_CODES_USAGE}\n`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    io.out(packageVersion() + '\n');
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(helpText());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`skucast: unknown command "${name}"\n${helpText()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Commands report problems as issues; reaching here is a bug, not user error.
    io.err(`skucast ${name}: internal error: ${errorText(e)}\n`);
    return 1;
  }
}

let stdoutFull = false;
const write = (data: string | Uint8Array): void => {
  if (!process.stdout.write(data)) stdoutFull = true;
};
const io: CliIo = {
  out: write,
  outBytes: write,
  err: (text) => void process.stderr.write(text),
  drained: () => {
    if (!stdoutFull) return Promise.resolve();
    stdoutFull = false;
    return new Promise((resolve) => process.stdout.once('drain', resolve));
  },
};
// A reader that stops early (`skucast weekly big.csv | head`) closes the pipe:
// the output is not wanted any more, which is no error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE')
    process.stderr.write(`skucast: cannot write the output (${e.code ?? e.message})\n`);
  process.exit(e.code === 'EPIPE' ? 0 : 1);
});
process.exitCode = await main(process.argv.slice(2), io);
