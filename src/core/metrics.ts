// Forecast accuracy measures of the model card. Pooled over all scored points
// (every sku, origin and horizon week), so big sellers weigh as in money terms.

/** Weighted absolute percentage error: Σ|y − ŷ| / Σ|y|. NaN when Σ|y| = 0. */
export function wape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let err = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    err += Math.abs(y - (predicted[i] as number));
    total += Math.abs(y);
  }
  return total === 0 ? NaN : err / total;
}

/** Root mean squared error. NaN for no points. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  if (actual.length === 0) return NaN;
  let sse = 0;
  for (let i = 0; i < actual.length; i++)
    sse += ((actual[i] as number) - (predicted[i] as number)) ** 2;
  return Math.sqrt(sse / actual.length);
}

/** Share of actuals inside [lower, upper] (bounds inclusive). NaN for no points. */
export function coverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  checkLengths(actual, lower);
  checkLengths(actual, upper);
  if (actual.length === 0) return NaN;
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    if (y >= (lower[i] as number) && y <= (upper[i] as number)) inside++;
  }
  return inside / actual.length;
}

/** Pinball (quantile) loss of one value y against its quantile-tau prediction q. */
export const pinballAt = (y: number, q: number, tau: number): number =>
  y >= q ? tau * (y - q) : (1 - tau) * (q - y);

/** Mean pinball (quantile) loss of predictions at quantile q. */
export function pinball(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  q: number,
): number {
  checkLengths(actual, predicted);
  if (actual.length === 0) return NaN;
  let loss = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = (actual[i] as number) - (predicted[i] as number);
    loss += d >= 0 ? q * d : (q - 1) * d;
  }
  return loss / actual.length;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
}

/**
 * Scale of MASE (Hyndman & Koehler 2006): the in-sample mean absolute error of
 * the seasonal naive forecast with season m over `history`. NaN when the
 * history has no m-step difference.
 */
export function maseScale(history: ArrayLike<number>, m: number): number {
  const n = history.length;
  if (n <= m) return NaN;
  let s = 0;
  for (let t = m; t < n; t++) s += Math.abs((history[t] as number) - (history[t - m] as number));
  return s / (n - m);
}

/**
 * The season MASE scales by for weekly sales: 52 when the history has at least
 * two seasons (so the scale rests on a year of differences), else 1 (naive).
 * The M4 competition used 1 for its weekly series: pass `m` directly there.
 */
export function salesMaseSeason(historyLength: number, seasonLength = 52): number {
  return historyLength >= 2 * seasonLength ? seasonLength : 1;
}

/** Mean absolute scaled error: mean |y − ŷ| / scale. NaN when the scale is 0 or NaN, or no points. */
export function mase(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  scale: number,
): number {
  checkLengths(actual, predicted);
  if (actual.length === 0 || !(scale > 0)) return NaN;
  let err = 0;
  for (let i = 0; i < actual.length; i++)
    err += Math.abs((actual[i] as number) - (predicted[i] as number));
  return err / actual.length / scale;
}

/**
 * Symmetric MAPE as the M4 competition scored it, in percent:
 * mean 200 |y − ŷ| / (|y| + |ŷ|); a point where both are 0 counts as 0.
 */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  if (actual.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    const f = predicted[i] as number;
    const d = Math.abs(y) + Math.abs(f);
    if (d > 0) s += (200 * Math.abs(y - f)) / d;
  }
  return s / actual.length;
}
