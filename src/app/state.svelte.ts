// One source of truth for the page (mermaid-live-editor style): one `$state`
// object, read through `app` (writes throw) and changed only by the functions
// exported below, and the forecast on screen, a `$state.raw` read through
// `shown.result`. Components read them; they never write them.
// Tests in tests/browser read the same values from data-* attributes on the
// element with TEST_IDS.app; a production build has no window hook.

import { DEFAULT_HORIZON, MAX_HORIZON } from '../core/forecast';
import type { ColumnMapping, DateFormat, Layout, Measure } from '../core/types';
import type { Plan } from '../core/plan/plan';
import type {
  HeaderPeek,
  PlanScore,
  PlanSourceInfo,
  Progress,
  ReforecastOptions,
  RunOptions,
  RunResult,
} from '../worker/protocol';
import { DEFAULT_QUERY, type RowFlag, type SortKey, type TableQuery } from './results';
import { CancelledError } from './cancelled';
import { pageWording } from './page-wording';
import {
  forgetMapping,
  recallMapping,
  rememberMapping,
  type KeyValueStore,
} from './mapping-memory';

export type Status = 'idle' | 'peeking' | 'mapping' | 'running' | 'done' | 'error';
export type View = 'overview' | 'skus' | 'categories';

/** What the page needs of the worker (worker-bridge.ts's ForecastBridge; a fake in unit tests). */
export interface Bridge {
  run(file: Blob, opts: RunOptions, onProgress: (p: Progress) => void): Promise<RunResult>;
  reforecast(opts: ReforecastOptions, onProgress: (p: Progress) => void): Promise<RunResult>;
  peekHeaders(file: Blob, sheet?: string): Promise<HeaderPeek>;
  prepare(): void;
  cancel(): void;
  planSource(): Promise<PlanSourceInfo>;
  scorePlan(file: Blob, plan: Plan): Promise<PlanScore>;
}

/** The page's values except the forecast: small, changed in place by this module only. */
export interface PageState {
  status: Status;
  fileName: string | null;
  progress: Progress | null;
  peek: HeaderPeek | null;
  /** The mapping confirmed before for files with these headers, if any. */
  savedMapping: ColumnMapping | null;
  error: string | null;
  /** A neutral word on the start page (a run was cancelled): not an error; gone when the next file starts. */
  notice: string | null;
  horizon: number;
  /** Runs started (files chosen, mappings confirmed, horizons changed): tests wait for it to grow. */
  runs: number;
  /** Files read by the worker: a horizon change must not add one. */
  fileReads: number;
  /** A new horizon is being forecast while the last result stays on screen. */
  updating: boolean;
  view: View;
  /** Index into the result's forecast skus of the sku shown in detail, or null. */
  selectedSku: number | null;
  /** The category shown in the category view; null = grand total. */
  selectedCategory: string | null;
  query: TableQuery;
}

/** Everything `reset()` clears; the run counters keep counting across files. */
function startValues(): Omit<PageState, 'runs' | 'fileReads'> {
  return {
    status: 'idle',
    fileName: null,
    progress: null,
    peek: null,
    savedMapping: null,
    error: null,
    notice: null,
    horizon: DEFAULT_HORIZON,
    updating: false,
    ...startViews(),
  };
}

function startViews(): Pick<PageState, 'view' | 'selectedSku' | 'selectedCategory' | 'query'> {
  return { view: 'overview', selectedSku: null, selectedCategory: null, query: DEFAULT_QUERY };
}

const page = $state<PageState>({ ...startValues(), runs: 0, fileReads: 0 });
// Replaced whole, never mutated: no deep proxy over thousands of forecast rows.
let shownResult = $state.raw<RunResult | null>(null);

const readOnly = (): never => {
  throw new TypeError('the page state is read-only: change it through state.svelte.ts');
};

/** The page state for components: reads are reactive, writes throw. */
export const app: Readonly<PageState> = new Proxy(page, {
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
});

/** The worker's last result on screen, if any (kept apart from `app`: see `shownResult`). */
export const shown = {
  get result(): RunResult | null {
    return shownResult;
  },
};

/** A file is being peeked at or forecast: the file buttons wait. */
export function busy(): boolean {
  return page.status === 'peeking' || page.status === 'running';
}

/** What the state needs from outside: the worker, the sample, a listener (test builds). */
export interface StateDeps {
  bridge: Bridge;
  loadSample: () => Promise<{ blob: Blob; name: string }>;
  /** Called with every result shown (main.ts sets it in test builds only). */
  onResult?: (r: RunResult | null) => void;
  /** Where confirmed mappings are remembered; none when absent. */
  store?: KeyValueStore | null;
}

