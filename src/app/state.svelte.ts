// One source of truth for the page: what the user gave, how far the worker
// is, and what came back. Components read `app`; only the functions below
// change it.

import { DEFAULT_HORIZON } from '../core/forecast';
import type { ColumnMapping } from '../core/types';
import type { RunResult } from '../worker/protocol';
import type { HeaderPeek, Progress } from '../worker/protocol';
import { loadSample } from './sample';
import { CancelledError, ForecastBridge } from './worker-bridge';

export type Status = 'idle' | 'peeking' | 'mapping' | 'running' | 'done' | 'error';

class AppState {
  status: Status = $state('idle');
  fileName: string | null = $state(null);
  progress: Progress | null = $state.raw(null);
  peek: HeaderPeek | null = $state.raw(null);
  // Replaced whole, never mutated: no deep proxy over thousands of forecast rows.
  result: RunResult | null = $state.raw(null);
  error: string | null = $state(null);
  /** Weeks to forecast. */
  horizon: number = $state(DEFAULT_HORIZON);
}

export const app = new AppState();

/** Test hook: the last result as the worker returned it, read by tests/browser. */
interface SkucastHook {
  /** Runs started so far (files chosen, mappings confirmed); a test waits for it to grow. */
  runs: number;
  status: Status;
  lastResult: RunResult | null;
  lastError: string | null;
}
declare global {
  interface Window {
    __skucast?: SkucastHook;
  }
}
const hook: SkucastHook = { runs: 0, status: 'idle', lastResult: null, lastError: null };
window.__skucast = hook;

const bridge = new ForecastBridge();
let pendingFile: Blob | null = null;
/** The mapping the user confirmed for `pendingFile`, reused when only the horizon changes. */
let pendingMapping: ColumnMapping | undefined;
/** Each start bumps it, so a late answer from a cancelled run cannot land. */
let generation = 0;

function setStatus(status: Status): void {
  app.status = status;
  hook.status = status;
}

/** A file from the picker, the drop zone or the sample button. */
export async function chooseFile(file: Blob, name: string): Promise<void> {
  const mine = ++generation;
  pendingFile = file;
  pendingMapping = undefined;
  app.fileName = name;
  app.result = null;
  app.error = null;
  app.peek = null;
  app.progress = null;
  hook.lastResult = null;
  hook.lastError = null;
  hook.runs++;
  if (file.size === 0)
    return fail(mine, new Error(`${name} is empty: there is nothing to forecast`));
  setStatus('peeking');
  let peek: HeaderPeek;
  try {
    peek = await bridge.peekHeaders(file);
  } catch (err) {
    return fail(mine, err);
  }
  if (mine !== generation) return;
  if (peek.problem) return fail(mine, new Error(`${name}: ${peek.problem}`));
  app.peek = peek;
  // Other schemas: the roles recognised from the headers are proposed, the user confirms.
  if (peek.reference) await runForecast(mine, file, undefined);
  else setStatus('mapping');
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

/** The user confirmed the column roles. */
export async function confirmMapping(mapping: ColumnMapping): Promise<void> {
  if (!pendingFile) return;
  pendingMapping = { ...mapping };
  hook.runs++;
  await runForecast(++generation, pendingFile, pendingMapping);
}

/** A new horizon; a file already forecast is forecast again (the model is loaded, so it is quick). */
export async function setHorizon(weeks: number): Promise<void> {
  app.horizon = weeks;
  if (!pendingFile || app.status !== 'done') return;
  hook.runs++;
  await runForecast(++generation, pendingFile, pendingMapping);
}

/** The user is heading for a file (hover, focus, drag): load the model meanwhile. */
export function warmUp(): void {
  bridge.prepare();
}

export function cancel(): void {
  generation++;
  bridge.cancel();
  app.progress = null;
  app.error = 'Cancelled.';
  hook.lastError = app.error;
  setStatus('error');
}

async function runForecast(
  mine: number,
  file: Blob,
  mapping: ColumnMapping | undefined,
): Promise<void> {
  setStatus('running');
  app.progress = { stage: 'read', bytesRead: 0, totalBytes: file.size };
  try {
    const opts = { horizon: app.horizon, ...(mapping ? { mapping: { ...mapping } } : {}) };
    const result = await bridge.run(file, opts, (p) => {
      if (mine === generation) app.progress = p;
    });
    if (mine !== generation) return;
    app.result = result;
    hook.lastResult = result;
    setStatus('done');
  } catch (err) {
    fail(mine, err);
  }
}

function fail(mine: number, err: unknown): void {
  if (mine !== generation || err instanceof CancelledError) return;
  app.error = readableMessage(err);
  hook.lastError = app.error;
  setStatus('error');
}

/** A message for the user: the error's own text, never its stack. */
function readableMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  return firstLine === '' ? 'Something went wrong while forecasting this file.' : firstLine;
}
