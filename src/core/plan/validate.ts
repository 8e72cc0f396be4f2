// A plan read back (an import in the page, a PLAN file in the CLI) is checked
// before anything uses it: a newer schema, a plan made from another file or
// a document that breaks docs/plan.schema.json is refused with messages a
// planner can act on, never half-read.

import { PLAN_SCHEMA, type Plan, type PlanSource } from './plan';

const PREFIX = 'skucast-plan/';
/** Past this many problems the list says how many more there are. */
const MAX_MESSAGES = 10;

export interface ValidateOptions {
  /** The file loaded now: a plan made from another one is refused. */
  source?: PlanSource;
}

/** The plan, or what is wrong with it (one sentence each). */
export function validatePlan(json: unknown, opts: ValidateOptions = {}): Plan | string[] {
  if (!isObject(json)) return [`a plan is a JSON object; this is ${describe(json)}`];
  const schema = json['schema'];
  if (typeof schema !== 'string' || !schema.startsWith(PREFIX)) {
    return [`this is not a skucast plan: it has no "schema": "${PLAN_SCHEMA}"`];
  }
  if (schema !== PLAN_SCHEMA) {
    const version = Number(schema.slice(PREFIX.length));
    return [
      Number.isInteger(version) && version > 1
        ? `this plan is ${schema}, newer than this skucast reads (${PLAN_SCHEMA}): update skucast to open it`
        : `unknown plan schema "${schema}" (this skucast reads ${PLAN_SCHEMA})`,
    ];
  }
  const problems: string[] = [];
  checkShape(json, problems);
  if (problems.length > MAX_MESSAGES) {
    const more = problems.length - MAX_MESSAGES;
    return [...problems.slice(0, MAX_MESSAGES), `… and ${more} more`];
  }
  if (problems.length > 0) return problems;
  const plan = json as unknown as Plan;
  if (opts.source) {
    const other = sourceProblem(plan.source, opts.source);
    if (other !== null) return [other];
  }
  return plan;
}

/**
 * A plan file as the page imports it: one plan, or a list of plans (what
 * "Export all" writes). Every plan is checked; a list with a bad plan is
 * refused whole, its messages prefixed with the plan's place ("plan 2: …").
 */
export function validatePlans(
  json: unknown,
  opts: ValidateOptions = {},
): { plans: Plan[] } | { problems: string[] } {
  if (!Array.isArray(json)) {
    const one = validatePlan(json, opts);
    return Array.isArray(one) ? { problems: one } : { plans: [one] };
  }
  if (json.length === 0) return { problems: ['this file holds an empty list: no plan to open'] };
  const plans: Plan[] = [];
  const problems: string[] = [];
  json.forEach((item, i) => {
    const one = validatePlan(item, opts);
    if (Array.isArray(one)) problems.push(...one.map((m) => `plan ${i + 1}: ${m}`));
    else plans.push(one);
  });
  return problems.length > 0 ? { problems: problems.slice(0, MAX_MESSAGES) } : { plans };
}