/** The file being mapped or forecast, and how to read it: never shown, so no rune. */
interface Pending {
  file: Blob | null;
  /** How to read `file` besides its columns: a workbook's sheet, a date reading, units or money, a layout. */
  reading: { sheet?: string; dateFormat?: DateFormat; measure?: Measure; layout?: Layout };
  /** The mapping confirmed for `file` (none for the reference schema). */
  mapping?: ColumnMapping;
  /** The forecast origin the user chose (RunOptions.asOf); absent: the file's bulk decides. */
  asOf?: string;
}

const unconfigured = (): never => {
  throw new Error('the page is not ready yet: reload it');
};
let bridge: Bridge = {
  run: unconfigured,
  reforecast: unconfigured,
  peekHeaders: unconfigured,
  prepare: () => undefined,
  cancel: () => undefined,
  planSource: unconfigured,
  scorePlan: unconfigured,
};
let loadSample: StateDeps['loadSample'] = unconfigured;
let onResult: StateDeps['onResult'];
let store: KeyValueStore | null = null;
let pending: Pending = { file: null, reading: {} };
/** Each start bumps it, so a late answer from a cancelled run cannot land. */
let generation = 0;

/** Wires the state to the worker and the sample (main.ts; a fake bridge in unit tests), and resets it. */
export function configure(deps: StateDeps): void {
  bridge = deps.bridge;
  loadSample = deps.loadSample;
  onResult = deps.onResult;
  store = deps.store ?? null;
  reset();
}

function reset(): void {
  generation++;
  update(startValues());
  shownResult = null;
  pending = { file: null, reading: {} };
}

/** A file from the picker, the drop zone or the sample button. */
export async function chooseFile(file: Blob, name: string): Promise<void> {
  const mine = ++generation;
  pending = { file, reading: {} };
  update({
    ...startViews(),
    fileName: name,
    error: null,
    notice: null,
    peek: null,
    savedMapping: null,
    progress: null,
    updating: false,
  });
  show(null);
  page.runs++;
  if (file.size === 0)
    return fail(
      mine,
      new Error(
        `${name} is empty: there is nothing to forecast. Choose a file with a header row and sales rows.`,
      ),
    );
  page.status = 'peeking';
  let found: HeaderPeek;
  try {
    found = await bridge.peekHeaders(file);
  } catch (err) {
    return fail(mine, err);
  }
  if (mine !== generation) return;
  if (found.problem) return fail(mine, new Error(`${name}: ${found.problem}`));
  page.peek = found;
  page.savedMapping = found.reference ? null : recallMapping(store, found.headers);
  // Other schemas: the roles recognised from the headers are proposed, the user confirms.
  if (found.reference) await runForecast(mine, file, undefined);
  else page.status = 'mapping';
}

/** The "try the sample" button: the seed data, fetched from the app's own origin. */
export async function chooseSample(): Promise<void> {
  const mine = ++generation;
  // Gone as soon as the button is pressed, not once the sample has arrived.
  page.notice = null;
  let sample: { blob: Blob; name: string };
  try {
    sample = await loadSample();
  } catch (err) {
    return fail(mine, err);
  }
  if (mine === generation) await chooseFile(sample.blob, sample.name);
}

/** Another sheet of the workbook being mapped: its headers and preview are read again. */
export async function chooseSheet(sheet: string): Promise<void> {
  if (!pending.file || page.status !== 'mapping') return;
  const mine = generation;
  let found: HeaderPeek;
  try {
    found = await bridge.peekHeaders(pending.file, sheet);
  } catch (err) {
    return fail(mine, err);
  }
  if (mine !== generation) return;
  if (found.problem) return fail(mine, new Error(found.problem));
  pending.reading = { ...pending.reading, sheet };
  page.peek = found;
  page.savedMapping = recallMapping(store, found.headers);
}

/** The user confirmed the column roles (and, if they chose one, how to read the dates). */
export async function confirmMapping(
  mapping: ColumnMapping,
  reading: { dateFormat?: DateFormat; measure?: Measure; layout?: Layout } = {},
): Promise<void> {
  if (!pending.file) return;
  const confirmed = { ...mapping };
  pending.reading = {
    ...(pending.reading.sheet === undefined ? {} : { sheet: pending.reading.sheet }),
    ...(reading.dateFormat === undefined ? {} : { dateFormat: reading.dateFormat }),
    ...(reading.measure === undefined ? {} : { measure: reading.measure }),
    ...(reading.layout === undefined ? {} : { layout: reading.layout }),
  };
  pending.mapping = confirmed;
  if (page.peek) rememberMapping(store, page.peek.headers, confirmed);
  page.runs++;
  await runForecast(++generation, pending.file, confirmed);
}

/**
 * Reads the file forecast again from another origin: a YYYY-MM-DD date (the
 * week holding it is the last one read), 'latest' (every row, those beyond
 * the file's bulk too), or null (the file's bulk decides again).
 */
export async function chooseOrigin(asOf: string | null): Promise<void> {
  if (!pending.file || page.status !== 'done') return;
  if (asOf === null) delete pending.asOf;
  else pending.asOf = asOf;
  page.runs++;
  await runForecast(++generation, pending.file, pending.mapping);
}

