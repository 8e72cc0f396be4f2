// The plan editor's view logic (src/app/plan/plan-view.ts) on a real plan:
// a sku's weeks statistical and final side by side, the totals before and
// after an override (a category total set is what its row then sums to),
// the reason kept, a plan's line in the Plans list.
import { beforeAll, describe, expect, it } from 'vitest';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import { measuredTable } from '../../src/core/ingest/weekly-table';
import { overrideCategory, overrideSku } from '../../src/core/plan/overrides';
import { planFromForecast, planInputs, type Plan } from '../../src/core/plan/plan';
import {
  planCategories,
  planLabel,
  planTotals,
  reasonText,
  skuMatches,
  skuWeekRows,
} from '../../src/app/plan/plan-view';

const NOW = '2024-01-01T00:00:00.000Z';

function salesText(weeks: number): string {
  const lines = ['Date,SKU,Category,Amount'];
  for (let w = 0; w < weeks; w++) {
    const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
    lines.push(`${day},A1,food,${40 + ((w * 7) % 11)}`);
    lines.push(`${day},B2,food,${10 + ((w * 3) % 5)}`);
    lines.push(`${day},c3,toys,${25 + ((w * 5) % 9)}`);
  }
  return lines.join('\n') + '\n';
}

let plan: Plan;
beforeAll(async () => {
  const text = salesText(30);
  const table = measuredTable(ingestText(text));
  const inputs = planInputs(table);
  const result = await forecastWithLibrary(table, { model: 'ses', horizon: 3 });
  plan = planFromForecast(result, inputs, { file: 'week 12.csv', size: 1, createdAt: NOW });
});

describe('plan view', () => {
  it("shows a sku's weeks with the statistical and final forecast side by side", () => {
    const week = plan.skus[0]!.weeks[1]!.week_start;
    const edited = overrideSku(plan, { sku: 'A1', week, p50: 99, reason: 'Promotion', when: NOW });
    const rows = skuWeekRows(edited, 'A1');
    expect(rows).toHaveLength(3);
    expect(rows[1]!.final.p50).toBe(99);
    expect(rows[1]!.statistical.p50).toBe(plan.skus[0]!.weeks[1]!.p50);
    expect(rows[1]!.override?.reason).toBe('Promotion');
    expect(rows[0]!.override).toBeNull();
    expect(rows[0]!.final).toEqual(rows[0]!.statistical);
    expect(skuWeekRows(edited, 'nope')).toEqual([]);
  });

  it('updates the totals: a category total set is what the category and the grand total then hold', () => {
    const week = plan.skus[0]!.weeks[0]!.week_start;
    const before = planTotals(plan);
    expect(before.map((t) => t.category)).toEqual(['', 'food', 'toys']);
    const edited = overrideCategory(plan, {
      category: 'food',
      week,
      total: 500.25,
      reason: 'Known event',
      when: NOW,
    });
    const after = planTotals(edited);
    const food = after.find((t) => t.category === 'food')!.weeks[0]!;
    const toys = after.find((t) => t.category === 'toys')!.weeks[0]!;
    expect(food.final).toBe(500.25);
    expect(food.statistical).toBe(before.find((t) => t.category === 'food')!.weeks[0]!.final);
    expect(after[0]!.weeks[0]!.final).toBeCloseTo(500.25 + toys.final, 9);
    // Weeks not touched stay as they were.
    expect(after[0]!.weeks[1]).toEqual(before[0]!.weeks[1]);
  });

  it('keeps the reason chosen with the words after it, finds skus, lists a plan in a line', () => {
    expect(reasonText('Promotion', ' flyer ')).toBe('Promotion: flyer');
    expect(reasonText('Promotion', '')).toBe('Promotion');
    expect(reasonText('', '')).toBe('');
    expect(skuMatches(plan, 'b')).toEqual(['B2']);
    expect(skuMatches(plan, 'C')).toEqual(['c3']);
    expect(skuMatches(plan, '', 2)).toHaveLength(2);
    expect(planCategories(plan)).toEqual(['food', 'toys']);
    expect(planLabel(plan)).toBe('week 12.csv, made 2024-01-01 00:00 UTC, 3 weeks, 0 overrides');
  });
});
