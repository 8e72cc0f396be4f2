// The evaluation's honesty rules (issue 28): series that ended are not scored,
// judged without the scored weeks; the breakdown by history length and demand
// class counts every series once and scores each cell as the whole is scored;
// every claim carries its bootstrap interval.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesFromArrays } from '../../src/core/backtest/series';
import { mulberry32 } from '../../src/core/random';
import { hasEnded } from '../../src/core/stats/demand-class';
import { LOCAL_MODELS } from '../../src/core/models/registry';
import { loadCorpus } from '../../src/training/corpus';
import { claims, pairedClaim } from '../../src/training/eval-claims';
import {
  dropEnded,
  evaluateDataset,
  libraryEval,
  loadDatasets,
  type Dataset,
} from '../../src/training/eval-library';
import { corpusOptions, SEQUENCE_RECIPE } from '../../src/training/sequence-recipe';

const sold = (weeks: number, seed: number): number[] => {
  const r = mulberry32(seed);
  return Array.from({ length: weeks }, () => 5 + Math.round(10 * r()));
};
const zeros = (weeks: number): number[] => new Array<number>(weeks).fill(0);

describe('a series that ended', () => {
  it('sold before and not once in the last 52 weeks', () => {
    expect(hasEnded([...sold(60, 1), ...zeros(52)], 112)).toBe(true);
    expect(hasEnded([...sold(60, 1), ...zeros(51)], 111)).toBe(false);
    // Never sold: slow, not ended; sold again in the last 52 weeks: alive.
    expect(hasEnded(zeros(120), 120)).toBe(false);
    expect(hasEnded([...sold(60, 1), ...zeros(51), 3], 112)).toBe(false);
    // Judged on the first n weeks only.
    expect(hasEnded([...sold(60, 1), ...zeros(52), ...sold(10, 2)], 112)).toBe(true);
  });

  it('is left out of the scoring by its history before the first scored origin alone', () => {
    const ds: Omit<Dataset, 'ended'> = {
      name: 'store_item',
      series: seriesFromArrays([
        { id: 'alive', y: sold(130, 3) },
        { id: 'ended', y: [...sold(60, 4), ...zeros(70)] },
        // Stops inside the scored weeks: no scored week may drop it.
        { id: 'stops later', y: [...sold(125, 5), ...zeros(5)] },
      ]),
      h: 4,
      origins: (s) => [s.y.length - 8, s.y.length - 4],
      season: 'sales',
      source: 'test',
    };
    const kept = dropEnded(ds);
    expect(kept.series.map((s) => s.id)).toEqual(['alive', 'stops later']);
    expect(kept.ended).toEqual(['ended']);
  });

  it('counts 52 weeks, not 52 periods, in a daily dataset', () => {
    const daily = (y: number[]): Omit<Dataset, 'ended'> => ({
      name: 'seed_days',
      series: seriesFromArrays([{ id: 'slow', y }]),
      h: 4,
      origins: (s) => [s.y.length - 4],
      season: 'sales',
      source: 'test',
      periodsPerWeek: 7,
    });
    // A slow mover silent for 100 days has not ended; one silent for a year and more has.
    expect(dropEnded(daily([...sold(300, 1), ...zeros(100)])).ended).toEqual([]);
    expect(dropEnded(daily([...sold(300, 1), ...zeros(370)])).ended).toEqual(['slow']);
  });

  it("leaves store × item's discontinued series (3 · 9) out of both splits", async () => {
    if (!existsSync(path.resolve(__dirname, '../../../shared/data/store_item_daily.csv'))) {
      console.log('skipped: ../shared not found');
      return;
    }
    for (const split of ['holdout', 'validation'] as const) {
      const storeItem = (await loadDatasets(split)).find((d) => d.name === 'store_item')!;
      expect(storeItem.ended).toContain('3 · 9');
      expect(storeItem.series.map((s) => s.id)).not.toContain('3 · 9');
    }
    // The sample's slow movers by day are slow, not ended.
    const days = (await loadDatasets('holdout')).find((d) => d.name === 'seed_days');
    if (days) expect(days.ended).toEqual([]);
  });

  it('moves a further validation fold back whole weeks, never into the holdout', async () => {
    if (!existsSync(path.resolve(__dirname, '../../../shared/data/store_item_daily.csv'))) {
      console.log('skipped: ../shared not found');
      return;
    }
    const originsOf = async (earlier: number) => {
      const ds = (await loadDatasets('validation', process.cwd(), earlier)).find(
        (d) => d.name === 'store_item',
      )!;
      return ds.series.map((s) => ds.origins(s));
    };
    const [now, before] = [await originsOf(0), await originsOf(24)];
    expect(before).toEqual(now.map((o) => o.map((c) => c - 24)));
    await expect(loadDatasets('holdout', process.cwd(), 12)).rejects.toThrow(/validation only/);
    // The sample's one year holds no window 36 weeks further back: left out, said, not a crash.
    const said: string[] = [];
    const far = await libraryEval({
      split: 'validation',
      earlier: 36,
      datasets: ['seed'],
      models: ['naive'],
      log: (m) => said.push(m),
    });
    expect(far).toEqual([]);
    expect(said.join('\n')).toMatch(/seed: no series has a window there/);
  });
});

