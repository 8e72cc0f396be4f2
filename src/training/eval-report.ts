// The evaluation report of the model library (issue 9): per dataset its
// protocol, every model's and auto's scores, the best single model in
// hindsight and auto's rank; plus the markdown table of models/MODEL_CARD.md.

import type { AutoOptions } from '../core/backtest/auto';
import type { Breakdown, CellScores } from './eval-breakdown';
import { DEFAULT_BOOTSTRAP } from '../core/backtest/bootstrap';
import { bestClassical, claims, rankedSingles, type Claim } from './eval-claims';
import type { DatasetResult, ModelScores } from './eval-library';

/** The measure each dataset's ranking uses: p50 WAPE, M4's MASE. */
export function primaryMetric(name: string): 'wape' | 'mase' {
  return name === 'm4_weekly' ? 'mase' : 'wape';
}

const r4 = (v: number): number => (Number.isFinite(v) ? Math.round(v * 10000) / 10000 : v);

function rounded(s: ModelScores): Record<string, unknown> {
  return {
    wape: r4(s.wape),
    mase: r4(s.mase),
    smape: r4(s.smape),
    pinball: { p10: r4(s.pinball.p10), p50: r4(s.pinball.p50), p90: r4(s.pinball.p90) },
    coverage_p10_p90: r4(s.coverage_p10_p90),
    point_before_calibration: {
      wape: r4(s.point.wape),
      mase: r4(s.point.mase),
      smape: r4(s.point.smape),
    },
    bias: r4(s.bias),
    fit_seconds: Math.round(s.fit_seconds * 100) / 100,
  };
}

function withFallback(r: DatasetResult, alias: string): Record<string, unknown> {
  const share = r.fallbackShare[alias];
  return share !== undefined && share > 0 ? { fallback_share: share } : {};
}

export interface DatasetSummary {
  best_single: string;
  auto_rank: number;
  /** auto's primary measure relative to the best single model's, minus 1. */
  auto_vs_best: number;
  metric: 'wape' | 'mase';
}

export function summarise(r: DatasetResult): DatasetSummary {
  const metric = primaryMetric(r.name);
  const singles = rankedSingles(r, metric);
  const best = singles[0] as [string, ModelScores];
  const auto = r.scores['auto'] as ModelScores;
  return {
    best_single: best[0],
    auto_rank: 1 + singles.filter(([, s]) => s[metric] < auto[metric]).length,
    auto_vs_best: r4(auto[metric] / best[1][metric] - 1),
    metric,
  };
}

function roundedCells(cells: Record<string, CellScores | null>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(cells).map(([k, c]) => [
      k,
      c && { wape: r4(c.wape), mase: r4(c.mase), coverage_p10_p90: r4(c.coverage_p10_p90) },
    ]),
  );
}

/** The breakdown by history length and demand class, rounded as the report is. */
function roundedBreakdown(b: Breakdown): Record<string, unknown> {
  return {
    rule: b.rule,
    series: b.series,
    models: Object.fromEntries(
      Object.entries(b.models).map(([alias, m]) => [
        alias,
        { history: roundedCells(m.history), demand_class: roundedCells(m.demand_class) },
      ]),
    ),
  };
}

function roundedClaim(c: Claim): Record<string, unknown> {
  const { estimate, lo, hi, ...how } = c.relative;
  return {
    model: c.model,
    against: c.against,
    metric: c.metric,
    series: c.series,
    relative: r4(estimate),
    ci95: [r4(lo), r4(hi)],
    bootstrap: how,
  };
}

export function datasetReport(
  r: DatasetResult,
  protocol: Record<string, unknown>,
): Record<string, unknown> {
  const models: Record<string, unknown> = {};
  const strategies: Record<string, unknown> = {};
  const metric = primaryMetric(r.name);
  const entries = Object.entries(r.scores).sort(
    (a, b) => (a[1]?.[metric] ?? Infinity) - (b[1]?.[metric] ?? Infinity),
  );
  for (const [alias, s] of entries) {
    if (!s) continue;
    if (alias === 'per_sku' || alias === 'pooled') strategies[alias] = rounded(s);
    else models[alias] = { ...rounded(s), ...withFallback(r, alias) };
  }
  const counts = new Map<string, number>();
  for (const c of r.choices) counts.set(c.join('+'), (counts.get(c.join('+')) ?? 0) + 1);
  return {
    protocol,
    models,
    auto_strategies_not_shipped: strategies,
    auto_choices: Object.fromEntries(counts),
    ...summarise(r),
    claims: claims(r, metric).map(roundedClaim),
    by_history_and_demand_class: roundedBreakdown(r.breakdown),
    bands: r.bands,
  };
}

