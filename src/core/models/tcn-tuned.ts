// tcn_tuned (issue 28): the shipped TCN with its body frozen and its median
// corrected by a head refitted on the batch's own histories (tuned-head.ts).
// Everything it fits on lies inside each series' given history: training
// windows end at least h weeks before it, so in a backtest (the histories end
// at the origin) it is refitted at every origin on the weeks before it. Its
// forecasts depend on the whole batch, so it is `pooled`: a backtest gives it
// every series at one origin at once (cross-validation.ts).

import { buildSequenceWindow, isSequenceInput } from '../features';
import type { ModelDescriptor } from '../model-descriptor';
import { adiOf, INTERMITTENT_ADI } from '../stats/demand-class';
import { bandIndices, isoWeeksOf } from './tcn';
import {
  correctionAt,
  fitTunedHead,
  trainingOrigins,
  TUNED_HEAD_DEFAULTS,
  type HeadData,
  type TrainingOrigins,
  type TunedFit,
  type TunedHeadOptions,
} from './tuned-head';
import type { BatchFit, GlobalModel, ModelOutput, SeriesInput } from './types';

/** The network's two outputs for a batch: [batch, horizon, quantiles] and [batch, hidden]. */
export interface HiddenRun {
  quantiles: Float32Array;
  hidden: Float32Array;
}

/** Runs the network on `batch` windows laid out [batch, window, features], both outputs. */
export type RunHidden = (x: Float32Array, batch: number) => Promise<HiddenRun>;

/** Windows built and run at a time: bounded memory at any batch size. */
const CHUNK = 2048;

export interface TunedModelOptions extends Partial<TunedHeadOptions> {
  /** Told each fit (strength chosen, held-out errors, windows): for reports and logs. */
  onFit?: (fit: TunedFit, windows: number, series: number) => void;
}

export function tcnTunedModel(
  desc: ModelDescriptor,
  run: RunHidden,
  hiddenWidth: number,
  options: TunedModelOptions = {},
): GlobalModel {
  if (!isSequenceInput(desc)) throw new Error('tcn_tuned needs a sequence model (TCN v2)');
  if (!(hiddenWidth > 0))
    throw new Error('tcn_tuned needs the model file to output its hidden features');
  const opts: TunedHeadOptions = { ...TUNED_HEAD_DEFAULTS, ...options };
  const window = desc.input.window;
  const F = desc.input.features.length;
  const stride = window * F;
  const horizon = desc.output.horizon;
  const Q = desc.output.quantiles.length;
  const [i10, i50, i90] = bandIndices(desc);
  const minHistory = desc.input.minHistory ?? window;
  const C = hiddenWidth;
  const shape: NetShape = { run, stride, horizon, Q, C };
  const cache = new WindowCache();
  /** Each series' ISO weeks, when the network reads the calendar. */
  const weeksOf = (batch: readonly SeriesInput[]) =>
    batch.map((s) => (desc.input.readsCalendar === false ? null : isoWeeksOf(s)));
  /** Whether the head corrects (and fits on) each series: all, or those that sell in most weeks. */
  const correctsOf = (batch: readonly SeriesInput[]) =>
    batch.map((s) => !opts.frequentOnly || adiOf(s.y) <= INTERMITTENT_ADI);

  /** The head fitted on the histories given (every series of the population at one origin). */
  async function fitOn(batch: readonly SeriesInput[], h: number): Promise<TunedBatchFit> {
    const weeks = weeksOf(batch);
    const tuned = correctsOf(batch);
    const origins = trainingOrigins(
      // A series left frozen offers no training window (a length of 0 has none).
      batch.map((s, b) => (tuned[b] ? s.y.length : 0)),
      h,
      minHistory,
      opts,
      batch.map((s) => s.end ?? s.y.length),
    );
    const N = origins.series.length;
    // Windows an earlier call (the backtest's previous origin) ran already are not run again.
    const entries = new Array<CachedWindow>(N);
    const missing: number[] = [];
    for (let i = 0; i < N; i++) {
      const hit = cache.get(
        (batch[origins.series[i] as number] as SeriesInput).y,
        origins.end[i] as number,
      );
      if (hit) entries[i] = hit;
      else missing.push(i);
    }
    const ran = await runWindows(shape, missing.length, (m, x, off) => {
      const i = missing[m] as number;
      const s = batch[origins.series[i] as number] as SeriesInput;
      // Built at the origin: reads s.y before it only (its targets are never inputs).
      return buildSequenceWindow(
        s.y,
        weeks[origins.series[i] as number] ?? null,
        origins.end[i] as number,
        desc,
        x,
        off,
      );
    });
    missing.forEach((i, m) => {
      const entry = cachedAt(ran, m, horizon, Q, i50, C);
      cache.set(
        (batch[origins.series[i] as number] as SeriesInput).y,
        origins.end[i] as number,
        entry,
      );
      entries[i] = entry;
    });
    const data = headData(batch, origins, entries, h, C, opts.maxTarget);
    if (opts.select === 'money') data.weight = Float64Array.from(entries, (e) => e.scale);
    const fit = fitTunedHead(data, opts);
    options.onFit?.(fit, N, batch.length);
    const trained = new BySeries<true>();
    for (const b of origins.series) trained.set((batch[b] as SeriesInput).y, true);
    return { alias: 'tcn_tuned', ...fit, trained };
  }

  return {
    kind: 'global',
    alias: 'tcn_tuned',
    pooled: true,
    carries: 'tcn',
    reference: `${desc.name} ${desc.version} with its body frozen and its median corrected by a head refitted on the file's own history (closed-form ridge over the last hidden layer; models/MODEL_CARD.md, "Tuned head").`,
    minHistory,
    maxHorizon: horizon,
    fitBatch: (batch, h) => fitOn(batch, h),
    async predictBatch(batch, h, _settings, given): Promise<ModelOutput[]> {
      const fit = isTunedFit(given) ? given : await fitOn(batch, h);
      const weeks = weeksOf(batch);
      const now = await runWindows(shape, batch.length, (b, x, off) => {
        const s = batch[b] as SeriesInput;
        return buildSequenceWindow(s.y, weeks[b] ?? null, s.y.length, desc, x, off);
      });
      // This origin's window of a series the fit drew from is a training window
      // of the backtest's origin h weeks later (its latest): kept, not run again.
      batch.forEach((s, b) => {
        if (fit.trained.get(s.y)) cache.set(s.y, s.y.length, cachedAt(now, b, horizon, Q, i50, C));
      });
      return tunedOutputs(now, fit.beta, correctsOf(batch), h, shape, [i10, i50, i90]);
    },
  };
}

