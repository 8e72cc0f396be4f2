// `skucast forecast FILE [--model auto|ALIAS] [--horizon N] [--format
// csv|json|seed-json] [--products 0,2,5] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD]
// [--measure units|amount] [--layout L]
// [--model-file models/tcn.json]`: forecasts on stdout, issues and notes on
// stderr. Node side of the same pipeline the app runs: ingest ->
// forecastWithLibrary -> exports, the TCN in onnxruntime-web's WASM backend.
import {
  forecastCsvChunks,
  forecastJsonChunks,
  forecastToSeedJson,
  parseProductIds,
  type ExportMeta,
} from '../core/exports';
import { DEFAULT_HORIZON, MAX_HORIZON, type ForecastResult } from '../core/forecast';
import { forecastWithLibrary, type LibraryForecastOptions } from '../core/forecast-library';
import type { WeeklyTable } from '../core/types';
import type { Provider } from '../runtime/model-runner';
import { intOption, optionValue, type ParsedArgs } from '../node/args';
import { basename } from 'node:path';
import { UsageError, writeByteChunks, writeChunks, type CliIo, type Command } from './command';
import { forecastParquetChunks } from '../core/parquet-output';
import { checkBinaryStdout, PARQUET_USAGE_NOTE } from './parquet-format';
import {
  defaultDescriptorPath,
  isNetwork,
  MODEL_CHOICES,
  parseModelList,
  startTcn,
  type TcnHandle,
} from './model-choice';
import { isModelHostThread, serveModelHost } from './model-host';
import { reportingUserErrors } from './user-errors';
import { INGEST_USAGE } from './ingest-option';
import { readSalesFile } from './weekly-command';
import { endWithoutSkus, readingProfile, tableCommandLine } from './table-command';
import { isShardHostThread, serveShardHost, startShardPool } from './shard-host';
import { leanHeapFor } from './lean-heap';
import { isSequenceInput } from '../core/features';
import { measuredTable, releaseSideColumns } from '../core/ingest/weekly-table';
import { fileURLToPath } from 'node:url';
import { RUN_USAGE, runOptions, skippedVerdict } from './run-options';
import { EXIT_CODES_USAGE } from './exit-codes';
import { SEED_ID_MAX, SEED_ID_MIN } from '../core/exports';
import { PROFILE_USAGE } from './profile-option';
import { namedCsv, NAMES_USAGE, namesNote, namesOption } from './names-option';
import { decisionsOf } from '../core/decisions';
import { planFromForecast, planInputs, planToJson } from '../core/plan/plan';
import { STDIN_PATH } from '../node/read-file';
import { statSync } from 'node:fs';
import { planNow, readPlanFile } from './plan-file';
import { keepLocked } from '../core/plan/overrides';
import type { ChoiceDoc } from '../core/shards/choose';
import { shardTable } from '../core/shards/shard-table';
import type { ModelAlias } from '../core/models/types';
import { readChoiceFile } from './shard-files';
import { SHARD_USAGE, shardLine, shardOption } from './shard-option';

const FORMATS = ['csv', 'json', 'seed-json', 'plan', 'parquet'] as const;
/** What `render` writes (a plan needs the table as well, Parquet is bytes: written in `run`). */
export type Format = Exclude<(typeof FORMATS)[number], 'plan' | 'parquet'>;

