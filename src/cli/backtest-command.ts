// `skucast backtest FILE [--horizon H] [--windows N] [--step S] [--models a,b]
// [--format csv|json|scores] [--summary rows|model|sku] [--shard K/N] [--map role=Column ...]`:
// how each model would have done on FILE's own recent weeks. Rows like
// statsforecast's cross_validation (sku, cutoff, week_start, y, one column per
// model), or scores per model or per sku. Same backtest as `auto` runs.
import {
  crossValidation,
  cvRecords,
  type CrossValidationResult,
} from '../core/backtest/cross-validation';
import { scoreItems, type Scores } from '../core/backtest/scores';
import { seriesFromTable } from '../core/backtest/series';
import { chunked, jsonChunks } from '../core/json-chunks';
import { ForecastError, MAX_HORIZON } from '../core/forecast';
import { availableModels } from '../core/forecast-library';
import type { Model, ModelAlias } from '../core/models/types';
import { intOption, optionValue } from '../node/args';
import { UsageError, writeChunks, type CliIo, type Command } from './command';
import {
  defaultDescriptorPath,
  isNetwork,
  parseModelList,
  startTcn,
  type TcnHandle,
} from './model-choice';
import { userCommand } from './user-errors';
import { measuredTable } from '../core/ingest/weekly-table';
import { INGEST_USAGE } from './ingest-option';
import { readSalesFile } from './weekly-command';
import { endWithoutSkus, readingProfile, tableCommandLine } from './table-command';
import { RUN_USAGE, runOptions, skippedVerdict } from './run-options';
import { EXIT_CODES_USAGE } from './exit-codes';
import { SCHEMA_VERSION } from '../core/exports';
import { PROFILE_USAGE } from './profile-option';
import { shardTable } from '../core/shards/shard-table';
import { runScores } from './shard-scores';
import { SHARD_USAGE, shardLine, shardOption } from './shard-option';
import { namedCsv, NAMES_USAGE, namesNote, namesOption } from './names-option';

const USAGE = `usage: skucast backtest FILE [--horizon H] [--windows N] [--step S] [--models a,b,...] [--format csv|json] [--summary rows|model|sku] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD] [--measure units|amount] [--layout L] [--profile FILE] [--save-profile FILE] [--names N]

Backtests forecasting models on FILE's own history: from each of N forecast
origins (cutoffs) S weeks apart, ending H weeks before the last complete week,
every model forecasts the next H weeks, which are then compared with what sold.

  --horizon H         weeks forecast from each cutoff, 1-${MAX_HORIZON} (default 4)
  --windows N         cutoffs per sku (default 8)
  --step S            weeks between cutoffs (default 1)
  --models a,b        models to compare (default: all classical models and tcn)
  --format F          csv (default) or json; scores: for a batch job, this
                      shard's backtest as forecast's auto runs it (--model,
                      --horizon; lines of JSON for skucast choose)
  --summary W         rows (default: one row per sku, cutoff and week, a column
                      per model with _p10/_p50/_p90), model (scores per model),
                      sku (scores per sku and model)
${INGEST_USAGE}
${PROFILE_USAGE}
${NAMES_USAGE}
  --model-file PATH   TCN descriptor (default: models/tcn.json of the package)
${SHARD_USAGE}
${RUN_USAGE}
                      (--timings adds fit_ms per model to --summary model and
                      to the JSON's models)

Scores: wape = Σ|y − p50| / Σ|y|; mase = error over the naive (seasonal when
two years of history) in-sample error; coverage = share of weeks inside p10–p90.
Bands here are each model's own; \`skucast forecast\` calibrates them.
A sku with a shorter history gets fewer cutoffs (each needs a week of history
before it and H weeks after it); stderr says how many were backtested.

${EXIT_CODES_USAGE}`;

const SUMMARIES = ['rows', 'model', 'sku'] as const;
type Summary = (typeof SUMMARIES)[number];

function pick<T extends string>(text: string | undefined, allowed: readonly T[], name: string): T {
  const v = text ?? allowed[0];
  if (!(allowed as readonly string[]).includes(v as string)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  }
  return v as T;
}

const SCORE_COLUMNS = [
  'wape',
  'mase',
  'smape',
  'pinball_p10',
  'pinball_p50',
  'pinball_p90',
  'coverage_p10_p90',
  'bias',
  'points',
] as const;

function scoreRecord(s: Scores): Record<(typeof SCORE_COLUMNS)[number], number> {
  return {
    wape: s.wape,
    mase: s.mase,
    smape: s.smape,
    pinball_p10: s.pinball.p10,
    pinball_p50: s.pinball.p50,
    pinball_p90: s.pinball.p90,
    coverage_p10_p90: s.coverage_p10_p90,
    bias: s.bias,
    points: s.points,
  };
}

