// The TCN as plain tensor functions (no tf.layers), so every operation maps
// 1:1 onto an ONNX node in onnx-export.ts.
//
// A dilated causal convolution is written as a gather of the kernel's taps and
// one matMul: tfjs 4.22 conv1d has neither causal padding nor a gradient for
// dilation > 1, while gather+concat+matMul has both, and evaluating only the
// time steps the head needs (planSteps) makes a 104-week window affordable.

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/random';

export interface TcnConfig {
  window: number;
  features: number;
  channels: number;
  kernel: number;
  dilations: number[];
  horizon: number;
  quantiles: number[];
  dropout: number;
  /**
   * Inference only (unset while training): p50 is pulled this fraction of the
   * way toward the series' long-run level (1 in scaled units) and kept inside
   * [p10, p90]; p10 and p90 stay as trained. Shrinkage of the point forecast
   * toward the mean of history, chosen on validation (recipe.levelShrink).
   */
  levelShrink?: number;
  /**
   * Season length m in weeks (0 or unset: off). The head then also reads the
   * input's sales and observed channels at the weeks one season before the
   * horizon (and SEASON_LEAD weeks before those) and at the last SEASON_LEAD
   * weeks, through its own linear map: last year's path of this very series,
   * which the convolutions see only blurred into their last step. A season
   * taken from the series itself, not from the calendar (see
   * sequence-recipe.ts calendarDropout).
   */
  season?: number;
  /**
   * With `season`: the head also reads the horizon's weeks 2, …, seasonsBack
   * seasons ago (without lead weeks), where the window reaches them (default 1).
   */
  seasonsBack?: number;
  /**
   * With `season`: the input's last channel is the series' seasonal index over
   * its whole history (features.ts seasonIndexInto), and the head also reads it
   * at the horizon's weeks one season back.
   */
  seasonIndex?: boolean;
}

/** Weeks before the season-ago origin, and before the forecast origin, the season taps include. */
export const SEASON_LEAD = 4;
/** The input channels the season taps read: sales and observed. */
export const SEASON_CHANNELS = 2;

type TapConfig = Pick<
  TcnConfig,
  'window' | 'horizon' | 'features' | 'season' | 'seasonsBack' | 'seasonIndex'
>;

/** One direct read of the input: steps [start, start + length) of channels [channel, channel + channels). */
export interface SeasonTap {
  start: number;
  length: number;
  channel: number;
  channels: number;
}

/** Input ranges the head reads directly (cfg.season), in order. */
export function seasonTaps(cfg: TapConfig): SeasonTap[] {
  const m = cfg.season ?? 0;
  if (m <= 0) return [];
  const L = cfg.window;
  if (cfg.horizon > m || L - m - SEASON_LEAD < 0 || cfg.features < SEASON_CHANNELS)
    throw new Error(`season ${m} needs horizon ≤ ${m} and a window ≥ ${m + SEASON_LEAD}`);
  const tap = (start: number, length: number): SeasonTap => ({
    start,
    length,
    channel: 0,
    channels: SEASON_CHANNELS,
  });
  const taps = [
    tap(L - m - SEASON_LEAD, SEASON_LEAD + cfg.horizon),
    tap(L - SEASON_LEAD, SEASON_LEAD),
  ];
  for (let k = 2; k <= (cfg.seasonsBack ?? 1); k++) {
    if (L - k * m < 0) throw new Error(`${k} seasons of ${m} weeks need a window ≥ ${k * m}`);
    taps.push(tap(L - k * m, cfg.horizon));
  }
  if (cfg.seasonIndex) {
    taps.push({ start: L - m, length: cfg.horizon, channel: cfg.features - 1, channels: 1 });
  }
  return taps;
}

/** Values the season taps give the head per window. */
export function seasonWidth(cfg: TapConfig): number {
  return seasonTaps(cfg).reduce((n, t) => n + t.length * t.channels, 0);
}

/** Weights in training layout. conv: [K*Cin, Cout] with row k*Cin+ci; dense: [in, out]. */
export interface TcnWeights {
  [name: string]: { shape: number[]; data: Float32Array };
}

export function blockCin(cfg: TcnConfig, i: number): number {
  return i === 0 ? cfg.features : cfg.channels;
}

