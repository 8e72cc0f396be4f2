// The plan commands as a planner scripts them (issue 26): forecast a file cut
// 12 weeks before its end as a plan, override two weeks with a reason, and
// score the plan with fva against the full file; the total-level WAPEs are
// recomputed here from the raw rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './forecast-helpers';
import { docSchema, runSkucast, type CliRun } from './cli-helpers';

const EPOCH = '1700000000';
let dir: string;
let fullPath: string;
let cutPath: string;
let planPath: string;
/** Rows of the full file: [date, sku, category, amount]. */
let rows: [string, string, string, number][];

function skucast(
  args: string[],
  env: Record<string, string> = { SOURCE_DATE_EPOCH: EPOCH },
): CliRun {
  return runSkucast(args, { env: { ...process.env, SOURCE_DATE_EPOCH: '', ...env } });
}

const WEEKS = 100;
const CUT = 12;
const SKUS = [
  ['north-1', 'food', 30],
  ['north-2', 'food', 8],
  ['south-1', 'toys', 15],
  ['south-2', 'toys', 2],
] as const;

/** Daily sales from Monday 2023-01-02 for WEEKS whole weeks, with a yearly swing and a weekday pattern. */
function makeRows(): [string, string, string, number][] {
  const out: [string, string, string, number][] = [];
  for (let d = 0; d < WEEKS * 7; d++) {
    const day = new Date(Date.UTC(2023, 0, 2 + d)).toISOString().slice(0, 10);
    for (const [sku, cat, base] of SKUS) {
      const season = 1 + 0.4 * Math.sin((2 * Math.PI * d) / 364);
      const wobble = ((d * 7919 + sku.length * 31) % 17) / 17;
      out.push([day, sku, cat, Math.round(base * season * (0.6 + wobble) * 100) / 100]);
    }
  }
  return out;
}

const csv = (rs: typeof rows): string =>
  ['Date,SKU,Category,Amount', ...rs.map((r) => r.join(','))].join('\n') + '\n';

/** The Monday of a date's week. */
function monday(date: string): string {
  const t = Date.parse(date + 'T00:00:00Z');
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * 86400000).toISOString().slice(0, 10);
}

