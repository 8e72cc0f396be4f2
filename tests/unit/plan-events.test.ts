// Events on a plan (issue 26): the promotion uplift measured on a table small
// enough to check by hand, its shrinkage to the category, the level
// correction, a file without a promotion column, the event's shape in
// validatePlan and docs/plan.schema.json, and `skucast event` leaving
// overrides and audit entries with reason "promotion".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastOrigin } from '../../src/core/forecast';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import { measuredTable } from '../../src/core/ingest/weekly-table';
import { markEvent } from '../../src/core/plan/events';
import { keepLocked, overrideSku, PlanEditError } from '../../src/core/plan/overrides';
import { planFromForecast, planInputs, planToJson, type Plan } from '../../src/core/plan/plan';
import { measurePromotions, suggestForSku } from '../../src/core/plan/promo-uplift';
import { validatePlan } from '../../src/core/plan/validate';
import { docSchema, runSkucast } from './cli-helpers';
import { repoRoot } from './forecast-helpers';

const monday = (w: number): string =>
  new Date(Date.UTC(2024, 0, 1 + 7 * w)).toISOString().slice(0, 10);

// Weekly units; P marks a promoted week. Worked by hand below.
const A = [20, 20, 8, 8, 8, 30, 12, 12, 12, 24, 16, 16, 16, 16];
const A_PROMO = [5, 9];
const B = A.map((_, w) => (w === 7 ? 25 : 20));
const B_PROMO = [7];
const C = A.map(() => 15);

function handText(promoColumn = true): string {
  const lines = [`Date,SKU,Category,Quantity${promoColumn ? ',Promo' : ''}`];
  A.forEach((_, w) => {
    const rows: [string, string, number, boolean][] = [
      ['A', 'food', A[w] as number, A_PROMO.includes(w)],
      ['B', 'food', B[w] as number, B_PROMO.includes(w)],
      ['C', 'toys', C[w] as number, false],
    ];
    for (const [sku, cat, q, p] of rows) {
      lines.push(`${monday(w)},${sku},${cat},${q}${promoColumn ? `,${p ? 1 : 0}` : ''}`);
    }
  });
  return lines.join('\n') + '\n';
}

const NOW = '2024-06-01T00:00:00.000Z';
const schema = docSchema('plan.schema.json');

async function planOf(text: string): Promise<Plan> {
  const table = measuredTable(ingestText(text));
  const inputs = planInputs(table);
  const result = await forecastWithLibrary(table, { model: 'ses', horizon: 4 });
  return planFromForecast(result, inputs, { file: 'sales.csv', size: text.length, createdAt: NOW });
}

let plan: Plan;
let planWeeks: string[];
beforeAll(async () => {
  plan = await planOf(handText());
  planWeeks = plan.skus[0]?.weeks.map((w) => w.week_start) ?? [];
});

describe('the promotion uplift, measured', () => {
  // A, week 5 (30): non-promoted neighbours 8, 8, 8, 20 before and 12, 12, 12, 16 after
  // (week 9 skipped): median 12, sales / baseline 2.5 (3 a side would give 10). Week 9 (24):
  // 12, 12, 12, 8 before (week 5 skipped: with it, 16), 16 × 4 after: median 14, 24/14.
  // A: (2.5 + 24/14) / 2 - 1 = +110.71%. B, week 7 (25) over 20: +25%.
  // food pooled: (2.5 + 24/14 + 1.25) / 3 - 1 = +82.14%.
  it('is each promoted week over the median of its 4 nearest non-promoted weeks each side, averaged per sku and pooled per category', () => {
    const table = measuredTable(ingestText(handText()));
    const promos = measurePromotions(table, forecastOrigin(table, 1).origin);
    expect(promos?.skus).toEqual([
      // A's last 13 weeks sold 198; with weeks 5 and 9 at their baselines 12 and 14, 170.
      { sku: 'A', promoted_weeks: 2, uplift: 1.1071, level: 1.1647 },
      // B: 265 over 260.
      { sku: 'B', promoted_weeks: 1, uplift: 0.25, level: 1.0192 },
      { sku: 'C', promoted_weeks: 0, uplift: 0, level: 1 },
    ]);
    expect(promos?.categories).toEqual([
      { category: 'food', promoted_weeks: 3, uplift: 0.8214 },
      { category: 'toys', promoted_weeks: 0, uplift: 0 },
    ]);
    expect(plan.promotions).toEqual(promos);
  });

  it('shrinks a sku with few promoted weeks to its category by n/(n+4), and says what it rests on', () => {
    const b = suggestForSku(plan.promotions, 'B', 'food');
    const a = suggestForSku(plan.promotions, 'A', 'food');
    if (typeof a === 'string' || typeof b === 'string') throw new Error('no suggestion');
    // B: 1/5 × 0.25 + 4/5 × 0.8214; A: 2/6 × 1.1071 + 4/6 × 0.8214.
    expect(b.uplift).toBeCloseTo(0.2 * 0.25 + 0.8 * 0.8214, 4);
    expect(a.uplift).toBeCloseTo((2 / 6) * 1.1071 + (4 / 6) * 0.8214, 4);
    expect(b.evidence).toContain('1 promoted week: +25% on average');
    expect(b.evidence).toContain('its category "food", 3 promoted weeks: +82%');
    expect(a.evidence).toMatch(/^2 promoted weeks: \+111% on average/);
    // The level's promotions come out before the uplift goes on.
    expect(a.factor).toBeCloseTo((1 + a.uplift) / 1.1647, 6);
    expect(a.evidence).toContain('+16% from promotions');
  });

  it('has no suggestion for a sku and category never promoted, and says why', () => {
    expect(suggestForSku(plan.promotions, 'C', 'toys')).toBe(
      `neither sku "C" nor its category "toys" has a promoted week with a baseline in the file's history`,
    );
  });
});

