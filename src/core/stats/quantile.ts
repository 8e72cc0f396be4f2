// Order statistics shared by the core: the weekly table, the baselines, the
// category totals and the model library all need the same definitions.

/** Linear-interpolation quantile (type 7, numpy's default) of values sorted ascending. 0 for none. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = (n - 1) * p;
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = sorted[i] as number;
  const b = sorted[Math.min(i + 1, n - 1)] as number;
  return a + (b - a) * frac;
}

/** Type-7 quantile of unsorted values (copies, never reorders the input). 0 for none. */
export function quantileOf(values: ArrayLike<number>, p: number): number {
  return quantileSorted(Float64Array.from(values).sort(), p);
}

/**
 * Median of values sorted ascending: the middle one, or the mean of the two
 * middle ones (not quantileSorted(_, 0.5), whose a + (b - a) / 2 can differ
 * in the last bit). 0 for none.
 */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median of unsorted values (copies, never reorders the input). 0 for none.
 * As a flat forecast, the level that minimises absolute error when weeks are
 * exchangeable: the WAPE yardstick for noisy, level-only series.
 */
export function medianOf(values: ArrayLike<number>): number {
  return medianSorted(Float64Array.from(values).sort());
}
