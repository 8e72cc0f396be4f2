// Intermittent-demand methods as statsforecast defines them (models.py:
// CrostonSBA, TSB, ADIDA, IMAPA). Each forecasts a flat demand rate per week.
//
// Building blocks, as statsforecast's helpers:
// - demand sizes: the values y > 0, in order;
// - inter-demand intervals: weeks between non-zero values, the first counted
//   from the start (the first non-zero week's index + 1);
// - SES started at the first value, forecast one step after the last; its
//   "optimised" form picks alpha in [0.1, 0.3] minimising the in-sample MSE
//   (Brent's bounded minimiser, as scipy's minimize_scalar);
// - aggregation at level k: non-overlapping sums of k weeks, aligned to end at
//   the last week (the first n mod k weeks dropped).
// A series with no demand at all forecasts zeros.

import { minimizeScalar } from './optim';
import type { LocalModel, ModelOutput } from './types';

/** Croston's smoothing constant and the Syntetos–Boylan (2005) bias correction 1 - alpha/2. */
export const CROSTON_ALPHA = 0.1;
export const SBA_FACTOR = 0.95;
/**
 * TSB smoothing constants. statsforecast requires them as arguments; skucast fixes
 * both at 0.1 (the low end Teunter, Syntetos & Babai 2011 recommend, Croston's
 * own value): optimising them by MSE is known to over-react on intermittent
 * series (Kourentzes 2014), and fixed values make the refit-free backtest exact.
 */
export const TSB_ALPHA_DEMAND = 0.1;
export const TSB_ALPHA_PROBABILITY = 0.1;
/** Bounds of the optimised SES alpha used by ADIDA and IMAPA (statsforecast). */
const SES_ALPHA_LOWER = 0.1;
const SES_ALPHA_UPPER = 0.3;
const SES_XATOL = 1e-8;

function flat(value: number, h: number): ModelOutput {
  return { point: new Float64Array(h).fill(value) };
}

/** Demand sizes: the positive values in order. */
export function demandSizes(y: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let t = 0; t < y.length; t++) if ((y[t] as number) > 0) out.push(y[t] as number);
  return Float64Array.from(out);
}

/** Inter-demand intervals: gaps between non-zero weeks, the first from the series' start. */
export function demandIntervals(y: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  let prev = 0;
  for (let t = 0; t < y.length; t++) {
    if ((y[t] as number) !== 0) {
      out.push(t + 1 - prev);
      prev = t + 1;
    }
  }
  return Float64Array.from(out);
}

/** SES from x_0: the forecast after the last value and the in-sample MSE (statsforecast `_ses_fcst_mse`). */
export function sesForecast(
  x: ArrayLike<number>,
  alpha: number,
): { forecast: number; mse: number } {
  const n = x.length;
  let level = x[0] as number;
  let sse = 0;
  for (let i = 1; i < n; i++) {
    level = alpha * (x[i - 1] as number) + (1 - alpha) * level;
    const e = (x[i] as number) - level;
    sse += e * e;
  }
  return { forecast: alpha * (x[n - 1] as number) + (1 - alpha) * level, mse: sse / n };
}

/** alpha in [0.1, 0.3] minimising SES's in-sample MSE; null when x has one value (any alpha fits). */
export function sesOptimalAlpha(x: ArrayLike<number>): number | null {
  if (x.length < 2) return null;
  return minimizeScalar((a) => sesForecast(x, a).mse, SES_ALPHA_LOWER, SES_ALPHA_UPPER, SES_XATOL)
    .x;
}

function sesWith(x: ArrayLike<number>, alpha: number | null): number {
  return alpha === null || x.length < 2 ? (x[0] as number) : sesForecast(x, alpha).forecast;
}

/** Sums of k consecutive weeks, the last block ending at the last week. */
export function aggregate(y: ArrayLike<number>, k: number): Float64Array {
  const start = y.length % k;
  const out = new Float64Array(Math.floor(y.length / k));
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let j = start + b * k; j < start + (b + 1) * k; j++) s += y[j] as number;
    out[b] = s;
  }
  return out;
}

/** Python's round(): halves to the even neighbour (statsforecast rounds the mean interval so). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function hasDemand(y: ArrayLike<number>): boolean {
  for (let t = 0; t < y.length; t++) if ((y[t] as number) !== 0) return true;
  return false;
}

/** The mean inter-demand interval rounded: ADIDA's aggregation level, IMAPA's largest. */
export function aggregationLevel(y: ArrayLike<number>): number {
  const iv = demandIntervals(y);
  let s = 0;
  for (const v of iv) s += v;
  return Math.max(1, roundHalfEven(s / iv.length));
}

