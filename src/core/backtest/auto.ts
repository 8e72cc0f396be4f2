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
  DEFAULT_CONFORMAL,
  scaleOfFirst,
  type Calibration,
  type ConformalOptions,
  type ResidualItem,
} from './conformal';
import { crossValidation, type SeriesBacktest } from './cross-validation';
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
}

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
  conformal: { options: ConformalOptions; residualsPerStep: number[] };
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
  /** Level of each bt entry's history at each validation cutoff: entry i's from scaleStart[i]. */
  scales: Float64Array;
  scaleStart: Int32Array;
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

  const cv = await (opts.crossValidate ?? crossValidation)(series, candidates, {
    h,
    nWindows,
    stepSize,
    refit: false,
    settings,
    future: true,
    refitFuture: opts.refitFinal ?? AUTO_DEFAULTS.refitFinal,
    // Candidates are scored and calibrated on their point forecasts alone.
    pointsOnly: true,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const at = new Int32Array(series.length).fill(-1);
  const index = new Map(cv.series.map((sb, i) => [sb.series, i]));
  series.forEach((s, i) => (at[i] = index.get(s) ?? -1));
  const valWindows = Int32Array.from(cv.series, (sb) =>
    sb.cutoffs[sb.cutoffs.length - 1] === sb.series.y.length
      ? sb.cutoffs.length - 1
      : sb.cutoffs.length,
  );
  const level = { ...DEFAULT_CONFORMAL, scale: 'level' as const };
  const scaleStart = new Int32Array(cv.series.length + 1);
  cv.series.forEach((_, i) => (scaleStart[i + 1] = scaleStart[i]! + valWindows[i]!));
  const scales = new Float64Array(scaleStart[cv.series.length]!);
  cv.series.forEach((sb, i) => {
    for (let w = 0; w < valWindows[i]!; w++)
      scales[scaleStart[i]! + w] = scaleOfFirst(sb.series.y, sb.cutoffs[w]!, level);
  });
  const ctx: Context = { h, bt: cv.series, at, valWindows, scales, scaleStart };

  // Every candidate's validation score, pooled and per sku.
  const aliases = candidates.map((m) => m.alias);
  const points = aliases.map((a) => cv.series.map((sb) => sb.points[a]));
  const pooled = aliases.map((_, j) => pooledScore(ctx, points[j]!, metric));
  const pooledWape = aliases.map((_, j) => pooledScore(ctx, points[j]!, 'wape'));
  const order = aliases.map((_, j) => j).sort((a, b) => cmp(pooled[a]!, pooled[b]!) || a - b);
  const rank = new Int32Array(aliases.length);
  order.forEach((j, r) => (rank[j] = r + 1));
  const candidateEvidence: CandidateEvidence[] = aliases.map((alias, j) => ({
    alias,
    score: pooled[j]!,
    wape: pooledWape[j]!,
    rank: rank[j]!,
    fallbackShare: fallbackShare(ctx, alias),
    millis: cv.millis[alias] ?? 0,
  }));
  const skuScores = cv.series.map((_, i) =>
    aliases.map((_, j) => skuScore(ctx, i, points[j]![i], metric)),
  );

  const best = order[0] as number;
  const top = distinctTop(ctx, order, points, pooled, topK);
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
    if (conformal.shiftMedian === 'auto') {
      const half = (i: number): number => ctx.valWindows[i]! >> 1;
      const early = calibrate(
        items(() => 0, half),
        h,
        { ...conformal, shiftMedian: true },
      );
      shiftMedian = shiftHelps(
        early,
        items(half, (i) => ctx.valWindows[i]!),
        h,
      );
    }
    const calibration = calibrate(all, h, { ...conformal, shiftMedian });
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

/**
 * The best `k` candidates by score among those within MEMBER_TOLERANCE of the
 * best one (a weak third model dilutes two good ones), skipping any whose validation forecasts
 * differ from a member's by less than DUPLICATE_SHARE of that member's error
 * (Σ|p − q| / Σ|y − q|): AutoTheta and OTM, or ADIDA and IMAPA, often make
 * nearly the same forecast, and counting one forecast twice would turn the
 * mean of three into a weighted mean of two.
 */
function distinctTop(
  ctx: Context,
  order: readonly number[],
  points: readonly (readonly (Float64Array | undefined)[])[],
  scores: readonly number[],
  k: number,
): number[] {
  const top: number[] = [];
  const best = scores[order[0]!]!;
  for (const j of order) {
    if (top.length >= Math.max(1, k)) break;
    if (top.length > 0 && !(scores[j]! <= best * (1 + MEMBER_TOLERANCE))) break;
    if (top.some((t) => nearlySame(ctx, points[t]!, points[j]!))) continue;
    top.push(j);
  }
  return top;
}

/** Two candidates count as one when their forecasts differ by less than this share of the first one's error. */
export const DUPLICATE_SHARE = 0.1;

/** Ensemble members score within this share of the best candidate's validation score. */
export const MEMBER_TOLERANCE = 0.05;

function nearlySame(
  ctx: Context,
  member: readonly (Float64Array | undefined)[],
  other: readonly (Float64Array | undefined)[],
): boolean {
  let diff = 0;
  let err = 0;
  for (let i = 0; i < ctx.bt.length; i++) {
    const q = member[i];
    const p = other[i];
    if (!p || !q) continue;
    const sb = ctx.bt[i] as SeriesBacktest;
    const n = ctx.valWindows[i]! * ctx.h;
    for (let t = 0; t < n; t++) {
      const y = sb.actual[t] as number;
      if (Number.isNaN(y)) continue;
      diff += Math.abs((p[t] as number) - (q[t] as number));
      err += Math.abs(y - (q[t] as number));
    }
  }
  return err > 0 ? diff / err < DUPLICATE_SHARE : diff === 0;
}

/**
 * True when p50 moved by the median residual of `early` (scaled by each
 * series' scale) has a lower scaled absolute error on the `late` windows than
 * the unmoved point forecast.
 */
function shiftHelps(early: Calibration, late: Iterable<ResidualItem>, h: number): boolean {
  let plain = 0;
  let shifted = 0;
  for (const it of late) {
    it.cutoffs.forEach((c, w) => {
      const scale = scaleOfFirst(it.y, c, early.options);
      if (!(scale > 0)) return;
      for (let k = 0; k < h; k++) {
        const i = w * h + k;
        const y = it.actual[i] as number;
        if (Number.isNaN(y)) continue;
        const p = it.point[i] as number;
        const q = early.steps[k] as { q50: number };
        plain += Math.abs(y - Math.max(0, p)) / scale;
        shifted += Math.abs(y - Math.max(0, p + q.q50 * scale)) / scale;
      }
    });
  }
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

function pooledScore(
  ctx: Context,
  points: readonly (Float64Array | undefined)[],
  metric: SelectionMetric,
): number {
  let err = 0;
  let tot = 0;
  let skus = 0;
  for (let i = 0; i < ctx.bt.length; i++) {
    const p = points[i];
    if (!p) continue;
    if (metric === 'wape') {
      const sb = ctx.bt[i] as SeriesBacktest;
      const n = ctx.valWindows[i]! * ctx.h;
      for (let t = 0; t < n; t++) {
        const y = sb.actual[t] as number;
        if (Number.isNaN(y)) continue;
        err += Math.abs(y - (p[t] as number));
        tot += Math.abs(y);
      }
    } else {
      const v = skuScore(ctx, i, p, metric);
      if (Number.isFinite(v)) {
        err += v;
        skus++;
      }
    }
  }
  if (metric === 'wape') return tot > 0 ? err / tot : NaN;
  return skus > 0 ? err / skus : NaN;
}

function skuScore(
  ctx: Context,
  i: number,
  p: Float64Array | undefined,
  metric: SelectionMetric,
): number {
  if (!p) return NaN;
  const sb = ctx.bt[i] as SeriesBacktest;
  const h = ctx.h;
  let err = 0;
  let tot = 0;
  let n = 0;
  for (let w = 0; w < ctx.valWindows[i]!; w++) {
    const scale = ctx.scales[ctx.scaleStart[i]! + w]!;
    for (let k = 0; k < h; k++) {
      const t = w * h + k;
      const y = sb.actual[t] as number;
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

function fallbackShare(ctx: Context, alias: ModelAlias): number {
  let used = 0;
  let total = 0;
  ctx.bt.forEach((sb, i) => {
    const u = sb.used[alias];
    for (let w = 0; w < ctx.valWindows[i]!; w++) {
      total++;
      if (u?.[w]) used++;
    }
  });
  return total > 0 ? round(used / total) : 0;
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
