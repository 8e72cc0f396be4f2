// `skucast backtest FILE --shard K/N --format scores`: one shard's part of
// auto's backtest (every candidate on each of its skus, per horizon block)
// with the run it belongs to, as lines of JSON on stdout for `skucast
// choose` (src/core/shards/choose.ts says why points and not sums).
import { fileURLToPath } from 'node:url';
import { backtestShard } from '../core/forecast-library';
import type { ShardScores } from '../core/shards/choose';
import { shardTable } from '../core/shards/shard-table';
import { optionValue, type ParsedArgs } from '../node/args';
import { UsageError, writeChunks, type CliIo } from './command';
import { horizonOption, libraryRun, startTcnFor, tableHashOf } from './forecast-command';
import { parseModelList } from './model-choice';
import { skippedVerdict, type RunOptions } from './run-options';
import { startShardPool } from './shard-host';
import { shardLine, shardOption } from './shard-option';
import { readSalesFile } from './weekly-command';
import { endWithoutSkus, readingProfile } from './table-command';
import { scoresLines } from './shard-files';

/** backtest's options that --format scores does not take: it backtests as forecast's auto does. */
const NOT_WITH_SCORES = ['windows', 'step', 'models', 'summary', 'names'];

export async function runScores(args: ParsedArgs, script: RunOptions, io: CliIo): Promise<number> {
  const wrong = NOT_WITH_SCORES.find((o) => args.options.has(o));
  if (wrong !== undefined)
    throw new UsageError(
      `--${wrong} does not go with --format scores, which backtests as skucast forecast's auto does (--model, --horizon)`,
    );
  const shard = shardOption(args) ?? { index: 0, count: 1 };
  const h = horizonOption(args);
  const profile = readingProfile(args);
  const [requested = 'auto', ...more] = parseModelList(
    optionValue(args, 'model') ?? 'auto',
    'model',
  );
  if (more.length > 0) throw new UsageError('--model takes one model (auto chooses among all)');
  const tcn = await startTcnFor(requested, h, optionValue(args, 'model-file'));
  const pool = startShardPool(fileURLToPath(import.meta.url));
  let stopped: Promise<unknown> | undefined;
  const stopThreads = (): Promise<unknown> =>
    (stopped ??= Promise.all([tcn?.host.dispose(), pool.dispose()]));
  try {
    const { table, notes } = await readSalesFile(args.positionals[0] as string, profile, io);
    if (table.series.length === 0) return endWithoutSkus(notes, io);
    const tableHash = tableHashOf(table);
    const part = shardTable(table, shard);
    notes.push(shardLine(shard, part.table.series.length, part.total));
    const { table: ready, opts } = await libraryRun(part.table, {
      model: requested,
      horizon: h,
      population: table,
      ...(tcn ? { tcn } : {}),
      crossValidate: pool.crossValidate,
      onBacktestsDone: async () => void (await stopThreads()),
    });
    const shardRun = await backtestShard(ready, opts);
    const scores: ShardScores = {
      run: {
        table_hash: tableHash,
        skus_total: part.total,
        horizon: shardRun.horizon,
        model: shardRun.requested,
        measure: table.report.measure ?? 'amount',
        last_complete_week: shardRun.lastCompleteWeek,
      },
      shard,
      skus: shardRun.series.map((series, i) => ({ index: part.indices[i] as number, series })),
      blocks: shardRun.blocks,
    };
    await writeChunks(io, scoresLines(scores));
    const verdict = skippedVerdict(table, script);
    if (verdict.line !== undefined) notes.push(verdict.line);
    io.err(notes.join('\n') + '\n');
    return verdict.code;
  } finally {
    await stopThreads();
  }
}