describe('markEvent', () => {
  const week = (i: number): string => planWeeks[i] as string;

  it('accepted, sets each week to the statistical p50 × (1 + uplift) / level with reason "promotion", and audits the uplift and its evidence', () => {
    const { plan: next, event } = markEvent(plan, {
      scope: 'sku',
      id: 'A',
      weeks: [week(2), week(1)],
      kind: 'promotion',
      note: 'flyer',
      accept: true,
      who: 'ana',
      when: NOW,
    });
    const uplift = (2 / 6) * 1.1071 + (4 / 6) * 0.8214;
    expect(event).toMatchObject({
      scope: 'sku',
      id: 'A',
      weeks: [week(1), week(2)],
      kind: 'promotion',
      note: 'flyer',
    });
    expect(event.suggestion?.uplift).toBeCloseTo(uplift, 4);
    const stat = plan.skus[0]?.weeks ?? [];
    for (const i of [1, 2]) {
      const o = next.overrides.find((x) => x.week_start === week(i));
      expect(o).toMatchObject({ sku: 'A', reason: 'promotion', via: 'sku', locked: false });
      expect(o?.p50).toBeCloseTo(((stat[i]?.p50 ?? 0) * (1 + uplift)) / 1.1647, 1);
      expect(o?.p10).toBeLessThanOrEqual(o?.p50 as number);
      expect(o?.p90).toBeGreaterThanOrEqual(o?.p50 as number);
    }
    expect(next.audit).toHaveLength(2);
    expect(next.audit[0]).toMatchObject({ reason: 'promotion', who: 'ana' });
    expect(next.audit[0]?.from).toBe(next.audit[0]?.to);
    expect(next.audit[1]).toMatchObject({ reason: 'promotion', who: 'ana', when: NOW });
    expect(next.audit[1]?.uplift).toBeCloseTo(uplift, 4);
    expect(next.audit[1]?.evidence).toContain('2 promoted weeks: +111% on average');
    // The statistical forecast stays beside the final one.
    expect(next.skus).toEqual(plan.skus);
    const back: unknown = JSON.parse(planToJson(next));
    expect(validatePlan(back)).toEqual(next);
    expect(schema.valid(back), schema.errors()).toBe(true);
  });

  it('over a category gives each sku its own figure and leaves locked weeks as set', () => {
    const locked = overrideSku(plan, {
      sku: 'B',
      week: week(0),
      p50: 99,
      reason: 'known',
      when: NOW,
      lock: true,
    });
    const r = markEvent(locked, {
      scope: 'category',
      id: 'food',
      weeks: [week(0)],
      kind: 'promotion',
      accept: true,
      when: NOW,
    });
    expect(r.lockedKept).toBe(1);
    expect(r.plan.overrides.find((o) => o.sku === 'B')?.p50).toBe(99);
    const a = r.plan.overrides.find((o) => o.sku === 'A');
    expect(a).toMatchObject({ via: 'category', reason: 'promotion' });
    expect(r.event.suggestion?.uplift).toBeCloseTo(0.8214, 4);
    // Marked, then A's uplift: B's week was locked, so no entry for B.
    expect(r.plan.audit.slice(1).map((e) => e.what)).toEqual([
      `promotion marked: category "food" week ${week(0)}`,
      expect.stringContaining('sku "A"'),
    ]);
  });

  it("with the planner's own uplift, corrects the level the same way and records it as theirs", () => {
    const r = markEvent(plan, {
      scope: 'sku',
      id: 'A',
      weeks: [week(3)],
      kind: 'promotion',
      uplift: 0.5,
      when: NOW,
    });
    const stat = plan.skus[0]?.weeks[3]?.p50 ?? 0;
    expect(r.plan.overrides[0]?.p50).toBeCloseTo((stat * 1.5) / 1.1647, 1);
    expect(r.plan.audit[1]).toMatchObject({ uplift: 0.5, reason: 'promotion' });
    expect(r.plan.audit[1]?.evidence).toContain("the planner's figure");
  });

  it('refuses, naming it, an unknown sku or category, a week the plan lacks, and accepting where there is nothing to accept', () => {
    const base = { kind: 'promotion' as const, when: NOW };
    expect(() => markEvent(plan, { ...base, scope: 'sku', id: 'Z', weeks: [week(0)] })).toThrow(
      'sku "Z" is not in the plan',
    );
    expect(() =>
      markEvent(plan, { ...base, scope: 'category', id: 'garden', weeks: [week(0)] }),
    ).toThrow('category "garden" is not in the plan');
    expect(() =>
      markEvent(plan, { ...base, scope: 'sku', id: 'A', weeks: ['2030-01-07'] }),
    ).toThrow("week 2030-01-07 is not one of the plan's weeks");
    expect(() =>
      markEvent(plan, { ...base, scope: 'sku', id: 'C', weeks: [week(0)], accept: true }),
    ).toThrow(PlanEditError);
  });

  it('marks a week once: a newer event of the same sku takes the weeks it names from an older one', () => {
    const one = markEvent(plan, {
      scope: 'sku',
      id: 'A',
      weeks: [week(0), week(1)],
      kind: 'event',
      note: 'fair',
      when: NOW,
    }).plan;
    const two = markEvent(one, {
      scope: 'sku',
      id: 'A',
      weeks: [week(1)],
      kind: 'promotion',
      when: NOW,
    }).plan;
    expect(two.events.map((e) => [e.kind, e.weeks])).toEqual([
      ['event', [week(0)]],
      ['promotion', [week(1)]],
    ]);
    // A re-forecast keeps the events' weeks still ahead.
    const later = { ...plan, skus: plan.skus.map((s) => ({ ...s, weeks: s.weeks.slice(1) })) };
    expect(keepLocked(two, later, { reason: 're-forecast', when: NOW }).events).toEqual([
      two.events[1],
    ]);
  });
});

