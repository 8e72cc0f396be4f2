// How `auto` scores, ranks and chooses candidates on its validation windows:
// pure arithmetic over backtest points, shared by the combining strategies
// (strategies.ts) and the orchestration (auto.ts). Every candidate's pooled
// WAPE or scaled error, its score on each sku, its fallback share, and which
// candidates make an ensemble (the best within a tolerance, near-duplicates
// skipped).

import type { ModelAlias } from '../models/types';
import { roundTo } from '../stats/round';
import { DEFAULT_CONFORMAL, scaleOfFirst } from './conformal';
import type { SeriesBacktest } from './cross-validation';

/** How `auto` turns candidates into the shipped forecast (see strategies.ts). */
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

/** Two candidates count as one when their forecasts differ by less than this share of the first one's error. */
export const DUPLICATE_SHARE = 0.1;

/** Ensemble members score within this share of the best candidate's validation score. */
export const MEMBER_TOLERANCE = 0.05;

/** The level a series' errors are scaled by for the scaled_mae metric. */
export const LEVEL = { ...DEFAULT_CONFORMAL, scale: 'level' as const };

/** Decimals the evidence's figures (scores, shares, the drift factor) keep. */
export const EVIDENCE_DECIMALS = 6;

/** The validation windows of a series' backtest: every window but the future one (the last, when there is one). */
export function validationWindows(sb: SeriesBacktest): number {
  const n = sb.cutoffs.length;
  return sb.cutoffs[n - 1] === sb.series.y.length ? n - 1 : n;
}

/** NaN sorts last. */
export function cmp(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a - b;
}

