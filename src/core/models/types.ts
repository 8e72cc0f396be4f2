// The model contract of the library (statsforecast and augurs are the
// references): every model, classical or neural, takes a batch of weekly
// series and a horizon and returns one Forecast per series — the same type for
// all. Models see only complete weeks; the caller picks them from the table.

import type { WeeklyRow } from '../types';

/** Aliases, snake_case: the CLI's --model values, the backtest columns and the eval report keys. */
export type ModelAlias =
  | 'naive'
  | 'seasonal_naive'
  | 'window_average'
  | 'historic_average'
  | 'drift'
  | 'ses'
  | 'holt'
  | 'ets'
  | 'theta'
  | 'otm'
  | 'auto_theta'
  | 'croston'
  | 'tsb'
  | 'adida'
  | 'imapa'
  | 'tcn'
  | 'tcn_tuned'
  | 'category_profile'
  | 'ensemble_mean'
  | 'ensemble_median'
  | 'auto';

/** One series as a model sees it at one forecast origin. */
export interface SeriesInput {
  /** Complete weekly values since the sku's first sale, oldest first, up to the origin. */
  y: Float64Array;
  /**
   * The sku's weekly rows and the row index just after the origin, for models that read
   * more than the amounts (the TCN's features). Absent for bare series (M4).
   */
  rows?: readonly WeeklyRow[];
  end?: number;
  /**
   * ISO week (1–53) of each value of y, when known without rows (a series of
   * the table's typed columns): the same weeks `rows` would give.
   */
  isoWeeks?: ArrayLike<number> | undefined;
  /** The sku's category, for models that pool over it (category_profile); absent for bare series. */
  category?: string | undefined;
}

/** Settings every model receives; the same for a whole run. */
export interface ModelSettings {
  /** Season length in weeks (52 for weekly data); seasonal models need two of them. */
  seasonLength: number;
}

export const DEFAULT_SETTINGS: ModelSettings = { seasonLength: 52 };

/** One result type for every model: h values each, in the series' own units. */
export interface Forecast {
  /** The model's point forecast (its mean, or its median where it has no mean). */
  point: Float64Array;
  p10: Float64Array;
  p50: Float64Array;
  p90: Float64Array;
}

/** A forecast of h zeros, to be filled in. */
export function zeroForecast(h: number): Forecast {
  return {
    point: new Float64Array(h),
    p10: new Float64Array(h),
    p50: new Float64Array(h),
    p90: new Float64Array(h),
  };
}

/** What a model computes before intervals are attached: its point and, if it has them, its own quantiles. */
export interface ModelOutput {
  point: Float64Array;
  quantiles?: { p10: Float64Array; p50: Float64Array; p90: Float64Array };
  /** The forecast of the model its GlobalModel names in `carries`, from the same window. */
  carried?: ModelOutput;
}

interface ModelInfo {
  readonly alias: ModelAlias;
  /** The published definition the implementation follows. */
  readonly reference: string;
  /** Fewest complete weeks the model accepts; shorter series go down the fallback chain. */
  readonly minHistory: number;
  /** Longest horizon it can forecast (Infinity for the classical models). */
  readonly maxHorizon: number;
}

/**
 * A model fitted per series. `fit` estimates parameters on y; `predict` runs the
 * model's state over y (which may be longer than what it was fitted on: that is
 * how a backtest without refit rolls the state forward) and forecasts h steps.
 */
export interface LocalModel<P = unknown> extends ModelInfo {
  readonly kind: 'local';
  fit(y: Float64Array, settings: ModelSettings): P;
  predict(params: P, y: Float64Array, h: number, settings: ModelSettings): ModelOutput;
}

/** What a pooled model learned from one batch (GlobalModel.fitBatch); only that model reads it. */
export interface BatchFit {
  readonly alias: ModelAlias;
}

/** A model run once over a whole batch (the TCN: one batched inference). */
export interface GlobalModel extends ModelInfo {
  readonly kind: 'global';
  /**
   * Its forecasts depend on the whole batch (tcn_tuned fits on it), so every
   * series of a batch must share one origin: a backtest then gives it all
   * series at one cutoff at once, never a mix of cutoffs, where a later
   * cutoff's history would hold an earlier one's targets.
   */
  readonly pooled?: boolean;
  /**
   * Its fit serves only the origin it was made at (category_profile reads
   * its profile by weeks before that origin): a backtest refits it at every
   * origin, earlier calibration origins included.
   */
  readonly alignedFit?: boolean;
  /**
   * A model this one computes on its way, whose forecast each output carries
   * (ModelOutput.carried): tcn_tuned runs the frozen network, tcn, at every
   * window it forecasts. A backtest of both takes that model's forecasts from
   * this one's run instead of running the network twice over every window.
   */
  readonly carries?: ModelAlias;
  /**
   * A pooled model's fit on a batch (every series at one origin), which
   * predictBatch then uses instead of fitting on its own batch: a backtest
   * keeps a fit for the next few origins (cross-validation.ts), where it has
   * seen only weeks before each of them.
   */
  fitBatch?(batch: readonly SeriesInput[], h: number, settings: ModelSettings): Promise<BatchFit>;
  predictBatch(
    batch: readonly SeriesInput[],
    h: number,
    settings: ModelSettings,
    fit?: BatchFit,
  ): Promise<ModelOutput[]>;
}

export type Model = LocalModel | GlobalModel;
