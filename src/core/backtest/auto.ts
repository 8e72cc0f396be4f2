// `auto`: chooses how to forecast from the history alone. It backtests every
// candidate on the last few windows of that history (internal cross-
// validation, state rolled forward: refit false), scores each candidate on
// them, combines candidates by a strategy — per-sku selection, the single
// best model of the dataset (pooled), or the mean / median of the top k by
// pooled score — calibrates the band of the result with conformal residuals
// from the same windows, and forecasts from the end of the history. The
// choice and the evidence (every candidate's validation score) come back
// with the forecasts.
//
// This file runs the rooms in turn: the candidates' backtest and scores
// (candidates.ts, over cross-validation.ts), ranking and choosing
// (selection.ts), combining (strategies.ts), and the band (conformal.ts).

import { fallback } from '../models/run-model';
import {
  DEFAULT_SETTINGS,
  type Forecast,
  type Model,
  type ModelAlias,
  type ModelSettings,
} from '../models/types';
import { roundTo } from '../stats/round';
import {
  backtestCandidates,
  backtestEarlier,
  backtestMembers,
  type BacktestRecipe,
  type Backtested,
} from './candidates';
import { bandAt, bandClass, planOnBacktest, type BandPlan, type ClassBand } from './bands';
import {
  calibrateOnWindows,
  DEFAULT_CONFORMAL,
  type Calibration,
  type ConformalOptions,
} from './conformal';
import {
  joinBacktests,
  type crossValidation,
  type EarlierOrigins,
  type SeriesBacktest,
} from './cross-validation';
import {
  pooledAccuracy,
  validationAccuracy,
  type SkuAccuracy,
  type SkuAccuracySums,
} from './scores';
import {
  EVIDENCE_DECIMALS,
  ruleText,
  Scoring,
  STRATEGIES,
  validationWindows,
  type CandidateEvidence,
  type Choice,
  type SelectionMetric,
  type Strategy,
} from './selection';
import type { BacktestSeries } from './series';
import type { DemandClass } from '../stats/demand-class';
import { combine, forecastName, futureAlias, type Combined, type Pool } from './strategies';
import { totalsFromBacktest, type AutoTotals } from './total-bands';

export interface AutoOptions {
  h: number;
  settings?: ModelSettings;
  /** Internal validation windows (cutoffs) before the end of the history. */
  nWindows?: number;
  /** Weeks between those cutoffs. */
  stepSize?: number;
  strategy?: Strategy;
  topK?: number;
  metric?: SelectionMetric;
  conformal?: ConformalOptions;
  /** Also return every candidate's and every strategy's calibrated forecasts (for evaluation). */
  keepAll?: boolean;
  /** Fit the candidates afresh on the whole history for the forecast (default: roll the validation fit forward). */
  refitFinal?: boolean;
  /**
   * Origins the band and the totals' bands are calibrated on, when more than
   * nWindows: the chosen forecast is backtested again over that many, so its
   * errors span more of the series' past moves; the choice, p50 and each
   * class's method stay those of the nWindows origins. Off by default
   * (models/MODEL_CARD.md, issue 22: measured, not shipped).
   */
  calibrationWindows?: number;
  /**
   * Origins before the nWindows ones the band and the totals' bands are also
   * calibrated on (cross-validation.ts EarlierOrigins); null: none. Default
   * CALIBRATION_EARLIER.
   */
  calibrationEarlier?: EarlierOrigins | null;
  onProgress?: (done: number, total: number) => void;
  /** The backtest itself; a thread pool passes crossValidationSharded here. Default: one thread. */
  crossValidate?: typeof crossValidation;
  /** Series per block of the scoring pass (see candidates.ts's SCORE_BLOCK). */
  scoreBlock?: number;
  /**
   * Called (and awaited) once the last backtest has run, before the
   * forecasts are finished: no model runs after it, so a caller can stop the
   * threads that ran them (the CLI's TCN and shard threads) first.
   */
  onBacktestsDone?: () => Promise<void> | void;
}
/**
 * The band's and the totals' calibration also rests on the chosen forecast's
 * errors at origins every 4 weeks over the year before the choice's 12, each
 * with a year of history before it (models/MODEL_CARD.md, issue 22: chosen
 * on validation windows): a dozen origins a week apart see one stretch of
 * weather, and a category's skus share its shocks, so totals' bands were too
 * narrow.
 */
