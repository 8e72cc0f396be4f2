// The forecast pipeline of the model library: weekly table -> each sku's
// history -> `auto` (or one named model) backtested on the sku's own recent
// weeks, intervals calibrated on those backtest residuals -> p10/p50/p90 per
// sku and horizon week, plus category totals: the ForecastResult of
// forecast.ts, which the exports, the CLI and the page read.

import { TOTALS_METHOD, TOTALS_METHOD_UNMEASURED } from './totals-method';
import { now } from './clock';
import {
  auto,
  autoWithChoice,
  backtestForShard,
  type AutoEvidence,
  type AutoOptions,
  type AutoResult,
  type AutoSkuForecast,
  type ShardChoice,
} from './backtest/auto';
import {
  crossValidation,
  type CrossValidationOptions,
  type CrossValidationResult,
  type SeriesBacktest,
} from './backtest/cross-validation';
import type { AutoTotals } from './backtest/total-bands';
import { seriesFromTable, type BacktestSeries } from './backtest/series';
import { isEnsembleName } from './backtest/strategies';
import type { CategoryForecast, ForecastWeek } from './category-totals';
import {
  DEFAULT_HORIZON,
  ForecastError,
  forecastOrigin,
  MAX_HORIZON,
  type ForecastResult,
  type SelectionSummary,
  type SkuFlag,
  type SkuForecast,
} from './forecast';
import { categoryProfile } from './models/category-profile';
import { FALLBACK_CHAIN, LOCAL_MODELS } from './models/registry';
import { ENDED_WEEKS, hasEnded } from './stats/demand-class';
import {
  zeroForecast,
  type Forecast,
  type GlobalModel,
  type Model,
  type ModelAlias,
} from './models/types';
import type { WeeklyTable } from './types';

/** Bumped when a model, auto's recipe or the band changes what a forecast gives. */
export const MODEL_LIBRARY_VERSION = '1.2.0';

/** Mean weeks between sales above which demand is intermittent (Syntetos & Boylan's ADI cut-off). */
const INTERMITTENT_ADI = 1.32;
/** Fewer complete weeks than this: too little history to trust any model much. */
const SHORT_HISTORY_WEEKS = 13;

export interface LibraryForecastOptions {
  /** 'auto' (default) or one model's alias. */
  model?: string;
  /** Weeks to forecast, 1..52; default 4. */
  horizon?: number;
  /** The TCN, when its runner is available (app and CLI); without it auto chooses among the rest. */
  tcn?: GlobalModel;
  /**
   * tcn_tuned (the TCN with a head refitted on this file), when its runner
   * gives hidden features: one of auto's candidates, and run when asked for
   * by name. Left out, auto chooses among the rest.
   */
  tuned?: GlobalModel;
  /**
   * The whole table, when `table` is a shard of it (`--shard`): tcn_tuned's
   * head is fitted on every sku of it, so each shard forecasts as one process
   * of the whole file does.
   */
  population?: WeeklyTable;
  /** Simulated draws for category intervals (see category-totals.ts). */
  categoryDraws?: number;
  /** Backtest progress: candidate models (or shards) done of total. */
  onProgress?: (done: number, total: number) => void;
  /** The backtest runner, e.g. spread over a worker pool (backtest/sharded.ts). */
  crossValidate?: AutoOptions['crossValidate'];
  /** Awaited once no model runs any more (see AutoOptions.onBacktestsDone). */
  onBacktestsDone?: AutoOptions['onBacktestsDone'];
  /**
   * Per horizon block, the choice and band made over every shard of a batch
   * job (`skucast choose`): the table is one shard's, and only the chosen
   * members are backtested on it.
   */
  shardChoice?: readonly ShardChoice[];
}

/** The models a run may use: the classical library, plus the TCN when it is loaded. */
export function availableModels(tcn?: GlobalModel): Model[] {
  const classical: Model[] = [...LOCAL_MODELS, categoryProfile];
  return tcn ? [...classical, tcn] : classical;
}

/** Aliases `--model` accepts. */
export function modelChoices(models: readonly Model[] = availableModels()): string[] {
  return ['auto', ...models.map((m) => m.alias)];
}

/** Checks a requested horizon; returns it or throws ForecastError. */
export function resolveHorizon(requested: number | undefined): number {
  const horizon = requested ?? DEFAULT_HORIZON;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON) {
    throw new ForecastError(
      'bad-horizon',
      `horizon must be a whole number of weeks from 1 to ${MAX_HORIZON}, got ${String(requested)}`,
    );
  }
  return horizon;
}