/** Parameter names and shapes, in a fixed order. */
export function paramShapes(cfg: TcnConfig): [string, number[]][] {
  const out: [string, number[]][] = [];
  const { kernel: K, channels: C } = cfg;
  cfg.dilations.forEach((_, i) => {
    const cin = blockCin(cfg, i);
    out.push([`block${i}.conv1.weight`, [K * cin, C]]);
    out.push([`block${i}.conv1.bias`, [C]]);
    out.push([`block${i}.conv2.weight`, [K * C, C]]);
    out.push([`block${i}.conv2.bias`, [C]]);
    if (cin !== C) {
      out.push([`block${i}.residual.weight`, [cin, C]]);
      out.push([`block${i}.residual.bias`, [C]]);
    }
  });
  out.push(['head.weight', [C, cfg.quantiles.length * cfg.horizon]]);
  out.push(['head.bias', [cfg.quantiles.length * cfg.horizon]]);
  const E = seasonWidth(cfg);
  if (E > 0) out.push(['head.season.weight', [E, cfg.quantiles.length * cfg.horizon]]);
  return out;
}

export function countParams(cfg: TcnConfig): number {
  return paramShapes(cfg).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

const INV_SOFTPLUS_HALF_SPREAD = Math.log(Math.exp(0.6) - 1);

/**
 * Head layout: group 0 is the median; then one spread group per quantile below
 * it (nearest first), then one per quantile above it (nearest first). Each
 * quantile is the median minus (plus) a running sum of softplus spreads, so
 * the quantiles can never cross.
 */
export function headGroups(cfg: Pick<TcnConfig, 'quantiles'>): { below: number; above: number } {
  const q = cfg.quantiles;
  const mid = q.findIndex((v) => Math.abs(v - 0.5) < 1e-9);
  if (mid < 0 || q.some((v, i) => i > 0 && v <= (q[i - 1] as number))) {
    throw new Error('quantiles must be ascending and include 0.5');
  }
  return { below: mid, above: q.length - 1 - mid };
}

/**
 * He-uniform convolutions, small head; p50 starts near the long-run level (1
 * in scaled units). The season taps start at zero and draw nothing from `rng`,
 * so a network with them starts as the same network without.
 */
export function initWeights(cfg: TcnConfig, rng: Rng): TcnWeights {
  const w: TcnWeights = {};
  const { below, above } = headGroups(cfg);
  const H = cfg.horizon;
  for (const [name, shape] of paramShapes(cfg)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name === 'head.season.weight') {
      // zeros
    } else if (name.endsWith('.weight')) {
      const fanIn = shape[0] as number;
      const bound = name === 'head.weight' ? 0.05 / Math.sqrt(fanIn) : Math.sqrt(6 / fanIn);
      for (let i = 0; i < size; i++) data[i] = rng.uniform(-bound, bound);
    } else if (name === 'head.bias') {
      for (let h = 0; h < H; h++) {
        data[h] = 0.8;
        for (let g = 1; g <= below; g++)
          data[g * H + h] =
            below === 1 ? INV_SOFTPLUS_HALF_SPREAD : Math.log(Math.exp(0.6 / below) - 1);
        for (let g = 1; g <= above; g++)
          data[(below + g) * H + h] =
            above === 1 ? INV_SOFTPLUS_HALF_SPREAD : Math.log(Math.exp(0.6 / above) - 1);
      }
    }
    w[name] = { shape, data };
  }
  return w;
}

export type TensorMap = Record<string, tf.Tensor>;

function get(p: TensorMap, name: string): tf.Tensor {
  const t = p[name];
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}

/** Time steps each block must compute: its conv1 at `conv1`, its output at `output`. */
export interface BlockSteps {
  conv1: number[];
  output: number[];
}

/** Input steps t − (K−1−k)·d that a causal dilated conv at `steps` reads outside the zero padding. */
function stepsRead(steps: number[], kernel: number, d: number): number[] {
  const read = new Set<number>();
  for (const t of steps) for (let k = 0; k < kernel; k++) if (t - k * d >= 0) read.add(t - k * d);
  return [...read].sort((a, b) => a - b);
}

/**
 * Work back from the head, which reads the last time step only: a block's
 * output at steps S needs conv2 at S, conv1 at the steps conv2 reads, and its
 * input at S (residual) plus the steps conv1 reads. Everything else a full
 * causal network computes is never used, so neither training nor the ONNX
 * graph computes it (with 104 weeks, kernel 3 and dilations 1, 3, 9, 27: 206
 * of the 832 convolution steps).
 */
export function planSteps(cfg: Pick<TcnConfig, 'window' | 'kernel' | 'dilations'>): BlockSteps[] {
  const plan: BlockSteps[] = [];
  let output = [cfg.window - 1];
  for (let i = cfg.dilations.length - 1; i >= 0; i--) {
    const d = cfg.dilations[i] as number;
    const conv1 = stepsRead(output, cfg.kernel, d);
    plan[i] = { conv1, output };
    output = [...new Set([...output, ...stepsRead(conv1, cfg.kernel, d)])].sort((a, b) => a - b);
  }
  return plan;
}

/**
 * Rows of x ([steps, B, C], time steps `have`) at steps `want`; −1 gives a
 * zero row. Activations are kept time-major so this is a gather on axis 0,
 * whose gradient is a ScatterNd (tfjs's own gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks).
 */