export const CALIBRATION_EARLIER: EarlierOrigins = { weeks: 52, step: 4, minHistory: 52 };

/**
 * The shipped recipe, chosen on validation windows (before every scored
 * window) of the seed, store-item and M4 weekly data (`npm run eval -- --split
 * validation`; models/MODEL_CARD.md): the mean of the best (up to 3, within 5%
 * of the best, near-duplicates skipped) by pooled WAPE over 12 weekly origins
 * was within 1.4% of the best single model in hindsight on all three, where
 * per-sku selection was 3–17% worse and the single pooled best up to 2% worse.
 * Refitting on the whole history for the forecast beat rolling the validation
 * fit forward on M4 (MASE 2.51 against 2.55 for the same ensemble).
 */
export const AUTO_DEFAULTS = {
  nWindows: 12,
  stepSize: 1,
  strategy: 'ensemble_mean' as Strategy,
  topK: 3,
  metric: 'wape' as SelectionMetric,
  refitFinal: true,
};

export interface SkuChoice {
  id: string;
  /** The alias that made this sku's forecast (a model, ensemble_mean or ensemble_median, or a fallback). */
  model: string;
  /** The members of an ensemble. */
  members?: ModelAlias[];
  /** Validation score of each candidate on this sku (selection metric). */
  scores: Partial<Record<ModelAlias, number>>;
  /** Validation windows this sku had. */
  windows: number;
  /** The shipped forecast's error and band coverage on those windows (absent without any). */
  accuracy?: SkuAccuracy;
}

export interface AutoEvidence {
  rule: string;
  strategy: Strategy;
  metric: SelectionMetric;
  windows: number;
  stepSize: number;
  topK: number;
  candidates: CandidateEvidence[];
  /** Candidates left out and why (horizon longer than the model's). */
  excluded: { alias: ModelAlias; reason: string }[];
  /** The pooled best (pooled) or the ensemble's members. */
  chosen: ModelAlias[];
  conformal: {
    options: ConformalOptions;
    residualsPerStep: number[];
    widen: number;
    /** Each demand class's band: its method and the evidence it was chosen on (bands.ts). */
    classes: ClassBand[];
  };
  /** The shipped forecasts on the validation windows, pooled over skus. */
  accuracy: { wape: number; coverage: number; windows: number };
}

export interface AutoSkuForecast {
  id: string;
  model: string;
  forecast: Forecast;
}

export interface AutoResult {
  forecasts: AutoSkuForecast[];
  /** Category and grand totals, banded by their own backtest errors. */
  totals: AutoTotals;
  evidence: AutoEvidence;
  perSku: SkuChoice[];
  /** With keepAll: calibrated forecasts of every candidate and every strategy, in series order. */
  all?: Partial<Record<string, Forecast[]>>;
  /** What a shard's forecast needs of the whole run: the candidates, how they ranked, the band. */
  choice: AutoChoice;
}

/** The band a run ships: the calibration of all skus pooled and each demand class's. */
export interface AutoBands {
  calibration: Calibration;
  plan: BandPlan;
}

/** The choice of a run over every sku: its candidates (in order), their ranking and the band. */
export interface AutoChoice {
  aliases: ModelAlias[];
  choice: Choice;
  bands: AutoBands;
}

/** What `skucast choose` hands each shard's forecast, per horizon block. */
export interface ShardChoice {
  choice: AutoChoice;
  evidence: AutoEvidence;
  totals: AutoTotals;
}

/** The options of a run with their defaults. */
interface Recipe extends BacktestRecipe {
  conformal: ConformalOptions;
}

/** A run once backtested: what calibrating and naming the forecasts read. */
interface Run {
  recipe: Recipe;
  series: readonly BacktestSeries[];
  /** The backtest of every series with a window, in series order. */
  bt: readonly SeriesBacktest[];
  /** Index of each input series in bt, -1 when it had no window at all. */
  at: Int32Array;
  /** Validation windows per bt entry (all but the future window). */
  valWindows: readonly number[];
}

/** Forecasts by one strategy or model, calibrated, with what they rest on. */
interface Finished {
  forecasts: AutoSkuForecast[];
  calibration: Calibration;
  plan: BandPlan;
  accuracy: SkuAccuracySums[];
  pts: readonly Combined[];
}