/**
 * The candidates for a request: every available model for auto, else the one
 * named. tcn_tuned is among them whenever it is given.
 */
export function candidatesFor(
  requested: string,
  nets: Pick<LibraryForecastOptions, 'tcn' | 'tuned'> = {},
): Model[] {
  const models = availableModels(nets.tcn);
  const named = nets.tuned ? [...models, nets.tuned] : models;
  if (requested === 'auto') return named;
  const m = named.find((x) => x.alias === (requested as ModelAlias));
  if (!m) {
    throw new ForecastError(
      'bad-model',
      `unknown model "${requested}": choose one of ${modelChoices(named).join(', ')}`,
    );
  }
  return [m];
}

/** What every run of a table settles before its backtest. */
function prepareRun(table: WeeklyTable, opts: LibraryForecastOptions) {
  const horizon = resolveHorizon(opts.horizon);
  const requested = opts.model ?? 'auto';
  const models = candidatesFor(requested, opts);
  if (requested !== 'auto' && (models[0] as Model).maxHorizon < horizon) {
    throw new ForecastError(
      'bad-horizon',
      `${requested} forecasts at most ${(models[0] as Model).maxHorizon} weeks; asked for ${horizon}`,
    );
  }
  const { lastCompleteWeek, horizonWeeks } = forecastOrigin(table, horizon);
  const series = seriesFromTable(table);
  checkMagnitudes(series);
  const population = opts.population ? seriesFromTable(opts.population) : undefined;
  const crossValidate = population
    ? (
        part: readonly BacktestSeries[],
        ms: readonly Model[],
        cv: CrossValidationOptions,
      ): Promise<CrossValidationResult> =>
        (opts.crossValidate ?? crossValidation)(part, ms, { ...cv, population })
    : opts.crossValidate;
  const autoOpts: Omit<AutoOptions, 'h'> = {
    ...(requested === 'auto' ? {} : { strategy: 'pooled' as const }),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(crossValidate ? { crossValidate } : {}),
    ...(opts.onBacktestsDone ? { onBacktestsDone: opts.onBacktestsDone } : {}),
  };
  return { horizon, requested, models, lastCompleteWeek, horizonWeeks, series, autoOpts };
}

export async function forecastWithLibrary(
  table: WeeklyTable,
  opts: LibraryForecastOptions = {},
): Promise<ForecastResult> {
  const t0 = now();
  const { horizon, requested, models, lastCompleteWeek, horizonWeeks, series, autoOpts } =
    prepareRun(table, opts);
  const t1 = now();

  const blocks = await autoByBlocks(series, models, horizon, autoOpts, opts.shardChoice);
  const result = (blocks[0] as HorizonBlock).result;
  const run = joinBlocks(blocks, horizon);
  const t2 = now();

  // What the run chose (its models, or an ensemble of them); a sku forecast by anything else was too short for it.
  const chosen = new Set<string>(result.evidence.chosen);
  const skus: SkuForecast[] = table.series.map((s, i) => {
    const bs = series[i] as BacktestSeries;
    const made = result.forecasts[i] as AutoResult['forecasts'][number];
    const choice = result.perSku[i];
    const flags = skuFlags(bs.y, !chosen.has(made.model) && !isEnsembleName(made.model));
    const f = (run.forecasts[i] as AutoSkuForecast).forecast;
    const out: SkuForecast = {
      sku: s.sku,
      category: s.category,
      ...(s.parts && { parts: s.parts }),
      seed_id: s.seed_id,
      model: made.model,
      historyWeeks: bs.y.length,
      weeks: horizonWeeks.map((week_start, h) => {
        const model = (blockOf(blocks, h).result.forecasts[i] as AutoSkuForecast).model;
        return {
          week_start,
          horizon_week: h + 1,
          p10: f.p10[h] as number,
          p50: f.p50[h] as number,
          p90: f.p90[h] as number,
          ...(model !== made.model ? { model } : {}),
        };
      }),
    };
    if (flags.length > 0) out.flags = flags;
    if (flags.includes('fallback')) {
      out.reason = 'short history';
      out.note = `${bs.y.length} complete week${bs.y.length === 1 ? '' : 's'} since the first sale: too few for ${requested === 'auto' ? 'the chosen models' : requested}; forecast by ${made.model}`;
    } else if (flags.includes('ended')) {
      out.note = `No sale in the last ${ENDED_WEEKS} weeks: read as ended (a discontinued item), so its forecast and band are 0`;
    }
    const acc = choice?.accuracy;
    if (acc) out.accuracy = acc;
    // auto's own record (not copied: 45,000 of them at the table cap, and auto's result goes).
    if (choice && Object.keys(choice.scores).length > 0) out.scores = choice.scores;
    return out;
  });

  const totals = totalsOf(run.totals, blocks, horizonWeeks);
  checkFinite(skus, totals.categories);
  const t3 = now();
  const fallbacks = skus.filter((s) => s.flags?.includes('fallback')).length;
  return {
    skus,
    categories: totals.categories,
    total: totals.total,
    metadata: {
      ...(table.report.skuColumns && { skuColumns: table.report.skuColumns }),
      modelName: requested,
      modelVersion: MODEL_LIBRARY_VERSION,
      horizon,
      window: opts.tcn?.minHistory ?? 0,
      lastCompleteWeek,
      firstForecastWeek: horizonWeeks[0] as string,
      timings: { prepareMs: t1 - t0, inferenceMs: t2 - t1, finishMs: t3 - t2 },
      skusModel: skus.length - fallbacks,
      skusFallback: fallbacks,
      fallbackMethod: `a sku too short for a model goes down the fallback chain (${FALLBACK_CHAIN.map((m) => m.alias).join(' → ')}); a sku with no complete week gets zeros`,
      categoryMethod: totals.method,
      selection: selectionSummary(requested, result, blocks),
      measure: table.report.measure ?? 'amount',
    },
  };
}