/** Scores per model (pooled) and per sku and model. */
function summarise(cv: CrossValidationResult): {
  models: { model: ModelAlias; scores: Scores; millis: number }[];
  skus: { sku: string; model: ModelAlias; scores: Scores }[];
} {
  const models: { model: ModelAlias; scores: Scores; millis: number }[] = [];
  const skus: { sku: string; model: ModelAlias; scores: Scores }[] = [];
  for (const alias of cv.aliases) {
    const items = cv.series.flatMap((sb) => {
      const band = sb.forecasts[alias];
      return band ? [{ series: sb.series, cutoffs: sb.cutoffs, actual: sb.actual, band }] : [];
    });
    const report = scoreItems(items);
    models.push({ model: alias, scores: report.pooled, millis: cv.millis[alias] ?? 0 });
    for (const p of report.perSku) skus.push({ sku: p.id, model: alias, scores: p.scores });
  }
  return { models, skus };
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '';
}

/** CSV in chunks: the rows summary grows with skus × cutoffs × weeks. */
function toCsv(
  records: Record<string, string | number>[],
  columns: string[],
  cell: (value: string) => string,
): Iterable<string> {
  return chunked(csvLines(records, columns, cell));
}

function* csvLines(
  records: Record<string, string | number>[],
  columns: string[],
  csvCell: (value: string) => string,
): Generator<string> {
  yield columns.join(',') + '\n';
  for (const r of records) {
    yield (
      columns
        .map((c) => {
          const v = r[c];
          return v === undefined ? '' : typeof v === 'number' ? num(v) : csvCell(v);
        })
        .join(',') + '\n'
    );
  }
}

/** The cutoffs backtested, most and fewest per sku: a short history has fewer. */
function cutoffsEmitted(cv: CrossValidationResult): { most: number; fewest: number } {
  let most = 0;
  let fewest = Infinity;
  for (const sb of cv.series) {
    most = Math.max(most, sb.cutoffs.length);
    fewest = Math.min(fewest, sb.cutoffs.length);
  }
  return { most, fewest: Number.isFinite(fewest) ? fewest : 0 };
}

/** The cutoffs per sku backtested, "56" or "12-56", and why fewer than the N asked. */
function emittedText(
  e: { most: number; fewest: number },
  asked: number,
): { count: string; why: string } {
  if (e.fewest === asked) return { count: String(asked), why: '' };
  return {
    count: e.fewest === e.most ? `${e.most}` : `${e.fewest}-${e.most}`,
    why:
      ` (${asked} asked; history too short for more: each cutoff needs ` +
      `a week of history before it and h weeks after it)`,
  };
}

