// `skucast choose`: the shards' backtests reduced to the one choice a single
// run over every sku would make, exactly. What auto pools over skus:
//
// - the candidates' ranking: pooled WAPE (Σ|y − p| / Σ|y|), the scaled error,
//   the near-duplicate test (Σ|p − q| of every pair), fallback counts, per
//   horizon block;
// - the band: split-conformal quantiles of the chosen forecast's scaled
//   residuals, by weeks ahead (the early-half calibration that decides the
//   median shift, then all windows), each demand class's own quantiles and
//   its choice of method on the later windows;
// - the totals: per category and origin, the summed actuals and points of
//   the chosen forecast, and the quantiles of the totals' errors;
// - both also over the earlier origins auto calibrates on, for which a shard
//   backtests every candidate (it cannot know the members).
//
// The quantiles need the residuals themselves, and the residuals are those of
// the chosen forecast (the mean of the members), which no shard knows until
// every shard's scores are in. So a shard's scores carry each of its skus'
// backtest points of every candidate (and its history), not sums; `choose`
// lays them out again in the whole table's order (each shard knows each sku's
// place in it) and runs the rest of auto on them (finishAuto): the same
// numbers added in the same order, the same residuals sorted, so the same
// choice and band to the last bit. Sums of floating-point numbers depend on
// their order, which is why no partial sum crosses a shard.

import {
  AUTO_DEFAULTS,
  chosenIndices,
  finishAuto,
  withEarlier,
  type AutoEvidence,
  type ShardChoice,
} from '../backtest/auto';
import { addCounts, type SeriesBacktest } from '../backtest/cross-validation';
import { Scoring } from '../backtest/selection';
import type { BacktestSeries } from '../backtest/series';
import type { ShardBlockBacktest } from '../forecast-library';
import type { Measure } from '../types';
import type { ModelAlias } from '../models/types';
import type { ShardSpec } from './shard-key';

export const SCORES_SCHEMA = 'skucast-scores/1';
export const CHOICE_SCHEMA = 'skucast-choice/1';

/** What every shard of one job must agree on: the same file read the same way, the same run. */
export interface ShardRun {
  /** The weekly table's fingerprint (plan.ts's hash of the whole table, every shard's skus). */
  table_hash: string;
  skus_total: number;
  horizon: number;
  model: string;
  measure: Measure;
  last_complete_week: string;
}

/** A shard's scores, as `skucast backtest --format scores` writes them. */
export interface ShardScores {
  run: ShardRun;
  shard: ShardSpec;
  /** The shard's skus, each with its index in the whole table, in that order. */
  skus: { index: number; series: BacktestSeries }[];
  /** Per horizon block; each backtest's series is one of `skus`. */
  blocks: ShardBlockBacktest[];
}

/** The choice file: per horizon block, what each shard's forecast needs of the whole run. */
export interface ChoiceDoc {
  schema: typeof CHOICE_SCHEMA;
  run: ShardRun;
  shards: number;
  blocks: (ShardChoice & { from: number; to: number; h: number })[];
}

/** Shards that do not add up to one run: a message the user can act on. */
export class ShardError extends Error {
  override readonly name = 'ShardError';
}

function sameRun(a: ShardRun, b: ShardRun): string | null {
  for (const key of Object.keys(a) as (keyof ShardRun)[]) {
    if (a[key] !== b[key]) return `${key} ${String(b[key])} where the first has ${String(a[key])}`;
  }
  return null;
}

