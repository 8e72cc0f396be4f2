// The TCN as plain tensor functions (no tf.layers), so every operation maps
// 1:1 onto an ONNX node in onnx-export.ts.
//
// A dilated causal convolution is written as a sum over kernel taps of
// left-padded, shifted inputs: tfjs 4.22 conv1d has neither causal padding nor
// a gradient for dilation > 1, while pad+slice+matMul has both and is exactly
// ONNX Conv(dilations=[d], pads=[(K-1)d, 0]).

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
  out.push(['head.weight', [C, 3 * cfg.horizon]]);
  out.push(['head.bias', [3 * cfg.horizon]]);
  return out;
}

export function countParams(cfg: TcnConfig): number {
  return paramShapes(cfg).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

const INV_SOFTPLUS_HALF_SPREAD = Math.log(Math.exp(0.6) - 1);

/** He-uniform convolutions, small head; p50 starts near the long-run level (1 in scaled units). */
export function initWeights(cfg: TcnConfig, rng: Rng): TcnWeights {
  const w: TcnWeights = {};
  for (const [name, shape] of paramShapes(cfg)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('.weight')) {
      const fanIn = shape[0] as number;
      const bound = name === 'head.weight' ? 0.05 / Math.sqrt(fanIn) : Math.sqrt(6 / fanIn);
      for (let i = 0; i < size; i++) data[i] = rng.uniform(-bound, bound);
    } else if (name === 'head.bias') {
      const H = cfg.horizon;
      for (let h = 0; h < H; h++) {
        data[h] = 0.8;
        data[H + h] = INV_SOFTPLUS_HALF_SPREAD;
        data[2 * H + h] = INV_SOFTPLUS_HALF_SPREAD;
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

/** y[t] = Σ_k W_k x[t − (K−1−k)·d] + b, zero before the series start; x: [B, L, Cin]. */
export function causalConv(
  x: tf.Tensor3D,
  w: tf.Tensor,
  b: tf.Tensor,
  kernel: number,
  dilation: number,
): tf.Tensor3D {
  const [B, L, Cin] = x.shape;
  const Cout = w.shape[1] as number;
  const pad = (kernel - 1) * dilation;
  const xp =
    pad > 0
      ? tf.pad(x, [
          [0, 0],
          [pad, 0],
          [0, 0],
        ])
      : x;
  // Taps whose whole slice lies in the zero padding contribute nothing; skip them.
  let first = 0;
  while (first < kernel - 1 && first * dilation + L <= pad) first++;
  const taps: tf.Tensor3D[] = [];
  for (let k = first; k < kernel; k++) taps.push(tf.slice(xp, [0, k * dilation, 0], [B, L, Cin]));
  const cat = taps.length === 1 ? (taps[0] as tf.Tensor3D) : tf.concat(taps, 2);
  const wk = first === 0 ? w : tf.slice(w, [first * Cin, 0], [(kernel - first) * Cin, Cout]);
  const y = tf.matMul(tf.reshape(cat, [B * L, (kernel - first) * Cin]), wk as tf.Tensor2D);
  return tf.add(tf.reshape(y, [B, L, Cout]), b) as tf.Tensor3D;
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

/** x: [B, L, F] -> [B, horizon, 3] (p10, p50, p90), monotone by construction. */
export function forward(
  cfg: TcnConfig,
  p: TensorMap,
  x: tf.Tensor3D,
  dropout?: DropoutSource,
): tf.Tensor3D {
  const [B, L] = x.shape;
  let h: tf.Tensor3D = x;
  cfg.dilations.forEach((d, i) => {
    const cin = blockCin(cfg, i);
    // conv -> ReLU -> dropout; conv1 draws its dropout mask before conv2.
    const convRelu = (input: tf.Tensor3D, conv: string): tf.Tensor3D => {
      const y = tf.relu(
        causalConv(
          input,
          get(p, `block${i}.${conv}.weight`),
          get(p, `block${i}.${conv}.bias`),
          cfg.kernel,
          d,
        ),
      ) as tf.Tensor3D;
      return dropout ? (tf.mul(y, dropout.mask([B, L, cfg.channels])) as tf.Tensor3D) : y;
    };
    const a = convRelu(h, 'conv1');
    const c = convRelu(a, 'conv2');
    let res: tf.Tensor3D = h;
    if (cin !== cfg.channels) {
      const r = tf.matMul(
        tf.reshape(h, [B * L, cin]),
        get(p, `block${i}.residual.weight`) as tf.Tensor2D,
      );
      res = tf.reshape(tf.add(r, get(p, `block${i}.residual.bias`)), [B, L, cfg.channels]);
    }
    h = tf.relu(tf.add(c, res)) as tf.Tensor3D;
  });
  const last = tf.reshape(tf.slice(h, [0, L - 1, 0], [B, 1, cfg.channels]), [B, cfg.channels]);
  const z = tf.add(tf.matMul(last, get(p, 'head.weight') as tf.Tensor2D), get(p, 'head.bias'));
  const H = cfg.horizon;
  const m = tf.slice(z, [0, 0], [B, H]);
  const lo = tf.sub(m, tf.softplus(tf.slice(z, [0, H], [B, H])));
  const hi = tf.add(m, tf.softplus(tf.slice(z, [0, 2 * H], [B, H])));
  const k = cfg.levelShrink ?? 0;
  const mid = k > 0 ? tf.minimum(tf.maximum(tf.add(tf.mul(m, 1 - k), k), lo), hi) : m;
  return tf.stack([lo, mid, hi], 2) as tf.Tensor3D;
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

/** Forecast a batch with fixed weights: x row-major [n, L, F] -> [n, H, 3]. */
export function predict(
  cfg: TcnConfig,
  weights: TensorMap,
  x: Float32Array,
  n: number,
): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor3d(x, [n, cfg.window, cfg.features]);
    return forward(cfg, weights, xt).dataSync() as Float32Array;
  });
}