/** A run's options with their defaults. */
function recipeOf(opts: AutoOptions): Recipe {
  return {
    h: opts.h,
    settings: opts.settings ?? DEFAULT_SETTINGS,
    nWindows: opts.nWindows ?? AUTO_DEFAULTS.nWindows,
    stepSize: opts.stepSize ?? AUTO_DEFAULTS.stepSize,
    strategy: opts.strategy ?? AUTO_DEFAULTS.strategy,
    topK: opts.topK ?? AUTO_DEFAULTS.topK,
    metric: opts.metric ?? AUTO_DEFAULTS.metric,
    refitFinal: opts.refitFinal ?? AUTO_DEFAULTS.refitFinal,
    conformal: opts.conformal ?? DEFAULT_CONFORMAL,
  };
}

/** The models that can forecast h weeks, and those left out with why. */
export function autoCandidates(
  models: readonly Model[],
  h: number,
): { candidates: Model[]; excluded: AutoEvidence['excluded'] } {
  const excluded = models
    .filter((m) => m.maxHorizon < h)
    .map((m) => ({
      alias: m.alias,
      reason: `forecasts at most ${m.maxHorizon} weeks; asked for ${h}`,
    }));
  const candidates = models.filter((m) => m.maxHorizon >= h);
  if (candidates.length === 0) throw new Error('auto needs at least one candidate model');
  return { candidates, excluded };
}

export async function auto(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: AutoOptions,
): Promise<AutoResult> {
  const recipe = recipeOf(opts);
  const { candidates, excluded } = autoCandidates(models, recipe.h);
  // The choice on the earlier windows may name candidates a streaming pass would drop.
  const keep = recipe.conformal.crossfit !== 'off' ? { ...opts, keepAll: true } : opts;
  const backtested = await backtestCandidates(series, candidates, recipe, keep);
  const long = await calibrationBacktest(series, candidates, recipe, backtested, opts);
  await opts.onBacktestsDone?.();
  const aliases = candidates.map((m) => m.alias);
  return finishAuto(series, aliases, excluded, backtested, opts, long);
}

/**
 * The chosen members' backtest the band is calibrated on when it is to rest
 * on more origins than the choice (undefined when not asked for): over
 * calibrationWindows weekly origins, or the choice's own windows joined after
 * the calibrationEarlier ones.
 */
async function calibrationBacktest(
  series: readonly BacktestSeries[],
  candidates: readonly Model[],
  recipe: Recipe,
  backtested: Backtested,
  opts: AutoOptions,
): Promise<SeriesBacktest[] | undefined> {
  const n = opts.calibrationWindows ?? 0;
  const earlier = earlierOf(opts);
  if ((n <= recipe.nWindows && !earlier) || recipe.strategy === 'per_sku') return undefined;
  const { choice, bt } = backtested;
  const members = chosenIndices(recipe.strategy, choice).map((j) => candidates[j] as Model);
  if (n > recipe.nWindows)
    return backtestMembers(series, members, { ...recipe, nWindows: n }, opts);
  const early = await backtestEarlier(series, members, recipe, earlier as EarlierOrigins, opts);
  return withEarlier(
    early,
    bt,
    members.map((m) => m.alias),
  );
}

/** What the band also rested on, in words, when a calibration backtest was run (calibrationBacktest). */
function alsoCalibratedOn(opts: AutoOptions, recipe: Recipe): string {
  const n = opts.calibrationWindows ?? 0;
  const e = earlierOf(opts);
  if (n > recipe.nWindows)
    return `; the bands (the skus’ and the totals’) rest on the chosen models’ errors over the last ${n} origins`;
  if (!e) return '';
  return (
    `; the bands (the skus’ and the totals’) also rest on the chosen models’ errors at origins every ${e.step} weeks ` +
    `over the ${e.weeks} weeks before those, where a sku had ${e.minHistory} weeks of history`
  );
}

/** The earlier origins a run calibrates on (null: none). */
function earlierOf(opts: AutoOptions): EarlierOrigins | null {
  return opts.calibrationEarlier === undefined ? CALIBRATION_EARLIER : opts.calibrationEarlier;
}

/** The candidates a strategy forecasts with (per_sku: none in particular). */
export function chosenIndices(strategy: Strategy, choice: Choice): number[] {
  return strategy === 'pooled' ? [choice.order[0] as number] : choice.top;
}

