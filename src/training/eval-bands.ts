// How auto's bands do on a dataset (issue 22), beside a trivial baseline:
// the scaled pinball loss of p10/p50/p90 (the M5 uncertainty competition's
// form: pinball over the in-sample mean absolute week-to-week change, averaged
// over the three quantiles and the sku's scored weeks, then over skus), the
// same for empirical quantiles of each sku's last 52 weeks, p10–p90 coverage
// overall and for intermittent skus (ADI > 1.32), the share of point bands
// (p10 = p90) and of p90 = 0 among skus that sold in at least 10% of their
// last 26 weeks, and the coverage of category and grand totals, weekly and
// over the whole horizon.

import type { AutoResult } from '../core/backtest/auto';
import type { BacktestSeries } from '../core/backtest/series';
import { zeroForecast, type Forecast } from '../core/models/types';
import { adiOf, INTERMITTENT_ADI, sellingShare } from '../core/stats/demand-class';
import { quantileSorted } from '../core/stats/quantile';
import { pinballAt as pin } from '../core/metrics';

/** In-sample mean absolute week-to-week change of the first n values (M5's scale). */
function m5Scale(y: Float64Array, n: number): number {
  let s = 0;
  for (let t = 1; t < n; t++) s += Math.abs((y[t] as number) - (y[t - 1] as number));
  return n > 1 ? s / (n - 1) : 0;
}

/** The baseline: the 10th, 50th and 90th percentiles of the sku's last 52 weeks, flat. */
export function empiricalQuantiles(y: Float64Array, n: number, h: number): Forecast {
  const last = Float64Array.from(y.subarray(Math.max(0, n - 52), n)).sort();
  const f = zeroForecast(h);
  f.p10.fill(quantileSorted(last, 0.1));
  f.p50.fill(quantileSorted(last, 0.5));
  f.p90.fill(quantileSorted(last, 0.9));
  f.point.set(f.p50);
  return f;
}

class SkuTally {
  /** Per level (p10, p50, p90): each sku's mean pinball over its scale, summed over skus. */
  private readonly splByLevel = [0, 0, 0];
  private splSkus = 0;
  /** Weeks inside the band and weeks scored: all, intermittent skus'. */
  private inside = 0;
  private weeks = 0;
  private insideInt = 0;
  private weeksInt = 0;
  /** Among selling skus' weeks: point bands and p90 = 0. */
  private sellingWeeks = 0;
  private pointBands = 0;
  private zeroP90 = 0;
  /**
   * Quantile hits: weeks strictly below and at-or-below p10 and p90. A
   * calibrated τ-quantile of whole-number sales has P(y < q) ≤ τ ≤ P(y ≤ q),
   * so on slow movers a calibrated band covers more than 80%: the weeks that
   * land exactly on an edge (mostly 0 = p10) count inside.
   */
  private readonly hits = { belowP10: 0, atOrBelowP10: 0, belowP90: 0, atOrBelowP90: 0 };

  add(y: Float64Array, c: number, f: Forecast, h: number): void {
    const scale = m5Scale(y, c);
    const intermittent = adiOf(y, c) > INTERMITTENT_ADI;
    const selling = sellingShare(y, c, 26) >= 0.1;
    const loss = [0, 0, 0];
    let m = 0;
    for (let k = 0; k < h && c + k < y.length; k++) {
      const v = y[c + k] as number;
      const lo = f.p10[k] as number;
      const hi = f.p90[k] as number;
      loss[0]! += pin(v, lo, 0.1);
      loss[1]! += pin(v, f.p50[k] as number, 0.5);
      loss[2]! += pin(v, hi, 0.9);
      m++;
      const ok = v >= lo && v <= hi ? 1 : 0;
      if (v < lo) this.hits.belowP10++;
      if (v <= lo) this.hits.atOrBelowP10++;
      if (v < hi) this.hits.belowP90++;
      if (v <= hi) this.hits.atOrBelowP90++;
      this.inside += ok;
      this.weeks++;
      if (intermittent) {
        this.insideInt += ok;
        this.weeksInt++;
      }
      if (selling) {
        this.sellingWeeks++;
        if (hi - lo <= 0) this.pointBands++;
        if (hi <= 0) this.zeroP90++;
      }
    }
    if (scale > 0 && m > 0) {
      loss.forEach((l, j) => (this.splByLevel[j]! += l / (m * scale)));
      this.splSkus++;
    }
  }

