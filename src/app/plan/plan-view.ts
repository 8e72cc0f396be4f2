// Pure view logic of the plan editor: a sku's weeks with the statistical and
// the final forecast side by side, the category and grand totals before and
// after the overrides, the reasons a planner picks from, the Plans list's
// lines. Tested in Node (tests/unit/app-plan-view.test.ts).

import { roundOutput } from '../../core/exports';
import { bandKey, finalBands } from '../../core/plan/overrides';
import type { Plan, PlanBand, PlanOverride } from '../../core/plan/plan';

/** The short list a reason starts with; free text after it says more. */
export const REASONS = [
  'Promotion',
  'Known event',
  'New listing or delisting',
  'Supply or stock limit',
  'Price change',
  'Data error in the history',
  'Other',
] as const;

/** The reason kept in the plan: the choice, and the planner's words after it when given. */
export function reasonText(choice: string, details: string): string {
  const more = details.trim();
  if (choice === '') return more;
  return more === '' ? choice : `${choice}: ${more}`;
}

export interface PlanWeekRow {
  week: string;
  statistical: PlanBand;
  final: PlanBand;
  /** The planner's override of this week, if any. */
  override: PlanOverride | null;
}

/** A sku's plan weeks: statistical and final side by side. */
export function skuWeekRows(plan: Plan, sku: string): PlanWeekRow[] {
  const s = plan.skus.find((x) => x.sku === sku);
  if (!s) return [];
  const overrides = new Map(
    plan.overrides.filter((o) => o.sku === sku).map((o) => [o.week_start, o]),
  );
  return s.weeks.map((w) => {
    const o = overrides.get(w.week_start) ?? null;
    const statistical = { p10: w.p10, p50: w.p50, p90: w.p90 };
    return {
      week: w.week_start,
      statistical,
      final: o ? { p10: o.p10, p50: o.p50, p90: o.p90 } : statistical,
      override: o,
    };
  });
}

export interface TotalRow {
  /** '' for the grand total. */
  category: string;
  /** Per plan week: the skus' statistical p50s summed, and their final p50s summed. */
  weeks: { week: string; statistical: number; final: number }[];
}

/**
 * The grand total and each category's, by week, before and after the
 * overrides: sums of the skus' p50 (a category total set by the planner is
 * spread so that its skus sum to it, so the sum is what the planner set).
 */
export function planTotals(plan: Plan): TotalRow[] {
  const weeks = plan.skus[0]?.weeks.map((w) => w.week_start) ?? [];
  const bands = finalBands(plan);
  const sums = new Map<string, { statistical: number[]; final: number[] }>();
  const row = (c: string): { statistical: number[]; final: number[] } => {
    let r = sums.get(c);
    if (!r) sums.set(c, (r = { statistical: weeks.map(() => 0), final: weeks.map(() => 0) }));
    return r;
  };
  const total = row('');
  for (const s of plan.skus) {
    const cat = row(s.category);
    s.weeks.forEach((w, i) => {
      const fin = bands.get(bandKey(s.sku, w.week_start))?.p50 ?? w.p50;
      for (const r of [total, cat]) {
        r.statistical[i] = (r.statistical[i] as number) + w.p50;
        r.final[i] = (r.final[i] as number) + fin;
      }
    });
  }
  const named = [...sums.keys()].filter((c) => c !== '').sort();
  return ['', ...named].map((category) => {
    const r = sums.get(category) as { statistical: number[]; final: number[] };
    return {
      category,
      weeks: weeks.map((week, i) => ({
        week,
        statistical: roundOutput(r.statistical[i] as number),
        final: roundOutput(r.final[i] as number),
      })),
    };
  });
}

/** Up to `limit` of the plan's skus whose name holds `text` (any case), for the sku field's suggestions. */
export function skuMatches(plan: Plan, text: string, limit = 50): string[] {
  const q = text.trim().toLowerCase();
  const out: string[] = [];
  for (const s of plan.skus) {
    if (q === '' || s.sku.toLowerCase().includes(q)) out.push(s.sku);
    if (out.length >= limit) break;
  }
  return out;
}

/** The plan's categories, sorted. */
export function planCategories(plan: Plan): string[] {
  return [...new Set(plan.skus.map((s) => s.category))].sort();
}

/** A plan as a line in the Plans list: its file, when it was made, how many overrides. */
export function planLabel(plan: Plan): string {
  const n = plan.overrides.length;
  const made = plan.created_at.slice(0, 16).replace('T', ' ');
  return `${plan.source.file}, made ${made} UTC, ${plan.run.horizon} weeks, ${n} override${n === 1 ? '' : 's'}`;
}
