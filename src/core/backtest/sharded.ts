// crossValidation spread over threads: the classical models' backtest is
// independent per series, so a pool of workers (browser) or worker threads
// (CLI) each take a contiguous shard of the series, while this thread takes
// the last shard and runs the global models (the TCN: one batched inference
// over every series, where its session lives). The merged result is the one
// crossValidation gives on one thread: same windows, same forecasts.

import { LOCAL_MODELS } from '../models/registry';
import type { LocalModel, Model, ModelAlias } from '../models/types';
import {
  addCounts,
  crossValidation,
  type CrossValidationOptions,
  type CrossValidationResult,
  type SeriesBacktest,
} from './cross-validation';
import type { BacktestSeries } from './series';

/** What a shard worker needs: values only (the local models read nothing else). */
export interface ShardRequest {
  series: { id: string; y: Float64Array }[];
  aliases: ModelAlias[];
  opts: Omit<CrossValidationOptions, 'onProgress' | 'chain' | 'pause'>;
}

/** A shard's result, series referred to by their position in the request. */
export interface ShardResult {
  series: (Omit<SeriesBacktest, 'series'> & { index: number })[];
  skipped: { id: string; reason: string }[];
  millis: Partial<Record<ModelAlias, number>>;
  failures: Partial<Record<ModelAlias, number>>;
}

/** Sends a shard to another thread and resolves with its result. */
export type ShardRunner = (req: ShardRequest) => Promise<ShardResult>;

/**
 * A shard's series with their values copied into one buffer: a worker's
 * message copies (or transfers) one array, not one per series nor the whole
 * table a series' values may be a view into.
 */
function packed(slice: readonly BacktestSeries[]): ShardRequest['series'] {
  let n = 0;
  for (const s of slice) n += s.y.length;
  const all = new Float64Array(n);
  let at = 0;
  return slice.map((s) => {
    const y = all.subarray(at, at + s.y.length);
    y.set(s.y);
    at += s.y.length;
    return { id: s.id, y };
  });
}

/**
 * The buffers behind a shard's request or result (a few big ones: the
 * backtest keeps each model's windows in one), for a postMessage transfer list.
 */
