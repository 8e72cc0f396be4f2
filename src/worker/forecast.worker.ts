// The forecast worker: the whole pipeline runs here, off the page's thread.
// The file is streamed chunk by chunk into the Ingestor (never read whole
// into one string), the weekly table is built, and the model runs in
// onnxruntime-web. The page talks to it through comlink (src/app/worker-bridge.ts).
// `cancel()` sets a flag the run checks at each chunk and stage, so the loaded
// model survives a cancel; only a worker too busy to stop within the bridge's
// grace period is terminated (by the bridge, not here).

import { decisionsOf } from '../core/decisions';
import { expose } from 'comlink';
import { Ingestor } from '../core/ingest';
import { ingestOptions, peekFile } from './headers';
import { fileStream } from './gunzip';
import { blobSource, isParquetBlob } from './blob-source';
import { DEFAULT_HORIZON, ForecastError, type ForecastResult } from '../core/forecast';
import { forecastWithLibrary } from '../core/forecast-library';
import { measuredTable } from '../core/ingest/weekly-table';
import { tcnModel } from '../core/models/tcn';
import { tcnTunedModel } from '../core/models/tcn-tuned';
import { crossValidationSharded } from '../core/backtest/sharded';
import { shardRunners, stopShards } from './backtest-pool';
import type { WeeklyTable } from '../core/types';
import { planInputs, type Plan, type PlanInputs } from '../core/plan/plan';
import { completeActuals, FvaError, forecastValueAdded } from '../core/plan/fva';
import { loadModel, type LoadedModel } from './model-cache';
import {
  salesHistory,
  summarizeTable,
  type HeaderPeek,
  type PlanScore,
  type PlanSourceInfo,
  type Progress,
  type ProviderName,
  type ReforecastOptions,
  type RunOptions,
  type RunResult,
  type StageTimings,
} from './protocol';

export type { RunResult } from './protocol';

/** Progress callbacks cross a thread boundary: send at most this often while streaming. */
const PROGRESS_INTERVAL_MS = 100;
/** Bytes of a file's start read to find its header line. */
const PEEK_BYTES = 64 * 1024;

/** Set by `cancel`: the run in progress stops at its next chunk, and the loaded model stays. */
let cancelRequested = false;
/** The run in progress: a new run, or a cancel, waits for it to end. */
let current: Promise<unknown> = Promise.resolve();

/** Thrown inside a run that was cancelled; the page has already moved on. */
class RunCancelled extends Error {
  override readonly name = 'RunCancelled';
}

function stopIfCancelled(): void {
  if (cancelRequested) throw new RunCancelled('cancelled');
}

/** One run at a time: waits for the previous one, and clears the cancel flag for this one. */
function oneAtATime<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    await current;
    cancelRequested = false;
    const p = fn(...args);
    current = p.catch(() => undefined);
    return p;
  };
}

/**
 * Stops the run in progress at its next chunk, stage or backtest pause; resolves
 * once it has ended. The backtest pool's workers are stopped (a shard cannot
 * read a message mid-computation); the loaded model stays.
 */
async function cancel(): Promise<void> {
  cancelRequested = true;
  stopShards(new RunCancelled('cancelled'));
  await current;
}

/** Work between two reads of this worker's messages while backtesting: a cancel waits about this long. */
const PAUSE_EVERY_MS = 50;
let lastPause = 0;

/**
 * The backtest's pause (after every series and network batch): once
 * PAUSE_EVERY_MS of work has passed, a macrotask, so this worker reads its
 * messages (a cancel); then the run stops there if it was asked to. More often
 * would cost the run time.
 */
async function pauseForMessages(): Promise<void> {
  if (performance.now() - lastPause >= PAUSE_EVERY_MS) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    lastPause = performance.now();
  }
  stopIfCancelled();
}