function jsonSafe(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = tableCommandLine(
    argv,
    ['horizon', 'windows', 'step', 'models', 'format', 'summary', 'model-file', 'model'],
    USAGE,
    io,
  );
  if (args === null) return 0;
  const script = runOptions(args);
  if (optionValue(args, 'format') === 'scores') return runScores(args, script, io);
  if (args.options.has('model'))
    throw new UsageError(
      '--model goes with --format scores; to compare models, list them with --models',
    );
  const shard = shardOption(args);
  const h = intOption(args, 'horizon', 4, { min: 1, max: MAX_HORIZON });
  const nWindows = intOption(args, 'windows', 8, { min: 1, max: 520 });
  const stepSize = intOption(args, 'step', 1, { min: 1, max: 520 });
  const format = pick(optionValue(args, 'format'), ['csv', 'json'] as const, 'format');
  const summary = pick<Summary>(optionValue(args, 'summary'), SUMMARIES, 'summary');
  const names = namesOption(args);
  const profile = readingProfile(args);
  const modelsText = optionValue(args, 'models');
  const wanted = modelsText === undefined ? undefined : parseModelList(modelsText, 'models');
  if (wanted?.includes('auto')) {
    throw new UsageError(
      '--models: auto is how `skucast forecast` chooses among these; list models to compare',
    );
  }

  // tcn_tuned only when named: it refits a head at every cutoff (issue 28).
  const namesNetwork = wanted?.some(isNetwork) ?? false;
  let tcn: TcnHandle | undefined;
  if (wanted === undefined || namesNetwork) {
    tcn = await startTcn(optionValue(args, 'model-file') ?? defaultDescriptorPath());
    if (h > tcn.desc.output.horizon && namesNetwork) {
      await tcn.host.dispose();
      throw new UsageError(
        `tcn forecasts at most ${tcn.desc.output.horizon} weeks; asked for ${h}`,
      );
    }
  }
  try {
    const file = args.positionals[0] as string;
    const read = await readSalesFile(file, profile, io);
    const notes = read.notes;
    const part = shard ? shardTable(read.table, shard) : undefined;
    if (shard && part) notes.push(shardLine(shard, part.table.series.length, part.total));
    // Backtested on what the forecast runs on: units or money (report.measure).
    const table = measuredTable(part?.table ?? read.table);
    const namesLine = namesNote(names, format);
    if (namesLine !== null) notes.push(namesLine);
    if (table.series.length === 0) return endWithoutSkus(notes, io);
    const ready = tcn && h <= tcn.desc.output.horizon ? await tcn.host.ready : undefined;
    let models: Model[] = availableModels(tcn && ready ? tcn.model(table) : undefined);
    const tuned =
      wanted?.includes('tcn_tuned') && ready ? tcn?.tuned(ready.hiddenWidth) : undefined;
    if (tuned) models.push(tuned);
    if (wanted) models = models.filter((m) => wanted.includes(m.alias));
    const series = seriesFromTable(table);
    const cv = await crossValidation(series, models, { h, nWindows, stepSize, refit: true });
    for (const s of cv.skipped) notes.push(`note: ${s.id}: not backtested, ${s.reason}`);
    if (cv.series.length === 0) {
      throw new ForecastError(
        'no-complete-week',
        `no sku has the ${h + 1} complete weeks a backtest window needs`,
      );
    }
    const { models: perModel, skus: perSku } = summarise(cv);
    const emitted = cutoffsEmitted(cv);
    if (format === 'json') {
      const doc: Record<string, unknown> = {
        schema_version: SCHEMA_VERSION,
        protocol: {
          horizon: h,
          windows: nWindows,
          step: stepSize,
          refit: true,
          skus: cv.series.length,
          windows_emitted: emitted.most,
        },
        models: Object.fromEntries(
          perModel.map((m) => [
            m.model,
            {
              ...Object.fromEntries(
                Object.entries(scoreRecord(m.scores)).map(([k, v]) => [k, jsonSafe(v)]),
              ),
              ...(script.timings && { fit_ms: jsonSafe(m.millis) }),
            },
          ]),
        ),
      };
      // The rows (or per-sku scores) grow with the file: written item by item.
      if (summary === 'rows') await writeChunks(io, jsonChunks(doc, 'rows', cvRecords(cv), 1));
      else if (summary === 'sku') {
        const skus = perSku.map((s) => ({
          sku: s.sku,
          model: s.model,
          ...Object.fromEntries(
            Object.entries(scoreRecord(s.scores)).map(([k, v]) => [k, jsonSafe(v)]),
          ),
        }));
        await writeChunks(io, jsonChunks(doc, 'skus', skus, 1));
      } else io.out(JSON.stringify(doc, null, 1) + '\n');
    } else if (summary === 'rows') {
      const columns = ['sku', 'cutoff', 'week_start', 'y'];
      for (const a of cv.aliases) columns.push(a, `${a}_p10`, `${a}_p50`, `${a}_p90`, `${a}_model`);
      await writeChunks(io, namedCsv(toCsv(cvRecords(cv), columns, script.cell), names));
    } else if (summary === 'model') {
      await writeChunks(
        io,
        toCsv(
          perModel.map((m) => ({ model: m.model, ...scoreRecord(m.scores), fit_ms: m.millis })),
          ['model', ...SCORE_COLUMNS, ...(script.timings ? ['fit_ms'] : [])],
          script.cell,
        ),
      );
    } else {
      await writeChunks(
        io,
        namedCsv(
          toCsv(
            perSku.map((s) => ({ sku: s.sku, model: s.model, ...scoreRecord(s.scores) })),
            ['sku', 'model', ...SCORE_COLUMNS],
            script.cell,
          ),
          names,
        ),
      );
    }
    const ranked = [...perModel].sort(
      (a, b) => (a.scores.wape || Infinity) - (b.scores.wape || Infinity),
    );
    const cutoffs = emittedText(emitted, nWindows);
    notes.push(
      `backtest: ${cv.series.length} skus, ${cutoffs.count} cutoffs ${stepSize} week${stepSize === 1 ? '' : 's'} apart${cutoffs.why}, h = ${h}; ` +
        `lowest WAPE: ${ranked
          .slice(0, 3)
          .map((m) => `${m.model} ${num(m.scores.wape)}`)
          .join(', ')}`,
    );
    notes.push(
      `timings: fit ms per model: ${perModel.map((m) => `${m.model} ${Math.round(m.millis)}`).join(', ')}`,
    );
    const verdict = skippedVerdict(table, script);
    if (verdict.line !== undefined) notes.push(verdict.line);
    io.err(notes.join('\n') + '\n');
    return verdict.code;
  } finally {
    await tcn?.host.dispose();
  }
}

export const backtestCommand: Command = userCommand(
  'backtest',
  "score forecasting models on a sales CSV's own recent weeks",
  USAGE,
  run,
);