/** Each series' forecast from its "now" window: the frozen network's quantiles shifted by the head, and tcn's unshifted. */
function tunedOutputs(
  now: NetRun,
  beta: TunedFit['beta'],
  tuned: readonly boolean[],
  h: number,
  net: NetShape,
  [i10, i50, i90]: readonly [number, number, number],
): ModelOutput[] {
  const { horizon, Q, C } = net;
  const d = 1 + C;
  const phi = new Float64Array(d);
  phi[0] = 1;
  const noShift = new Float64Array(h);
  return tuned.map((isTuned, b) => {
    const scale = now.scales[b] as number;
    for (let c = 0; c < C; c++) phi[1 + c] = now.hidden[b * C + c] as number;
    const shift = new Float64Array(h);
    for (let k = 0; k < h && isTuned; k++) {
      const p50 = now.quantiles[(b * horizon + k) * Q + i50] as number;
      shift[k] = correctionAt(beta, d, k, phi, 0, p50);
    }
    // Every quantile moves with the median: the band keeps its width and order.
    const pick = (qi: number, by: Float64Array): Float64Array => {
      const out = new Float64Array(h);
      for (let k = 0; k < h; k++)
        out[k] =
          ((now.quantiles[(b * horizon + k) * Q + qi] as number) + (by[k] as number)) * scale;
      return out;
    };
    const output = (by: Float64Array): ModelOutput => {
      const p50 = pick(i50, by);
      return { point: p50, quantiles: { p10: pick(i10, by), p50, p90: pick(i90, by) } };
    };
    // The frozen network's forecast of the same window is tcn's, bit for bit (x + 0 = x).
    return { ...output(shift), carried: output(noShift) };
  });
}

/** tcn_tuned's BatchFit: the head, how it was chosen, and the series it drew windows from. */
interface TunedBatchFit extends TunedFit {
  readonly alias: 'tcn_tuned';
  /** The series it drew training windows from. */
  readonly trained: BySeries<true>;
}

function isTunedFit(fit: BatchFit | undefined): fit is TunedBatchFit {
  return fit?.alias === 'tcn_tuned';
}

interface NetShape {
  run: RunHidden;
  /** Values per input window. */
  stride: number;
  horizon: number;
  Q: number;
  /** Hidden features per window. */
  C: number;
}

/** The network's answer for a run of windows: each window's scale, its quantiles [window, horizon, Q] and hidden features [window, C]. */
interface NetRun {
  scales: Float64Array;
  quantiles: Float32Array;
  hidden: Float32Array;
}

