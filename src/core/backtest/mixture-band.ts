// A band for a sku that sells in some weeks and not others, from its own
// distribution rather than from scaled errors around a point: a sale happens
// with probability π, and its size is drawn from the sku's past sale sizes
// (Croston's decomposition into occurrence × size, with both parts read off
// the history instead of smoothed to one number). Quantile τ of a week is 0
// when τ ≤ 1 − π, else the size quantile at (τ − (1 − π)) / π.
//
// π is the share of weeks with a sale over the last 26 weeks, or, when the
// sku sold more often over the last two years, the mean of the two shares: a
// sku that sold in more than 10% of its recent weeks always gets a p90 above
// zero, and one that has ended (no sale in a year) gets 0. Chosen on
// validation windows of the intermittent datasets (models/MODEL_CARD.md)
// against 52-week, 104-week and TSB-smoothed shares.
//
// 26 weeks of a slow mover are few draws: one more sale moves π by 0.04. So π
// may lean on what the sku's class shares (SharePrior): the class's mean π
// counted as so many weeks more of evidence, as a beta prior would. How many
// (SHARE_PRIOR_WEEKS) each class chooses on its later backtest windows
// (bands.ts): order lines sold by few customers gain, skus of steady but thin
// sales keep their own.

import { hasEnded, sellingShare } from '../stats/demand-class';
import { quantileSorted } from '../stats/quantile';
import { zeroForecast, type Forecast } from '../models/types';

/** Weeks of the recent selling share, and of the longer one it is averaged with. */
export const RECENT_WEEKS = 26;
export const LONG_WEEKS = 104;

/** The weeks of a class's share a sku's π may lean on: each class chooses one (bands.ts). */
export const SHARE_PRIOR_WEEKS: readonly number[] = [0, 8, 26];

/** What a sku's class says of its π: the class's mean π, worth `weeks` weeks of the sku's own. */
export interface SharePrior {
  share: number;
  weeks: number;
}

/** Share of recent weeks with a sale above which a sku gets a p90 above zero (the rule a planner states). */
const SELLING_SHARE = 0.1;

/** Probability of a sale in a week after the first `n` values of y (leaning on `prior` when given). */
export function saleProbability(y: ArrayLike<number>, n: number, prior?: SharePrior): number {
  // A sku with no sale in a year has ended (a discontinued item): the years
  // before say nothing of its next weeks, and a band above zero would ask
  // for safety stock of it.
  if (hasEnded(y, n)) return 0;
  const recent = sellingShare(y, n, RECENT_WEEKS);
  const long = sellingShare(y, n, LONG_WEEKS);
  const own = Math.max(recent, (recent + long) / 2);
  if (!prior || !(prior.weeks > 0) || own === 0) return own;
  const shrunk = (RECENT_WEEKS * own + prior.weeks * prior.share) / (RECENT_WEEKS + prior.weeks);
  // Leaning on its class never takes the p90 of a sku that sells in more than
  // 10% of its recent weeks to zero (τ = 0.9 needs π above 0.1).
  return recent > SELLING_SHARE ? Math.max(shrunk, SELLING_SHARE + 1e-4) : shrunk;
}

/** The class's mean π, each sku's read from the first `n` values of its `y`. */
export function classShare(histories: readonly { y: ArrayLike<number>; n: number }[]): number {
  let sum = 0;
  for (const { y, n } of histories) sum += saleProbability(y, n);
  return histories.length > 0 ? sum / histories.length : 0;
}

/**
 * Quantiles (p10, p50, p90) and mean of one week after the first `n` values of
 * y, the same for every week of the horizon (written into `into`, h weeks);
 * π leans on `prior` when given.
 */
export function mixtureForecast(
  y: ArrayLike<number>,
  n: number,
  h: number,
  into: Forecast = zeroForecast(h),
  prior?: SharePrior,
): Forecast {
  const pi = saleProbability(y, n, prior);
  let count = 0;
  for (let t = 0; t < n; t++) if ((y[t] as number) > 0) count++;
  const sizes = new Float64Array(count);
  let at = 0;
  let sum = 0;
  for (let t = 0; t < n; t++) {
    const v = y[t] as number;
    if (v > 0) {
      sizes[at++] = v;
      sum += v;
    }
  }
  sizes.sort();
  const q = (tau: number): number =>
    pi <= 0 || count === 0 || tau <= 1 - pi
      ? 0
      : quantileSorted(sizes, Math.min(1, (tau - (1 - pi)) / pi));
  const mean = count > 0 ? (pi * sum) / count : 0;
  into.point.fill(mean, 0, h);
  into.p10.fill(q(0.1), 0, h);
  into.p50.fill(q(0.5), 0, h);
  into.p90.fill(q(0.9), 0, h);
  return into;
}
