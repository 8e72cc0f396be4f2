// category_profile: a sku's level times its category's season. What a planner
// relies on: a young sku gets its category's season, the season comes from
// the category's own total (not another category's), and a backtest never
// reads a week after its origin.
import { describe, expect, it } from 'vitest';
import { crossValidation } from '../../src/core/backtest/cross-validation';
import { seriesFromArrays, type BacktestSeries } from '../../src/core/backtest/series';
import { categoryProfile, PROFILE_LEVEL_WEEKS } from '../../src/core/models/category-profile';
import { DEFAULT_SETTINGS, type SeriesInput } from '../../src/core/models/types';
import { seasonalNaive } from '../../src/core/models/simple';
import { Rng } from '../../src/core/random';

const WEEKS = 156;

/** Weekly sales with a yearly peak at week `peak` of the year (week 0 = the first of WEEKS). */
function seasonal(rng: Rng, level: number, peak: number, weeks = WEEKS, amplitude = 0.5) {
  return Array.from({ length: weeks }, (_, t) => {
    const phase = ((t + WEEKS - weeks - peak) * 2 * Math.PI) / 52;
    return rng.poisson(level * (1 + amplitude * Math.cos(phase)));
  });
}

/** Skus of two categories whose seasons peak half a year apart, all ending on the same week. */
function twoCategories(rng: Rng, perCategory: number): BacktestSeries[] {
  const out: BacktestSeries[] = [];
  for (const [category, peak] of [
    ['summer', 26],
    ['winter', 0],
  ] as const) {
    const items = Array.from({ length: perCategory }, (_, i) => ({
      id: `${category}-${i}`,
      y: seasonal(rng, 5 + i, peak),
    }));
    for (const s of seriesFromArrays(items)) out.push({ ...s, category });
  }
  return out;
}

const inputOf = (s: BacktestSeries, length = s.y.length): SeriesInput => ({
  y: s.y.subarray(0, length),
  category: s.category,
});

