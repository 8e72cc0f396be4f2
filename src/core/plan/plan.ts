// The plan document (`skucast-plan/1`, docs/plan.schema.json): a forecast kept
// as a planner's plan. It holds what the statistical forecast said (every sku
// week's p10/p50/p90 and model, the category totals), where it came from (the
// source file's fingerprint, the run settings and the model choice's
// evidence), what the planner changed (`overrides`, `events`) and an
// append-only `audit` of every change with its reason. The page and the CLI
// read and write the same document.

import type { ForecastResult, ForecastWeek } from '../forecast';
import { forecastOrigin } from '../forecast';
import { roundOutput, selectionJson } from '../exports';
import type { Measure, WeeklyTable } from '../types';
import { measurePromotions, type PlanPromotions } from './promo-uplift';

export const PLAN_SCHEMA = 'skucast-plan/1';

export interface PlanBand {
  p10: number;
  p50: number;
  p90: number;
}

export interface PlanWeek extends PlanBand {
  week_start: string;
  horizon_week: number;
}

export interface PlanSku {
  sku: string;
  category: string;
  /** What made the statistical forecast (a model alias, an ensemble, the fallback). */
  model: string;
  /** Sales of the last complete week before the plan: the naive forecast, held flat. */
  naive: number;
  /** The statistical forecast, one entry per horizon week, with the model that made it. */
  weeks: PlanSkuWeek[];
}

export interface PlanSkuWeek extends PlanWeek {
  model: string;
}

export interface PlanTotal {
  /** '' for the grand total. */
  category: string;
  skus: number;
  weeks: PlanWeek[];
}

/** A sku week the planner set; the statistical forecast of that week stays in `skus`. */
export interface PlanOverride extends PlanBand {
  sku: string;
  week_start: string;
  /** A re-forecast keeps a locked week as the planner set it. */
  locked: boolean;
  reason: string;
  /** Set on the sku itself, or spread from a category total. */
  via: 'sku' | 'category';
}

/** Future weeks of a sku or a whole category marked as a promotion or another event. */
export interface PlanEvent {
  scope: 'sku' | 'category';
  /** The sku or the category. */
  id: string;
  /** Mondays of plan weeks. */
  weeks: string[];
  kind: 'promotion' | 'event';
  note?: string;
  /** A promotion's uplift measured on the file's past promotions (absent without that evidence), in words too. */
  suggestion?: { uplift: number; evidence: string };
}

/** One change, appended, never edited. */
export interface PlanAudit {
  what: string;
  from: PlanBand | number;
  to: PlanBand | number;
  who?: string;
  /** ISO time of the change. */
  when: string;
  reason: string;
  /** A promotion's uplift put on the statistical p50 (0.35: +35%), and where the figure came from. */
  uplift?: number;
  evidence?: string;
}

/** Which file a plan was made from: its name and size as the user had it, and a hash of its weekly table. */
export interface PlanSource {
  file: string;
  size: number;
  table_hash: string;
}

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  created_at: string;
  source: PlanSource;
  run: {
    measure: Measure;
    horizon: number;
    model: { name: string; version: string };
    last_complete_week: string;
    first_forecast_week: string;
    /** How the model was chosen, with every candidate's validation score (the forecast JSON's `selection`), or null. */
    selection: Record<string, unknown> | null;
  };
  skus: PlanSku[];
  category_totals: PlanTotal[];
  total: PlanTotal | null;
  /** Past promotions per sku and category (null: the file has no promotion column; absent in plans made before they were kept). */
  promotions?: PlanPromotions | null;
  overrides: PlanOverride[];
  events: PlanEvent[];
  audit: PlanAudit[];
}

/** What a plan needs from the weekly table besides the forecast: its hash and each sku's last complete week. */
export interface PlanInputs {
  tableHash: string;
  naive: Map<string, number>;
  promotions: PlanPromotions | null;
}

/**
 * The table's hash, last-week sales and past promotions, read before the forecast (which may
 * release the table's side columns). `table` is the measured table (units or
 * money, as the forecast counts).
 */
export function planInputs(table: WeeklyTable): PlanInputs {
  const { origin } = forecastOrigin(table, 1);
  const hash = new TableHash();
  hash.add(table.report.measure ?? 'amount');
  // Every sku shares the calendar: its weeks are hashed once, each sku's values as numbers.
  hash.add(`\u0002${table.weeks.join(',')}`);
  const naive = new Map<string, number>();
  for (const s of table.series) {
    hash.add(`\u0000${s.sku}\u0001${s.category}`);
    const values = s.columns?.total_amount ?? s.rows.map((r) => r.total_amount);
    for (let w = 0; w < values.length; w++) hash.addNumber(values[w] as number);
    naive.set(s.sku, values[origin] ?? 0);
  }
  return { tableHash: hash.hex(), naive, promotions: measurePromotions(table, origin) };
}

/**
 * cyrb53-style hash in two 32-bit lanes: the fingerprint tells one file's
 * table from another's, it is no security measure.
 */
class TableHash {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);
  add(text: string): void {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
  }
  /** A number by its 64 bits (no text made: the table has millions of them). */
  addNumber(v: number): void {
    this.f64[0] = v;
    this.mix(this.u32[0] as number);
    this.mix(this.u32[1] as number);
  }
  private mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }
  hex(): string {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    return `cyrb53:${hex(h2)}${hex(h1)}`;
  }
}

function planWeek(w: ForecastWeek): PlanWeek {
  return {
    week_start: w.week_start,
    horizon_week: w.horizon_week,
    p10: roundOutput(w.p10),
    p50: roundOutput(w.p50),
    p90: roundOutput(w.p90),
  };
}

/** A new plan from a forecast: the statistical forecast as it is, nothing overridden yet. */
export function planFromForecast(
  result: ForecastResult,
  inputs: PlanInputs,
  source: { file: string; size: number; createdAt: string },
): Plan {
  const md = result.metadata;
  return {
    schema: PLAN_SCHEMA,
    created_at: source.createdAt,
    source: { file: source.file, size: source.size, table_hash: inputs.tableHash },
    run: {
      measure: md.measure ?? 'amount',
      horizon: md.horizon,
      model: { name: md.modelName, version: md.modelVersion },
      last_complete_week: md.lastCompleteWeek,
      first_forecast_week: md.firstForecastWeek,
      selection: md.selection ? selectionJson(md.selection, false) : null,
    },
    skus: result.skus.map((s) => ({
      sku: s.sku,
      category: s.category,
      model: s.model,
      naive: roundOutput(inputs.naive.get(s.sku) ?? 0),
      weeks: s.weeks.map((w) => ({ ...planWeek(w), model: w.model ?? s.model })),
    })),
    category_totals: result.categories.map((c) => ({
      category: c.category,
      skus: c.skus,
      weeks: c.weeks.map(planWeek),
    })),
    total: result.total
      ? { category: '', skus: result.total.skus, weeks: result.total.weeks.map(planWeek) }
      : null,
    promotions: inputs.promotions,
    overrides: [],
    events: [],
    audit: [],
  };
}

/** The plan as its file holds it: two-space JSON, LF, keys in the order above (same plan, same bytes). */
export function planToJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