/** Forgets the mapping remembered for the current file's headers. */
export function forgetSavedMapping(): void {
  if (page.peek) forgetMapping(store, page.peek.headers);
  page.savedMapping = null;
}

/** Back from the mapping form or an error to the start. */
export function startOver(): void {
  bridge.cancel();
  reset();
}

/**
 * A new horizon. A file already forecast is forecast again from the weekly
 * table the worker kept: the file is not read again, and the current result
 * stays on screen until the new one arrives.
 */
export async function setHorizon(weeks: number): Promise<void> {
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_HORIZON) return;
  page.horizon = weeks;
  if (page.status !== 'done' || !shownResult?.forecast) return;
  const mine = ++generation;
  page.runs++;
  page.updating = true;
  try {
    const next = await bridge.reforecast({ horizon: weeks }, () => undefined);
    if (mine !== generation) return;
    page.updating = false;
    show(next);
  } catch (err) {
    if (mine !== generation) return;
    page.updating = false;
    fail(mine, err);
  }
}

/** The worker's part in planning (src/app/plan/): the shown file's fingerprint, a plan scored on a newer file. */
export const planWorker = {
  source: (): Promise<PlanSourceInfo> => bridge.planSource(),
  score: (file: Blob, plan: Plan): Promise<PlanScore> => bridge.scorePlan(file, plan),
};

/** The user is heading for a file (hover, focus, drag): load the model meanwhile. */
export function warmUp(): void {
  bridge.prepare();
}

/**
 * The planner stopped the run: nothing went wrong, so the page goes back to
 * its start with a notice saying what was stopped, not to an error.
 */
export function cancel(): void {
  bridge.cancel();
  backToStart();
}

/** Back at the start, saying which file's run stopped and what to do next. */
function backToStart(): void {
  const name = page.fileName ?? 'your file';
  const stage = page.progress?.stage;
  const what = stage === 'read' || stage === 'parse' ? 'Reading' : 'Forecast';
  reset();
  page.notice = `${what} of ${name} cancelled. Choose a file or try the sample to start again.`;
}

export function showView(v: View): void {
  page.view = v;
}

/** Opens a sku's detail (index into the forecast's skus); null closes it. */
export function selectSku(index: number | null): void {
  const n = shownResult?.forecast?.skus.length ?? 0;
  page.selectedSku = index !== null && index >= 0 && index < n ? index : null;
  if (page.selectedSku !== null) page.view = 'skus';
}

export function selectCategory(category: string | null): void {
  page.selectedCategory = category;
  page.view = 'categories';
}

// The query is replaced whole, never mutated: the sku table watches `app.query` to scroll back to the top.
export function setSearch(text: string): void {
  page.query = { ...page.query, search: text };
}

/** Sorts by `key`; the same key again flips the direction. Numbers start largest first. */
export function sortBy(key: SortKey): void {
  const q = page.query;
  page.query =
    q.sort === key
      ? { ...q, descending: !q.descending }
      : { ...q, sort: key, descending: key === 'total' };
}

export function filterCategory(category: string | null): void {
  page.query = { ...page.query, category };
}

export function filterFlag(flag: RowFlag | null): void {
  page.query = { ...page.query, flag };
}

async function runForecast(
  mine: number,
  file: Blob,
  mapping: ColumnMapping | undefined,
): Promise<void> {
  page.status = 'running';
  page.progress = { stage: 'read', bytesRead: 0, totalBytes: file.size };
  page.fileReads++;
  try {
    const opts = {
      horizon: page.horizon,
      ...(mapping ? { mapping: { ...mapping } } : {}),
      ...(mapping ? pending.reading : {}),
      ...(pending.asOf === undefined ? {} : { asOf: pending.asOf }),
    };
    const next = await bridge.run(file, opts, (p) => {
      if (mine === generation) page.progress = p;
    });
    if (mine !== generation) return;
    page.status = 'done';
    show(next);
  } catch (err) {
    fail(mine, err);
  }
}

function fail(mine: number, err: unknown): void {
  if (mine !== generation) return;
  // The page's own Cancel has moved on already (generation); a cancel it did not
  // ask for (the bridge ended the worker) must not leave it waiting on a run that
  // will never answer.
  if (err instanceof CancelledError) return backToStart();
  page.error = readableMessage(err);
  page.status = 'error';
}

/** A message for the user: the error's own text in the page's words, never its stack. */
export function readableMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  return firstLine === ''
    ? 'Something went wrong while forecasting this file.'
    : pageWording(firstLine);
}

function update(values: Partial<PageState>): void {
  Object.assign(page, values);
}

/** Puts a result on screen (null: none) and tells the listener (test builds only). */
function show(r: RunResult | null): void {
  shownResult = r;
  onResult?.(r);
}
