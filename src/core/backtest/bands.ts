// The band a sku ships with, by demand class. Errors of a sku that sells
// every week and of one that sells in a few weeks a year are not alike, and
// pooling them let the many zero weeks of slow movers pull every band onto
// its point. So each class (smooth, erratic, intermittent, lumpy: ADI and
// CV², stats/demand-class.ts) gets its own split-conformal calibration of the
// shipped points' backtest errors, and the classes that do not sell every
// week (ADI > 1.32) may instead take the sku's own occurrence × size
// distribution (mixture-band.ts): whichever has the lower scaled pinball loss
// on the later backtest windows, each calibrated or estimated from what came
// before them (the mixture at each SHARE_PRIOR_WEEKS, the best of them). A
// class with too few errors of its own borrows the calibration of all skus
// pooled.

import { demandClass, DEMAND_CLASSES, hasEnded, type DemandClass } from '../stats/demand-class';
import { zeroForecast, type Forecast } from '../models/types';
import {
  calibrate,
  calibratedForecast,
  forEachResidual,
  scaleOfFirst,
  type Calibration,
  type ConformalOptions,
  type EdgeLevels,
  type ResidualItem,
} from './conformal';
import type { SeriesBacktest } from './cross-validation';
import { classShare, mixtureForecast, SHARE_PRIOR_WEEKS, type SharePrior } from './mixture-band';
import { pinballAt as pin } from '../metrics';

/** One series' backtest of the shipped points: validation windows first, then the future one. */
export interface BandItem extends ResidualItem {
  /** Windows with targets (the first `windows` cutoffs). */
  windows: number;
  demand: DemandClass;
}

export type BandMethod = 'conformal' | 'mixture';

export interface ClassBand {
  demand: DemandClass;
  skus: number;
  method: BandMethod;
  /** Scaled pinball loss of each method on the later windows (absent when not compared). */
  pinball?: { conformal: number; mixture: number };
  /** Weeks of its class's selling share a sku's π leans on in the mixture (SharePrior; absent when not compared). */
  sharePriorWeeks?: number;
  /** Whether the calibration is the class's own or borrowed from all skus. */
  calibration: 'own' | 'pooled';
}

/** How a class's skus get their band: conformal on its calibration, or their mixture leaning on `prior`. */
export interface ClassMethod {
  calibration: Calibration;
  method: BandMethod;
  prior?: SharePrior;
}

export interface BandPlan {
  h: number;
  pooled: Calibration;
  byClass: Map<DemandClass, ClassMethod>;
  evidence: ClassBand[];
}

/** Fewest backtest errors a class's own calibration rests on. */
export const MIN_CLASS_RESIDUALS = 200;

/** The class of a series from its history (up to the forecast origin). */
export function bandClass(y: ArrayLike<number>, n: number = y.length): DemandClass {
  return demandClass(y, n);
}

function windowsOf(
  items: readonly BandItem[],
  from: (it: BandItem) => number,
  to: (it: BandItem) => number,
): ResidualItem[] {
  return items.map((it) => {
    const a = from(it);
    const b = to(it);
    const h = it.cutoffs.length > 0 ? it.actual.length / it.cutoffs.length : 0;
    return {
      id: it.id,
      y: it.y,
      cutoffs: it.cutoffs.slice(a, b),
      actual: it.actual.subarray(a * h, b * h),
      point: it.point.subarray(a * h, b * h),
    };
  });
}

/**
 * Scaled pinball loss (p10, p50, p90) on the later half of each series'
 * windows of the conformal band calibrated on the earlier half, and of the
 * mixture estimated at each of those cutoffs at each SHARE_PRIOR_WEEKS (the
 * class's share read where the later windows begin): the best of those, and
 * its weeks.
 */
function compareOnLateWindows(
  items: readonly BandItem[],
  h: number,
  options: ConformalOptions,
  levels: EdgeLevels,
): { conformal: number; mixture: number; sharePriorWeeks: number } {
  const early = calibrate(
    windowsOf(
      items,
      () => 0,
      (it) => it.windows >> 1,
    ),
    h,
    options,
    levels,
  );
  // Read where each series' later windows begin; a series without a
  // validation window would lend the class its weeks up to the origin.
  const share = classShare(
    items
      .filter((it) => it.windows > 0)
      .map((it) => ({ y: it.y, n: it.cutoffs[it.windows >> 1] as number })),
  );
  const priors = SHARE_PRIOR_WEEKS.map((weeks) => ({ share, weeks }));
  let conformal = 0;
  const mixture = priors.map(() => 0);
  const fc = zeroForecast(h);
  const fm = zeroForecast(h);
  const loss = (f: Forecast, k: number, y: number): number =>
    pin(y, f.p10[k]!, 0.1) + pin(y, f.p50[k]!, 0.5) + pin(y, f.p90[k]!, 0.9);
  for (const it of items) {
    for (let w = it.windows >> 1; w < it.windows; w++) {
      const c = it.cutoffs[w] as number;
      const scale = scaleOfFirst(it.y, c, options);
      if (!(scale > 0)) continue;
      calibratedForecast(
        early,
        it.id,
        it.y.subarray(0, c),
        it.point.subarray(w * h, (w + 1) * h),
        fc,
      );
      for (let k = 0; k < h; k++) {
        const y = it.actual[w * h + k] as number;
        if (!Number.isNaN(y)) conformal += loss(fc, k, y) / scale;
      }
      priors.forEach((prior, g) => {
        mixtureForecast(it.y, c, h, fm, prior);
        for (let k = 0; k < h; k++) {
          const y = it.actual[w * h + k] as number;
          if (!Number.isNaN(y)) mixture[g] = (mixture[g] as number) + loss(fm, k, y) / scale;
        }
      });
    }
  }
  // The fewest weeks among equals: a class's share is leaned on only where it helps.
  let best = 0;
  mixture.forEach((m, g) => {
    if (m < (mixture[best] as number)) best = g;
  });
  return {
    conformal,
    mixture: mixture[best] as number,
    sharePriorWeeks: SHARE_PRIOR_WEEKS[best] as number,
  };
}

