// Paired bootstrap over series: is model A's pooled error really lower than
// B's, or could the lead come from which series happened to be scored? Both
// models are scored on the same series, so a resample draws series (with
// replacement) and recomputes both pooled figures on the same draw; the
// spread of A / B − 1 over the draws is what the choice of series alone can
// move the claim by.

import { Rng } from '../random';
import { quantileSorted } from '../stats/quantile';

/**
 * One model's per-series parts of a pooled ratio Σ num / Σ den: for a pooled
 * WAPE num = Σ|y − p50| and den = Σ|y| of each series; for a mean of
 * per-series MASEs num = the series' MASE and den = 1.
 */
export interface PooledParts {
  num: ArrayLike<number>;
  den: ArrayLike<number>;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Central interval, e.g. 0.95. */
  level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, seed: 1, level: 0.95 };

export interface RelativeDifference {
  /** Pooled A / pooled B − 1 on the series as scored: below 0, A's error is lower. */
  estimate: number;
  /** The interval's ends (percentile bootstrap). */
  lo: number;
  hi: number;
  resamples: number;
  seed: number;
  level: number;
}

function pooled(p: PooledParts, draw: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < draw.length; k++) {
    const i = draw[k] as number;
    num += p.num[i] as number;
    den += p.den[i] as number;
  }
  return num / den;
}

/**
 * Percentile interval of A's pooled measure relative to B's over series drawn
 * with replacement. A and B list the same series in the same order. Draws
 * whose B pools to 0 (nothing to divide by) are left out of the interval.
 */
export function pairedBootstrap(
  a: PooledParts,
  b: PooledParts,
  options: Partial<BootstrapOptions> = {},
): RelativeDifference {
  const { resamples, seed, level } = { ...DEFAULT_BOOTSTRAP, ...options };
  const n = a.num.length;
  if (b.num.length !== n || a.den.length !== n || b.den.length !== n)
    throw new Error('pairedBootstrap: both models need the same series');
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const estimate = pooled(a, all) / pooled(b, all) - 1;
  const rng = new Rng(seed);
  const draw = new Int32Array(n);
  const diffs: number[] = [];
  for (let r = 0; r < resamples && n > 0; r++) {
    for (let k = 0; k < n; k++) draw[k] = rng.int(0, n - 1);
    const d = pooled(a, draw) / pooled(b, draw) - 1;
    if (Number.isFinite(d)) diffs.push(d);
  }
  const sorted = Float64Array.from(diffs).sort();
  const tail = (1 - level) / 2;
  return {
    estimate,
    lo: sorted.length > 0 ? quantileSorted(sorted, tail) : NaN,
    hi: sorted.length > 0 ? quantileSorted(sorted, 1 - tail) : NaN,
    resamples,
    seed,
    level,
  };
}