/** Refuses shards of different runs, a shard twice, a shard missing, or skus not covered once. */
function checkShards(shards: readonly ShardScores[]): {
  run: ShardRun;
  count: number;
} {
  const first = shards[0];
  if (!first) throw new ShardError('no scores given');
  const count = first.shard.count;
  const seen = new Map<number, number>();
  shards.forEach((s, i) => {
    const differs = sameRun(first.run, s.run);
    if (differs !== null)
      throw new ShardError(`scores ${i + 1} are of another run than scores 1: ${differs}`);
    if (s.shard.count !== count)
      throw new ShardError(
        `scores ${i + 1} are of shard ${s.shard.index}/${s.shard.count}, scores 1 of a job of ${count} shards`,
      );
    const before = seen.get(s.shard.index);
    if (before !== undefined)
      throw new ShardError(
        `shard ${s.shard.index}/${count} is given twice (scores ${before + 1} and ${i + 1})`,
      );
    seen.set(s.shard.index, i);
  });
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !seen.has(k));
  if (missing.length > 0)
    throw new ShardError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} of ${count} missing: choose needs the scores of every shard`,
    );
  return { run: first.run, count };
}

/** The whole table's series in its order, from every shard's skus. */
function wholeSeries(shards: readonly ShardScores[], total: number): BacktestSeries[] {
  const series = new Array<BacktestSeries | undefined>(total);
  for (const s of shards) {
    for (const { index, series: one } of s.skus) {
      if (!(index >= 0 && index < total) || series[index])
        throw new ShardError(
          `shard ${s.shard.index}/${s.shard.count} has sku "${one.id}" at place ${index}, ` +
            (series[index] ? `which another shard has too` : `outside the table's ${total} skus`),
        );
      series[index] = one;
    }
  }
  const gap = series.findIndex((s) => !s);
  if (gap >= 0) throw new ShardError(`no shard has the sku at place ${gap} of ${total}`);
  return series as BacktestSeries[];
}

export function chooseOverShards(shards: readonly ShardScores[]): ChoiceDoc {
  const { run, count } = checkShards(shards);
  const series = wholeSeries(shards, run.skus_total);
  const place = new Map<BacktestSeries, number>();
  for (const s of shards) for (const k of s.skus) place.set(k.series, k.index);
  const strategy = run.model === 'auto' ? AUTO_DEFAULTS.strategy : ('pooled' as const);
  const nBlocks = (shards[0] as ShardScores).blocks.length;
  const blocks = Array.from({ length: nBlocks }, (_, b) => {
    const parts = shards.map((s) => s.blocks[b] as ShardBlockBacktest);
    const first = parts[0] as ShardBlockBacktest;
    const aliases = first.aliases;
    const millis: Partial<Record<ModelAlias, number>> = {};
    for (const p of parts) {
      if (p.h !== first.h || p.aliases.join() !== aliases.join())
        throw new ShardError(`the shards backtested other models or weeks in block ${b + 1}`);
      addCounts(millis, p.millis);
    }
    const inOrder = (list: SeriesBacktest[]): SeriesBacktest[] =>
      list.sort((x, y) => (place.get(x.series) as number) - (place.get(y.series) as number));
    const bt = inOrder(parts.flatMap((p) => p.bt));
    const early = inOrder(parts.flatMap((p) => p.early));
    // Scored as backtestCandidates scores: one series at a time, in the table's order.
    const scoring = new Scoring(AUTO_DEFAULTS.metric, first.h, aliases.length);
    for (const sb of bt) {
      scoring.add(
        sb,
        aliases.map((a) => sb.points[a]),
        aliases.map((a) => sb.used[a]),
      );
    }
    const choice = scoring.choose(AUTO_DEFAULTS.topK);
    const excluded: AutoEvidence['excluded'] = first.excluded;
    const chosen = chosenIndices(strategy, choice).map((j) => aliases[j] as ModelAlias);
    const result = finishAuto(
      series,
      aliases,
      excluded,
      { bt, scoring, choice, millis },
      { h: first.h, strategy },
      withEarlier(early, bt, chosen),
    );
    return {
      from: first.from,
      to: first.to,
      h: first.h,
      choice: result.choice,
      evidence: result.evidence,
      totals: result.totals,
    };
  });
  return { schema: CHOICE_SCHEMA, run, shards: count, blocks };
}