describe('category_profile', () => {
  it("gives a sku with 10 weeks of history its category's season", async () => {
    const rng = new Rng(1);
    const all = twoCategories(rng, 20);
    // A new summer sku: 10 weeks, ending with the others (weeks 146–155, near the winter trough).
    const young = {
      ...seriesFromArrays([{ id: 'new', y: seasonal(rng, 8, 26, 10) }])[0]!,
      category: 'summer',
    };
    const fit = await categoryProfile.fitBatch!(
      [...all, young].map((s) => inputOf(s)),
      26,
      DEFAULT_SETTINGS,
    );
    const [f] = await categoryProfile.predictBatch([inputOf(young)], 26, DEFAULT_SETTINGS, fit);
    const p = f!.point;
    // The coming week is the trough, the summer peak 26 weeks ahead: the forecast climbs to it.
    expect(p[25]! / p[0]!).toBeGreaterThan(2);
    expect(p[13]!).toBeGreaterThan(p[0]!);
    expect(p[25]!).toBeGreaterThan(p[13]!);
  });

  it("reads each category's own season, not the other's", async () => {
    const rng = new Rng(2);
    const all = twoCategories(rng, 15);
    const out = await categoryProfile.predictBatch(
      all.map((s) => inputOf(s)),
      52,
      DEFAULT_SETTINGS,
    );
    // The next year starts at phase 0: winter's peak is now and summer's trough, 26 weeks on the reverse.
    all.forEach((s, i) => {
      const p = out[i]!.point;
      const [high, low] = s.category === 'winter' ? [p[0]!, p[26]!] : [p[26]!, p[0]!];
      expect(high / low).toBeGreaterThan(2);
    });
  });

  it('beats seasonal naive on noisy skus that share one season', async () => {
    const rng = new Rng(3);
    const all = twoCategories(rng, 30);
    const cut = WEEKS - 13;
    const fit = await categoryProfile.fitBatch!(
      all.map((s) => inputOf(s, cut)),
      13,
      DEFAULT_SETTINGS,
    );
    const ours = await categoryProfile.predictBatch(
      all.map((s) => inputOf(s, cut)),
      13,
      DEFAULT_SETTINGS,
      fit,
    );
    let errOurs = 0;
    let errNaive = 0;
    all.forEach((s, i) => {
      const y = s.y.subarray(0, cut);
      const naive = seasonalNaive.predict(
        seasonalNaive.fit(y, DEFAULT_SETTINGS),
        y,
        13,
        DEFAULT_SETTINGS,
      );
      for (let k = 0; k < 13; k++) {
        const actual = s.y[cut + k]!;
        errOurs += Math.abs(actual - ours[i]!.point[k]!);
        errNaive += Math.abs(actual - naive.point[k]!);
      }
    });
    expect(errOurs).toBeLessThan(0.8 * errNaive);
  });

  it('stays near the mean of the last weeks where the total has no season', async () => {
    const rng = new Rng(4);
    const flat = seriesFromArrays(
      Array.from({ length: 10 }, (_, i) => ({
        id: `f${i}`,
        y: Array.from({ length: WEEKS }, () => rng.poisson(20)),
      })),
    );
    const out = await categoryProfile.predictBatch(
      flat.map((s) => inputOf(s)),
      4,
      DEFAULT_SETTINGS,
    );
    flat.forEach((s, i) => {
      let mean = 0;
      for (let t = WEEKS - PROFILE_LEVEL_WEEKS; t < WEEKS; t++) mean += s.y[t]!;
      mean /= PROFILE_LEVEL_WEEKS;
      // Noise shrunk away: no week moves more than 5% off the level.
      for (const v of out[i]!.point) expect(Math.abs(v / mean - 1)).toBeLessThan(0.05);
    });
  });

  it("lends a category of two slow movers the file's season", async () => {
    const rng = new Rng(7);
    const big = Array.from({ length: 20 }, (_, i) => ({
      id: `b${i}`,
      category: 'big',
      y: seasonal(rng, 20, 26),
    }));
    // About one sale in three weeks: its own total says little about its season.
    const slow = Array.from({ length: 2 }, (_, i) => ({
      id: `s${i}`,
      category: 'slow',
      y: seasonal(rng, 0.3, 26),
    }));
    const series = [...big, ...slow].map((it) => ({
      ...seriesFromArrays([it])[0]!,
      category: it.category,
    }));
    const out = await categoryProfile.predictBatch(
      series.map((s) => inputOf(s)),
      27,
      DEFAULT_SETTINGS,
    );
    for (const f of out.slice(-2)) expect(f.point[26]! / f.point[0]!).toBeGreaterThan(2);
  });

  it('gives finite, non-negative forecasts for silent, young and one-sku categories', async () => {
    const rng = new Rng(6);
    const items = [
      // A category that never sold, one of a single sku, and skus of every age in a third.
      ...Array.from({ length: 3 }, (_, i) => ({
        id: `z${i}`,
        category: 'silent',
        y: new Array(150).fill(0),
      })),
      { id: 'solo', category: 'solo', y: seasonal(rng, 2, 10) },
      ...[8, 20, 60, 104, 105, 156].map((n, i) => ({
        id: `a${i}`,
        category: 'ages',
        y: seasonal(rng, 3, 40, n),
      })),
    ];
    const series = items.map((it) => ({ ...seriesFromArrays([it])[0]!, category: it.category }));
    const out = await categoryProfile.predictBatch(
      series.map((s) => inputOf(s)),
      52,
      DEFAULT_SETTINGS,
    );
    out.forEach((f, i) => {
      for (const v of f.point) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
      if (items[i]!.category === 'silent') expect(Math.max(...f.point)).toBe(0);
    });
  });

  it('never reads a week after the origin in a backtest', async () => {
    const rng = new Rng(5);
    const all = twoCategories(rng, 8);
    const opts = { h: 4, nWindows: 6, refit: false, future: false, pointsOnly: true };
    const before = await crossValidation(all, [categoryProfile], opts);
    // Change every sku's last 4 weeks (the last window's targets, after every origin's history).
    const changed = all.map((s) => {
      const y = Float64Array.from(s.y);
      for (let t = y.length - 4; t < y.length; t++) y[t] = y[t]! * 3 + 7;
      return { ...s, y };
    });
    const after = await crossValidation(changed, [categoryProfile], opts);
    before.series.forEach((sb, i) => {
      expect(Array.from(after.series[i]!.points.category_profile!)).toEqual(
        Array.from(sb.points.category_profile!),
      );
    });
  });
});
