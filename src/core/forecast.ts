// The forecast pipeline: weekly table -> model input windows -> one batched
// model run -> p10/p50/p90 per sku and horizon week in money, plus category
// totals. Pure: the model is a function passed in (src/runtime/model-runner.ts
// in the app and CLI), so this file runs in the worker, in Node and in tests.

import { categoryTotals, type CategoryForecast, type ForecastWeek } from './category-totals';
import { buildInputWindow, type FeaturePresence } from './features';
import { firstSaleIndex, historyLength, lastCompleteIndex } from './history';
import { errorText } from './error-text';
import { daysFromCivil, formatDay } from './ingest/dates';
import type { ModelDescriptor } from './model-descriptor';
import { meanOf } from './stats/mean';
import { quantileSorted } from './stats/quantile';
import type { SkuSeries, WeeklyRow, WeeklyTable } from './types';
import type { SkuAccuracy } from './backtest/auto';

export type { SkuAccuracy } from './backtest/auto';

export type { CategoryForecast, ForecastWeek } from './category-totals';

/** Runs the model on `batch` windows laid out [batch, window, features]; returns [batch, horizon, quantiles]. */
export type RunModel = (x: Float32Array, batch: number) => Promise<Float32Array>;

export const DEFAULT_HORIZON = 4;
export const MAX_HORIZON = 12;

/** Why a sku did not get the model's forecast. */
export type BaselineReason = 'short history';

/** One sku's forecast; the same shape whether the model or the baseline made it. */
export interface SkuForecast {
  sku: string;
  /** '' when the file has no category column. */
  category: string;
  /** The seed's product id 0-14, or -1. */
  seed_id: number;
  /**
   * Alias of what made the forecast: a library model ('ets', 'theta', 'tcn'…), an
   * ensemble ('ensemble_median'), or 'baseline' (the TCN-only pipeline's short-history rule).
   */
  model: string;
  reason?: BaselineReason;
  /** How this sku's chosen forecast did on its own recent weeks (auto's validation windows). */
  accuracy?: SkuAccuracy;
  /** Plain-language flags a planner filters by. */
  flags?: SkuFlag[];
  /** Validation score of each candidate model on this sku (lower is better; the run's selection metric). */
  scores?: Record<string, number>;
  /** Complete weeks since the sku's first sale, up to the forecast origin. */
  historyWeeks: number;
  /** Human explanation for a baseline forecast. */
  note?: string;
  weeks: ForecastWeek[];
}

/** Why a sku needs a second look. */
export type SkuFlag = 'short history' | 'intermittent' | 'fallback';

/** The model choice of a run: how auto chose, and every candidate's validation score. */
export interface SelectionSummary {
  /** 'auto' or the alias the user asked for. */
  requested: string;
  /** Plain-language rule, e.g. "median of the 3 models with the lowest validation error". */
  rule: string;
  /** The models that make the forecasts (one, or an ensemble's members). */
  chosen: string[];
  candidates: { alias: string; score: number; wape: number; rank: number; millis: number }[];
  excluded: { alias: string; reason: string }[];
  /** Pooled validation accuracy of the shipped forecasts. */
  accuracy: { wape: number; coverage: number; windows: number };
  /** How the p10–p90 band is made. */
  intervalMethod: string;
}

export interface ForecastTimings {
  /** Building input windows, ms. */
  prepareMs: number;
  /** The model run(s), ms. */
  inferenceMs: number;
  /** Unscaling, baselines and category totals, ms. */
  finishMs: number;
}

export interface ForecastMetadata {
  modelName: string;
  modelVersion: string;
  horizon: number;
  /** Input window of the model (complete weeks). */
  window: number;
  /** Monday of the last complete week of the data: the forecast origin. */
  lastCompleteWeek: string;
  /** Monday of horizon week 1. */
  firstForecastWeek: string;
  /** Execution provider of the model run, filled in by the caller that knows it. */
  provider?: string;
  timings?: ForecastTimings;
  skusModel: number;
  skusBaseline: number;
  /** How baseline forecasts and their intervals are made. */
  baselineMethod: string;
  /** How category intervals are made (independence assumption included). */
  categoryMethod: string;
  /** Present when the model library made the forecasts. */
  selection?: SelectionSummary;
}

export interface ForecastResult {
  /** In the weekly table's sku order. */
  skus: SkuForecast[];
  /** Sorted by category name. */
  categories: CategoryForecast[];
  metadata: ForecastMetadata;
}