const USAGE = `usage: skucast forecast FILE [--model auto|ALIAS] [--horizon N] [--format csv|json|seed-json|plan|parquet] [--keep-locked PLAN] [--products 0,2,5] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD] [--layout L] [--profile FILE] [--save-profile FILE] [--names N] [--shard K/N --choice FILE]

Forecasts weekly sales per sku (p10/p50/p90) for the weeks after the last
complete week of FILE. Results go to stdout, issues and notes to stderr.

  --model M           auto (default): backtest every model on each sku's own
                      recent weeks and forecast with the mean of the best 3;
                      or one of ${MODEL_CHOICES.filter((m) => m !== 'auto').join(', ')}
  --horizon N         weeks to forecast, 1-${MAX_HORIZON} (default ${DEFAULT_HORIZON}; tcn: at most 26)
  --format F          csv (default: one row per sku and week), json (rows plus
                      run metadata, model choice and category totals), seed-json
                      (the seed API's response: {"2": {"week_0": "61.45", ...}}),
                      plan (a skucast-plan/1 document, docs/plan.schema.json,
                      for skucast override, event and fva; created_at from
                      SOURCE_DATE_EPOCH when set), ${PARQUET_USAGE_NOTE}
  --keep-locked PLAN  with --format plan: a re-forecast that keeps PLAN's
                      locked sku weeks still ahead, its events and its audit
  --products IDS      seed product ids 0-14, comma separated (seed-json only),
                      as the seed's metadata.product_id; default: all in FILE
${INGEST_USAGE}
${PROFILE_USAGE}
${NAMES_USAGE}
  --model-file PATH   TCN descriptor (default: models/tcn.json of the package)
${SHARD_USAGE}
  --choice FILE       with --shard: the choice skucast choose made from every
                      shard's backtest --format scores; only its models run,
                      and its band and totals are the whole file's (horizon
                      and model from it)
${RUN_USAGE}

The p10-p90 band comes from each forecast's own errors on the backtest weeks:
about 8 in 10 future weeks should fall inside it. The JSON carries
schema_version (docs/forecast.schema.json); seed-json is the seed API's shape.

${EXIT_CODES_USAGE}`;

/** `--horizon` as the CLI reads it; `skucast serve` reads its form field the same way. */
export function horizonOption(args: ParsedArgs): number {
  return intOption(args, 'horizon', DEFAULT_HORIZON, { min: 1, max: MAX_HORIZON, unit: 'weeks' });
}

function parseFormat(values: string[] | undefined): (typeof FORMATS)[number] {
  const text = values?.at(-1) ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${text}"`);
  }
  return text as (typeof FORMATS)[number];
}

export function render(
  result: ForecastResult,
  format: Format,
  products: number[] | undefined,
  meta: ExportMeta,
  cell?: (value: string) => string,
): Iterable<string> {
  // CSV and JSON grow with skus × weeks: written in chunks. The seed's JSON has 15 products at most.
  if (format === 'csv') return forecastCsvChunks(result, undefined, cell);
  if (format === 'json') return forecastJsonChunks(result, meta);
  return [forecastToSeedJson(result, products)];
}

/**
 * Why seed-json cannot answer for this file (none of its skus is one of the
 * seed's products), or null: an empty `{}` would read as "nothing to forecast".
 */