/**
 * The choice's backtest `bt` with the chosen aliases' windows at the earlier
 * origins before it: the backtest the band is calibrated on, or undefined
 * when no series has an earlier window.
 */
export function withEarlier(
  early: readonly SeriesBacktest[],
  bt: readonly SeriesBacktest[],
  aliases: readonly ModelAlias[],
): SeriesBacktest[] | undefined {
  return early.length === 0 ? undefined : joinBacktests(early, bt, aliases);
}

/**
 * Every candidate's backtest of a shard's series, kept whole (as keepAll
 * keeps it): what `skucast backtest --format scores` writes, so that
 * finishAuto over every shard's backtests, laid out in one run's order, is
 * that run.
 */
export async function backtestForShard(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: AutoOptions,
): Promise<
  Backtested & {
    candidates: Model[];
    excluded: AutoEvidence['excluded'];
    /** Every candidate at the earlier origins (calibrationEarlier), or none. */
    early: SeriesBacktest[];
  }
> {
  const recipe = recipeOf(opts);
  const { candidates, excluded } = autoCandidates(models, recipe.h);
  const backtested = await backtestCandidates(series, candidates, recipe, {
    ...opts,
    keepAll: true,
  });
  // The members are known once every shard is in: every candidate's
  // windows at the earlier origins, for `choose` to calibrate the band on.
  const earlier = earlierOf(opts);
  const early =
    earlier && recipe.strategy !== 'per_sku'
      ? await backtestEarlier(series, candidates, recipe, earlier, opts)
      : [];
  await opts.onBacktestsDone?.();
  return { ...backtested, candidates, excluded, early };
}

/**
 * The rest of `auto` once the candidates are backtested and scored: combine,
 * calibrate, forecast, total. `skucast choose` runs it on every shard's
 * backtest; the choice and the bands it ends with are what each shard's
 * forecast then uses (autoWithChoice).
 */
export function finishAuto(
  series: readonly BacktestSeries[],
  aliases: readonly ModelAlias[],
  excluded: AutoEvidence['excluded'],
  backtested: Backtested,
  opts: AutoOptions,
  /** The chosen members over calibrationWindows origins (calibrationBacktest). */
  long?: readonly SeriesBacktest[],
): AutoResult {
  const recipe = recipeOf(opts);
  const { h, strategy } = recipe;
  const { bt, scoring, choice, millis } = backtested;
  // The scored series are the backtest's, in its order (per-sku scores are read by index).
  if (scoring.skuScores.length !== bt.length) throw new Error('auto: scored series differ');
  const run = runOf(recipe, series, bt, scoring.skuWindows);
  const pool: Pool = {
    h,
    bt,
    aliases,
    points: aliases.map((a) => bt.map((sb) => sb.points[a])),
    choice,
    skuScores: scoring.skuScores,
    skuWindows: scoring.skuWindows,
  };
  // The choice the earlier windows alone make, before the unchosen candidates' points go.
  const early = recipe.conformal.crossfit !== 'off' ? earlyPool(pool, recipe) : undefined;
  const honest = early && combine(strategy, early);
  if (!opts.keepAll && strategy !== 'per_sku') forgetUnchosen(pool, strategy);

  const pts = combine(strategy, pool);
  const longer = long && longerBands(run, pts, long, pool);
  const main = finishAll(
    run,
    pts,
    (i, label) => forecastName(strategy, bt[i] as SeriesBacktest, label),
    longer?.bands,
    honest,
  );
  const top = choice.top.map((j) => aliases[j] as ModelAlias);
  const totalsOn = longer ?? { run, pts: main.pts };
  const result: AutoResult = {
    forecasts: main.forecasts,
    totals: totalsFromBacktest(
      series,
      totalsOn.run.at,
      totalsOn.run.bt,
      totalsOn.run.valWindows,
      totalsOn.pts,
      main.forecasts,
      h,
    ),
    perSku: skuChoices(run, main, scoring.skuScores, aliases, top),
    evidence: {
      rule: ruleText(recipe, top.length) + (long ? alsoCalibratedOn(opts, recipe) : ''),
      strategy,
      metric: recipe.metric,
      windows: recipe.nWindows,
      stepSize: recipe.stepSize,
      topK: top.length,
      candidates: scoring.evidence(aliases, choice.order, millis),
      excluded,
      chosen: chosenAliases(strategy, choice, aliases, main.forecasts),
      conformal: {
        options: main.calibration.options,
        residualsPerStep: main.calibration.counts,
        widen: roundTo(main.calibration.widen, EVIDENCE_DECIMALS),
        classes: main.plan.evidence,
      },
      accuracy: pooledAccuracy(main.accuracy),
    },
    choice: {
      aliases: [...aliases],
      choice,
      bands: { calibration: main.calibration, plan: main.plan },
    },
  };
  if (opts.keepAll) result.all = everyForecast(run, pool, main, early);
  return result;
}

