// category_profile: each sku's recent level times the seasonal profile of its
// category's total. A sku's own year-ago weeks are noisy (seasonal naive,
// a one-sku decomposition); a category's total over many skus shows the
// same season with little noise, and a sku with less than two years of
// history gets its category's season as well: the "top-down seasonal
// profile" planners apply by hand (FPP3 §11.1 on hierarchies).
//
// A total's profile is the classical decomposition's (a centred moving
// average of one season as the trend, the ratios to it averaged per week of
// the season), shrunk by how much of it is noise: toward no season for the
// file's total, toward the file's season for a category's. The shrinkage is
// the James–Stein weight 1 − noise / spread, with the noise of each week's
// mean read from the ratios' scatter around it. So a category of three slow
// movers borrows the file's season, a category whose total has no season
// gets none, and no threshold decides it. (AutoTheta's autocorrelation test
// would not do here: on three years of a clean season it says "none".)
//
// The profile of a total is estimated on the weeks before the origin only
// (fitBatch, on every sku cut there), so a backtest refits it at every
// origin. Skus line up by their last week: every sku of a table ends on the
// table's last complete week, and a backtest cuts them all at one origin.

import type { BatchFit, GlobalModel, ModelOutput, ModelSettings, SeriesInput } from './types';

/** Weeks the sku's own level is read from: the seed's 8-week yardstick (window_average). */
export const PROFILE_LEVEL_WEEKS = 8;

/** A season's index per week of the season, week 0 being the total's week `length` (the week after its last). */
interface Profile {
  index: Float64Array;
}

interface ProfileFit extends BatchFit {
  readonly alias: 'category_profile';
  /** Per category, its profile (its total's, shrunk toward the file's). */
  readonly byCategory: ReadonlyMap<string, Profile>;
  /** The file's profile: for skus of a category without one of its own. */
  readonly file: Profile | null;
}

/** A total's raw seasonal ratios: the mean per week of the season, and each mean's noise variance. */
interface RawSeason {
  mean: Float64Array;
  noise: Float64Array;
}

/** The total of `members`, lined up at their last week. */
function totalOf(members: readonly SeriesInput[]): Float64Array {
  let length = 0;
  for (const s of members) length = Math.max(length, s.y.length);
  const total = new Float64Array(length);
  for (const s of members) {
    const off = length - s.y.length;
    for (let t = 0; t < s.y.length; t++)
      total[off + t] = (total[off + t] as number) + (s.y[t] as number);
  }
  return total;
}

/**
 * The ratios of a total to its centred moving average (2 × m for even m),
 * averaged per week of the season counted back from the total's end; undefined
 * when some week of the season has no ratio or the scatter cannot be read
 * (fewer than two seasons and a week).
 */
function rawSeason(total: Float64Array, m: number): RawSeason | undefined {
  const n = total.length;
  const half = Math.floor(m / 2);
  const sums = new Float64Array(m);
  const squares = new Float64Array(m);
  const counts = new Float64Array(m);
  let window = 0;
  for (let t = 0; t < Math.min(n, m); t++) window += total[t] as number;
  for (let t = half; t + half < n; t++) {
    // window: the sum of total[t − half .. t − half + m − 1].
    const trend =
      m % 2 === 0
        ? (window - 0.5 * (total[t - half] as number) + 0.5 * (total[t + half] as number)) / m
        : window / m;
    if (trend > 0) {
      const r = (total[t] as number) / trend;
      const p = (((t - n) % m) + m) % m;
      sums[p] = (sums[p] as number) + r;
      squares[p] = (squares[p] as number) + r * r;
      counts[p] = (counts[p] as number) + 1;
    }
    if (t - half + m < n) window += (total[t - half + m] as number) - (total[t - half] as number);
  }
  let within = 0;
  let dof = 0;
  const mean = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const c = counts[p] as number;
    if (c === 0) return undefined;
    mean[p] = (sums[p] as number) / c;
    within += (squares[p] as number) - c * (mean[p] as number) ** 2;
    dof += c - 1;
  }
  if (dof === 0) return undefined;
  const scatter = Math.max(0, within) / dof;
  let level = 0;
  for (let p = 0; p < m; p++) level += mean[p] as number;
  level /= m;
  if (!(level > 0)) return undefined;
  const noise = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    mean[p] = (mean[p] as number) / level;
    noise[p] = scatter / (counts[p] as number) / (level * level);
  }
  return { mean, noise };
}