export function seedJsonProblem(skus: readonly { seed_id: number }[]): string | null {
  if (skus.some((s) => s.seed_id >= SEED_ID_MIN && s.seed_id <= SEED_ID_MAX)) return null;
  return (
    `--format seed-json answers for the seed's products (category and unit price of the seed ` +
    `table, ids ${SEED_ID_MIN}-${SEED_ID_MAX}); this file has none: use --format csv or json`
  );
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = tableCommandLine(
    argv,
    ['horizon', 'format', 'products', 'keep-locked', 'model', 'model-file', 'choice'],
    USAGE,
    io,
  );
  if (args === null) return 0;
  const script = runOptions(args);
  // Checked before the (long) read of the file: a typo should fail fast.
  const h = horizonOption(args);
  const format = parseFormat(args.options.get('format'));
  if (format === 'parquet') checkBinaryStdout();
  const productsText = args.options.get('products');
  if (productsText !== undefined && format !== 'seed-json') {
    throw new UsageError('--products selects seed product ids and needs --format seed-json');
  }
  const products = productsText === undefined ? undefined : parseProductIds(productsText.join(','));
  const keepPath = optionValue(args, 'keep-locked');
  if (keepPath !== undefined && format !== 'plan') {
    throw new UsageError('--keep-locked re-forecasts a plan and needs --format plan');
  }
  // Read (and checked) before the long forecast: a bad PLAN fails fast.
  const previous = keepPath === undefined ? undefined : readPlanFile(keepPath);
  const names = namesOption(args);
  const profile = readingProfile(args);
  const shard = shardOption(args);
  const choicePath = optionValue(args, 'choice');
  if (shard && choicePath === undefined) {
    throw new UsageError(
      "--shard needs --choice choice.json: the model choice and the band are pooled over every sku, so each shard forecasts with the choice skucast choose made from every shard's backtest --format scores",
    );
  }
  if (choicePath !== undefined && format !== 'csv' && format !== 'json') {
    throw new UsageError("--choice writes a shard's forecasts as csv or json");
  }
  // Read (and checked) before the long read of the file.
  const choice = choicePath === undefined ? undefined : readChoiceFile(choicePath);
  const modelText = optionValue(args, 'model') ?? choice?.run.model ?? 'auto';
  const [requested = 'auto', ...more] = parseModelList(modelText, 'model');
  if (more.length > 0) throw new UsageError('--model takes one model (auto chooses among all)');
  if (choice) checkChoiceRun(choice, requested, args.options.has('horizon') ? h : undefined);
  const horizon = choice?.run.horizon ?? h;

  // The TCN loads (in a worker thread) while the file is read and parsed, when the run can use it.
  const t0 = performance.now();
  const tcn =
    !choice || choiceUses(choice, 'tcn') || choiceUses(choice, 'tcn_tuned')
      ? await startTcnFor(requested, horizon, optionValue(args, 'model-file'))
      : undefined;
  const pool = startShardPool(fileURLToPath(import.meta.url));
  // Once, when the backtests are done or at the end: the threads (the TCN's
  // WASM heap, the shard worker's heap; about 120 MB at the table cap) are not
  // kept while the forecasts are finished and written.
  let stopped: Promise<unknown> | undefined;
  const stopThreads = (): Promise<unknown> =>
    (stopped ??= Promise.all([tcn?.host.dispose(), pool.dispose()]));
  try {
    const file = args.positionals[0] as string;
    leanHeapFor(file);
    const { table, notes } = await readSalesFile(file, profile, io);
    const ingestMs = performance.now() - t0;
    const namesLine = namesNote(names, format);
    if (namesLine !== null) notes.push(namesLine);
    if (table.series.length === 0) return endWithoutSkus(notes, io);
    // Before the (long) forecast: the answer would be an empty {}.
    const seedProblem = format === 'seed-json' ? seedJsonProblem(table.series) : null;
    if (seedProblem !== null) {
      io.err(notes.join('\n') + '\n');
      throw new UsageError(seedProblem, false);
    }
    // Read before the forecast, which releases the table's side columns.
    const planInput = format === 'plan' ? planInputs(measuredTable(table)) : undefined;
    if (choice && tableHashOf(table) !== choice.run.table_hash) {
      throw new UsageError(
        `${basename(file)} is not the file (or not read the way) the choice was made from: its weekly table differs`,
        false,
      );
    }
    const part = shard ? shardTable(table, shard) : undefined;
    if (shard && part) notes.push(shardLine(shard, part.table.series.length, part.total));
    if (part && part.table.series.length === 0) {
      io.err(notes.join('\n') + '\n');
      return 0;
    }
    const { result, loaded } = await forecastTable(part?.table ?? table, {
      model: requested,
      horizon,
      ...(part ? { population: table } : {}),
      ...(choice ? { shardChoice: choice.blocks } : {}),
      ...(tcn ? { tcn } : {}),
      crossValidate: pool.crossValidate,
      onBacktestsDone: async () => void (await stopThreads()),
    });
    for (const s of result.skus) {
      if (s.note) notes.push(`note: ${s.sku}: ${s.note}`);
    }
    const sel = result.metadata.selection;
    if (sel) notes.push(`model: ${selectionLine(sel)}`);
    const timings = { ingestMs, ...(loaded ? { modelLoadMs: loaded.loadMs } : {}) };
    if (planInput !== undefined) {
      const createdAt = planNow();
      const plan = planFromForecast(result, planInput, {
        file: file === STDIN_PATH ? 'stdin' : basename(file),
        size: file === STDIN_PATH ? 0 : statSync(file).size,
        createdAt,
      });
      const kept =
        previous && keepLocked(previous, plan, { reason: 're-forecast', when: createdAt });
      io.out(planToJson(kept ?? plan));
    }
    if (format === 'parquet') await writeByteChunks(io, forecastParquetChunks(result, names));
    const rendered =
      format === 'plan' || format === 'parquet'
        ? []
        : render(
            result,
            format,
            products,
            {
              ...(loaded ? { provider: loaded.provider } : {}),
              report: table.report,
              decisions: decisionsOf(table),
              timings,
              leaveOutTimings: !script.timings,
            },
            script.cell,
          );
    await writeChunks(io, format === 'csv' ? namedCsv(rendered, names) : rendered);
    notes.push(timingsLine(result, timings, performance.now() - t0));
    const verdict = skippedVerdict(table, script);
    if (verdict.line !== undefined) notes.push(verdict.line);
    io.err(notes.join('\n') + '\n');
    return verdict.code;
  } finally {
    await stopThreads();
  }
}

