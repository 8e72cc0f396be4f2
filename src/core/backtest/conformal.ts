// Calibrated intervals by split conformal prediction (Vovk et al.; as
// statsforecast's ConformalIntervals, but quantile-based and scale-free):
// backtest residuals y − point by horizon step, divided by the series' scale
// at each cutoff so skus of every size pool together; the 10th, 50th and 90th
// percentiles of the scaled residuals per step give the band around a new
// point forecast, times that series' scale now. Pooled across skus by step;
// with `perSku`, a sku with enough residuals of its own gets its own
// spread, blended with the pooled one by how many it has. Bands are clamped at
// zero and sorted (p10 ≤ p50 ≤ p90).

import { zeroForecast, type Forecast } from '../models/types';
import { t90 } from '../stats/normal';
import { medianOf, quantileSorted } from '../stats/quantile';
import type { SeriesBacktest } from './cross-validation';

export interface ConformalOptions {
  /**
   * The series scale residuals are divided by: 'level' = mean |y| over the last
   * `levelWeeks` weeks of the history; 'naive_mae' = mean |Δy| over them (the
   * series' week-to-week noise).
   */
  scale: 'level' | 'naive_mae';
  levelWeeks: number;
  /**
   * Move p50 by the median scaled residual of its step (a bias correction that
   * targets the median, which WAPE rewards on skewed, zero-heavy sales). 'auto':
   * only when the shift, estimated on the earlier half of the backtest windows,
   * lowers the error on the later half (decided by `auto`; calibrate reads it as false).
   */
  shiftMedian: boolean | 'auto';
  /**
   * Blend weight of a sku's own residual quantiles: n / (n + perSkuPrior), n its
   * residual count; 0 disables (pooled only).
   */
  perSkuPrior: number;
  /**
   * Residuals of past windows describe the future only as far as the series
   * do not drift. 'widen': the band is widened (never narrowed) by the factor
   * that makes a calibration on the earlier half of the backtest windows cover
   * the nominal share of the later half's weeks (decided by `auto`, as the
   * median shift is; calibrate itself reads it as 'off'). 'adapt': the same
   * factor, narrowing too.
   */
  drift: 'off' | 'widen' | 'adapt';
  /**
   * Which errors the band is read from. 'off': the shipped forecast's on every
   * validation window, the windows that also chose its models (in-sample).
   * 'late': cross-fitted, the errors on the later half of the windows of the
   * forecast the same strategy makes when it chooses on the earlier half
   * only; p50 stays as 'off' places it. 'optimism': the band of every
   * window, widened (never narrowed) by how much larger that choice's errors
   * are on the later windows than those of the choice made on all of them:
   * the optimism of choosing on the windows that score. Decided by `auto`,
   * which alone knows the choice; calibrate reads it as 'off'.
   */
  crossfit: 'off' | 'late' | 'optimism';
  /**
   * Each edge's level, read from the backtest rather than assumed: 'adapt'
   * sets the levels at which the band of the earlier half of the windows
   * holds 10% of the later half's errors below p10 and 10% above p90, and
   * reads the band of all windows at those levels; 'widen' moves an edge
   * outward only (decided by `auto`; calibrate reads the levels it is given).
   */
  edges: 'off' | 'adapt' | 'widen';
  /**
   * The noise of a history that never changed, as a share of its level (with
   * `naive_mae`): the median over the run's other skus of their noise over
   * their level, set by calibrateOnWindows (levelShareOf). A sku that sold 7
   * every week has no week-to-week change to scale by, and its level is in
   * another unit than the changes the calibration's residuals are scaled by:
   * at share 1, among peers that vary by a fifth, its band was 0–14.3 (now
   * 5.6–8.4). Absent: 1.
   */
  levelShare?: number;
}

/**
 * Chosen on validation windows of the three evaluation datasets: scaling by
 * the week-to-week noise (naive_mae) instead of the level brought M4's
 * p10–p90 coverage from 0.87 to 0.80 and kept the others at 0.77–0.81; the
 * median shift only where it helps on later backtest windows, because always
 * shifting helped the zero-heavy seed data and hurt M4.
 */