/** The network over `count` windows made by `fill`, CHUNK at a time; their scales, quantiles and hidden features. */
async function runWindows(
  net: NetShape,
  count: number,
  fill: (i: number, x: Float32Array, offset: number) => number,
): Promise<NetRun> {
  const { stride, horizon, Q, C } = net;
  const scales = new Float64Array(count);
  const quantiles = new Float32Array(count * horizon * Q);
  const hidden = new Float32Array(count * C);
  const x = new Float32Array(Math.min(CHUNK, Math.max(1, count)) * stride);
  for (let from = 0; from < count; from += CHUNK) {
    const n = Math.min(CHUNK, count - from);
    for (let i = 0; i < n; i++) scales[from + i] = fill(from + i, x, i * stride);
    const out = await net.run(x.subarray(0, n * stride), n);
    if (out.quantiles.length !== n * horizon * Q || out.hidden.length !== n * C) {
      throw new Error(`model returned ${out.quantiles.length} values for ${n} windows`);
    }
    quantiles.set(out.quantiles, from * horizon * Q);
    hidden.set(out.hidden, from * C);
  }
  return { scales, quantiles, hidden };
}

/** Window m of a run, as the cache keeps it. */
function cachedAt(
  ran: NetRun,
  m: number,
  horizon: number,
  Q: number,
  i50: number,
  C: number,
): CachedWindow {
  const p50 = new Float32Array(horizon);
  for (let k = 0; k < horizon; k++) p50[k] = ran.quantiles[(m * horizon + k) * Q + i50] as number;
  return { scale: ran.scales[m] as number, p50, hidden: ran.hidden.slice(m * C, (m + 1) * C) };
}

/** What a training window gives the fit: its scale, the frozen p50 per horizon week, the hidden features. */
interface CachedWindow {
  scale: number;
  p50: Float32Array;
  hidden: Float32Array;
}

/**
 * Values by series, a series known by its values' buffer and offset: a
 * backtest's histories are views of one array, so a series' view at one
 * origin and at a later one are the same key. Lives as long as the model:
 * one run, over which the values do not change.
 */
class BySeries<T> {
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Map<number, T>>();

  get(y: Float64Array): T | undefined {
    return this.byBuffer.get(y.buffer)?.get(y.byteOffset);
  }

  set(y: Float64Array, value: T): void {
    let byOffset = this.byBuffer.get(y.buffer);
    if (!byOffset) this.byBuffer.set(y.buffer, (byOffset = new Map()));
    byOffset.set(y.byteOffset, value);
  }
}

/**
 * Training windows already run, by series and origin: a window is a function
 * of its series' values before its origin only, the same at every later
 * backtest origin.
 */
class WindowCache {
  private readonly bySeries = new BySeries<Map<number, CachedWindow>>();

  get(y: Float64Array, t: number): CachedWindow | undefined {
    return this.bySeries.get(y)?.get(t);
  }

  set(y: Float64Array, t: number, w: CachedWindow): void {
    let byOrigin = this.bySeries.get(y);
    if (!byOrigin) this.bySeries.set(y, (byOrigin = new Map()));
    byOrigin.set(t, w);
  }
}

/** The regression's data from the training windows: features [1, hidden], the frozen p50, the residual to fit. */
function headData(
  batch: readonly SeriesInput[],
  origins: TrainingOrigins,
  entries: readonly CachedWindow[],
  h: number,
  C: number,
  maxTarget: number,
): HeadData {
  const N = origins.series.length;
  const d = 1 + C;
  const data: HeadData = {
    n: N,
    d,
    h,
    phi: new Float64Array(N * d),
    own: new Float64Array(N * h),
    r: new Float64Array(N * h),
    heldOut: new Uint8Array(N),
  };
  for (let i = 0; i < N; i++) {
    const s = batch[origins.series[i] as number] as SeriesInput;
    const t = origins.end[i] as number;
    const e = entries[i] as CachedWindow;
    data.phi[i * d] = 1;
    for (let c = 0; c < C; c++) data.phi[i * d + 1 + c] = e.hidden[c] as number;
    data.heldOut[i] = origins.offset[i] === 0 ? 1 : 0;
    for (let k = 0; k < h; k++) {
      const p50 = e.p50[k] as number;
      // Scaled and clipped as the network's training targets were.
      const y = Math.max(-maxTarget, Math.min(maxTarget, (s.y[t + k] as number) / e.scale));
      data.own[i * h + k] = p50;
      data.r[i * h + k] = y - p50;
    }
  }
  return data;
}
