// What the result views show, derived from a RunResult in plain functions
// (no DOM, no runes), so they are tested in Node: one row per sku with its
// horizon total, flags and accuracy; the filter and sort of the sku table;
// weekly series (history + forecast) for a sku, a category and the grand total.

import { categoryTotals } from '../core/category-totals';
import type { ForecastResult, SkuForecast } from '../core/forecast';
import { TOTALS_METHOD_UNMEASURED } from '../core/totals-method';
import type { SalesHistory } from '../worker/protocol';

export interface Band {
  p10: number;
  p50: number;
  p90: number;
}

/** Flags a planner filters by. */
export type RowFlag = 'short history' | 'intermittent' | 'baseline' | 'fallback' | 'ended';
export const ROW_FLAGS: readonly RowFlag[] = [
  'short history',
  'intermittent',
  'baseline',
  'fallback',
  'ended',
];

export interface SkuRow {
  /** Index into result.skus (and the history's rows). */
  index: number;
  sku: string;
  /** Lower-cased sku, for search. */
  key: string;
  category: string;
  /** The next-N-weeks total (sums of the weekly p10, p50 and p90: see totalBand). */
  total: Band;
  model: string;
  /** Backtest WAPE (0..1), when the run had a backtest and it is defined. */
  wape: number | null;
  coverage: number | null;
  /** That error against repeating last week's sales on the same weeks; null without one. */
  yardstick: Yardstick | null;
  flags: RowFlag[];
}

/** Share of zero weeks above which a sku counts as intermittent (when the engine did not say). */
const INTERMITTENT_ZERO_SHARE = 0.5;

/**
 * The band of a total over several weeks: the weekly p10s, p50s and p90s
 * added up. A forecast that is off is usually off the same way week after
 * week (a level, a season or a trend misjudged), so the weeks' errors add up
 * rather than cancel, as treating the weeks as independent assumed. The p50
 * stays inside its band.
 */
export function totalBand(weeks: readonly Band[]): Band {
  let p10 = 0;
  let p50 = 0;
  let p90 = 0;
  for (const w of weeks) {
    p10 += w.p10;
    p50 += w.p50;
    p90 += w.p90;
  }
  return { p10, p50, p90 };
}

function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** The flags of one sku: the engine's when it gave them, else read from the model and history. */
export function skuFlags(
  s: SkuForecast,
  history: SalesHistory | undefined,
  index: number,
): RowFlag[] {
  const flags = new Set<RowFlag>();
  for (const f of s.flags ?? []) flags.add(f);
  if (s.model === 'baseline') flags.add('baseline');
  if (s.reason === 'short history') flags.add('short history');
  if (s.flags === undefined && history && history.weeks.length > 0) {
    const n = history.weeks.length;
    let sold = 0;
    let zeros = 0;
    for (let w = 0; w < n; w++) {
      if (history.partial[w]) continue;
      const v = history.amounts[index * n + w] as number;
      if (sold === 0 && v <= 0) continue; // before the first sale
      sold++;
      if (v <= 0) zeros++;
    }
    if (sold >= 4 && zeros / sold > INTERMITTENT_ZERO_SHARE) flags.add('intermittent');
  }
  return ROW_FLAGS.filter((f) => flags.has(f));
}

export function buildRows(result: ForecastResult, history?: SalesHistory): SkuRow[] {
  return result.skus.map((s, index) => ({
    index,
    sku: s.sku,
    key: s.sku.toLowerCase(),
    category: s.category,
    total: totalBand(s.weeks),
    model: s.model,
    wape: finiteOrNull(s.accuracy?.wape),
    coverage: finiteOrNull(s.accuracy?.coverage),
    yardstick: againstNaive(s.accuracy?.wape, s.scores?.[YARDSTICK_MODEL]),
    flags: skuFlags(s, history, index),
  }));
}

export type SortKey = 'sku' | 'category' | 'total' | 'model' | 'wape';
export interface TableQuery {
  search: string;
  sort: SortKey;
  descending: boolean;
  /** null = every category. */
  category: string | null;
  /** null = any flag or none. */
  flag: RowFlag | null;
}