function gatherSteps(x: tf.Tensor3D, have: number[], want: number[]): tf.Tensor3D {
  if (want.length === have.length && want.every((t, j) => t === have[j])) return x;
  const valid = want.every((t) => t >= 0);
  const idx = want.map((t) => {
    if (t < 0) return 0;
    const j = have.indexOf(t);
    if (j < 0) throw new Error(`step ${t} not computed upstream`);
    return valid ? j : j + 1;
  });
  const src = valid
    ? x
    : tf.pad(x, [
        [1, 0],
        [0, 0],
        [0, 0],
      ]);
  return gatherRows(src, idx);
}

function gatherRows(x: tf.Tensor3D, idx: number[]): tf.Tensor3D {
  const shape = x.shape;
  const pick = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const indices = tf.tensor1d(idx, 'int32');
    const value = tf.gather(inputs[0] as tf.Tensor, indices, 0);
    indices.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor) =>
        tf.tidy(() => tf.scatterND(tf.tensor2d(idx, [idx.length, 1], 'int32'), dy, shape)),
    };
  });
  return pick(x) as tf.Tensor3D;
}

/**
 * y[t] = Σ_k W_k x[t − (K−1−k)·d] + b at the steps `want` only, zero before the
 * series start; taps that fall wholly in the padding are skipped. w is
 * [K*Cin, Cout] with row k*Cin+ci. The ONNX export builds the same graph.
 */
export function convAt(
  x: tf.Tensor3D,
  have: number[],
  want: number[],
  w: tf.Tensor,
  b: tf.Tensor,
  kernel: number,
  d: number,
): tf.Tensor3D {
  const [, B, Cin] = x.shape;
  const Cout = w.shape[1] as number;
  const rows: tf.Tensor3D[] = [];
  const weights: tf.Tensor[] = [];
  for (let k = 0; k < kernel; k++) {
    const shift = (kernel - 1 - k) * d;
    const src = want.map((t) => (t - shift >= 0 ? t - shift : -1));
    if (src.every((t) => t < 0)) continue;
    rows.push(gatherSteps(x, have, src));
    weights.push(kernel === 1 ? w : tf.slice(w, [k * Cin, 0], [Cin, Cout]));
  }
  const cat = rows.length === 1 ? (rows[0] as tf.Tensor3D) : tf.concat(rows, 2);
  const wk = weights.length === 1 ? (weights[0] as tf.Tensor) : tf.concat(weights, 0);
  const y = tf.matMul(tf.reshape(cat, [want.length * B, rows.length * Cin]), wk as tf.Tensor2D);
  return tf.add(tf.reshape(y, [want.length, B, Cout]), b) as tf.Tensor3D;
}

export interface DropoutSource {
  /** Scaled keep-mask (0 or 1/(1−p)) of the given shape. */
  mask(shape: [number, number, number]): tf.Tensor3D;
}

/** Seeded dropout masks, so training is reproducible. */
export function rngDropout(rng: Rng, p: number): DropoutSource {
  return {
    mask(shape) {
      const n = shape[0] * shape[1] * shape[2];
      const m = new Float32Array(n);
      const keep = 1 / (1 - p);
      for (let i = 0; i < n; i++) m[i] = rng.next() < p ? 0 : keep;
      return tf.tensor3d(m, shape);
    },
  };
}

/** x: [B, L, F] -> [B, horizon, quantiles], ascending along the last axis by construction. */
export function forward(
  cfg: TcnConfig,
  p: TensorMap,
  x: tf.Tensor3D,
  dropout?: DropoutSource,
): tf.Tensor3D {
  const [B] = x.shape;
  const last = body(cfg, p, x, dropout);
  let z = tf.add(tf.matMul(last, get(p, 'head.weight') as tf.Tensor2D), get(p, 'head.bias'));
  const taps = seasonTaps(cfg);
  if (taps.length > 0) {
    const read = taps.map(
      ({ start, length, channel, channels }) =>
        tf.reshape(tf.slice(x, [0, start, channel], [B, length, channels]), [
          B,
          length * channels,
        ]) as tf.Tensor2D,
    );
    const seen = read.length === 1 ? (read[0] as tf.Tensor2D) : tf.concat(read, 1);
    z = tf.add(z, tf.matMul(seen, get(p, 'head.season.weight') as tf.Tensor2D));
  }
  const H = cfg.horizon;
  const { below, above } = headGroups(cfg);
  const group = (g: number): tf.Tensor2D => tf.slice(z, [0, g * H], [B, H]) as tf.Tensor2D;
  const m = group(0);
  const lower: tf.Tensor[] = [];
  let run: tf.Tensor = m;
  for (let g = 1; g <= below; g++) lower.push((run = tf.sub(run, tf.softplus(group(g)))));
  const upper: tf.Tensor[] = [];
  run = m;
  for (let g = 1; g <= above; g++) upper.push((run = tf.add(run, tf.softplus(group(below + g)))));
  const lo = lower[below - 1] ?? m;
  const hi = upper[above - 1] ?? m;
  const k = cfg.levelShrink ?? 0;
  const mid = k > 0 ? tf.minimum(tf.maximum(tf.add(tf.mul(m, 1 - k), k), lo), hi) : m;
  return tf.stack([...lower.reverse(), mid, ...upper], 2) as tf.Tensor3D;
}

