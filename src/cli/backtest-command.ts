// `skucast backtest FILE [--horizon H] [--windows N] [--step S] [--models a,b]
// [--format csv|json] [--summary rows|model|sku] [--map role=Column ...]`:
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
import { csvCell } from '../core/exports';
import { chunked, jsonChunks } from '../core/json-chunks';
import { ForecastError, MAX_HORIZON } from '../core/forecast';
import { availableModels } from '../core/forecast-library';
import type { Model, ModelAlias } from '../core/models/types';
import { intOption, optionValue } from '../node/args';
import { ingestFile } from '../node/read-file';
import { readProgress } from './read-progress';
import { basename } from 'node:path';
import { oneFileCommandLine, UsageError, writeChunks, type CliIo, type Command } from './command';
import { defaultDescriptorPath, parseModelList, startTcn, type TcnHandle } from './model-choice';
import { userCommand } from './user-errors';
import { measuredTable } from '../core/ingest/weekly-table';
import { INGEST_OPTIONS, INGEST_USAGE, ingestOptions, reportLines } from './weekly-command';

const USAGE = `usage: skucast backtest FILE [--horizon H] [--windows N] [--step S] [--models a,b,...] [--format csv|json] [--summary rows|model|sku] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD] [--measure units|amount] [--layout L]

Backtests forecasting models on FILE's own history: from each of N forecast
origins (cutoffs) S weeks apart, ending H weeks before the last complete week,
every model forecasts the next H weeks, which are then compared with what sold.

  --horizon H         weeks forecast from each cutoff, 1-${MAX_HORIZON} (default 4)
  --windows N         cutoffs per sku (default 8)
  --step S            weeks between cutoffs (default 1)
  --models a,b        models to compare (default: all classical models and tcn)
  --format F          csv (default) or json
  --summary W         rows (default: one row per sku, cutoff and week, a column
                      per model with _p10/_p50/_p90), model (scores per model),
                      sku (scores per sku and model)
${INGEST_USAGE}
  --model-file PATH   TCN descriptor (default: models/tcn.json of the package)

Scores: wape = Σ|y − p50| / Σ|y|; mase = error over the naive (seasonal when
two years of history) in-sample error; coverage = share of weeks inside p10–p90.
Bands here are each model's own; \`skucast forecast\` calibrates them.`;

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
function toCsv(records: Record<string, string | number>[], columns: string[]): Iterable<string> {
  return chunked(csvLines(records, columns));
}

function* csvLines(
  records: Record<string, string | number>[],
  columns: string[],
): Generator<string> {
  yield columns.join(',') + '\r\n';
  for (const r of records) {
    yield (
      columns
        .map((c) => {
          const v = r[c];
          return v === undefined ? '' : typeof v === 'number' ? num(v) : csvCell(v);
        })
        .join(',') + '\r\n'
    );
  }
}

function jsonSafe(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = oneFileCommandLine(
    argv,
    ['horizon', 'windows', 'step', 'models', 'format', 'summary', 'model-file', ...INGEST_OPTIONS],
    USAGE,
    io,
  );
  if (args === null) return 0;
  const h = intOption(args, 'horizon', 4, { min: 1, max: MAX_HORIZON });
  const nWindows = intOption(args, 'windows', 8, { min: 1, max: 520 });
  const stepSize = intOption(args, 'step', 1, { min: 1, max: 520 });
  const format = pick(optionValue(args, 'format'), ['csv', 'json'] as const, 'format');
  const summary = pick<Summary>(optionValue(args, 'summary'), SUMMARIES, 'summary');
  const ingest = ingestOptions(args);
  if (typeof ingest === 'string') throw new UsageError(ingest);
  const modelsText = optionValue(args, 'models');
  const wanted = modelsText === undefined ? undefined : parseModelList(modelsText, 'models');
  if (wanted?.includes('auto')) {
    throw new UsageError(
      '--models: auto is how `skucast forecast` chooses among these; list models to compare',
    );
  }

  const useTcn = wanted === undefined || wanted.includes('tcn');
  let tcn: TcnHandle | undefined;
  if (useTcn) {
    tcn = await startTcn(optionValue(args, 'model-file') ?? defaultDescriptorPath());
    if (h > tcn.desc.output.horizon && wanted?.includes('tcn')) {
      await tcn.host.dispose();
      throw new UsageError(
        `tcn forecasts at most ${tcn.desc.output.horizon} weeks; asked for ${h}`,
      );
    }
  }
  try {
    const file = args.positionals[0] as string;
    const progress = readProgress(basename(file), io);
    // Backtested on what the forecast runs on: units or money (report.measure).
    const table = measuredTable(
      await ingestFile(file, { ...ingest, onProgress: progress.onProgress }),
    );
    progress.done();
    const notes = reportLines(table, true);
    if (table.series.length === 0) {
      io.err(notes.join('\n') + '\n');
      return 2;
    }
    let models: Model[] = availableModels(
      tcn && h <= tcn.desc.output.horizon ? (await tcn.host.ready, tcn.model(table)) : undefined,
    );
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
    if (format === 'json') {
      const doc: Record<string, unknown> = {
        protocol: {
          horizon: h,
          windows: nWindows,
          step: stepSize,
          refit: true,
          skus: cv.series.length,
        },
        models: Object.fromEntries(
          perModel.map((m) => [
            m.model,
            {
              ...Object.fromEntries(
                Object.entries(scoreRecord(m.scores)).map(([k, v]) => [k, jsonSafe(v)]),
              ),
              fit_ms: jsonSafe(m.millis),
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
      await writeChunks(io, toCsv(cvRecords(cv), columns));
    } else if (summary === 'model') {
      await writeChunks(
        io,
        toCsv(
          perModel.map((m) => ({ model: m.model, ...scoreRecord(m.scores), fit_ms: m.millis })),
          ['model', ...SCORE_COLUMNS, 'fit_ms'],
        ),
      );
    } else {
      await writeChunks(
        io,
        toCsv(
          perSku.map((s) => ({ sku: s.sku, model: s.model, ...scoreRecord(s.scores) })),
          ['sku', 'model', ...SCORE_COLUMNS],
        ),
      );
    }
    const ranked = [...perModel].sort(
      (a, b) => (a.scores.wape || Infinity) - (b.scores.wape || Infinity),
    );
    notes.push(
      `backtest: ${cv.series.length} skus, ${nWindows} cutoffs ${stepSize} week${stepSize === 1 ? '' : 's'} apart, h = ${h}; ` +
        `lowest WAPE: ${ranked
          .slice(0, 3)
          .map((m) => `${m.model} ${num(m.scores.wape)}`)
          .join(', ')}`,
    );
    io.err(notes.join('\n') + '\n');
    return 0;
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