export interface ForecastOptions {
  /** Weeks to forecast, 1..min(12, descriptor horizon); default 4. */
  horizon?: number;
  /** Optional columns present in the file; default from table.report. */
  presence?: FeaturePresence;
  /** Simulated draws for category intervals (see category-totals.ts). */
  categoryDraws?: number;
}

/** A problem the user can fix (bad option, data with no usable week); never a bug. */
export class ForecastError extends Error {
  constructor(
    readonly code:
      | 'bad-horizon'
      | 'bad-model'
      | 'no-series'
      | 'no-complete-week'
      | 'bad-descriptor'
      | 'bad-model-output',
    message: string,
  ) {
    super(message);
    this.name = 'ForecastError';
  }
}

export const BASELINE_METHOD =
  'skus with fewer complete weeks since their first sale than the model window get a flat forecast: ' +
  'p50 = mean of those weeks; p10/p90 = 10th/90th percentile of those weeks (widened to contain p50) ' +
  'when there are at least 2, else 0 and 2 x p50';

/** Checks a requested horizon against the model; returns it or throws ForecastError. */
export function resolveHorizon(requested: number | undefined, desc: ModelDescriptor): number {
  const max = Math.min(MAX_HORIZON, desc.output.horizon);
  const horizon = requested ?? Math.min(DEFAULT_HORIZON, max);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > max) {
    throw new ForecastError(
      'bad-horizon',
      `horizon must be a whole number of weeks from 1 to ${max} (the model forecasts up to ${desc.output.horizon}), got ${String(requested)}`,
    );
  }
  return horizon;
}

/**
 * Forecasts every sku of the table. Skus with at least `window` complete weeks
 * since their first sale go through the model in one batched run; the others get
 * the documented baseline, marked `model: 'baseline'`.
 */
export async function forecastTable(
  table: WeeklyTable,
  desc: ModelDescriptor,
  runModel: RunModel,
  opts: ForecastOptions = {},
): Promise<ForecastResult> {
  const t0 = now();
  const horizon = resolveHorizon(opts.horizon, desc);
  const window = desc.input.window;
  const featureCount = desc.input.features.length;
  const quantileIndex = pickQuantiles(desc.output.quantiles);
  const first = table.series[0];
  if (!first) throw new ForecastError('no-series', 'the data has no sku to forecast');
  // Partial weeks are calendar-wide, so every sku shares the forecast origin.
  const origin = lastCompleteIndex(first.rows);
  if (origin < 0) {
    throw new ForecastError(
      'no-complete-week',
      'the data covers no complete week (Monday to Sunday); at least one is needed to forecast',
    );
  }
  const lastCompleteWeek = (first.rows[origin] as WeeklyRow).week_start;
  const horizonWeeks = Array.from({ length: horizon }, (_, h) =>
    addDays(lastCompleteWeek, 7 * (h + 1)),
  );
  const presence: FeaturePresence = opts.presence ?? {
    age: table.report.hasAge,
    gender: table.report.hasGender,
    quantity: table.report.hasQuantity,
  };

  // Input windows for the skus the model can take, in one contiguous buffer.
  const modelSkus: { index: number; scale: number }[] = [];
  const historyWeeks = table.series.map((s) => historyLength(s.rows, origin));
  for (let i = 0; i < table.series.length; i++) {
    if ((historyWeeks[i] as number) >= window) modelSkus.push({ index: i, scale: 0 });
  }
  const stride = window * featureCount;
  const x = new Float32Array(modelSkus.length * stride);
  for (let b = 0; b < modelSkus.length; b++) {
    const entry = modelSkus[b] as { index: number; scale: number };
    const series = table.series[entry.index] as SkuSeries;
    let built: { x: Float32Array; scale: number };
    try {
      built = buildInputWindow(series.rows, origin + 1, desc, presence);
    } catch (e) {
      // Only a descriptor that does not match features.ts gets here (windows were checked above).
      throw new ForecastError('bad-descriptor', `cannot build the model input: ${errorText(e)}`);
    }
    if (built.x.length !== stride) {
      throw new ForecastError(
        'bad-descriptor',
        `input window has ${built.x.length} values, expected ${stride}`,
      );
    }
    x.set(built.x, b * stride);
    entry.scale = built.scale;
  }
  const t1 = now();

  const outHorizon = desc.output.horizon;
  const q = desc.output.quantiles.length;
  let y: Float32Array = new Float32Array(0);
  if (modelSkus.length > 0) {
    y = await runModel(x, modelSkus.length);
    if (y.length !== modelSkus.length * outHorizon * q) {
      throw new ForecastError(
        'bad-model-output',
        `model returned ${y.length} values for ${modelSkus.length} windows, expected ${modelSkus.length * outHorizon * q}`,
      );
    }
  }
  const t2 = now();

  const skus: SkuForecast[] = table.series.map((s, i) => ({
    sku: s.sku,
    category: s.category,
    seed_id: s.seed_id,
    model: 'tcn',
    historyWeeks: historyWeeks[i] as number,
    weeks: [],
  }));
  const [i10, i50, i90] = quantileIndex;
  for (let b = 0; b < modelSkus.length; b++) {
    const entry = modelSkus[b] as { index: number; scale: number };
    const target = skus[entry.index] as SkuForecast;
    for (let h = 0; h < horizon; h++) {
      const o = (b * outHorizon + h) * q;
      const sorted = sort3(
        (y[o + i10] as number) * entry.scale,
        (y[o + i50] as number) * entry.scale,
        (y[o + i90] as number) * entry.scale,
      );
      target.weeks.push({
        week_start: horizonWeeks[h] as string,
        horizon_week: h + 1,
        p10: Math.max(0, sorted[0]),
        p50: Math.max(0, sorted[1]),
        p90: Math.max(0, sorted[2]),
      });
    }
  }
  for (let i = 0; i < skus.length; i++) {
    const target = skus[i] as SkuForecast;
    if (target.weeks.length > 0) continue;
    const series = table.series[i] as SkuSeries;
    const level = baselineLevel(series.rows, origin);
    target.model = 'baseline';
    target.reason = 'short history';
    target.note =
      target.historyWeeks === 0
        ? `no sales in the complete weeks of the data; the model needs ${window}`
        : `only ${target.historyWeeks} complete week${target.historyWeeks === 1 ? '' : 's'} since the first sale; the model needs ${window}`;
    target.weeks = horizonWeeks.map((week_start, h) => ({
      week_start,
      horizon_week: h + 1,
      ...level,
    }));
  }

  const totals = categoryTotals(
    skus,
    opts.categoryDraws === undefined ? {} : { draws: opts.categoryDraws },
  );
  const t3 = now();
  return {
    skus,
    categories: totals.categories,
    metadata: {
      modelName: desc.name,
      modelVersion: desc.version,
      horizon,
      window,
      lastCompleteWeek,
      firstForecastWeek: horizonWeeks[0] as string,
      timings: { prepareMs: t1 - t0, inferenceMs: t2 - t1, finishMs: t3 - t2 },
      skusModel: modelSkus.length,
      skusBaseline: skus.length - modelSkus.length,
      baselineMethod: BASELINE_METHOD,
      categoryMethod: totals.method,
    },
  };
}