/**
 * The network's body: the last block at the last step, [B, channels], the
 * dense head's input (the ONNX file's HIDDEN_OUTPUT, what tcn_tuned refits a
 * head on).
 */
export function body(
  cfg: TcnConfig,
  p: TensorMap,
  x: tf.Tensor3D,
  dropout?: DropoutSource,
): tf.Tensor2D {
  const [B, L] = x.shape;
  const plan = planSteps(cfg);
  // Time-major [steps, B, C] inside the network (see gatherSteps).
  let h: tf.Tensor3D = tf.transpose(x, [1, 0, 2]);
  let have = Array.from({ length: L }, (_, t) => t);
  cfg.dilations.forEach((d, i) => {
    const step = plan[i] as BlockSteps;
    const cin = blockCin(cfg, i);
    // conv -> ReLU -> dropout; conv1 draws its dropout mask before conv2.
    const convRelu = (
      input: tf.Tensor3D,
      from: number[],
      to: number[],
      conv: string,
    ): tf.Tensor3D => {
      const y = tf.relu(
        convAt(
          input,
          from,
          to,
          get(p, `block${i}.${conv}.weight`),
          get(p, `block${i}.${conv}.bias`),
          cfg.kernel,
          d,
        ),
      ) as tf.Tensor3D;
      return dropout ? (tf.mul(y, dropout.mask([to.length, B, cfg.channels])) as tf.Tensor3D) : y;
    };
    const a = convRelu(h, have, step.conv1, 'conv1');
    const c = convRelu(a, step.conv1, step.output, 'conv2');
    const res =
      cin !== cfg.channels
        ? convAt(
            h,
            have,
            step.output,
            get(p, `block${i}.residual.weight`),
            get(p, `block${i}.residual.bias`),
            1,
            1,
          )
        : gatherSteps(h, have, step.output);
    h = tf.relu(tf.add(c, res)) as tf.Tensor3D;
    have = step.output;
  });
  return tf.reshape(h, [B, cfg.channels]);
}

/** Masked pinball loss; y, mask: [B, horizon]; out: [B, horizon, 3]. */
export function pinballLoss(
  cfg: TcnConfig,
  out: tf.Tensor3D,
  y: tf.Tensor2D,
  mask: tf.Tensor2D,
): tf.Scalar {
  const [B, H] = y.shape;
  let total: tf.Tensor = tf.scalar(0);
  cfg.quantiles.forEach((q, j) => {
    const pq = tf.reshape(tf.slice(out, [0, 0, j], [B, H, 1]), [B, H]);
    const d = tf.sub(y, pq);
    const l = tf.maximum(tf.mul(d, q), tf.mul(d, q - 1));
    total = tf.add(total, tf.sum(tf.mul(l, mask)));
  });
  return tf.div(total, tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

export function toTensors(w: TcnWeights): TensorMap {
  const out: TensorMap = {};
  for (const [name, { shape, data }] of Object.entries(w)) out[name] = tf.tensor(data, shape);
  return out;
}

/** A graph of the network run on a batch with fixed weights: x row-major [n, L, F]. */
function runFixed(
  cfg: TcnConfig,
  x: Float32Array,
  n: number,
  graph: (xt: tf.Tensor3D) => tf.Tensor,
): Float32Array {
  return tf.tidy(
    () => graph(tf.tensor3d(x, [n, cfg.window, cfg.features])).dataSync() as Float32Array,
  );
}

/** Forecast a batch with fixed weights: x row-major [n, L, F] -> [n, H, 3]. */
export function predict(
  cfg: TcnConfig,
  weights: TensorMap,
  x: Float32Array,
  n: number,
): Float32Array {
  return runFixed(cfg, x, n, (xt) => forward(cfg, weights, xt));
}

/** The body's output for a batch with fixed weights: x row-major [n, L, F] -> [n, channels]. */
export function predictHidden(
  cfg: TcnConfig,
  weights: TensorMap,
  x: Float32Array,
  n: number,
): Float32Array {
  return runFixed(cfg, x, n, (xt) => body(cfg, weights, xt));
}
