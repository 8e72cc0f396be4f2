// A planner's changes to a plan: a sku week's p50 (and band), or a category
// week's total spread over its skus. Each returns a new plan with the
// override set and one audit entry appended; the statistical forecast is
// never touched, so "statistical" and "final" stay side by side.

import type { Plan, PlanAudit, PlanBand, PlanOverride } from './plan';
import { roundOutput } from '../exports';

/** A change that cannot be made as asked (unknown sku or week, a band out of order); the message is for the planner. */
export class PlanEditError extends Error {
  override readonly name = 'PlanEditError';
}

export interface EditBy {
  reason: string;
  who?: string;
  /** ISO time of the change. */
  when: string;
  lock?: boolean;
}

export interface SkuEdit extends EditBy {
  sku: string;
  week: string;
  p50: number;
  p10?: number;
  p90?: number;
}

export interface CategoryEdit extends EditBy {
  category: string;
  week: string;
  total: number;
}

const key = (sku: string, week: string): string => `${sku}\u0000${week}`;

/** The band a sku week ends with: its override, else the statistical forecast; undefined for a week the plan lacks. */
export function finalBand(plan: Plan, sku: string, week: string): PlanBand | undefined {
  const o = plan.overrides.find((x) => x.sku === sku && x.week_start === week);
  if (o) return { p10: o.p10, p50: o.p50, p90: o.p90 };
  const w = plan.skus.find((s) => s.sku === sku)?.weeks.find((x) => x.week_start === week);
  return w && { p10: w.p10, p50: w.p50, p90: w.p90 };
}

/** Every sku week's final band, by sku and week (one pass, for whole-plan readers). */
export function finalBands(plan: Plan): Map<string, PlanBand> {
  const out = new Map<string, PlanBand>();
  for (const s of plan.skus) {
    for (const w of s.weeks)
      out.set(key(s.sku, w.week_start), { p10: w.p10, p50: w.p50, p90: w.p90 });
  }
  for (const o of plan.overrides)
    out.set(key(o.sku, o.week_start), { p10: o.p10, p50: o.p50, p90: o.p90 });
  return out;
}

export function bandKey(sku: string, week: string): string {
  return key(sku, week);
}

function checkCommon(plan: Plan, edit: EditBy, week: string): void {
  if (edit.reason.trim() === '')
    throw new PlanEditError('a reason is needed: say why the forecast changes');
  checkWeek(plan, week);
}

/** A week the plan has (a Monday of its horizon), else a PlanEditError naming it and the plan's range. */
export function checkWeek(plan: Plan, week: string): void {
  const weeks = plan.skus[0]?.weeks.map((w) => w.week_start) ?? [];
  if (!weeks.includes(week)) {
    throw new PlanEditError(
      `week ${week} is not one of the plan's weeks (${weeks[0] ?? '?'} to ${weeks.at(-1) ?? '?'}, Mondays)`,
    );
  }
}

function finite(name: string, v: number | undefined): void {
  if (v !== undefined && !Number.isFinite(v)) throw new PlanEditError(`${name} must be a number`);
}

/** The band scaled with its p50 to `p50`, so its spread stays in proportion; ordered p10 ≤ p50 ≤ p90. */
export function scaledBand(old: PlanBand, p50: number): PlanBand {
  if (old.p50 > 0) {
    const r = p50 / old.p50;
    return {
      p10: Math.min(roundOutput(old.p10 * r), p50),
      p50,
      p90: Math.max(roundOutput(old.p90 * r), p50),
    };
  }
  // Nothing to scale from (a p50 of 0): the old band, widened to hold the new p50.
  return { p10: Math.min(old.p10, p50), p50, p90: Math.max(old.p90, p50) };
}

/** `plan` with `set` in place of the overrides of the same sku weeks, and `audit` appended. */
export function withOverrides(plan: Plan, set: PlanOverride[], audit: PlanAudit): Plan {
  const replaced = new Set(set.map((o) => key(o.sku, o.week_start)));
  return {
    ...plan,
    overrides: [...plan.overrides.filter((o) => !replaced.has(key(o.sku, o.week_start))), ...set],
    audit: [...plan.audit, audit],
  };
}

export function auditEntry(
  edit: EditBy,
  what: string,
  from: PlanAudit['from'],
  to: PlanAudit['to'],
): PlanAudit {
  return {
    what: edit.lock ? `${what} (locked)` : what,
    from,
    to,
    ...(edit.who !== undefined && edit.who !== '' && { who: edit.who }),
    when: edit.when,
    reason: edit.reason,
  };
}

/** A sku week set by the planner: p50, and the band given or scaled with it. */
export function overrideSku(plan: Plan, edit: SkuEdit): Plan {
  const sku = plan.skus.find((s) => s.sku === edit.sku);
  if (!sku) throw new PlanEditError(`sku "${edit.sku}" is not in the plan`);
  checkCommon(plan, edit, edit.week);
  finite('p50', edit.p50);
  finite('p10', edit.p10);
  finite('p90', edit.p90);
  const old = finalBand(plan, edit.sku, edit.week) as PlanBand;
  const scaled = scaledBand(old, roundOutput(edit.p50));
  const band: PlanBand = {
    p10: edit.p10 === undefined ? scaled.p10 : roundOutput(edit.p10),
    p50: scaled.p50,
    p90: edit.p90 === undefined ? scaled.p90 : roundOutput(edit.p90),
  };
  if (!(band.p10 <= band.p50 && band.p50 <= band.p90)) {
    throw new PlanEditError(
      `the band must keep p10 ≤ p50 ≤ p90; it would be ${band.p10}, ${band.p50}, ${band.p90}`,
    );
  }
  const o: PlanOverride = {
    sku: edit.sku,
    week_start: edit.week,
    ...band,
    locked: edit.lock ?? false,
    reason: edit.reason,
    via: 'sku',
  };
  return withOverrides(
    plan,
    [o],
    auditEntry(edit, `sku "${edit.sku}" week ${edit.week}`, old, band),
  );
}