export const DEFAULT_CONFORMAL: ConformalOptions = {
  scale: 'naive_mae',
  levelWeeks: 52,
  shiftMedian: 'auto',
  perSkuPrior: 0,
  drift: 'off',
  crossfit: 'off',
  edges: 'off',
};

/** The share of weeks the p10–p90 band is meant to hold. */
export const NOMINAL_COVERAGE = 0.8;

/** The levels of p10 and p90 a band is read at unless the backtest says otherwise. */
export interface EdgeLevels {
  lo: number;
  hi: number;
}

export const NOMINAL_LEVELS: EdgeLevels = { lo: 0.1, hi: 0.9 };

/**
 * Bounds of an adapted edge's level: a few hundred errors per step cannot
 * place a quantile further out than this.
 */
export const MIN_EDGE_LEVEL = 0.02;

/** The widest a drift factor may make the band: beyond it the backtest is no guide. */
export const MAX_DRIFT_FACTOR = 3;

/** The scale of a history: never 0 unless the history is all zeros. */
export function seriesScale(hist: ArrayLike<number>, opts: ConformalOptions): number {
  return scaleOfFirst(hist, hist.length, opts);
}

/**
 * seriesScale of the first `n` values of `y` (the history at a cutoff), with
 * no view made. The week-to-week noise of the last `levelWeeks`; when those
 * were flat (a slow mover with no sale in a year), that of the whole history,
 * so a sku that ever sold never gets a band of zero width; a history that
 * never changed (a standing order) takes its level times `levelShare`.
 */
export function scaleOfFirst(y: ArrayLike<number>, n: number, opts: ConformalOptions): number {
  const from = Math.max(0, n - opts.levelWeeks);
  if (opts.scale === 'naive_mae') {
    const recent = meanAbsChange(y, from, n);
    if (recent > 0) return recent;
    const all = meanAbsChange(y, 0, n);
    if (all > 0) return all;
  }
  const level = levelOf(y, from, n);
  return opts.scale === 'naive_mae' ? level * (opts.levelShare ?? 1) : level;
}

/** Mean |y| of y[from..n). */
function levelOf(y: ArrayLike<number>, from: number, n: number): number {
  let s = 0;
  let c = 0;
  for (let t = from; t < n; t++) {
    s += Math.abs(y[t] as number);
    c++;
  }
  return c > 0 ? s / c : 0;
}

/**
 * The median over `histories` (each a series and the length of its history)
 * of its week-to-week noise over its level, among those that changed: the
 * share of its level a history that never changed is scaled by. 1 when none
 * changed.
 */
export function levelShareOf(
  histories: Iterable<{ y: ArrayLike<number>; n: number }>,
  opts: ConformalOptions,
): number {
  const ratios: number[] = [];
  for (const { y, n } of histories) {
    const from = Math.max(0, n - opts.levelWeeks);
    const level = levelOf(y, from, n);
    if (!(level > 0)) continue;
    const noise = meanAbsChange(y, from, n) || meanAbsChange(y, 0, n);
    if (noise > 0) ratios.push(noise / level);
  }
  return ratios.length > 0 ? medianOf(ratios) : 1;
}

function meanAbsChange(y: ArrayLike<number>, from: number, n: number): number {
  let s = 0;
  let c = 0;
  for (let t = Math.max(1, from); t < n; t++) {
    s += Math.abs((y[t] as number) - (y[t - 1] as number));
    c++;
  }
  return c > 0 ? s / c : 0;
}

/** Residuals of one sku: targets and point forecasts [window][step] and the history at each cutoff. */
export interface ResidualItem {
  id: string;
  y: Float64Array;
  cutoffs: readonly number[];
  actual: Float64Array;
  point: Float64Array;
}

interface Triple {
  q10: number;
  q50: number;
  q90: number;
}

