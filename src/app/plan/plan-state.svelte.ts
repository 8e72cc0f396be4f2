// The plan the page has open, and what the planner does to it: started from
// the forecast on screen, imported (checked: another file's plan or a newer
// schema is refused with core's messages), edited (sku week, category total,
// undo: core's overrides.ts, so the audit is the CLI's), exported, kept on
// this device when the planner switches that on, and scored on a newer file
// (forecast value added, in the worker). Loaded with the plan panel, never on
// the first page load; components read `planPage` and `opened` and call the
// functions below, as with ../state.svelte.ts.

import {
  PlanEditError,
  overrideCategory,
  overrideSku,
  undoOverride,
} from '../../core/plan/overrides';
import type { CategoryEdit, SkuEdit } from '../../core/plan/overrides';
import { planFromForecast, planToJson, type Plan } from '../../core/plan/plan';
import { validatePlans } from '../../core/plan/validate';
import type { PlanScore } from '../../worker/protocol';
import { baseName, saveText } from '../download';
import { browserStore } from '../mapping-memory';
import { app, planWorker, readableMessage, shown } from '../state.svelte';
import {
  forgetAllPlans,
  forgetPlan,
  keepPlan,
  keepPlansOn,
  keptPlans,
  rememberKeepPlans,
} from './plan-store';
import { planLabel } from './plan-view';

export interface PlanPageState {
  /** "Keep plans on this device" is on. */
  keep: boolean;
  /** The plans kept on this device (while `keep`), last saved first. */
  kept: { id: string; label: string }[];
  /** Why the last action was refused (an import, an edit), one sentence each. */
  problems: string[];
  /** What the last action did, for the live region. */
  message: string | null;
  /** Saves to the device finished: tests wait for it to grow. */
  saves: number;
  /** A newer file is being read for forecast value added. */
  scoring: boolean;
}

const page = $state<PlanPageState>({
  keep: false,
  kept: [],
  problems: [],
  message: null,
  saves: 0,
  scoring: false,
});
// Replaced whole, never mutated (a plan has a row per sku week): no deep proxy, and IndexedDB can clone it.
let current = $state.raw<{ id: string; plan: Plan } | null>(null);
let score = $state.raw<PlanScore | null>(null);

const readOnly = (): never => {
  throw new TypeError('the plan state is read-only: change it through plan-state.svelte.ts');
};
export const planPage: Readonly<PlanPageState> = new Proxy(page, {
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
});

/** The plan open in the editor, and its forecast value added once a newer file was scored. */
export const opened = {
  get plan(): Plan | null {
    return current?.plan ?? null;
  },
  get score(): PlanScore | null {
    return score;
  },
};

const store = browserStore();
/** Saves run one after another, so the device ends with the last version. */
let saving: Promise<void> = Promise.resolve();

/** Now as ISO time: a stamp, never state. */
function isoNow(): string {
  return new Date(Date.now()).toISOString();
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function say(message: string): void {
  page.problems = [];
  page.message = message;
}

function refuse(problems: string[]): void {
  page.message = null;
  page.problems = problems;
}

/** Reads the switch, and the kept plans when it is on (the database is not touched otherwise). */
export async function initPlans(): Promise<void> {
  page.keep = keepPlansOn(store);
  if (page.keep) await refreshKept();
}

async function refreshKept(): Promise<void> {
  try {
    page.kept = (await keptPlans()).map((k) => ({ id: k.id, label: planLabel(k.plan) }));
  } catch (e) {
    refuse([`The plans kept on this device could not be read: ${readableMessage(e)}`]);
  }
}

/** Keeps the open plan on the device when the planner asked for that. */
function persist(): void {
  const open = current;
  if (!page.keep || !open) return;
  saving = saving
    .then(async () => {
      await keepPlan({ id: open.id, saved_at: isoNow(), plan: open.plan });
      await refreshKept();
      page.saves++;
    })
    .catch((e: unknown) => refuse([`The plan could not be kept: ${readableMessage(e)}`]));
}

function open(plan: Plan, id = newId()): void {
  current = { id, plan };
  score = null;
  persist();
}

/** A plan of the forecast on screen: the statistical forecast, nothing overridden yet. */
export async function startPlan(): Promise<void> {
  const result = shown.result;
  if (!result?.forecast) return refuse(['There is no forecast on screen to plan from.']);
  try {
    const { inputs, size } = await planWorker.source();
    const plan = planFromForecast(result.forecast, inputs, {
      file: app.fileName ?? 'file',
      size,
      createdAt: isoNow(),
    });
    open(plan);
    say(
      `Plan started from ${plan.source.file}: ${plan.skus.length} SKUs × ${plan.run.horizon} weeks.`,
    );
  } catch (e) {
    refuse([readableMessage(e)]);
  }
}

/**
 * A plan file (one plan, or the list "Export all" writes) opened: its first
 * plan in the editor, every plan kept when the switch is on. With a forecast
 * on screen, a plan made from another file is refused.
 */
export async function importPlans(file: Blob, name: string): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    return refuse([`${name} is not JSON, so not a skucast plan.`]);
  }
  let source;
  try {
    if (shown.result?.forecast) {
      const { inputs, size } = await planWorker.source();
      source = { file: app.fileName ?? 'file', size, table_hash: inputs.tableHash };
    }
  } catch (e) {
    return refuse([readableMessage(e)]);
  }
  const checked = validatePlans(json, source ? { source } : {});
  if ('problems' in checked) {
    return refuse([`${name} was not opened:`, ...checked.problems]);
  }
  const [first, ...rest] = checked.plans as [Plan, ...Plan[]];
  if (page.keep) {
    for (const plan of rest) {
      saving = saving.then(() => keepPlan({ id: newId(), saved_at: isoNow(), plan }));
    }
  }
  open(first);
  const also =
    rest.length > 0
      ? ` (and ${rest.length} more${page.keep ? ', kept in Plans' : ' not kept: switch on "Keep plans on this device" to keep them'})`
      : '';
  say(`Opened the plan of ${first.source.file} from ${name}${also}.`);
}

