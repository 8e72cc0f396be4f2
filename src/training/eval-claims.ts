// The "better than" claims the README and the model card make, each with a
// paired bootstrap interval over series (issue 28): auto against the best
// classical model, the TCN against the best classical model, AutoETS and
// Theta, and the tuned head against the TCN it corrects, on every dataset,
// measured by the dataset's primary measure (p50 WAPE pooled over series, or
// M4's MASE averaged over series).

import type { Scores } from '../core/backtest/scores';
import { STRATEGIES } from '../core/backtest/selection';
import {
  DEFAULT_BOOTSTRAP,
  pairedBootstrap,
  type PooledParts,
  type RelativeDifference,
} from '../core/backtest/bootstrap';
import type { DatasetResult, ModelScores } from './eval-library';

export interface Claim {
  model: string;
  against: string;
  metric: 'wape' | 'mase';
  /** The claim's series: both models scored (M4: both with a finite MASE). */
  series: number;
  relative: RelativeDifference;
}

/**
 * Single models ranked by the primary measure, best first: not auto or its
 * strategies, and not a model whose every forecast the fallback chain made
 * (seasonal naive on a year of data), which is no contender.
 */
export function rankedSingles(r: DatasetResult, metric: 'wape' | 'mase'): [string, ModelScores][] {
  const combos = new Set<string>(['auto', ...STRATEGIES]);
  const singles = Object.entries(r.scores).filter(
    ([alias, s]) =>
      s &&
      !combos.has(alias) &&
      Number.isFinite(s[metric]) &&
      (r.fallbackShare[alias] ?? 0) < 0.999,
  ) as [string, ModelScores][];
  return singles.sort((a, b) => a[1][metric] - b[1][metric]);
}

/** The network, and the network with its head tuned to the file. */
const NETWORKS = new Set(['tcn', 'tcn_tuned']);

/** The best single model that is not the network (tuned or not). */
export function bestClassical(r: DatasetResult, metric: 'wape' | 'mase'): string | undefined {
  return rankedSingles(r, metric).find(([alias]) => !NETWORKS.has(alias))?.[0];
}

/** The per-series parts of both models' pooled measure, on the series both have. */
function parts(
  a: ReadonlyMap<number, Scores>,
  b: ReadonlyMap<number, Scores>,
  metric: 'wape' | 'mase',
): [PooledParts, PooledParts] {
  const both = [...a.keys()].filter(
    (i) =>
      b.has(i) && (metric === 'wape' || (isFinite(a.get(i)!.mase) && isFinite(b.get(i)!.mase))),
  );
  const of = (m: ReadonlyMap<number, Scores>): PooledParts => {
    const s = both.map((i) => m.get(i) as Scores);
    return metric === 'mase'
      ? { num: s.map((x) => x.mase), den: s.map(() => 1) }
      : {
          num: s.map((x) => (x.absActual > 0 ? x.wape * x.absActual : 0)),
          den: s.map((x) => x.absActual),
        };
  };
  return [of(a), of(b)];
}

export function claims(r: DatasetResult, metric: 'wape' | 'mase'): Claim[] {
  const best = bestClassical(r, metric);
  const pairs: [string, string | undefined][] = [
    ['auto', best],
    ['tcn', best],
    ['tcn', 'ets'],
    ['tcn', 'theta'],
    ['tcn_tuned', 'tcn'],
  ];
  const out: Claim[] = [];
  const seen = new Set<string>();
  for (const [model, against] of pairs) {
    const a = r.perSeries[model];
    const b = against === undefined ? undefined : r.perSeries[against];
    const key = `${model}|${against}`;
    if (!a || !b || seen.has(key)) continue;
    seen.add(key);
    out.push(pairedClaim(model, a, against as string, b, metric));
  }
  return out;
}

/** `model` against `against` from their per-series scores (the same series, maybe from two runs). */
export function pairedClaim(
  model: string,
  a: ReadonlyMap<number, Scores>,
  against: string,
  b: ReadonlyMap<number, Scores>,
  metric: 'wape' | 'mase',
): Claim {
  const [pa, pb] = parts(a, b, metric);
  return {
    model,
    against,
    metric,
    series: pa.num.length,
    relative: pairedBootstrap(pa, pb, DEFAULT_BOOTSTRAP),
  };
}
