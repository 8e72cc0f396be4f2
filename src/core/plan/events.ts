// Events on a plan: future weeks of a sku or a category marked as a
// promotion or another event. A promotion is suggested an uplift from the
// file's past promotions (promo-uplift.ts, kept in the plan); the planner
// accepts it, or gives their own figure, and it goes on the statistical p50
// as overrides with reason "promotion", the uplift and its evidence in the
// audit. Marking alone changes no number.

import { roundOutput } from '../exports';
import type { Plan, PlanAudit, PlanBand, PlanEvent, PlanOverride, PlanSku } from './plan';
import {
  auditEntry,
  checkWeek,
  finalBands,
  bandKey,
  PlanEditError,
  scaledBand,
  withOverrides,
} from './overrides';
import { percent, suggestForCategory, suggestForSku, type SkuSuggestion } from './promo-uplift';

export interface EventEdit {
  scope: 'sku' | 'category';
  id: string;
  weeks: string[];
  kind: 'promotion' | 'event';
  note?: string;
  /** Put the suggested uplift on the event's sku weeks. */
  accept?: boolean;
  /** The planner's own uplift instead (0.25: +25%). */
  uplift?: number;
  /** The overrides' and audit entries' reason (default: the kind, "promotion" or "event"). */
  reason?: string;
  who?: string;
  /** ISO time of the change. */
  when: string;
  lock?: boolean;
}

export interface EventResult {
  plan: Plan;
  /** The event as stored (with its suggestion when there is one). */
  event: PlanEvent;
  /** Why the event has no suggestion (no promotion column, no promoted week…), or null. */
  noSuggestion: string | null;
  /** Sku weeks left as they were because the planner locked them. */
  lockedKept: number;
}

/** The skus an event covers; a PlanEditError naming the sku or category the plan lacks. */
export function eventSkus(plan: Plan, scope: EventEdit['scope'], id: string): PlanSku[] {
  if (scope === 'sku') {
    const sku = plan.skus.find((s) => s.sku === id);
    if (!sku) throw new PlanEditError(`sku "${id}" is not in the plan`);
    return [sku];
  }
  const skus = plan.skus.filter((s) => s.category === id);
  if (skus.length === 0) {
    const names = [...new Set(plan.skus.map((s) => s.category))].slice(0, 10);
    throw new PlanEditError(
      `category "${id}" is not in the plan (it has ${names.map((n) => `"${n}"`).join(', ')})`,
    );
  }
  return skus;
}

/** The uplift an event would be suggested (a category's: its pooled figure), or why there is none. */
export function eventSuggestion(
  plan: Plan,
  scope: EventEdit['scope'],
  id: string,
): { uplift: number; evidence: string } | string {
  if (scope === 'category') return suggestForCategory(plan.promotions, id);
  const sku = eventSkus(plan, 'sku', id)[0] as PlanSku;
  const s = suggestForSku(plan.promotions, sku.sku, sku.category);
  return typeof s === 'string' ? s : { uplift: s.uplift, evidence: s.evidence };
}

/** `events` without `weeks` of the same scope, id (any kind): a week is marked once, the newest marking wins. */
function withoutWeeks(
  events: PlanEvent[],
  scope: string,
  id: string,
  weeks: Set<string>,
): PlanEvent[] {
  return events
    .map((e) =>
      e.scope === scope && e.id === id ? { ...e, weeks: e.weeks.filter((w) => !weeks.has(w)) } : e,
    )
    .filter((e) => e.weeks.length > 0);
}

/**
 * Marks an event, and with `accept` or `uplift` puts the uplift on each of
 * its sku weeks: p50 = statistical p50 × factor, the band scaled with it.
 * Accepted, each sku takes its own suggestion (promo-uplift.ts: shrunk to its
 * category, its level's promotions taken out); the planner's figure is
 * corrected for the level the same way, so both say "over a week without
 * promotion". Locked sku weeks keep their value.
 */