/**
 * A run's forecasts by a choice made over every shard (`skucast choose`):
 * only the chosen members are backtested, on this shard's series, and the
 * band is the one calibrated on every shard's errors; the totals and the
 * evidence are the whole run's. Each sku's forecast is then the one a single
 * run over every sku gives it: its points depend on its own series alone.
 */
export async function autoWithChoice(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: AutoOptions,
  given: ShardChoice,
): Promise<AutoResult> {
  const recipe = recipeOf(opts);
  const { strategy } = recipe;
  if (strategy === 'per_sku' || opts.keepAll)
    throw new Error('auto: a choice made over shards ships one pooled choice');
  const { aliases, choice } = given.choice;
  const chosen = chosenIndices(strategy, choice);
  const members = chosen.map((j) => {
    const m = models.find((x) => x.alias === aliases[j]);
    if (!m) throw new Error(`auto: the choice names ${aliases[j]}, which this run does not have`);
    return m;
  });
  const bt = await backtestMembers(series, members, recipe, opts);
  await opts.onBacktestsDone?.();
  const run = runOf(recipe, series, bt, bt.map(validationWindows));
  const pool: Pool = {
    h: recipe.h,
    bt,
    aliases,
    points: aliases.map((a) => bt.map((sb) => sb.points[a])),
    choice,
    skuScores: bt.map(() => []),
    skuWindows: run.valWindows,
  };
  const main = finishAll(
    run,
    combine(strategy, pool),
    (i, label) => forecastName(strategy, bt[i] as SeriesBacktest, label),
    given.choice.bands,
  );
  const top = choice.top.map((j) => aliases[j] as ModelAlias);
  return {
    forecasts: main.forecasts,
    totals: given.totals,
    perSku: skuChoices(run, main, pool.skuScores, aliases, top),
    evidence: given.evidence,
    choice: given.choice,
  };
}

function runOf(
  recipe: Recipe,
  series: readonly BacktestSeries[],
  bt: readonly SeriesBacktest[],
  valWindows: readonly number[],
): Run {
  const index = new Map(bt.map((sb, i) => [sb.series, i]));
  const at = Int32Array.from(series, (s) => index.get(s) ?? -1);
  return { recipe, series, bt, at, valWindows };
}

/** The models a strategy ships: the pooled best, the members, or every model some sku got. */
function chosenAliases(
  strategy: Strategy,
  choice: Choice,
  aliases: readonly ModelAlias[],
  forecasts: readonly AutoSkuForecast[],
): ModelAlias[] {
  if (strategy === 'per_sku') return [...new Set(forecasts.map((c) => c.model as ModelAlias))];
  return chosenIndices(strategy, choice).map((j) => aliases[j] as ModelAlias);
}

/**
 * From here on only the chosen candidates' forecasts are read (all of them
 * by per_sku and keepAll): the others' go, a backtest's worth each.
 */
function forgetUnchosen(pool: Pool, strategy: Strategy): void {
  const keep = new Set(chosenIndices(strategy, pool.choice));
  const points = pool.points as (readonly (Float64Array | undefined)[])[];
  pool.aliases.forEach((a, j) => {
    if (keep.has(j)) return;
    points[j] = [];
    for (const sb of pool.bt) delete sb.points[a];
  });
}