export interface Calibration {
  h: number;
  options: ConformalOptions;
  /** Pooled quantiles of scaled residuals per step. */
  steps: Triple[];
  /** Per sku: its own quantiles over all steps, relative to the pooled ones, and its weight. */
  skus: Map<string, { ratio: Triple; weight: number }>;
  /** Residuals the pooled quantiles rest on, per step. */
  counts: number[];
  /** Distance of p10 and p90 from the median residual is multiplied by this (driftFactor). */
  widen: number;
  /** The levels p10 and p90 were read at (NOMINAL_LEVELS unless `edges` adapted them). */
  levels: EdgeLevels;
}

function triple(sorted: Float64Array, levels: EdgeLevels): Triple {
  return {
    q10: quantileSorted(sorted, levels.lo),
    q50: quantileSorted(sorted, 0.5),
    q90: quantileSorted(sorted, levels.hi),
  };
}

/** Items may come one at a time (an iterator): `auto` makes each as it is read, at the table cap 45,000 of them. */
/**
 * Numbers appended in blocks (up to 64K values each) instead of one growing
 * array, which copies itself as it grows: at the table cap a calibration
 * collects millions of residuals, and the copies were tens of MB of garbage.
 */
class Residuals {
  private readonly full: Float64Array[] = [];
  private block = new Float64Array(256);
  private used = 0;
  length = 0;

  push(v: number): void {
    if (this.used === this.block.length) {
      this.full.push(this.block);
      this.block = new Float64Array(Math.min(this.block.length * 2, 1 << 16));
      this.used = 0;
    }
    this.block[this.used++] = v;
    this.length++;
  }

  /** The values in the order pushed. */
  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const b of this.full) {
      out.set(b, at);
      at += b.length;
    }
    out.set(this.block.subarray(0, this.used), at);
    return out;
  }
}

/**
 * Every backtest week of `items` with an actual value, as (item, step, actual,
 * point, scale of the history at its cutoff); weeks of a history with no scale
 * are left out.
 */
export function forEachResidual(
  items: Iterable<ResidualItem>,
  h: number,
  options: ConformalOptions,
  visit: (it: ResidualItem, k: number, y: number, point: number, scale: number) => void,
): void {
  for (const it of items) {
    it.cutoffs.forEach((c, w) => {
      const scale = scaleOfFirst(it.y, c, options);
      if (!(scale > 0)) return;
      for (let k = 0; k < h; k++) {
        const i = w * h + k;
        const y = it.actual[i] as number;
        if (!Number.isNaN(y)) visit(it, k, y, it.point[i] as number, scale);
      }
    });
  }
}

export function calibrate(
  items: Iterable<ResidualItem>,
  h: number,
  options: ConformalOptions = DEFAULT_CONFORMAL,
  levels: EdgeLevels = NOMINAL_LEVELS,
): Calibration {
  const byStep = Array.from({ length: h }, () => new Residuals());
  const own = new Map<string, number[]>();
  // A sku's own residuals matter only to a per-sku blend.
  const perSku = options.perSkuPrior > 0;
  let current: ResidualItem | undefined;
  let mine: number[] = [];
  forEachResidual(items, h, options, (it, k, y, p, scale) => {
    const r = (y - p) / scale;
    (byStep[k] as Residuals).push(r);
    if (!perSku) return;
    if (it !== current) {
      current = it;
      mine = [];
      own.set(it.id, mine);
    }
    mine.push(r);
  });
  // A step with no residual borrows the nearest earlier step's.
  const steps: Triple[] = [];
  const counts: number[] = [];
  let prev: Triple = { q10: 0, q50: 0, q90: 0 };
  for (let k = 0; k < h; k++) {
    const rs = byStep[k] as Residuals;
    counts.push(rs.length);
    if (rs.length > 0) prev = triple(rs.toArray().sort(), levels);
    steps.push(prev);
  }
  const skus = new Map<string, { ratio: Triple; weight: number }>();
  if (options.perSkuPrior > 0) {
    const all = new Float64Array(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const rs of byStep) {
      all.set(rs.toArray(), at);
      at += rs.length;
    }
    all.sort();
    const pooled = triple(all, levels);
    for (const [id, rs] of own) {
      const t = triple(Float64Array.from(rs).sort(), levels);
      skus.set(id, {
        ratio: {
          q10: pooled.q10 < 0 ? Math.min(0, t.q10) / pooled.q10 : 1,
          q50: 1,
          q90: pooled.q90 > 0 ? Math.max(0, t.q90) / pooled.q90 : 1,
        },
        weight: rs.length / (rs.length + options.perSkuPrior),
      });
    }
  }
  return { h, options, steps, skus, counts, widen: 1, levels };
}

