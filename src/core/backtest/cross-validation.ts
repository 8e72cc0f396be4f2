// Backtesting as one function, like statsforecast's cross_validation: for each
// series, nWindows forecast origins (cutoffs) stepSize weeks apart on an
// expanding window, the last window's targets ending at the series' last
// complete week; every model forecasts h weeks from every cutoff. Targets are
// complete weeks only (a series holds nothing else). `refit: false` fits each
// local model once, on the first window's history, and rolls its state
// forward over the longer histories of later windows (LocalModel.predict);
// `refit: true` fits at every cutoff. A series a model cannot take at a cutoff
// (too short) goes down the fallback chain, and the alias that forecast it is
// recorded; a series too short for any window is reported by id. Every window
// runs through forecastOne (models/run-model.ts), where every model runs.
//
// Memory: one buffer per model (and one for the targets) holds every series'
// windows back to back, and each series gets views into it, so a backtest of
// 45,000 skus is a few big arrays rather than hundreds of thousands of small
// ones; `pointsOnly` keeps the point forecasts and not the bands (what `auto`
// scores and calibrates on). The global models (the TCN) forecast in batches
// of GLOBAL_BATCH windows, so their inputs never exist for every series at once.

import { now } from '../clock';
import { weeksAfter } from '../calendar';
import { FALLBACK_CHAIN } from '../models/registry';
import { accepts, forecastOne, type Fitted, type OneForecast } from '../models/run-model';
import {
  DEFAULT_SETTINGS,
  type BatchFit,
  type Forecast,
  type GlobalModel,
  type LocalModel,
  type Model,
  type ModelAlias,
  type ModelOutput,
  type ModelSettings,
  type SeriesInput,
  zeroForecast,
} from '../models/types';
import { batchInputs, type BacktestSeries } from './series';

/** Series between two progress reports inside one model's backtest. */
const PROGRESS_EVERY = 250;

/**
 * Windows per predictBatch call of a global model. The TCN's forecasts do not
 * depend on how its windows are batched (onnxruntime's WASM kernels compute
 * each window alone: the same bits in chunks of 256, 1000 or 2048), so the
 * batch is small: its inputs and outputs (a few objects a window) are gone
 * before the garbage collector's young generation would promote them, where
 * batches of 16,384 left about 300 MB of old garbage between major collections
 * at the table cap.
 */
export const GLOBAL_BATCH = 256;

/**
 * A pooled model is refitted at every origin of a backtest: keeping
 * tcn_tuned's fit for 4 weeks of origins made a third of the fits, but its
 * staler backtest cost auto its store-item gain on validation windows
 * (0.0447 -> 0.0451; models/MODEL_CARD.md, "Tuned head").
 */
export const POOLED_FIT_WEEKS = 1;

export interface CrossValidationOptions {
  /** Weeks forecast from each cutoff. */
  h: number;
  /** Forecast origins per series. */
  nWindows: number;
  /** Weeks between consecutive cutoffs (default 1). */
  stepSize?: number;
  /** Backtest at the origins before the nWindows ones instead (earlierCutoffs). */
  earlier?: EarlierOrigins;
  /** Fit at every cutoff (default) or once on the first window and roll forward. */
  refit?: boolean;
  settings?: ModelSettings;
  chain?: readonly LocalModel[];
  /**
   * Also forecast from the end of each series (a window with no targets): how
   * `auto` gets its final forecasts from the same fitted parameters.
   */
  future?: boolean;
  /** With `refit: false`, still fit afresh on the whole history for the future window. */
  refitFuture?: boolean;
  /**
   * Keep only the point forecasts (SeriesBacktest.points; `forecasts` stays
   * empty): a quarter of the memory, and all `auto` needs.
   */
  pointsOnly?: boolean;
  /**
   * Weeks a pooled model's fit (GlobalModel.fitBatch) serves in a backtest:
   * fitted at one origin, it also forecasts from the origins less than this
   * many weeks after it (it has seen only weeks before them); the forecast
   * from the end of the series is always fitted afresh. Default
   * POOLED_FIT_WEEKS; 1 refits at every origin.
   */
  pooledFitWeeks?: number;
  /**
   * The series a pooled model fits on (default: the series backtested). A
   * shard of a batch job gives the whole table's, so its fit at each origin
   * is the fit one process makes of every sku (GlobalModel.fitBatch).
   */
  population?: readonly BacktestSeries[];
  /**
   * Progress in sku-model backtests: `done` of `total` (= series with a window ×
   * models), reported every few hundred series and after each model.
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Awaited after each series of a local model and each batch of a global
   * one: a worker may yield there (best every few milliseconds, by its own
   * clock) to read its messages (a cancel), and throw to stop the backtest.
   */
  pause?: () => Promise<void>;
}