  get scaledPinball(): number {
    return this.splSkus > 0 ? this.splByLevel.reduce((a, b) => a + b, 0) / (3 * this.splSkus) : NaN;
  }

  /** The scaled pinball of p10, p50 and p90 apart (their mean is scaledPinball). */
  get scaledPinballByLevel(): PinballByLevel {
    const of = (j: number): number => r4((this.splByLevel[j] as number) / this.splSkus);
    return { p10: of(0), p50: of(1), p90: of(2) };
  }

  summary(): Omit<
    BandReport,
    | 'scaled_pinball_empirical52'
    | 'scaled_pinball_by_level_empirical52'
    | 'quantile_hits_empirical52'
    | 'totals'
    | 'shown_in_sample'
  > {
    return {
      scaled_pinball: r4(this.scaledPinball),
      scaled_pinball_by_level: this.scaledPinballByLevel,
      coverage: r4(this.inside / this.weeks),
      coverage_intermittent: this.weeksInt > 0 ? r4(this.insideInt / this.weeksInt) : null,
      intermittent_weeks: this.weeksInt,
      point_band_share_selling: r4(this.pointBands / Math.max(1, this.sellingWeeks)),
      zero_p90_share_selling: r4(this.zeroP90 / Math.max(1, this.sellingWeeks)),
      selling_weeks: this.sellingWeeks,
      quantile_hits: quantileHits(this.hits, this.weeks),
    };
  }
}

/** Shares of scored weeks below / at-or-below each band edge. */
export interface QuantileHits {
  below_p10: number;
  at_or_below_p10: number;
  below_p90: number;
  at_or_below_p90: number;
}

function quantileHits(
  hits: { belowP10: number; atOrBelowP10: number; belowP90: number; atOrBelowP90: number },
  weeks: number,
): QuantileHits {
  const share = (n: number): number => r4(n / Math.max(1, weeks));
  return {
    below_p10: share(hits.belowP10),
    at_or_below_p10: share(hits.atOrBelowP10),
    below_p90: share(hits.belowP90),
    at_or_below_p90: share(hits.atOrBelowP90),
  };
}

const r4 = (v: number): number => Math.round(v * 10000) / 10000;

/** A band's scaled pinball at each of its levels. */
export interface PinballByLevel {
  p10: number;
  p50: number;
  p90: number;
}

export interface BandReport {
  scaled_pinball: number;
  /** Where the loss is: each level's own (scaled_pinball is their mean). */
  scaled_pinball_by_level: PinballByLevel;
  scaled_pinball_empirical52: number;
  scaled_pinball_by_level_empirical52: PinballByLevel;
  coverage: number;
  coverage_intermittent: number | null;
  intermittent_weeks: number;
  point_band_share_selling: number;
  zero_p90_share_selling: number;
  selling_weeks: number;
  /** Calibration of each edge on whole-number sales: below ≤ τ ≤ at-or-below when calibrated. */
  quantile_hits: QuantileHits;
  /** The same for the 52-week quantiles. */
  quantile_hits_empirical52: QuantileHits;
  /**
   * What the page shows beside each run (auto's pooled WAPE and coverage on
   * the backtest windows that also chose the models and set the band),
   * averaged over the origin groups: set beside `coverage` and the auto
   * row's WAPE on the scored weeks, the optimism of that in-sample figure.
   */
  shown_in_sample: { wape: number; coverage: number };
  totals: {
    /** p10–p90 coverage of every category and grand total week. */
    coverage: number;
    /** Of the total over the whole horizon. */
    coverage_over_horizon: number;
    /** Total weeks whose p50 sat on a band edge with a band of any width. */
    p50_on_edge: number;
    /** Pinball loss of p10, p50 and p90 summed over total weeks, over the totals' summed actuals. */
    pinball: number;
    /** Share of total weeks below their p10 (the rest of the misses are above p90). */
    below: number;
    weeks: number;
  };
}

