// Evaluation of the model library and `auto` on three datasets, one protocol
// each (issue 9): the seed data and store-item data (last 12 complete weeks,
// origins weekly, h = 4) and M4 weekly (its own test set, h = 13, scored as
// the competition did). At every scored origin each model — and auto — sees
// only the history before it: the conformal band of every model is calibrated
// on backtest windows of that history, and auto chooses on the same windows.
// `split: 'validation'` moves every scored window before the holdout (seed and
// store-item: 12 weeks earlier; M4: the last 13 weeks of the training set), so
// recipes are chosen without looking at the holdout.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AutoOptions } from '../core/backtest/auto';
import { autoByBlocks, availableModels, joinBlocks } from '../core/forecast-library';
import { windowCutoffs } from '../core/backtest/cross-validation';
import { scoreItems, type MaseSeason, type ScoreItem, type Scores } from '../core/backtest/scores';
import { STRATEGIES, type Strategy } from '../core/backtest/selection';
import {
  seriesFromArrays,
  seriesFromTable,
  truncate,
  type BacktestSeries,
} from '../core/backtest/series';
import { ingestText } from '../core/ingest';
import { ENDED_WEEKS, hasEnded } from '../core/stats/demand-class';
import type { FeaturePresence } from '../core/features';
import { zeroForecast, type Forecast, type Model } from '../core/models/types';
import type { WeeklyTable } from '../core/types';
import { loadSeedData, sharedDir } from './data';
import { BandEval, type BandReport } from './eval-bands';
import { breakdown, type Breakdown } from './eval-breakdown';
import { seedDaysSeries, seedLinesSeries, storeItemThinSeries } from './intermittent-data';

export type DatasetName =
  'seed' | 'store_item' | 'm4_weekly' | 'seed_lines' | 'seed_days' | 'store_item_thin';
export type EvalLibrarySplit = 'holdout' | 'validation';

export interface Dataset {
  name: DatasetName;
  /** Full series: histories and the scored targets. */
  series: BacktestSeries[];
  h: number;
  /** History lengths the scored windows start after, per series (ascending), or [] to skip it. */
  origins: (s: BacktestSeries) => number[];
  season: MaseSeason;
  source: string;
  /** Periods in a week (seed_days: 7), so "52 weeks" and history lengths mean weeks; default 1. */
  periodsPerWeek?: number;
  /** Series left out because they had ended before their first scored origin (dropEnded). */
  ended: string[];
}

const HOLDOUT_WEEKS = 12;
const H_WEEKLY = 4;
const H_M4 = 13;

/**
 * Origins inside the last 12 complete weeks (or the 12 before them, moved
 * `earlier` weeks further back: more validation folds), every week, h = 4.
 */
function weeklyOrigins(split: EvalLibrarySplit, earlier = 0) {
  const shift = split === 'validation' ? HOLDOUT_WEEKS + earlier : 0;
  return (s: BacktestSeries): number[] =>
    windowCutoffs(s.y.length - shift, H_WEEKLY, HOLDOUT_WEEKS - H_WEEKLY + 1, 1);
}

/**
 * The store-item CSV with store and item joined into one sku column, and the
 * store as its category (the store totals a chain plans), through the app's
 * ingestion.
 */
export function storeItemTable(csv: string): WeeklyTable {
  const lines = csv.split(/\r?\n/);
  const out: string[] = ['date,sku,store,sales'];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const [date, store, item, sales] = line.split(',');
    out.push(`${date},${store} · ${item},${store},${sales}`);
  }
  return ingestText(out.join('\n'), {
    mapping: { date: 'date', sku: 'sku', category: 'store', amount: 'sales' },
  });
}

/** M4's one-row-per-series CSV ("V1","V2",…; first column the id): id and values. */
export function readM4(csv: string): { id: string; y: number[] }[] {
  const out: { id: string; y: number[] }[] = [];
  const lines = csv.split(/\r?\n/).slice(1);
  for (const line of lines) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const y = cells
      .slice(1)
      .filter((c) => c !== '')
      .map(Number);
    out.push({ id: cells[0] as string, y });
  }
  return out;
}

