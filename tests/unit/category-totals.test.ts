import { describe, expect, it } from 'vitest';
import {
  categoryTotals,
  skuCumulants,
  stratifiedNormal,
  sumInterval,
  sumIntervalCornishFisher,
  type ForecastWeek,
} from '../../src/core/category-totals';
import { mulberry32 } from '../../src/core/random';
import { normalCdf, normalQuantile } from '../../src/core/stats/normal';

function weeks(values: [number, number, number][], start = '2024-01-01'): ForecastWeek[] {
  return values.map(([p10, p50, p90], h) => ({
    week_start: start.slice(0, 8) + String(1 + 7 * h).padStart(2, '0'),
    horizon_week: h + 1,
    p10,
    p50,
    p90,
  }));
}

describe('normal quantiles', () => {
  it('matches known values of the standard normal', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 8);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.2815515655446004, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(() => normalQuantile(0)).toThrow();
  });

  it('stratified draws are symmetric with unit variance', () => {
    const z = stratifiedNormal(2000);
    let sum = 0;
    let sq = 0;
    for (const v of z) {
      sum += v;
      sq += v * v;
    }
    expect(Math.abs(sum / z.length)).toBeLessThan(1e-9);
    expect(sq / z.length).toBeGreaterThan(0.98);
    expect(sq / z.length).toBeLessThan(1.0);
  });
});

