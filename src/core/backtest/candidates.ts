// The candidates' backtest of `auto`, by one path: every candidate on every
// series at its validation windows and the future one, scored series by
// series (selection.ts) as the backtests come, then ranked. A strategy that
// ships at most topK candidates, on a file whose candidates' backtests would
// not fit in KEEP_POINTS_BYTES, streams: the local candidates are backtested
// block by block and each block dropped once scored, then only the chosen
// members run again; otherwise there is one block, every series, and it is
// kept.

import type { Model, ModelAlias, ModelSettings } from '../models/types';
import {
  addCounts,
  crossValidation,
  type CrossValidationOptions,
  type EarlierOrigins,
  type SeriesBacktest,
} from './cross-validation';
import { Scoring, type Choice, type SelectionMetric, type Strategy } from './selection';
import type { BacktestSeries } from './series';

/**
 * Series per block when candidates are scored in a streaming pass (a strategy
 * that ships at most topK of them, without keepAll): each block's local
 * backtests are scored and dropped, then only the chosen members are run
 * again, on every series, for the band and the forecast. At the table cap
 * (45,000 skus) keeping every candidate's points was about 300 MB.
 */
export const SCORE_BLOCK = 4096;

/**
 * Below this many bytes of the local candidates' backtest points (series ×
 * candidates × windows × h), auto keeps every candidate's backtest and scores
 * it in one block instead of streaming: the streaming pass runs the chosen
 * members again, about a fifth of the local backtest, to save memory a file
 * of a few thousand skus does not need (5,000 skus at h = 4: 29 MB).
 */
export const KEEP_POINTS_BYTES = 96 * 2 ** 20;

/** What the backtest of a run follows (auto's options with their defaults). */
export interface BacktestRecipe {
  h: number;
  settings: ModelSettings;
  nWindows: number;
  stepSize: number;
  strategy: Strategy;
  topK: number;
  metric: SelectionMetric;
  /** Fit afresh on the whole history for the future window (else roll the validation fit forward). */
  refitFinal: boolean;
}