/**
 * The dataset without the series that had ended before their first scored
 * origin (no sale in the 52 weeks before it, sales earlier: hasEnded). Judged
 * on the history before that origin only, so the scored weeks choose nothing;
 * their zeros would reward whichever model forecasts 0 and say nothing about
 * demand.
 */
export function dropEnded(ds: Omit<Dataset, 'ended'>): Dataset {
  const ended: string[] = [];
  const series = ds.series.filter((s) => {
    const first = ds.origins(s)[0];
    const gone =
      first !== undefined && hasEnded(s.y, first, ENDED_WEEKS * (ds.periodsPerWeek ?? 1));
    if (gone) ended.push(s.id);
    return !gone;
  });
  return { ...ds, series, ended };
}

export async function loadDatasets(
  split: EvalLibrarySplit,
  repoRoot: string = process.cwd(),
  /** Validation only: every origin this many weeks earlier (a further fold before the holdout). */
  earlier = 0,
): Promise<Dataset[]> {
  if (split !== 'validation' && earlier !== 0) throw new Error('earlier folds are validation only');
  const shared = sharedDir(repoRoot);
  const found: Omit<Dataset, 'ended'>[] = [];
  const seed = await loadSeedData(repoRoot);
  if (seed) {
    found.push({
      name: 'seed',
      series: seriesFromTable(seed.table),
      h: H_WEEKLY,
      origins: weeklyOrigins(split, earlier),
      season: 'sales',
      source: seed.source,
    });
  }
  const storeItem = path.join(shared, 'data/store_item_daily.csv');
  if (existsSync(storeItem)) {
    found.push({
      name: 'store_item',
      series: seriesFromTable(storeItemTable(readFileSync(storeItem, 'utf8'))),
      h: H_WEEKLY,
      origins: weeklyOrigins(split, earlier),
      season: 'sales',
      source: '../shared/data/store_item_daily.csv (sku = store · item) via ingestText',
    });
  }
  for (const [name, load, source, periodsPerWeek] of [
    [
      'seed_lines',
      seedLinesSeries,
      '../shared/data/retail_sales_2023.csv, sku = product · gender · age band, by week',
      1,
    ],
    [
      'seed_days',
      seedDaysSeries,
      '../shared/data/retail_sales_2023.csv, sku = product · gender · age band, one period a day',
      7,
    ],
    [
      'store_item_thin',
      storeItemThinSeries,
      '../shared/data/store_item_daily.csv, sku = store · item, units thinned to 0.1–3 a week',
      1,
    ],
  ] as const) {
    const built = load(repoRoot);
    if (!built) continue;
    found.push({
      name,
      series: built,
      h: H_WEEKLY,
      origins: weeklyOrigins(split, earlier),
      season: 'sales',
      source: `${source} (intermittent-data.ts)`,
      periodsPerWeek,
    });
  }
  const m4 = path.join(shared, 'data/m4_weekly');
  if (existsSync(path.join(m4, 'Weekly-train.csv'))) {
    const train = readM4(readFileSync(path.join(m4, 'Weekly-train.csv'), 'utf8'));
    const test = new Map(
      readM4(readFileSync(path.join(m4, 'Weekly-test.csv'), 'utf8')).map((r) => [r.id, r.y]),
    );
    const full = train.map((r) => ({ id: r.id, y: [...r.y, ...(test.get(r.id) ?? [])] }));
    const trainLength = new Map(train.map((r) => [r.id, r.y.length]));
    found.push({
      name: 'm4_weekly',
      series: seriesFromArrays(full),
      h: H_M4,
      origins: (s) => {
        const n = trainLength.get(s.id) as number;
        return split === 'validation' ? [n - H_M4 - earlier] : [n];
      },
      season: 1,
      source: '../shared/data/m4_weekly/Weekly-{train,test}.csv, synthetic Monday calendar',
    });
  }
  return found.map(dropEnded);
}

export interface ModelScores extends Scores {
  /** Fitting and forecasting time of every internal backtest, seconds. */
  fit_seconds: number;
}

