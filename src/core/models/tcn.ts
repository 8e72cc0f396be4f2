// The TCN as a library model: a GlobalModel made from the descriptor and an
// injected runner (src/runtime/model-runner.ts in the app and CLI), so core
// never imports onnxruntime. One batched inference per call; its p10/p50/p90
// are the network's own quantile heads.

import {
  buildInputWindow,
  buildSequenceWindow,
  isSequenceInput,
  type FeaturePresence,
} from '../features';
import { civilFromDays, daysFromCivil, isoWeekOf, formatDay } from '../ingest/dates';
import type { ModelDescriptor } from '../model-descriptor';
import type { WeeklyRow } from '../types';
import type { GlobalModel, ModelOutput, SeriesInput } from './types';

/** Runs the network on `batch` windows laid out [batch, window, features]; returns [batch, horizon, quantiles]. */
export type RunModel = (x: Float32Array, batch: number) => Promise<Float32Array>;

/** Monday the synthetic calendar of a bare series (no dates, e.g. M4) ends on: any fixed Monday will do. */
const BARE_SERIES_LAST_MONDAY = daysFromCivil(2024, 12, 30);

/** Where p10, p50 and p90 sit among the network's quantile outputs. */
export function bandIndices(desc: ModelDescriptor): [number, number, number] {
  const index = (p: number): number => {
    const i = desc.output.quantiles.findIndex((v) => Math.abs(v - p) < 1e-9);
    if (i < 0) throw new Error(`the model descriptor has no ${p} quantile`);
    return i;
  };
  return [index(0.1), index(0.5), index(0.9)];
}

export function tcnModel(
  desc: ModelDescriptor,
  run: RunModel,
  presence: FeaturePresence,
): GlobalModel {
  const window = desc.input.window;
  const horizon = desc.output.horizon;
  const q = desc.output.quantiles;
  const [i10, i50, i90] = bandIndices(desc);
  const sequence = isSequenceInput(desc);
  return {
    kind: 'global',
    alias: 'tcn',
    reference: sequence
      ? `${desc.name} ${desc.version}: global temporal convolutional network over up to ${window} weeks of sales, quantile heads (models/MODEL_CARD.md).`
      : `${desc.name} ${desc.version}: temporal convolutional network over the last ${window} weeks, quantile heads (models/MODEL_CARD.md).`,
    minHistory: desc.input.minHistory ?? window,
    maxHorizon: horizon,
    async predictBatch(batch: readonly SeriesInput[], h: number): Promise<ModelOutput[]> {
      const stride = window * desc.input.features.length;
      const x = new Float32Array(batch.length * stride);
      const scales = new Float64Array(batch.length);
      batch.forEach((s, b) => {
        if (sequence) {
          scales[b] = buildSequenceWindow(s.y, isoWeeksOf(s), s.y.length, desc, x, b * stride);
          return;
        }
        const rows = s.rows ?? rowsOfBareSeries(s.y);
        const end = s.rows ? (s.end ?? rows.length) : rows.length;
        // A bare series has no quantity, age or gender: the model was trained to see them missing.
        const built = buildInputWindow(
          rows,
          end,
          desc,
          s.rows ? presence : { age: false, gender: false, quantity: false },
        );
        x.set(built.x, b * stride);
        scales[b] = built.scale;
      });
      const y = batch.length > 0 ? await run(x, batch.length) : new Float32Array(0);
      if (y.length !== batch.length * horizon * q.length) {
        throw new Error(`model returned ${y.length} values for ${batch.length} windows`);
      }
      return batch.map((_, b) => {
        const scale = scales[b] as number;
        const pick = (qi: number): Float64Array => {
          const out = new Float64Array(h);
          for (let k = 0; k < h; k++)
            out[k] = (y[(b * horizon + k) * q.length + qi] as number) * scale;
          return out;
        };
        const p50 = pick(i50);
        return { point: p50, quantiles: { p10: pick(i10), p50, p90: pick(i90) } };
      });
    },
  };
}

/**
 * The ISO week of each value of s.y: given (s.isoWeeks), or from the rows:
 * s.y holds the complete weeks up to the origin, so they are the last
 * y.length complete rows before `end`. Null for a bare series (no calendar)
 * or rows that do not line up.
 */
export function isoWeeksOf(s: SeriesInput): ArrayLike<number> | null {
  if (s.isoWeeks && s.isoWeeks.length === s.y.length) return s.isoWeeks;
  const rows = s.rows;
  if (!rows) return null;
  const n = s.y.length;
  const out = new Uint8Array(n);
  let k = n;
  for (let i = Math.min(s.end ?? rows.length, rows.length) - 1; i >= 0 && k > 0; i--) {
    const r = rows[i] as WeeklyRow;
    if (r.partial === 0) out[--k] = r.iso_week;
  }
  return k === 0 ? out : null;
}

/**
 * Weekly rows for a series known only by its values: one sale a week, Mondays
 * ending on a fixed date, rolling means as the ingestion computes them
 * (§2 of the data contract, ../shared/design/CONTRACT.md, outside the
 * repository: over the weeks that exist when fewer than k).
 */
export function rowsOfBareSeries(y: Float64Array): WeeklyRow[] {
  const n = y.length;
  const rows: WeeklyRow[] = [];
  for (let t = 0; t < n; t++) {
    const day = BARE_SERIES_LAST_MONDAY - 7 * (n - 1 - t);
    const { isoYear, isoWeek } = isoWeekOf(day);
    const mean = (k: number): number => {
      let s = 0;
      const from = Math.max(0, t - k + 1);
      for (let i = from; i <= t; i++) s += y[i] as number;
      return s / (t - from + 1);
    };
    const amount = y[t] as number;
    rows.push({
      sku: '',
      seed_id: -1,
      week_start: formatDay(day),
      iso_year: isoYear,
      iso_week: isoWeek,
      month: civilFromDays(day).month,
      partial: 0,
      total_amount: amount,
      quantity: 0,
      transactions: amount !== 0 ? 1 : 0,
      age: 0,
      male: 0,
      female: 0,
      price_per_unit: 0,
      window_mean_4: mean(4),
      window_mean_5: mean(5),
      window_mean_6: mean(6),
      window_mean_7: mean(7),
    });
  }
  return rows;
}