/** Every strategy's and every candidate's calibrated forecasts (keepAll), in series order. */
function everyForecast(
  run: Run,
  pool: Pool,
  main: Finished,
  early: Pool | undefined,
): Partial<Record<string, Forecast[]>> {
  const all: Partial<Record<string, Forecast[]>> = {};
  const strategy = run.recipe.strategy;
  for (const s of STRATEGIES) {
    const done =
      s === strategy
        ? main
        : finishAll(
            run,
            combine(s, pool),
            (i, label) => forecastName(s, run.bt[i] as SeriesBacktest, label),
            undefined,
            early && combine(s, early),
          );
    all[s] = done.forecasts.map((f) => f.forecast);
  }
  pool.aliases.forEach((a, j) => {
    const pts = run.bt.map((_, i) => ({ point: pool.points[j]?.[i] as Float64Array, label: [a] }));
    all[a] = finishAll(run, pts, (i) => futureAlias(run.bt[i] as SeriesBacktest, a)).forecasts.map(
      (f) => f.forecast,
    );
  });
  return all;
}

/**
 * The pool as the candidates stand when they are chosen on the earlier half
 * of each series' validation windows only (the same scoring and rule):
 * what the strategy would have shipped at the later windows' origins, so
 * its errors there are errors of a choice they did not make. The earlier
 * windows' targets overlap the later ones' first weeks (origins a week
 * apart, h weeks ahead): the choice is out of sample, the weeks not wholly.
 */
function earlyPool(pool: Pool, recipe: Recipe): Pool {
  const scoring = new Scoring(recipe.metric, recipe.h, pool.aliases.length);
  pool.bt.forEach((sb, i) => {
    const half = (pool.skuWindows[i] as number) >> 1;
    scoring.add(
      { ...sb, cutoffs: sb.cutoffs.slice(0, half) },
      pool.points.map((p) => p[i]),
      [],
    );
  });
  return {
    ...pool,
    choice: scoring.choose(recipe.topK),
    skuScores: scoring.skuScores,
    skuWindows: scoring.skuWindows,
  };
}

/**
 * The plan with each conformal class's band read from the later windows'
 * errors of the choice made on the earlier ones; each class keeps the
 * method all windows chose for it, so p50 stays where it was.
 */
function crossFitPlan(
  run: Run,
  plan: BandPlan,
  honest: readonly Combined[],
  pooled: Calibration,
): BandPlan {
  const { h } = run.recipe;
  const half = (i: number): number => (run.valWindows[i] as number) >> 1;
  const bt = run.bt.map((sb, i) => ({
    ...sb,
    cutoffs: sb.cutoffs.slice(half(i)),
    actual: sb.actual.subarray(half(i) * h),
  }));
  const pts = honest.map((p, i) => ({ point: p.point.subarray(half(i) * h) }));
  const windows = run.valWindows.map((w) => w - (w >> 1));
  const late = planOnBacktest(bt, pts, windows, h, pooled).plan;
  return withWidths(plan, late, pooled);
}

/**
 * The bands calibrated on the chosen forecast's errors over the longer
 * backtest, with p50 (the median shift) and each class's method as the
 * run's own windows set them, so only the bands' widths move.
 */
function longerBands(
  run: Run,
  pts: readonly Combined[],
  long: readonly SeriesBacktest[],
  pool: Pool,
): { bands: AutoBands; run: Run; pts: Combined[] } {
  const { h, conformal, strategy } = run.recipe;
  const longRun = runOf(run.recipe, run.series, long, long.map(validationWindows));
  const longPts = combine(strategy, {
    ...pool,
    bt: long,
    points: pool.aliases.map((a) => long.map((sb) => sb.points[a])),
    skuScores: long.map(() => []),
    skuWindows: longRun.valWindows,
  });
  const own = calibrateOnWindows(run.bt, pts, run.valWindows, h, conformal);
  const wide = calibrateOnWindows(long, longPts, longRun.valWindows, h, {
    ...conformal,
    shiftMedian: own.options.shiftMedian,
  });
  const calibration: Calibration = {
    ...wide,
    steps: wide.steps.map((q, k) => ({ ...q, q50: (own.steps[k] as { q50: number }).q50 })),
  };
  const plan = planOnBacktest(run.bt, pts, run.valWindows, h, own).plan;
  const longPlan = planOnBacktest(long, longPts, longRun.valWindows, h, calibration).plan;
  return {
    bands: { calibration, plan: withWidths(plan, longPlan, calibration) },
    run: longRun,
    pts: longPts,
  };
}

/**
 * `plan` (its methods, so p50 stays) with each conformal class's band read
 * from `widths`, and `pooled` for the classes that borrow.
 */