describe('a file without a promotion column', () => {
  it('keeps events markable, with no suggestion and a message that says why; accepting is refused with it', async () => {
    const bare = await planOf(handText(false));
    expect(bare.promotions).toBeNull();
    const week = bare.skus[0]?.weeks[0]?.week_start as string;
    const r = markEvent(bare, {
      scope: 'sku',
      id: 'A',
      weeks: [week],
      kind: 'promotion',
      when: NOW,
    });
    expect(r.event.suggestion).toBeUndefined();
    expect(r.noSuggestion).toContain('no promotion column');
    expect(r.plan.events).toHaveLength(1);
    expect(() =>
      markEvent(bare, {
        scope: 'sku',
        id: 'A',
        weeks: [week],
        kind: 'promotion',
        accept: true,
        when: NOW,
      }),
    ).toThrow(/no suggested uplift to accept for sku "A": .*no promotion column/);
  });
});

describe('the event in the plan schema', () => {
  const withEvents = (events: unknown[]): unknown => ({
    ...(JSON.parse(planToJson(plan)) as object),
    events,
  });
  const good = { scope: 'category', id: 'food', weeks: [] as string[], kind: 'promotion' };

  it('takes {scope, id, weeks, kind, note?, suggestion?}', () => {
    const doc = withEvents([
      {
        ...good,
        weeks: [planWeeks[0]],
        note: 'fair',
        suggestion: { uplift: 0.3, evidence: '3 promoted weeks' },
      },
    ]);
    expect(schema.valid(doc), schema.errors()).toBe(true);
    expect(Array.isArray(validatePlan(doc))).toBe(false);
  });

  it.each([
    ['the old one-week shape', { kind: 'promotion', week_start: '2024-04-08', sku: 'A' }],
    ['no weeks', { ...good }],
    ['a scope that is neither', { ...good, scope: 'store', weeks: ['2024-04-08'] }],
    [
      'a suggestion without evidence',
      { ...good, weeks: ['2024-04-08'], suggestion: { uplift: 0.3 } },
    ],
  ])('refuses %s, in the schema and in validatePlan', (_, event) => {
    const doc = withEvents([event]);
    expect(schema.valid(doc)).toBe(false);
    expect(validatePlan(doc)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^events\[0\]/)]),
    );
  });

  it("refuses (validatePlan) an id or week that is not the plan's", () => {
    const problems = validatePlan(withEvents([{ ...good, id: 'garden', weeks: ['2030-01-07'] }]));
    expect(problems).toEqual([
      `events[0].id "garden" is not one of the plan's categories`,
      `events[0].weeks[0] 2030-01-07 is not one of the plan's weeks`,
    ]);
  });
});