async function run(
  file: Blob,
  opts: RunOptions = {},
  onProgress?: (p: Progress) => void,
): Promise<RunResult> {
  const totalBytes = file.size;
  const report = (stage: Progress['stage'], bytesRead: number): void => {
    onProgress?.({ stage, bytesRead, totalBytes });
  };
  const t0 = performance.now();

  report('read', 0);
  const ingestor = new Ingestor(ingestOptions(opts));
  const bytesRead = await streamInto(ingestor, file, (n) => report('parse', n));
  const t1 = performance.now();

  report('table', bytesRead);
  // What the page charts and forecasts: units or money, as the report's measure says.
  const table = measuredTable(await ingestor.finishAsync());
  const t2 = performance.now();
  last = { table, opts, size: file.size, plan: null };

  const summary = summarizeTable(table);
  const problem = unusableReason(table);
  if (problem !== null) {
    report('done', bytesRead);
    return {
      summary,
      report: table.report,
      decisions: decisionsOf(table),
      forecast: null,
      problem,
      provider: null,
      timings: {
        read_parse_ms: t1 - t0,
        table_ms: t2 - t1,
        model_load_ms: 0,
        inference_ms: 0,
        total_ms: t2 - t0,
      },
    };
  }

  // Loaded after the table, not during parsing: a file that cannot be
  // forecast never pays for the model, and stage timings do not overlap.
  stopIfCancelled();
  report('model', bytesRead);
  const { model, waitMs } = await loadModel(opts.preferred ?? 'webgpu');
  stopIfCancelled();
  const t3 = performance.now();
  /** The stage timings of a run that got as far as the model, ending at `end`. */
  const timings = (end: number): StageTimings => ({
    read_parse_ms: t1 - t0,
    table_ms: t2 - t1,
    model_load_ms: waitMs,
    model_session_ms: model.sessionMs,
    inference_ms: end - t3,
    total_ms: end - t0,
  });

  report('forecast', bytesRead);
  let forecast: ForecastResult;
  try {
    forecast = await makeForecast(table, model, opts, onProgress);
  } catch (err) {
    // A ForecastError is the data's fault or choice (no complete week, numbers too
    // large): shown with the summary. Anything else is the app's and fails the run.
    if (!(err instanceof ForecastError)) throw err;
    report('done', bytesRead);
    return {
      summary,
      report: table.report,
      decisions: decisionsOf(table),
      forecast: null,
      problem: err.message,
      provider: null,
      timings: timings(performance.now()),
    };
  }
  const t4 = performance.now();
  forecast.metadata.provider = model.provider;
  const fallbackReason = model.fallbackReason;
  report('done', bytesRead);

  return {
    summary,
    report: table.report,
    decisions: decisionsOf(table),
    forecast,
    provider: model.provider,
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
    threads: model.threads,
    timings: timings(t4),
    model: { name: model.descriptor.name, version: model.descriptor.version },
    history: salesHistory(table),
  };
}

/**
 * The file pushed chunk by chunk into `ingestor` (never read whole), stopping
 * at a cancel; `onBytes` hears the bytes read at most every
 * PROGRESS_INTERVAL_MS. Returns the bytes read.
 */
async function streamInto(
  ingestor: Ingestor,
  file: Blob,
  onBytes: (bytesRead: number) => void,
): Promise<number> {
  if (await isParquetBlob(file)) {
    // Read at the offsets its footer names, a row group at a time: never held whole.
    let done = 0;
    await ingestor.readParquet(blobSource(file), {
      onRowGroup: (n) => {
        done = n;
        onBytes(n);
      },
      stop: () => cancelRequested,
    });
    stopIfCancelled();
    return done;
  }
  const reader = (await fileStream(file)).getReader();
  let bytesRead = 0;
  let lastSent = performance.now();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (cancelRequested) {
      await reader.cancel();
      stopIfCancelled();
    }
    ingestor.push(value);
    bytesRead += value.byteLength;
    const now = performance.now();
    if (now - lastSent >= PROGRESS_INTERVAL_MS) {
      lastSent = now;
      onBytes(bytesRead);
    }
  }
  return bytesRead;
}

/** The one place forecasts are made, for a first run and a re-forecast alike. */
function makeForecast(
  table: WeeklyTable,
  model: LoadedModel,
  opts: RunOptions,
  onProgress?: (p: Progress) => void,
): Promise<ForecastResult> {
  const horizon = opts.horizon ?? DEFAULT_HORIZON;
  // The TCN is a candidate of every run: each horizon block leaves it out where it cannot reach,
  // so weeks 1–4 are the same whatever the horizon.
  const tcn = tcnModel(model.descriptor, model.run, {
    age: table.report.hasAge,
    gender: table.report.hasGender,
    quantity: table.report.hasQuantity,
  });
  // tcn_tuned (its head refitted on this file): one of auto's candidates, or asked for by name
  // (candidatesFor takes only the model named).
  const tuned =
    model.hiddenWidth > 0
      ? tcnTunedModel(model.descriptor, model.runHidden, model.hiddenWidth)
      : undefined;
  const runners = shardRunners();
  return forecastWithLibrary(table, {
    model: opts.model ?? 'auto',
    horizon,
    tcn,
    ...(tuned ? { tuned } : {}),
    crossValidate: (series, models, cvOpts) =>
      crossValidationSharded(series, models, { ...cvOpts, pause: pauseForMessages }, runners),
    ...(onProgress
      ? {
          onProgress: (done: number, total: number) => {
            const skus = table.series.length;
            onProgress({
              stage: 'forecast',
              bytesRead: 0,
              totalBytes: 0,
              backtest: { skus: Math.min(skus, Math.round((done / total) * skus)), total: skus },
            });
          },
        }
      : {}),
  });
}

/**
 * The last file's weekly table, options and size, so a new horizon needs no
 * second read of the file; `plan` is what a plan of it needs, made on first
 * request (hashing the table takes a while at the table cap).
 */
let last: { table: WeeklyTable; opts: RunOptions; size: number; plan: PlanInputs | null } | null =
  null;

/**
 * Forecasts the last file's weekly table again with new options (the horizon):
 * no file is read, and the model is already loaded. Same result shape as `run`,
 * with zero read and table times.
 */