/** "sales.csv" → "sales-plan.json". */
function planFileName(plan: Plan): string {
  return `${baseName(plan.source.file)}-plan.json`;
}

export function exportPlan(): void {
  if (current) saveText(planToJson(current.plan), planFileName(current.plan), 'application/json');
}

/** Every kept plan in one file, a JSON list, which "Import" opens again. */
export async function exportAllPlans(): Promise<void> {
  try {
    await saving;
    const plans = (await keptPlans()).map((k) => k.plan);
    saveText(JSON.stringify(plans, null, 2) + '\n', 'skucast-plans.json', 'application/json');
  } catch (e) {
    refuse([readableMessage(e)]);
  }
}

/** The switch: on keeps the open plan and every change to it; off deletes every plan kept here. */
export async function setKeepPlans(on: boolean): Promise<void> {
  page.keep = on;
  rememberKeepPlans(store, on);
  if (on) {
    persist();
    await saving;
    await refreshKept();
    say(
      current
        ? 'This plan and its changes are kept on this device.'
        : 'Plans you open or start will be kept on this device.',
    );
  } else {
    await saving;
    try {
      await forgetAllPlans();
    } catch (e) {
      return refuse([readableMessage(e)]);
    }
    page.kept = [];
    say('No plan is kept on this device any more; the open plan stays until you close the page.');
  }
}

export async function reopenPlan(id: string): Promise<void> {
  try {
    const kept = (await keptPlans()).find((k) => k.id === id);
    if (!kept) return refuse(['That plan is no longer on this device.']);
    current = { id: kept.id, plan: kept.plan };
    score = null;
    say(`Opened the plan of ${kept.plan.source.file}.`);
  } catch (e) {
    refuse([readableMessage(e)]);
  }
}

export async function deleteKeptPlan(id: string): Promise<void> {
  await saving;
  try {
    await forgetPlan(id);
  } catch (e) {
    return refuse([readableMessage(e)]);
  }
  await refreshKept();
  say('The plan was deleted from this device.');
}

/** Applies a change made by core (an override, an undo); a change core refuses is shown, not thrown. */
function change(make: (plan: Plan, when: string) => Plan, done: string): boolean {
  if (!current) return false;
  try {
    current = { id: current.id, plan: make(current.plan, isoNow()) };
  } catch (e) {
    if (e instanceof PlanEditError) {
      refuse([e.message]);
      return false;
    }
    throw e;
  }
  persist();
  say(done);
  return true;
}

export function editSku(edit: Omit<SkuEdit, 'when'>): boolean {
  return change(
    (plan, when) => overrideSku(plan, { ...edit, when }),
    `${edit.sku}, week of ${edit.week}: p50 set to ${edit.p50}${edit.lock ? ' and locked' : ''}.`,
  );
}

export function editCategory(edit: Omit<CategoryEdit, 'when'>): boolean {
  return change(
    (plan, when) => overrideCategory(plan, { ...edit, when }),
    `${edit.category}, week of ${edit.week}: total set to ${edit.total}, spread over its SKUs.`,
  );
}

export function undo(sku: string, week: string): boolean {
  return change(
    (plan, when) => undoOverride(plan, sku, week, { when }),
    `${sku}, week of ${week}: back to the statistical forecast.`,
  );
}

/** How the open plan did on a newer file (read in the worker, never forecast). */
export async function scoreNewerFile(file: Blob, name: string): Promise<void> {
  if (!current) return;
  const plan = current.plan;
  page.scoring = true;
  try {
    const result = await planWorker.score(file, plan);
    if (current?.plan !== plan) return;
    score = result;
    if ('problem' in result) refuse([`${name}: ${result.problem}`]);
    else say(`Scored the plan on ${name}: ${result.report.weeks.length} weeks with sales.`);
  } catch (e) {
    refuse([readableMessage(e)]);
  } finally {
    page.scoring = false;
  }
}

export function closePlan(): void {
  current = null;
  score = null;
  say('The plan was closed.');
}
