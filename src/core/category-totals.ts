// Category totals of sku forecasts, per horizon week.
//
// The point forecast of a total is the sum of the skus' p50. Its interval is
// NOT the sum of the skus' p10/p90: quantiles do not add up, and summing them
// describes a world where every sku has its bad week at the same time (perfect
// dependence), which makes the interval of a category of 50 skus absurdly wide.
// Instead we work out the distribution of the sum:
//
// - each sku's forecast becomes a distribution with exactly its p10, p50, p90:
//   a two-piece normal with median p50, left sigma (p50 - p10) / z0.9 and right
//   sigma (p90 - p50) / z0.9, censored at zero (sales forecasts are >= 0, and
//   p10 >= 0 so the censoring keeps all three quantiles);
// - skus are taken as INDEPENDENT of each other;
// - small categories (<= monteCarloMaxSkus skus): the sum is simulated, Latin
//   hypercube style (every sku's marginal represented by the same stratified
//   draws, paired across skus by seeded random permutations), and p10 / p90 of
//   the simulated sum are the interval;
// - larger categories: the sum is close to normal but not quite (skew), so the
//   exact cumulants of each sku's distribution (closed form) are added up, as
//   independence allows, and p10 / p90 come from the Cornish-Fisher expansion.
//   Same answer as the simulation within simulation noise (tested), at O(1)
//   per sku instead of thousands of draws.
//
// Independence is an assumption: skus of one category that move together
// (promotions, seasonality) make the real interval wider than this one, up to
// the summed-quantile bounds. The assumption is stated in the `method` string
// that travels with every export.
//
// Deterministic: the generator is seeded from the category name and the week,
// so the same forecast always gives the same totals.

import { mulberry32 } from './random';
import { normalCdf, normalQuantile, Z90 } from './stats/normal';
import { quantileSorted } from './stats/quantile';

/** One week of a forecast, for a sku or a category. Money in total_amount units. */
export interface ForecastWeek {
  /** Monday of the week, YYYY-MM-DD. */
  week_start: string;
  /** 1 = the week after the last complete week of the data. */
  horizon_week: number;
  p10: number;
  p50: number;
  p90: number;
  /** What made this week's forecast, when not what made the sku's first weeks (a later horizon block). */
  model?: string;
}

export interface CategoryForecast {
  /** '' when the file has no category column. */
  category: string;
  /** Number of skus summed. */
  skus: number;
  weeks: ForecastWeek[];
  /** The band of the total over all the weeks (not the sum of the weekly bands: see backtest/total-bands.ts). */
  overHorizon?: { p10: number; p50: number; p90: number };
}

export interface CategoryTotals {
  /** How the interval was computed, including the independence assumption. */
  method: string;
  categories: CategoryForecast[];
}

export interface CategoryTotalsOptions {
  /** Simulated draws per category and week; default 2000. */
  draws?: number;
  /** Seed of the generator; default 1. */
  seed?: number;
  /** Categories with more skus use cumulants + Cornish-Fisher instead of simulation; default 30. */
  monteCarloMaxSkus?: number;
}

/** What a sku forecast must provide to be summed. */
export interface SummableForecast {
  category: string;
  weeks: readonly ForecastWeek[];
}

export const DEFAULT_DRAWS = 2000;
export const DEFAULT_MONTE_CARLO_MAX_SKUS = 30;

export function categoryMethod(draws: number, seed: number, monteCarloMaxSkus: number): string {
  return (
    'p50 = sum of sku p50; p10/p90 of the sum of per-sku two-piece normal distributions fitted to each sku ' +
    'p10/p50/p90 and censored at 0, assuming skus are independent (skus that move together make the true ' +
    `interval wider): simulated for categories of up to ${monteCarloMaxSkus} skus (${draws} Latin-hypercube ` +
    `draws, seed ${seed}), Cornish-Fisher from the summed exact cumulants for larger ones`
  );
}

