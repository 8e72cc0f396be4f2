// Issue 22's cross-fitted calibration and per-edge levels (switches, measured
// on validation windows and not shipped: models/MODEL_CARD.md): the band of
// 'late' rests only on windows that did not choose; an edge's level follows
// the later windows' errors; the optimism widens and never moves p50.
import { describe, expect, it } from 'vitest';
import { auto } from '../../src/core/backtest/auto';
import {
  calibrateOnWindows,
  choiceOptimism,
  DEFAULT_CONFORMAL,
  edgeLevels,
  NOMINAL_LEVELS,
  type ResidualItem,
} from '../../src/core/backtest/conformal';
import {
  earlierCutoffs,
  joinBacktests,
  type SeriesBacktest,
} from '../../src/core/backtest/cross-validation';
import { seriesFromArrays } from '../../src/core/backtest/series';
import { historicAverage, naive, windowAverage } from '../../src/core/models/simple';
import { Rng } from '../../src/core/random';

/** A history whose week-to-week change is 1, so errors are their own scaled residuals. */
const FLAT = Float64Array.from({ length: 60 }, (_, t) => t % 2);

/** One-week errors of n series at one cutoff: shift + sd × normal. */
function errors(n: number, shift: number, sd: number, seed: number): ResidualItem[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    y: FLAT,
    cutoffs: [50],
    actual: Float64Array.of(shift + sd * rng.normal()),
    point: Float64Array.of(0),
  }));
}

describe('edge levels', () => {
  it('stay nominal when the later errors are like the earlier ones', () => {
    const l = edgeLevels(errors(4000, 0, 1, 1), errors(4000, 0, 1, 2), 1, DEFAULT_CONFORMAL);
    expect(l.lo).toBeCloseTo(NOMINAL_LEVELS.lo, 1);
    expect(l.hi).toBeCloseTo(NOMINAL_LEVELS.hi, 1);
  });

  it('move the lower edge out alone when later errors fall lower', () => {
    // Shifted down by one sd: Φ(−1.28 − 1) ≈ 0.011 (clamped at 0.02), Φ(1.28 − 1) ≈ 0.61.
    const l = edgeLevels(errors(4000, 0, 1, 3), errors(4000, -1, 1, 4), 1, DEFAULT_CONFORMAL);
    expect(l.lo).toBeLessThan(0.03);
    expect(l.hi).toBeGreaterThan(0.55);
    expect(l.hi).toBeLessThan(0.67);
  });

  it('move both edges out when later errors spread wider', () => {
    const l = edgeLevels(errors(4000, 0, 1, 5), errors(4000, 0, 2, 6), 1, DEFAULT_CONFORMAL);
    expect(l.lo).toBeLessThan(0.05);
    expect(l.hi).toBeGreaterThan(0.95);
  });

  it('are nominal with nothing to compare', () => {
    expect(edgeLevels(errors(10, 0, 1, 7), [], 1, DEFAULT_CONFORMAL)).toEqual(NOMINAL_LEVELS);
  });
});

describe('choice optimism', () => {
  it('is the ratio of the honest errors to the shipped ones, at least 1', () => {
    const shipped = errors(500, 0, 1, 8);
    const twice = shipped.map((it) => ({ ...it, actual: it.actual.map((v) => 2 * v) }));
    expect(choiceOptimism(shipped, shipped, 1, DEFAULT_CONFORMAL)).toBe(1);
    expect(choiceOptimism(shipped, twice, 1, DEFAULT_CONFORMAL)).toBeCloseTo(2, 10);
    expect(choiceOptimism(twice, shipped, 1, DEFAULT_CONFORMAL)).toBe(1);
  });
});

/** A backtest of n series, 8 one-week windows each (the last 4 the later half), actual 0. */
function backtest(n: number): SeriesBacktest[] {
  const cutoffs = [44, 45, 46, 47, 48, 49, 50, 51];
  return seriesFromArrays(
    Array.from({ length: n }, (_, i) => ({ id: `s${i}`, y: Array.from(FLAT) })),
  ).map((series) => ({
    series,
    cutoffs,
    actual: new Float64Array(cutoffs.length),
    forecasts: {},
    points: {},
    used: {},
  }));
}