describe('skucast event', () => {
  let dir: string;
  let planPath: string;
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
    dir = mkdtempSync(join(tmpdir(), 'skucast-events-'));
    writeFileSync(join(dir, 'sales.csv'), handText());
    writeFileSync(join(dir, 'bare.csv'), handText(false));
    planPath = join(dir, 'plan.json');
    const r = runSkucast(
      ['forecast', join(dir, 'sales.csv'), '--model', 'ses', '--horizon', '4', '--format', 'plan'],
      { env },
    );
    expect(r.code, r.err).toBe(0);
    writeFileSync(planPath, r.out);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--accept prints the plan with the event, overrides and audit entries with reason "promotion", and the evidence on stderr', () => {
    const r = runSkucast(
      [
        'event',
        planPath,
        '--sku',
        'B',
        '--weeks',
        `${planWeeks[0]},${planWeeks[1]}`,
        '--accept',
        '--who',
        'ana',
      ],
      { env },
    );
    expect(r.code, r.err).toBe(0);
    const next = JSON.parse(r.out) as Plan;
    expect(schema.valid(next), schema.errors()).toBe(true);
    expect(next.events).toEqual([
      expect.objectContaining({ scope: 'sku', id: 'B', weeks: planWeeks.slice(0, 2) }),
    ]);
    expect(next.overrides.map((o) => [o.sku, o.week_start, o.reason])).toEqual([
      ['B', planWeeks[0], 'promotion'],
      ['B', planWeeks[1], 'promotion'],
    ]);
    expect(next.audit.map((a) => a.reason)).toEqual(['promotion', 'promotion']);
    expect(next.audit[1]?.uplift).toBeCloseTo(0.2 * 0.25 + 0.8 * 0.8214, 4);
    expect(r.err).toContain('1 promoted week: +25% on average');
    expect(r.err).toContain('accepted');
  });

  it('names the unknown sku, the week the plan lacks, and why there is nothing to accept (exit 2)', () => {
    const sku = runSkucast(['event', planPath, '--sku', 'Z', '--weeks', planWeeks[0] as string], {
      env,
    });
    expect([sku.code, sku.err]).toEqual([2, 'skucast event: sku "Z" is not in the plan\n']);
    const week = runSkucast(['event', planPath, '--sku', 'A', '--weeks', '2030-01-08'], { env });
    expect(week.code).toBe(2);
    expect(week.err).toContain("week 2030-01-08 is not one of the plan's weeks");
    const bare = runSkucast(
      ['forecast', join(dir, 'bare.csv'), '--model', 'ses', '--horizon', '4', '--format', 'plan'],
      { env },
    );
    writeFileSync(join(dir, 'bare.json'), bare.out);
    const none = runSkucast(
      [
        'event',
        join(dir, 'bare.json'),
        '--category',
        'food',
        '--weeks',
        planWeeks[0] as string,
        '--accept',
      ],
      { env },
    );
    expect(none.code).toBe(2);
    expect(none.err).toContain('no promotion column');
    const marked = runSkucast(
      ['event', join(dir, 'bare.json'), '--category', 'food', '--weeks', planWeeks[0] as string],
      { env },
    );
    expect(marked.code, marked.err).toBe(0);
    expect(marked.err).toContain('no suggested uplift: ');
    expect((JSON.parse(marked.out) as Plan).events).toHaveLength(1);
  });
});