function residualCount(
  items: readonly ResidualItem[],
  h: number,
  options: ConformalOptions,
): number {
  let n = 0;
  forEachResidual(items, h, options, () => n++);
  return n;
}

/**
 * Calibrates every class on all validation windows, with the options (the
 * median shift as decided) and the widening of the calibration of all skus
 * pooled, and chooses each class's method.
 */
export function planBands(items: readonly BandItem[], h: number, pooled: Calibration): BandPlan {
  const options = pooled.options;
  const validation = (list: readonly BandItem[]): ResidualItem[] =>
    windowsOf(
      list,
      () => 0,
      (it) => it.windows,
    );
  const byClass = new Map<DemandClass, ClassMethod>();
  const evidence: ClassBand[] = [];
  for (const demand of DEMAND_CLASSES) {
    const members = items.filter((it) => it.demand === demand);
    if (members.length === 0) continue;
    const own = validation(members);
    const enough = residualCount(own, h, options) >= MIN_CLASS_RESIDUALS;
    const calibration = enough
      ? ownSpread(calibrate(own, h, options, pooled.levels), pooled)
      : pooled;
    const entry: ClassBand = {
      demand,
      skus: members.length,
      method: 'conformal',
      calibration: enough ? 'own' : 'pooled',
    };
    let prior: SharePrior | undefined;
    // Classes that do not sell every week may take their own distribution instead.
    if (demand === 'intermittent' || demand === 'lumpy') {
      const { sharePriorWeeks, ...score } = compareOnLateWindows(
        members,
        h,
        options,
        pooled.levels,
      );
      if (score.mixture < score.conformal) entry.method = 'mixture';
      entry.pinball = score;
      entry.sharePriorWeeks = sharePriorWeeks;
      // The class's share now: each member's history up to the forecast's origin.
      if (sharePriorWeeks > 0)
        prior = {
          share: classShare(members.map((it) => ({ y: it.y, n: it.y.length }))),
          weeks: sharePriorWeeks,
        };
    }
    byClass.set(demand, { calibration, method: entry.method, ...(prior && { prior }) });
    evidence.push(entry);
  }
  return { h, pooled, byClass, evidence };
}

/**
 * A class's own spread (p10, p90) with the median shift of all skus pooled:
 * the class changes how wide a band is, never where its p50 sits, so the
 * p50 of a conformal class is the one the whole run's errors call for.
 */
function ownSpread(own: Calibration, pooled: Calibration): Calibration {
  return {
    ...own,
    steps: own.steps.map((q, k) => ({
      ...q,
      q50: (pooled.steps[Math.min(k, pooled.steps.length - 1)] as { q50: number }).q50,
    })),
    widen: pooled.widen,
  };
}

/** An ended series' forecast: 0 every week, its band a point at 0. */
function endedForecast(h: number, into: Forecast = zeroForecast(h)): Forecast {
  for (const a of [into.point, into.p10, into.p50, into.p90]) a.fill(0, 0, h);
  return into;
}

/** The shipped band of a series from its history and point forecast at a cutoff. */
export function bandAt(
  plan: BandPlan,
  id: string,
  demand: DemandClass,
  y: Float64Array,
  cutoff: number,
  point: ArrayLike<number>,
  into?: Forecast,
  /** Keep p50 on the point: the class's median shift is of other models' errors (a fallback's band). */
  keepMedian = false,
): Forecast {
  // A series with no sale in a year has ended (a discontinued item): whatever
  // its model says, a band above 0 would ask safety stock of it (mixture-band.ts).
  if (hasEnded(y, cutoff)) return endedForecast(point.length, into);
  const cls = plan.byClass.get(demand);
  if (cls?.method === 'mixture') return mixtureForecast(y, cutoff, point.length, into, cls.prior);
  const cal = cls?.calibration ?? plan.pooled;
  return calibratedForecast(
    keepMedian ? { ...cal, options: { ...cal.options, shiftMedian: false } } : cal,
    id,
    y.subarray(0, cutoff),
    point,
    into,
  );
}

/** planBands over a backtest: each series' class, and the plan. */
export function planOnBacktest(
  bt: readonly SeriesBacktest[],
  points: readonly { point: Float64Array }[],
  windows: readonly number[],
  h: number,
  pooled: Calibration,
): { plan: BandPlan; demand: DemandClass[] } {
  const demand = bt.map((sb) => bandClass(sb.series.y));
  const items = bt.map((sb, i) => ({
    id: sb.series.id,
    y: sb.series.y,
    cutoffs: sb.cutoffs,
    windows: windows[i] as number,
    actual: sb.actual,
    point: (points[i] as { point: Float64Array }).point,
    demand: demand[i] as DemandClass,
  }));
  return { plan: planBands(items, h, pooled), demand };
}
