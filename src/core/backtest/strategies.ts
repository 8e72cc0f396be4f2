// How `auto` combines its candidates into one forecast per sku, once
// selection.ts has ranked them: the pooled best for every sku, each sku's own
// best, or the mean / median of the chosen members, window by window; and
// the name a sku's forecast goes by (an ensemble whose members all fell back
// is that fallback).

import type { ModelAlias } from '../models/types';
import { meanOf } from '../stats/mean';
import { medianOf } from '../stats/quantile';
import type { SeriesBacktest } from './cross-validation';
import { bestForSku, type Choice, type Strategy } from './selection';

/** A series' points [window][step] by a strategy or model, and the aliases that made them. */
export interface Combined {
  point: Float64Array;
  label: string[];
}

/** What the strategies combine: each candidate's points on every series, and how they ranked. */
export interface Pool {
  h: number;
  /** The backtest of every series with a window. */
  bt: readonly SeriesBacktest[];
  aliases: readonly ModelAlias[];
  /** points[j][i]: candidate j's points on series i (none for a candidate no longer kept). */
  points: readonly (readonly (Float64Array | undefined)[])[];
  choice: Choice;
  /** Validation score of each candidate on each series. */
  skuScores: readonly (readonly number[])[];
  /** Validation windows of each series. */
  skuWindows: readonly number[];
}

/** Candidate j's points on series i. */
function pointsOf(pool: Pool, j: number, i: number): Float64Array {
  const p = pool.points[j]?.[i];
  if (!p) throw new Error(`auto: the forecasts of ${pool.aliases[j]} were not kept`);
  return p;
}

/** Each series' validation and future points by a strategy, and what made them. */
export function combine(s: Strategy, pool: Pool): Combined[] {
  const best = pool.choice.order[0] as number;
  if (s === 'pooled') return pool.bt.map((_, i) => single(pool, best, i));
  if (s === 'per_sku') {
    return pool.bt.map((_, i) => {
      const scores = pool.skuScores[i] as readonly number[];
      const valid = (pool.skuWindows[i] as number) > 0;
      return single(pool, valid ? bestForSku(scores, pool.choice.order, best) : best, i);
    });
  }
  return ensemble(pool, s === 'ensemble_mean' ? meanOf : medianOf);
}

function single(pool: Pool, j: number, i: number): Combined {
  return { point: pointsOf(pool, j, i), label: [pool.aliases[j] as ModelAlias] };
}

/** The members' points combined value by value, in one buffer for every series' windows, as the backtest keeps them. */
function ensemble(pool: Pool, of: (values: Float64Array) => number): Combined[] {
  const { top } = pool.choice;
  const label = top.map((j) => pool.aliases[j] as ModelAlias);
  let total = 0;
  for (const sb of pool.bt) total += sb.cutoffs.length * pool.h;
  const all = new Float64Array(total);
  const vals = new Float64Array(top.length);
  let at = 0;
  return pool.bt.map((sb, i) => {
    const n = sb.cutoffs.length * pool.h;
    const out = all.subarray(at, at + n);
    at += n;
    const members = top.map((j) => pointsOf(pool, j, i));
    for (let t = 0; t < n; t++) {
      members.forEach((p, r) => (vals[r] = p[t] as number));
      out[t] = of(vals);
    }
    return { point: out, label };
  });
}

/** The alias a single model's future forecast of a series goes by: a fallback if one made it. */
export function futureAlias(sb: SeriesBacktest, alias: string): string {
  return sb.used[alias as ModelAlias]?.[sb.cutoffs.length - 1] ?? alias;
}

/**
 * The name of a series' forecast by a strategy, from the aliases that made its
 * points: a model's alias, or an ensemble's real members, `mean(theta+otm)`
 * (no comma: it is a CSV cell), so a planner sees what made each forecast. An
 * ensemble of one model, or whose members all fell back to one (a series too
 * short for each), is that model.
 */
export function forecastName(s: Strategy, sb: SeriesBacktest, label: readonly string[]): string {
  if (s !== 'ensemble_mean' && s !== 'ensemble_median') return futureAlias(sb, label[0] ?? s);
  const used = [...new Set(label.map((a) => futureAlias(sb, a)))];
  if (used.length === 1) return used[0] as string;
  return `${s === 'ensemble_mean' ? 'mean' : 'median'}(${used.join('+')})`;
}

/** Whether a forecast's name is an ensemble's (see forecastName). */
export function isEnsembleName(name: string): boolean {
  return name.startsWith('mean(') || name.startsWith('median(');
}
