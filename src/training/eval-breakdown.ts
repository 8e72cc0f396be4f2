// Where each model is strong: a dataset's scores split by how much history a
// series had and by its demand class (issue 28). A series goes in one cell
// per split, by its history before its first scored origin, so no scored
// week decides where it is counted; each cell is then scored like the whole
// dataset (scoreItems), on its own series only.

import { scoreItems, type MaseSeason, type ScoreItem } from '../core/backtest/scores';
import { STRATEGIES } from '../core/backtest/selection';
import { demandClass, DEMAND_CLASSES, type DemandClass } from '../core/stats/demand-class';

export const HISTORY_BANDS = ['<52', '52-104', '>104'] as const;
export type HistoryBand = (typeof HISTORY_BANDS)[number];

export function historyBand(weeks: number): HistoryBand {
  return weeks < 52 ? '<52' : weeks <= 104 ? '52-104' : '>104';
}

export interface CellScores {
  wape: number;
  mase: number;
  coverage_p10_p90: number;
}

type Cells<K extends string> = Record<K, CellScores | null>;

export interface Breakdown {
  rule: string;
  /** Series in each cell (the same for every model). */
  series: { history: Record<HistoryBand, number>; demand_class: Record<DemandClass, number> };
  /** Per model: p50 WAPE, MASE and p10–p90 coverage of each cell; null where it has no series. */
  models: Record<string, { history: Cells<HistoryBand>; demand_class: Cells<DemandClass> }>;
}

export const BREAKDOWN_RULE =
  "each series in one cell per split, by its history before its first scored origin: weeks of history (< 52, 52–104, > 104) and Syntetos–Boylan demand class (ADI 1.32, CV² 0.49; src/core/stats/demand-class.ts); each cell pooled as the dataset's scores are";

function countBy<K extends string>(keys: readonly K[], of: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const k of of) out[k]++;
  return out;
}

/**
 * The breakdown of one dataset. `items` holds each model's scored forecasts
 * by series index; `firstCutoff[i]` is series i's first scored origin, in
 * periods (`periodsPerWeek` of them a week: 7 for a daily series). The
 * auto strategies that are not shipped are left out (auto is the shipped one).
 */
export function breakdown(
  items: ReadonlyMap<string, ReadonlyMap<number, ScoreItem>>,
  firstCutoff: ReadonlyMap<number, number>,
  season: MaseSeason,
  periodsPerWeek = 1,
): Breakdown {
  const history = new Map<number, HistoryBand>();
  const demand = new Map<number, DemandClass>();
  for (const [i, cutoff] of firstCutoff) {
    history.set(i, historyBand(cutoff / periodsPerWeek));
    const anyItem = [...items.values()].find((m) => m.has(i))?.get(i);
    if (anyItem) demand.set(i, demandClass(anyItem.series.y, cutoff));
  }
  const cell = (perSeries: ReadonlyMap<number, ScoreItem>, inCell: (i: number) => boolean) => {
    const chosen = [...perSeries].filter(([i]) => inCell(i)).map(([, it]) => it);
    if (chosen.length === 0) return null;
    const s = scoreItems(chosen, season).pooled;
    return { wape: s.wape, mase: s.mase, coverage_p10_p90: s.coverage_p10_p90 };
  };
  const models: Breakdown['models'] = {};
  const strategies = new Set<string>(STRATEGIES);
  for (const [alias, perSeries] of items) {
    if (strategies.has(alias)) continue;
    models[alias] = {
      history: Object.fromEntries(
        HISTORY_BANDS.map((b) => [b, cell(perSeries, (i) => history.get(i) === b)]),
      ) as Cells<HistoryBand>,
      demand_class: Object.fromEntries(
        DEMAND_CLASSES.map((c) => [c, cell(perSeries, (i) => demand.get(i) === c)]),
      ) as Cells<DemandClass>,
    };
  }
  return {
    rule: BREAKDOWN_RULE,
    series: {
      history: countBy(HISTORY_BANDS, [...history.values()]),
      demand_class: countBy(DEMAND_CLASSES, [...demand.values()]),
    },
    models,
  };
}