/** Why a plan made from `made` does not belong to the file `loaded`, or null. */
export function sourceProblem(made: PlanSource, loaded: PlanSource): string | null {
  if (made.table_hash === loaded.table_hash) return null;
  return (
    `this plan was made from another file: "${made.file}" (${made.size} bytes, table ${made.table_hash}); ` +
    `the file loaded is "${loaded.file}" (${loaded.size} bytes, table ${loaded.table_hash}). ` +
    `Load the file the plan was made from to open it`
  );
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The field checks, each pushing "where must be what" onto `out` when it fails. */
function checkers(out: string[]) {
  const need = (where: string, ok: boolean, what: string): boolean => {
    if (!ok) out.push(`${where} must be ${what}`);
    return ok;
  };
  const str = (o: Obj, key: string, where: string): boolean =>
    need(`${where}.${key}`, typeof o[key] === 'string', 'text');
  const num = (o: Obj, key: string, where: string): boolean =>
    need(`${where}.${key}`, typeof o[key] === 'number' && Number.isFinite(o[key]), 'a number');
  const date = (o: Obj, key: string, where: string): boolean =>
    need(
      `${where}.${key}`,
      typeof o[key] === 'string' && ISO_DATE.test(o[key]),
      'a date YYYY-MM-DD',
    );
  const obj = (o: Obj, key: string, where: string): Obj | null =>
    need(`${where}.${key}`, isObject(o[key]), 'an object') ? (o[key] as Obj) : null;
  const list = (o: Obj, key: string, where: string): unknown[] =>
    need(`${where}.${key}`, Array.isArray(o[key]), 'a list') ? (o[key] as unknown[]) : [];
  return { need, str, num, date, obj, list };
}

/** Field checks, in docs/plan.schema.json's words: each problem names where it is. */
function checkShape(doc: Obj, out: string[]): void {
  const { need, str, num, date, obj, list } = checkers(out);
  const band = (o: Obj, where: string): void => {
    if (![num(o, 'p10', where), num(o, 'p50', where), num(o, 'p90', where)].every(Boolean)) return;
    const { p10, p50, p90 } = o as { p10: number; p50: number; p90: number };
    need(
      where,
      p10 <= p50 && p50 <= p90,
      `a band with p10 ≤ p50 ≤ p90 (it has ${p10}, ${p50}, ${p90})`,
    );
  };
  const weeks = (o: Obj, where: string, withModel: boolean): void =>
    list(o, 'weeks', where).forEach((w, i) => {
      const at = `${where}.weeks[${i}]`;
      if (!need(at, isObject(w), 'an object')) return;
      const wk = w as Obj;
      date(wk, 'week_start', at);
      num(wk, 'horizon_week', at);
      band(wk, at);
      if (withModel) str(wk, 'model', at);
    });

  str(doc, 'created_at', 'plan');
  const source = obj(doc, 'source', 'plan');
  if (source) {
    str(source, 'file', 'source');
    num(source, 'size', 'source');
    str(source, 'table_hash', 'source');
  }
  const run = obj(doc, 'run', 'plan');
  if (run) {
    need(
      'run.measure',
      run['measure'] === 'units' || run['measure'] === 'amount',
      'units or amount',
    );
    num(run, 'horizon', 'run');
    date(run, 'last_complete_week', 'run');
    date(run, 'first_forecast_week', 'run');
  }
  const known = new Set<string>();
  const planWeeks = new Set<string>();
  list(doc, 'skus', 'plan').forEach((s, i) => {
    const at = `skus[${i}]`;
    if (!need(at, isObject(s), 'an object')) return;
    const sku = s as Obj;
    if (str(sku, 'sku', at)) known.add(sku['sku'] as string);
    for (const w of Array.isArray(sku['weeks']) ? (sku['weeks'] as unknown[]) : []) {
      if (isObject(w) && typeof w['week_start'] === 'string') planWeeks.add(w['week_start']);
    }
    str(sku, 'category', at);
    str(sku, 'model', at);
    num(sku, 'naive', at);
    weeks(sku, at, true);
  });
  list(doc, 'category_totals', 'plan').forEach((c, i) => {
    const at = `category_totals[${i}]`;
    if (need(at, isObject(c), 'an object')) weeks(c as Obj, at, false);
  });
  list(doc, 'overrides', 'plan').forEach((o, i) => {
    const at = `overrides[${i}]`;
    if (!need(at, isObject(o), 'an object')) return;
    const ov = o as Obj;
    if (str(ov, 'sku', at) && !known.has(ov['sku'] as string)) {
      out.push(`${at}.sku "${String(ov['sku'])}" is not one of the plan's skus`);
    }
    if (date(ov, 'week_start', at) && !planWeeks.has(ov['week_start'] as string)) {
      out.push(`${at}.week_start ${String(ov['week_start'])} is not one of the plan's weeks`);
    }
    band(ov, at);
    need(`${at}.locked`, typeof ov['locked'] === 'boolean', 'true or false');
    str(ov, 'reason', at);
  });
  checkEvents(doc, known, planWeeks, out);
  checkPromotions(doc['promotions'], need);
  list(doc, 'audit', 'plan').forEach((a, i) => {
    const at = `audit[${i}]`;
    if (!need(at, isObject(a), 'an object')) return;
    const entry = a as Obj;
    str(entry, 'what', at);
    str(entry, 'when', at);
    need(
      `${at}.reason`,
      typeof entry['reason'] === 'string' && entry['reason'].trim() !== '',
      'a reason (text)',
    );
  });
}

type Need = (where: string, ok: boolean, what: string) => boolean;

/** The plan's promotion evidence: absent (an older plan), null (no promotion column) or its per-sku and per-category figures. */
function checkPromotions(p: unknown, need: Need): void {
  if (p === undefined || p === null) return;
  if (!need('plan.promotions', isObject(p), 'an object or null')) return;
  const promotions = p as Obj;
  const figures = (key: string, name: string, withLevel: boolean): void => {
    const items = promotions[key];
    if (!need(`promotions.${key}`, Array.isArray(items), 'a list')) return;
    (items as unknown[]).forEach((item, i) => {
      const at = `promotions.${key}[${i}]`;
      if (!need(at, isObject(item), 'an object')) return;
      const o = item as Obj;
      need(`${at}.${name}`, typeof o[name] === 'string', 'text');
      const n = o['promoted_weeks'];
      need(`${at}.promoted_weeks`, Number.isInteger(n) && (n as number) >= 0, 'a whole number ≥ 0');
      const u = o['uplift'];
      need(`${at}.uplift`, typeof u === 'number' && u >= -1 && Number.isFinite(u), 'a number ≥ -1');
      if (withLevel) {
        const l = o['level'];
        need(
          `${at}.level`,
          typeof l === 'number' && l > 0 && Number.isFinite(l),
          'a number above 0',
        );
      }
    });
  };
  const lw = promotions['level_weeks'];
  need('promotions.level_weeks', Number.isInteger(lw) && (lw as number) >= 1, 'a whole number ≥ 1');
  figures('skus', 'sku', true);
  figures('categories', 'category', false);
}

/** Each event: its scope and id one of the plan's skus or categories, its weeks the plan's. */
function checkEvents(doc: Obj, known: Set<string>, planWeeks: Set<string>, out: string[]): void {
  const { need, str, num, obj, list } = checkers(out);
  const categories = new Set<string>();
  for (const s of Array.isArray(doc['skus']) ? (doc['skus'] as unknown[]) : []) {
    if (isObject(s) && typeof s['category'] === 'string') categories.add(s['category']);
  }
  list(doc, 'events', 'plan').forEach((e, i) => {
    const at = `events[${i}]`;
    if (!need(at, isObject(e), 'an object')) return;
    const ev = e as Obj;
    const scope = ev['scope'];
    if (
      need(`${at}.scope`, scope === 'sku' || scope === 'category', 'sku or category') &&
      str(ev, 'id', at)
    ) {
      const id = ev['id'] as string;
      if (!(scope === 'sku' ? known : categories).has(id)) {
        out.push(
          `${at}.id "${id}" is not one of the plan's ${scope === 'sku' ? 'skus' : 'categories'}`,
        );
      }
    }
    const evWeeks = list(ev, 'weeks', at);
    need(`${at}.weeks`, !Array.isArray(ev['weeks']) || evWeeks.length > 0, 'at least one week');
    evWeeks.forEach((w, j) => {
      if (
        !need(`${at}.weeks[${j}]`, typeof w === 'string' && ISO_DATE.test(w), 'a date YYYY-MM-DD')
      )
        return;
      if (!planWeeks.has(w as string))
        out.push(`${at}.weeks[${j}] ${String(w)} is not one of the plan's weeks`);
    });
    need(`${at}.kind`, ev['kind'] === 'promotion' || ev['kind'] === 'event', 'promotion or event');
    if (ev['note'] !== undefined) str(ev, 'note', at);
    if (ev['suggestion'] !== undefined) {
      const sug = obj(ev, 'suggestion', at);
      if (sug) {
        num(sug, 'uplift', `${at}.suggestion`);
        str(sug, 'evidence', `${at}.suggestion`);
      }
    }
  });
}
