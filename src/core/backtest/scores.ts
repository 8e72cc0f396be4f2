// Accuracy of backtest forecasts, per sku and pooled, with the measures of
// src/core/metrics.ts: WAPE of the point (p50) forecast, MASE, sMAPE (M4's),
// pinball loss at 0.1/0.5/0.9 and p10–p90 coverage; and the accuracy `auto`
// reports of the forecasts it ships, on its validation windows (SkuAccuracy:
// what the forecast pipeline hands every sku).

import { maseScale, salesMaseSeason } from '../metrics';
import { zeroForecast, type Forecast } from '../models/types';
import type { SeriesBacktest } from './cross-validation';
import type { BacktestSeries } from './series';

/** MASE season: 'sales' = 52 when the history at the cutoff has two years, else 1; or a fixed m (M4: 1). */
export type MaseSeason = 'sales' | number;

export interface Scores {
  /** Σ|y − p50| / Σ|y|. */
  wape: number;
  /** Mean over skus of the sku's MASE (each window scaled by its own history). */
  mase: number;
  /** M4's sMAPE in percent, mean over all points. */
  smape: number;
  /** Pinball loss at each quantile, summed over points and divided by Σ|y| (p50's is WAPE / 2). */
  pinball: { p10: number; p50: number; p90: number };
  /** Share of targets inside [p10, p90]. */
  coverage_p10_p90: number;
  /** Σ p50 / Σ y: above 1 over-forecasts. */
  bias: number;
  /** Scored target weeks. */
  points: number;
  /** Σ|y| of the scored weeks: this WAPE's weight when it is pooled with others. */
  absActual: number;
  /**
   * The same measures of the model's point forecast before calibration (the
   * conformal median shift can move p50 off it): what other libraries report.
   */
  point: { wape: number; mase: number; smape: number };
}

/** One sku's forecasts to score: windows laid out [window][step], NaN targets skipped. */
export interface ScoreItem {
  series: BacktestSeries;
  cutoffs: readonly number[];
  actual: Float64Array;
  band: Forecast;
}

class Acc {
  absY = 0;
  absE = 0;
  sumY = 0;
  sumP = 0;
  smape = 0;
  pin = { p10: 0, p50: 0, p90: 0 };
  inside = 0;
  n = 0;
  absEPoint = 0;
  smapePoint = 0;
  add(y: number, lo: number, mid: number, hi: number, point: number): void {
    const ep = Math.abs(y - point);
    this.absEPoint += ep;
    const dp = Math.abs(y) + Math.abs(point);
    if (dp > 0) this.smapePoint += (200 * ep) / dp;
    const e = Math.abs(y - mid);
    this.absY += Math.abs(y);
    this.absE += e;
    this.sumY += y;
    this.sumP += mid;
    const d = Math.abs(y) + Math.abs(mid);
    if (d > 0) this.smape += (200 * e) / d;
    this.pin.p10 += loss(y, lo, 0.1);
    this.pin.p50 += loss(y, mid, 0.5);
    this.pin.p90 += loss(y, hi, 0.9);
    if (y >= lo && y <= hi) this.inside++;
    this.n++;
  }
  scores(mase: number, masePoint: number): Scores {
    return {
      point: {
        wape: this.absY > 0 ? this.absEPoint / this.absY : NaN,
        mase: masePoint,
        smape: this.n > 0 ? this.smapePoint / this.n : NaN,
      },
      wape: this.absY > 0 ? this.absE / this.absY : NaN,
      mase,
      smape: this.n > 0 ? this.smape / this.n : NaN,
      pinball: {
        p10: this.absY > 0 ? this.pin.p10 / this.absY : NaN,
        p50: this.absY > 0 ? this.pin.p50 / this.absY : NaN,
        p90: this.absY > 0 ? this.pin.p90 / this.absY : NaN,
      },
      coverage_p10_p90: this.n > 0 ? this.inside / this.n : NaN,
      bias: this.sumY !== 0 ? this.sumP / this.sumY : NaN,
      points: this.n,
      absActual: this.absY,
    };
  }
}

function loss(y: number, q: number, tau: number): number {
  const d = y - q;
  return d >= 0 ? tau * d : (tau - 1) * d;
}

export interface ScoreReport {
  pooled: Scores;
  perSku: { id: string; scores: Scores }[];
}