/**
 * Category totals for every horizon week of the given sku forecasts.
 * All skus must share the same horizon weeks (as forecastWithLibrary produces).
 * Categories come out sorted by name.
 */
export function categoryTotals(
  skus: readonly SummableForecast[],
  opts: CategoryTotalsOptions = {},
): CategoryTotals {
  const draws = opts.draws ?? DEFAULT_DRAWS;
  const seed = opts.seed ?? 1;
  const monteCarloMaxSkus = opts.monteCarloMaxSkus ?? DEFAULT_MONTE_CARLO_MAX_SKUS;
  if (!Number.isInteger(draws) || draws < 10)
    throw new Error(`draws must be an integer >= 10, got ${draws}`);

  const byCategory = new Map<string, SummableForecast[]>();
  for (const s of skus) {
    const list = byCategory.get(s.category);
    if (list) list.push(s);
    else byCategory.set(s.category, [s]);
  }
  const names = [...byCategory.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const normalTable = stratifiedNormal(draws);
  const categories: CategoryForecast[] = [];
  for (const name of names) {
    const members = byCategory.get(name) as SummableForecast[];
    const first = members[0] as SummableForecast;
    const weeks: ForecastWeek[] = [];
    for (let w = 0; w < first.weeks.length; w++) {
      const ref = first.weeks[w] as ForecastWeek;
      const quantiles = members.map((m) => {
        const week = m.weeks[w];
        if (!week || week.week_start !== ref.week_start) {
          throw new Error('category totals need every sku to cover the same horizon weeks');
        }
        return week;
      });
      const interval =
        quantiles.length <= monteCarloMaxSkus
          ? sumInterval(quantiles, normalTable, mulberry32(hashSeed(seed, name, w)))
          : sumIntervalCornishFisher(quantiles);
      weeks.push({ week_start: ref.week_start, horizon_week: ref.horizon_week, ...interval });
    }
    categories.push({ category: name, skus: members.length, weeks });
  }
  return { method: categoryMethod(draws, seed, monteCarloMaxSkus), categories };
}

/**
 * p10/p50/p90 of the sum of independent sku forecasts. Exposed for tests.
 * `normalTable` holds the stratified standard normal draws (stratifiedNormal).
 */
export function sumInterval(
  quantiles: readonly { p10: number; p50: number; p90: number }[],
  normalTable: Float64Array,
  rng: () => number,
): { p10: number; p50: number; p90: number } {
  let p50 = 0;
  for (const q of quantiles) p50 += q.p50;
  // One sku: its own quantiles are exact, no simulation noise.
  if (quantiles.length === 1) {
    const q = quantiles[0] as { p10: number; p50: number; p90: number };
    return { p10: q.p10, p50: q.p50, p90: q.p90 };
  }
  const n = normalTable.length;
  const sum = new Float64Array(n);
  const shuffled = new Float64Array(n);
  let constant = 0;
  for (const q of quantiles) {
    const sigmaLeft = (q.p50 - q.p10) / Z90;
    const sigmaRight = (q.p90 - q.p50) / Z90;
    if (sigmaLeft === 0 && sigmaRight === 0) {
      constant += q.p50;
      continue;
    }
    // This sku's stratified draws, shuffled as they are made (inside-out
    // Fisher-Yates), so they pair with the other skus' draws at random.
    for (let k = 0; k < n; k++) {
      const z = normalTable[k] as number;
      const v = q.p50 + z * (z < 0 ? sigmaLeft : sigmaRight);
      const j = Math.floor(rng() * (k + 1));
      shuffled[k] = shuffled[j] as number;
      shuffled[j] = v > 0 ? v : 0;
    }
    for (let k = 0; k < n; k++) sum[k] = (sum[k] as number) + (shuffled[k] as number);
  }
  sum.sort();
  const lo = quantileSorted(sum, 0.1) + constant;
  const hi = quantileSorted(sum, 0.9) + constant;
  // The simulated median differs from the sum of medians by simulation noise and
  // skew; the interval must still contain the point forecast we report.
  return { p10: Math.min(lo, p50), p50, p90: Math.max(hi, p50) };
}

/** Cumulants 1-4 of one sku's censored two-piece normal (see the header). */
export function skuCumulants(q: {
  p10: number;
  p50: number;
  p90: number;
}): [number, number, number, number] {
  const m = q.p50;
  const a = (q.p50 - q.p10) / Z90;
  const b = (q.p90 - q.p50) / Z90;
  // Raw moments of D = X - m. Right half (probability 1/2): D = b|Z|.
  const e1 = Math.sqrt(2 / Math.PI);
  let m1 = 0.5 * b * e1;
  let m2 = 0.5 * b * b;
  let m3 = 0.5 * b * b * b * 2 * e1;
  let m4 = 0.5 * b * b * b * b * 3;
  // Left half: D = -a|Z| while a|Z| < m, else -m (censored at zero).
  if (a > 0) {
    const t = m / a;
    const phi0 = 1 / Math.sqrt(2 * Math.PI);
    const phiT = phi0 * Math.exp(-0.5 * t * t);
    const halfMass = normalCdf(t) - 0.5;
    const tail = 2 * (1 - normalCdf(t));
    // E[|Z|^k; |Z| < t] for k = 1..4.
    const p1 = 2 * (phi0 - phiT);
    const p2 = 2 * (halfMass - t * phiT);
    const p3 = 2 * (2 * phi0 - (t * t + 2) * phiT);
    const p4 = 2 * (3 * halfMass - (t * t * t + 3 * t) * phiT);
    m1 += 0.5 * (-a * p1 - m * tail);
    m2 += 0.5 * (a * a * p2 + m * m * tail);
    m3 += 0.5 * (-a * a * a * p3 - m * m * m * tail);
    m4 += 0.5 * (a * a * a * a * p4 + m * m * m * m * tail);
  }
  const c2 = m2 - m1 * m1;
  const c3 = m3 - 3 * m1 * m2 + 2 * m1 * m1 * m1;
  const c4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1;
  return [m + m1, c2, c3, c4 - 3 * c2 * c2];
}

/**
 * p10/p50/p90 of the sum of independent sku forecasts from the summed
 * cumulants (Cornish-Fisher with skewness and excess kurtosis terms).
 */
export function sumIntervalCornishFisher(
  quantiles: readonly { p10: number; p50: number; p90: number }[],
): {
  p10: number;
  p50: number;
  p90: number;
} {
  let p50 = 0;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  for (const q of quantiles) {
    p50 += q.p50;
    const [c1, c2, c3, c4] = skuCumulants(q);
    k1 += c1;
    k2 += c2;
    k3 += c3;
    k4 += c4;
  }
  if (!(k2 > 0)) return { p10: p50, p50, p90: p50 };
  const sd = Math.sqrt(k2);
  const g1 = k3 / (k2 * sd);
  const g2 = k4 / (k2 * k2);
  const at = (z: number): number =>
    k1 +
    sd *
      (z +
        ((z * z - 1) * g1) / 6 +
        ((z * z * z - 3 * z) * g2) / 24 -
        ((2 * z * z * z - 5 * z) * g1 * g1) / 36);
  return { p10: Math.max(0, Math.min(at(-Z90), p50)), p50, p90: Math.max(at(Z90), p50) };
}

const stratifiedCache = new Map<number, Float64Array>();

/** Standard normal quantiles at the midpoints of `n` equal-probability strata (cached; do not modify). */
export function stratifiedNormal(n: number): Float64Array {
  const cached = stratifiedCache.get(n);
  if (cached) return cached;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = normalQuantile((k + 0.5) / n);
  stratifiedCache.set(n, out);
  return out;
}

/** FNV-1a over the seed, the category name and the week index. */
function hashSeed(seed: number, name: string, week: number): number {
  let h = 0x811c9dc5 ^ seed;
  const text = `${name}\u0000${week}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
