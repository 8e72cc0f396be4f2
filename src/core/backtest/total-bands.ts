// Bands of category and grand totals from the totals' own backtest errors.
// Summing sku bands as if skus moved independently made totals far too sure
// of themselves: one promotion or one cold week moves a whole category. So
// the members' backtest point forecasts are summed at each origin, their
// errors against the summed actuals are scaled by the total's own
// week-to-week change and pooled over the totals by weeks ahead (split
// conformal, as for a sku), and a total's band is its summed point plus those
// quantiles. Correlation between skus is in the band by construction, and
// the total's p50 is the median of the total (the summed point moved by the
// median error), never clamped to a band edge: p10 ≤ p50 ≤ p90 because the
// quantiles are ordered.
//
// Windows are aligned from the end: every series of a weekly table ends at
// the same complete week, so a sku's w-th last window is the same calendar
// origin for all. A sku without that window (a short history) is left out of
// the total's actual and point alike.

import { quantileSorted } from '../stats/quantile';
import { ownSpreadHalfWidth } from './conformal';
import { zeroForecast, type Forecast } from '../models/types';
import type { SeriesBacktest } from './cross-validation';
import type { BacktestSeries } from './series';

/** One sku's backtest: history, cutoffs (ascending), targets and points [window][step]. */
export interface TotalMember {
  /** The totals it adds to (its category and the grand total). */
  groups: readonly number[];
  y: ArrayLike<number>;
  cutoffs: readonly number[];
  /** Windows with targets (the first `windows` cutoffs). */
  windows: number;
  actual: ArrayLike<number>;
  point: ArrayLike<number>;
}

export interface TotalCalibration {
  h: number;
  /** Quantiles of scaled total errors per step. */
  steps: { q10: number; q50: number; q90: number }[];
  /** Quantiles of the scaled errors of the total over steps 1..m, at [m - 1]. */
  sums: { q10: number; q50: number; q90: number }[];
  /** Errors the quantiles rest on, per step. */
  counts: number[];
}

/** Fewest errors a step's own quantiles rest on; below it, the steps are pooled. */
const MIN_PER_STEP = 30;

/** Weeks of the total's history its scale (mean absolute week-to-week change) is read over. */
const SCALE_WEEKS = 52;

/**
 * The summed history of each group, aligned at the end: sums[g][len - 1] is
 * the last week. Length = the longest member's.
 */
export function groupHistories(members: readonly TotalMember[], groups: number): Float64Array[] {
  const len = new Int32Array(groups);
  for (const m of members) for (const g of m.groups) len[g] = Math.max(len[g]!, m.y.length);
  const sums = Array.from({ length: groups }, (_, g) => new Float64Array(len[g]!));
  for (const m of members) {
    for (const g of m.groups) {
      const s = sums[g]!;
      const off = s.length - m.y.length;
      for (let t = 0; t < m.y.length; t++) s[off + t]! += m.y[t] as number;
    }
  }
  return sums;
}

/** Mean absolute week-to-week change of the last SCALE_WEEKS of the first n values; the level when flat. */
export function totalScale(y: ArrayLike<number>, n: number): number {
  const from = Math.max(1, n - SCALE_WEEKS);
  let s = 0;
  for (let t = from; t < n; t++) s += Math.abs((y[t] as number) - (y[t - 1] as number));
  if (s > 0) return s / (n - from);
  let level = 0;
  for (let t = Math.max(0, n - SCALE_WEEKS); t < n; t++) level += Math.abs(y[t] as number);
  return n > 0 ? level / Math.min(n, SCALE_WEEKS) : 0;
}

export function calibrateTotals(
  members: readonly TotalMember[],
  groups: number,
  h: number,
): TotalCalibration {
  // Per group and window from the end: summed actuals and points [step].
  const key = (g: number, back: number): string => `${g}:${back}`;
  const sums = new Map<
    string,
    { actual: Float64Array; point: Float64Array; back: number; g: number }
  >();
  for (const m of members) {
    for (let w = 0; w < m.windows; w++) {
      const back = m.y.length - (m.cutoffs[w] as number);
      for (const g of m.groups) {
        let s = sums.get(key(g, back));
        if (!s) {
          s = { actual: new Float64Array(h), point: new Float64Array(h), back, g };
          sums.set(key(g, back), s);
        }
        for (let k = 0; k < h; k++) {
          const a = m.actual[w * h + k] as number;
          if (Number.isNaN(a)) continue;
          s.actual[k]! += a;
          s.point[k]! += m.point[w * h + k] as number;
        }
      }
    }
  }
  const hist = groupHistories(members, groups);
  const byStep: number[][] = Array.from({ length: h }, () => []);
  const bySum: number[][] = Array.from({ length: h }, () => []);
  for (const s of sums.values()) {
    const y = hist[s.g]!;
    const n = y.length - s.back;
    const scale = totalScale(y, n);
    if (!(scale > 0)) continue;
    let err = 0;
    for (let k = 0; k < h && n + k < y.length; k++) {
      byStep[k]!.push((s.actual[k]! - s.point[k]!) / scale);
      err += s.actual[k]! - s.point[k]!;
      bySum[k]!.push(err / scale);
    }
  }
  const counts = byStep.map((r) => r.length);
  return { h, steps: quantilesByStep(byStep), sums: quantilesByStep(bySum), counts };
}

/** p10/p50/p90 of each step's errors; a step with too few pools all of them. */
function quantilesByStep(byStep: readonly number[][]): { q10: number; q50: number; q90: number }[] {
  const pooled = Float64Array.from(byStep.flat()).sort();
  return byStep.map((r) => {
    const sorted = r.length >= MIN_PER_STEP ? Float64Array.from(r).sort() : pooled;
    return {
      q10: quantileSorted(sorted, 0.1),
      q50: quantileSorted(sorted, 0.5),
      q90: quantileSorted(sorted, 0.9),
    };
  });
}