/** Refuses a --model or --horizon other than the choice's run. */
function checkChoiceRun(choice: ChoiceDoc, model: string, horizon: number | undefined): void {
  if (model !== choice.run.model)
    throw new UsageError(`--model ${model}: the choice was made for --model ${choice.run.model}`);
  if (horizon !== undefined && horizon !== choice.run.horizon)
    throw new UsageError(
      `--horizon ${horizon}: the choice was made for --horizon ${choice.run.horizon}`,
    );
}

/** Whether any horizon block of the choice forecasts with the model. */
function choiceUses(choice: ChoiceDoc, alias: string): boolean {
  return choice.blocks.some((b) => b.evidence.chosen.includes(alias as ModelAlias));
}

/** The fingerprint every shard of a job and the choice agree on: the measured table's hash. */
export function tableHashOf(ingested: WeeklyTable): string {
  return planInputs(measuredTable(ingested)).tableHash;
}

/**
 * The TCN in its worker thread when the run can use it (`--model tcn` or
 * auto), else undefined. auto keeps a TCN that cannot reach the last week:
 * it still competes for the horizon blocks it can, so weeks 1–4 stay the
 * same whatever the horizon; `--model tcn` beyond its horizon is a usage error.
 */
export async function startTcnFor(
  requested: string,
  horizon: number,
  modelFile: string | undefined,
): Promise<TcnHandle | undefined> {
  if (!isNetwork(requested) && requested !== 'auto') return undefined;
  const tcn = await startTcn(modelFile ?? defaultDescriptorPath());
  const tooFar = requested !== 'auto' ? tcnHorizonProblem(tcn, horizon) : null;
  if (tooFar !== null) {
    await tcn.host.dispose();
    throw new UsageError(tooFar);
  }
  return tcn;
}

/**
 * Why the TCN cannot take a run of `h` weeks (the user's message for `--model tcn`), or null.
 * auto needs no such check: each horizon block leaves out the models that cannot reach it.
 */
export function tcnHorizonProblem(tcn: TcnHandle, h: number): string | null {
  const most = tcn.desc.output.horizon;
  return h > most
    ? `tcn forecasts at most ${most} weeks; asked for ${h} (other models go to ${MAX_HORIZON})`
    : null;
}

/** A run of the forecast on an ingested table; the TCN only when it takes the horizon. */
export type TableRun = Omit<LibraryForecastOptions, 'tcn'> & { tcn?: TcnHandle };

/**
 * The forecast of an ingested table: what `skucast forecast` and each request
 * of `skucast serve` run between reading the file and writing the export.
 */
export async function forecastTable(
  ingested: WeeklyTable,
  run: TableRun,
): Promise<{ result: ForecastResult; loaded?: { provider: Provider; loadMs: number } }> {
  const { table, opts, loaded } = await libraryRun(ingested, run);
  const result = await forecastWithLibrary(table, opts);
  if (loaded) result.metadata.provider = loaded.provider;
  return { result, ...(loaded ? { loaded } : {}) };
}

