// `auto`: chooses how to forecast from the history alone. It backtests every
// candidate on the last few windows of that history (internal cross-
// validation, state rolled forward: refit false), scores each candidate on
// them, combines candidates by a strategy — per-sku selection, the single
// best model of the dataset (pooled), or the mean / median of the top k by
// pooled score — calibrates the band of the result with conformal residuals
// from the same windows, and forecasts from the end of the history. The
// choice and the evidence (every candidate's validation score) come back
// with the forecasts.

import { fallback } from '../models/run-model';
import {
  DEFAULT_SETTINGS,
  type Forecast,
  type Model,
  type ModelAlias,
  type ModelSettings,
  zeroForecast,
} from '../models/types';
import {
  calibrate,
  calibratedForecast,
  driftFactor,
  forEachResidual,
  DEFAULT_CONFORMAL,
  scaleOfFirst,
  type Calibration,
  type ConformalOptions,
  type ResidualItem,
} from './conformal';
import {
  crossValidation,
  type CrossValidationOptions,
  type CrossValidationResult,
  type SeriesBacktest,
} from './cross-validation';
import type { BacktestSeries } from './series';

export type Strategy = 'per_sku' | 'pooled' | 'ensemble_mean' | 'ensemble_median';

export const STRATEGIES: readonly Strategy[] = [
  'per_sku',
  'pooled',
  'ensemble_mean',
  'ensemble_median',
];

/**
 * How candidates are ranked on the validation windows: 'wape' = Σ|e| / Σ|y|
 * pooled (big skus weigh more); 'scaled_mae' = mean over skus of their mean
 * |e| divided by the sku's level (every sku weighs the same).
 */
export type SelectionMetric = 'wape' | 'scaled_mae';

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
  onProgress?: (done: number, total: number) => void;
  /** The backtest itself; a thread pool passes crossValidationSharded here. Default: one thread. */
  crossValidate?: typeof crossValidation;
  /** Series per block of the scoring pass (see SCORE_BLOCK). */
  scoreBlock?: number;
  /**
   * Called (and awaited) once the last backtest has run, before the
   * forecasts are finished: no model runs after it, so a caller can stop the
   * threads that ran them (the CLI's TCN and shard threads) first.
   */
  onBacktestsDone?: () => Promise<void> | void;
}

/**
 * Series per block when candidates are scored in a streaming pass (a strategy
 * that ships at most topK of them, without keepAll): each block's local
 * backtests are scored and dropped, then only the chosen members are run
 * again, on every series, for the band and the forecast. At the table cap
 * (45,000 skus) keeping every candidate's points was about 300 MB.
 */
export const SCORE_BLOCK = 4096;

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

export interface CandidateEvidence {
  alias: ModelAlias;
  /** Validation score by the selection metric (lower is better); NaN when it has none. */
  score: number;
  /** Pooled validation WAPE, for a person. */
  wape: number;
  rank: number;
  /** Share of validation forecasts a fallback made because the series was too short for it. */
  fallbackShare: number;
  /** Fitting and forecasting every window of every series, ms. */
  millis: number;
}

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

/** Accuracy of calibrated forecasts on validation windows (the band is calibrated on them too). */
export interface SkuAccuracy {
  /** Σ|y − p50| / Σ|y|; NaN when the sku sold nothing in those weeks. */
  wape: number;
  coverage: number;
  windows: number;
  weeks: number;
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
  conformal: { options: ConformalOptions; residualsPerStep: number[]; widen: number };
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
  evidence: AutoEvidence;
  perSku: SkuChoice[];
  /** With keepAll: calibrated forecasts of every candidate and every strategy, in series order. */
  all?: Partial<Record<string, Forecast[]>>;
}

interface Context {
  h: number;
  bt: SeriesBacktest[];
  /** Index of each input series in bt, -1 when it had no window at all. */
  at: Int32Array;
  /** Validation windows per bt entry (all but the future window). */
  valWindows: Int32Array;
}