function withWidths(plan: BandPlan, widths: BandPlan, pooled: Calibration): BandPlan {
  const byClass = new Map(plan.byClass);
  for (const [demand, c] of byClass) {
    const own = widths.byClass.get(demand);
    byClass.set(demand, { ...c, calibration: own?.calibration ?? pooled });
  }
  const evidence = plan.evidence.map((e) => ({
    ...e,
    calibration: widths.evidence.find((x) => x.demand === e.demand)?.calibration ?? e.calibration,
  }));
  return { ...plan, pooled, byClass, evidence };
}

/** Each sku's choice: what made its forecast, every candidate's score and the shipped forecast's accuracy. */
function skuChoices(
  run: Run,
  main: Finished,
  skuScores: readonly (readonly number[])[],
  aliases: readonly ModelAlias[],
  top: readonly ModelAlias[],
): SkuChoice[] {
  const { strategy } = run.recipe;
  return run.series.map((s, si) => {
    const i = run.at[si] as number;
    const f = main.forecasts[si] as AutoSkuForecast;
    const choice: SkuChoice = {
      id: s.id,
      model: f.model,
      scores: {},
      windows: i < 0 ? 0 : (run.valWindows[i] as number),
    };
    const acc = i >= 0 ? main.accuracy[i] : undefined;
    if (acc && acc.weeks > 0) {
      const { wape, coverage, windows, weeks } = acc;
      choice.accuracy = { wape, coverage, windows, weeks };
    }
    if (strategy === 'ensemble_mean' || strategy === 'ensemble_median') choice.members = [...top];
    const scores = i >= 0 ? skuScores[i] : undefined;
    if (scores) {
      aliases.forEach((a, j) => {
        const v = scores[j] as number;
        if (Number.isFinite(v)) choice.scores[a] = roundTo(v, EVIDENCE_DECIMALS);
      });
    }
    return choice;
  });
}
/**
 * Calibrates the points of every series (by a strategy or model), each
 * demand class its own way (bands.ts), and forecasts from the end.
 */
function finishAll(
  run: Run,
  pts: readonly Combined[],
  name: (i: number, label: string[]) => string,
  /** The band calibrated elsewhere (over every shard); calibrated on `pts` when absent. */
  given?: AutoBands,
  /** With crossfit 'late': the points of the choice made on the earlier windows (earlyPool). */
  honest?: readonly Combined[],
): Finished {
  const { h, settings } = run.recipe;
  const calibration =
    given?.calibration ??
    calibrateOnWindows(run.bt, pts, run.valWindows, h, run.recipe.conformal, honest);
  const demand = run.bt.map((sb) => bandClass(sb.series.y));
  let plan = given?.plan ?? planOnBacktest(run.bt, pts, run.valWindows, h, calibration).plan;
  if (!given && honest && run.recipe.conformal.crossfit === 'late')
    plan = crossFitPlan(run, plan, honest, calibration);
  const forecasts = run.series.map((s, si) => {
    const i = run.at[si] as number;
    const sb = run.bt[i];
    const p = pts[i];
    // A series with no backtest window of its own (no longer than h) has no evidence
    // for any candidate: the fallback chain forecasts it, with its class's band.
    if (!sb || !p || run.valWindows[i] === 0) {
      const f = fallback(s.y, h, settings);
      if (s.y.length === 0) return { id: s.id, model: f.alias, forecast: f.forecast };
      const band = bandAt(
        plan,
        s.id,
        bandClass(s.y),
        s.y,
        s.y.length,
        f.forecast.point,
        undefined,
        true,
      );
      return { id: s.id, model: f.alias, forecast: band };
    }
    const w = sb.cutoffs.length - 1;
    const future = p.point.subarray(w * h, (w + 1) * h);
    return {
      id: s.id,
      model: name(i, p.label),
      forecast: bandAt(plan, s.id, demand[i] as DemandClass, s.y, s.y.length, future),
    };
  });
  const accuracy = run.bt.map((sb, i) =>
    validationAccuracy(
      sb,
      (pts[i] as Combined).point,
      run.valWindows[i] as number,
      h,
      (c, point, into) =>
        bandAt(plan, sb.series.id, demand[i] as DemandClass, sb.series.y, c, point, into),
    ),
  );
  return { forecasts, calibration, plan, accuracy, pts };
}