export const DEFAULT_QUERY: TableQuery = {
  search: '',
  sort: 'total',
  descending: true,
  category: null,
  flag: null,
};

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Every row's position in each order asked for so far, per result (see queryRows). */
const sortedOrders = new WeakMap<readonly SkuRow[], Map<string, Int32Array>>();

/** Every row position in the order of `sort`; ties keep table order. Made once per result and order. */
function sortedOrder(rows: readonly SkuRow[], sort: SortKey, descending: boolean): Int32Array {
  let orders = sortedOrders.get(rows);
  if (orders === undefined) sortedOrders.set(rows, (orders = new Map()));
  const key = `${sort} ${descending}`;
  let order = orders.get(key);
  if (order === undefined) {
    const positions = Array.from({ length: rows.length }, (_, i) => i);
    const sign = descending ? -1 : 1;
    const cmp = compareBy(rows, sort);
    positions.sort((a, b) => {
      const c = cmp(a, b);
      return c !== 0 ? sign * c : a - b;
    });
    order = Int32Array.from(positions);
    orders.set(key, order);
  }
  return order;
}

/**
 * Row positions (into `rows`) that pass the query, in its order. Ties keep table
 * order. The order is a total one, so filtering the whole sorted table gives the
 * rows sorting the kept ones would: a filter or search costs one pass, not a
 * sort of 50,000 rows.
 */
export function queryRows(rows: readonly SkuRow[], q: TableQuery): Int32Array {
  const needle = q.search.trim().toLowerCase();
  const sorted = sortedOrder(rows, q.sort, q.descending);
  if (q.category === null && q.flag === null && needle === '') return sorted.slice();
  const kept = new Int32Array(sorted.length);
  let n = 0;
  for (const i of sorted) {
    const r = rows[i] as SkuRow;
    if (q.category !== null && r.category !== q.category) continue;
    if (q.flag !== null && !r.flags.includes(q.flag)) continue;
    if (needle !== '' && !r.key.includes(needle)) continue;
    kept[n++] = i;
  }
  return kept.slice(0, n);
}

/** Ascending comparison of two row positions by `key` (0 for a tie). */
function compareBy(rows: readonly SkuRow[], key: SortKey): (a: number, b: number) => number {
  const r = (i: number): SkuRow => rows[i] as SkuRow;
  switch (key) {
    case 'sku':
      return (a, b) => collator.compare(r(a).sku, r(b).sku);
    case 'category':
      return (a, b) => collator.compare(r(a).category, r(b).category);
    case 'model':
      return (a, b) => collator.compare(r(a).model, r(b).model);
    case 'total':
      return (a, b) => r(a).total.p50 - r(b).total.p50;
    case 'wape':
      // Unknown errors count as the largest (and two unknowns tie, not NaN).
      return (a, b) => unknownLargest(r(a).wape) - unknownLargest(r(b).wape);
  }
}

function unknownLargest(x: number | null): number {
  return x ?? Number.MAX_VALUE;
}

/** History + forecast on one weekly axis, for charts and sparklines. */
export interface WeeklySeries {
  /** Monday of every week, history then forecast. */
  weeks: string[];
  /** Sales per week; null in forecast weeks. */
  actual: (number | null)[];
  /** Forecast per week; null in history weeks (except the origin week, so the line joins). */
  p10: (number | null)[];
  p50: (number | null)[];
  p90: (number | null)[];
  /** Index of the last complete history week (the forecast origin); -1 without history. */
  origin: number;
  /** Indices of weeks the file covers in part. */
  partial: number[];
  /** Sales of the same week a year (52 weeks) before; null where the history does not reach. */
  lastYear: (number | null)[];
}

/** Weeks a year back: the same week of the season. */
const YEAR_WEEKS = 52;

/** How much history the chart shows beside the forecast. */
export type ChartRange = 'recent' | 'year' | 'all';

/**
 * History weeks a range shows. 'recent': four times the forecast's weeks (at
 * least 8), so the forecast takes a fifth of the chart's width (from 2 weeks
 * ahead) instead of disappearing beside a year of history.
 */
export function historyShown(range: ChartRange, horizon: number): number {
  if (range === 'all') return Infinity;
  if (range === 'year') return YEAR_WEEKS;
  return Math.max(8, 4 * horizon);
}