/**
 * The factor by which the band of `early` (calibrated on earlier windows)
 * must be stretched about its median residual to hold the nominal share of
 * the residuals of `late` (later windows): for each late residual the least
 * factor that covers it, and their NOMINAL_COVERAGE quantile. 1 when the
 * early band already covers them as it should; below 1 when it covers more.
 */
export function driftFactor(early: Calibration, late: Iterable<ResidualItem>, h: number): number {
  const need = new Residuals();
  const beyond = 2 * MAX_DRIFT_FACTOR;
  forEachResidual(late, h, early.options, (_, k, y, p, scale) => {
    const r = (y - p) / scale;
    const q = early.steps[Math.min(k, early.steps.length - 1)] as Triple;
    const gap = r < q.q50 ? q.q50 - q.q10 : q.q90 - q.q50;
    const off = Math.abs(r - q.q50);
    // A residual no stretch of a zero-width side reaches needs more than the cap.
    need.push(off === 0 ? 0 : gap > 0 ? Math.min(off / gap, beyond) : beyond);
  });
  if (need.length === 0) return 1;
  return Math.min(quantileSorted(need.toArray().sort(), NOMINAL_COVERAGE), MAX_DRIFT_FACTOR);
}

/**
 * The levels at which the band of the `early` errors must be read so that
 * NOMINAL_LEVELS of the `late` errors fall outside each edge: each late
 * error's mid-rank among the early errors of its step (its PIT), and the
 * 10th and 90th percentiles of those ranks. Adaptive conformal's update of
 * each edge's level (Gibbs & Candès 2021) taken once, over the later windows
 * pooled; each edge on its own, because shift moves one edge more than the
 * other (M4's lower edge). Nominal when there is nothing to compare.
 */
export function edgeLevels(
  early: Iterable<ResidualItem>,
  late: Iterable<ResidualItem>,
  h: number,
  options: ConformalOptions,
): EdgeLevels {
  const byStep = Array.from({ length: h }, () => new Residuals());
  forEachResidual(early, h, options, (_, k, y, p, scale) =>
    (byStep[k] as Residuals).push((y - p) / scale),
  );
  const sorted = byStep.map((r) => r.toArray().sort());
  const ranks = new Residuals();
  forEachResidual(late, h, options, (_, k, y, p, scale) => {
    const e = sorted[k] as Float64Array;
    if (e.length === 0) return;
    const r = (y - p) / scale;
    ranks.push((lowerBound(e, r) + upperBound(e, r)) / (2 * e.length));
  });
  if (ranks.length === 0) return NOMINAL_LEVELS;
  const u = ranks.toArray().sort();
  const clamp = (v: number, a: number, b: number): number => Math.min(b, Math.max(a, v));
  return {
    lo: clamp(quantileSorted(u, NOMINAL_LEVELS.lo), MIN_EDGE_LEVEL, 0.5),
    hi: clamp(quantileSorted(u, NOMINAL_LEVELS.hi), 0.5, 1 - MIN_EDGE_LEVEL),
  };
}