/** The baseline rule of BASELINE_METHOD, over the sku's complete weeks since its first sale. */
function baselineLevel(
  rows: readonly WeeklyRow[],
  origin: number,
): { p10: number; p50: number; p90: number } {
  const start = firstSaleIndex(rows);
  const values: number[] = [];
  if (start >= 0) {
    for (let i = start; i <= origin; i++) {
      const r = rows[i] as WeeklyRow;
      if (r.partial === 0) values.push(r.total_amount);
    }
  }
  const p50 = Math.max(0, meanOf(values));
  if (values.length < 2) return { p10: 0, p50, p90: 2 * p50 };
  values.sort((a, b) => a - b);
  return {
    p10: Math.max(0, Math.min(p50, quantileSorted(values, 0.1))),
    p50,
    p90: Math.max(p50, quantileSorted(values, 0.9)),
  };
}

/** Output positions of the 0.1, 0.5 and 0.9 quantiles. */
function pickQuantiles(quantiles: readonly number[]): [number, number, number] {
  const find = (p: number): number => {
    const i = quantiles.findIndex((v) => Math.abs(v - p) < 1e-9);
    if (i < 0) {
      throw new ForecastError(
        'bad-descriptor',
        `the model descriptor has no ${p} quantile (has ${quantiles.join(', ')})`,
      );
    }
    return i;
  };
  return [find(0.1), find(0.5), find(0.9)];
}

/** Quantile crossing is repaired by sorting (rearrangement), which keeps the set of values. */
function sort3(a: number, b: number, c: number): [number, number, number] {
  if (a > b) [a, b] = [b, a];
  if (b > c) [b, c] = [c, b];
  if (a > b) [a, b] = [b, a];
  return [a, b, c];
}

/** YYYY-MM-DD plus whole days, on day numbers (no Date, no time zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return formatDay(daysFromCivil(y, m, d) + days);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
