// One source of truth for the page (mermaid-live-editor style): the values
// are private runes, read through the `app` getters, and changed only by the
// functions exported below. Components read `app`; they never write it.
// Tests in tests/browser read the same values from data-* attributes on the
// element with TEST_IDS.app; a production build has no window hook.

import { DEFAULT_HORIZON, MAX_HORIZON } from '../core/forecast';
import type { ColumnMapping, DateFormat } from '../core/types';
import type {
  HeaderPeek,
  Progress,
  ReforecastOptions,
  RunOptions,
  RunResult,
} from '../worker/protocol';
import { DEFAULT_QUERY, type RowFlag, type SortKey, type TableQuery } from './results';
import { CancelledError } from './cancelled';
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
}

let status = $state<Status>('idle');
let fileName = $state<string | null>(null);
let progress = $state.raw<Progress | null>(null);
let peek = $state.raw<HeaderPeek | null>(null);
/** The mapping confirmed before for files with these headers, if any. */
let savedMapping = $state.raw<ColumnMapping | null>(null);
// Replaced whole, never mutated: no deep proxy over thousands of forecast rows.
let result = $state.raw<RunResult | null>(null);
let error = $state<string | null>(null);
let horizon = $state(DEFAULT_HORIZON);
/** Runs started (files chosen, mappings confirmed, horizons changed): tests wait for it to grow. */
let runs = $state(0);
/** Files read by the worker: a horizon change must not add one. */
let fileReads = $state(0);
/** A new horizon is being forecast while the last result stays on screen. */
let updating = $state(false);
let view = $state<View>('overview');
/** Index into result.forecast.skus of the sku shown in detail, or null. */
let selectedSku = $state<number | null>(null);
/** The category shown in the category view; null = grand total. */
let selectedCategory = $state<string | null>(null);
let query = $state.raw<TableQuery>(DEFAULT_QUERY);

export const app = {
  get status(): Status {
    return status;
  },
  get fileName(): string | null {
    return fileName;
  },
  get progress(): Progress | null {
    return progress;
  },
  get peek(): HeaderPeek | null {
    return peek;
  },
  get savedMapping(): ColumnMapping | null {
    return savedMapping;
  },
  get result(): RunResult | null {
    return result;
  },
  get error(): string | null {
    return error;
  },
  get horizon(): number {
    return horizon;
  },
  /** Largest horizon offered: the model library's, whichever result is shown. */
  get maxHorizon(): number {
    return MAX_HORIZON;
  },
  get runs(): number {
    return runs;
  },
  get fileReads(): number {
    return fileReads;
  },
  get updating(): boolean {
    return updating;
  },
  get busy(): boolean {
    return status === 'peeking' || status === 'running';
  },
  get view(): View {
    return view;
  },
  get selectedSku(): number | null {
    return selectedSku;
  },
  get selectedCategory(): string | null {
    return selectedCategory;
  },
  get query(): TableQuery {
    return query;
  },
};

/** What the state needs from outside: the worker, the sample, a listener (test builds). */
export interface StateDeps {
  bridge: Bridge;
  loadSample: () => Promise<{ blob: Blob; name: string }>;
  /** Called with every result shown (main.ts sets it in test builds only). */
  onResult?: (r: RunResult | null) => void;
  /** Where confirmed mappings are remembered; none when absent. */
  store?: KeyValueStore | null;
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
};
let loadSample: StateDeps['loadSample'] = unconfigured;
let onResult: StateDeps['onResult'];
let store: KeyValueStore | null = null;
let pendingFile: Blob | null = null;
/** The mapping the user confirmed for `pendingFile`. */
let pendingMapping: ColumnMapping | undefined;
/** How to read `pendingFile` besides its columns: a workbook's sheet, a date reading. */
let pendingReading: { sheet?: string; dateFormat?: DateFormat } = {};
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
  status = 'idle';
  fileName = null;
  progress = null;
  peek = null;
  savedMapping = null;
  result = null;
  error = null;
  horizon = DEFAULT_HORIZON;
  updating = false;
  pendingFile = null;
  pendingMapping = undefined;
  pendingReading = {};
  resetViews();
}

function resetViews(): void {
  view = 'overview';
  selectedSku = null;
  selectedCategory = null;
  query = DEFAULT_QUERY;
}

/** A file from the picker, the drop zone or the sample button. */
export async function chooseFile(file: Blob, name: string): Promise<void> {
  const mine = ++generation;
  pendingFile = file;
  pendingMapping = undefined;
  pendingReading = {};
  fileName = name;
  result = null;
  error = null;
  peek = null;
  savedMapping = null;
  progress = null;
  updating = false;
  resetViews();
  exposeForTests();
  runs++;
  if (file.size === 0)
    return fail(
      mine,
      new Error(
        `${name} is empty: there is nothing to forecast. Choose a file with a header row and sales rows.`,
      ),
    );
  status = 'peeking';
  let found: HeaderPeek;
  try {
    found = await bridge.peekHeaders(file);
  } catch (err) {
    return fail(mine, err);
  }
  if (mine !== generation) return;
  if (found.problem) return fail(mine, new Error(`${name}: ${found.problem}`));
  peek = found;
  savedMapping = found.reference ? null : recallMapping(store, found.headers);
  // Other schemas: the roles recognised from the headers are proposed, the user confirms.
  if (found.reference) await runForecast(mine, file, undefined);
  else status = 'mapping';
}