/** Croston (1972) with the Syntetos–Boylan approximation: 0.95 × SES(sizes) / SES(intervals), alpha 0.1. */
export function crostonSba(y: ArrayLike<number>): number {
  const sizes = demandSizes(y);
  if (sizes.length === 0) return 0;
  const z = sesForecast(sizes, CROSTON_ALPHA).forecast;
  const p = sesForecast(demandIntervals(y), CROSTON_ALPHA).forecast;
  return SBA_FACTOR * (p !== 0 ? z / p : z);
}

/** Teunter, Syntetos & Babai (2011): SES of the demand probability (every week) × SES of the sizes. */
export function tsbForecast(
  y: ArrayLike<number>,
  alphaDemand = TSB_ALPHA_DEMAND,
  alphaProbability = TSB_ALPHA_PROBABILITY,
): number {
  const sizes = demandSizes(y);
  if (sizes.length === 0) return 0;
  const occurs = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) occurs[t] = (y[t] as number) !== 0 ? 1 : 0;
  return sesForecast(occurs, alphaProbability).forecast * sesForecast(sizes, alphaDemand).forecast;
}

export const croston: LocalModel<null> = {
  kind: 'local',
  alias: 'croston',
  reference:
    'Croston SBA (Croston 1972; Syntetos & Boylan 2005; statsforecast CrostonSBA): 0.95 × SES(demand sizes) / SES(intervals), alpha 0.1.',
  minHistory: 1,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => flat(crostonSba(y), h),
};

export const tsb: LocalModel<null> = {
  kind: 'local',
  alias: 'tsb',
  reference: `TSB (Teunter, Syntetos & Babai 2011; statsforecast TSB): SES of the demand probability × SES of the sizes, alpha_p = ${TSB_ALPHA_PROBABILITY}, alpha_d = ${TSB_ALPHA_DEMAND} fixed.`,
  minHistory: 1,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => flat(tsbForecast(y), h),
};

/** ADIDA's fit: the aggregation level and the SES alpha on the aggregate (null: one block, or no demand). */
export interface AdidaParams {
  level: number;
  alpha: number | null;
}

function adidaFit(y: ArrayLike<number>): AdidaParams | null {
  if (!hasDemand(y)) return null;
  const level = aggregationLevel(y);
  return { level, alpha: sesOptimalAlpha(aggregate(y, level)) };
}

function adidaPredict(p: AdidaParams | null, y: ArrayLike<number>): number {
  // A fit that saw no demand has no level; a longer series that has some is fitted afresh.
  const q = p ?? adidaFit(y);
  if (!q) return 0;
  const sums = aggregate(y, q.level);
  return sums.length === 0 ? 0 : sesWith(sums, q.alpha) / q.level;
}

export const adida: LocalModel<AdidaParams | null> = {
  kind: 'local',
  alias: 'adida',
  reference:
    'ADIDA (Nikolopoulos et al. 2011; statsforecast ADIDA): sums over blocks of the rounded mean inter-demand interval, optimised SES on them, divided back per week.',
  minHistory: 1,
  maxHorizon: Infinity,
  fit: (y) => adidaFit(y),
  predict: (p, y, h) => flat(adidaPredict(p, y), h),
};

/** IMAPA's fit: one SES alpha per aggregation level 1..max. */
export interface ImapaParams {
  alphas: (number | null)[];
}

function imapaFit(y: ArrayLike<number>): ImapaParams | null {
  if (!hasDemand(y)) return null;
  const max = aggregationLevel(y);
  const alphas: (number | null)[] = [];
  for (let k = 1; k <= max; k++) alphas.push(sesOptimalAlpha(aggregate(y, k)));
  return { alphas };
}

function imapaPredict(p: ImapaParams | null, y: ArrayLike<number>): number {
  const q = p ?? imapaFit(y);
  if (!q) return 0;
  let s = 0;
  q.alphas.forEach((alpha, i) => {
    const k = i + 1;
    const sums = aggregate(y, k);
    s += sums.length === 0 ? 0 : sesWith(sums, alpha) / k;
  });
  return s / q.alphas.length;
}

export const imapa: LocalModel<ImapaParams | null> = {
  kind: 'local',
  alias: 'imapa',
  reference:
    'IMAPA (Petropoulos & Kourentzes 2015; statsforecast IMAPA): the mean over aggregation levels 1..rounded mean interval of optimised-SES forecasts of the block sums, per week.',
  minHistory: 1,
  maxHorizon: Infinity,
  fit: (y) => imapaFit(y),
  predict: (p, y, h) => flat(imapaPredict(p, y), h),
};