describe('cumulants and Cornish-Fisher for large categories', () => {
  it('normalCdf inverts normalQuantile', () => {
    for (const p of [0.001, 0.1, 0.3, 0.5, 0.8, 0.9, 0.999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    }
  });

  it('skuCumulants match the moments of many stratified draws, censoring included', () => {
    const z = stratifiedNormal(200_000);
    const z90 = 1.2815515655446004;
    for (const q of [
      { p10: 2, p50: 10, p90: 40 },
      { p10: 0, p50: 3, p90: 50 }, // censored at zero on the left
      { p10: 5, p50: 10, p90: 12 },
    ]) {
      const a = (q.p50 - q.p10) / z90;
      const b = (q.p90 - q.p50) / z90;
      const xs = Array.from(z, (v) => Math.max(0, q.p50 + v * (v < 0 ? a : b)));
      const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
      const c = (k: number) => xs.reduce((s, v) => s + (v - mean) ** k, 0) / xs.length;
      const [k1, k2, k3, k4] = skuCumulants(q);
      expect(k1).toBeCloseTo(mean, 2);
      expect(k2 / c(2)).toBeCloseTo(1, 2);
      expect(k3 / c(3)).toBeCloseTo(1, 1);
      expect((k4 + 3 * k2 * k2) / c(4)).toBeCloseTo(1, 1);
    }
  });

  it('agrees with the simulation on a skewed category', () => {
    const skus = Array.from({ length: 40 }, (_, i) => ({
      p10: i % 3 === 0 ? 0 : 5 + (i % 5),
      p50: 10 + (i % 7) * 3,
      p90: 10 + (i % 7) * 3 + 6 + (i % 11) + (i === 0 ? 30 : 0),
    }));
    const mc = sumInterval(skus, stratifiedNormal(20_000), mulberry32(11));
    const cf = sumIntervalCornishFisher(skus);
    expect(cf.p50).toBe(mc.p50);
    // A real interval on both sides (not clamped to the point forecast).
    expect(mc.p10).toBeLessThan(mc.p50 - 10);
    const width = mc.p90 - mc.p10;
    expect(Math.abs(cf.p10 - mc.p10)).toBeLessThan(0.03 * width);
    expect(Math.abs(cf.p90 - mc.p90)).toBeLessThan(0.03 * width);
  });

  it('categoryTotals switches method by category size, both honest', () => {
    const many = Array.from({ length: 45 }, (_, i) => ({
      category: 'Big',
      weeks: weeks([[i % 4, 10 + (i % 6), 25 + (i % 9) * 4]]),
    }));
    const viaCf = categoryTotals(many).categories[0]!.weeks[0]!;
    const viaMc = categoryTotals(many, { monteCarloMaxSkus: 100 }).categories[0]!.weeks[0]!;
    expect(viaCf.p50).toBeCloseTo(viaMc.p50, 9);
    const width = viaMc.p90 - viaMc.p10;
    expect(Math.abs(viaCf.p10 - viaMc.p10)).toBeLessThan(0.05 * width);
    expect(Math.abs(viaCf.p90 - viaMc.p90)).toBeLessThan(0.05 * width);
    const summed = (k: 'p10' | 'p90') => many.reduce((s, m) => s + m.weeks[0]![k], 0);
    expect(viaCf.p10).toBeGreaterThan(summed('p10'));
    expect(viaCf.p90).toBeLessThan(summed('p90'));
  });
});

describe('sumInterval', () => {
  it('returns a single sku unchanged', () => {
    const r = sumInterval([{ p10: 3, p50: 7, p90: 20 }], stratifiedNormal(500), mulberry32(1));
    expect(r).toEqual({ p10: 3, p50: 7, p90: 20 });
  });

  it('agrees with the normal sum of independent symmetric skus', () => {
    // 50 skus, each ~ N(100, 10^2): the sum is N(5000, (10*sqrt(50))^2).
    const z90 = 1.2815515655446004;
    const skus = Array.from({ length: 50 }, () => ({
      p10: 100 - 10 * z90,
      p50: 100,
      p90: 100 + 10 * z90,
    }));
    const r = sumInterval(skus, stratifiedNormal(4000), mulberry32(7));
    const sd = 10 * Math.sqrt(50);
    expect(r.p50).toBeCloseTo(5000, 9);
    expect(r.p10).toBeCloseTo(5000 - z90 * sd, -1);
    expect(r.p90).toBeCloseTo(5000 + z90 * sd, -1);
    expect(Math.abs(r.p90 - (5000 + z90 * sd))).toBeLessThan(0.05 * z90 * sd);
  });

  it('adds skus without spread as constants', () => {
    const r = sumInterval(
      [
        { p10: 5, p50: 5, p90: 5 },
        { p10: 0, p50: 0, p90: 0 },
        { p10: 8, p50: 10, p90: 14 },
        { p10: 8, p50: 10, p90: 14 },
      ],
      stratifiedNormal(2000),
      mulberry32(3),
    );
    expect(r.p50).toBe(25);
    expect(r.p10).toBeGreaterThan(5 + 16);
    expect(r.p90).toBeLessThan(5 + 28);
  });
});

describe('categoryTotals', () => {
  const skus = [
    {
      category: 'Clothing',
      weeks: weeks([
        [0, 40, 120],
        [0, 35, 100],
      ]),
    },
    {
      category: 'Beauty',
      weeks: weeks([
        [10, 60, 150],
        [5, 50, 130],
      ]),
    },
    {
      category: 'Beauty',
      weeks: weeks([
        [0, 25, 90],
        [0, 30, 95],
      ]),
    },
    {
      category: 'Beauty',
      weeks: weeks([
        [20, 80, 200],
        [15, 70, 180],
      ]),
    },
    {
      category: 'Beauty',
      weeks: weeks([
        [0, 5, 40],
        [0, 5, 40],
      ]),
    },
  ];

  it('sums p50 and gives an honest interval, narrower than summed quantiles', () => {
    const totals = categoryTotals(skus);
    expect(totals.categories.map((c) => c.category)).toEqual(['Beauty', 'Clothing']);
    expect(totals.method).toMatch(/independent/);
    const beauty = totals.categories[0]!;
    expect(beauty.skus).toBe(4);
    const members = skus.filter((s) => s.category === 'Beauty');
    beauty.weeks.forEach((w, h) => {
      const sum = (k: 'p10' | 'p50' | 'p90') => members.reduce((acc, m) => acc + m.weeks[h]![k], 0);
      expect(w.week_start).toBe(members[0]!.weeks[h]!.week_start);
      expect(w.p50).toBeCloseTo(sum('p50'), 9);
      expect(w.p10).toBeLessThanOrEqual(w.p50);
      expect(w.p90).toBeGreaterThanOrEqual(w.p50);
      expect(w.p10).toBeGreaterThan(sum('p10'));
      expect(w.p90).toBeLessThan(sum('p90'));
      expect(w.p10).toBeGreaterThanOrEqual(0);
    });
    // One sku in the category: its own quantiles.
    expect(totals.categories[1]!.weeks[0]).toMatchObject({ p10: 0, p50: 40, p90: 120 });
  });

  it('is deterministic', () => {
    expect(categoryTotals(skus)).toEqual(categoryTotals(skus));
    expect(categoryTotals(skus, { seed: 2 }).categories[0]!.weeks[0]!.p90).not.toBe(
      categoryTotals(skus, { seed: 1 }).categories[0]!.weeks[0]!.p90,
    );
  });

  it('refuses skus with different horizon weeks', () => {
    const other = {
      category: 'Beauty',
      weeks: weeks(
        [
          [0, 1, 2],
          [0, 1, 2],
        ],
        '2024-02-05',
      ),
    };
    expect(() => categoryTotals([...skus, other])).toThrow(/same horizon weeks/);
  });
});
