// The training loop: Adam on our own layer functions (tcn.ts), pinball loss,
// batches mixing synthetic and seed windows. Everything random comes from the
// seed, and the wasm backend runs single-threaded, so a seed rebuilds the
// same weights.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../core/random';
import type { TcnConfig, TcnWeights } from './tcn';
import { forward, initWeights, paramShapes, pinballLoss, rngDropout } from './tcn';
import type { WindowSet } from './windows';

export interface TrainOptions {
  seed: number;
  steps: number;
  batch: number;
  lr: number;
  /** Share of each batch drawn from the real (seed) windows; 0 when there are none. */
  realShare: number;
  /** Final steps that train on the real windows only (fine-tuning), at a lower rate. */
  finetuneSteps: number;
  finetuneLr: number;
  /**
   * Weight averaging: the result is the mean of the weights after each step
   * from this fraction of all steps on (1 = just the last step). Averaging the
   * tail of a decaying-rate run smooths out the noise of the last batches.
   */
  averageFrom?: number;
  log?: (msg: string) => void;
}

/** Endless shuffled pass over indices 0..n-1. */
class Cycler {
  private order: Int32Array;
  private pos: number;

  constructor(
    private readonly n: number,
    private readonly rng: Rng,
  ) {
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.pos = n;
  }

  next(): number {
    if (this.pos >= this.n) {
      this.rng.shuffle(this.order);
      this.pos = 0;
    }
    return this.order[this.pos++] as number;
  }
}

let runCounter = 0;

export interface TrainResult {
  weights: TcnWeights;
  seconds: number;
  windowsSeen: number;
  finalLoss: number;
}

export function trainTcn(
  cfg: TcnConfig,
  synth: WindowSet,
  real: WindowSet,
  opts: TrainOptions,
): TrainResult {
  const rng = new Rng(opts.seed);
  const init = initWeights(cfg, rng);
  const prefix = `run${runCounter++}/`;
  const vars: Record<string, tf.Variable> = {};
  for (const [name] of paramShapes(cfg)) {
    const w = init[name];
    if (!w) throw new Error(`missing init ${name}`);
    vars[name] = tf.variable(tf.tensor(w.data, w.shape), true, prefix + name);
  }
  const varList = Object.values(vars);
  const dropout = cfg.dropout > 0 ? rngDropout(rng, cfg.dropout) : undefined;
  const synthCycle = synth.n > 0 ? new Cycler(synth.n, rng) : null;
  const realCycle = real.n > 0 ? new Cycler(real.n, rng) : null;
  if (!synthCycle && !realCycle) throw new Error('no training windows');

  const B = opts.batch;
  const L = cfg.window;
  const F = cfg.features;
  const H = cfg.horizon;
  const xb = new Float32Array(B * L * F);
  const yb = new Float32Array(B * H);
  const mb = new Float32Array(B * H);
  const copy = (src: WindowSet, i: number, j: number): void => {
    xb.set(src.x.subarray(i * L * F, (i + 1) * L * F), j * L * F);
    yb.set(src.y.subarray(i * H, (i + 1) * H), j * H);
    mb.set(src.mask.subarray(i * H, (i + 1) * H), j * H);
  };

  const optimizer = tf.train.adam(opts.lr);
  const setLr = (lr: number): void => {
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const total = opts.steps + opts.finetuneSteps;
  const warmup = Math.min(100, Math.floor(opts.steps / 10));
  const started = Date.now();
  let lossSum = 0;
  let lossCount = 0;
  let finalLoss = NaN;
  const averageStart = Math.min(total - 1, Math.floor((opts.averageFrom ?? 1) * total));
  const sums: Record<string, tf.Variable> = {};
  for (const [name, v] of Object.entries(vars)) {
    const zeros = tf.zerosLike(v);
    sums[name] = tf.variable(zeros, false, `${prefix}sum/${name}`);
    zeros.dispose();
  }
  let averaged = 0;
  for (let step = 0; step < total; step++) {
    const finetune = step >= opts.steps;
    if (finetune) {
      const t = (step - opts.steps) / Math.max(1, opts.finetuneSteps);
      setLr(opts.finetuneLr * (0.55 + 0.45 * Math.cos(Math.PI * t)));
    } else {
      const t = step / Math.max(1, opts.steps);
      setLr(
        step < warmup
          ? (opts.lr * (step + 1)) / warmup
          : opts.lr * (0.55 + 0.45 * Math.cos(Math.PI * t)),
      );
    }
    const realShare = finetune ? 1 : realCycle ? (synthCycle ? opts.realShare : 1) : 0;
    const nReal = realCycle ? Math.round(B * realShare) : 0;
    for (let j = 0; j < B; j++) {
      if (j < nReal && realCycle) copy(real, realCycle.next(), j);
      else if (synthCycle) copy(synth, synthCycle.next(), j);
      else if (realCycle) copy(real, realCycle.next(), j);
    }
    const cost = tf.tidy(() => {
      const x = tf.tensor3d(xb, [B, L, F]);
      const y = tf.tensor2d(yb, [B, H]);
      const m = tf.tensor2d(mb, [B, H]);
      const loss = optimizer.minimize(
        () => pinballLoss(cfg, forward(cfg, vars, x, dropout), y, m),
        true,
        varList,
      );
      return loss ?? tf.scalar(NaN);
    });
    if (step >= averageStart) {
      tf.tidy(() => {
        for (const [name, v] of Object.entries(vars)) {
          const acc = sums[name] as tf.Variable;
          acc.assign(acc.add(v));
        }
      });
      averaged++;
    }
    lossSum += cost.dataSync()[0] as number;
    lossCount++;
    cost.dispose();
    if ((step + 1) % 200 === 0 || step === total - 1) {
      finalLoss = lossSum / Math.max(1, lossCount);
      opts.log?.(
        `step ${step + 1}/${total}${finetune ? ' (fine-tune)' : ''} loss ${finalLoss.toFixed(4)} ` +
          `${((((step + 1) * B) / (Date.now() - started)) * 1000).toFixed(0)} windows/s`,
      );
      lossSum = 0;
      lossCount = 0;
    }
  }
  const weights: TcnWeights = {};
  for (const [name, shape] of paramShapes(cfg)) {
    const acc = sums[name] as tf.Variable;
    const mean = tf.tidy(() => acc.div(averaged));
    weights[name] = { shape, data: Float32Array.from(mean.dataSync() as Float32Array) };
    mean.dispose();
  }
  optimizer.dispose();
  for (const v of [...varList, ...Object.values(sums)]) v.dispose();
  return { weights, seconds: (Date.now() - started) / 1000, windowsSeen: total * B, finalLoss };
}