export interface SeriesBacktest {
  series: BacktestSeries;
  /** History length (values of y) at each window's cutoff, ascending; the future window last. */
  cutoffs: number[];
  /** Targets [window][step]; NaN in the future window. */
  actual: Float64Array;
  /** Each model's forecasts [window][step]; empty with `pointsOnly`. */
  forecasts: Partial<Record<ModelAlias, Forecast>>;
  /** Each model's point forecasts [window][step] (forecasts[alias].point when bands are kept). */
  points: Partial<Record<ModelAlias, Float64Array>>;
  /** Per alias and window, the model that made the forecast when it was not the alias itself. */
  used: Partial<Record<ModelAlias, (ModelAlias | undefined)[]>>;
}

export interface CrossValidationResult {
  h: number;
  aliases: ModelAlias[];
  series: SeriesBacktest[];
  /** Series with no window (fewer than h + 1 complete weeks). */
  skipped: { id: string; reason: string }[];
  /** Milliseconds per model, fitting and forecasting all windows of all series. */
  millis: Partial<Record<ModelAlias, number>>;
  /** Forecasts a model threw on or returned non-finite, which the fallback chain took. */
  failures: Partial<Record<ModelAlias, number>>;
}

export interface CvValue {
  point: number;
  p10: number;
  p50: number;
  p90: number;
  /** The fallback that made it, when not the model itself. */
  model?: ModelAlias;
}

/** One row of statsforecast's cross_validation frame: a series, a cutoff, a target week. */
export interface CvRow {
  sku: string;
  /** Monday of the last week of history. */
  cutoff: string;
  week_start: string;
  /** Steps ahead, 1..h. */
  step: number;
  y: number;
  forecasts: Partial<Record<ModelAlias, CvValue>>;
}

/**
 * Origins before a backtest's nWindows ones, `step` weeks apart over `weeks`
 * more weeks, each with at least `minHistory` weeks before it: errors from
 * more of the series' past moves (a season, say) at a fraction of weekly
 * origins' cost, and none from a history too short to be like today's.
 */
export interface EarlierOrigins {
  weeks: number;
  step: number;
  minHistory: number;
}

/** The origins (ascending) before a series' regular ones (`regular`, ascending; none without). */
export function earlierCutoffs(regular: readonly number[], e: EarlierOrigins): number[] {
  const first = regular[0];
  if (first === undefined) return [];
  const out: number[] = [];
  const floor = Math.max(1, e.minHistory, first - e.weeks);
  for (let c = first - e.step; c >= floor; c -= e.step) out.push(c);
  return out.reverse();
}

/**
 * Each series' `early` windows (of these aliases' points) before its windows
 * in `bt`, in bt's order: one backtest over both sets of origins. A series
 * with no early window is bt's as it is, with only these aliases' points.
 */