describe('cross-fitted calibration (crossfit late)', () => {
  const n = 300;
  const h = 1;
  const bt = backtest(n);
  const windows = bt.map(() => 8);
  const rng = new Rng(9);
  // The shipped points are off by ±0.5 on every window; the honest ones (chosen
  // on windows 0–3) by ±3 on windows 4–7, and by anything on 0–3.
  const shipped = bt.map(() => ({
    point: Float64Array.from({ length: 8 }, () => 0.5 * rng.normal()),
  }));
  const honest = (early: number, later = 3) =>
    bt.map(() => ({
      point: Float64Array.from({ length: 8 }, (_, w) => (w < 4 ? early : later) * rng.normal()),
    }));
  const late = { ...DEFAULT_CONFORMAL, crossfit: 'late' as const };

  it('reads the band from the later windows of the forecast chosen on the earlier ones only', () => {
    const a = calibrateOnWindows(bt, shipped, windows, h, late, honest(0.1));
    const b = calibrateOnWindows(bt, shipped, windows, h, late, honest(50));
    const off = calibrateOnWindows(bt, shipped, windows, h, DEFAULT_CONFORMAL);
    const width = (c: typeof a): number => (c.steps[0]!.q90 - c.steps[0]!.q10) as number;
    // What the earlier windows' honest points did does not reach the band.
    expect(width(b)).toBeCloseTo(width(a), 0);
    expect(Math.abs(width(a) - width(b))).toBeLessThan(0.5);
    // The later windows' honest errors (sd 3) set it, not the shipped ones (sd 0.5).
    expect(width(a)).toBeGreaterThan(4 * width(off));
    // p50's shift is the one of every window of the shipped points.
    expect(a.steps[0]!.q50).toBe(off.steps[0]!.q50);
    expect(a.counts[0]).toBe((n * 8) / 2);
  });

  it('is the in-sample band when the choice did not change', () => {
    const opt = { ...DEFAULT_CONFORMAL, crossfit: 'optimism' as const };
    const same = calibrateOnWindows(bt, shipped, windows, h, opt, shipped);
    const off = calibrateOnWindows(bt, shipped, windows, h, DEFAULT_CONFORMAL);
    expect(same.steps).toEqual(off.steps);
    expect(same.widen).toBe(1);
    // Later errors twice the shipped ones' (sd 1 against 0.5): the band twice as wide.
    const worse = calibrateOnWindows(bt, shipped, windows, h, opt, honest(0.5, 1));
    expect(worse.widen).toBeGreaterThan(1.7);
    expect(worse.widen).toBeLessThan(2.3);
    expect(worse.steps).toEqual(off.steps);
  });
});

describe('auto with the switches', () => {
  function mixed(count: number, seed: number) {
    const rng = new Rng(seed);
    return seriesFromArrays(
      Array.from({ length: count }, (_, i) => ({
        id: `s${i}`,
        // A level that steps now and then: naive, the window and the whole mean each win somewhere.
        y: Array.from(
          { length: 90 },
          (_, t) => 50 + 20 * Math.floor(t / (20 + (i % 7))) * rng.normal() + 5 * rng.normal(),
        ),
      })),
    );
  }
  const models = [naive, historicAverage, windowAverage];

  it('keeps p50 and never narrows the band with crossfit optimism, in a streaming pass too', async () => {
    const series = mixed(60, 10);
    const opts = { h: 4, strategy: 'ensemble_mean' as const, topK: 2, nWindows: 10 };
    const off = await auto(series, models, opts);
    const opt = await auto(series, models, {
      ...opts,
      conformal: { ...DEFAULT_CONFORMAL, crossfit: 'optimism' },
    });
    expect(opt.evidence.conformal.widen).toBeGreaterThanOrEqual(1);
    opt.forecasts.forEach((f, i) => {
      const o = off.forecasts[i]!.forecast;
      expect(f.forecast.p50).toEqual(o.p50);
      for (let k = 0; k < 4; k++) {
        expect(f.forecast.p10[k]!).toBeLessThanOrEqual(o.p10[k]! + 1e-9);
        expect(f.forecast.p90[k]!).toBeGreaterThanOrEqual(o.p90[k]! - 1e-9);
      }
    });
  });

  it('calibrates on more origins with calibrationWindows and keeps p50', async () => {
    const series = mixed(40, 11);
    const opts = {
      h: 4,
      strategy: 'ensemble_mean' as const,
      topK: 2,
      nWindows: 8,
      calibrationEarlier: null,
    };
    const off = await auto(series, models, opts);
    const more = await auto(series, models, { ...opts, calibrationWindows: 24 });
    expect(more.evidence.conformal.residualsPerStep[0]).toBe(
      3 * off.evidence.conformal.residualsPerStep[0]!,
    );
    expect(more.evidence.chosen).toEqual(off.evidence.chosen);
    more.forecasts.forEach((f, i) =>
      expect(f.forecast.p50).toEqual(off.forecasts[i]!.forecast.p50),
    );
  });
});