interface PlanJson {
  schema: string;
  run: { last_complete_week: string };
  skus: { sku: string; weeks: { week_start: string; p50: number }[] }[];
  overrides: { sku: string; week_start: string; p50: number }[];
  audit: { reason: string; who?: string; when: string }[];
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-plan-'));
  rows = makeRows();
  fullPath = join(dir, 'full.csv');
  cutPath = join(dir, 'cut.csv');
  writeFileSync(fullPath, csv(rows));
  writeFileSync(cutPath, csv(rows.slice(0, (WEEKS - CUT) * 7 * SKUS.length)));
  planPath = join(dir, 'plan.json');
  const r = skucast(['forecast', cutPath, '--horizon', '8', '--format', 'plan']);
  expect(r.code, r.err).toBe(0);
  writeFileSync(planPath, r.out);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('skucast forecast --format plan', () => {
  it('writes a skucast-plan/1 document that matches docs/plan.schema.json, the same bytes each run', () => {
    const text = readFileSync(planPath, 'utf8');
    const plan = JSON.parse(text) as PlanJson;
    expect(plan.schema).toBe('skucast-plan/1');
    expect(plan.skus).toHaveLength(SKUS.length);
    expect(plan.skus[0]?.weeks).toHaveLength(8);
    const schema = docSchema('plan.schema.json');
    expect(schema.valid(plan), schema.errors()).toBe(true);
    expect(skucast(['forecast', cutPath, '--horizon', '8', '--format', 'plan']).out).toBe(text);
    // Without a fixed time only created_at differs.
    const now = JSON.parse(
      skucast(['forecast', cutPath, '--horizon', '8', '--format', 'plan'], {}).out,
    ) as Record<string, unknown>;
    expect({ ...now, created_at: '' }).toEqual({
      ...(plan as unknown as Record<string, unknown>),
      created_at: '',
    });
  });
});

describe('skucast override and fva', () => {
  let edited: PlanJson;
  let setWeeks: string[];

  beforeAll(() => {
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
    setWeeks = plan.skus[0]?.weeks.slice(1, 3).map((w) => w.week_start) as string[];
    const first = skucast([
      'override',
      planPath,
      '--sku',
      'north-1',
      '--week',
      setWeeks[0] as string,
      '--p50',
      '400',
      '--reason',
      'store event known',
      '--who',
      'ana',
    ]);
    expect(first.code, first.err).toBe(0);
    const once = join(dir, 'plan-1.json');
    writeFileSync(once, first.out);
    const second = skucast([
      'override',
      once,
      '--sku',
      'south-1',
      '--week',
      setWeeks[1] as string,
      '--p50',
      '50',
      '--reason',
      'store event known',
      '--lock',
    ]);
    expect(second.code, second.err).toBe(0);
    writeFileSync(join(dir, 'plan-2.json'), second.out);
    edited = JSON.parse(second.out) as PlanJson;
  });

  it('two overrides with a reason leave two audit entries with it', () => {
    expect(edited.audit.map((a) => a.reason)).toEqual(['store event known', 'store event known']);
    expect(edited.audit[0]?.who).toBe('ana');
    expect(edited.audit[1]?.when).toBe(new Date(Number(EPOCH) * 1000).toISOString());
    expect(edited.overrides.map((o) => [o.sku, o.p50])).toEqual([
      ['north-1', 400],
      ['south-1', 50],
    ]);
  });

  it("a category total: the skus' p50s sum to it", () => {
    const week = setWeeks[0] as string;
    const r = skucast([
      'override',
      join(dir, 'plan-2.json'),
      '--category',
      'toys',
      '--week',
      week,
      '--total',
      '123.45',
      '--reason',
      'listing',
    ]);
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as PlanJson;
    const p50s = plan.overrides.filter((o) => o.week_start === week && o.sku.startsWith('south'));
    expect(p50s).toHaveLength(2);
    expect(p50s.reduce((t, o) => t + o.p50, 0)).toBeCloseTo(123.45, 9);
  });

  it('bad input is a usage error with a clear message, never a crash', () => {
    const plan = join(dir, 'plan-2.json');
    const week = setWeeks[0] as string;
    const cases: [string[], RegExp][] = [
      [
        ['--sku', 'nope', '--week', week, '--p50', '1', '--reason', 'x'],
        /sku "nope" is not in the plan/,
      ],
      [
        ['--sku', 'north-1', '--week', '2031-01-06', '--p50', '1', '--reason', 'x'],
        /not one of the plan's weeks/,
      ],
      [
        ['--sku', 'north-1', '--week', week, '--p50', 'ten', '--reason', 'x'],
        /--p50 must be a number/,
      ],
      [['--sku', 'north-1', '--week', week, '--p50', '1'], /--reason is required/],
    ];
    for (const [args, message] of cases) {
      const r = skucast(['override', plan, ...args]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
    }
    const notPlan = skucast([
      'override',
      cutPath,
      '--sku',
      'north-1',
      '--week',
      week,
      '--p50',
      '1',
      '--reason',
      'x',
    ]);
    expect(notPlan.code).toBe(2);
    expect(notPlan.err).toMatch(/not JSON/);
    const noActuals = skucast(['fva', '--plan', plan, cutPath]);
    expect(noActuals.code).toBe(2);
    expect(noActuals.err).toMatch(/no complete week in the plan's weeks/);
  });

  it('fva: total-level naive, statistical and final WAPE match a computation from the raw rows', () => {
    const r = skucast(['fva', '--plan', join(dir, 'plan-2.json'), fullPath, '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as {
      weeks: string[];
      levels: Record<
        'total' | 'category' | 'sku',
        Record<'naive' | 'statistical' | 'final', { wape: number; bias: number }>
      >;
    };
    // Independent: weekly sums of the raw rows by sku.
    const weekly = new Map<string, number>();
    for (const [date, sku, , amount] of rows) {
      const k = `${sku}|${monday(date)}`;
      weekly.set(k, (weekly.get(k) ?? 0) + amount);
    }
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
    const weeks = plan.skus[0]?.weeks.map((w) => w.week_start) as string[];
    expect(report.weeks).toEqual(weeks);
    const set = new Map([
      [`north-1|${setWeeks[0]}`, 400],
      [`south-1|${setWeeks[1]}`, 50],
    ]);
    const origin = plan.run.last_complete_week;
    let err = { naive: 0, statistical: 0, final: 0 };
    let sold = 0;
    for (const week of weeks) {
      let a = 0;
      const f = { naive: 0, statistical: 0, final: 0 };
      for (const s of plan.skus) {
        a += weekly.get(`${s.sku}|${week}`) ?? 0;
        f.naive += weekly.get(`${s.sku}|${origin}`) ?? 0;
        const stat = s.weeks.find((w) => w.week_start === week)?.p50 ?? 0;
        f.statistical += stat;
        f.final += set.get(`${s.sku}|${week}`) ?? stat;
      }
      sold += Math.abs(a);
      err = {
        naive: err.naive + Math.abs(a - f.naive),
        statistical: err.statistical + Math.abs(a - f.statistical),
        final: err.final + Math.abs(a - f.final),
      };
    }
    for (const k of ['naive', 'statistical', 'final'] as const) {
      expect(Math.abs(report.levels.total[k].wape - err[k] / sold)).toBeLessThan(1e-6);
    }
    // The overrides changed the final plan, so final and statistical differ.
    expect(report.levels.total.final.wape).not.toBe(report.levels.total.statistical.wape);
    const csvOut = skucast(['fva', '--plan', join(dir, 'plan-2.json'), fullPath]);
    expect(csvOut.code).toBe(0);
    expect(csvOut.out.split('\n')[1]).toMatch(/^total,,/);
  });

  it('fva reads the newer file as a saved profile says, the same report as without it', () => {
    const plan = join(dir, 'plan-2.json');
    const profilePath = join(dir, 'nightly.profile.json');
    const fvaJson = (...more: string[]): CliRun =>
      skucast(['fva', '--plan', plan, fullPath, '--format', 'json', ...more]);
    const plain = fvaJson();
    const saved = fvaJson('--save-profile', profilePath);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(profilePath, 'utf8')).profile_version).toBe(1);
    const held = fvaJson('--profile', profilePath);
    expect(held.code).toBe(0);
    expect(held.out).toBe(plain.out);
    // A profile naming a column this file lacks stops the run, naming it.
    const other = join(dir, 'renamed.csv');
    writeFileSync(
      other,
      readFileSync(fullPath, 'utf8').replace(
        'Date,SKU,Category,Amount',
        'Date,SKU,Category,Takings',
      ),
    );
    const missing = skucast(['fva', '--plan', plan, other, '--profile', profilePath]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/Amount/);
  });

  it('--keep-locked: a re-forecast four weeks on keeps the locked weeks still ahead', () => {
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
    const lastWeek = plan.skus[0]?.weeks.at(-1)?.week_start as string;
    const locked = skucast([
      'override',
      join(dir, 'plan-2.json'),
      '--sku',
      'north-2',
      '--week',
      lastWeek,
      '--p50',
      '77',
      '--reason',
      'listing',
      '--lock',
    ]);
    expect(locked.code, locked.err).toBe(0);
    const lockedPath = join(dir, 'plan-3.json');
    writeFileSync(lockedPath, locked.out);
    const later = join(dir, 'later.csv');
    writeFileSync(later, csv(rows.slice(0, (WEEKS - CUT + 4) * 7 * SKUS.length)));
    const r = skucast([
      'forecast',
      later,
      '--horizon',
      '8',
      '--format',
      'plan',
      '--keep-locked',
      lockedPath,
    ]);
    expect(r.code, r.err).toBe(0);
    const next = JSON.parse(r.out) as PlanJson;
    // south-1's locked week is history now; north-2's is still ahead.
    expect(next.overrides.map((o) => [o.sku, o.week_start, o.p50])).toEqual([
      ['north-2', lastWeek, 77],
    ]);
    expect(next.audit.map((a) => a.reason)).toEqual([
      'store event known',
      'store event known',
      'listing',
      're-forecast',
    ]);
    const wrong = skucast(['forecast', later, '--keep-locked', lockedPath]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/needs --format plan/);
  });

  it('skucast help lists override and fva', () => {
    const r = skucast(['help']);
    expect(r.out).toMatch(/override/);
    expect(r.out).toMatch(/fva/);
  });
});