export function joinBacktests(
  early: readonly SeriesBacktest[],
  bt: readonly SeriesBacktest[],
  aliases: readonly ModelAlias[],
): SeriesBacktest[] {
  const before = new Map(early.map((sb) => [sb.series, sb]));
  return bt.map((sb) => {
    // Joined only where every alias bt has was backtested there too: windows and points stay aligned.
    const found = before.get(sb.series);
    const e = aliases.every((a) => !sb.points[a] || found?.points[a]) ? found : undefined;
    const we = e ? e.cutoffs.length : 0;
    const w = sb.cutoffs.length;
    const join = (a: Float64Array | undefined, b: Float64Array): Float64Array => {
      if (!a || we === 0) return b;
      const out = new Float64Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    };
    const points: SeriesBacktest['points'] = {};
    const used: SeriesBacktest['used'] = {};
    for (const alias of aliases) {
      const p = sb.points[alias];
      if (!p) continue;
      points[alias] = join(e?.points[alias], p);
      const u = e?.used[alias] ?? new Array<ModelAlias | undefined>(we);
      used[alias] = [
        ...u.slice(0, we),
        ...(sb.used[alias] ?? new Array<ModelAlias | undefined>(w)),
      ];
    }
    return {
      series: sb.series,
      cutoffs: [...(e?.cutoffs ?? []), ...sb.cutoffs],
      actual: join(e?.actual, sb.actual),
      forecasts: {},
      points,
      used,
    };
  });
}

/** Cutoffs (history lengths) of a series of n values; those with no history are dropped. */
export function windowCutoffs(n: number, h: number, nWindows: number, stepSize: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < nWindows; i++) {
    const c = n - h - (nWindows - 1 - i) * stepSize;
    if (c >= 1) out.push(c);
  }
  return out;
}

export async function crossValidation(
  series: readonly BacktestSeries[],
  models: readonly Model[],
  opts: CrossValidationOptions,
): Promise<CrossValidationResult> {
  const plan = planOf(opts);
  const layout = layOut(series, plan);
  const { out } = layout;
  const millis: Partial<Record<ModelAlias, number>> = {};
  const failures: Partial<Record<ModelAlias, number>> = {};
  let done = 0;
  const total = out.length * models.length;
  const riders = ridersOf(models);
  const carried = new Set<Model>(riders.values());
  const sinkOf = (alias: ModelAlias): ModelSink =>
    new ModelSink(layout, alias, plan.h, plan.pointsOnly);
  for (const model of models) {
    if (carried.has(model)) continue;
    const t0 = now();
    const sink = sinkOf(model.alias);
    const carriedModel = riders.get(model);
    const rider = carriedModel && { model: carriedModel, sink: sinkOf(carriedModel.alias) };
    if (model.kind === 'global') await backtestGlobal(model, layout, sink, plan, rider);
    else {
      await backtestLocal(model, layout, sink, plan, (k) => opts.onProgress?.(done + k, total));
    }
    millis[model.alias] = (millis[model.alias] ?? 0) + (now() - t0);
    if (sink.failed > 0) failures[model.alias] = sink.failed;
    done += out.length;
    if (rider) {
      // Its time is in its carrier's.
      millis[rider.model.alias] ??= 0;
      if (rider.sink.failed > 0) failures[rider.model.alias] = rider.sink.failed;
      done += out.length;
    }
    opts.onProgress?.(done, total);
  }
  const aliases = models.map((m) => m.alias);
  return { h: plan.h, aliases, series: out, skipped: layout.skipped, millis, failures };
}

/**
 * The models another of the run carries (GlobalModel.carries), by their
 * carrier: only a global model whose forecasts do not depend on the batch and
 * that takes exactly the series its carrier takes (so a window either both
 * forecast or both leave to the fallback chain).
 */
function ridersOf(models: readonly Model[]): Map<Model, GlobalModel> {
  const riders = new Map<Model, GlobalModel>();
  for (const carrier of models) {
    if (carrier.kind !== 'global' || !carrier.carries) continue;
    const rider = models.find((m) => m.alias === carrier.carries);
    if (
      rider?.kind === 'global' &&
      !rider.pooled &&
      rider.minHistory === carrier.minHistory &&
      rider.maxHorizon === carrier.maxHorizon &&
      ![...riders.values()].includes(rider)
    )
      riders.set(carrier, rider);
  }
  return riders;
}

