// Weekly rows -> model input. Shared by training and the app runtime so the
// two cannot drift: whatever the model saw in training is built here, and the
// descriptor (models/tcn.json) names the exact feature order and scale rule.
//
// Contract (descriptor.scaling.rule):
// - The window is the last `window` weeks before `end` (exclusive), all complete.
// - scale = mean |total_amount| over the complete weeks before `end` (at most
//   the last `historyWeeks` of them, the long-run level, not just the window),
//   floored at `minScale`. Money features are divided by it; model output is in
//   the same unit, so money = output * scale (the runtime clamps at 0).
// - Missing columns (age, gender, quantity) are zeroed and flagged, so a file
//   without them gets the input the model was trained to handle.

import type { ModelDescriptor } from './model-descriptor';
import { detectStrongSeasonality, isSeasonal, MIN_SEASONAL_STRENGTH } from './stats/seasonality';
import type { WeeklyRow } from './types';

/** Feature order of the input tensor (descriptor.input.features must equal this). */
export const FEATURE_NAMES = [
  'total_amount',
  'quantity',
  'transactions',
  'age',
  'male_share',
  'female_share',
  'price_per_unit',
  'window_mean_4',
  'window_mean_5',
  'window_mean_6',
  'window_mean_7',
  'iso_week_sin',
  'iso_week_cos',
  'month_sin',
  'month_cos',
  'has_age',
  'has_gender',
  'has_quantity',
  'history_cv',
  'history_zero_share',
  'history_length',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Features divided by the per-series money scale. */
export const SCALED_FEATURES: readonly FeatureName[] = [
  'total_amount',
  'window_mean_4',
  'window_mean_5',
  'window_mean_6',
  'window_mean_7',
];

export const DEFAULT_MIN_SCALE = 1e-6;
/** Weeks of history the long-run statistics (scale, cv, zero share) look at. */
export const DEFAULT_HISTORY_WEEKS = 104;

export const SCALING_RULE =
  'scale = max(minScale, mean(|total_amount|) over the complete weeks before the forecast origin, ' +
  'at most the last historyWeeks of them); total_amount and window_mean_4..7 are divided by scale; ' +
  'quantity and transactions are divided by their own mean over the same weeks; ratios are clipped to ±50; ' +
  'price_per_unit enters as log1p(price_per_unit / scale); model output * scale = money (clamp at 0)';

/** Which optional columns the user's file really has. */
export interface FeaturePresence {
  age: boolean;
  gender: boolean;
  quantity: boolean;
}

export const ALL_PRESENT: FeaturePresence = { age: true, gender: true, quantity: true };

/** Indices of rows that are complete weeks (partial weeks are neither input nor target). */
export function completeWeekIndices(rows: readonly WeeklyRow[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) if ((rows[i] as WeeklyRow).partial === 0) out.push(i);
  return out;
}

/** True when the `window` rows before `end` exist and are all complete weeks. */
export function hasFullWindow(rows: readonly WeeklyRow[], end: number, window: number): boolean {
  if (end - window < 0 || end > rows.length) return false;
  for (let i = end - window; i < end; i++) if ((rows[i] as WeeklyRow).partial !== 0) return false;
  return true;
}

/**
 * Exclusive end of the latest usable window: one past the last complete week.
 * -1 when the series has no complete week.
 */
export function latestOrigin(rows: readonly WeeklyRow[]): number {
  for (let i = rows.length - 1; i >= 0; i--) if ((rows[i] as WeeklyRow).partial === 0) return i + 1;
  return -1;
}

export interface HistoryStats {
  /** Money scale: floored mean |total_amount|. */
  scale: number;
  quantityScale: number;
  transactionScale: number;
  /** Coefficient of variation of total_amount (std / mean), capped at 5. */
  cv: number;
  zeroShare: number;
  /** Complete weeks used. */
  weeks: number;
}

/** Long-run statistics over the complete weeks before `end` (at most `historyWeeks`). */
export function historyStats(
  rows: readonly WeeklyRow[],
  end: number,
  minScale: number = DEFAULT_MIN_SCALE,
  historyWeeks: number = DEFAULT_HISTORY_WEEKS,
): HistoryStats {
  let n = 0;
  let sumAbs = 0;
  let sum = 0;
  let sumSq = 0;
  let zeros = 0;
  let sumQ = 0;
  let sumT = 0;
  for (let i = Math.min(end, rows.length) - 1; i >= 0 && n < historyWeeks; i--) {
    const r = rows[i] as WeeklyRow;
    if (r.partial !== 0) continue;
    n++;
    sumAbs += Math.abs(r.total_amount);
    sum += r.total_amount;
    sumSq += r.total_amount * r.total_amount;
    if (r.total_amount === 0) zeros++;
    sumQ += Math.abs(r.quantity);
    sumT += r.transactions;
  }
  if (n === 0) {
    return {
      scale: minScale,
      quantityScale: 0,
      transactionScale: 0,
      cv: 0,
      zeroShare: 0,
      weeks: 0,
    };
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  const meanAbs = sumAbs / n;
  return {
    scale: Math.max(minScale, meanAbs),
    quantityScale: sumQ / n,
    transactionScale: sumT / n,
    cv: meanAbs > 0 ? Math.min(5, Math.sqrt(variance) / meanAbs) : 0,
    zeroShare: zeros / n,
    weeks: n,
  };
}

const TWO_PI = 2 * Math.PI;

/** Ratios to a long-run level are capped, so one huge week after a quiet history stays a finite input. */
export const MAX_RATIO = 50;

function ratio(value: number, denom: number): number {
  return denom > 0 ? Math.max(-MAX_RATIO, Math.min(MAX_RATIO, value / denom)) : 0;
}

/**
 * The model input for one series and one forecast origin.
 * `end` is the exclusive index of the last week used: the forecast starts at rows[end].
 * x is row-major [window, features]; throws when the window is not all complete weeks.
 */
export function buildInputWindow(
  rows: readonly WeeklyRow[],
  end: number,
  desc: Pick<ModelDescriptor, 'input' | 'scaling'>,
  presence: FeaturePresence,
): { x: Float32Array; scale: number } {
  const window = desc.input.window;
  if (!hasFullWindow(rows, end, window)) {
    throw new Error(`need ${window} complete weeks before index ${end}`);
  }
  const features = desc.input.features;
  if (features.length !== FEATURE_NAMES.length || features.some((f, i) => f !== FEATURE_NAMES[i])) {
    throw new Error('descriptor features do not match src/core/features.ts');
  }
  const historyWeeks = desc.scaling.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  const stats = historyStats(rows, end, desc.scaling.minScale, historyWeeks);
  const s = stats.scale;
  const F = FEATURE_NAMES.length;
  const x = new Float32Array(window * F);
  const hasAge = presence.age ? 1 : 0;
  const hasGender = presence.gender ? 1 : 0;
  const hasQuantity = presence.quantity ? 1 : 0;
  const historyLength = Math.min(stats.weeks, historyWeeks) / historyWeeks;
  for (let t = 0; t < window; t++) {
    const r = rows[end - window + t] as WeeklyRow;
    const o = t * F;
    const weekAngle = (TWO_PI * (r.iso_week - 1)) / 52;
    const monthAngle = (TWO_PI * (r.month - 1)) / 12;
    x[o + 0] = ratio(r.total_amount, s);
    x[o + 1] = hasQuantity * ratio(r.quantity, stats.quantityScale);
    x[o + 2] = ratio(r.transactions, stats.transactionScale);
    x[o + 3] = (hasAge * r.age) / 100;
    x[o + 4] = hasGender * ratio(r.male, r.transactions);
    x[o + 5] = hasGender * ratio(r.female, r.transactions);
    x[o + 6] = Math.log1p(Math.max(0, r.price_per_unit) / s);
    x[o + 7] = ratio(r.window_mean_4, s);
    x[o + 8] = ratio(r.window_mean_5, s);
    x[o + 9] = ratio(r.window_mean_6, s);
    x[o + 10] = ratio(r.window_mean_7, s);
    x[o + 11] = Math.sin(weekAngle);
    x[o + 12] = Math.cos(weekAngle);
    x[o + 13] = Math.sin(monthAngle);
    x[o + 14] = Math.cos(monthAngle);
    x[o + 15] = hasAge;
    x[o + 16] = hasGender;
    x[o + 17] = hasQuantity;
    x[o + 18] = stats.cv;
    x[o + 19] = stats.zeroShare;
    x[o + 20] = historyLength;
  }
  return { x, scale: s };
}

// The sequence model (TCN v2) reads up to two years of one number a week: the
// sales. A year of context is what lets it see a season; shorter histories are
// left-padded and the padding is marked, so one network serves every sku with
// at least a few complete weeks. It needs only values (and, when the file has
// dates, their ISO weeks), so bare series such as M4's feed it too.

/** Feature order of the sequence model's input tensor (descriptor.input.features). */
export const SEQUENCE_FEATURE_NAMES = [
  'sales',
  'observed',
  'iso_week_sin',
  'iso_week_cos',
  'calendar_known',
  'history_length',
] as const;

/**
 * The sequence input with the series' own seasonal index as a seventh channel
 * (see seasonIndexInto): a season averaged over every year of the history, not
 * only the years the window reaches.
 */
export const SEQUENCE_SEASON_FEATURE_NAMES = [...SEQUENCE_FEATURE_NAMES, 'season_index'] as const;

/**
 * As SEQUENCE_SEASON_FEATURE_NAMES, the index set to 0 unless the history
 * before the origin passes AutoTheta's seasonality test at lag 52
 * (stats/seasonality.ts isSeasonal, as the library's ETS and Theta decide).
 */
export const SEQUENCE_TESTED_SEASON_FEATURE_NAMES = [
  ...SEQUENCE_FEATURE_NAMES,
  'season_index_tested',
] as const;

/**
 * As SEQUENCE_TESTED_SEASON_FEATURE_NAMES, the index also set to 0 when the
 * pattern that passed the test is weak (stats/seasonality.ts
 * detectStrongSeasonality, the gate the library's ETS uses): the test fires on
 * any long trending series, whose index is then mostly noise.
 */
export const SEQUENCE_STRONG_SEASON_FEATURE_NAMES = [
  ...SEQUENCE_FEATURE_NAMES,
  'season_index_strong',
] as const;

/** Season length of the season_index channel, in weeks. */
export const SEASON_WEEKS = 52;

/** Bounds of one week's ratio to its centred yearly mean, minus 1, so one odd week stays a bounded input. */
export const SEASON_RATIO_BOUNDS = [-1, 4] as const;

/** Recent complete weeks whose non-zero sales set the sequence model's scale. */
export const SEQUENCE_RECENT_WEEKS = 26;

export const SEQUENCE_SCALING_RULE =
  'scale = max(minScale, mean |sales| over the non-zero weeks among the last recentWeeks complete weeks ' +
  'before the origin, or among the last historyWeeks when those are all zero); sales are divided by scale ' +
  'and clipped to ±50; weeks before the series start are zero with observed = 0; ISO-week angles are zero ' +
  'and calendar_known = 0 when the series has no dates; history_length = min(weeks, historyWeeks) / historyWeeks; ' +
  'model output * scale = money (clamp at 0)';

/** Appended to the scaling rule of a descriptor that lists season_index. */
export const SEASON_INDEX_RULE =
  'season_index at week i = mean over the years k >= 0 of clip(y[j] / mean(y over [j-26, j+26)) - 1, -1, 4) ' +
  'at j = i - 52k, over the j whose centred year lies before the origin, times n / (n + 1) for n such years (0 when none)';

/** Appended after SEASON_INDEX_RULE for season_index_tested. */
export const SEASON_TEST_RULE =
  'season_index_tested: season_index where the history before the origin passes the seasonality test at lag 52 ' +
  '(AutoTheta: |acf(52)| > 1.645 * sqrt((1 + 2 * sum acf(1..51)^2) / n), n >= 104), else 0';

/** Appended after SEASON_INDEX_RULE for season_index_strong. */
export const SEASON_STRENGTH_RULE =
  'season_index_strong: season_index_tested, and 0 unless the multiplicative (additive when a week is <= 0 or an ' +
  'index < 0.01) classical decomposition at lag 52 of the history before the origin has strength ' +
  `1 - var(remainder) / var(detrended) >= ${MIN_SEASONAL_STRENGTH}`;

/** The feature lists the sequence model's input may have, in tensor order. */
const SEQUENCE_INPUTS: readonly (readonly string[])[] = [
  SEQUENCE_FEATURE_NAMES,
  SEQUENCE_SEASON_FEATURE_NAMES,
  SEQUENCE_TESTED_SEASON_FEATURE_NAMES,
  SEQUENCE_STRONG_SEASON_FEATURE_NAMES,
];

/** True when the descriptor asks for the sequence input (TCN v2) rather than the seed's feature table. */
export function isSequenceInput(desc: Pick<ModelDescriptor, 'input'>): boolean {
  const f = desc.input.features;
  return SEQUENCE_INPUTS.some(
    (names) => f.length === names.length && f.every((n, i) => n === names[i]),
  );
}

// Scratch for seasonIndexInto, grown as needed: it runs once per window, in
// training and for every SKU at inference, so it does not allocate each time.
let centred = new Float64Array(0);

/**
 * Classical multiplicative seasonal index, averaged over every year of the
 * history: for week i, the mean over k = 0, 1, … of y[j] / (mean of the 52
 * weeks centred on j) − 1 at j = i − 52k, over the j whose centred year lies
 * inside [0, end); each ratio within SEASON_RATIO_BOUNDS; shrunk toward 0 by
 * n / (n + 1) for n such years, so one year counts for half and a series
 * younger than a year has none. Written for i in [from, end) into
 * out[offset + (i − from) * stride]. The index at a forecast week's position
 * one season back (i = end + h − 52, h ≤ 26) averages only complete years
 * before the origin.
 */
export function seasonIndexInto(
  values: ArrayLike<number>,
  end: number,
  from: number,
  out: Float32Array,
  offset: number,
  stride: number,
): void {
  const m = SEASON_WEEKS;
  const half = m / 2;
  if (centred.length < end) centred = new Float64Array(Math.max(end, 2 * centred.length));
  // centred[j] = y[j] / (mean of y over [j − 26, j + 26)) − 1, NaN where that year leaves [0, end).
  const [lo, hi] = SEASON_RATIO_BOUNDS;
  let sum = 0;
  for (let t = 0; t < Math.min(m, end); t++) sum += values[t] as number;
  for (let j = 0; j < end; j++) {
    if (j < half || j + half > end) {
      centred[j] = NaN;
      continue;
    }
    if (j > half) sum += (values[j + half - 1] as number) - (values[j - half - 1] as number);
    const mean = sum / m;
    centred[j] = mean > 0 ? Math.max(lo, Math.min(hi, (values[j] as number) / mean - 1)) : NaN;
  }
  for (let i = Math.max(0, from); i < end; i++) {
    let s = 0;
    let n = 0;
    for (let j = i; j >= 0; j -= m) {
      const r = centred[j] as number;
      if (r === r) {
        s += r;
        n++;
      }
    }
    out[offset + (i - from) * stride] = n > 0 ? s / (n + 1) : 0;
  }
}

/**
 * Mean |value| over the non-zero values among the last `recent` before `end`,
 * else among the last `history`; floored. Zeros are left out so an intermittent
 * sku is scaled by the size of its sales, not by how rare they are.
 */
export function sequenceScale(
  values: ArrayLike<number>,
  end: number,
  minScale: number,
  recent: number,
  history: number,
): number {
  for (const span of [recent, history]) {
    let sum = 0;
    let n = 0;
    for (let i = end - 1; i >= 0 && i >= end - span; i--) {
      const v = Math.abs(values[i] as number);
      if (v > 0) {
        sum += v;
        n++;
      }
    }
    if (n > 0) return Math.max(minScale, sum / n);
  }
  return minScale;
}

/** The calendar features of ISO weeks 1–53, as buildSequenceWindow computes them (a window reads one per week). */
const WEEK_SIN = Float32Array.from({ length: 54 }, (_, w) => Math.sin((TWO_PI * (w - 1)) / 52));
const WEEK_COS = Float32Array.from({ length: 54 }, (_, w) => Math.cos((TWO_PI * (w - 1)) / 52));

/** values[0, end) without a copy where values is a typed array. */
function historyTo(values: ArrayLike<number>, end: number): ArrayLike<number> {
  return values instanceof Float64Array || values instanceof Float32Array
    ? values.subarray(0, end)
    : Array.prototype.slice.call(values, 0, end);
}

/**
 * The sequence model's input for one series at one origin, written into `out`
 * at `offset` ([window, features] row-major); returns the scale. `values` are
 * the complete weekly amounts, oldest first; `isoWeeks` their ISO weeks (1–53)
 * or null when the series has no calendar (ignored for a model whose descriptor
 * says it does not read them: it was trained without); `end` is exclusive.
 */
export function buildSequenceWindow(
  values: ArrayLike<number>,
  isoWeeks: ArrayLike<number> | null,
  end: number,
  desc: Pick<ModelDescriptor, 'input' | 'scaling'>,
  out: Float32Array,
  offset = 0,
): number {
  const window = desc.input.window;
  const F = desc.input.features.length;
  const history = desc.scaling.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  const recent = desc.scaling.recentWeeks ?? SEQUENCE_RECENT_WEEKS;
  const s = sequenceScale(values, end, desc.scaling.minScale, recent, history);
  const weeks = desc.input.readsCalendar === false ? null : isoWeeks;
  const known = weeks ? 1 : 0;
  const length = Math.min(end, history) / history;
  out.fill(0, offset, offset + window * F);
  for (let t = Math.max(0, window - end); t < window; t++) {
    const i = end - window + t;
    const o = offset + t * F;
    out[o] = ratio(values[i] as number, s);
    out[o + 1] = 1;
    if (weeks) {
      const w = weeks[i] as number;
      out[o + 2] = WEEK_SIN[w] ?? Math.sin((TWO_PI * (w - 1)) / 52);
      out[o + 3] = WEEK_COS[w] ?? Math.cos((TWO_PI * (w - 1)) / 52);
    }
    out[o + 4] = known;
    out[o + 5] = length;
  }
  const seasonFeature = desc.input.features[SEQUENCE_FEATURE_NAMES.length];
  if (
    seasonFeature === 'season_index' ||
    (seasonFeature === 'season_index_tested' && isSeasonal(historyTo(values, end), SEASON_WEEKS)) ||
    (seasonFeature === 'season_index_strong' &&
      detectStrongSeasonality(historyTo(values, end), SEASON_WEEKS) !== undefined)
  ) {
    const from = end - window;
    const first = Math.max(0, from);
    seasonIndexInto(values, end, first, out, offset + (first - from) * F + 6, F);
  }
  return s;
}

/**
 * Model output (row-major [horizon, quantiles], scaled units) -> money,
 * clamped at 0 and kept ordered across quantiles.
 */
export function unscaleOutput(
  y: ArrayLike<number>,
  scale: number,
  horizon: number,
  quantiles: number,
): Float64Array {
  const out = new Float64Array(horizon * quantiles);
  for (let h = 0; h < horizon; h++) {
    let prev = 0;
    for (let q = 0; q < quantiles; q++) {
      const v = Math.max(prev, Math.max(0, (y[h * quantiles + q] as number) * scale));
      out[h * quantiles + q] = v;
      prev = v;
    }
  }
  return out;
}