describe('the training corpus', () => {
  it('leaves out only the series that had ended, when the recipe asks (the shipped one does not)', async () => {
    if (!existsSync(path.resolve(__dirname, '../../../shared/data/store_item_daily.csv'))) {
      console.log('skipped: ../shared not found');
      return;
    }
    const opts = { ...corpusOptions(1, SEQUENCE_RECIPE), syntheticSeries: 0 };
    expect(opts.dropEnded).toBe(false);
    const all = (await loadCorpus(opts)).series.map((s) => s.id);
    const kept = new Set((await loadCorpus({ ...opts, dropEnded: true })).series.map((s) => s.id));
    expect(all.filter((id) => !kept.has(id))).toEqual(['store_item:3 · 9']);
  });
});

describe('accuracy by history length and demand class', () => {
  // Two long steady series, one short one, one that sells in a third of its weeks.
  const intermittent = sold(120, 9).map((v, t) => (t % 3 === 0 ? v : 0));
  const ds: Dataset = {
    name: 'store_item',
    series: seriesFromArrays([
      { id: 'long a', y: sold(120, 6) },
      { id: 'long b', y: sold(120, 7) },
      { id: 'short', y: sold(40, 8) },
      { id: 'slow', y: intermittent },
    ]),
    h: 4,
    origins: (s) => [s.y.length - 8, s.y.length - 4],
    season: 'sales',
    source: 'test',
    ended: [],
  };
  const models = LOCAL_MODELS.filter((m) => ['naive', 'historic_average'].includes(m.alias));

  it('counts each series once per split and scores each cell as the dataset is scored', async () => {
    const r = await evaluateDataset(ds, models);
    expect(r.breakdown.series.history).toEqual({ '<52': 1, '52-104': 0, '>104': 3 });
    expect(r.breakdown.series.demand_class).toEqual({
      smooth: 3,
      erratic: 0,
      intermittent: 1,
      lumpy: 0,
    });
    const naive = r.breakdown.models['naive']!;
    expect(naive.history['52-104']).toBeNull();
    expect(naive.demand_class.erratic).toBeNull();
    // The cell of the one short series is that series' own score.
    const short = r.perSeries['naive']!.get(2)!;
    expect(naive.history['<52']!.wape).toBeCloseTo(short.wape, 12);
    expect(naive.history['<52']!.coverage_p10_p90).toBeCloseTo(short.coverage_p10_p90, 12);
    // The not-shipped strategies are not broken down; auto is.
    expect(Object.keys(r.breakdown.models).sort()).toEqual(['auto', 'historic_average', 'naive']);
  });

  it('gives each claim the pooled difference of the scores and an interval around it', async () => {
    const r = await evaluateDataset(ds, models);
    const [c] = claims(r, 'wape');
    expect(c!.model).toBe('auto');
    const best = ['naive', 'historic_average'].sort(
      (a, b) => r.scores[a]!.wape - r.scores[b]!.wape,
    )[0];
    expect(c!.against).toBe(best);
    expect(c!.series).toBe(4);
    expect(c!.relative.estimate).toBeCloseTo(r.scores['auto']!.wape / r.scores[best!]!.wape - 1, 9);
    expect(c!.relative.lo).toBeLessThanOrEqual(c!.relative.hi);
  });

  it('compares two separate runs series by series (eval --against-dir: two trainings)', async () => {
    // Each run scores one model alone, as --against-dir runs each TCN alone.
    const one = (alias: string) =>
      evaluateDataset(
        ds,
        models.filter((m) => m.alias === alias),
      );
    const [a, b] = [await one('naive'), await one('historic_average')];
    for (const metric of ['wape', 'mase'] as const) {
      const c = pairedClaim(
        'naive',
        a.perSeries.naive!,
        'mean',
        b.perSeries.historic_average!,
        metric,
      );
      expect(c.series).toBe(4);
      expect(c.relative.estimate).toBeCloseTo(
        a.scores.naive![metric] / b.scores.historic_average![metric] - 1,
        9,
      );
      expect(c.relative.lo).toBeLessThanOrEqual(c.relative.estimate);
      expect(c.relative.hi).toBeGreaterThanOrEqual(c.relative.estimate);
    }
    // A run against itself: no difference, no width.
    const same = pairedClaim('naive', a.perSeries.naive!, 'naive', a.perSeries.naive!, 'wape');
    expect([same.relative.estimate, same.relative.lo, same.relative.hi]).toEqual([0, 0, 0]);
  });
});