export function scoreItems(items: readonly ScoreItem[], season: MaseSeason = 'sales'): ScoreReport {
  const pooled = new Acc();
  const perSku: { id: string; scores: Scores }[] = [];
  let maseTotal = 0;
  let maseCount = 0;
  let masePointTotal = 0;
  for (const it of items) {
    const acc = new Acc();
    const h = it.actual.length / it.cutoffs.length;
    let scaledErr = 0;
    let scaledErrPoint = 0;
    let scaledN = 0;
    it.cutoffs.forEach((c, w) => {
      const hist = it.series.y.subarray(0, c);
      const m = season === 'sales' ? salesMaseSeason(c) : season;
      const scale = maseScale(hist, m);
      for (let k = 0; k < h; k++) {
        const i = w * h + k;
        const y = it.actual[i] as number;
        if (Number.isNaN(y)) continue;
        const mid = it.band.p50[i] as number;
        const point = it.band.point[i] as number;
        acc.add(y, it.band.p10[i] as number, mid, it.band.p90[i] as number, point);
        pooled.add(y, it.band.p10[i] as number, mid, it.band.p90[i] as number, point);
        if (scale > 0) {
          scaledErr += Math.abs(y - mid) / scale;
          scaledErrPoint += Math.abs(y - point) / scale;
          scaledN++;
        }
      }
    });
    const mase = scaledN > 0 ? scaledErr / scaledN : NaN;
    const masePoint = scaledN > 0 ? scaledErrPoint / scaledN : NaN;
    if (Number.isFinite(mase)) {
      maseTotal += mase;
      masePointTotal += masePoint;
      maseCount++;
    }
    perSku.push({ id: it.series.id, scores: acc.scores(mase, masePoint) });
  }
  return {
    pooled: pooled.scores(
      maseCount > 0 ? maseTotal / maseCount : NaN,
      maseCount > 0 ? masePointTotal / maseCount : NaN,
    ),
    perSku,
  };
}

/** Accuracy of calibrated forecasts on validation windows (the band is calibrated on them too). */
export interface SkuAccuracy {
  /** Σ|y − p50| / Σ|y|; NaN when the sku sold nothing in those weeks. */
  wape: number;
  coverage: number;
  windows: number;
  weeks: number;
}

/** The sums a validation accuracy rests on: Σ|y − p50|, Σ|y|, weeks inside the band, weeks. */
interface AccuracySums {
  absE: number;
  absY: number;
  inside: number;
  weeks: number;
}

/** A sku's accuracy with the sums it rests on, for pooling over skus. */
export type SkuAccuracySums = SkuAccuracy & AccuracySums;

function ratios(s: AccuracySums): { wape: number; coverage: number } {
  return {
    wape: s.absY > 0 ? s.absE / s.absY : NaN,
    coverage: s.weeks > 0 ? s.inside / s.weeks : NaN,
  };
}

/**
 * Error and coverage of the shipped forecasts of one series on its first
 * `windows` windows: `band` makes the banded forecast at a cutoff from the
 * point forecast there.
 */
export function validationAccuracy(
  sb: SeriesBacktest,
  point: Float64Array,
  windows: number,
  h: number,
  band: (cutoff: number, point: Float64Array, into: Forecast) => Forecast,
): SkuAccuracySums {
  const sums: AccuracySums = { absE: 0, absY: 0, inside: 0, weeks: 0 };
  const f = zeroForecast(h);
  for (let w = 0; w < windows; w++) {
    const c = sb.cutoffs[w] as number;
    band(c, point.subarray(w * h, (w + 1) * h), f);
    for (let k = 0; k < h; k++) {
      const y = sb.actual[w * h + k] as number;
      if (Number.isNaN(y)) continue;
      sums.absE += Math.abs(y - (f.p50[k] as number));
      sums.absY += Math.abs(y);
      if (y >= (f.p10[k] as number) && y <= (f.p90[k] as number)) sums.inside++;
      sums.weeks++;
    }
  }
  return { ...ratios(sums), windows, ...sums };
}

/** Validation accuracy pooled over skus: the most windows any sku had. */
export function pooledAccuracy(all: readonly SkuAccuracySums[]): {
  wape: number;
  coverage: number;
  windows: number;
} {
  const sums: AccuracySums = { absE: 0, absY: 0, inside: 0, weeks: 0 };
  let windows = 0;
  for (const a of all) {
    sums.absE += a.absE;
    sums.absY += a.absY;
    sums.inside += a.inside;
    sums.weeks += a.weeks;
    windows = Math.max(windows, a.windows);
  }
  return { ...ratios(sums), windows };
}