/** Markdown table of one dataset, rows by the primary measure. */
export function markdownTable(r: DatasetResult): string {
  const metric = primaryMetric(r.name);
  const sum = summarise(r);
  const rows = Object.entries(r.scores)
    .filter(([, s]) => s)
    .sort((a, b) => a[1]![metric] - b[1]![metric]) as [string, ModelScores][];
  const lines = [
    `| model | p50 WAPE | MASE | sMAPE | pinball p10 / p50 / p90 | p10–p90 coverage | point WAPE / MASE / sMAPE | fit s |`,
    `|---|---|---|---|---|---|---|---|`,
    ...rows.map(([alias, s]) => {
      const name =
        alias === 'auto'
          ? '**auto**'
          : alias === sum.best_single
            ? `${alias} (best single)`
            : alias === 'per_sku' || alias === 'pooled'
              ? `auto strategy: ${alias}`
              : (r.fallbackShare[alias] ?? 0) >= 0.999
                ? `${alias} (all by fallback)`
                : alias;
      return `| ${name} | ${s.wape.toFixed(4)} | ${s.mase.toFixed(3)} | ${s.smape.toFixed(2)} | ${s.pinball.p10.toFixed(4)} / ${s.pinball.p50.toFixed(4)} / ${s.pinball.p90.toFixed(4)} | ${s.coverage_p10_p90.toFixed(3)} | ${s.point.wape.toFixed(4)} / ${s.point.mase.toFixed(3)} / ${s.point.smape.toFixed(2)} | ${s.fit_seconds.toFixed(2)} |`;
    }),
  ];
  return lines.join('\n');
}

const pct = (v: number): string =>
  `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(100 * v).toFixed(1)}%`;

/** The claims as markdown lines: relative difference and its 95% interval. */
export function claimsMarkdown(r: DatasetResult): string {
  const metric = primaryMetric(r.name);
  const name = metric === 'mase' ? 'MASE' : 'p50 WAPE';
  const lines = claims(r, metric).map((c) => `- ${claimLine(c, name)}`);
  return lines.length === 0 ? '' : `${BOOTSTRAP_INTRO}\n\n${lines.join('\n')}`;
}

export const BOOTSTRAP_INTRO = `Paired bootstrap over series (${DEFAULT_BOOTSTRAP.resamples} resamples, seed ${DEFAULT_BOOTSTRAP.seed}):`;

/** One claim: the relative difference and its 95% interval. */
export function claimLine(c: Claim, measure: string): string {
  return `${c.model} against ${c.against}: ${pct(c.relative.estimate)} ${measure} (95% interval ${pct(c.relative.lo)} to ${pct(c.relative.hi)}, ${c.series} series)`;
}

const CELL_LABELS: Record<string, string> = {
  '<52': 'under 52 weeks of history',
  '52-104': '52–104 weeks',
  '>104': 'over 104 weeks',
};

/**
 * The breakdown as a markdown table: a row per non-empty cell, a column per
 * model (auto, the TCN tuned or not, the best classical model, the naive
 * ones), each "primary measure / coverage".
 */
export function breakdownMarkdown(r: DatasetResult): string {
  const metric = primaryMetric(r.name);
  const best = bestClassical(r, metric);
  const shown = ['auto', 'tcn', 'tcn_tuned', best, 'seasonal_naive', 'naive'].filter(
    (a, i, all): a is string => a !== undefined && all.indexOf(a) === i && a in r.breakdown.models,
  );
  const rows: string[] = [];
  for (const split of ['history', 'demand_class'] as const) {
    for (const [cell, n] of Object.entries(r.breakdown.series[split] as Record<string, number>)) {
      if (n === 0) continue;
      const cells = shown.map((a) => {
        const c = (r.breakdown.models[a]?.[split] as Record<string, CellScores | null>)[cell];
        const v = c?.[metric];
        return c && v !== undefined && Number.isFinite(v)
          ? `${v.toFixed(metric === 'mase' ? 3 : 4)} / ${c.coverage_p10_p90.toFixed(2)}`
          : '–';
      });
      rows.push(`| ${CELL_LABELS[cell] ?? cell} (${n}) | ${cells.join(' | ')} |`);
    }
  }
  const head = shown.map((a) => (a === best ? `${a} (best classical)` : a));
  return [
    `By history before the first scored origin and by demand class (${metric === 'mase' ? 'MASE' : 'p50 WAPE'} / p10–p90 coverage; series in brackets):`,
    '',
    `| series | ${head.join(' | ')} |`,
    `|---|${shown.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
}

export function autoRecipe(opts: Partial<AutoOptions>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(opts)) as Record<string, unknown>;
}