/** Values of sorted `a` below v. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((a[m] as number) < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Values of sorted `a` at or below v. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((a[m] as number) <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** A calibrated forecast from a point forecast and the history it was made from. */
export function calibratedForecast(
  cal: Calibration,
  id: string,
  hist: ArrayLike<number>,
  point: ArrayLike<number>,
  /** Written into when given (a backtest scores thousands of windows: no garbage per window). */
  into?: Forecast,
): Forecast {
  const h = point.length;
  if (cal.counts.every((c) => c === 0)) return ownSpreadForecast(hist, point, into);
  const scale = seriesScale(hist, cal.options);
  const sku = cal.skus.get(id);
  const f = into ?? zeroForecast(h);
  for (let k = 0; k < h; k++) {
    const q = cal.steps[Math.min(k, cal.steps.length - 1)] as Triple;
    let q10 = q.q10;
    let q90 = q.q90;
    if (sku) {
      q10 *= 1 - sku.weight + sku.weight * sku.ratio.q10;
      q90 *= 1 - sku.weight + sku.weight * sku.ratio.q90;
    }
    if (cal.widen !== 1) {
      q10 = q.q50 + cal.widen * (q10 - q.q50);
      q90 = q.q50 + cal.widen * (q90 - q.q50);
    }
    const p = point[k] as number;
    const mid = p + (cal.options.shiftMedian === true ? q.q50 * scale : 0);
    let lo = p + q10 * scale;
    let hi = p + q90 * scale;
    lo = Math.min(lo, mid);
    hi = Math.max(hi, mid);
    f.point[k] = Math.max(0, p);
    f.p10[k] = Math.max(0, lo);
    f.p50[k] = Math.max(0, mid);
    f.p90[k] = Math.max(0, hi);
  }
  return f;
}

/** Weeks of a history whose spread makes a band no backtest could calibrate. */
const OWN_SPREAD_WEEKS = 52;

/**
 * Half the p10–p90 width of the sum of the next `m` weeks, from the spread of
 * a history's last weeks alone, for a run with no backtest error at all to
 * calibrate on (a file of a few weeks, every sku too short to hold one
 * back): a prediction interval as if the weeks were draws around a level,
 * with Student's t for a spread estimated from so few. A single week says
 * nothing of its spread: 0.
 */
export function ownSpreadHalfWidth(hist: ArrayLike<number>, m = 1): number {
  const from = Math.max(0, hist.length - OWN_SPREAD_WEEKS);
  const n = hist.length - from;
  if (n < 2) return 0;
  let sum = 0;
  for (let t = from; t < hist.length; t++) sum += hist[t] as number;
  const mean = sum / n;
  let ss = 0;
  for (let t = from; t < hist.length; t++) ss += ((hist[t] as number) - mean) ** 2;
  // The sum of m new weeks less m times an estimated level: variance (m + m² / n) σ².
  return t90(n - 1) * Math.sqrt(ss / (n - 1)) * Math.sqrt(m + (m * m) / n);
}

/**
 * A band with no backtest behind it (ownSpreadHalfWidth): a sku selling 100
 * and 140 gets 120 with p10–p90 about 13–227, not 120–120.
 */
function ownSpreadForecast(
  hist: ArrayLike<number>,
  point: ArrayLike<number>,
  into?: Forecast,
): Forecast {
  const h = point.length;
  const half = ownSpreadHalfWidth(hist);
  const f = into ?? zeroForecast(h);
  for (let k = 0; k < h; k++) {
    const p = Math.max(0, point[k] as number);
    f.point[k] = p;
    f.p10[k] = Math.max(0, p - half);
    f.p50[k] = p;
    f.p90[k] = p + half;
  }
  return f;
}

/**
 * The band's calibration on the validation windows of a backtest: the first
 * `windows[i]` windows of series i, whose point forecasts are `pts[i].point`
 * (laid out as the backtest's). Whether to shift the median ('auto'), how
 * far to widen for drift and where to read each edge are decided on the
 * earlier half of the windows calibrated and the later half scored: what the
 * calibration of all of them will meet in the future, as far as the
 * backtest can tell. With `crossfit` 'late', `honest[i].point` are the points
 * the strategy makes when it chooses on the earlier half only: the band's
 * edges come from their errors on the later half, windows that chose
 * nothing, and p50 sits where the calibration of all windows puts it.
 */