/** The series from `historyWeeks` weeks before its origin on (its partial weeks and forecast kept). */
export function viewSeries(series: WeeklySeries, historyWeeks: number): WeeklySeries {
  const history = series.origin + 1;
  const drop = Math.max(0, history - historyWeeks);
  if (drop === 0) return series;
  const cut = <T>(a: T[]): T[] => a.slice(drop);
  return {
    weeks: cut(series.weeks),
    actual: cut(series.actual),
    p10: cut(series.p10),
    p50: cut(series.p50),
    p90: cut(series.p90),
    origin: series.origin - drop,
    partial: series.partial.filter((i) => i >= drop).map((i) => i - drop),
    lastYear: cut(series.lastYear),
  };
}

/**
 * Joins a history (last `historyWeeks` weeks up to and including a partial
 * last week) to a forecast. The forecast's first week follows the origin; a
 * partial history week that is also a forecast week shows both.
 */
export function joinSeries(
  historyWeeks: readonly string[],
  historyPartial: readonly boolean[],
  historyValues: ArrayLike<number>,
  forecast: readonly { week_start: string; p10: number; p50: number; p90: number }[],
  maxHistory = Infinity,
): WeeklySeries {
  const end = historyWeeks.length;
  const start = Math.max(0, end - maxHistory);
  const weeks: string[] = [];
  const actual: (number | null)[] = [];
  const partial: number[] = [];
  for (let i = start; i < end; i++) {
    weeks.push(historyWeeks[i] as string);
    actual.push(historyValues[i] as number);
    if (historyPartial[i]) partial.push(weeks.length - 1);
  }
  // The origin: the last complete week shown.
  let origin = weeks.length - 1;
  while (origin >= 0 && partial.includes(origin)) origin--;
  const n = weeks.length;
  const p10: (number | null)[] = new Array<number | null>(n).fill(null);
  const p50: (number | null)[] = new Array<number | null>(n).fill(null);
  const p90: (number | null)[] = new Array<number | null>(n).fill(null);
  // The forecast line starts at the origin's actual so the eye can follow it.
  if (origin >= 0 && forecast.length > 0) {
    const v = actual[origin] ?? null;
    p10[origin] = v;
    p50[origin] = v;
    p90[origin] = v;
  }
  for (const f of forecast) {
    // A partial last week that is forecast too: its sales so far sit beside the forecast.
    const at = weeks.indexOf(f.week_start);
    if (at >= 0) {
      p10[at] = f.p10;
      p50[at] = f.p50;
      p90[at] = f.p90;
      continue;
    }
    weeks.push(f.week_start);
    actual.push(null);
    p10.push(f.p10);
    p50.push(f.p50);
    p90.push(f.p90);
  }
  // Weeks are consecutive Mondays, so a year back is 52 places back (part weeks are no guide).
  const lastYear = weeks.map((_, i) => {
    const j = start + i - YEAR_WEEKS;
    return j >= 0 && j < end && !historyPartial[j] ? (historyValues[j] as number) : null;
  });
  return { weeks, actual, p10, p50, p90, origin, partial, lastYear };
}

/** One sku's series. */
export function skuSeries(
  result: ForecastResult,
  history: SalesHistory | undefined,
  index: number,
): WeeklySeries {
  const s = result.skus[index];
  if (!s) return joinSeries([], [], [], []);
  if (!history) return joinSeries([], [], [], s.weeks);
  const n = history.weeks.length;
  return joinSeries(
    history.weeks,
    history.partial,
    history.amounts.subarray(index * n, index * n + n),
    s.weeks,
  );
}

/** Weekly sales summed over the skus that `keep` accepts (all when omitted). */
export function summedHistory(
  result: ForecastResult,
  history: SalesHistory,
  keep?: (s: SkuForecast) => boolean,
): Float64Array {
  const n = history.weeks.length;
  const sum = new Float64Array(n);
  result.skus.forEach((s, i) => {
    if (keep && !keep(s)) return;
    for (let w = 0; w < n; w++)
      sum[w] = (sum[w] as number) + (history.amounts[i * n + w] as number);
  });
  return sum;
}