/**
 * Horizon blocks: weeks 1–4, 5–13, 14–26 and 27–52 are each chosen and
 * calibrated by their own backtest at the block's last week, and the blocks
 * are joined. A planner who asks for more weeks sees the same first weeks,
 * and a model that can only forecast 26 weeks (the TCN) still competes for
 * the weeks it can.
 */
export const HORIZON_BLOCKS: readonly number[] = [4, 13, 26, 52];

export interface HorizonBlock {
  /** First and last horizon week (1-based) this block's forecasts serve. */
  from: number;
  to: number;
  result: AutoResult;
}

function blockOf(blocks: readonly HorizonBlock[], h: number): HorizonBlock {
  return blocks.find((b) => h + 1 <= b.to) ?? (blocks[blocks.length - 1] as HorizonBlock);
}

/**
 * auto once per block the horizon reaches, each at its block's full length
 * (the forecast of weeks 5–6 is the same whether 6 or 13 weeks were asked
 * for). Progress adds up over the blocks; only the last block's end stops
 * the model threads.
 */
export async function autoByBlocks(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  horizon: number,
  opts: Omit<AutoOptions, 'h'>,
  /** Per block, the choice made over every shard (autoWithChoice). */
  shardChoice?: readonly ShardChoice[],
): Promise<HorizonBlock[]> {
  const ends = blockEnds(horizon);
  if (shardChoice && shardChoice.length !== ends.length)
    throw new Error('the shard choice has another number of horizon blocks');
  const out: HorizonBlock[] = [];
  let from = 1;
  for (const [b, end] of ends.entries()) {
    const blockOpts = blockOptions(opts, b, ends.length, end);
    const given = shardChoice?.[b];
    const result = given
      ? await autoWithChoice(series, models, blockOpts, given)
      : await auto(series, models, blockOpts);
    out.push({ from, to: Math.min(end, horizon), result });
    from = end + 1;
  }
  return out;
}

/**
 * The blocks as one run over weeks 1..h, for scoring what a forecast ships:
 * week k of every forecast (each sku's, each total's, each candidate's with
 * keepAll) from the block that serves it, as forecastWithLibrary joins them;
 * the evidence, choice and per-sku records are the first block's, with the
 * candidates' time summed over the blocks.
 */
