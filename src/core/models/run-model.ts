// Runs one model over a batch of series with the library's guarantees: series
// a model cannot take go down the fallback chain, every value is finite and
// non-negative, and p10 <= p50 <= p90. The bands here are the model's own (or,
// for models without one, the spread of the history); calibrated bands come
// from src/core/backtest/ and replace them.

import { FALLBACK_CHAIN } from './registry';
import {
  type Forecast,
  type LocalModel,
  type Model,
  type ModelAlias,
  type ModelOutput,
  type ModelSettings,
  type SeriesInput,
  zeroForecast,
} from './types';

/** z of the 90th percentile of a normal distribution. */
const Z90 = 1.2815515655446004;

export interface SeriesForecast {
  forecast: Forecast;
  /** The model that made it: the one asked for, or the fallback that took a series it could not. */
  alias: ModelAlias;
}

/** True when `model` can forecast this series at this horizon. */
export function accepts(model: Model, y: Float64Array, h: number): boolean {
  return y.length >= model.minHistory && h <= model.maxHorizon;
}

export async function runModel(
  model: Model,
  batch: readonly SeriesInput[],
  h: number,
  settings: ModelSettings,
  chain: readonly LocalModel[] = FALLBACK_CHAIN,
): Promise<SeriesForecast[]> {
  const out: (SeriesForecast | undefined)[] = new Array(batch.length);
  if (model.kind === 'global') {
    const taken = batch.flatMap((s, i) => (accepts(model, s.y, h) ? [i] : []));
    const outputs =
      taken.length > 0
        ? await model.predictBatch(
            taken.map((i) => batch[i] as SeriesInput),
            h,
            settings,
          )
        : [];
    taken.forEach((i, k) => {
      const f = finish(outputs[k] as ModelOutput, (batch[i] as SeriesInput).y, h);
      if (f) out[i] = { forecast: f, alias: model.alias };
    });
  } else {
    batch.forEach((s, i) => {
      if (!accepts(model, s.y, h)) return;
      const f = finish(model.predict(model.fit(s.y, settings), s.y, h, settings), s.y, h);
      if (f) out[i] = { forecast: f, alias: model.alias };
    });
  }
  return batch.map((s, i) => out[i] ?? fallback(s.y, h, settings, chain));
}

/** The first model of the chain that takes the series; zeros for a series with no week at all. */
export function fallback(
  y: Float64Array,
  h: number,
  settings: ModelSettings,
  chain: readonly LocalModel[] = FALLBACK_CHAIN,
): SeriesForecast {
  for (const m of chain) {
    if (!accepts(m, y, h)) continue;
    const f = finish(m.predict(m.fit(y, settings), y, h, settings), y, h);
    if (f) return { forecast: f, alias: m.alias };
  }
  return {
    forecast: zeroForecast(h),
    alias: chain[chain.length - 1]?.alias ?? 'historic_average',
  };
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
  /** Written into when given (a backtest copies each forecast into its buffers: no garbage per window). */
  into?: Forecast,
): Forecast | undefined {
  if (out.point.length !== h) return undefined;
  const spread = Z90 * standardDeviation(y);
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
