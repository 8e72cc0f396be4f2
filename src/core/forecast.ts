// What a forecast run produces, whichever models made it (the pipeline is
// forecast-library.ts): per sku p10/p50/p90 for each horizon week in the
// data's own units, category totals, and metadata saying how it was made.
// Shared by the worker, the CLI, the exports and the page.

import type { CategoryForecast, ForecastWeek } from './category-totals';
import type { SkuAccuracy } from './backtest/scores';
import { weeksAfter } from './calendar';
import { lastCompleteIndex, lastCompleteOfCalendar } from './history';
import type { Measure, WeeklyRow, WeeklyTable } from './types';

export type { SkuAccuracy } from './backtest/scores';
export type { CategoryForecast, ForecastWeek } from './category-totals';
export type { RunModel } from './models/tcn';

export const DEFAULT_HORIZON = 4;
/** Longest horizon of the classical models; a model trained for less (the TCN: 26) sits out longer ones. */
export const MAX_HORIZON = 52;

/** Why a sku did not get the chosen models' forecast. */
export type FallbackReason = 'short history';

/** One sku's forecast; the same shape whether the chosen models or a fallback made it. */
export interface SkuForecast {
  sku: string;
  /** '' when the file has no category column. */
  category: string;
  /** A sku made of several columns: their values, in ForecastMetadata.skuColumns order. */
  parts?: string[];
  /** The seed's product id 0-14, or -1. */
  seed_id: number;
  /**
   * Alias of what made the forecast: a library model ('ets', 'theta', 'tcn'…), an
   * ensemble ('ensemble_mean'), or the fallback that took a sku too short for the chosen models.
   */
  model: string;
  reason?: FallbackReason;
  /** How this sku's chosen forecast did on its own recent weeks (auto's validation windows). */
  accuracy?: SkuAccuracy;
  /** Plain-language flags a planner filters by. */
  flags?: SkuFlag[];
  /** Validation score of each candidate model on this sku (lower is better; the run's selection metric). */
  scores?: Record<string, number>;
  /** Complete weeks since the sku's first sale, up to the forecast origin. */
  historyWeeks: number;
  /** Human explanation for a fallback forecast. */
  note?: string;
  weeks: ForecastWeek[];
}

/** Why a sku needs a second look; `ended`: no sale in the last year (ENDED_WEEKS), so its forecast and band are 0. */
export type SkuFlag = 'short history' | 'intermittent' | 'fallback' | 'ended';

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
  /** Horizon blocks beyond the first (weeks 5–13, 14–26, 27–52), each chosen on its own backtest. */
  blocks?: {
    from: number;
    to: number;
    chosen: string[];
    excluded: { alias: string; reason: string }[];
    accuracy: { wape: number; coverage: number; windows: number };
  }[];
  /** How the p10–p90 band is made. */
  intervalMethod: string;
}

export interface ForecastTimings {
  /** Picking each sku's history, ms. */
  prepareMs: number;
  /** Backtest, model choice and forecasts, ms. */
  inferenceMs: number;
  /** Category totals, ms. */
  finishMs: number;
}

export interface ForecastMetadata {
  /** A sku made of several columns (`--map sku=Store+Item`): their names; the exports add a column for each. */
  skuColumns?: string[];
  modelName: string;
  modelVersion: string;
  horizon: number;
  /** Input window of the TCN when it took part (complete weeks), else 0. */
  window: number;
  /** Monday of the last complete week of the data: the forecast origin. */
  lastCompleteWeek: string;
  /** Monday of horizon week 1. */
  firstForecastWeek: string;
  /** Execution provider of the model run, filled in by the caller that knows it. */
  provider?: string;
  timings?: ForecastTimings;
  /** Skus forecast by the chosen models, and by a fallback (too short for them). */
  skusModel: number;
  skusFallback: number;
  /** How fallback forecasts are made. */
  fallbackMethod: string;
  /** How category intervals are made (independence assumption included). */
  categoryMethod: string;
  /** Present when the model library made the forecasts. */
  selection?: SelectionSummary;
  /** What p10/p50/p90 count: units sold or money (the table's report.measure). */
  measure?: Measure;
}

export interface ForecastResult {
  /** In the weekly table's sku order. */
  skus: SkuForecast[];
  /** Sorted by category name. */
  categories: CategoryForecast[];
  /** The grand total over every sku (category ''), with its own band. */
  total?: CategoryForecast;
  metadata: ForecastMetadata;
}

/** A problem the user can fix (bad option, data with no usable week); never a bug. */
export class ForecastError extends Error {
  constructor(
    readonly code:
      'bad-horizon' | 'bad-model' | 'no-series' | 'no-complete-week' | 'number-too-large',
    message: string,
  ) {
    super(message);
    this.name = 'ForecastError';
  }
}

/** The forecast origin of a table: its last complete week (shared by every sku) and the weeks after it. */
export function forecastOrigin(
  table: WeeklyTable,
  horizon: number,
): { origin: number; lastCompleteWeek: string; horizonWeeks: string[] } {
  const first = table.series[0];
  if (!first) throw new ForecastError('no-series', 'the data has no sku to forecast');
  // Partial weeks are calendar-wide, so every sku shares the forecast origin
  // (read from the table's calendar when it has one: no rows made).
  const cal = first.columns?.calendar;
  const origin = cal ? lastCompleteOfCalendar(cal.partial) : lastCompleteIndex(first.rows);
  if (origin < 0) {
    throw new ForecastError(
      'no-complete-week',
      'the data covers no complete week (Monday to Sunday); at least one is needed to forecast',
    );
  }
  const lastCompleteWeek = cal
    ? (cal.week_start[origin] as string)
    : (first.rows[origin] as WeeklyRow).week_start;
  const horizonWeeks = Array.from({ length: horizon }, (_, h) =>
    weeksAfter(lastCompleteWeek, h + 1),
  );
  return { origin, lastCompleteWeek, horizonWeeks };
}