async function reforecast(
  changes: ReforecastOptions,
  onProgress?: (p: Progress) => void,
): Promise<RunResult> {
  const kept = last;
  if (!kept) throw new Error('there is no file to forecast again: choose a file first');
  const { table } = kept;
  const opts: RunOptions = { ...kept.opts, horizon: changes.horizon };
  const t0 = performance.now();
  onProgress?.({ stage: 'model', bytesRead: 0, totalBytes: 0 });
  const { model, waitMs } = await loadModel(opts.preferred ?? 'webgpu');
  onProgress?.({ stage: 'forecast', bytesRead: 0, totalBytes: 0 });
  const t1 = performance.now();
  const base = {
    summary: summarizeTable(table),
    report: table.report,
    decisions: decisionsOf(table),
  };
  const timings = (end: number): StageTimings => ({
    read_parse_ms: 0,
    table_ms: 0,
    model_load_ms: waitMs,
    model_session_ms: model.sessionMs,
    inference_ms: end - t1,
    total_ms: end - t0,
  });
  let forecast: ForecastResult;
  try {
    forecast = await makeForecast(table, model, opts, onProgress);
  } catch (err) {
    if (!(err instanceof ForecastError)) throw err;
    onProgress?.({ stage: 'done', bytesRead: 0, totalBytes: 0 });
    const t = performance.now();
    return { ...base, forecast: null, problem: err.message, provider: null, timings: timings(t) };
  }
  const t2 = performance.now();
  forecast.metadata.provider = model.provider;
  const fallbackReason = model.fallbackReason;
  last = { ...kept, opts };
  onProgress?.({ stage: 'done', bytesRead: 0, totalBytes: 0 });
  return {
    ...base,
    forecast,
    provider: model.provider,
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
    threads: model.threads,
    timings: timings(t2),
    model: { name: model.descriptor.name, version: model.descriptor.version },
    history: salesHistory(table),
  };
}

/** What a plan of the last file needs: its table's hash, each sku's last complete week, the file's size. */
async function planSource(): Promise<PlanSourceInfo> {
  await current;
  if (!last) throw new Error('there is no file to plan from: choose a file first');
  last.plan ??= planInputs(last.table);
  return { inputs: last.plan, size: last.size };
}

/**
 * How `plan` did on a newer file (forecast value added): the file is read as
 * the last one was (its column roles, sheet, date order, layout) in the plan's
 * measure, and never forecast; the last file's table stays as it was.
 */
async function scorePlan(file: Blob, plan: Plan): Promise<PlanScore> {
  const reading: RunOptions = last
    ? {
        ...(last.opts.mapping && { mapping: last.opts.mapping }),
        ...(last.opts.sheet !== undefined && { sheet: last.opts.sheet }),
        ...(last.opts.dateFormat && { dateFormat: last.opts.dateFormat }),
        ...(last.opts.layout && { layout: last.opts.layout }),
      }
    : {};
  const ingestor = new Ingestor(ingestOptions({ ...reading, measure: plan.run.measure }));
  await streamInto(ingestor, file, () => undefined);
  const table = measuredTable(await ingestor.finishAsync());
  const unusable = unusableReason(table);
  if (unusable !== null) return { problem: unusable };
  const notes: string[] = [];
  const measure = table.report.measure ?? 'amount';
  if (measure !== plan.run.measure) {
    notes.push(`The plan counts ${plan.run.measure}; this file is read as ${measure}.`);
  }
  try {
    const report = forecastValueAdded(plan, completeActuals(table));
    const n = report.skus_not_in_file.length;
    if (n > 0)
      notes.push(`${n} SKU${n === 1 ? '' : 's'} of the plan not in this file count as 0 sold.`);
    return { report, notes };
  } catch (e) {
    if (e instanceof FvaError) return { problem: e.message };
    throw e;
  }
}

/** Why a table cannot be forecast at all, worded for the user; null when it can. */
function unusableReason(table: WeeklyTable): string | null {
  if (table.series.length > 0) return null;
  const fileLevel = table.report.issues.find((i) => i.severity === 'error' && i.row === undefined);
  if (fileLevel) return fileLevel.message;
  if (table.report.rowsRead === 0) return 'the file has no data rows';
  return `none of the ${table.report.rowsRead} rows could be used; the issues found are listed with the summary`;
}

/** Header names of a file and the roles recognised from them, for the column mapping form. */
async function peekHeaders(file: Blob, sheet?: string | number): Promise<HeaderPeek> {
  return peekFile(file, PEEK_BYTES, sheet);
}

/**
 * Loads the model ahead of a run (the page calls it when the user heads for
 * the file picker), so the seconds of WASM start-up pass while they choose.
 */
async function prepare(preferred: ProviderName = 'webgpu'): Promise<void> {
  await loadModel(preferred);
}

const api = {
  run: oneAtATime(run),
  reforecast: oneAtATime(reforecast),
  peekHeaders,
  prepare,
  cancel,
  planSource,
  scorePlan: oneAtATime(scorePlan),
};
export type WorkerApi = typeof api;

expose(api);