/** How the backtest runs (see AutoOptions). */
export interface BacktestRunOptions {
  keepAll?: boolean | undefined;
  scoreBlock?: number | undefined;
  crossValidate?: typeof crossValidation | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** A run's backtest: the series with a window and the candidates it still holds, scored and ranked. */
export interface Backtested {
  bt: SeriesBacktest[];
  scoring: Scoring;
  choice: Choice;
  /** Backtest time of each candidate, ms. */
  millis: Partial<Record<ModelAlias, number>>;
}

/**
 * Every candidate backtested on every series and scored, by one path: the
 * global models (the TCN) over every series at once, as one backtest would
 * batch them (their points kept: one model's worth), then the local models
 * block by block, each block scored as it comes. Streaming (a strategy that
 * ships at most topK candidates, without keepAll: every candidate's forecasts
 * are read afterwards by per_sku and keepAll) drops each block once scored
 * and runs the chosen members again on every series, the same backtest (a
 * local model's forecasts depend on its series alone), kept this time.
 * Otherwise the one block is every series, kept.
 */
export async function backtestCandidates(
  series: readonly BacktestSeries[],
  candidates: readonly Model[],
  recipe: BacktestRecipe,
  opts: BacktestRunOptions,
): Promise<Backtested> {
  const crossValidate = opts.crossValidate ?? crossValidation;
  const cvOpts = cvOptionsOf(recipe);
  const locals = candidates.filter((m) => m.kind === 'local');
  const globals = candidates.filter((m) => m.kind === 'global');
  const streaming =
    !opts.keepAll &&
    recipe.strategy !== 'per_sku' &&
    candidates.length > 1 &&
    locals.length > 0 &&
    (opts.scoreBlock !== undefined
      ? series.length > opts.scoreBlock
      : series.length * locals.length * (recipe.nWindows + 1) * recipe.h * 8 > KEEP_POINTS_BYTES);
  const block = Math.max(1, streaming ? (opts.scoreBlock ?? SCORE_BLOCK) : series.length);
  const again = streaming
    ? Math.min(locals.length, recipe.strategy === 'pooled' ? 1 : Math.max(1, recipe.topK))
    : 0;
  const progress = new Progress(series.length * (candidates.length + again), opts.onProgress);
  const run = async (part: readonly BacktestSeries[], ms: readonly Model[]) => {
    const lane = progress.lane();
    const cv = await crossValidate(part, ms, { ...cvOpts, ...lane.options });
    lane.end(part.length * ms.length);
    return cv;
  };

  // The global models and the first block of local ones run at once: the
  // network's inference waits on its own thread (the CLI's model host, a GPU)
  // while the classical models keep every core busy; scoring waits for both.
  const first = locals.length > 0 ? run(series.slice(0, block), locals) : undefined;
  const [globalCv] = await settledBoth(
    globals.length > 0 ? run(series, globals) : undefined,
    first,
  );
  const globalOf = new Map(globalCv?.series.map((sb) => [sb.series, sb]));
  const millis = { ...globalCv?.millis };
  const scoring = new Scoring(recipe.metric, recipe.h, candidates.length);
  let kept = globalCv;
  // At least one block, so that a run without series still has a backtest.
  for (let from = 0; from < Math.max(1, series.length); from += block) {
    // Without local candidates there is one block, and the globals' backtest is it.
    const part =
      locals.length > 0
        ? await (from === 0 ? first : run(series.slice(from, from + block), locals))
        : globalCv;
    if (!part) throw new Error('auto: no backtest');
    if (part !== globalCv) addCounts(millis, part.millis);
    for (const sb of part.series) {
      const of = (m: Model) => (m.kind === 'global' ? globalOf.get(sb.series) : sb);
      scoring.add(
        sb,
        candidates.map((m) => of(m)?.points[m.alias]),
        candidates.map((m) => of(m)?.used[m.alias]),
      );
    }
    if (!streaming) kept = part;
  }
  const choice = scoring.choose(recipe.topK);
  let members = candidates;
  if (streaming) {
    const chosen = recipe.strategy === 'pooled' ? [choice.order[0] as number] : choice.top;
    members = chosen.map((j) => candidates[j] as Model);
    const rerun = members.filter((m) => m.kind === 'local');
    kept = rerun.length > 0 ? await run(series, rerun) : globalCv;
  }
  if (!kept) throw new Error('auto: no backtest');
  if (kept !== globalCv) graft(kept.series, globalOf, members);
  progress.end();
  return { bt: kept.series, scoring, choice, millis };
}

/**
 * Both results once both have ended, or the first failure once both have
 * ended: a cancelled run must not leave the other backtest running on (the
 * page's worker starts the next run as soon as this one has stopped, and the
 * other would then find no cancel at its next pause).
 */
async function settledBoth<A, B>(a: Promise<A> | A, b: Promise<B> | B): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** The backtest every candidate of a run gets. */
function cvOptionsOf(recipe: BacktestRecipe): CrossValidationOptions {
  return {
    h: recipe.h,
    nWindows: recipe.nWindows,
    stepSize: recipe.stepSize,
    refit: false,
    settings: recipe.settings,
    future: true,
    refitFuture: recipe.refitFinal,
    // Candidates are scored and calibrated on their point forecasts alone.
    pointsOnly: true,
  };
}

/**
 * The chosen members alone backtested on every series, as the streaming pass
 * of backtestCandidates runs them again once chosen: the same points, for a
 * shard whose choice was made over every shard.
 */
export async function backtestMembers(
  series: readonly BacktestSeries[],
  members: readonly Model[],
  recipe: BacktestRecipe,
  opts: BacktestRunOptions,
  /** Options of the backtest beyond the recipe's (backtestEarlier's origins). */
  more: Partial<CrossValidationOptions> = {},
): Promise<SeriesBacktest[]> {
  const crossValidate = opts.crossValidate ?? crossValidation;
  const progress = new Progress(series.length * members.length, opts.onProgress);
  const run = async (ms: readonly Model[]) => {
    const lane = progress.lane();
    const cv = await crossValidate(series, ms, {
      ...cvOptionsOf(recipe),
      ...more,
      ...lane.options,
    });
    lane.end(series.length * ms.length);
    return cv;
  };
  const globals = members.filter((m) => m.kind === 'global');
  const locals = members.filter((m) => m.kind === 'local');
  // At once, as in backtestCandidates.
  const [globalCv, localCv] = await settledBoth(
    globals.length > 0 ? run(globals) : undefined,
    locals.length > 0 ? run(locals) : undefined,
  );
  const kept = localCv ?? globalCv;
  if (!kept) throw new Error('auto: no backtest');
  if (kept !== globalCv)
    graft(kept.series, new Map(globalCv?.series.map((sb) => [sb.series, sb])), members);
  progress.end();
  return kept.series;
}

/**
 * The members at the origins before the recipe's (EarlierOrigins), for
 * calibration alone: no forecast from the series' end.
 */
export function backtestEarlier(
  series: readonly BacktestSeries[],
  members: readonly Model[],
  recipe: BacktestRecipe,
  earlier: EarlierOrigins,
  opts: BacktestRunOptions,
): Promise<SeriesBacktest[]> {
  return backtestMembers(series, members, recipe, opts, {
    future: false,
    earlier,
  });
}

/** The global members' points (and fallbacks) of each series, from their own backtest, onto `bt`. */
function graft(
  bt: readonly SeriesBacktest[],
  globalOf: ReadonlyMap<BacktestSeries, SeriesBacktest>,
  members: readonly Model[],
): void {
  for (const sb of bt) {
    const g = globalOf.get(sb.series);
    if (!g) continue;
    for (const m of members) {
      if (m.kind !== 'global') continue;
      const p = g.points[m.alias];
      const u = g.used[m.alias];
      if (p) sb.points[m.alias] = p;
      if (u) sb.used[m.alias] = u;
    }
  }
}

/**
 * Progress over a run's backtests, some of them at once: each backtest counts
 * in a lane of its own, and the report is the finished ones' units plus every
 * running lane's count, never going back.
 */
class Progress {
  private done = 0;
  private shown = 0;
  private readonly running = new Set<{ d: number }>();

  constructor(
    private readonly total: number,
    private readonly report: ((done: number, total: number) => void) | undefined,
  ) {}

  /** The onProgress option of a backtest starting now, and its end (with its units). */
  lane(): { options: Pick<CrossValidationOptions, 'onProgress'>; end: (units: number) => void } {
    const own = { d: 0 };
    this.running.add(own);
    return {
      options: this.report
        ? {
            onProgress: (d) => {
              own.d = d;
              this.show();
            },
          }
        : {},
      end: (units) => {
        this.running.delete(own);
        this.done += units;
      },
    };
  }

  private show(): void {
    let now = this.done;
    for (const l of this.running) now += l.d;
    this.shown = Math.max(this.shown, Math.min(this.total, now));
    this.report?.(this.shown, this.total);
  }

  end(): void {
    this.report?.(this.total, this.total);
  }
}
