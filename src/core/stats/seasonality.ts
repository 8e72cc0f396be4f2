// The seasonality test and classical decomposition that statsforecast's
// AutoTheta uses before fitting a non-seasonal model (python/statsforecast/
// theta.py, `auto_theta`), shared by the models that deseasonalize (Theta, ETS)
// and by the TCN's tested season index (features.ts): statistics, not a model,
// so features.ts reaches it without importing models/.
//
// Test: with at least two seasons (n >= 2m, m >= 4), the series is seasonal when
// its autocorrelation at lag m is significant at 90% (one-sided):
//   |r_m| > 1.645 * sqrt((1 + 2 * sum_{k=1}^{m-1} r_k^2) / n)
// with r_k the sample ACF of statsmodels' `acf(y, nlags=m, fft=False)`.
//
// Decomposition: statsmodels' `seasonal_decompose` (classical, Kendall &
// Stuart): a centred moving average of order m (2×m for even m) as the trend,
// y/trend (or y - trend) averaged per phase, normalised to mean 1 (or 0).
// Multiplicative unless the series has a non-positive value or an index below
// 0.01, then additive, as AutoTheta does.
//
// Strength: how much of what the decomposition's trend leaves the pattern
// explains (seasonalStrength), which ETS also asks of a pattern before using it.

/** One-sided 95% normal quantile: norm.ppf(0.95), the test's critical value. */
const Z95 = 1.6448536269514722;

export type SeasonalType = 'multiplicative' | 'additive';

/** A fitted seasonal pattern: index[p] applies to weeks t with t % m === p (t from the series' start). */
export interface Seasonal {
  type: SeasonalType;
  index: Float64Array;
}

/** Sample autocorrelations r_0..r_nlags (statsmodels `acf`, adjusted=False, fft=False). NaN for a constant series. */
export function acf(y: ArrayLike<number>, nlags: number): Float64Array {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t] as number;
  mean /= n;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = (y[t] as number) - mean;
  const r = new Float64Array(nlags + 1);
  let c0 = 0;
  for (let t = 0; t < n; t++) c0 += (d[t] as number) * (d[t] as number);
  for (let k = 0; k <= nlags; k++) {
    let c = 0;
    for (let t = k; t < n; t++) c += (d[t] as number) * (d[t - k] as number);
    r[k] = c / c0;
  }
  return r;
}

/** statsforecast's AutoTheta seasonality test at lag m (false when n < 2m, m < 4 or y is constant). */
export function isSeasonal(y: ArrayLike<number>, m: number): boolean {
  const n = y.length;
  if (m < 4 || n < 2 * m) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 1; k < m; k++) s += (r[k] as number) ** 2;
  const stat = Math.sqrt((1 + 2 * s) / n);
  // NaN (constant series) compares false: not seasonal.
  return Math.abs(r[m] as number) / stat > Z95;
}

/**
 * Seasonal indices of statsmodels' `seasonal_decompose(y, model, period=m)`
 * (two-sided moving-average trend, no trend extrapolation). Needs n >= 2m.
 */
export function decompose(y: ArrayLike<number>, m: number, type: SeasonalType): Float64Array {
  const n = y.length;
  const half = trendHalfWidth(m);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    const p = t % m;
    sums[p] = (sums[p] as number) + detrended(y, m, t, type);
    counts[p] = (counts[p] as number) + 1;
  }
  const index = new Float64Array(m);
  let mean = 0;
  for (let p = 0; p < m; p++) {
    index[p] = (sums[p] as number) / (counts[p] as number);
    mean += index[p] as number;
  }
  mean /= m;
  for (let p = 0; p < m; p++) {
    index[p] =
      type === 'multiplicative' ? (index[p] as number) / mean : (index[p] as number) - mean;
  }
  return index;
}

/** Half the width of the decomposition's moving average: values within it of either end have no trend. */
function trendHalfWidth(m: number): number {
  // Filter: [0.5, 1, ..., 1, 0.5] / m for even m, ones(m) / m for odd m.
  return Math.floor((m % 2 === 0 ? m + 1 : m) / 2);
}