export async function auto(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: AutoOptions,
): Promise<AutoResult> {
  const h = opts.h;
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const nWindows = opts.nWindows ?? AUTO_DEFAULTS.nWindows;
  const stepSize = opts.stepSize ?? AUTO_DEFAULTS.stepSize;
  const strategy = opts.strategy ?? AUTO_DEFAULTS.strategy;
  const topK = opts.topK ?? AUTO_DEFAULTS.topK;
  const metric = opts.metric ?? AUTO_DEFAULTS.metric;
  const conformal = opts.conformal ?? DEFAULT_CONFORMAL;

  const excluded = models
    .filter((m) => m.maxHorizon < h)
    .map((m) => ({
      alias: m.alias,
      reason: `forecasts at most ${m.maxHorizon} weeks; asked for ${h}`,
    }));
  const candidates = models.filter((m) => m.maxHorizon >= h);
  if (candidates.length === 0) throw new Error('auto needs at least one candidate model');

  const crossValidate = opts.crossValidate ?? crossValidation;
  const cvOpts: CrossValidationOptions = {
    h,
    nWindows,
    stepSize,
    refit: false,
    settings,
    future: true,
    refitFuture: opts.refitFinal ?? AUTO_DEFAULTS.refitFinal,
    // Candidates are scored and calibrated on their point forecasts alone.
    pointsOnly: true,
  };
  const aliases = candidates.map((m) => m.alias);
  const scoring = new Scoring(metric, h, candidates.length);
  const locals = candidates.filter((m) => m.kind === 'local');
  // Every candidate's forecasts are read after scoring by per_sku and keepAll;
  // otherwise at most topK of them, which are run again after a streaming pass.
  const streaming =
    !opts.keepAll && strategy !== 'per_sku' && candidates.length > 1 && locals.length > 0;
  let cv: CrossValidationResult;
  let millis: Partial<Record<ModelAlias, number>>;
  let order: number[];
  let top: number[];
  if (!streaming) {
    cv = await crossValidate(series, candidates, {
      ...cvOpts,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    millis = cv.millis;
    for (const sb of cv.series) {
      scoring.add(
        sb,
        aliases.map((a) => sb.points[a]),
        aliases.map((a) => sb.used[a]),
      );
    }
    ({ order, top } = scoring.choose(topK));
  } else {
    const globals = candidates.filter((m) => m.kind === 'global');
    const rerunMax = Math.min(locals.length, strategy === 'pooled' ? 1 : Math.max(1, topK));
    const total = series.length * (candidates.length + rerunMax);
    let done = 0;
    const progress = (): Pick<CrossValidationOptions, 'onProgress'> => {
      const base = done;
      const report = opts.onProgress;
      return report ? { onProgress: (d) => report(Math.min(total, base + d), total) } : {};
    };
    // The global models (the TCN) over every series at once, as one backtest
    // would batch them; their points are kept (one model's worth).
    const globalCv =
      globals.length > 0
        ? await crossValidate(series, globals, { ...cvOpts, ...progress() })
        : undefined;
    done += series.length * globals.length;
    const globalOf = new Map(globalCv?.series.map((sb) => [sb.series, sb]));
    millis = { ...globalCv?.millis };
    const block = Math.max(1, opts.scoreBlock ?? SCORE_BLOCK);
    for (let from = 0; from < series.length; from += block) {
      const part = await crossValidate(series.slice(from, from + block), locals, {
        ...cvOpts,
        ...progress(),
      });
      done += Math.min(block, series.length - from) * locals.length;
      for (const [a, v] of Object.entries(part.millis) as [ModelAlias, number][])
        millis[a] = (millis[a] ?? 0) + v;
      for (const sb of part.series) {
        const g = globalOf.get(sb.series);
        const of = (m: Model): SeriesBacktest | undefined => (m.kind === 'global' ? g : sb);
        scoring.add(
          sb,
          candidates.map((m) => of(m)?.points[m.alias]),
          candidates.map((m) => of(m)?.used[m.alias]),
        );
      }
    }
    ({ order, top } = scoring.choose(topK));
    // The chosen members' forecasts again, on every series: the same backtest
    // (a local model's forecasts depend on its series alone), kept this time.
    const members = (strategy === 'pooled' ? [order[0] as number] : top).map(
      (j) => candidates[j] as Model,
    );
    const again = members.filter((m) => m.kind === 'local');
    if (again.length > 0) {
      cv = await crossValidate(series, again, { ...cvOpts, ...progress() });
      for (const sb of cv.series) {
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
    } else cv = globalCv as CrossValidationResult;
    opts.onProgress?.(total, total);
  }
  await opts.onBacktestsDone?.();
  const at = new Int32Array(series.length).fill(-1);
  const index = new Map(cv.series.map((sb, i) => [sb.series, i]));
  series.forEach((s, i) => (at[i] = index.get(s) ?? -1));
  const valWindows = Int32Array.from(cv.series, (sb) =>
    sb.cutoffs[sb.cutoffs.length - 1] === sb.series.y.length
      ? sb.cutoffs.length - 1
      : sb.cutoffs.length,
  );
  // The scored series are the backtest's, in its order (per-sku scores are read by index).
  if (scoring.skuScores.length !== cv.series.length) throw new Error('auto: scored series differ');
  const ctx: Context = { h, bt: cv.series, at, valWindows };

  // Every candidate's validation score, pooled and per sku.
  const points = aliases.map((a) => cv.series.map((sb) => sb.points[a]));
  const pooled = aliases.map((_, j) => scoring.pooled(j, metric));
  const pooledWape = aliases.map((_, j) => scoring.pooled(j, 'wape'));
  const rank = new Int32Array(aliases.length);
  order.forEach((j, r) => (rank[j] = r + 1));
  const candidateEvidence: CandidateEvidence[] = aliases.map((alias, j) => ({
    alias,
    score: pooled[j]!,
    wape: pooledWape[j]!,
    rank: rank[j]!,
    fallbackShare: scoring.fallbackShare(j),
    millis: millis[alias] ?? 0,
  }));
  const skuScores = scoring.skuScores;

  const best = order[0] as number;
  // From here on only the chosen candidates' forecasts are read (all of them
  // by per_sku and keepAll): the others' go, a backtest's worth each.
  if (!opts.keepAll && strategy !== 'per_sku') {
    const keep = new Set(strategy === 'pooled' ? [best] : top);
    aliases.forEach((a, j) => {
      if (keep.has(j)) return;
      points[j] = [];
      for (const sb of cv.series) delete sb.points[a];
    });
  }
  const labelOf = aliases.map((a) => [a]);
  const topLabel = top.map((j) => aliases[j]!);
  /** Each series' validation and future points by a strategy, and what made them. */
  const combine = (s: Strategy): Combined[] => {
    if (s === 'pooled')
      return cv.series.map((_, i) => ({ point: points[best]![i]!, label: labelOf[best]! }));
    if (s === 'per_sku') {
      return cv.series.map((_, i) => {
        const sc = skuScores[i] as number[];
        let j = best;
        if (ctx.valWindows[i]! > 0) {
          for (const cand of order) if (cmp(sc[cand]!, sc[j]!) < 0) j = cand;
        }
        return { point: points[j]![i]!, label: labelOf[j]! };
      });
    }
    // One buffer for every series' windows, as the backtest keeps them.
    let total = 0;
    for (const sb of cv.series) total += sb.cutoffs.length * h;
    const all = new Float64Array(total);
    const vals = new Float64Array(top.length);
    let at = 0;
    return cv.series.map((sb, i) => {
      const n = sb.cutoffs.length * h;
      const out = all.subarray(at, at + n);
      at += n;
      for (let t = 0; t < n; t++) {
        top.forEach((j, r) => (vals[r] = points[j]![i]![t] as number));
        out[t] = s === 'ensemble_mean' ? mean(vals) : median(vals);
      }
      return { point: out, label: topLabel };
    });
  };

  /** Calibrates the points of every series (by a strategy or model) and forecasts from the end. */
  const finishAll = (
    pts: readonly Combined[],
    name: (i: number, label: string[]) => string,
  ): {
    forecasts: AutoSkuForecast[];
    calibration: Calibration;
    accuracy: SkuAccuracy[];
  } => {
    const items = (from: (i: number) => number, to: (i: number) => number) =>
      residualItems(cv.series, pts, h, from, to);
    const all = items(
      () => 0,
      (i) => ctx.valWindows[i]!,
    );
    let shiftMedian = conformal.shiftMedian === true;
    let widen = 1;
    // The earlier half of the windows calibrated, the later half scored: what
    // the calibration of all of them will meet in the future, as far as the
    // backtest can tell.
    if (conformal.shiftMedian === 'auto' || conformal.drift !== 'off') {
      const half = (i: number): number => ctx.valWindows[i]! >> 1;
      const early = calibrate(
        items(() => 0, half),
        h,
        { ...conformal, shiftMedian: true },
      );
      const late = () => items(half, (i) => ctx.valWindows[i]!);
      if (conformal.shiftMedian === 'auto') shiftMedian = shiftHelps(early, late(), h);
      if (conformal.drift !== 'off') {
        const f = driftFactor(early, late(), h);
        widen = conformal.drift === 'widen' ? Math.max(1, f) : f;
      }
    }
    const calibration = { ...calibrate(all, h, { ...conformal, shiftMedian }), widen };
    const forecasts = series.map((s, si) => {
      const i = at[si]!;
      // A series with no backtest window of its own (no longer than h) has no evidence
      // for any candidate or its band: the fallback chain forecasts it, as it stands.
      if (i < 0 || ctx.valWindows[i] === 0) {
        const f = fallback(s.y, h, settings);
        return { id: s.id, model: f.alias, forecast: f.forecast };
      }
      const sb = cv.series[i] as SeriesBacktest;
      const w = sb.cutoffs.length - 1;
      const p = pts[i]!;
      return {
        id: s.id,
        model: name(i, p.label),
        forecast: calibratedForecast(calibration, s.id, s.y, p.point.subarray(w * h, (w + 1) * h)),
      };
    });
    const accuracy = cv.series.map((sb, i) =>
      validationAccuracy(sb, pts[i]!.point, ctx.valWindows[i]!, h, calibration),
    );
    return { forecasts, calibration, accuracy };
  };

  // The alias a single model's forecast is labelled with: a fallback if one made it.
  const futureAlias = (i: number, alias: string): string => {
    const sb = cv.series[i] as SeriesBacktest;
    return sb.used[alias as ModelAlias]?.[sb.cutoffs.length - 1] ?? alias;
  };
  const nameOf =
    (s: Strategy) =>
    (i: number, label: string[]): string =>
      s === 'ensemble_mean' || s === 'ensemble_median'
        ? ensembleName(i, s, label)
        : futureAlias(i, label[0]!);
  // An ensemble whose members all fell back (a series too short for every one) is that fallback.
  const ensembleName = (i: number, s: Strategy, members: string[]): string => {
    const used = new Set(members.map((a) => futureAlias(i, a)));
    const only = used.size === 1 ? [...used][0]! : undefined;
    return only !== undefined && !members.includes(only) ? only : s;
  };

  const main = finishAll(combine(strategy), nameOf(strategy));
  const perSku: SkuChoice[] = series.map((s, si) => {
    const i = at[si]!;
    const f = main.forecasts[si] as AutoSkuForecast;
    const choice: SkuChoice = {
      id: s.id,
      model: f.model,
      scores: {},
      windows: i < 0 ? 0 : ctx.valWindows[i]!,
    };
    if (i >= 0 && main.accuracy[i]!.weeks > 0) {
      const { wape, coverage, windows, weeks } = main.accuracy[i]!;
      choice.accuracy = { wape, coverage, windows, weeks };
    }
    if (strategy === 'ensemble_mean' || strategy === 'ensemble_median')
      choice.members = top.map((j) => aliases[j]!);
    if (i >= 0)
      aliases.forEach((a, j) => {
        const v = skuScores[i]![j]!;
        if (Number.isFinite(v)) choice.scores[a] = round(v);
      });
    return choice;
  });

  const result: AutoResult = {
    forecasts: main.forecasts,
    perSku,
    evidence: {
      rule: ruleText(strategy, metric, nWindows, stepSize, top.length),
      strategy,
      metric,
      windows: nWindows,
      stepSize,
      topK: top.length,
      candidates: order.map((j) => candidateEvidence[j]!),
      excluded,
      chosen:
        strategy === 'pooled'
          ? [aliases[best]!]
          : strategy === 'per_sku'
            ? [...new Set(perSku.map((c) => c.model as ModelAlias))]
            : top.map((j) => aliases[j]!),
      conformal: {
        options: main.calibration.options,
        residualsPerStep: main.calibration.counts,
        widen: round(main.calibration.widen),
      },
      accuracy: pooledAccuracy(main.accuracy),
    },
  };
  if (opts.keepAll) {
    const all: Partial<Record<string, Forecast[]>> = {};
    for (const s of STRATEGIES) {
      all[s] =
        s === strategy
          ? main.forecasts.map((f) => f.forecast)
          : finishAll(combine(s), nameOf(s)).forecasts.map((f) => f.forecast);
    }
    aliases.forEach((a, j) => {
      all[a] = finishAll(
        cv.series.map((_, i) => ({ point: points[j]![i]!, label: [a] })),
        (i) => futureAlias(i, a),
      ).forecasts.map((f) => f.forecast);
    });
    result.all = all;
  }
  return result;
}

/** A series' points [window][step] by a strategy or model, and the aliases that made them. */
interface Combined {
  point: Float64Array;
  label: string[];
}

/**
 * Residual items of windows from(i) up to to(i) of each series, made one at a
 * time as calibrate reads them (45,000 at the table cap: none kept).
 */
function* residualItems(
  bt: readonly SeriesBacktest[],
  pts: readonly Combined[],
  h: number,
  from: (i: number) => number,
  to: (i: number) => number,
): Generator<ResidualItem> {
  for (let i = 0; i < bt.length; i++) {
    const sb = bt[i] as SeriesBacktest;
    const a = from(i);
    const b = to(i);
    yield {
      id: sb.series.id,
      y: sb.series.y,
      cutoffs: sb.cutoffs.slice(a, b),
      actual: sb.actual.subarray(a * h, b * h),
      point: pts[i]!.point.subarray(a * h, b * h),
    };
  }
}

/** Two candidates count as one when their forecasts differ by less than this share of the first one's error. */
export const DUPLICATE_SHARE = 0.1;

/** Ensemble members score within this share of the best candidate's validation score. */
export const MEMBER_TOLERANCE = 0.05;

/**
 * True when p50 moved by the median residual of `early` (scaled by each
 * series' scale) has a lower scaled absolute error on the `late` windows than
 * the unmoved point forecast.
 */
function shiftHelps(early: Calibration, late: Iterable<ResidualItem>, h: number): boolean {
  let plain = 0;
  let shifted = 0;
  forEachResidual(late, h, early.options, (_, k, y, p, scale) => {
    const q = early.steps[k] as { q50: number };
    plain += Math.abs(y - Math.max(0, p)) / scale;
    shifted += Math.abs(y - Math.max(0, p + q.q50 * scale)) / scale;
  });
  return shifted < plain;
}

function ruleText(
  strategy: Strategy,
  metric: SelectionMetric,
  nWindows: number,
  stepSize: number,
  k: number,
): string {
  const how =
    metric === 'wape'
      ? 'pooled WAPE'
      : "mean over skus of mean absolute error divided by the sku's level";
  const windows = `the last ${nWindows} origins of the history (${stepSize} week${stepSize === 1 ? '' : 's'} apart)`;
  const pick =
    strategy === 'pooled'
      ? 'the one model with the best score forecasts every sku'
      : strategy === 'per_sku'
        ? "each sku gets the model with the best score on that sku's own windows"
        : `every sku gets the ${strategy === 'ensemble_mean' ? 'mean' : 'median'} of the ${k} models with the best scores`;
  return (
    `every candidate is backtested on ${windows} and scored by ${how}; ${pick}; ` +
    'the p10–p90 band is calibrated on the same backtest residuals (conformal, by horizon week, scaled by each sku’s level)'
  );
}

/**
 * Every candidate's validation evidence, added one series at a time in the
 * backtest's series order (so every sum adds the same numbers in the same
 * order whether the series come in one backtest or block by block): pooled
 * WAPE and scaled error, per-sku scores, fallback counts, and Σ|p − q| of
 * every pair of candidates for the near-duplicate test.
 */
class Scoring {
  private readonly n: number;
  /** Pooled Σ|y − p| and Σ|y| per candidate. */
  private readonly absE: Float64Array;
  private readonly absY: Float64Array;
  /** Σ of finite per-sku scaled errors and their count, per candidate. */
  private readonly scaledSum: Float64Array;
  private readonly scaledSkus: Float64Array;
  /** Σ|p_a − p_b| over validation targets, at [a * n + b] and [b * n + a]. */
  private readonly diff: Float64Array;
  private readonly fellBack: Float64Array;
  private windows = 0;
  /** Validation score of each candidate on each series, in series order. */
  readonly skuScores: number[][] = [];

  constructor(
    private readonly metric: SelectionMetric,
    private readonly h: number,
    candidates: number,
  ) {
    this.n = candidates;
    this.absE = new Float64Array(candidates);
    this.absY = new Float64Array(candidates);
    this.scaledSum = new Float64Array(candidates);
    this.scaledSkus = new Float64Array(candidates);
    this.diff = new Float64Array(candidates * candidates);
    this.fellBack = new Float64Array(candidates);
  }

  /** One series' backtest: every candidate's points and fallbacks, in candidate order. */
  add(
    sb: SeriesBacktest,
    points: readonly (Float64Array | undefined)[],
    used: readonly ((ModelAlias | undefined)[] | undefined)[],
  ): void {
    const { h, n } = this;
    const valW =
      sb.cutoffs[sb.cutoffs.length - 1] === sb.series.y.length
        ? sb.cutoffs.length - 1
        : sb.cutoffs.length;
    const len = valW * h;
    const actual = sb.actual;
    const pts = points.map((p) => {
      if (!p) throw new Error(`auto: no validation forecasts of a candidate for ${sb.series.id}`);
      return p;
    });
    const scales =
      this.metric === 'wape'
        ? undefined
        : Float64Array.from({ length: valW }, (_, w) =>
            scaleOfFirst(sb.series.y, sb.cutoffs[w]!, LEVEL),
          );
    const scores: number[] = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const p = pts[j]!;
      let err = this.absE[j]!;
      let tot = this.absY[j]!;
      for (let t = 0; t < len; t++) {
        const y = actual[t] as number;
        if (Number.isNaN(y)) continue;
        err += Math.abs(y - (p[t] as number));
        tot += Math.abs(y);
      }
      this.absE[j] = err;
      this.absY[j] = tot;
      const v = seriesScore(actual, valW, h, scales, p, this.metric);
      scores[j] = v;
      if (this.metric !== 'wape' && Number.isFinite(v)) {
        this.scaledSum[j]! += v;
        this.scaledSkus[j]!++;
      }
      const u = used[j];
      for (let w = 0; w < valW; w++) if (u?.[w]) this.fellBack[j]!++;
      for (let k = j + 1; k < n; k++) {
        const q = pts[k]!;
        let d = this.diff[j * n + k]!;
        for (let t = 0; t < len; t++) {
          if (Number.isNaN(actual[t] as number)) continue;
          d += Math.abs((q[t] as number) - (p[t] as number));
        }
        this.diff[j * n + k] = d;
        this.diff[k * n + j] = d;
      }
    }
    this.windows += valW;
    this.skuScores.push(scores);
  }

  /** Pooled score of candidate j: WAPE, or the mean over skus of their scaled error. */
  pooled(j: number, metric: SelectionMetric): number {
    if (metric === 'wape') return this.absY[j]! > 0 ? this.absE[j]! / this.absY[j]! : NaN;
    return this.scaledSkus[j]! > 0 ? this.scaledSum[j]! / this.scaledSkus[j]! : NaN;
  }

  fallbackShare(j: number): number {
    return this.windows > 0 ? round(this.fellBack[j]! / this.windows) : 0;
  }

  /**
   * Candidates by pooled score (best first) and the best `k` among those
   * within MEMBER_TOLERANCE of the best one (a weak third model dilutes two
   * good ones), skipping any whose validation forecasts differ from a
   * member's by less than DUPLICATE_SHARE of that member's error (Σ|p − q| /
   * Σ|y − q|): AutoTheta and OTM, or ADIDA and IMAPA, often make nearly the
   * same forecast, and counting one forecast twice would turn the mean of
   * three into a weighted mean of two.
   */
  choose(k: number): { order: number[]; top: number[] } {
    const scores = Array.from({ length: this.n }, (_, j) => this.pooled(j, this.metric));
    const order = scores.map((_, j) => j).sort((a, b) => cmp(scores[a]!, scores[b]!) || a - b);
    const top: number[] = [];
    const best = scores[order[0]!]!;
    for (const j of order) {
      if (top.length >= Math.max(1, k)) break;
      if (top.length > 0 && !(scores[j]! <= best * (1 + MEMBER_TOLERANCE))) break;
      if (top.some((t) => this.nearlySame(t, j))) continue;
      top.push(j);
    }
    return { order, top };
  }

  /** Whether candidate j's forecasts are within DUPLICATE_SHARE of member t's error of t's. */
  private nearlySame(t: number, j: number): boolean {
    const diff = this.diff[t * this.n + j]!;
    const err = this.absE[t]!;
    return err > 0 ? diff / err < DUPLICATE_SHARE : diff === 0;
  }
}

/** The level a series' errors are scaled by for the scaled_mae metric. */
const LEVEL = { ...DEFAULT_CONFORMAL, scale: 'level' as const };

/** A candidate's validation score on one series (its first valW windows). */
function seriesScore(
  actual: Float64Array,
  valW: number,
  h: number,
  scales: Float64Array | undefined,
  p: Float64Array,
  metric: SelectionMetric,
): number {
  let err = 0;
  let tot = 0;
  let n = 0;
  for (let w = 0; w < valW; w++) {
    const scale = scales ? (scales[w] as number) : 0;
    for (let k = 0; k < h; k++) {
      const t = w * h + k;
      const y = actual[t] as number;
      if (Number.isNaN(y)) continue;
      const e = Math.abs(y - (p[t] as number));
      if (metric === 'wape') {
        err += e;
        tot += Math.abs(y);
      } else if (scale > 0) {
        err += e / scale;
        n++;
      }
    }
  }
  if (metric === 'wape') return tot > 0 ? err / tot : NaN;
  return n > 0 ? err / n : NaN;
}

/** NaN sorts last. */
function cmp(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a - b;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Error and coverage of the calibrated forecasts of one series on its validation windows. */
function validationAccuracy(
  sb: SeriesBacktest,
  point: Float64Array,
  windows: number,
  h: number,
  cal: Calibration,
): SkuAccuracy & { absE: number; absY: number; inside: number } {
  let absE = 0;
  let absY = 0;
  let inside = 0;
  let weeks = 0;
  const f = zeroForecast(h);
  for (let w = 0; w < windows; w++) {
    const c = sb.cutoffs[w] as number;
    calibratedForecast(
      cal,
      sb.series.id,
      sb.series.y.subarray(0, c),
      point.subarray(w * h, (w + 1) * h),
      f,
    );
    for (let k = 0; k < h; k++) {
      const y = sb.actual[w * h + k] as number;
      if (Number.isNaN(y)) continue;
      absE += Math.abs(y - (f.p50[k] as number));
      absY += Math.abs(y);
      if (y >= (f.p10[k] as number) && y <= (f.p90[k] as number)) inside++;
      weeks++;
    }
  }
  return {
    wape: absY > 0 ? absE / absY : NaN,
    coverage: weeks > 0 ? inside / weeks : NaN,
    windows,
    weeks,
    absE,
    absY,
    inside,
  };
}

function pooledAccuracy(
  all: readonly (SkuAccuracy & { absE?: number; absY?: number; inside?: number })[],
): { wape: number; coverage: number; windows: number } {
  let absE = 0;
  let absY = 0;
  let inside = 0;
  let weeks = 0;
  let windows = 0;
  for (const a of all) {
    absE += a.absE ?? 0;
    absY += a.absY ?? 0;
    inside += a.inside ?? 0;
    weeks += a.weeks;
    windows = Math.max(windows, a.windows);
  }
  return {
    wape: absY > 0 ? absE / absY : NaN,
    coverage: weeks > 0 ? inside / weeks : NaN,
    windows,
  };
}