export function calibrateOnWindows(
  bt: readonly SeriesBacktest[],
  pts: readonly { point: Float64Array }[],
  windows: readonly number[],
  h: number,
  conformal: ConformalOptions,
  honest: readonly { point: Float64Array }[] = pts,
): Calibration {
  const valid = (i: number): number => windows[i] as number;
  const half = (i: number): number => valid(i) >> 1;
  // Each history as at its first backtest origin: no window's own weeks set it.
  if (conformal.scale === 'naive_mae' && conformal.levelShare === undefined)
    conformal = {
      ...conformal,
      levelShare: levelShareOf(
        bt.map((sb) => ({ y: sb.series.y, n: sb.cutoffs[0] ?? sb.series.y.length })),
        conformal,
      ),
    };
  const items = (from: (i: number) => number, to: (i: number) => number) =>
    residualItems(bt, pts, h, from, to);
  let shiftMedian = conformal.shiftMedian === true;
  let widen = 1;
  if (conformal.shiftMedian === 'auto' || conformal.drift !== 'off') {
    const early = calibrate(
      items(() => 0, half),
      h,
      { ...conformal, shiftMedian: true },
    );
    const late = () => items(half, valid);
    if (conformal.shiftMedian === 'auto') shiftMedian = shiftHelps(early, late(), h);
    if (conformal.drift !== 'off') {
      const f = driftFactor(early, late(), h);
      widen = conformal.drift === 'widen' ? Math.max(1, f) : f;
    }
  }
  let levels = NOMINAL_LEVELS;
  if (conformal.edges !== 'off') {
    // Shift shows only between errors whose target weeks do not overlap: the
    // earlier windows end h origins before the later ones start where there
    // are windows enough (a calibration over more origins), else halves.
    const gap = (i: number): number => (valid(i) - h >= 2 ? (valid(i) - h) >> 1 : half(i));
    const after = (i: number): number => (valid(i) - h >= 2 ? gap(i) + h : half(i));
    const l = edgeLevels(
      residualItems(bt, honest, h, () => 0, gap),
      residualItems(bt, honest, h, after, valid),
      h,
      conformal,
    );
    levels =
      conformal.edges === 'widen'
        ? { lo: Math.min(l.lo, NOMINAL_LEVELS.lo), hi: Math.max(l.hi, NOMINAL_LEVELS.hi) }
        : l;
  }
  if (conformal.crossfit === 'optimism' && honest !== pts)
    widen *= choiceOptimism(
      items(half, valid),
      residualItems(bt, honest, h, half, valid),
      h,
      conformal,
    );
  const options = { ...conformal, shiftMedian };
  const all = {
    ...calibrate(
      items(() => 0, valid),
      h,
      options,
      levels,
    ),
    widen,
  };
  if (conformal.crossfit !== 'late') return all;
  const late = calibrate(residualItems(bt, honest, h, half, valid), h, options, levels);
  return {
    ...late,
    steps: late.steps.map((q, k) => ({ ...q, q50: (all.steps[k] as Triple).q50 })),
    widen,
  };
}

/**
 * Σ scaled |error| of `honest` over that of `shipped` on the same windows
 * (the same targets, in the same order), at least 1 and at most
 * MAX_DRIFT_FACTOR: how much worse the forecast chosen without these
 * windows did on them than the one chosen on them.
 */
export function choiceOptimism(
  shipped: Iterable<ResidualItem>,
  honest: Iterable<ResidualItem>,
  h: number,
  options: ConformalOptions,
): number {
  const sum = (items: Iterable<ResidualItem>): number => {
    let s = 0;
    forEachResidual(items, h, options, (_, __, y, p, scale) => (s += Math.abs(y - p) / scale));
    return s;
  };
  const a = sum(shipped);
  const b = sum(honest);
  return a > 0 ? Math.min(MAX_DRIFT_FACTOR, Math.max(1, b / a)) : 1;
}

/**
 * Residual items of windows from(i) up to to(i) of each series, made one at a
 * time as calibrate reads them (45,000 at the table cap: none kept).
 */
function* residualItems(
  bt: readonly SeriesBacktest[],
  pts: readonly { point: Float64Array }[],
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
      point: (pts[i] as { point: Float64Array }).point.subarray(a * h, b * h),
    };
  }
}

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
