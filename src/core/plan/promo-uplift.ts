// What a file's past promotions did, measured once from the weekly table and
// kept in the plan (`promotions`), so an event can be suggested an uplift from
// the plan alone (the CLI's `skucast event`, the page) without the sales file.
//
// A promoted week's uplift is its sales over a baseline: the median of the
// nearest non-promoted weeks on either side, robust to the promotion itself
// (its own week and any promoted neighbours are left out) and to a stray week.
// A sku with few promoted weeks borrows from its category (shrinkage), and
// since the statistical forecast was fitted on weeks that include promotions,
// its level is corrected before the uplift goes on top.

import { medianOf } from '../stats/quantile';
import type { SkuSeries, WeeklyTable } from '../types';

/** Non-promoted weeks taken on each side of a promoted week for its baseline. */
export const BASELINE_NEIGHBOURS = 4;
/** A sku's own figure weighs n/(n + SHRINK_WEEKS) against its category's (n: its promoted weeks). */
export const SHRINK_WEEKS = 4;
/** Recent weeks whose promotions are taken to be in the statistical forecast's level. */
export const LEVEL_WEEKS = 13;

/** A sku's past promotions: how many weeks were measured, their mean uplift, and how much promotions lift its recent level. */
export interface SkuPromotions {
  sku: string;
  promoted_weeks: number;
  /** Mean over the promoted weeks of sales / baseline − 1 (0.38: +38%); 0 with no promoted week. */
  uplift: number;
  /** Sales of the last LEVEL_WEEKS weeks over what they would have been without their promotions (1: none). */
  level: number;
}

/** A category's promoted weeks pooled over its skus, measured the same way. */
export interface CategoryPromotions {
  category: string;
  promoted_weeks: number;
  uplift: number;
}

/** The plan's promotion evidence (null in a plan of a file with no promotion column). */
export interface PlanPromotions {
  level_weeks: number;
  skus: SkuPromotions[];
  categories: CategoryPromotions[];
}

/** A suggested uplift for one sku, with the figure that goes on its statistical p50 and the evidence in words. */
export interface SkuSuggestion {
  /** The sku's uplift, shrunk to its category's. */
  uplift: number;
  /** The statistical p50 is multiplied by this: (1 + uplift) / level. */
  factor: number;
  evidence: string;
}

const round4 = (v: number): number => Math.round(v * 10000) / 10000;

/** "+38%", "-12%". */
export function percent(fraction: number): string {
  const p = Math.round(fraction * 100);
  return `${p >= 0 ? '+' : ''}${p}%`;
}

export interface SeriesWeeks {
  values: ArrayLike<number>;
  promo: ArrayLike<number>;
  partial: ArrayLike<number>;
}

/** A series' values, promotion days and partial flags, from its columns when it still has them (no row objects made). */
export function seriesWeeks(s: SkuSeries): SeriesWeeks | null {
  const c = s.columns;
  if (c)
    return c.promo_days
      ? { values: c.total_amount, promo: c.promo_days, partial: c.calendar.partial }
      : null;
  if (s.rows[0]?.promo_days === undefined) return null;
  return {
    values: s.rows.map((r) => r.total_amount),
    promo: s.rows.map((r) => r.promo_days ?? 0),
    partial: s.rows.map((r) => r.partial),
  };
}

/**
 * Each promoted week's sales / baseline, by week index (NaN where the week
 * is not promoted or has no baseline: no non-promoted neighbour, or one of 0,
 * as before a sku's first sale). Weeks after `origin` and partial weeks are
 * neither measured nor used as a baseline.
 */
export function promotedRatios(weeks: SeriesWeeks, origin: number): Float64Array {
  const { values, promo, partial } = weeks;
  const usable = (w: number): boolean => partial[w] === 0;
  const plain = (w: number): boolean => usable(w) && !((promo[w] as number) > 0);
  const ratios = new Float64Array(origin + 1).fill(NaN);
  for (let w = 0; w <= origin; w++) {
    if (!usable(w) || !((promo[w] as number) > 0)) continue;
    const around: number[] = [];
    for (let b = w - 1, k = 0; b >= 0 && k < BASELINE_NEIGHBOURS; b--) {
      if (!plain(b)) continue;
      around.push(values[b] as number);
      k++;
    }
    for (let a = w + 1, k = 0; a <= origin && k < BASELINE_NEIGHBOURS; a++) {
      if (!plain(a)) continue;
      around.push(values[a] as number);
      k++;
    }
    const baseline = around.length > 0 ? medianOf(around) : 0;
    if (baseline > 0) ratios[w] = (values[w] as number) / baseline;
  }
  return ratios;
}

/**
 * The file's past promotions per sku and category, from the measured table
 * (units or money, as the forecast counts) up to `origin` (the last complete
 * week); null when the file has no promotion column.
 */