export function joinBlocks(blocks: readonly HorizonBlock[], h: number): AutoResult {
  const first = (blocks[0] as HorizonBlock).result;
  if (blocks.length === 1) return first;
  // Each block's auto ran from the same origin over weeks 1..its end, so
  // horizon week k + 1 is index k of its forecast, whichever block serves it.
  const join = (pick: (r: AutoResult) => Forecast): Forecast => {
    const out = zeroForecast(h);
    for (let k = 0; k < h; k++) {
      const f = pick(blockOf(blocks, k).result);
      out.point[k] = f.point[k] as number;
      out.p10[k] = f.p10[k] as number;
      out.p50[k] = f.p50[k] as number;
      out.p90[k] = f.p90[k] as number;
    }
    return out;
  };
  // A candidate some block did not run (the TCN past 26 weeks) has no joined row.
  const all: Partial<Record<string, Forecast[]>> = {};
  for (const [alias, rows] of Object.entries(first.all ?? {})) {
    if (rows && blocks.every((b) => b.result.all?.[alias]))
      all[alias] = rows.map((_, i) => join((r) => r.all?.[alias]?.[i] as Forecast));
  }
  const last = (blocks[blocks.length - 1] as HorizonBlock).result;
  const millis = new Map<string, number>();
  for (const b of blocks)
    for (const c of b.result.evidence.candidates)
      millis.set(c.alias, (millis.get(c.alias) ?? 0) + c.millis);
  return {
    ...first,
    forecasts: first.forecasts.map((f, i) => ({
      ...f,
      forecast: join((r) => (r.forecasts[i] as AutoSkuForecast).forecast),
    })),
    totals: {
      ...first.totals,
      forecasts: first.totals.forecasts.map((_, j) =>
        join((r) => r.totals.forecasts[j] as Forecast),
      ),
      overWeeks: last.totals.overWeeks,
    },
    evidence: {
      ...first.evidence,
      candidates: first.evidence.candidates.map((c) => ({
        ...c,
        millis: millis.get(c.alias) ?? c.millis,
      })),
    },
    ...(first.all && { all }),
  };
}

/** The last week of each horizon block a horizon reaches. */
function blockEnds(horizon: number): number[] {
  return HORIZON_BLOCKS.filter((_, b) => b === 0 || (HORIZON_BLOCKS[b - 1] as number) < horizon);
}

/**
 * auto's options for block b of n, h its last week: progress adds up over
 * the blocks, and only the last block's end stops the model threads.
 */
function blockOptions(opts: Omit<AutoOptions, 'h'>, b: number, n: number, h: number): AutoOptions {
  const report = opts.onProgress;
  const { onBacktestsDone, ...rest } = opts;
  return {
    ...rest,
    h,
    ...(report && {
      onProgress: (done: number, total: number) => report(b * total + done, n * total),
    }),
    ...(b === n - 1 && onBacktestsDone && { onBacktestsDone }),
  };
}

/** One horizon block of a shard's backtest: every candidate on every series of the shard. */
export interface ShardBlockBacktest {
  from: number;
  to: number;
  h: number;
  /** The candidates, in the order they are scored. */
  aliases: ModelAlias[];
  excluded: AutoEvidence['excluded'];
  millis: Partial<Record<ModelAlias, number>>;
  /** Every series with a window, in the table's order. */
  bt: SeriesBacktest[];
  /** Every candidate at the origins before bt's (auto's calibrationEarlier), in the table's order. */
  early: SeriesBacktest[];
}

/**
 * Every candidate backtested on a shard's table, block by block, kept whole:
 * what `skucast backtest --format scores` writes and `skucast choose` reduces
 * (see shards/choose.ts).
 */
export async function backtestShard(
  table: WeeklyTable,
  opts: LibraryForecastOptions = {},
): Promise<{
  horizon: number;
  requested: string;
  lastCompleteWeek: string;
  series: BacktestSeries[];
  blocks: ShardBlockBacktest[];
}> {
  const { horizon, requested, models, lastCompleteWeek, series, autoOpts } = prepareRun(
    table,
    opts,
  );
  const ends = blockEnds(horizon);
  const blocks: ShardBlockBacktest[] = [];
  let from = 1;
  for (const [b, end] of ends.entries()) {
    const r = await backtestForShard(series, models, blockOptions(autoOpts, b, ends.length, end));
    blocks.push({
      from,
      to: Math.min(end, horizon),
      h: end,
      aliases: r.candidates.map((m) => m.alias),
      excluded: r.excluded,
      millis: r.millis,
      bt: r.bt,
      early: r.early,
    });
    from = end + 1;
  }
  return { horizon, requested, lastCompleteWeek, series, blocks };
}