/** The options of a run, checked, with their defaults. */
interface Plan {
  h: number;
  nWindows: number;
  stepSize: number;
  refit: boolean;
  future: boolean;
  refitFuture: boolean;
  settings: ModelSettings;
  chain: readonly LocalModel[];
  pooledFitWeeks: number;
  earlier?: EarlierOrigins;
  population?: readonly BacktestSeries[];
  pause?: () => Promise<void>;
  /** The sinks keep points alone: no band is made (CrossValidationOptions.pointsOnly). */
  pointsOnly: boolean;
}

function planOf(opts: CrossValidationOptions): Plan {
  const { h, nWindows } = opts;
  const stepSize = opts.stepSize ?? 1;
  if (!Number.isInteger(h) || h < 1) throw new Error(`h must be a positive whole number, got ${h}`);
  if (!Number.isInteger(nWindows) || nWindows < 0)
    throw new Error(`nWindows must be a whole number, got ${nWindows}`);
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new Error(`stepSize must be a positive whole number, got ${stepSize}`);
  const fitWeeks = opts.pooledFitWeeks ?? POOLED_FIT_WEEKS;
  if (!Number.isInteger(fitWeeks) || fitWeeks < 1)
    throw new Error(`pooledFitWeeks must be a positive whole number, got ${fitWeeks}`);
  return {
    h,
    nWindows,
    stepSize,
    refit: opts.refit ?? true,
    future: opts.future === true,
    refitFuture: opts.refitFuture === true,
    settings: opts.settings ?? DEFAULT_SETTINGS,
    chain: opts.chain ?? FALLBACK_CHAIN,
    pooledFitWeeks: fitWeeks,
    pointsOnly: opts.pointsOnly === true,
    ...(opts.earlier ? { earlier: opts.earlier } : {}),
    ...(opts.population ? { population: opts.population } : {}),
    ...(opts.pause ? { pause: opts.pause } : {}),
  };
}

/** Every series' windows back to back: out[k]'s values start at start[k] of each model's buffers. */
interface Layout {
  out: SeriesBacktest[];
  start: Int32Array;
  /** Values (windows × h) of every series. */
  values: number;
  skipped: CrossValidationResult['skipped'];
}

/** The windows of every series and their targets; series too short for any window are skipped. */
function layOut(series: readonly BacktestSeries[], plan: Plan): Layout {
  const { h, nWindows, stepSize } = plan;
  const skipped: Layout['skipped'] = [];
  const windowed: { s: BacktestSeries; cutoffs: number[] }[] = [];
  let values = 0;
  for (const s of series) {
    const n = s.y.length;
    const regular = windowCutoffs(n, h, nWindows, stepSize);
    const cutoffs = plan.earlier ? earlierCutoffs(regular, plan.earlier) : regular;
    if (plan.future && n >= 1) cutoffs.push(n);
    if (cutoffs.length === 0) {
      skipped.push({
        id: s.id,
        reason: `${n} complete week${n === 1 ? '' : 's'}: a backtest window needs at least ${h + 1}`,
      });
      continue;
    }
    windowed.push({ s, cutoffs });
    values += cutoffs.length * h;
  }
  const start = new Int32Array(windowed.length + 1);
  const actualAll = new Float64Array(values).fill(NaN);
  const out: SeriesBacktest[] = windowed.map(({ s, cutoffs }, k) => {
    const at = start[k] as number;
    const len = cutoffs.length * h;
    start[k + 1] = at + len;
    const n = s.y.length;
    const actual = actualAll.subarray(at, at + len);
    cutoffs.forEach((c, w) => {
      for (let j = 0; j < h && c + j < n; j++) actual[w * h + j] = s.y[c + j] as number;
    });
    return { series: s, cutoffs, actual, forecasts: {}, points: {}, used: {} };
  });
  return { out, start, values, skipped };
}

/**
 * One model's forecasts of every window of every series: a buffer per
 * quantile (the point alone with `pointsOnly`), each series given views into
 * it, and the fallbacks and failures recorded as forecasts are put.
 */
class ModelSink {
  private readonly all: Forecast | undefined;
  private readonly point: Float64Array;
  /** Forecasts the model took on but threw on or gave non-finite (the fallback chain made them). */
  failed = 0;

