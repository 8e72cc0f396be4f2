// Synthetic retail series for pretraining: shapes that 15 noisy seed series
// cannot teach (seasonality, holiday peaks, trend, level shifts, promotions,
// intermittent demand, price levels from 1 to 1,000). Each week is simulated
// transaction by transaction and aggregated exactly as the weekly table
// (CONTRACT.md §2) does, so the features match what ingestion produces.

import { meanLast } from '../core/baselines';
import { medianOf } from '../core/stats/quantile';
import { civilFromDays, daysFromCivil, formatDay, isoWeekOf, mondayOf } from '../core/ingest/dates';
import type { SkuSeries, WeeklyRow } from '../core/types';
import type { Rng } from '../core/random';

export interface SyntheticOptions {
  minWeeks: number;
  maxWeeks: number;
  /** Lowest base rate (transactions/week): lower rates make series mostly zeros. */
  minRate: number;
  /** Lowest gamma shape of the week-to-week rate noise: lower is burstier. */
  minDispersion: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  minWeeks: 40,
  maxWeeks: 130,
  minRate: 0.3,
  minDispersion: 1,
};

/** Calendar columns of the week starting on day number `monday`, as ingestion labels them. */
function weekLabel(monday: number) {
  const { isoYear, isoWeek } = isoWeekOf(monday);
  return {
    week_start: formatDay(monday),
    iso_year: isoYear,
    iso_week: isoWeek,
    month: civilFromDays(monday).month,
  };
}

export function syntheticSeries(
  rng: Rng,
  id: number,
  opts: SyntheticOptions = DEFAULT_SYNTHETIC,
): SkuSeries {
  const weeks = rng.int(opts.minWeeks, opts.maxWeeks);
  const start = mondayOf(daysFromCivil(rng.int(2015, 2023), rng.int(1, 12), rng.int(1, 28)));
  const price =
    rng.next() < 0.3
      ? [25, 30, 50, 300, 500][rng.int(0, 4)]!
      : Math.round(rng.logUniform(1, 1000) * 100) / 100;
  const fixedPrice = rng.next() < 0.6; // category+price skus: the unit price is the key
  // Many real skus sell about once a week or less: bias the base rate low.
  const baseRate =
    rng.next() < 0.5 ? rng.logUniform(opts.minRate, 4) : rng.logUniform(opts.minRate, 40);
  const unitsPerTxn = rng.uniform(1, 3.5);
  const seasonAmp = rng.next() < 0.5 ? rng.uniform(0, 0.7) : 0;
  const seasonPhase = rng.uniform(0, 2 * Math.PI);
  const holidayLift = rng.next() < 0.3 ? rng.uniform(0.2, 1.5) : 0;
  const trend = rng.next() < 0.5 ? rng.normal() * 0.35 : 0; // log growth per year
  const promoProb = rng.next() < 0.4 ? rng.uniform(0.02, 0.12) : 0;
  const promoLift = rng.uniform(1.3, 3);
  const promoDiscount = rng.uniform(0.6, 0.95);
  const dispersion = rng.logUniform(opts.minDispersion, 100); // gamma shape of week-to-week rate noise
  const shiftWeek = rng.next() < 0.2 ? rng.int(1, weeks - 1) : -1;
  const shiftFactor = rng.logUniform(0.4, 2.5);
  const maleShare = rng.uniform(0.3, 0.7);
  const ageMid = rng.uniform(25, 55);

  const rows: WeeklyRow[] = [];
  const amounts: number[] = [];
  let lastPrice = price;
  for (let w = 0; w < weeks; w++) {
    const label = weekLabel(start + 7 * w);
    const yearPos = (2 * Math.PI * (label.iso_week - 1)) / 52;
    let rate =
      baseRate * Math.exp((trend * w) / 52) * (1 + seasonAmp * Math.sin(yearPos + seasonPhase));
    if (holidayLift > 0 && label.iso_week >= 47)
      rate *= 1 + holidayLift * ((label.iso_week - 46) / 6);
    if (shiftWeek >= 0 && w >= shiftWeek) rate *= shiftFactor;
    const promo = rng.next() < promoProb;
    if (promo) rate *= promoLift;
    rate *= rng.gamma(dispersion) / dispersion;
    const unitPrice = promo ? price * promoDiscount : price;
    const n = rng.poisson(rate);
    let quantity = 0;
    let male = 0;
    let female = 0;
    const ages: number[] = [];
    for (let t = 0; t < n; t++) {
      quantity += 1 + rng.poisson(unitsPerTxn - 1);
      if (rng.next() < maleShare) male++;
      else female++;
      ages.push(Math.round(Math.min(70, Math.max(18, ageMid + 12 * rng.normal()))));
    }
    const amount = quantity * unitPrice;
    if (quantity > 0) lastPrice = unitPrice;
    amounts.push(amount);
    rows.push({
      sku: `synthetic-${id}`,
      seed_id: -1,
      ...label,
      partial: 0,
      total_amount: amount,
      quantity,
      transactions: n,
      age: medianOf(ages),
      male,
      female,
      price_per_unit: fixedPrice ? price : lastPrice,
      window_mean_4: meanLast(amounts, 4),
      window_mean_5: meanLast(amounts, 5),
      window_mean_6: meanLast(amounts, 6),
      window_mean_7: meanLast(amounts, 7),
    });
  }
  return { sku: `synthetic-${id}`, category: 'synthetic', seed_id: -1, rows };
}