/**
 * A category week's total set by the planner, spread over the category's skus
 * in proportion to their p50 (evenly when all are 0), in cents so the skus'
 * p50s sum to the total exactly; locked sku weeks keep their value and the
 * rest takes what remains. Each sku's band scales with its p50.
 */
export function overrideCategory(plan: Plan, edit: CategoryEdit): Plan {
  const skus = plan.skus.filter((s) => s.category === edit.category);
  if (skus.length === 0) {
    const names = [...new Set(plan.skus.map((s) => s.category))].slice(0, 10);
    throw new PlanEditError(
      `category "${edit.category}" is not in the plan (it has ${names.map((n) => `"${n}"`).join(', ')})`,
    );
  }
  checkCommon(plan, edit, edit.week);
  finite('total', edit.total);
  const bands = finalBands(plan);
  const locked = new Set(
    plan.overrides.filter((o) => o.locked && o.week_start === edit.week).map((o) => o.sku),
  );
  const open = skus.filter((s) => !locked.has(s.sku));
  const before = skus.reduce((t, s) => t + (bands.get(key(s.sku, edit.week))?.p50 ?? 0), 0);
  const kept = before - open.reduce((t, s) => t + (bands.get(key(s.sku, edit.week))?.p50 ?? 0), 0);
  const cents = Math.round(edit.total * 100) - Math.round(kept * 100);
  if (open.length === 0) {
    throw new PlanEditError(
      `every sku of "${edit.category}" is locked in week ${edit.week}: unlock one to change the total`,
    );
  }
  if (cents < 0) {
    throw new PlanEditError(
      `the locked skus of "${edit.category}" already sum to ${roundOutput(kept)} in week ${edit.week}, more than ${edit.total}`,
    );
  }
  const weights = open.map((s) => Math.max(0, bands.get(key(s.sku, edit.week))?.p50 ?? 0));
  const shares = spreadCents(cents, weights);
  const set = open.map((s, i): PlanOverride => {
    const old = bands.get(key(s.sku, edit.week)) as PlanBand;
    return {
      sku: s.sku,
      week_start: edit.week,
      ...scaledBand(old, (shares[i] as number) / 100),
      locked: edit.lock ?? false,
      reason: edit.reason,
      via: 'category',
    };
  });
  const what = `category "${edit.category}" week ${edit.week} total`;
  return withOverrides(
    plan,
    set,
    auditEntry(edit, what, roundOutput(before), roundOutput(edit.total)),
  );
}

/**
 * A sku week back to its statistical forecast: the override goes, and the
 * audit (append-only) gains an entry "undo …" with reason "undo", from the
 * override's band to the statistical one. A category total's spread is undone
 * sku week by sku week.
 */
export function undoOverride(
  plan: Plan,
  sku: string,
  week: string,
  by: Pick<EditBy, 'when' | 'who'>,
): Plan {
  const o = plan.overrides.find((x) => x.sku === sku && x.week_start === week);
  if (!o) throw new PlanEditError(`sku "${sku}" has no override in week ${week} to undo`);
  const w = plan.skus.find((s) => s.sku === sku)?.weeks.find((x) => x.week_start === week);
  const statistical: PlanBand = w ? { p10: w.p10, p50: w.p50, p90: w.p90 } : o;
  const entry = auditEntry(
    { reason: 'undo', when: by.when, ...(by.who !== undefined && { who: by.who }) },
    `undo sku "${sku}" week ${week}`,
    { p10: o.p10, p50: o.p50, p90: o.p90 },
    statistical,
  );
  return {
    ...plan,
    overrides: plan.overrides.filter((x) => x !== o),
    audit: [...plan.audit, entry],
  };
}

/** `cents` split in proportion to `weights` (evenly when they sum to 0), largest remainders first: the parts sum to `cents`. */
export function spreadCents(cents: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((t, w) => t + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (cents * w) / sum : cents / weights.length));
  const parts = exact.map(Math.floor);
  let left = cents - parts.reduce((t, p) => t + p, 0);
  const order = exact
    .map((e, i) => ({ i, frac: e - Math.floor(e) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}

/**
 * A re-forecast that keeps the planner's locked weeks: `next` (a fresh plan)
 * with `previous`'s locked overrides of weeks and skus it still has, its
 * events of those weeks and its audit, plus one entry saying how many locked
 * weeks were kept (`from`: locked before, `to`: kept).
 */
export function keepLocked(previous: Plan, next: Plan, edit: EditBy): Plan {
  const weeks = new Set(next.skus[0]?.weeks.map((w) => w.week_start) ?? []);
  const skus = new Set(next.skus.map((s) => s.sku));
  const locked = previous.overrides.filter((o) => o.locked);
  const kept = locked.filter((o) => weeks.has(o.week_start) && skus.has(o.sku));
  const entry = auditEntry(
    { ...edit, lock: false },
    `re-forecast from "${next.source.file}": locked sku weeks kept`,
    locked.length,
    kept.length,
  );
  return {
    ...next,
    overrides: kept,
    events: previous.events
      .map((e) => ({ ...e, weeks: e.weeks.filter((w) => weeks.has(w)) }))
      .filter((e) => e.weeks.length > 0),
    audit: [...previous.audit, entry],
  };
}
