// `skucast choose SCORES...`: every shard's scores (`skucast backtest FILE
// --shard K/N --format scores`) reduced to the choice a single run over every
// sku makes (src/core/shards/choose.ts), as JSON on stdout, for `skucast
// forecast FILE --shard K/N --choice choice.json`.
import { chooseOverShards } from '../core/shards/choose';
import { parseArgs, wantsHelp } from '../node/args';
import { UsageError, writeChunks, type CliIo } from './command';
import { EXIT_CODES_USAGE } from './exit-codes';
import { choiceText, readScoresFile } from './shard-files';
import { userCommand } from './user-errors';

const USAGE = `usage: skucast choose SCORES... > choice.json

Reduces the scores of every shard of a batch job (skucast backtest FILE
--shard K/N --format scores, one file per shard, in any order) to the model
choice, the p10-p90 band's calibration and the category totals a single run
over every sku would make, exactly. Each shard then forecasts its skus with
skucast forecast FILE --shard K/N --choice choice.json; their CSVs together
are the single run's, line for line.

Refused (exit 2): scores of different files or runs (horizon, model,
measure), a shard given twice or missing.

${EXIT_CODES_USAGE}`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, []);
  if (wantsHelp(args)) {
    io.out(USAGE + '\n');
    return 0;
  }
  const unknown = [...args.flags].find((f) => f !== 'help' && f !== 'h');
  if (unknown !== undefined) throw new UsageError(`unknown option --${unknown}`);
  if (args.positionals.length === 0) throw new UsageError('missing SCORES (one file per shard)');
  const shards = [];
  for (const path of args.positionals) shards.push(await readScoresFile(path));
  const doc = chooseOverShards(shards);
  await writeChunks(io, [choiceText(doc)]);
  const first = doc.blocks[0];
  const chosen = first?.evidence.chosen.join(', ') ?? '';
  io.err(
    `choose: ${doc.shards} shard${doc.shards === 1 ? '' : 's'}, ${doc.run.skus_total.toLocaleString('en-US')} skus, ` +
      `${doc.blocks.length} horizon block${doc.blocks.length === 1 ? '' : 's'}; weeks 1-${first?.to ?? 0}: ${chosen}\n`,
  );
  return 0;
}

export const chooseCommand = userCommand(
  'choose',
  "reduce the shards' backtest scores of a batch job to one model choice",
  USAGE,
  run,
);
