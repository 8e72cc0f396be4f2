// The plan document in core: made from a real forecast, written and read back
// (checked by validatePlan and by docs/plan.schema.json), overrides with their
// audit, a category total spread over its skus, and forecast value added.
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { measuredTable } from '../../src/core/ingest/weekly-table';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { planFromForecast, planInputs, planToJson, type Plan } from '../../src/core/plan/plan';
import { validatePlan, validatePlans } from '../../src/core/plan/validate';
import {
  finalBand,
  overrideCategory,
  overrideSku,
  PlanEditError,
  keepLocked,
  spreadCents,
  undoOverride,
} from '../../src/core/plan/overrides';
import { completeActuals, FvaError, forecastValueAdded } from '../../src/core/plan/fva';
import { docSchema } from './cli-helpers';

/** `weeks` Mondays from 2023-01-02 of four skus in two categories; `shift` changes every value. */
function salesText(weeks: number, shift = 0): string {
  const lines = ['Date,SKU,Category,Amount'];
  for (let w = 0; w < weeks; w++) {
    const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
    lines.push(`${day},A,food,${40 + ((w * 7) % 11) + shift}`);
    lines.push(`${day},B,food,${10 + ((w * 3) % 5)}`);
    lines.push(`${day},C,toys,${25 + ((w * 5) % 9)}`);
    lines.push(`${day},D,toys,${w % 4 === 0 ? 3 : 0}`);
  }
  return lines.join('\n') + '\n';
}

const NOW = '2024-01-01T00:00:00.000Z';
const EDIT = { reason: 'store event known', when: NOW };
const schema = docSchema('plan.schema.json');

async function planOf(text: string, file = 'sales.csv'): Promise<Plan> {
  const table = measuredTable(ingestText(text));
  const inputs = planInputs(table);
  const result = await forecastWithLibrary(table, { model: 'ses', horizon: 6 });
  return planFromForecast(result, inputs, { file, size: text.length, createdAt: NOW });
}

let plan: Plan;
beforeAll(async () => {
  plan = await planOf(salesText(40));
});

describe('the plan document', () => {
  it('round-trips: written, read back and checked, it is the same plan and matches its schema', () => {
    const back: unknown = JSON.parse(planToJson(plan));
    expect(validatePlan(back)).toEqual(plan);
    expect(schema.valid(back), schema.errors()).toBe(true);
    expect(plan.schema).toBe('skucast-plan/1');
    expect(plan.skus.map((s) => s.sku)).toEqual(['A', 'B', 'C', 'D']);
    expect(plan.skus[0]?.weeks).toHaveLength(6);
    // The naive forecast is the last complete week's sales (week 39: 40 + 273 % 11).
    expect(plan.skus[0]?.naive).toBe(40 + ((39 * 7) % 11));
    expect(plan.category_totals.map((c) => c.category)).toEqual(['food', 'toys']);
  });

  it('a plan that breaks the schema is refused by the schema and by the reader, saying where', () => {
    const broken = JSON.parse(planToJson(plan)) as { skus: { weeks: { p50: unknown }[] }[] };
    (broken.skus[1] as { weeks: { p50: unknown }[] }).weeks[2] = {
      ...(broken.skus[1]?.weeks[2] as object),
      p50: 'lots',
    };
    expect(schema.valid(broken)).toBe(false);
    const problems = validatePlan(broken);
    expect(problems).toEqual(['skus[1].weeks[2].p50 must be a number']);
    const noAudit: Record<string, unknown> = JSON.parse(planToJson(plan)) as Record<
      string,
      unknown
    >;
    delete noAudit['audit'];
    expect(schema.valid(noAudit)).toBe(false);
    expect(validatePlan(noAudit)).toEqual(['plan.audit must be a list']);
    const edited = overrideSku(plan, {
      ...EDIT,
      sku: 'A',
      week: plan.run.first_forecast_week,
      p50: 9,
    });
    const stray = JSON.parse(planToJson(edited)) as { overrides: { week_start: string }[] };
    (stray.overrides[0] as { week_start: string }).week_start = '2099-01-05';
    expect(validatePlan(stray)).toEqual([
      "overrides[0].week_start 2099-01-05 is not one of the plan's weeks",
    ]);
  });

  it('refuses a newer schema and a plan made from another file, saying so', async () => {
    const newer = validatePlan({ ...plan, schema: 'skucast-plan/2' });
    expect(newer).toEqual([expect.stringMatching(/newer than this skucast reads/)]);
    expect(validatePlan({ hello: 1 })).toEqual([expect.stringMatching(/not a skucast plan/)]);
    const other = await planOf(salesText(40, 1), 'other.csv');
    expect(other.source.table_hash).not.toBe(plan.source.table_hash);
    expect(validatePlan(JSON.parse(planToJson(plan)), { source: plan.source })).toEqual(plan);
    const refused = validatePlan(JSON.parse(planToJson(plan)), { source: other.source });
    expect(refused).toEqual([expect.stringMatching(/made from another file: "sales.csv"/)]);
  });

  it('reads a list of plans (what the page\'s "Export all" writes) and refuses it whole for one bad plan', async () => {
    const other = await planOf(salesText(40, 1), 'other.csv');
    const both: unknown = JSON.parse(JSON.stringify([plan, other]));
    expect(validatePlans(both)).toEqual({ plans: [plan, other] });
    expect(validatePlans(JSON.parse(planToJson(plan)))).toEqual({ plans: [plan] });
    const broken = validatePlans([plan, { ...other, schema: 'skucast-plan/3' }]);
    expect(broken).toEqual({ problems: [expect.stringMatching(/^plan 2: .*newer than/)] });
    expect(validatePlans([])).toEqual({ problems: [expect.stringMatching(/empty list/)] });
    // With a file loaded, a list holding another file's plan is refused.
    const mixed = validatePlans(both, { source: plan.source });
    expect(mixed).toEqual({ problems: [expect.stringMatching(/^plan 2: .*another file/)] });
  });
});