/** An ingested table made ready for the model library, and the library's options (the TCN loaded). */
export async function libraryRun(
  ingested: WeeklyTable,
  run: TableRun,
): Promise<{
  table: WeeklyTable;
  opts: LibraryForecastOptions;
  loaded?: { provider: Provider; loadMs: number };
}> {
  const { tcn, population, ...opts } = run;
  // Units or money, as the report's measure says.
  const table = measuredTable(ingested);
  const whole = population ? measuredTable(population) : undefined;
  // Nothing below makes row objects unless a TCN of row features runs: the
  // other columns go (at the table cap about 200 MB of the 1 GB budget).
  if (!tcn || isSequenceInput(tcn.desc)) {
    releaseSideColumns(table);
    if (whole) releaseSideColumns(whole);
  }
  const ready = tcn ? await tcn.host.ready : undefined;
  // SKUCAST_AUTO_TUNED=0: auto without tcn_tuned, as before issue 28 (to measure what it adds).
  const withTuned = (opts.model ?? 'auto') !== 'auto' || process.env.SKUCAST_AUTO_TUNED !== '0';
  const tuned = tcn && ready && withTuned ? tcn.tuned(ready.hiddenWidth) : undefined;
  if (opts.model === 'tcn_tuned' && !tuned)
    throw new UsageError(
      'tcn_tuned needs a model file with hidden features (models/tcn.onnx of issue 28 or later)',
    );
  const loaded = ready ? { provider: ready.provider, loadMs: ready.loadMs } : undefined;
  return {
    table,
    opts: {
      ...opts,
      ...(tcn ? { tcn: tcn.model(table) } : {}),
      ...(tuned ? { tuned } : {}),
      ...(whole ? { population: whole } : {}),
    },
    ...(loaded ? { loaded } : {}),
  };
}

/** One line for stderr: how long the stages took (kept out of the outputs unless --timings). */
function timingsLine(
  result: ForecastResult,
  extra: { ingestMs: number; modelLoadMs?: number },
  totalMs: number,
): string {
  const ms = (v: number): string => `${Math.round(v)} ms`;
  const t = result.metadata.timings;
  const parts = [`read ${ms(extra.ingestMs)}`];
  if (extra.modelLoadMs !== undefined) parts.push(`model load ${ms(extra.modelLoadMs)}`);
  if (t) parts.push(`forecast ${ms(t.prepareMs + t.inferenceMs + t.finishMs)}`);
  parts.push(`total ${ms(totalMs)}`);
  return `timings: ${parts.join(', ')}`;
}

/** One line for stderr: what made the forecasts and how they did on the backtest weeks. */
function selectionLine(sel: NonNullable<ForecastResult['metadata']['selection']>): string {
  const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : 'n/a');
  // The yardstick the page grades by: the naive model on the same backtest.
  const naive = sel.candidates.find((c) => c.alias === 'naive');
  const who =
    sel.requested === 'auto'
      ? `auto chose ${sel.chosen.length > 1 ? `the mean of ${sel.chosen.join(', ')}` : sel.chosen.join('')}`
      : sel.requested;
  return (
    `${who}; on the last ${sel.accuracy.windows} backtest origins it was off by ${pct(sel.accuracy.wape)} ` +
    `(WAPE${naive ? `; repeating last week's sales: ${pct(naive.wape)}` : ''}) and ${pct(sel.accuracy.coverage)} of weeks fell inside its p10–p90 band ` +
    `(in-sample: the same origins chose the model and set the band)`
  );
}

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'forecast weekly sales per sku (p10/p50/p90) from a sales CSV',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    if (isModelHostThread()) {
      await serveModelHost();
      return 0;
    }
    if (isShardHostThread()) {
      await serveShardHost();
      return 0;
    }
    return reportingUserErrors('forecast', USAGE, io, () => run(argv, io));
  },
};