  constructor(
    private readonly layout: Layout,
    private readonly alias: ModelAlias,
    private readonly h: number,
    pointsOnly: boolean,
  ) {
    this.all = pointsOnly ? undefined : zeroForecast(layout.values);
    this.point = this.all?.point ?? new Float64Array(layout.values);
    const { start } = layout;
    layout.out.forEach((sb, k) => {
      const from = start[k] as number;
      const to = start[k + 1] as number;
      const point = this.point.subarray(from, to);
      sb.points[alias] = point;
      if (this.all) {
        sb.forecasts[alias] = {
          point,
          p10: this.all.p10.subarray(from, to),
          p50: this.all.p50.subarray(from, to),
          p90: this.all.p90.subarray(from, to),
        };
      }
    });
  }

  /** Window w of series k (copied: the forecast may be a scratch one). */
  put(k: number, w: number, f: OneForecast): void {
    const at = (this.layout.start[k] as number) + w * this.h;
    this.point.set(f.forecast.point, at);
    if (this.all) {
      this.all.p10.set(f.forecast.p10, at);
      this.all.p50.set(f.forecast.p50, at);
      this.all.p90.set(f.forecast.p90, at);
    }
    if (f.failed) this.failed++;
    if (f.alias !== this.alias) {
      const sb = this.layout.out[k] as SeriesBacktest;
      const used = (sb.used[this.alias] ??= new Array<ModelAlias | undefined>(sb.cutoffs.length));
      used[w] = f.alias;
    }
  }
}

/** A model carried by the global model being backtested, and where its forecasts go. */
interface Rider {
  model: GlobalModel;
  sink: ModelSink;
}

/**
 * A local model over every window of every series, fitted at every cutoff
 * (refit) or once and rolled forward; `progress(k)` every few hundred series.
 */
async function backtestLocal(
  model: LocalModel,
  layout: Layout,
  sink: ModelSink,
  plan: Plan,
  progress: (k: number) => void,
): Promise<void> {
  const { h, settings, chain, pointsOnly } = plan;
  // Forecasts are made into it, and put() copies them into the model's buffers.
  const into = zeroForecast(h);
  for (let k = 0; k < layout.out.length; k++) {
    const sb = layout.out[k] as SeriesBacktest;
    if (k > 0 && k % PROGRESS_EVERY === 0) progress(k);
    // Every series: a pause that yields when enough time has passed (its own
    // clock) lets a global model backtested at the same time, on this thread,
    // send its next batch soon after the last one comes back.
    if (k > 0 && plan.pause) await plan.pause();
    const y = sb.series.y;
    let fitted: Fitted | undefined;
    sb.cutoffs.forEach((c, w) => {
      const hist = y.subarray(0, c);
      const fitNow = plan.refit || (plan.future && c === y.length && plan.refitFuture);
      const f = forecastOne(model, hist, h, {
        settings,
        chain,
        into,
        pointsOnly,
        fitted: fitNow ? undefined : fitted,
      });
      fitted = f.fitted ?? fitted;
      sink.put(k, w, f);
    });
  }
}

/**
 * A global model in batches, each made and forgotten in turn, and one batch
 * ahead: the next batch's inputs are made while the model runs the last one
 * (in its own thread, in the CLI). Each window goes to its own place, so the
 * order batches finish in changes nothing.
 */