describe('overrides', () => {
  const week = (i: number): string => plan.skus[0]?.weeks[i]?.week_start as string;

  it('two overrides with a reason leave two audit entries; the statistical forecast stays', () => {
    const stat = finalBand(plan, 'A', week(1));
    const once = overrideSku(plan, { ...EDIT, sku: 'A', week: week(1), p50: 90, who: 'ana' });
    const twice = overrideSku(once, { ...EDIT, sku: 'C', week: week(2), p50: 5, lock: true });
    expect(twice.audit.map((a) => a.reason)).toEqual(['store event known', 'store event known']);
    expect(twice.audit[0]).toMatchObject({ who: 'ana', from: stat, when: NOW });
    expect(twice.audit[1]?.what).toMatch(/locked/);
    expect(twice.skus).toEqual(plan.skus);
    const a = finalBand(twice, 'A', week(1));
    expect(a?.p50).toBe(90);
    // The band scales with the p50 and stays ordered.
    expect(a && a.p10 <= a.p50 && a.p50 <= a.p90).toBe(true);
    expect(schema.valid(JSON.parse(planToJson(twice))), schema.errors()).toBe(true);
    expect(plan.audit).toEqual([]);
  });

  it('undo puts a sku week back to the statistical forecast and appends an "undo" entry, deleting none', () => {
    const w = week(1);
    const stat = finalBand(plan, 'A', w);
    const edited = overrideSku(plan, { ...EDIT, sku: 'A', week: w, p50: 90, lock: true });
    const undone = undoOverride(edited, 'A', w, { when: NOW, who: 'ana' });
    expect(undone.overrides).toEqual([]);
    expect(finalBand(undone, 'A', w)).toEqual(stat);
    expect(undone.audit).toHaveLength(2);
    expect(undone.audit[0]).toEqual(edited.audit[0]);
    expect(undone.audit[1]).toMatchObject({
      what: `undo sku "A" week ${w}`,
      reason: 'undo',
      who: 'ana',
      from: finalBand(edited, 'A', w),
      to: stat,
    });
    expect(schema.valid(JSON.parse(planToJson(undone))), schema.errors()).toBe(true);
    expect(() => undoOverride(undone, 'A', w, { when: NOW })).toThrow(PlanEditError);
  });

  it("a category total spreads over its skus in proportion to their p50: the skus' p50s sum to it", () => {
    const w = week(3);
    const before = ['A', 'B'].map((s) => finalBand(plan, s, w)?.p50 as number);
    const next = overrideCategory(plan, { ...EDIT, category: 'food', week: w, total: 1000.01 });
    const after = ['A', 'B'].map(
      (s) => finalBand(next, s, w) as { p10: number; p50: number; p90: number },
    );
    expect(Math.round((after[0]!.p50 + after[1]!.p50) * 100)).toBe(100001);
    expect(after[0]!.p50 / after[1]!.p50).toBeCloseTo(
      (before[0] as number) / (before[1] as number),
      3,
    );
    for (const b of after) expect(b.p10 <= b.p50 && b.p50 <= b.p90).toBe(true);
    expect(next.audit).toHaveLength(1);
    expect(next.audit[0]).toMatchObject({ to: 1000.01, reason: 'store event known' });
  });

  it('a locked sku week keeps its value when its category total changes', () => {
    const w = week(0);
    const locked = overrideSku(plan, { ...EDIT, sku: 'C', week: w, p50: 30, lock: true });
    const next = overrideCategory(locked, { ...EDIT, category: 'toys', week: w, total: 100 });
    expect(finalBand(next, 'C', w)?.p50).toBe(30);
    expect(finalBand(next, 'D', w)?.p50).toBe(70);
  });

  it('a re-forecast keeps the locked weeks it still has, and the audit', async () => {
    const w = plan.skus[0]?.weeks.map((x) => x.week_start) as string[];
    let edited = overrideSku(plan, {
      ...EDIT,
      sku: 'A',
      week: w[5] as string,
      p50: 70,
      lock: true,
    });
    edited = overrideSku(edited, { ...EDIT, sku: 'B', week: w[5] as string, p50: 7 });
    edited = overrideSku(edited, { ...EDIT, sku: 'C', week: w[0] as string, p50: 9, lock: true });
    // Four weeks later: w[0] is history now, w[5] still ahead.
    const later = await planOf(salesText(44), 'later.csv');
    const kept = keepLocked(edited, later, { ...EDIT, reason: 'weekly re-forecast' });
    expect(kept.overrides.map((o) => [o.sku, o.week_start, o.p50])).toEqual([['A', w[5], 70]]);
    expect(kept.skus).toEqual(later.skus);
    expect(kept.audit).toHaveLength(4);
    expect(kept.audit[3]).toMatchObject({ from: 2, to: 1, reason: 'weekly re-forecast' });
    expect(validatePlan(JSON.parse(planToJson(kept)))).toEqual(kept);
  });

  it('spreads evenly over all-zero p50s, and the parts always sum to the total', () => {
    expect(spreadCents(100, [0, 0, 0])).toEqual([34, 33, 33]);
    expect(spreadCents(7, [1, 1, 1, 1, 3]).reduce((t, v) => t + v, 0)).toBe(7);
    expect(spreadCents(100001, [12.5, 3.3, 0]).reduce((t, v) => t + v, 0)).toBe(100001);
  });

  it('refuses what cannot be done with a message', () => {
    const bad = [
      () => overrideSku(plan, { ...EDIT, sku: 'Z', week: week(0), p50: 1 }),
      () => overrideSku(plan, { ...EDIT, sku: 'A', week: '2099-01-05', p50: 1 }),
      () => overrideSku(plan, { ...EDIT, sku: 'A', week: week(0), p50: 5, p10: 9 }),
      () => overrideSku(plan, { ...EDIT, reason: ' ', sku: 'A', week: week(0), p50: 5 }),
      () => overrideCategory(plan, { ...EDIT, category: 'garden', week: week(0), total: 5 }),
    ];
    for (const f of bad) expect(f).toThrow(PlanEditError);
  });
});