/** A candidate's validation score on one series (its first valW windows). */
export function seriesScore(
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

/** The candidate with the best score on one sku (`scores` by candidate), ties to the earlier in `order`. */
export function bestForSku(
  scores: readonly number[],
  order: readonly number[],
  best: number,
): number {
  let j = best;
  for (const cand of order) if (cmp(scores[cand] as number, scores[j] as number) < 0) j = cand;
  return j;
}

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

/** The ranking: candidates by pooled score, best first, and the ensemble's members among them. */
export interface Choice {
  order: number[];
  top: number[];
}

/**
 * Every candidate's validation evidence, added one series at a time in the
 * backtest's series order (so every sum adds the same numbers in the same
 * order whether the series come in one backtest or block by block): pooled
 * WAPE and scaled error, per-sku scores, fallback counts, and Σ|p − q| of
 * every pair of candidates for the near-duplicate test.
 */
export class Scoring {
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
  /** Validation windows of each series, in series order. */
  readonly skuWindows: number[] = [];

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
    const valW = validationWindows(sb);
    const pts = points.map((p) => {
      if (!p) throw new Error(`auto: no validation forecasts of a candidate for ${sb.series.id}`);
      return p;
    });
    const scales =
      this.metric === 'wape'
        ? undefined
        : Float64Array.from({ length: valW }, (_, w) =>
            scaleOfFirst(sb.series.y, sb.cutoffs[w] as number, LEVEL),
          );
    const scores = pts.map((p, j) => {
      this.addErrors(j, sb.actual, valW * h, p);
      const v = seriesScore(sb.actual, valW, h, scales, p, this.metric);
      if (this.metric !== 'wape' && Number.isFinite(v)) {
        this.scaledSum[j] = (this.scaledSum[j] as number) + v;
        this.scaledSkus[j] = (this.scaledSkus[j] as number) + 1;
      }
      const u = used[j];
      for (let w = 0; w < valW; w++)
        if (u?.[w]) this.fellBack[j] = (this.fellBack[j] as number) + 1;
      for (let k = j + 1; k < n; k++)
        this.addDiff(j, k, sb.actual, valW * h, p, pts[k] as Float64Array);
      return v;
    });
    this.windows += valW;
    this.skuScores.push(scores);
    this.skuWindows.push(valW);
  }

  /** Σ|y − p| and Σ|y| of candidate j over the first `len` targets. */
  private addErrors(j: number, actual: Float64Array, len: number, p: Float64Array): void {
    let err = this.absE[j] as number;
    let tot = this.absY[j] as number;
    for (let t = 0; t < len; t++) {
      const y = actual[t] as number;
      if (Number.isNaN(y)) continue;
      err += Math.abs(y - (p[t] as number));
      tot += Math.abs(y);
    }
    this.absE[j] = err;
    this.absY[j] = tot;
  }

  /** Σ|q − p| of candidates j and k over the first `len` targets that have a value. */
  private addDiff(
    j: number,
    k: number,
    actual: Float64Array,
    len: number,
    p: Float64Array,
    q: Float64Array,
  ): void {
    const { n } = this;
    let d = this.diff[j * n + k] as number;
    for (let t = 0; t < len; t++) {
      if (Number.isNaN(actual[t] as number)) continue;
      d += Math.abs((q[t] as number) - (p[t] as number));
    }
    this.diff[j * n + k] = d;
    this.diff[k * n + j] = d;
  }

  /** Pooled score of candidate j: WAPE, or the mean over skus of their scaled error. */
  pooled(j: number, metric: SelectionMetric): number {
    const [num, den] =
      metric === 'wape' ? [this.absE[j], this.absY[j]] : [this.scaledSum[j], this.scaledSkus[j]];
    return (den as number) > 0 ? (num as number) / (den as number) : NaN;
  }

  fallbackShare(j: number): number {
    return this.windows > 0
      ? roundTo((this.fellBack[j] as number) / this.windows, EVIDENCE_DECIMALS)
      : 0;
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
  choose(k: number): Choice {
    const scores = Array.from({ length: this.n }, (_, j) => this.pooled(j, this.metric));
    const order = scores
      .map((_, j) => j)
      .sort((a, b) => cmp(scores[a] as number, scores[b] as number) || a - b);
    const top: number[] = [];
    const best = scores[order[0] as number] as number;
    for (const j of order) {
      if (top.length >= Math.max(1, k)) break;
      if (top.length > 0 && !((scores[j] as number) <= best * (1 + MEMBER_TOLERANCE))) break;
      if (top.some((t) => this.nearlySame(t, j))) continue;
      top.push(j);
    }
    return { order, top };
  }

  /** Every candidate's evidence, best first (`order` from choose; `millis` by alias, from the backtests). */
  evidence(
    aliases: readonly ModelAlias[],
    order: readonly number[],
    millis: Partial<Record<ModelAlias, number>>,
  ): CandidateEvidence[] {
    return order.map((j, r) => {
      const alias = aliases[j] as ModelAlias;
      return {
        alias,
        score: this.pooled(j, this.metric),
        wape: this.pooled(j, 'wape'),
        rank: r + 1,
        fallbackShare: this.fallbackShare(j),
        millis: millis[alias] ?? 0,
      };
    });
  }

  /** Whether candidate j's forecasts are within DUPLICATE_SHARE of member t's error of t's. */
  private nearlySame(t: number, j: number): boolean {
    const diff = this.diff[t * this.n + j] as number;
    const err = this.absE[t] as number;
    return err > 0 ? diff / err < DUPLICATE_SHARE : diff === 0;
  }
}

/** The rule a run followed, in words, for the evidence a person reads. */
export function ruleText(
  recipe: { strategy: Strategy; metric: SelectionMetric; nWindows: number; stepSize: number },
  k: number,
): string {
  const { strategy, metric, nWindows, stepSize } = recipe;
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
        : k === 1
          ? 'every sku gets the forecast of the model with the best score'
          : `every sku gets the ${strategy === 'ensemble_mean' ? 'mean' : 'median'} of the ${k} models with the best scores`;
  return (
    `every candidate is backtested on ${windows} and scored by ${how}; ${pick}; ` +
    'the p10–p90 band comes from the same backtest errors, by demand class (conformal, by horizon week, scaled by each sku’s week-to-week change; a class of slow movers may instead take each sku’s own sale frequency × sale sizes, whichever scored better on the later windows)'
  );
}
