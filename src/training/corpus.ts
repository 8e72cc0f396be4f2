// The sequence model's training corpus: real weekly series from ../shared
// (M4 weekly, store-item sales, the seed's sales; the sales files read through
// the app's own ingestion) and the synthetic retail generator. Each series
// says up to where it may be trained on and up to where it is validated, so
// the weeks the evaluation reports on are never seen:
// - M4: only Weekly-train.csv is read (the test file is the report's); its
//   last 13 weeks are validation, and every 10th series is held out whole;
// - store-item and seed: the last 12 complete weeks are the report's holdout,
//   the 12 before them validation, training stops before both.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seriesFromTable, type BacktestSeries } from '../core/backtest/series';
import { daysFromCivil, isoWeekOf } from '../core/ingest/dates';
import { Rng } from '../core/random';
import { hasEnded } from '../core/stats/demand-class';
import { loadSeedData, sharedDir } from './data';
import { readM4, storeItemTable } from './eval-library';
import { DEFAULT_SYNTHETIC, syntheticSeries } from './synthetic';

export type CorpusSource = 'm4' | 'store_item' | 'seed' | 'synthetic';

export interface CorpusSeries {
  id: string;
  source: CorpusSource;
  /** Complete weekly values, oldest first. */
  y: Float64Array;
  /** ISO week of each value, or null when the series has no calendar (M4). */
  isoWeeks: Uint8Array | null;
  /** Targets at index < trainEnd may be trained on (0: held out whole). */
  trainEnd: number;
  /** Validation windows start at trainEnd and score targets at index < validEnd. */
  validEnd: number;
}

export interface CorpusOptions {
  seed: number;
  syntheticSeries: number;
  syntheticMinWeeks: number;
  syntheticMaxWeeks: number;
  /** Every n-th M4 and synthetic series is held out of training whole (validation on unseen series). */
  holdOutEvery: number;
  /**
   * Leave out the real series that had ended by the end of their training
   * span (hasEnded: no sale in its last 52 weeks, sales before), so the
   * network is not taught years of zeros after a discontinuation. Judged on
   * the training weeks only.
   */
  dropEnded: boolean;
}

/** Weeks the evaluation holds out at the end of the store-item and seed series (eval-library). */
export const REPORT_HOLDOUT_WEEKS = 12;
/** Weeks before that holdout used to validate the recipe. */
export const VALIDATION_WEEKS = 12;
/** M4's horizon: the last 13 weeks of Weekly-train.csv validate. */
export const M4_VALIDATION_WEEKS = 13;

export interface Corpus {
  series: CorpusSeries[];
  /** Where each source came from, for the descriptor. */
  sources: Partial<Record<CorpusSource, string>>;
}

function isoWeeksOf(mondays: readonly string[]): Uint8Array {
  return Uint8Array.from(mondays, (m) => {
    const [y, mo, d] = m.split('-').map(Number) as [number, number, number];
    return isoWeekOf(daysFromCivil(y, mo, d)).isoWeek;
  });
}

/** A sales series whose last REPORT_HOLDOUT_WEEKS are the report's and the VALIDATION_WEEKS before them validation. */
function salesSeries(s: BacktestSeries, source: CorpusSource): CorpusSeries {
  const n = s.y.length;
  const validEnd = Math.max(0, n - REPORT_HOLDOUT_WEEKS);
  return {
    id: `${source}:${s.id}`,
    source,
    y: s.y,
    isoWeeks: isoWeeksOf(s.weeks),
    trainEnd: Math.max(0, validEnd - VALIDATION_WEEKS),
    validEnd,
  };
}

export async function loadCorpus(opts: CorpusOptions, repoRoot = process.cwd()): Promise<Corpus> {
  const shared = sharedDir(repoRoot);
  const series: CorpusSeries[] = [];
  const sources: Corpus['sources'] = {};
  const m4 = path.join(shared, 'data/m4_weekly/Weekly-train.csv');
  if (existsSync(m4)) {
    readM4(readFileSync(m4, 'utf8')).forEach((r, i) => {
      const n = r.y.length;
      const heldOut = i % opts.holdOutEvery === opts.holdOutEvery - 1;
      series.push({
        id: `m4:${r.id}`,
        source: 'm4',
        y: Float64Array.from(r.y),
        isoWeeks: null,
        trainEnd: heldOut ? 0 : n - M4_VALIDATION_WEEKS,
        validEnd: n,
      });
    });
    sources.m4 = `../shared/data/m4_weekly/Weekly-train.csv (every ${opts.holdOutEvery}th series held out; last ${M4_VALIDATION_WEEKS} weeks validation)`;
  }
  const storeItem = path.join(shared, 'data/store_item_daily.csv');
  if (existsSync(storeItem)) {
    const table = storeItemTable(readFileSync(storeItem, 'utf8'));
    for (const s of seriesFromTable(table)) series.push(salesSeries(s, 'store_item'));
    sources.store_item = `../shared/data/store_item_daily.csv via ingestText (last ${REPORT_HOLDOUT_WEEKS} weeks never seen, ${VALIDATION_WEEKS} before them validation)`;
  }
  const seed = await loadSeedData(repoRoot);
  if (seed) {
    for (const s of seriesFromTable(seed.table)) series.push(salesSeries(s, 'seed'));
    sources.seed = `${seed.source} (last ${REPORT_HOLDOUT_WEEKS} weeks never seen, ${VALIDATION_WEEKS} before them validation)`;
  }
  const rng = new Rng(opts.seed * 7919 + 17);
  const synthOpts = {
    ...DEFAULT_SYNTHETIC,
    minWeeks: opts.syntheticMinWeeks,
    maxWeeks: opts.syntheticMaxWeeks,
  };
  for (let i = 0; i < opts.syntheticSeries; i++) {
    const rows = syntheticSeries(rng, i, synthOpts).rows;
    const n = rows.length;
    const heldOut = i % opts.holdOutEvery === opts.holdOutEvery - 1;
    series.push({
      id: `synthetic:${i}`,
      source: 'synthetic',
      y: Float64Array.from(rows, (r) => r.total_amount),
      isoWeeks: Uint8Array.from(rows, (r) => r.iso_week),
      trainEnd: heldOut ? 0 : n,
      validEnd: heldOut ? n : 0,
    });
  }
  sources.synthetic = `src/training/synthetic.ts, ${opts.syntheticSeries} series of ${opts.syntheticMinWeeks}–${opts.syntheticMaxWeeks} weeks, rng seed ${opts.seed} * 7919 + 17`;
  const kept = opts.dropEnded ? series.filter((s) => !hasEnded(s.y, s.trainEnd)) : series;
  return { series: kept, sources };
}