describe('calibration on earlier origins (issue 22)', () => {
  const models3 = [naive, historicAverage, windowAverage];
  it('places origins every step weeks back over a year, each with enough history', () => {
    const e = { weeks: 52, step: 4, minHistory: 52 };
    // Regular origins 100..111: earlier ones at 96, 92, …, 52 (≥ max(52, 100 − 52)).
    const regular = Array.from({ length: 12 }, (_, i) => 100 + i);
    expect(earlierCutoffs(regular, e)).toEqual([52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96]);
    // A history too short for a year before the origin: none.
    expect(earlierCutoffs([40, 41, 42], e)).toEqual([]);
    expect(earlierCutoffs([], e)).toEqual([]);
  });

  it("joins the earlier windows before the choice's only where every alias has them", () => {
    const [series] = seriesFromArrays([{ id: 'a', y: Array.from({ length: 30 }, (_, t) => t) }]);
    const sb = (cutoffs: number[], aliases: string[]): SeriesBacktest => ({
      series: series!,
      cutoffs,
      actual: Float64Array.from(cutoffs, (c) => c),
      forecasts: {},
      points: Object.fromEntries(aliases.map((a) => [a, Float64Array.from(cutoffs, (c) => c + 1)])),
      used: {},
    });
    const bt = [sb([20, 21], ['naive', 'historic_average'])];
    const joined = joinBacktests([sb([12, 16], ['naive', 'historic_average'])], bt, ['naive']);
    expect(joined[0]!.cutoffs).toEqual([12, 16, 20, 21]);
    expect(Array.from(joined[0]!.points.naive!)).toEqual([13, 17, 21, 22]);
    expect(Array.from(joined[0]!.actual)).toEqual([12, 16, 20, 21]);
    expect(joined[0]!.points.historic_average).toBeUndefined();
    // An alias the earlier backtest lacks: the series keeps the choice's windows alone.
    const apart = joinBacktests([sb([12, 16], ['naive'])], bt, ['naive', 'historic_average']);
    expect(apart[0]!.cutoffs).toEqual([20, 21]);
    expect(Array.from(apart[0]!.points.historic_average!)).toEqual([21, 22]);
  });

  it("widens the band with last year's swings, keeps the choice and p50", async () => {
    // 30 series of 120 weeks: calm for the last 40 weeks, swinging before.
    const rng = new Rng(5);
    const series = seriesFromArrays(
      Array.from({ length: 30 }, (_, i) => ({
        id: `s${i}`,
        y: Array.from({ length: 120 }, (_, t) => 100 + (t < 80 ? 30 : 3) * rng.normal()),
      })),
    );
    const opts = { h: 4, strategy: 'ensemble_mean' as const, topK: 2, nWindows: 12 };
    const recent = await auto(series, models3, { ...opts, calibrationEarlier: null });
    const both = await auto(series, models3, opts);
    expect(both.evidence.chosen).toEqual(recent.evidence.chosen);
    expect(both.evidence.conformal.residualsPerStep[0]).toBeGreaterThan(
      recent.evidence.conformal.residualsPerStep[0]!,
    );
    both.forecasts.forEach((f, i) => {
      const r = recent.forecasts[i]!.forecast;
      expect(f.forecast.p50).toEqual(r.p50);
      expect(f.forecast.p90[0]! - f.forecast.p10[0]!).toBeGreaterThan(
        1.5 * (r.p90[0]! - r.p10[0]!),
      );
    });
  });
});
