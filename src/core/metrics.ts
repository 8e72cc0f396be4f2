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
