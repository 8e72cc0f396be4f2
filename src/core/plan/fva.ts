// Forecast value added: how a plan did once its weeks have actuals. For the
// plan's weeks a newer file has complete, WAPE and bias of three forecasts at
// the total, category and sku level: naive (the last complete week before
// the plan, held flat), statistical (the plan's statistical p50) and final
// (after the planner's overrides); the value each step added (WAPE points it
// took off, negative when it made things worse), the final band's p10–p90
// coverage, and the overrides that helped or hurt most, with their reasons.

import { wape } from '../metrics';
import type { WeeklyTable } from '../types';
import { bandKey, finalBands } from './overrides';
import type { Plan } from './plan';

export interface Score {
  /** Σ|actual − forecast| / Σ|actual|; null when nothing sold. */
  wape: number | null;
  /** Σ(forecast − actual) / Σ|actual|: above 0 the forecast was too high; null when nothing sold. */
  bias: number | null;
}

export interface LevelScores {
  naive: Score;
  statistical: Score;
  final: Score;
  /** WAPE points each step took off the one before (statistical: vs naive; final: vs statistical). */
  value_added: { statistical: number | null; final: number | null };
}

export interface FvaItem extends LevelScores {
  name: string;
  category?: string;
}

export interface OverrideEffect {
  sku: string;
  week_start: string;
  reason: string;
  statistical: number;
  final: number;
  actual: number;
  /** |actual − statistical| − |actual − final|: above 0 the override helped. */
  gain: number;
}

export interface FvaReport {
  weeks: string[];
  measure: string;
  levels: {
    total: LevelScores;
    category: LevelScores & { items: FvaItem[] };
    sku: LevelScores & { items: FvaItem[]; coverage_p10_p90: number | null };
  };
  overrides: { helped: OverrideEffect[]; hurt: OverrideEffect[] };
  /** Plan skus the newer file does not have: their actuals count as 0. */
  skus_not_in_file: string[];
}

/** A problem with the newer file (no actuals in the plan's weeks); the message is for the planner. */
export class FvaError extends Error {
  override readonly name = 'FvaError';
}

/** How many overrides each of `helped` and `hurt` lists. */
const TOP_OVERRIDES = 5;

/** One forecast's weeks against the actuals at one level (wape() scores them; bias from the same pairs). */
class Pool {
  readonly actual: number[] = [];
  readonly forecast: number[] = [];
  add(a: number, f: number): void {
    this.actual.push(a);
    this.forecast.push(f);
  }
  score(): Score {
    let total = 0;
    let diff = 0;
    for (let i = 0; i < this.actual.length; i++) {
      total += Math.abs(this.actual[i] as number);
      diff += (this.forecast[i] as number) - (this.actual[i] as number);
    }
    const w = wape(this.actual, this.forecast);
    return { wape: Number.isFinite(w) ? w : null, bias: total === 0 ? null : diff / total };
  }
}

type Three = { naive: Pool; statistical: Pool; final: Pool };
const three = (): Three => ({ naive: new Pool(), statistical: new Pool(), final: new Pool() });

function scored(p: Three): LevelScores {
  const naive = p.naive.score();
  const statistical = p.statistical.score();
  const final = p.final.score();
  const gain = (a: Score, b: Score): number | null =>
    a.wape === null || b.wape === null ? null : a.wape - b.wape;
  return {
    naive,
    statistical,
    final,
    value_added: { statistical: gain(naive, statistical), final: gain(statistical, final) },
  };
}

/** Each sku's sales in the complete weeks of `table` (measured: units or money as the plan counts). */
export function completeActuals(table: WeeklyTable): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const s of table.series) {
    const byWeek = new Map<string, number>();
    const c = s.columns;
    if (c) {
      c.calendar.week_start.forEach((w, i) => {
        if (c.calendar.partial[i] === 0) byWeek.set(w, c.total_amount[i] as number);
      });
    } else {
      for (const r of s.rows) if (r.partial === 0) byWeek.set(r.week_start, r.total_amount);
    }
    out.set(s.sku, byWeek);
  }
  return out;
}

