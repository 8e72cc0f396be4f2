// The band evaluator's edge hit rates: on whole-number sales a calibrated
// τ-quantile has below ≤ τ ≤ at-or-below, and the README's table of edges
// rests on these counts.
import { describe, expect, it } from 'vitest';
import type { AutoResult } from '../../src/core/backtest/auto';
import type { BacktestSeries } from '../../src/core/backtest/series';
import { zeroForecast, type Forecast } from '../../src/core/models/types';
import { BandEval } from '../../src/training/eval-bands';

function band(p10: number[], p50: number[], p90: number[]): Forecast {
  const f = zeroForecast(p10.length);
  f.p10.set(p10);
  f.p50.set(p50);
  f.p90.set(p90);
  f.point.set(p50);
  return f;
}

function series(id: string, y: number[]): BacktestSeries {
  return { id, category: '', y: Float64Array.from(y), weeks: y.map((_, i) => `w${i}`) };
}

/** One origin group of auto's result: the skus' forecasts, their one total and the accuracy it showed. */
function result(
  forecasts: Forecast[],
  total: Forecast,
  shown = { wape: NaN, coverage: NaN, windows: 0 },
): AutoResult {
  return {
    evidence: { accuracy: shown },
    forecasts: forecasts.map((forecast, i) => ({ id: `s${i}`, model: 'x', forecast })),
    totals: {
      categories: [''],
      skus: [forecasts.length],
      forecasts: [total],
      overWeeks: [[]],
      residualsPerStep: [],
    },
  } as unknown as AutoResult;
}

describe('band edges on whole-number sales', () => {
  it('counts the weeks strictly below and at or below p10 and p90', () => {
    const h = 4;
    // History of 8 weeks, then the 4 scored weeks 0, 0, 1, 3.
    const a = series('a', [0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 1, 3]);
    const f = band([0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]);
    const ev = new BandEval(h);
    ev.add([a], [8], result([f], f));
    const q = ev.report().quantile_hits;
    expect(q).toEqual({
      below_p10: 0,
      at_or_below_p10: 0.5,
      below_p90: 0.5,
      at_or_below_p90: 0.75,
    });
    // Three of four weeks inside, although each edge is right about its level.
    expect(ev.report().coverage).toBe(0.75);
  });

  it('splits the scaled pinball by level, the levels averaging to the whole', () => {
    // Scale: the 8 history weeks' mean absolute change, 8/7. Scored weeks 0, 0, 1, 3.
    const a = series('a', [0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 1, 3]);
    const ev = new BandEval(4);
    const f = band([0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]);
    ev.add([a], [8], result([f], f));
    const r = ev.report();
    const scale = 8 / 7;
    // p10 = p50 = 0: τ·y over the weeks; p90 = 1: 0.1 short on two weeks, 0.9·2 over on one.
    const mean = (sum: number) => Math.round((sum / 4 / scale) * 10000) / 10000;
    expect(r.scaled_pinball_by_level).toEqual({
      p10: mean(0.1 * 4),
      p50: mean(0.5 * 4),
      p90: mean(0.1 * 2 + 0.9 * 2),
    });
    const { p10, p50, p90 } = r.scaled_pinball_by_level;
    expect(r.scaled_pinball).toBeCloseTo((p10 + p50 + p90) / 3, 3);
  });

  it('a band that misses low shows it below p10, and the 52-week baseline is counted too', () => {
    const h = 2;
    const b = series('b', [5, 6, 5, 6, 2, 1]);
    const f = band([4, 4], [5, 5], [7, 7]);
    const ev = new BandEval(h);
    ev.add([b], [4], result([f], f));
    const r = ev.report();
    expect(r.quantile_hits.below_p10).toBe(1);
    expect(r.quantile_hits.at_or_below_p90).toBe(1);
    // The last 52 weeks' 10th percentile of 5, 6, 5, 6 is 5: both weeks below it.
    expect(r.quantile_hits_empirical52.below_p10).toBe(1);
  });

  it('averages the in-sample accuracy each run showed, beside the scored weeks', () => {
    const b = series('b', [5, 6, 5, 6, 2, 1]);
    const f = band([4, 4], [5, 5], [7, 7]);
    const ev = new BandEval(2);
    ev.add([b], [4], result([f], f, { wape: 0.2, coverage: 0.9, windows: 12 }));
    ev.add([b], [4], result([f], f, { wape: 0.4, coverage: 0.7, windows: 12 }));
    // A run with no backtest shows nothing and counts for nothing.
    ev.add([b], [4], result([f], f));
    const r = ev.report();
    expect(r.shown_in_sample).toEqual({ wape: 0.3, coverage: 0.8 });
    // Both scored weeks fell below the band the runs said held 80%.
    expect(r.coverage).toBe(0);
  });
});