/**
 * The band of a total summed over its first m weeks (the planner's "next m
 * weeks"): the summed points plus the quantiles of the summed errors, which
 * carry however much the weeks' errors move together.
 */
export function totalOverWeeks(
  cal: TotalCalibration,
  history: ArrayLike<number>,
  point: ArrayLike<number>,
  m: number,
): { p10: number; p50: number; p90: number } {
  const scale = totalScale(history, history.length);
  const q = cal.sums[Math.min(m, cal.sums.length) - 1]!;
  let p = 0;
  for (let k = 0; k < m; k++) p += Math.max(0, point[k] as number);
  if (uncalibrated(cal)) {
    const half = ownSpreadHalfWidth(history, m);
    return { p10: Math.max(0, p - half), p50: p, p90: p + half };
  }
  return {
    p10: Math.max(0, p + q.q10 * scale),
    p50: Math.max(0, p + q.q50 * scale),
    p90: Math.max(0, p + q.q90 * scale),
  };
}

/** A total's band: the summed point forecasts plus the calibrated quantiles times its scale now. */
export function totalForecast(
  cal: TotalCalibration,
  history: ArrayLike<number>,
  point: ArrayLike<number>,
): Forecast {
  const h = point.length;
  const scale = totalScale(history, history.length);
  const half = uncalibrated(cal) ? ownSpreadHalfWidth(history) : NaN;
  const f = zeroForecast(h);
  for (let k = 0; k < h; k++) {
    const q = cal.steps[Math.min(k, cal.steps.length - 1)]!;
    const p = point[k] as number;
    f.point[k] = Math.max(0, p);
    if (half === half) {
      f.p10[k] = Math.max(0, p - half);
      f.p50[k] = Math.max(0, p);
      f.p90[k] = Math.max(0, p) + half;
      continue;
    }
    f.p10[k] = Math.max(0, p + q.q10 * scale);
    f.p50[k] = Math.max(0, p + q.q50 * scale);
    f.p90[k] = Math.max(0, p + q.q90 * scale);
  }
  return f;
}

/** No backtest error of any total to calibrate on: the totals' bands come from their own weeks' spread. */
function uncalibrated(cal: TotalCalibration): boolean {
  return cal.counts.every((c) => c === 0);
}

/** Bands of each category's total and of the grand total. */
export interface AutoTotals {
  /** Category names, sorted; the grand total follows them unless there is one category. */
  categories: string[];
  /** Skus of each category. */
  skus: number[];
  /** One forecast per category, then the grand total's (the only category's when there is one). */
  forecasts: Forecast[];
  /** Per total, the band of its sum over weeks 1..m, at [m - 1]. */
  overWeeks: { p10: number; p50: number; p90: number }[][];
  /** Backtest errors of totals the band rests on, per step. */
  residualsPerStep: number[];
}

/**
 * Category and grand totals of a run: every sku's backtest points
 * (`points[i]`: bt[i]'s validation windows, then its future one) summed per
 * total and origin and calibrated on the totals' errors, then the summed
 * points of the forecast; a sku with no backtest window adds its
 * forecast's point.
 */
export function totalsFromBacktest(
  series: readonly BacktestSeries[],
  at: Int32Array,
  bt: readonly SeriesBacktest[],
  valWindows: readonly number[],
  points: readonly { point: Float64Array }[],
  forecasts: readonly { forecast: Forecast }[],
  h: number,
): AutoTotals {
  const categories = [...new Set(series.map((s) => s.category))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const index = new Map(categories.map((c, i) => [c, i]));
  const one = categories.length <= 1;
  const groups = one ? 1 : categories.length + 1;
  const skus = new Array<number>(categories.length).fill(0);
  const future = Array.from({ length: groups }, () => new Float64Array(h));
  const members: TotalMember[] = series.map((s, si) => {
    const g = index.get(s.category) as number;
    skus[g]!++;
    const ids = one ? [0] : [g, categories.length];
    const i = at[si] as number;
    const sb = bt[i];
    const w = i < 0 ? -1 : (valWindows[i] as number);
    // The model's point, as in the backtest (a mixture band's mean is not it).
    // A sku with no validation window was forecast by the fallback chain (auto.ts finishAll): its point.
    const fp =
      sb && w > 0 && sb.cutoffs.length > w
        ? (points[i] as { point: Float64Array }).point.subarray(w * h, (w + 1) * h)
        : (forecasts[si] as { forecast: Forecast }).forecast.point;
    for (const j of ids) for (let k = 0; k < h; k++) future[j]![k]! += Math.max(0, fp[k] as number);
    if (!sb) return { groups: ids, y: s.y, cutoffs: [], windows: 0, actual: [], point: [] };
    return {
      groups: ids,
      y: s.y,
      cutoffs: sb.cutoffs,
      windows: w,
      actual: sb.actual,
      point: (points[i] as { point: Float64Array }).point,
    };
  });
  const cal = calibrateTotals(members, groups, h);
  const hist = groupHistories(members, groups);
  return {
    categories,
    skus,
    forecasts: future.map((p, j) => totalForecast(cal, hist[j] as Float64Array, p)),
    overWeeks: future.map((p, j) =>
      Array.from({ length: h }, (_, k) => totalOverWeeks(cal, hist[j] as Float64Array, p, k + 1)),
    ),
    residualsPerStep: cal.counts,
  };
}