/** The plan scored on `actuals` (completeActuals of the newer file). */
export function forecastValueAdded(
  plan: Plan,
  actuals: Map<string, Map<string, number>>,
): FvaReport {
  const planWeeks = plan.skus[0]?.weeks.map((w) => w.week_start) ?? [];
  const seen = new Set<string>();
  for (const m of actuals.values()) for (const w of m.keys()) seen.add(w);
  const weeks = planWeeks.filter((w) => seen.has(w));
  if (weeks.length === 0) {
    throw new FvaError(
      `the file has no complete week in the plan's weeks (${planWeeks[0] ?? '?'} to ${planWeeks.at(-1) ?? '?'}): ` +
        `load a newer file, one with sales after ${plan.run.last_complete_week}`,
    );
  }
  const bands = finalBands(plan);
  const stat = new Map(
    plan.skus.flatMap((s) => s.weeks.map((w) => [bandKey(s.sku, w.week_start), w.p50] as const)),
  );
  const total = new Map(weeks.map((w) => [w, [0, 0, 0, 0]] as [string, number[]]));
  const cats = new Map<string, Map<string, number[]>>();
  const skuItems: FvaItem[] = [];
  const skuLevel = three();
  let inside = 0;
  let points = 0;
  const missing: string[] = [];
  for (const s of plan.skus) {
    const sales = actuals.get(s.sku);
    if (!sales) missing.push(s.sku);
    const pools = three();
    let cat = cats.get(s.category);
    if (!cat) cats.set(s.category, (cat = new Map(weeks.map((w) => [w, [0, 0, 0, 0]]))));
    for (const w of weeks) {
      const a = sales?.get(w) ?? 0;
      const k = bandKey(s.sku, w);
      const fin = bands.get(k);
      const f = [s.naive, stat.get(k) ?? 0, fin?.p50 ?? 0];
      for (const [p, v] of [
        [pools, f],
        [skuLevel, f],
      ] as const) {
        p.naive.add(a, v[0] as number);
        p.statistical.add(a, v[1] as number);
        p.final.add(a, v[2] as number);
      }
      for (const sums of [total.get(w), cat.get(w)] as number[][]) {
        sums[0] = (sums[0] as number) + a;
        for (let j = 0; j < 3; j++) sums[j + 1] = (sums[j + 1] as number) + (f[j] as number);
      }
      if (fin) {
        points++;
        if (a >= fin.p10 && a <= fin.p90) inside++;
      }
    }
    skuItems.push({ name: s.sku, category: s.category, ...scored(pools) });
  }
  const levelOf = (sums: Iterable<number[]>): LevelScores => {
    const p = three();
    for (const [a, n, st, fi] of sums) {
      p.naive.add(a as number, n as number);
      p.statistical.add(a as number, st as number);
      p.final.add(a as number, fi as number);
    }
    return scored(p);
  };
  const catItems = [...cats.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, m]) => ({ name, ...levelOf(m.values()) }));
  return {
    weeks,
    measure: plan.run.measure,
    levels: {
      total: levelOf(total.values()),
      category: { ...levelOf([...cats.values()].flatMap((m) => [...m.values()])), items: catItems },
      sku: {
        ...scored(skuLevel),
        items: skuItems,
        coverage_p10_p90: points === 0 ? null : inside / points,
      },
    },
    overrides: overrideEffects(plan, actuals, new Set(weeks), stat),
    skus_not_in_file: missing,
  };
}

function overrideEffects(
  plan: Plan,
  actuals: Map<string, Map<string, number>>,
  weeks: Set<string>,
  stat: Map<string, number>,
): FvaReport['overrides'] {
  const effects: OverrideEffect[] = plan.overrides
    .filter((o) => weeks.has(o.week_start))
    .map((o) => {
      const actual = actuals.get(o.sku)?.get(o.week_start) ?? 0;
      const statistical = stat.get(bandKey(o.sku, o.week_start)) ?? 0;
      return {
        sku: o.sku,
        week_start: o.week_start,
        reason: o.reason,
        statistical,
        final: o.p50,
        actual,
        gain: Math.abs(actual - statistical) - Math.abs(actual - o.p50),
      };
    });
  const helped = effects.filter((e) => e.gain > 0).sort((a, b) => b.gain - a.gain);
  const hurt = effects.filter((e) => e.gain < 0).sort((a, b) => a.gain - b.gain);
  return { helped: helped.slice(0, TOP_OVERRIDES), hurt: hurt.slice(0, TOP_OVERRIDES) };
}

const CSV_COLUMNS = [
  'level',
  'name',
  'naive_wape',
  'naive_bias',
  'statistical_wape',
  'statistical_bias',
  'final_wape',
  'final_bias',
  'value_added_statistical',
  'value_added_final',
];

/** The report as CSV: one row for the total, each category and each sku (`cell` quotes a text cell). */
export function fvaCsv(report: FvaReport, cell: (v: string) => string): string {
  const n = (v: number | null): string => (v === null ? '' : String(Math.round(v * 1e6) / 1e6));
  const row = (level: string, name: string, s: LevelScores): string =>
    [
      level,
      cell(name),
      n(s.naive.wape),
      n(s.naive.bias),
      n(s.statistical.wape),
      n(s.statistical.bias),
      n(s.final.wape),
      n(s.final.bias),
      n(s.value_added.statistical),
      n(s.value_added.final),
    ].join(',');
  const lines = [CSV_COLUMNS.join(','), row('total', '', report.levels.total)];
  for (const c of report.levels.category.items) lines.push(row('category', c.name, c));
  for (const s of report.levels.sku.items) lines.push(row('sku', s.name, s));
  return lines.join('\n') + '\n';
}