/** A category's series (its engine-computed band), or the grand total's when `category` is null. */
export function aggregateSeries(
  result: ForecastResult,
  history: SalesHistory | undefined,
  category: string | null,
  grand: GrandTotal,
): WeeklySeries {
  const forecast =
    category === null
      ? grand.weeks
      : (result.categories.find((c) => c.category === category)?.weeks ?? []);
  if (!history) return joinSeries([], [], [], forecast);
  const sums = summedHistory(
    result,
    history,
    category === null ? undefined : (s) => s.category === category,
  );
  return joinSeries(history.weeks, history.partial, sums, forecast);
}

export interface GrandTotal {
  /** Every sku summed, per horizon week, with the engine's band method. */
  weeks: { week_start: string; horizon_week: number; p10: number; p50: number; p90: number }[];
  /** The whole horizon summed. */
  total: Band;
  /** Per category: the whole horizon summed. */
  categories: { category: string; skus: number; total: Band }[];
}

/**
 * Grand total per week and over the horizon, and each category's horizon
 * total, from the engine's totals (each with a band from its own backtest
 * errors); a result without them (made before totals had their own band)
 * sums the skus as independent.
 */
export function grandTotal(result: ForecastResult): GrandTotal {
  if (result.total) {
    return {
      weeks: result.total.weeks,
      total: result.total.overHorizon ?? totalBand(result.total.weeks),
      categories: result.categories.map((c) => ({
        category: c.category,
        skus: c.skus,
        total: c.overHorizon ?? totalBand(c.weeks),
      })),
    };
  }
  const independent = (by: (s: SkuForecast) => string) =>
    result.skus.length > 0
      ? categoryTotals(result.skus.map((s) => ({ category: by(s), weeks: s.weeks }))).categories
      : [];
  const weekly = independent(() => '')[0]?.weeks ?? [];
  return {
    weeks: weekly,
    total: totalBand(weekly),
    categories: independent((s) => s.category).map((c) => ({
      category: c.category,
      skus: c.skus,
      total: totalBand(c.weeks),
    })),
  };
}

/** The simple method every error is measured against: next week sells what last week did. */
export const YARDSTICK_MODEL = 'naive';
/** A forecast at least this much better than the yardstick is "good"; no better is "rough". */
const GOOD_BELOW = 0.8;

export type Grade = 'good' | 'usable' | 'rough';

export interface Yardstick {
  /** The yardstick's error on the same backtest weeks (WAPE, 0..1). */
  wape: number;
  /** Forecast error ÷ yardstick error. */
  ratio: number;
  grade: Grade;
  /** E.g. "40% less than repeating last week's sales". */
  text: string;
}

/**
 * A backtest error against repeating last week's sales on the same weeks: a
 * percentage alone ("off by 79%") says nothing of whether a planner could do
 * better by hand. Good: at least a fifth less error; usable: less or equal;
 * rough: more. Null when either error is missing or the yardstick's is 0.
 */
export function againstNaive(
  wape: number | undefined,
  naiveWape: number | undefined,
): Yardstick | null {
  if (wape === undefined || naiveWape === undefined) return null;
  if (!Number.isFinite(wape) || !Number.isFinite(naiveWape) || naiveWape <= 0) return null;
  const ratio = wape / naiveWape;
  const grade: Grade = ratio <= GOOD_BELOW ? 'good' : ratio <= 1 ? 'usable' : 'rough';
  const pct = Math.round(Math.abs(1 - ratio) * 100);
  const text =
    pct === 0
      ? "about as much as repeating last week's sales"
      : `${pct}% ${ratio < 1 ? 'less' : 'more'} than repeating last week's sales`;
  return { wape: naiveWape, ratio, grade, text };
}

/** The run's pooled yardstick: the naive candidate's error on the backtest that scored the forecast. */
export function runYardstick(result: ForecastResult): Yardstick | null {
  const sel = result.metadata.selection;
  if (!sel) return null;
  const naive = sel.candidates.find((c) => c.alias === YARDSTICK_MODEL);
  return againstNaive(sel.accuracy.wape, naive?.wape);
}