export interface DatasetResult {
  name: DatasetName;
  h: number;
  windows: number;
  series: number;
  /** Series left out of the scoring because they had ended (dropEnded). */
  ended: string[];
  scores: Partial<Record<string, ModelScores>>;
  /** Each model's scores of each series, by the series' index: what the bootstrap resamples. */
  perSeries: Partial<Record<string, ReadonlyMap<number, Scores>>>;
  /** Scores by history length and demand class (eval-breakdown.ts). */
  breakdown: Breakdown;
  /** auto's bands: scaled pinball beside a baseline, coverage by class, point bands, totals (eval-bands.ts). */
  bands: BandReport;
  /** auto's choice at each origin: its chosen models. */
  choices: string[][];
  /** Per model, the share of its backtest forecasts the fallback chain made (series too short for it). */
  fallbackShare: Partial<Record<string, number>>;
  /** Wall time of the whole dataset, s. */
  seconds?: number;
  source?: string;
}

/**
 * Scores every model, every auto strategy and auto (the shipped default) on
 * one dataset. Origins are grouped by their distance from the end of each
 * series, so each auto call sees histories that end at the same calendar week.
 */
export async function evaluateDataset(
  ds: Dataset,
  models: readonly Model[],
  autoOptions: Partial<AutoOptions> = {},
  log: (m: string) => void = () => {},
): Promise<DatasetResult> {
  const h = ds.h;
  const origins = ds.series.map((s) => ds.origins(s));
  const groups = Math.max(0, ...origins.map((o) => o.length));
  const bands = new Map<
    string,
    Map<number, { cutoffs: number[]; band: Forecast; actual: number[] }>
  >();
  const millis = new Map<string, number>();
  const fallbacks = new Map<string, number>();
  const choices: string[][] = [];
  const bandEval = new BandEval(h);
  let windows = 0;
  for (let g = 0; g < groups; g++) {
    // Group g: the g-th last origin of every series that has it.
    const members: number[] = [];
    origins.forEach((o, i) => {
      if (o.length - groups + g >= 0) members.push(i);
    });
    const hist = members.map((i) => {
      const o = origins[i] as number[];
      return truncate(ds.series[i] as BacktestSeries, o[o.length - groups + g] as number);
    });
    // As a forecast of h weeks runs (forecastWithLibrary): one auto per
    // horizon block, joined; a single block (h <= 4) is that block's run.
    const blocks = await autoByBlocks(hist, models, h, { ...autoOptions, keepAll: true });
    const res = joinBlocks(blocks, h);
    bandEval.add(
      members.map((i) => ds.series[i] as BacktestSeries),
      hist.map((s) => s.y.length),
      res,
    );
    // One entry per block (weeks 1–4 | 5–13 …), each its members.
    choices.push([blocks.map((b) => b.result.evidence.chosen.join('+')).join(' | ')]);
    for (const c of res.evidence.candidates) {
      millis.set(c.alias, (millis.get(c.alias) ?? 0) + c.millis);
      fallbacks.set(c.alias, (fallbacks.get(c.alias) ?? 0) + c.fallbackShare / groups);
    }
    const all = { ...res.all, auto: res.forecasts.map((f) => f.forecast) };
    members.forEach((i, m) => {
      const s = ds.series[i] as BacktestSeries;
      const cutoff = (hist[m] as BacktestSeries).y.length;
      windows++;
      for (const [alias, fcs] of Object.entries(all)) {
        if (!fcs) continue;
        const f = fcs[m]!;
        const perSeries = bands.get(alias) ?? new Map();
        bands.set(alias, perSeries);
        const entry = perSeries.get(i) ?? { cutoffs: [], band: zeroForecast(0), actual: [] };
        perSeries.set(i, entry);
        entry.cutoffs.push(cutoff);
        entry.band = append(entry.band, f);
        for (let k = 0; k < h; k++) entry.actual.push(s.y[cutoff + k] ?? NaN);
      }
    });
    log(
      `${ds.name}: origin group ${g + 1}/${groups}, ${members.length} series, auto chose ${blocks.map((b) => `${b.result.evidence.chosen.join('+')}${blocks.length > 1 ? ` (weeks ${b.from}–${b.to})` : ''}`).join(', ')}`,
    );
  }
  const total = [...millis.values()].reduce((a, b) => a + b, 0);
  const scores: Partial<Record<string, ModelScores>> = {};
  const perSeries: DatasetResult['perSeries'] = {};
  const items = new Map<string, Map<number, ScoreItem>>();
  for (const [alias, bySeries] of bands) {
    const mine = new Map<number, ScoreItem>();
    for (const [i, e] of bySeries) {
      mine.set(i, {
        series: ds.series[i] as BacktestSeries,
        cutoffs: e.cutoffs,
        actual: Float64Array.from(e.actual),
        band: e.band,
      });
    }
    items.set(alias, mine);
    const report = scoreItems([...mine.values()], ds.season);
    const indices = [...mine.keys()];
    perSeries[alias] = new Map(report.perSku.map((p, k) => [indices[k] as number, p.scores]));
    const isCombo = alias === 'auto' || (STRATEGIES as readonly string[]).includes(alias);
    scores[alias] = {
      ...report.pooled,
      fit_seconds: (isCombo ? total : (millis.get(alias) ?? 0)) / 1000,
    };
  }
  const firstCutoff = new Map<number, number>();
  origins.forEach((o, i) => {
    if (o.length > 0) firstCutoff.set(i, o[0] as number);
  });
  return {
    name: ds.name,
    h,
    windows,
    series: ds.series.length,
    ended: ds.ended,
    scores,
    perSeries,
    breakdown: breakdown(items, firstCutoff, ds.season, ds.periodsPerWeek ?? 1),
    bands: bandEval.report(),
    choices,
    fallbackShare: Object.fromEntries(
      [...fallbacks].map(([k, v]) => [k, Math.round(v * 1000) / 1000]),
    ),
  };
}