export function measurePromotions(table: WeeklyTable, origin: number): PlanPromotions | null {
  if (!table.report.hasPromo) return null;
  const skus: SkuPromotions[] = [];
  const pooled = new Map<string, { n: number; sum: number }>();
  for (const s of table.series) {
    const weeks = seriesWeeks(s);
    if (weeks === null) return null;
    const ratios = promotedRatios(weeks, origin);
    let n = 0;
    let sum = 0;
    for (const r of ratios) {
      if (r !== r) continue;
      n++;
      sum += r;
    }
    const cat = pooled.get(s.category) ?? { n: 0, sum: 0 };
    pooled.set(s.category, { n: cat.n + n, sum: cat.sum + sum });
    skus.push({
      sku: s.sku,
      promoted_weeks: n,
      uplift: n > 0 ? round4(sum / n - 1) : 0,
      level: round4(promotedLevel(weeks, ratios, origin)),
    });
  }
  const categories = [...pooled].map(([category, { n, sum }]) => ({
    category,
    promoted_weeks: n,
    uplift: n > 0 ? round4(sum / n - 1) : 0,
  }));
  return { level_weeks: LEVEL_WEEKS, skus, categories };
}

/**
 * How much the last LEVEL_WEEKS complete weeks sold over what they would have
 * without their promotions (a promoted week counted at its baseline): the
 * statistical models fit those weeks, so their level carries this much
 * promotion. 1 when none was promoted (or none could be measured).
 */
function promotedLevel(weeks: SeriesWeeks, ratios: Float64Array, origin: number): number {
  let sold = 0;
  let without = 0;
  for (let w = Math.max(0, origin - LEVEL_WEEKS + 1); w <= origin; w++) {
    if (weeks.partial[w] !== 0) continue;
    const v = weeks.values[w] as number;
    const r = ratios[w] as number;
    sold += v;
    without += r === r && r > 0 ? v / r : v;
  }
  return sold > 0 && without > 0 ? sold / without : 1;
}

/**
 * The uplift suggested for `sku` (of `category`), or why there is none: its
 * own mean uplift weighed n/(n + 4) against its category's, and the factor
 * for its statistical p50, which takes the promotions already in the level
 * out before putting this one on: (1 + uplift) / level.
 */
export function suggestForSku(
  promotions: PlanPromotions | null | undefined,
  sku: string,
  category: string,
): SkuSuggestion | string {
  if (promotions === undefined) {
    return 'this plan holds no promotion evidence (made before skucast kept it): make the plan again from its file';
  }
  if (promotions === null) {
    return "the plan's file has no promotion column (Promo, on_promotion, Aktion…), so there is no past promotion to measure an uplift from";
  }
  const own = promotions.skus.find((s) => s.sku === sku);
  const cat = promotions.categories.find((c) => c.category === category);
  const n = own?.promoted_weeks ?? 0;
  const catName = category === '' ? 'the file' : `its category "${category}"`;
  if (n === 0 && (cat?.promoted_weeks ?? 0) === 0) {
    return `neither sku "${sku}" nor ${catName} has a promoted week with a baseline in the file's history`;
  }
  const mine = `${n} promoted week${n === 1 ? '' : 's'}: ${percent(own?.uplift ?? 0)} on average`;
  let uplift: number;
  let evidence: string;
  const others = (cat?.promoted_weeks ?? 0) - n;
  if (cat === undefined || others <= 0) {
    uplift = own?.uplift ?? 0;
    evidence = mine;
  } else {
    const w = n / (n + SHRINK_WEEKS);
    uplift = round4(w * (own?.uplift ?? 0) + (1 - w) * cat.uplift);
    const theirs = `${catName}, ${cat.promoted_weeks} promoted weeks: ${percent(cat.uplift)}`;
    evidence =
      n === 0
        ? `no promoted week of its own; ${theirs} on average`
        : `${mine}; ${theirs}; with weight ${n}/${n + SHRINK_WEEKS} on its own: ${percent(uplift)}`;
  }
  const level = own?.level ?? 1;
  if (Math.abs(level - 1) >= 0.005) {
    evidence += `; its last ${promotions.level_weeks} weeks sold ${percent(level - 1)} from promotions, already in the forecast's level, so p50 × ${round2(1 + uplift)} / ${round2(level)}`;
  }
  return { uplift, factor: (1 + uplift) / level, evidence };
}

const round2 = (v: number): string => (Math.round(v * 100) / 100).toFixed(2);

/** A category's pooled uplift and its evidence, or why there is none. */
export function suggestForCategory(
  promotions: PlanPromotions | null | undefined,
  category: string,
): { uplift: number; evidence: string } | string {
  if (promotions === undefined || promotions === null)
    return suggestForSku(promotions, '', category) as string;
  const cat = promotions.categories.find((c) => c.category === category);
  if (!cat || cat.promoted_weeks === 0) {
    return `category "${category}" has no promoted week with a baseline in the file's history`;
  }
  return {
    uplift: cat.uplift,
    evidence: `${cat.promoted_weeks} promoted weeks over its skus: ${percent(cat.uplift)} on average; each sku gets its own figure weighed against this one`,
  };
}