/** Accumulates auto's bands over a dataset's origin groups. */
export class BandEval {
  private readonly shipped = new SkuTally();
  private readonly baseline = new SkuTally();
  private totals = {
    inside: 0,
    weeks: 0,
    edge: 0,
    overInside: 0,
    over: 0,
    loss: 0,
    volume: 0,
    below: 0,
  };
  private readonly shown = { wape: 0, coverage: 0, runs: 0 };

  constructor(private readonly h: number) {}

  /** One origin group: the full series, each one's cutoff, and auto's result on the histories. */
  add(series: readonly BacktestSeries[], cutoffs: readonly number[], res: AutoResult): void {
    const { h } = this;
    const acc = res.evidence.accuracy;
    if (Number.isFinite(acc.wape) && Number.isFinite(acc.coverage)) {
      this.shown.wape += acc.wape;
      this.shown.coverage += acc.coverage;
      this.shown.runs++;
    }
    const t = res.totals;
    const actual = t.forecasts.map(() => new Float64Array(h));
    const index = new Map(t.categories.map((c, j) => [c, j]));
    const one = t.forecasts.length === 1;
    series.forEach((s, m) => {
      const c = cutoffs[m] as number;
      const f = (res.forecasts[m] as { forecast: Forecast }).forecast;
      this.shipped.add(s.y, c, f, h);
      this.baseline.add(s.y, c, empiricalQuantiles(s.y, c, h), h);
      const groups = one ? [0] : [index.get(s.category) as number, t.categories.length];
      for (const g of groups) {
        for (let k = 0; k < h; k++) actual[g]![k]! += s.y[c + k] ?? NaN;
      }
    });
    t.forecasts.forEach((f, g) => {
      let sum = 0;
      for (let k = 0; k < h; k++) {
        const y = actual[g]![k]!;
        sum += y;
        if (!Number.isFinite(y)) continue;
        const lo = f.p10[k] as number;
        const mid = f.p50[k] as number;
        const hi = f.p90[k] as number;
        this.totals.weeks++;
        this.totals.loss += pin(y, lo, 0.1) + pin(y, mid, 0.5) + pin(y, hi, 0.9);
        this.totals.volume += Math.abs(y);
        if (y < lo) this.totals.below++;
        if (y >= lo && y <= hi) this.totals.inside++;
        if (hi > lo && (mid <= lo || mid >= hi)) this.totals.edge++;
      }
      const over = t.overWeeks[g]?.[h - 1];
      if (over && Number.isFinite(sum)) {
        this.totals.over++;
        if (sum >= over.p10 && sum <= over.p90) this.totals.overInside++;
      }
    });
  }

  report(): BandReport {
    const { inside, weeks, edge, overInside, over, loss, volume, below } = this.totals;
    return {
      ...this.shipped.summary(),
      scaled_pinball_empirical52: r4(this.baseline.scaledPinball),
      scaled_pinball_by_level_empirical52: this.baseline.scaledPinballByLevel,
      quantile_hits_empirical52: this.baseline.summary().quantile_hits,
      shown_in_sample: {
        wape: r4(this.shown.wape / Math.max(1, this.shown.runs)),
        coverage: r4(this.shown.coverage / Math.max(1, this.shown.runs)),
      },
      totals: {
        coverage: r4(inside / weeks),
        coverage_over_horizon: r4(overInside / over),
        p50_on_edge: edge,
        pinball: r4(volume > 0 ? loss / volume : 0),
        below: r4(below / weeks),
        weeks,
      },
    };
  }
}
