// The page's pure view logic (src/app/results.ts, format.ts, chart-config.ts,
// recent-cache.ts): table rows, search/sort/filter, the weekly series behind
// charts, the Chart.js configuration and the table's bounded sparkline cache,
// all without a DOM.

import { describe, expect, it } from 'vitest';
import { describeDates } from '../../src/app/mapping';
import { RecentCache } from '../../src/app/recent-cache';
import {
  DATASET,
  forecastChartConfig,
  legendItems,
  LIGHT_THEME,
  ticksFor,
  weekTicks,
} from '../../src/app/chart-config';
import {
  formatNumber,
  formatPercent,
  formatWeek,
  formatWeekRange,
  modelInWords,
} from '../../src/app/format';
import {
  accuracySentence,
  againstNaive,
  buildRows,
  DEFAULT_QUERY,
  grandTotal,
  historyShown,
  joinSeries,
  queryRows,
  runYardstick,
  skuSeries,
  skuSpark,
  SPARK_H,
  SPARK_W,
  categoryBandNote,
  sparkPoints,
  viewSeries,
} from '../../src/app/results';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import type { ForecastResult, SkuAccuracy, SkuForecast } from '../../src/core/forecast';
import type { SalesHistory } from '../../src/worker/protocol';

function sku(
  name: string,
  category: string,
  p50: number,
  extra: Partial<SkuForecast> = {},
): SkuForecast {
  return {
    sku: name,
    category,
    seed_id: -1,
    model: 'tcn',
    historyWeeks: 20,
    weeks: [
      { week_start: '2024-10-28', horizon_week: 1, p10: p50 * 0.5, p50, p90: p50 * 1.5 },
      { week_start: '2024-11-04', horizon_week: 2, p10: p50 * 0.5, p50, p90: p50 * 1.5 },
    ],
    ...extra,
  };
}

function result(skus: SkuForecast[]): ForecastResult {
  return {
    skus,
    categories: [],
    metadata: {
      modelName: 'tcn',
      modelVersion: '1',
      horizon: 2,
      window: 8,
      lastCompleteWeek: '2024-10-21',
      firstForecastWeek: '2024-10-28',
      skusModel: skus.length,
      skusFallback: 0,
      fallbackMethod: '',
      categoryMethod: '',
    },
  };
}

const history: SalesHistory = {
  weeks: ['2024-10-07', '2024-10-14', '2024-10-21'],
  partial: [false, false, false],
  amounts: Float32Array.from([1, 2, 3, 0, 0, 5, 7, 8, 9]),
};