/** Category and grand totals, joined over the blocks (each block's bands from its own backtest of the totals). */
function totalsOf(
  joined: AutoTotals,
  blocks: readonly HorizonBlock[],
  horizonWeeks: readonly string[],
): { method: string; categories: CategoryForecast[]; total: CategoryForecast } {
  const week = (j: number, h: number): ForecastWeek => {
    const f = joined.forecasts[j] as Forecast;
    return {
      week_start: horizonWeeks[h] as string,
      horizon_week: h + 1,
      p10: f.p10[h] as number,
      p50: f.p50[h] as number,
      p90: f.p90[h] as number,
    };
  };
  const weeks = (j: number): ForecastWeek[] => horizonWeeks.map((_, h) => week(j, h));
  const grand = joined.forecasts.length - 1;
  // The whole horizon's sum: joinBlocks keeps the last block's, which reaches its last week.
  const overHorizon = (j: number) =>
    joined.overWeeks[j]?.[horizonWeeks.length - 1] as CategoryForecast['overHorizon'] & object;
  const measured = blocks.every((b) =>
    (b.result.totals as AutoTotals).residualsPerStep.some((c) => c > 0),
  );
  return {
    method: measured ? TOTALS_METHOD : TOTALS_METHOD_UNMEASURED,
    categories: joined.categories.map((category, j) => ({
      category,
      skus: joined.skus[j] as number,
      weeks: weeks(j),
      overHorizon: overHorizon(j),
    })),
    total: {
      category: '',
      skus: joined.skus.reduce((a, b) => a + b, 0),
      weeks: weeks(grand),
      overHorizon: overHorizon(grand),
    },
  };
}

/**
 * Weekly totals up to this size forecast to finite numbers in every model
 * (tests/unit/ingest-hostile.test.ts); past it, sums over weeks and the band's
 * spread near 1.8e308. Ingestion refuses cells past 1e15, so only a table
 * built some other way gets near it. Outputs are checked finite as well.
 */
export const MAX_SERIES_MAGNITUDE = 1e300;

/** The last guard of "never a non-finite number": a forecast that is not finite is refused. */
function checkFinite(skus: readonly SkuForecast[], categories: ForecastResult['categories']): void {
  const bad = (ws: readonly { p10: number; p50: number; p90: number }[]): boolean =>
    ws.some((w) => !(Number.isFinite(w.p10) && Number.isFinite(w.p50) && Number.isFinite(w.p90)));
  const what =
    skus.find((s) => bad(s.weeks))?.sku ?? categories.find((c) => bad(c.weeks))?.category;
  if (what !== undefined) {
    throw new ForecastError(
      'number-too-large',
      `the forecast for "${what.length > 60 ? `${what.slice(0, 60)}…` : what}" is not a finite number: its weekly totals are too large to forecast`,
    );
  }
}

/** Refuses a series the models could not forecast to finite numbers. */
function checkMagnitudes(series: readonly BacktestSeries[]): void {
  for (const s of series) {
    for (const v of s.y) {
      if (!(v <= MAX_SERIES_MAGNITUDE && v >= -MAX_SERIES_MAGNITUDE)) {
        throw new ForecastError(
          'number-too-large',
          `sku "${s.id.length > 60 ? `${s.id.slice(0, 60)}…` : s.id}" has a weekly total of ${v}, a number too large to forecast; expected weekly totals of at most ${MAX_SERIES_MAGNITUDE.toExponential()}`,
        );
      }
    }
  }
}

function selectionSummary(
  requested: string,
  r: AutoResult,
  blocks: readonly HorizonBlock[],
): SelectionSummary {
  const e = r.evidence;
  return {
    ...(blocks.length > 1 && {
      blocks: blocks.map((b) => ({
        from: b.from,
        to: b.to,
        chosen: [...b.result.evidence.chosen],
        excluded: b.result.evidence.excluded.map((x) => ({ alias: x.alias, reason: x.reason })),
        accuracy: b.result.evidence.accuracy,
      })),
    }),
    requested,
    rule: e.rule,
    chosen: [...e.chosen],
    candidates: e.candidates.map((c) => ({
      alias: c.alias,
      score: c.score,
      wape: c.wape,
      rank: c.rank,
      millis: c.millis,
    })),
    excluded: e.excluded.map((x) => ({ alias: x.alias, reason: x.reason })),
    accuracy: e.accuracy,
    intervalMethod:
      'p10–p90 from the errors of the same forecasts on the backtest weeks, by demand class (split conformal, by weeks ahead, scaled by each sku’s week-to-week change), or, for a class of slow movers where it scored better, from each sku’s own share of weeks with a sale and its past sale sizes: about 8 in 10 future weeks should fall inside',
  };
}

/** Flags a planner filters by: too little history, sporadic demand, a fallback made the forecast, no sale in a year. */
export function skuFlags(y: Float64Array, fellBack: boolean): SkuFlag[] {
  const flags: SkuFlag[] = [];
  if (y.length < SHORT_HISTORY_WEEKS) flags.push('short history');
  let sales = 0;
  for (const v of y) if (v !== 0) sales++;
  if (y.length > 0 && (sales === 0 || y.length / sales > INTERMITTENT_ADI))
    flags.push('intermittent');
  if (fellBack) flags.push('fallback');
  if (hasEnded(y, y.length)) flags.push('ended');
  return flags;
}