function append(b: Forecast, f: Forecast): Forecast {
  const cat = (a: Float64Array, c: Float64Array): Float64Array => {
    const o = new Float64Array(a.length + c.length);
    o.set(a);
    o.set(c, a.length);
    return o;
  };
  return {
    point: cat(b.point, f.point),
    p10: cat(b.p10, f.p10),
    p50: cat(b.p50, f.p50),
    p90: cat(b.p90, f.p90),
  };
}

export type { Strategy };

export interface LibraryEvalOptions {
  split: EvalLibrarySplit;
  /** Validation only: origins this many weeks before the usual validation windows (loadDatasets). */
  earlier?: number;
  /** Only these datasets (default all found). */
  datasets?: readonly string[] | undefined;
  /** Only these aliases (default every registered model, and the TCN when given). */
  models?: readonly string[] | undefined;
  autoOptions?: Partial<AutoOptions>;
  /**
   * The shipped TCN. It joins on every dataset: its training (corpus.ts) stops
   * before the scored weeks of each (M4's test file unread, the last 24 weeks of
   * the seed and store-item series unseen).
   */
  tcn?: ((presence: FeaturePresence) => Model) | undefined;
  /**
   * tcn_tuned (the TCN with a head refitted on each origin's histories): a
   * candidate when given (evaluate-cli gives it with the TCN unless
   * --no-tuned), and then only if `models` names it or is unset.
   */
  tcnTuned?: (() => Model) | undefined;
  log?: (m: string) => void;
}

/** Every dataset found under ../shared, scored; [] when there is none. */
export async function libraryEval(opts: LibraryEvalOptions): Promise<DatasetResult[]> {
  const log = opts.log ?? ((): void => {});
  const out: DatasetResult[] = [];
  for (const ds of await loadDatasets(opts.split, process.cwd(), opts.earlier ?? 0)) {
    if (opts.datasets && !opts.datasets.includes(ds.name)) continue;
    if (ds.series.every((s) => ds.origins(s).length === 0)) {
      // A fold further back than a short dataset's history (the sample's one year).
      log(`${ds.name}: no series has a window there (history too short); left out`);
      continue;
    }
    // The models a forecast has without the network, which joins below as the options give it.
    const models: Model[] = availableModels().filter(
      (m) => !opts.models || opts.models.includes(m.alias),
    );
    if (opts.tcn && (!opts.models || opts.models.includes('tcn'))) {
      models.push(opts.tcn({ age: false, gender: false, quantity: false }));
    }
    if (opts.tcnTuned && (!opts.models || opts.models.includes('tcn_tuned'))) {
      models.push(opts.tcnTuned());
    }
    const t0 = performance.now();
    const r = await evaluateDataset(ds, models, opts.autoOptions ?? {}, log);
    r.seconds = (performance.now() - t0) / 1000;
    r.source = ds.source;
    out.push(r);
  }
  return out;
}