export function markEvent(plan: Plan, edit: EventEdit): EventResult {
  const skus = eventSkus(plan, edit.scope, edit.id);
  const weeks = [...new Set(edit.weeks)].sort();
  if (weeks.length === 0) throw new PlanEditError('an event needs at least one week');
  for (const w of weeks) checkWeek(plan, w);
  if (edit.accept && edit.uplift !== undefined) {
    throw new PlanEditError('accept the suggested uplift or give your own, not both');
  }
  if (edit.uplift !== undefined && !(Number.isFinite(edit.uplift) && edit.uplift > -1)) {
    throw new PlanEditError(`the uplift must be a number above -100%, got ${edit.uplift * 100}%`);
  }
  if (edit.reason !== undefined && edit.reason.trim() === '') {
    throw new PlanEditError('a reason, when given, must say something');
  }
  const found =
    edit.kind === 'promotion'
      ? eventSuggestion(plan, edit.scope, edit.id)
      : 'an event of kind "event" is marked only: uplifts are measured on promotions';
  const noSuggestion = typeof found === 'string' ? found : null;
  if (edit.accept && noSuggestion !== null) {
    throw new PlanEditError(
      `no suggested uplift to accept for ${edit.scope} "${edit.id}": ${noSuggestion}`,
    );
  }
  const event: PlanEvent = {
    scope: edit.scope,
    id: edit.id,
    weeks,
    kind: edit.kind,
    ...(edit.note !== undefined && edit.note !== '' && { note: edit.note }),
    ...(typeof found !== 'string' && { suggestion: found }),
  };
  const reason = edit.reason ?? edit.kind;
  const by = { reason, ...(edit.who !== undefined && { who: edit.who }), when: edit.when };
  const bands = finalBands(plan);
  const sumP50 = (): number =>
    roundOutput(
      skus.reduce(
        (t, s) => t + weeks.reduce((u, w) => u + (bands.get(bandKey(s.sku, w))?.p50 ?? 0), 0),
        0,
      ),
    );
  const what = `${edit.kind} marked: ${edit.scope} "${edit.id}" week${weeks.length === 1 ? '' : 's'} ${weeks.join(', ')}`;
  const marked: Plan = {
    ...plan,
    events: [...withoutWeeks(plan.events, edit.scope, edit.id, new Set(weeks)), event],
    audit: [...plan.audit, auditEntry(by, what, sumP50(), sumP50())],
  };
  if (!edit.accept && edit.uplift === undefined) {
    return { plan: marked, event, noSuggestion, lockedKept: 0 };
  }
  const locked = new Set(
    plan.overrides.filter((o) => o.locked).map((o) => bandKey(o.sku, o.week_start)),
  );
  let next = marked;
  let lockedKept = 0;
  for (const sku of skus) {
    const figure = upliftFor(plan, sku, edit.uplift);
    const set: PlanOverride[] = [];
    let before = 0;
    let after = 0;
    for (const w of weeks) {
      const k = bandKey(sku.sku, w);
      if (locked.has(k)) {
        lockedKept++;
        continue;
      }
      const stat = sku.weeks.find((x) => x.week_start === w) as PlanBand;
      const band = scaledBand(stat, roundOutput(Math.max(0, stat.p50 * figure.factor)));
      before += bands.get(k)?.p50 ?? 0;
      after += band.p50;
      set.push({
        sku: sku.sku,
        week_start: w,
        ...band,
        locked: edit.lock ?? false,
        reason,
        via: edit.scope,
      });
    }
    if (set.length === 0) continue;
    const entry: PlanAudit = {
      ...auditEntry(
        { ...by, lock: edit.lock ?? false },
        `${edit.kind} ${percent(figure.uplift)}: sku "${sku.sku}" week${set.length === 1 ? '' : 's'} ${set.map((o) => o.week_start).join(', ')} (sum of p50)`,
        roundOutput(before),
        roundOutput(after),
      ),
      uplift: figure.uplift,
      evidence: figure.evidence,
    };
    next = withOverrides(next, set, entry);
  }
  return { plan: next, event, noSuggestion, lockedKept };
}

/** The uplift and p50 factor for one sku: the planner's figure, or its suggestion (there is one: checked before). */
function upliftFor(plan: Plan, sku: PlanSku, planners: number | undefined): SkuSuggestion {
  if (planners === undefined)
    return suggestForSku(plan.promotions, sku.sku, sku.category) as SkuSuggestion;
  const level = plan.promotions?.skus.find((x) => x.sku === sku.sku)?.level ?? 1;
  const levelText =
    Math.abs(level - 1) >= 0.005
      ? `, over its level without promotions (p50 / ${level.toFixed(2)})`
      : '';
  return {
    uplift: planners,
    factor: (1 + planners) / level,
    evidence: `the planner's figure${levelText}`,
  };
}