describe('format', () => {
  it('writes numbers with thousands separators and weeks as w/c', () => {
    expect(formatNumber(1234567.4)).toBe('1,234,567');
    expect(formatNumber(-0.2)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatPercent(0.084)).toBe('8%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatWeek('2024-10-28')).toBe('w/c 28 Oct 2024');
    expect(formatWeekRange('2022-12-19')).toBe('19–25 Dec 2022');
    expect(formatWeekRange('2022-12-26')).toBe('26 Dec 2022 – 1 Jan 2023');
  });
});

describe('sku rows', () => {
  const r = result([
    sku('B-10', 'x', 10),
    sku('a-2', 'y', 30, { model: 'baseline', reason: 'short history' }),
    sku('A-1', 'x', 20, { accuracy: { wape: 0.2, coverage: 0.8, windows: 3, weeks: 12 } }),
  ]);
  const rows = buildRows(r, history);

  it('sums the horizon and carries model, accuracy and flags', () => {
    expect(rows[0]!.total.p50).toBe(20);
    expect(rows[0]!.total.p10).toBeLessThan(20);
    expect(rows[0]!.total.p90).toBeGreaterThan(20);
    expect(rows[1]!.flags).toEqual(['short history', 'baseline']);
    expect(rows[2]!.wape).toBe(0.2);
    expect(rows[0]!.wape).toBeNull();
  });

  it('searches case-insensitively, sorts numbers as numbers, filters', () => {
    expect([...queryRows(rows, DEFAULT_QUERY)]).toEqual([1, 2, 0]);
    expect([...queryRows(rows, { ...DEFAULT_QUERY, sort: 'sku', descending: false })]).toEqual([
      2, 1, 0,
    ]);
    expect([...queryRows(rows, { ...DEFAULT_QUERY, search: 'a-' })]).toEqual([1, 2]);
    expect([...queryRows(rows, { ...DEFAULT_QUERY, category: 'x' })]).toEqual([2, 0]);
    expect([...queryRows(rows, { ...DEFAULT_QUERY, flag: 'baseline' })]).toEqual([1]);
    // Unknown errors sort last.
    expect([...queryRows(rows, { ...DEFAULT_QUERY, sort: 'wape', descending: false })][0]).toBe(2);
  });

  it('filters and sorts 50,000 rows exactly as filtering then sorting would, in every order', () => {
    const many = buildRows(
      result(
        Array.from({ length: 50_000 }, (_, i) =>
          sku(`S${i % 20_000}`, `c${i % 9}`, (i * 7919) % 1000, {
            ...(i % 3 === 0 && {
              accuracy: { wape: (i % 17) / 10, coverage: 0.8, windows: 3, weeks: 12 },
            }),
          }),
        ),
      ),
    );
    const brute = (q: typeof DEFAULT_QUERY): number[] => {
      const key = (i: number): number | string => {
        const r = many[i]!;
        if (q.sort === 'total') return r.total.p50;
        if (q.sort === 'wape') return r.wape ?? Number.MAX_VALUE;
        return q.sort === 'sku' ? r.sku : q.sort === 'category' ? r.category : r.model;
      };
      const kept = many
        .map((_, i) => i)
        .filter(
          (i) =>
            (q.category === null || many[i]!.category === q.category) &&
            many[i]!.key.includes(q.search),
        );
      const cmp = (a: number, b: number): number => {
        const x = key(a);
        const y = key(b);
        const c =
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y), 'en', { numeric: true, sensitivity: 'base' });
        return c !== 0 ? (q.descending ? -c : c) : a - b;
      };
      return kept.sort(cmp);
    };
    for (const sort of ['total', 'wape', 'sku'] as const)
      for (const descending of [false, true])
        for (const filter of [{}, { category: 'c4' }, { search: '12' }]) {
          const q = { ...DEFAULT_QUERY, sort, descending, ...filter };
          expect([...queryRows(many, q)], JSON.stringify(q)).toEqual(brute(q));
        }
    // What a caller does with one answer does not change the next.
    const first = queryRows(many, DEFAULT_QUERY);
    first.fill(0);
    expect(queryRows(many, DEFAULT_QUERY)).toEqual(Int32Array.from(brute(DEFAULT_QUERY)));
  });
});