/** y[t] over (or minus) the centred moving average at t; t must lie a half width inside y. */
function detrended(y: ArrayLike<number>, m: number, t: number, type: SeasonalType): number {
  const half = trendHalfWidth(m);
  let trend = 0;
  if (m % 2 === 0) {
    trend = 0.5 * ((y[t - half] as number) + (y[t + half] as number));
    for (let j = t - half + 1; j < t + half; j++) trend += y[j] as number;
  } else {
    for (let j = t - half; j <= t + half; j++) trend += y[j] as number;
  }
  trend /= m;
  const v = y[t] as number;
  return type === 'multiplicative' ? v / trend : v - trend;
}

/**
 * Strength of seasonality (Wang, Smith & Hyndman 2006; Hyndman & Athanasopoulos,
 * FPP3 §4.3) of the pattern `s` fitted on y: 1 - Var(remainder) / Var(detrended),
 * clipped to [0, 1], with the detrended series and the remainder of the same
 * classical decomposition (ratios for a multiplicative pattern). Near 0 when the
 * pattern explains little of what the trend leaves, as on a long trending series
 * whose autocorrelation passes the test at every lag.
 */
export function seasonalStrength(y: ArrayLike<number>, s: Seasonal): number {
  const m = s.index.length;
  const half = trendHalfWidth(m);
  const n = y.length;
  const count = n - 2 * half;
  if (count < 2) return 0;
  const d = new Float64Array(count);
  const r = new Float64Array(count);
  for (let t = half; t < n - half; t++) {
    const v = detrended(y, m, t, s.type);
    const f = s.index[t % m] as number;
    d[t - half] = v;
    r[t - half] = s.type === 'multiplicative' ? v / f : v - f;
  }
  const ratio = variance(r) / variance(d);
  // A flat detrended series (ratio NaN) has no seasonality to speak of.
  return ratio >= 0 ? Math.max(0, 1 - ratio) : 0;
}

function variance(v: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i] as number;
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += ((v[i] as number) - mean) ** 2;
  return ss / v.length;
}

/**
 * The decomposition AutoTheta applies once the test has found seasonality:
 * multiplicative when every value is positive and every index is at least 0.01,
 * additive otherwise.
 */
export function seasonalPattern(
  y: ArrayLike<number>,
  m: number,
  preferred: SeasonalType = 'multiplicative',
): Seasonal {
  let positive = true;
  for (let t = 0; t < y.length; t++) if (!((y[t] as number) > 0)) positive = false;
  if (preferred === 'multiplicative' && positive) {
    const index = decompose(y, m, 'multiplicative');
    let ok = true;
    for (let p = 0; p < m; p++) if (!((index[p] as number) >= 0.01)) ok = false;
    if (ok) return { type: 'multiplicative', index };
  }
  return { type: 'additive', index: decompose(y, m, 'additive') };
}

/** The test, then the pattern: undefined for a series without seasonality. */
export function detectSeasonality(y: ArrayLike<number>, m: number): Seasonal | undefined {
  return isSeasonal(y, m) ? seasonalPattern(y, m) : undefined;
}

/**
 * The strength below which a pattern that passed the test is taken for noise.
 * The test reads the autocorrelation of the levels, so a trending series
 * passes it whatever its weeks do: 246 of M4's 359 weekly series do, at a
 * median strength of 0.15.
 */
export const MIN_SEASONAL_STRENGTH = 0.3;

/** detectSeasonality, kept only when the pattern explains at least MIN_SEASONAL_STRENGTH of the detrended series. */
export function detectStrongSeasonality(y: ArrayLike<number>, m: number): Seasonal | undefined {
  const tested = detectSeasonality(y, m);
  return tested && seasonalStrength(y, tested) >= MIN_SEASONAL_STRENGTH ? tested : undefined;
}

/** y with the pattern removed (divided out or subtracted), phase counted from y[0]. */
export function deseasonalize(y: ArrayLike<number>, s: Seasonal): Float64Array {
  const m = s.index.length;
  const out = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const f = s.index[t % m] as number;
    out[t] = s.type === 'multiplicative' ? (y[t] as number) / f : (y[t] as number) - f;
  }
  return out;
}

/**
 * Puts the pattern back on h forecasts that follow a series of length n (in
 * place): week n + k takes index[(n + k) % m], which is statsforecast's
 * seasonal naive of the seasonal component.
 */
export function reseasonalize(values: Float64Array, n: number, s: Seasonal): Float64Array {
  const m = s.index.length;
  for (let k = 0; k < values.length; k++) {
    const f = s.index[(n + k) % m] as number;
    values[k] = s.type === 'multiplicative' ? (values[k] as number) * f : (values[k] as number) + f;
  }
  return values;
}