export function shardBuffers(msg: ShardRequest | ShardResult): ArrayBuffer[] {
  const found = new Set<ArrayBufferLike>();
  const add = (a: Float64Array | undefined): void => void (a && found.add(a.buffer));
  for (const s of msg.series) {
    if ('y' in s) {
      add(s.y);
      continue;
    }
    add(s.actual);
    for (const p of Object.values(s.points)) add(p);
    for (const b of Object.values(s.forecasts)) {
      add(b?.point);
      add(b?.p10);
      add(b?.p50);
      add(b?.p90);
    }
  }
  return [...found].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** Below this many series a pool costs more (start-up, copies) than it saves. */
export const MIN_SERIES_PER_SHARD = 250;

/** Chunks of the series per thread, at most (and none below MIN_SERIES_PER_SHARD). */
const CHUNKS_PER_THREAD = 8;

/** The worker side: crossValidation of the named library models on one shard. */
export async function runShard(req: ShardRequest): Promise<ShardResult> {
  const models = req.aliases.map((a) => {
    const m = LOCAL_MODELS.find((x) => x.alias === a);
    if (!m) throw new Error(`no local model ${a} in this build`);
    return m;
  });
  const series: BacktestSeries[] = req.series.map((s) => ({
    id: s.id,
    category: '',
    y: s.y,
    weeks: [],
  }));
  const index = new Map(series.map((s, i) => [s, i]));
  const cv = await crossValidation(series, models, req.opts);
  return {
    series: cv.series.map(({ series: s, ...rest }) => ({ ...rest, index: index.get(s) as number })),
    skipped: cv.skipped,
    millis: cv.millis,
    failures: cv.failures,
  };
}

/**
 * crossValidation over `runners.length + 1` shards. Falls back to one thread
 * when there are no runners or too few series to be worth it.
 */
export async function crossValidationSharded(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: CrossValidationOptions,
  runners: readonly ShardRunner[],
): Promise<CrossValidationResult> {
  const locals = models.filter((m): m is LocalModel => m.kind === 'local');
  const globals = models.filter((m) => m.kind === 'global');
  const shards = Math.min(runners.length + 1, Math.floor(series.length / MIN_SERIES_PER_SHARD));
  if (shards < 2 || locals.length === 0) return crossValidation(series, models, opts);

  const { onProgress, ...here } = opts;
  // The fallback chain and the pause are code, which cannot cross to a worker:
  // shards use the default chain, and stop when their pool is stopped.
  const plain = { ...here };
  delete plain.chain;
  delete plain.pause;
  // Only a pooled (global) model fits on it, and those run here.
  delete plain.population;
  // More chunks than threads, taken in turn by whichever thread is free: this
  // thread also feeds the network (backtested at the same time) and the
  // chunks' costs differ, so equal shares would leave a thread idle at the end.
  const chunks = Math.min(
    shards * CHUNKS_PER_THREAD,
    Math.max(shards, Math.floor(series.length / MIN_SERIES_PER_SHARD)),
  );
  const size = Math.ceil(series.length / chunks);
  const slices = Array.from({ length: chunks }, (_, k) =>
    series.slice(k * size, Math.min(series.length, (k + 1) * size)),
  );
  const aliases = locals.map((m) => m.alias);
  // Progress in sku-model backtests, as crossValidation counts it: remote chunks
  // count when they answer, this thread's chunks and the global models as they go.
  const total = series.length * models.length;
  let finished = 0;
  let ownNow = 0;
  let globalNow = 0;
  const report = (): void => onProgress?.(finished + ownNow + globalNow, total);
  const parts: (ShardResult | CrossValidationResult)[] = new Array(chunks);
  let next = 0;
  // Set when this thread's part stops (a cancel): remote threads take no more chunks.
  let stopped = false;
  /** Takes chunks in turn until none is left (or this thread's part has stopped). */
  const takeChunks = async (
    runChunk: (slice: BacktestSeries[]) => Promise<ShardResult | CrossValidationResult>,
  ): Promise<void> => {
    for (let k = next++; k < chunks && !stopped; k = next++) {
      const slice = slices[k] as BacktestSeries[];
      parts[k] = await runChunk(slice);
      finished += slice.length * locals.length;
      report();
    }
  };
  const ownChunk = async (slice: BacktestSeries[]): Promise<CrossValidationResult> => {
    const cv = await crossValidation(slice, locals, {
      ...here,
      onProgress: (d) => {
        ownNow = d;
        report();
      },
    });
    // Counted in `finished` from here on.
    ownNow = 0;
    return cv;
  };
  // Remote loops first, so they work while this thread runs its own chunks.
  const remote = runners
    .slice(0, shards - 1)
    .map((runner) =>
      takeChunks((slice) => runner({ series: packed(slice), aliases, opts: plain })),
    );
  // Awaited below; if this thread's part stops first (a cancelled run), no rejection goes unhandled.
  for (const p of remote) p.catch(() => undefined);
  let global: CrossValidationResult | undefined;
  try {
    await takeChunks(ownChunk);
    global =
      globals.length > 0
        ? await crossValidation(series, globals, {
            ...here,
            onProgress: (d) => {
              globalNow = d;
              report();
            },
          })
        : undefined;
  } catch (e) {
    stopped = true;
    throw e;
  }
  await Promise.all(remote);
  // Series too short for any window count nothing above; the end is the end.
  onProgress?.(total, total);

  // Every part windows a series the same way, so the merge is by series.
  const bySeries = new Map<BacktestSeries, SeriesBacktest>();
  const skipped: CrossValidationResult['skipped'] = [];
  const millis: CrossValidationResult['millis'] = {};
  const failures: CrossValidationResult['failures'] = {};
  parts.forEach((part, k) => {
    const slice = slices[k] as BacktestSeries[];
    for (const sb of part.series) {
      if ('index' in sb) {
        const { index, ...rest } = sb;
        const s = slice[index] as BacktestSeries;
        bySeries.set(s, { ...rest, series: s });
      } else bySeries.set(sb.series, sb);
    }
    skipped.push(...part.skipped);
    addCounts(millis, part.millis);
    addCounts(failures, part.failures);
  });
  if (global) {
    for (const sb of global.series) {
      const target = bySeries.get(sb.series);
      if (!target) continue;
      Object.assign(target.forecasts, sb.forecasts);
      Object.assign(target.points, sb.points);
      Object.assign(target.used, sb.used);
    }
    addCounts(millis, global.millis);
    addCounts(failures, global.failures);
  }
  return {
    h: opts.h,
    aliases: models.map((m) => m.alias),
    series: series.flatMap((s) => {
      const sb = bySeries.get(s);
      return sb ? [sb] : [];
    }),
    // Chunks are contiguous and merged in order, so their skipped lists are too.
    skipped,
    millis,
    failures,
  };
}