/** Accuracy in plain words, against the yardstick when there is one; null when the run has none to tell. */
export function accuracySentence(
  acc: { wape: number; coverage: number; weeks?: number; windows?: number } | undefined | null,
  yardstick: Yardstick | null = null,
): string | null {
  if (!acc || !Number.isFinite(acc.wape)) return null;
  // Backtest windows start one week apart (weekly origins): n windows = the last n weeks.
  const over =
    acc.windows !== undefined && acc.windows > 0
      ? `over the last ${acc.windows} weeks`
      : acc.weeks !== undefined && acc.weeks > 0
        ? `over ${acc.weeks} recent forecast weeks`
        : 'on recent weeks';
  const off =
    `${over}, this forecast was off by ${Math.round(acc.wape * 100)}% on average` +
    (yardstick ? ` — ${yardstick.text} (${yardstick.grade})` : '');
  if (!Number.isFinite(acc.coverage)) return `${capitalise(off)}. ${IN_SAMPLE}`;
  return `${capitalise(off)}; ${Math.round(acc.coverage * 100)}% of weeks fell inside the p10–p90 band (80% is the aim). ${IN_SAMPLE}`;
}

/**
 * The backtest weeks that score a forecast also chose its model and set its
 * band: the page says so rather than pass them off as new weeks.
 */
export const IN_SAMPLE =
  'These are the weeks that chose the model and set its band, so weeks to come may go worse.';

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Size of the table's sparklines, px. */
export const SPARK_W = 96;
export const SPARK_H = 26;

/** Complete weeks of history a sparkline shows before the forecast. */
export const SPARK_WEEKS = 26;

/** Sparkline points: recent actuals then the p50 forecast, scaled to a w×h box. */
export function sparkPoints(
  series: WeeklySeries,
  w: number,
  h: number,
  recent = SPARK_WEEKS,
): { history: string; forecast: string } {
  const from = Math.max(0, series.origin + 1 - recent);
  const values: number[] = [];
  for (let i = from; i < series.weeks.length; i++)
    values.push(series.actual[i] ?? series.p50[i] ?? 0);
  const max = Math.max(1e-9, ...values);
  const n = values.length;
  const x = (i: number): string => (n <= 1 ? 0 : (i / (n - 1)) * w).toFixed(1);
  const y = (v: number): string => (h - 1 - (v / max) * (h - 2)).toFixed(1);
  const hist: string[] = [];
  const fc: string[] = [];
  values.forEach((v, k) => {
    const i = from + k;
    if (i <= series.origin) hist.push(`${x(k)},${y(v)}`);
    if (i >= series.origin) fc.push(`${x(k)},${y(series.p50[i] ?? v)}`);
  });
  return { history: hist.join(' '), forecast: fc.join(' ') };
}

/**
 * A sku's sparkline, the same as sparkPoints of its skuSeries, from only the
 * weeks it shows: the table makes one for each row scrolled into view, and a
 * three-year file would otherwise join 150 weeks to draw 26.
 */
export function skuSpark(
  result: ForecastResult,
  history: SalesHistory | undefined,
  index: number,
): { history: string; forecast: string } {
  const s = result.skus[index];
  if (!s || !history) return sparkPoints(skuSeries(result, history, index), SPARK_W, SPARK_H);
  const n = history.weeks.length;
  // Trailing part weeks are never the origin, so they come on top of the complete weeks shown.
  let keep = SPARK_WEEKS;
  for (let i = n - 1; i >= 0 && history.partial[i]; i--) keep++;
  const amounts = history.amounts.subarray(index * n, index * n + n);
  const series = joinSeries(history.weeks, history.partial, amounts, s.weeks, keep);
  return sparkPoints(series, SPARK_W, SPARK_H);
}

/** What the category table's bands rest on, in a line under its title. */
export function categoryBandNote(forecast: ForecastResult): string {
  return forecast.metadata.categoryMethod === TOTALS_METHOD_UNMEASURED
    ? "Sum of the skus' forecasts; the history is too short to test a forecast on, so the band is only the spread of each category's own weeks, not measured"
    : "Sum of the skus' forecasts; the band is how far each category's own total strayed on backtest weeks, so skus that rise and fall together widen it";
}