/** The "try the sample" button: the seed data, fetched from the app's own origin. */
export async function chooseSample(): Promise<void> {
  const mine = ++generation;
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
  if (!pendingFile || status !== 'mapping') return;
  const mine = generation;
  let found: HeaderPeek;
  try {
    found = await bridge.peekHeaders(pendingFile, sheet);
  } catch (err) {
    return fail(mine, err);
  }
  if (mine !== generation) return;
  if (found.problem) return fail(mine, new Error(found.problem));
  pendingReading = { ...pendingReading, sheet };
  peek = found;
  savedMapping = recallMapping(store, found.headers);
}

/** The user confirmed the column roles (and, if they chose one, how to read the dates). */
export async function confirmMapping(
  mapping: ColumnMapping,
  reading: { dateFormat?: DateFormat } = {},
): Promise<void> {
  if (!pendingFile) return;
  pendingMapping = { ...mapping };
  pendingReading = {
    ...(pendingReading.sheet === undefined ? {} : { sheet: pendingReading.sheet }),
    ...(reading.dateFormat === undefined ? {} : { dateFormat: reading.dateFormat }),
  };
  if (peek) rememberMapping(store, peek.headers, pendingMapping);
  runs++;
  await runForecast(++generation, pendingFile, pendingMapping);
}

/** Forgets the mapping remembered for the current file's headers. */
export function forgetSavedMapping(): void {
  if (peek) forgetMapping(store, peek.headers);
  savedMapping = null;
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
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > app.maxHorizon) return;
  horizon = weeks;
  if (status !== 'done' || !result?.forecast) return;
  const mine = ++generation;
  runs++;
  updating = true;
  try {
    const next = await bridge.reforecast({ horizon: weeks }, () => undefined);
    if (mine !== generation) return;
    result = next;
    updating = false;
    exposeForTests();
  } catch (err) {
    if (mine !== generation) return;
    updating = false;
    fail(mine, err);
  }
}

/** The user is heading for a file (hover, focus, drag): load the model meanwhile. */
export function warmUp(): void {
  bridge.prepare();
}

export function cancel(): void {
  generation++;
  bridge.cancel();
  progress = null;
  updating = false;
  error = 'Cancelled.';
  status = 'error';
}

export function showView(v: View): void {
  view = v;
}

/** Opens a sku's detail (index into the forecast's skus); null closes it. */
export function selectSku(index: number | null): void {
  const n = result?.forecast?.skus.length ?? 0;
  selectedSku = index !== null && index >= 0 && index < n ? index : null;
  if (selectedSku !== null) view = 'skus';
}

export function selectCategory(category: string | null): void {
  selectedCategory = category;
  view = 'categories';
}

export function setSearch(text: string): void {
  query = { ...query, search: text };
}

/** Sorts by `key`; the same key again flips the direction. Numbers start largest first. */
export function sortBy(key: SortKey): void {
  if (query.sort === key) query = { ...query, descending: !query.descending };
  else query = { ...query, sort: key, descending: key === 'total' };
}

export function filterCategory(category: string | null): void {
  query = { ...query, category };
}

export function filterFlag(flag: RowFlag | null): void {
  query = { ...query, flag };
}

async function runForecast(
  mine: number,
  file: Blob,
  mapping: ColumnMapping | undefined,
): Promise<void> {
  status = 'running';
  progress = { stage: 'read', bytesRead: 0, totalBytes: file.size };
  fileReads++;
  try {
    const opts = {
      horizon,
      ...(mapping ? { mapping: { ...mapping } } : {}),
      ...(mapping ? pendingReading : {}),
    };
    const next = await bridge.run(file, opts, (p) => {
      if (mine === generation) progress = p;
    });
    if (mine !== generation) return;
    result = next;
    status = 'done';
    exposeForTests();
  } catch (err) {
    fail(mine, err);
  }
}

function fail(mine: number, err: unknown): void {
  if (mine !== generation || err instanceof CancelledError) return;
  error = readableMessage(err);
  status = 'error';
}

/** A message for the user: the error's own text, never its stack. */
export function readableMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  return firstLine === '' ? 'Something went wrong while forecasting this file.' : firstLine;
}

/** Tells the listener (test builds only) what is on screen now. */
function exposeForTests(): void {
  onResult?.(result);
}
