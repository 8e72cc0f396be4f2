// Where a model runs: `forecastOne` takes one model and one series through
// the library's guarantees (accept → fit/predict → finish → fallback chain),
// and everything that forecasts calls it: the backtest (backtest/
// cross-validation.ts, from which `auto` and the forecast pipeline get every
// forecast), runModel below and the model contract suite. A series the model
// cannot take goes down the fallback chain; a model that throws or gives a
// non-finite value is recorded as failed and the chain takes its series;
// every value is finite and non-negative, and p10 <= p50 <= p90. The bands
// here are the model's own (or, for models without one, the spread of the
// history); calibrated bands come from src/core/backtest/ and replace them.

import { Z90 } from '../stats/normal';
import { FALLBACK_CHAIN } from './registry';
import {
  type Forecast,
  type GlobalModel,
  type LocalModel,
  type Model,
  type ModelAlias,
  type ModelOutput,
  type ModelSettings,
  type SeriesInput,
  zeroForecast,
} from './types';

export interface SeriesForecast {
  forecast: Forecast;
  /** The model that made it: the one asked for, or the fallback that took a series it could not. */
  alias: ModelAlias;
}

/** A local model's fitted parameters, boxed: a model's parameters may themselves be undefined. */
export interface Fitted {
  params: unknown;
}

export interface ForecastOneOptions {
  settings: ModelSettings;
  chain?: readonly LocalModel[] | undefined;
  /**
   * A local model's parameters fitted on an earlier, shorter history of the
   * series (a backtest without refit): predict rolls their state forward over
   * y instead of fitting again.
   */
  fitted?: Fitted | undefined;
  /**
   * A global model's output for this series, from its batch (runModel and the
   * backtest run the batch); none when the batch gave none.
   */
  output?: ModelOutput | undefined;
  /** Written into when given (a backtest copies each forecast into its buffers: no garbage per window). */
  into?: Forecast | undefined;
  /**
   * The caller keeps the point alone (a backtest with pointsOnly): a model
   * without quantiles gets p10 = p50 = point instead of the history's ± z90 sd,
   * which a backtest of 5,000 skus computed a million times to throw away.
   */
  pointsOnly?: boolean | undefined;
}

export interface OneForecast extends SeriesForecast {
  /** The model took the series but threw or gave a non-finite forecast: the fallback chain made it. */
  failed: boolean;
  /** A local model's parameters this forecast used (fitted now or passed in); absent when none were fitted. */
  fitted?: Fitted;
}

/** True when `model` can forecast this series at this horizon. */
export function accepts(model: Model, y: Float64Array, h: number): boolean {
  return y.length >= model.minHistory && h <= model.maxHorizon;
}

/** One model on one series (its values y up to the origin), h weeks ahead. */
export function forecastOne(
  model: Model,
  y: Float64Array,
  h: number,
  opts: ForecastOneOptions,
): OneForecast {
  const { settings, chain = FALLBACK_CHAIN, into } = opts;
  const band = opts.pointsOnly !== true;
  if (!accepts(model, y, h))
    return { ...fallback(y, h, settings, chain, into, band), failed: false };
  let fitted = opts.fitted;
  let f: Forecast | undefined;
  if (model.kind === 'global') {
    f = opts.output ? finish(opts.output, y, h, into, band) : undefined;
  } else {
    try {
      fitted ??= { params: model.fit(y, settings) };
      f = finish(model.predict(fitted.params, y, h, settings), y, h, into, band);
    } catch {
      f = undefined;
    }
  }
  const out: OneForecast = f
    ? { forecast: f, alias: model.alias, failed: false }
    : { ...fallback(y, h, settings, chain, into, band), failed: true };
  if (fitted) out.fitted = fitted;
  return out;
}

/** One model over a batch of series: a global model's batch run once, then forecastOne per series. */
export async function runModel(
  model: Model,
  batch: readonly SeriesInput[],
  h: number,
  settings: ModelSettings,
  chain: readonly LocalModel[] = FALLBACK_CHAIN,
): Promise<SeriesForecast[]> {
  const outputs = model.kind === 'global' ? await batchOutputs(model, batch, h, settings) : [];
  return batch.map((s, i) => {
    const { forecast, alias } = forecastOne(model, s.y, h, { settings, chain, output: outputs[i] });
    return { forecast, alias };
  });
}

/** A global model's outputs for the series it accepts, at their places in the batch. */
async function batchOutputs(
  model: GlobalModel,
  batch: readonly SeriesInput[],
  h: number,
  settings: ModelSettings,
): Promise<(ModelOutput | undefined)[]> {
  const taken = batch.flatMap((s, i) => (accepts(model, s.y, h) ? [i] : []));
  if (taken.length === 0) return [];
  const outputs = await model.predictBatch(
    taken.map((i) => batch[i] as SeriesInput),
    h,
    settings,
  );
  const at = new Array<ModelOutput | undefined>(batch.length);
  taken.forEach((i, k) => (at[i] = outputs[k]));
  return at;
}

/** The first model of the chain that takes the series; zeros for a series with no week at all. */
export function fallback(
  y: Float64Array,
  h: number,
  settings: ModelSettings,
  chain: readonly LocalModel[] = FALLBACK_CHAIN,
  into?: Forecast,
  band = true,
): SeriesForecast {
  for (const m of chain) {
    if (!accepts(m, y, h)) continue;
    const f = finish(m.predict(m.fit(y, settings), y, h, settings), y, h, into, band);
    if (f) return { forecast: f, alias: m.alias };
  }
  const zeros = into ?? zeroForecast(h);
  if (into) for (const q of [into.point, into.p10, into.p50, into.p90]) q.fill(0);
  return { forecast: zeros, alias: chain[chain.length - 1]?.alias ?? 'historic_average' };
}

/**
 * Attaches a band where the model has none (p50 = point, ± z90 × the history's
 * standard deviation), clamps at zero and sorts the quantiles. Undefined when the
 * model produced a non-finite value, so the caller falls back.
 */
export function finish(
  out: ModelOutput,
  y: Float64Array,
  h: number,
  /** Written into when given. */
  into?: Forecast,
  /** False: no band where the model has none (p10 = p50 = p90 = point; see ForecastOneOptions.pointsOnly). */
  band = true,
): Forecast | undefined {
  if (out.point.length !== h) return undefined;
  // Finite for a finite history, so whether a forecast is finite does not depend on it.
  const spread = band && !out.quantiles ? Z90 * standardDeviation(y) : 0;
  const f = into ?? zeroForecast(h);
  for (let k = 0; k < h; k++) {
    const point = out.point[k] as number;
    const q = out.quantiles;
    let lo = q ? (q.p10[k] as number) : point - spread;
    let mid = q ? (q.p50[k] as number) : point;
    let hi = q ? (q.p90[k] as number) : point + spread;
    if (!Number.isFinite(point + lo + mid + hi)) return undefined;
    // Rearrangement repairs crossed quantiles without inventing values.
    if (lo > mid) [lo, mid] = [mid, lo];
    if (mid > hi) [mid, hi] = [hi, mid];
    if (lo > mid) [lo, mid] = [mid, lo];
    f.point[k] = Math.max(0, point);
    f.p10[k] = Math.max(0, lo);
    f.p50[k] = Math.max(0, mid);
    f.p90[k] = Math.max(0, hi);
  }
  return f;
}

function standardDeviation(y: Float64Array): number {
  if (y.length < 2) return 0;
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let ss = 0;
  for (const v of y) ss += (v - m) ** 2;
  return Math.sqrt(ss / (y.length - 1));
}