async function backtestGlobal(
  model: GlobalModel,
  layout: Layout,
  sink: ModelSink,
  plan: Plan,
  rider?: Rider,
): Promise<void> {
  const { h, settings, chain, pointsOnly } = plan;
  const into = zeroForecast(h);
  /** Window w of series k from the model's output (and its rider's from the carried one); none: the fallback chain. */
  const put = (k: number, w: number, y: Float64Array, output?: ModelOutput): void => {
    const o = output ? { output } : {};
    sink.put(k, w, forecastOne(model, y, h, { settings, chain, into, pointsOnly, ...o }));
    if (!rider) return;
    const c = output?.carried ? { output: output.carried } : {};
    rider.sink.put(
      k,
      w,
      forecastOne(rider.model, y, h, { settings, chain, into, pointsOnly, ...c }),
    );
  };
  let jobs: { k: number; w: number; input: SeriesInput }[] = [];
  let inflight: Promise<void> = Promise.resolve();
  const flush = async (fit?: BatchFit): Promise<void> => {
    if (jobs.length === 0) return;
    const batch = jobs;
    jobs = [];
    const inputs = batch.map((j) => j.input);
    const finished = model.predictBatch(inputs, h, settings, fit).then((outputs) => {
      batch.forEach((j, i) => put(j.k, j.w, j.input.y, outputs[i]));
    });
    // Awaited below (as the previous batch, or at the end): not an unhandled rejection meanwhile.
    finished.catch(() => undefined);
    const previous = inflight;
    inflight = finished;
    await previous;
    await plan.pause?.();
  };
  if (model.pooled) {
    await backtestPooled(model, layout, plan, (job) => jobs.push(job), put, flush);
    await inflight;
    return;
  }
  for (let k = 0; k < layout.out.length; k++) {
    const sb = layout.out[k] as SeriesBacktest;
    // Rows (if a model reads them) made for this series' windows and gone
    // with their batch (not kept on the table).
    const inputAt = batchInputs(sb.series);
    for (let w = 0; w < sb.cutoffs.length; w++) {
      const input = inputAt(sb.cutoffs[w] as number);
      if (accepts(model, input.y, h)) {
        jobs.push({ k, w, input });
        if (jobs.length >= GLOBAL_BATCH) await flush();
      } else put(k, w, input.y);
    }
  }
  await flush();
  await inflight;
}

/**
 * A pooled global model (its forecasts depend on the batch: tcn_tuned) gets
 * one batch per cutoff, counted in weeks before each series' end, so a batch
 * never mixes one series' origins (or, for series ending on the same week,
 * two calendar origins): each fit sees only weeks before its origin. A model
 * with fitBatch is fitted on the population's series cut at the same cutoff
 * (the backtested series themselves unless a shard gives the whole table's),
 * every plan.pooledFitWeeks weeks of origins and afresh for the forecast
 * from the series' end; one without fits on its batch.
 */
async function backtestPooled(
  model: GlobalModel,
  layout: Layout,
  plan: Plan,
  push: (job: { k: number; w: number; input: SeriesInput }) => void,
  put: (k: number, w: number, y: Float64Array) => void,
  flush: (fit?: BatchFit) => Promise<void>,
): Promise<void> {
  const { h, settings } = plan;
  let fit: BatchFit | undefined;
  let fittedAt = Infinity;
  const byGap = new Map<number, { k: number; w: number }[]>();
  layout.out.forEach((sb, k) => {
    const n = sb.series.y.length;
    sb.cutoffs.forEach((c, w) => {
      const gap = n - c;
      let list = byGap.get(gap);
      if (!list) byGap.set(gap, (list = []));
      list.push({ k, w });
    });
  });
  // Earliest origins first, as the series-major order would finish them.
  const gaps = [...byGap.keys()].sort((a, b) => b - a);
  const population = plan.population ?? layout.out.map((sb) => sb.series);
  // Fitted apart from its batch (fitBatch), a model forecasts in batches of
  // any size, GLOBAL_BATCH at a time as the others; without, it gets the cutoff whole.
  const apart = model.fitBatch !== undefined;
  // At earlier origins (calibration alone), fitted once where the earliest
  // can be: before every one of them, and the same fit whatever the batch
  // holds (a shard's, or one run's); a fit per origin would cost a
  // backtest's worth each.
  let once = false;
  if (model.fitBatch && plan.earlier && !model.alignedFit) {
    const fitOn = cutAt(population, earliestGap(plan, plan.earlier), model, h);
    if (fitOn.length > 0) {
      fit = await model.fitBatch(fitOn, h, settings);
      once = true;
    }
  }
  for (const gap of gaps) {
    const stale = model.alignedFit ? fittedAt !== gap : fittedAt - gap >= plan.pooledFitWeeks;
    if (model.fitBatch && !once && (gap === 0 || stale)) {
      const fitOn = cutAt(population, gap, model, h);
      if (fitOn.length > 0) {
        fit = await model.fitBatch(fitOn, h, settings);
        fittedAt = gap;
      }
    }
    let queued = 0;
    for (const { k, w } of byGap.get(gap) as { k: number; w: number }[]) {
      const sb = layout.out[k] as SeriesBacktest;
      const input = batchInputs(sb.series)(sb.cutoffs[w] as number);
      if (!accepts(model, input.y, h)) {
        put(k, w, input.y);
        continue;
      }
      push({ k, w, input });
      if (apart && ++queued % GLOBAL_BATCH === 0) await flush(fit);
    }
    await flush(apart ? fit : undefined);
  }
}