describe('series', () => {
  it('joins history and forecast at the origin', () => {
    const r = result([sku('A', 'x', 10), sku('B', 'x', 4), sku('C', 'y', 1)]);
    const s = skuSeries(r, history, 1);
    expect(s.weeks).toEqual(['2024-10-07', '2024-10-14', '2024-10-21', '2024-10-28', '2024-11-04']);
    expect(s.actual).toEqual([0, 0, 5, null, null]);
    expect(s.origin).toBe(2);
    expect(s.p50).toEqual([null, null, 5, 4, 4]);
  });

  it("draws a table row's sparkline from the same weeks as the sku's own chart", () => {
    // 40 weeks up to 2024-10-28, the first and the last one partial (the last is forecast too).
    const weeks = Array.from({ length: 40 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 29) + i * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    const long: SalesHistory = {
      weeks,
      partial: weeks.map((_, i) => i === 0 || i === 39),
      amounts: Float32Array.from({ length: 3 * 40 }, (_, i) => (i * 7919) % 23),
    };
    const r = result([sku('A', 'x', 10), sku('B', 'x', 4), sku('C', 'y', 30)]);
    for (const h of [long, history, undefined])
      for (const i of [0, 1, 2]) {
        const spark = skuSpark(r, h, i);
        expect(spark).toEqual(sparkPoints(skuSeries(r, h, i), SPARK_W, SPARK_H));
        expect(spark.forecast).not.toBe('');
      }
    // 26 complete weeks, then the partial one beside its forecast and the next week.
    expect(skuSpark(r, long, 2).history.split(' ')).toHaveLength(26);
    expect(skuSpark(r, long, 2).forecast.split(' ')).toHaveLength(3);
  });

  it('shows a partial last week beside its forecast', () => {
    const s = joinSeries(
      ['2024-10-21', '2024-10-28'],
      [false, true],
      [3, 1],
      [{ week_start: '2024-10-28', p10: 2, p50: 4, p90: 6 }],
    );
    expect(s.weeks).toEqual(['2024-10-21', '2024-10-28']);
    expect(s.actual).toEqual([3, 1]);
    expect(s.partial).toEqual([1]);
    expect(s.origin).toBe(0);
    expect(s.p50).toEqual([3, 4]);
  });

  it('totals all skus and each category', () => {
    const g = grandTotal(result([sku('A', 'x', 10), sku('B', 'x', 4), sku('C', 'y', 1)]));
    expect(g.weeks).toHaveLength(2);
    expect(g.weeks[0]!.p50).toBeCloseTo(15);
    expect(g.total.p50).toBeCloseTo(30);
    expect(g.categories.map((c) => [c.category, c.skus, Math.round(c.total.p50)])).toEqual([
      ['x', 2, 28],
      ['y', 1, 2],
    ]);
  });
});

describe('accuracy in words', () => {
  it('says how far off and how often inside the band, or nothing', () => {
    expect(accuracySentence({ wape: 0.08, coverage: 0.79, weeks: 12, windows: 3 })).toBe(
      'Over the last 3 weeks, this forecast was off by 8% on average; 79% of weeks fell inside the p10–p90 band (80% is the aim). These are the weeks that chose the model and set its band, so weeks to come may go worse.',
    );
    expect(accuracySentence(undefined)).toBeNull();
    expect(accuracySentence({ wape: Number.NaN, coverage: 0.5 })).toBeNull();
  });

  it("measures the error against repeating last week's sales, and grades it by that", () => {
    expect(againstNaive(0.3, 0.5)).toMatchObject({
      grade: 'good',
      text: "40% less than repeating last week's sales",
    });
    expect(againstNaive(0.45, 0.5)).toMatchObject({
      grade: 'usable',
      text: "10% less than repeating last week's sales",
    });
    expect(againstNaive(0.6, 0.5)).toMatchObject({
      grade: 'rough',
      text: "20% more than repeating last week's sales",
    });
    // No yardstick: no run of the naive model, or no error to compare with.
    expect(againstNaive(0.3, undefined)).toBeNull();
    expect(againstNaive(0.3, 0)).toBeNull();
    expect(againstNaive(Number.NaN, 0.5)).toBeNull();
    expect(
      accuracySentence({ wape: 0.3, coverage: 0.8, windows: 12 }, againstNaive(0.3, 0.5)),
    ).toMatch(
      /^Over the last 12 weeks, this forecast was off by 30% on average — 40% less than repeating last week's sales \(good\); 80% of weeks/,
    );
  });

  it("gives each sku and the run the naive model's error on the same backtest as yardstick", () => {
    const acc = (wape: number): SkuAccuracy => ({ wape, coverage: 0.8, windows: 12, weeks: 48 });
    const a = sku('A', 'x', 10, { accuracy: acc(0.2), scores: { naive: 0.4, ses: 0.25 } });
    const b = sku('B', 'x', 4, { accuracy: acc(0.5) });
    const r = result([a, b]);
    const rows = buildRows(r);
    expect(rows[0]!.yardstick).toMatchObject({ wape: 0.4, grade: 'good', ratio: 0.5 });
    expect(rows[1]!.yardstick).toBeNull();
    r.metadata.selection = {
      requested: 'auto',
      rule: 'r',
      chosen: ['ses'],
      candidates: [
        { alias: 'ses', score: 0.3, wape: 0.3, rank: 1, millis: 1 },
        { alias: 'naive', score: 0.36, wape: 0.36, rank: 2, millis: 1 },
      ],
      excluded: [],
      accuracy: { wape: 0.3, coverage: 0.8, windows: 12 },
      intervalMethod: 'm',
    };
    expect(runYardstick(r)).toMatchObject({
      grade: 'usable',
      text: "17% less than repeating last week's sales",
    });
  });
});

describe('chart config', () => {
  const series = joinSeries(
    ['2024-10-14', '2024-10-21'],
    [false, false],
    [3, 5],
    [{ week_start: '2024-10-28', p10: 2, p50: 4, p90: 6 }],
  );
  const config = forecastChartConfig({ series, unit: 'Sales', theme: LIGHT_THEME });

  it('draws actuals, the p50 and a band filled between p10 and p90', () => {
    expect(config.type).toBe('line');
    expect(config.data.labels).toEqual(series.weeks);
    const ds = config.data.datasets;
    expect(ds[DATASET.actual]!.data).toEqual([3, 5, null]);
    expect(ds[DATASET.p50]!.data).toEqual([null, 5, 4]);
    expect(ds[DATASET.p10]!.data).toEqual([null, 5, 2]);
    expect(ds[DATASET.p90]!.data).toEqual([null, 5, 6]);
    expect(ds[DATASET.p90]!.fill).toBe('-1');
    expect(config.options?.animation).toBe(false);
    expect(config.plugins?.map((p) => p.id)).toEqual(['skucastOrigin']);
  });

  it('labels ticks and tooltips as weeks with formatted numbers', () => {
    const x = config.options?.scales?.['x'] as { ticks: { callback: (v: number) => string } };
    expect(x.ticks.callback.call(null as never, 2)).toBe('28 Oct');
    const title = config.options?.plugins?.tooltip?.callbacks?.title as (
      items: { dataIndex: number }[],
    ) => string;
    expect(title.call(null as never, [{ dataIndex: 2 }])).toBe('w/c 28 Oct 2024');
    expect(legendItems(series, LIGHT_THEME).map((i) => i.text)).toEqual([
      'Actual sales',
      'Forecast (p50)',
      'p10–p90 band',
    ]);
    const withPart = joinSeries(['2024-10-21', '2024-10-28'], [false, true], [3, 1], []);
    expect(legendItems(withPart, LIGHT_THEME).map((i) => i.datasetIndex)).toEqual([
      DATASET.actual,
      DATASET.partial,
      DATASET.p50,
      DATASET.p90,
    ]);
  });
});

describe('the chart shows the forecast in proportion, with years and last year', () => {
  // 130 weeks of history from Monday 2 Jan 2023, then 4 forecast weeks.
  const weeks = Array.from({ length: 130 }, (_, i) =>
    new Date(Date.UTC(2023, 0, 2) + i * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const values = weeks.map((_, i) => 100 + i);
  const forecast = [1, 2, 3, 4].map((k) => ({
    week_start: new Date(Date.UTC(2023, 0, 2) + (129 + k) * 7 * 86_400_000)
      .toISOString()
      .slice(0, 10),
    p10: 1,
    p50: 2,
    p90: 3,
  }));
  const full = joinSeries(
    weeks,
    weeks.map(() => false),
    values,
    forecast,
  );

  it('gives the forecast a fifth of the width by default, a year or all history on request', () => {
    const recent = viewSeries(full, historyShown('recent', 4));
    const share = (s: typeof full) => (s.weeks.length - s.origin - 1) / s.weeks.length;
    expect(share(recent)).toBeGreaterThanOrEqual(0.2);
    expect(recent.weeks.at(-1)).toBe(forecast[3]!.week_start);
    expect(recent.actual[recent.origin]).toBe(229);
    expect(viewSeries(full, historyShown('year', 4)).origin).toBe(51);
    expect(viewSeries(full, historyShown('all', 4))).toBe(full);
    expect(historyShown('recent', 13)).toBe(52);
  });

  it('labels at most 8 weeks, the last complete one among them, with the year where it changes', () => {
    const ticks = weekTicks(full.weeks, full.origin);
    expect(ticks.size).toBeLessThanOrEqual(8);
    expect(ticks.has(full.origin)).toBe(true);
    const labels = [...ticks.values()];
    expect(labels[0]).toEqual([expect.stringMatching(/^\d+ [A-Z][a-z]{2}$/), '2023']);
    // Every label that starts a new year says which, on a second line.
    const years = [...ticks.keys()].map((i) => full.weeks[i]!.slice(0, 4));
    years.forEach((y, k) => {
      if (k === 0 || y !== years[k - 1]) expect(labels[k]).toEqual([expect.any(String), y]);
      else expect(typeof labels[k]).toBe('string');
    });
    expect(new Set(years)).toEqual(new Set(['2023', '2024', '2025']));
    // A phone's chart gets fewer labels, so they do not run into each other.
    expect(weekTicks(full.weeks, full.origin, ticksFor(300)).size).toBeLessThanOrEqual(4);
  });

  it('offers the same weeks a year before as a line, off until asked for', () => {
    expect(full.lastYear[51]).toBeNull();
    expect(full.lastYear[52]).toBe(values[0]);
    // The first forecast week, against the same week of last year's season.
    expect(full.lastYear[130]).toBe(values[78]);
    const config = forecastChartConfig({ series: full, unit: 'Sales', theme: LIGHT_THEME });
    const ds = config.data.datasets[DATASET.lastYear]!;
    expect(ds.hidden).toBe(true);
    expect(legendItems(full, LIGHT_THEME).map((i) => i.text)).toContain('Same weeks last year');
  });
});

describe('what made a forecast, in words', () => {
  it('names a model, an ensemble by its members, and a fallback plainly', () => {
    expect(modelInWords('tcn')).toBe('the neural network');
    expect(modelInWords('mean(theta+otm)')).toBe('mean of Theta and optimised Theta');
    expect(modelInWords('mean(tcn+croston+ses)')).toBe(
      'mean of the neural network, Croston (for slow movers) and smoothed recent sales',
    );
    // auto's usual pick on long, steady files since tcn_tuned joined its candidates.
    expect(modelInWords('mean(tcn_tuned+tcn)')).toBe(
      'mean of the neural network tuned to this file and the neural network',
    );
    // Store × item's pick since category_profile joined.
    expect(modelInWords('mean(category_profile+tcn+tcn_tuned)')).toBe(
      "mean of recent sales with the category's season, the neural network and the neural network tuned to this file",
    );
    expect(modelInWords('historic_average')).toBe('the average of all weeks');
    expect(modelInWords('something_new')).toBe('something_new');
  });
});

describe('dates in words, for the mapping form', () => {
  it('names the order the preview settles, or says the file will decide', () => {
    expect(describeDates(['13.02.24', '01.03.24'])).toBe(
      'dates read as day/month/year: 2 of 2 preview rows',
    );
    expect(describeDates(['02/13/2024', '03/01/2024'])).toBe(
      'dates read as month/day/year: 2 of 2 preview rows',
    );
    expect(describeDates(['2024-02-13', 'x'])).toBe(
      'dates read as year-month-day: 1 of 2 preview rows',
    );
    expect(describeDates(['01/02/2024'])).toMatch(/could be day\/month or month\/day/);
    // A grouped report's heading row has no date: the example is the first date there is.
    expect(describeDates(['', '01/02/2024'])).toMatch(/^dates such as 01\/02\/2024 could be/);
    // Undecided dotted dates are day-first, as the ingestion reads them.
    expect(describeDates(['02.01.2023', '03.01.2023'])).toMatch(/^dates read as day\.month\.year/);
    expect(describeDates(['abc'])).toMatch(/do not read as dates/);
    // A monthly report's month column is read as months, not refused.
    expect(describeDates(['2024-01', 'Feb-24', 'March 2024'])).toBe(
      'months, each spread evenly over its days by week: 3 of 3 preview rows',
    );
    expect(describeDates(['45254', '45255'])).toBe(
      'dates read as spreadsheet day numbers: 2 of 2 preview rows',
    );
    expect(describeDates(['1700784000', '1700870400000'])).toBe(
      'dates read as Unix time (seconds or milliseconds since 1970, each its UTC day): 2 of 2 preview rows',
    );
    // Under a week's name, 2024-05 is a week, not May.
    expect(describeDates(['2024-05', '2024-06', '2024-52'], 'Week')).toBe(
      'ISO weeks, a year and a week number (2024-05 is week 5 of 2024): 3 of 3 preview rows',
    );
    expect(describeDates([])).toBeNull();
  });
});

describe("the sku table's sparkline cache", () => {
  it('keeps only the entries used last, each made once while kept', () => {
    const made: number[] = [];
    const cache = new RecentCache<number, string>(3);
    const get = (k: number): string =>
      cache.get(k, () => {
        made.push(k);
        return `spark ${k}`;
      });
    for (const k of [1, 2, 3]) get(k);
    // 1 used again: 2 is now the one left longest unused, and 4 pushes it out.
    expect(get(1)).toBe('spark 1');
    get(4);
    expect(cache.size).toBe(3);
    expect(made).toEqual([1, 2, 3, 4]);
    for (const k of [1, 3, 4]) get(k);
    expect(made).toEqual([1, 2, 3, 4]);
    expect(get(2)).toBe('spark 2');
    expect(made).toEqual([1, 2, 3, 4, 2]);
    // Scrolling through many more than it keeps leaves it at its limit.
    for (let k = 0; k < 1000; k++) get(k);
    expect(cache.size).toBe(3);
  });
});

describe("the category table's line on its bands", () => {
  /** `weeks` weeks of two skus in one category, sold on Mondays, through the real library. */
  async function forecastOf(weeks: number): Promise<ForecastResult> {
    const lines = ['date,sku,category,amount'];
    for (let t = 0; t < weeks; t++) {
      const day = new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10);
      lines.push(`${day},A,c,${20 + (t % 3)}`, `${day},B,c,${100 + 20 * (t % 3)}`);
    }
    const table = ingestText(lines.join('\n'), {
      mapping: { date: 'date', sku: 'sku', category: 'category', amount: 'amount' },
    });
    return forecastWithLibrary(table, { horizon: 4 });
  }

  it('says the bands were measured on backtest weeks when the history holds some', async () => {
    expect(categoryBandNote(await forecastOf(60))).toContain('strayed on backtest weeks');
  });

  it('says they were not measured when the file is too short to test a forecast on', async () => {
    expect(categoryBandNote(await forecastOf(3))).toContain(
      "only the spread of each category's own weeks, not measured",
    );
  });
});