describe('forecast value added', () => {
  it('scores naive, statistical and final on the weeks the newer file has', () => {
    const w = plan.skus[0]?.weeks.map((x) => x.week_start) as string[];
    const edited = overrideSku(plan, { ...EDIT, sku: 'A', week: w[0] as string, p50: 1000 });
    const full = completeActuals(measuredTable(ingestText(salesText(44))));
    const report = forecastValueAdded(edited, full);
    expect(report.weeks).toEqual(w.slice(0, 4));
    const total = report.levels.total;
    // A p50 of 1000 for a sku that sells about 45 makes the final plan worse.
    expect(total.final.wape as number).toBeGreaterThan(total.statistical.wape as number);
    expect(total.value_added.final).toBeCloseTo(
      (total.statistical.wape as number) - (total.final.wape as number),
      12,
    );
    expect(report.overrides.hurt[0]).toMatchObject({ sku: 'A', reason: 'store event known' });
    expect(report.levels.sku.items.map((i) => i.name)).toEqual(['A', 'B', 'C', 'D']);
    expect(report.levels.sku.coverage_p10_p90).toBeGreaterThanOrEqual(0);
  });

  it('refuses a file with no actuals in the plan weeks', () => {
    const same = completeActuals(measuredTable(ingestText(salesText(40))));
    expect(() => forecastValueAdded(plan, same)).toThrow(FvaError);
  });
});