/**
 * `raw` shrunk toward `toward` (no season where absent) by the James–Stein
 * weight: the share of its spread around the target that is not noise.
 */
function shrink(raw: RawSeason, toward: Profile | null): Profile {
  const m = raw.mean.length;
  let spread = 0;
  let noise = 0;
  for (let p = 0; p < m; p++) {
    spread += ((raw.mean[p] as number) - (toward ? (toward.index[p] as number) : 1)) ** 2;
    noise += raw.noise[p] as number;
  }
  const w = spread > 0 ? Math.max(0, 1 - noise / spread) : 0;
  const index = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const target = toward ? (toward.index[p] as number) : 1;
    index[p] = Math.max(0, target + w * ((raw.mean[p] as number) - target));
  }
  return { index };
}

/** The file's profile and each category's, from series cut at one origin. */
export function fitProfiles(batch: readonly SeriesInput[], settings: ModelSettings): ProfileFit {
  const m = settings.seasonLength;
  const groups = new Map<string, SeriesInput[]>();
  for (const s of batch) {
    const c = s.category ?? '';
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(s);
  }
  const fileRaw = rawSeason(totalOf(batch), m);
  const file = fileRaw ? shrink(fileRaw, null) : null;
  const byCategory = new Map<string, Profile>();
  if (groups.size > 1) {
    for (const [c, members] of groups) {
      const raw = rawSeason(totalOf(members), m);
      if (raw) byCategory.set(c, shrink(raw, file));
    }
  }
  return { alias: 'category_profile', byCategory, file };
}

/** The profile's index of week t of a series of length n (which ends where every total ends). */
function indexAt(p: Profile, n: number, t: number): number {
  const m = p.index.length;
  return p.index[(((t - n) % m) + m) % m] as number;
}

/** One sku's forecast: its last weeks' level (sales over the indices they had) times the coming weeks' indices. */
export function profileForecast(y: Float64Array, p: Profile | null, h: number): ModelOutput {
  const n = y.length;
  const from = Math.max(0, n - PROFILE_LEVEL_WEEKS);
  let sales = 0;
  let weight = 0;
  for (let t = from; t < n; t++) {
    sales += y[t] as number;
    weight += p ? indexAt(p, n, t) : 1;
  }
  // A ratio of sums, not a mean of ratios: a week with a tiny index cannot blow the level up.
  const level = weight > 0 ? sales / weight : 0;
  const point = new Float64Array(h);
  for (let k = 0; k < h; k++) point[k] = level * (p ? indexAt(p, n, n + k) : 1);
  return { point };
}

export const categoryProfile: GlobalModel = {
  kind: 'global',
  alias: 'category_profile',
  reference:
    "The sku's mean of the last 8 weeks with its category's season divided out, times the season of the coming weeks; the season is the classical decomposition of the category's total, shrunk toward the file's by how much of it is noise (models/MODEL_CARD.md).",
  minHistory: PROFILE_LEVEL_WEEKS,
  maxHorizon: Infinity,
  pooled: true,
  alignedFit: true,
  fitBatch(batch: readonly SeriesInput[], _h: number, settings: ModelSettings): Promise<BatchFit> {
    return Promise.resolve(fitProfiles(batch, settings));
  },
  predictBatch(
    batch: readonly SeriesInput[],
    h: number,
    settings: ModelSettings,
    fit?: BatchFit,
  ): Promise<ModelOutput[]> {
    const f = (fit as ProfileFit | undefined) ?? fitProfiles(batch, settings);
    return Promise.resolve(
      batch.map((s) => profileForecast(s.y, f.byCategory.get(s.category ?? '') ?? f.file, h)),
    );
  },
};