/** Weeks before the end of the earliest origin earlierCutoffs can give. */
function earliestGap(plan: Plan, e: EarlierOrigins): number {
  return plan.h + (plan.nWindows - 1) * plan.stepSize + Math.floor(e.weeks / e.step) * e.step;
}

/**
 * The series with a window `gap` weeks before their end that `model` takes,
 * as inputs cut there: the batch a backtest of these series would give it.
 */
function cutAt(
  series: readonly BacktestSeries[],
  gap: number,
  model: GlobalModel,
  h: number,
): SeriesInput[] {
  const out: SeriesInput[] = [];
  for (const s of series) {
    const length = s.y.length - gap;
    if (length < 1) continue;
    const input = batchInputs(s)(length);
    if (accepts(model, input.y, h)) out.push(input);
  }
  return out;
}

/** Adds per-model counts (milliseconds, failures) of one backtest to another's. */
export function addCounts(
  to: Partial<Record<ModelAlias, number>>,
  from: Partial<Record<ModelAlias, number>>,
): void {
  for (const [a, v] of Object.entries(from) as [ModelAlias, number][]) to[a] = (to[a] ?? 0) + v;
}

/** The result as statsforecast's long frame: one row per series, cutoff and target week. */
export function cvRows(result: CrossValidationResult): CvRow[] {
  const { h } = result;
  const rows: CvRow[] = [];
  for (const sb of result.series) {
    sb.cutoffs.forEach((c, w) => {
      const cutoffWeek = sb.series.weeks[c - 1] as string;
      for (let k = 0; k < h; k++) {
        const y = sb.actual[w * h + k] as number;
        if (Number.isNaN(y)) continue;
        const forecasts: Partial<Record<ModelAlias, CvValue>> = {};
        for (const alias of result.aliases) {
          const b = sb.forecasts[alias];
          if (!b) continue;
          const i = w * h + k;
          const v: CvValue = {
            point: b.point[i] as number,
            p10: b.p10[i] as number,
            p50: b.p50[i] as number,
            p90: b.p90[i] as number,
          };
          const used = sb.used[alias]?.[w];
          if (used) v.model = used;
          forecasts[alias] = v;
        }
        rows.push({
          sku: sb.series.id,
          cutoff: cutoffWeek,
          week_start: sb.series.weeks[c + k] ?? weeksAfter(cutoffWeek, k + 1),
          step: k + 1,
          y,
          forecasts,
        });
      }
    });
  }
  return rows;
}

/**
 * Flat records for CSV/JSON: sku, cutoff, week_start, y, then per alias its
 * point and `<alias>_p10`, `<alias>_p50`, `<alias>_p90`, and `<alias>_model`
 * where a fallback made the forecast.
 */
export function cvRecords(result: CrossValidationResult): Record<string, string | number>[] {
  return cvRows(result).map((r) => {
    const rec: Record<string, string | number> = {
      sku: r.sku,
      cutoff: r.cutoff,
      week_start: r.week_start,
      y: r.y,
    };
    for (const alias of result.aliases) {
      const v = r.forecasts[alias];
      if (!v) continue;
      rec[alias] = v.point;
      rec[`${alias}_p10`] = v.p10;
      rec[`${alias}_p50`] = v.p50;
      rec[`${alias}_p90`] = v.p90;
      if (v.model) rec[`${alias}_model`] = v.model;
    }
    return rec;
  });
}
