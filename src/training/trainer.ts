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

/** Fills one training batch: x [B, L, F], y and mask [B, H]. */
export type BatchSource = (
  step: number,
  finetune: boolean,
  xb: Float32Array,
  yb: Float32Array,
  mb: Float32Array,
) => void;

/** What the loop reports every `every` steps, and may save to resume from. */
export interface LoopHooks {
  every: number;
  /** Called with the current (not averaged) weights; returns a line for the log. */
  onCheckpoint?: (step: number, weights: () => TcnWeights, trainLoss: number) => string;
  /** Resume: start at this step with these weights and optimizer state. */
  resume?: { step: number; state: TrainState };
  /** Called after onCheckpoint with the full state, to write a resumable checkpoint. */
  save?: (state: TrainState) => void;
}

/** Everything needed to continue a run exactly: step, weights, Adam moments, weight sums. */
export interface TrainState {
  step: number;
  averaged: number;
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
}

export function trainTcn(
  cfg: TcnConfig,
  synth: WindowSet,
  real: WindowSet,
  opts: TrainOptions,
): TrainResult {
  const rng = new Rng(opts.seed);
  const synthCycle = synth.n > 0 ? new Cycler(synth.n, rng) : null;
  const realCycle = real.n > 0 ? new Cycler(real.n, rng) : null;
  if (!synthCycle && !realCycle) throw new Error('no training windows');
  const L = cfg.window;
  const F = cfg.features;
  const H = cfg.horizon;
  const B = opts.batch;
  const source: BatchSource = (_step, finetune, xb, yb, mb) => {
    const copy = (src: WindowSet, i: number, j: number): void => {
      xb.set(src.x.subarray(i * L * F, (i + 1) * L * F), j * L * F);
      yb.set(src.y.subarray(i * H, (i + 1) * H), j * H);
      mb.set(src.mask.subarray(i * H, (i + 1) * H), j * H);
    };
    const realShare = finetune ? 1 : realCycle ? (synthCycle ? opts.realShare : 1) : 0;
    const nReal = realCycle ? Math.round(B * realShare) : 0;
    for (let j = 0; j < B; j++) {
      if (j < nReal && realCycle) copy(real, realCycle.next(), j);
      else if (synthCycle) copy(synth, synthCycle.next(), j);
      else if (realCycle) copy(real, realCycle.next(), j);
    }
  };
  return trainLoop(cfg, source, rng, opts);
}

/**
 * Adam on the pinball loss with warm-up and a cosine-decaying rate, optional
 * fine-tuning and tail weight averaging. `rng` draws the initial weights and
 * dropout masks; batches come from `source`.
 */
export function trainLoop(
  cfg: TcnConfig,
  source: BatchSource,
  rng: Rng,
  opts: TrainOptions,
  hooks?: LoopHooks,
): TrainResult {
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

  const B = opts.batch;
  const L = cfg.window;
  const F = cfg.features;
  const H = cfg.horizon;
  const xb = new Float32Array(B * L * F);
  const yb = new Float32Array(B * H);
  const mb = new Float32Array(B * H);

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
  let first = 0;
  if (hooks?.resume) {
    first = hooks.resume.step;
    averaged = hooks.resume.state.averaged;
    restoreState(hooks.resume.state, vars, sums, optimizer, varList);
  }
  const snapshot = (): TcnWeights => {
    const out: TcnWeights = {};
    for (const [name, shape] of paramShapes(cfg)) {
      out[name] = { shape, data: Float32Array.from((vars[name] as tf.Variable).dataSync()) };
    }
    return out;
  };
  for (let step = first; step < total; step++) {
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
    source(step, finetune, xb, yb, mb);
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
    const every = hooks?.every ?? 200;
    if ((step + 1) % every === 0 || step === total - 1) {
      finalLoss = lossSum / Math.max(1, lossCount);
      const extra = hooks?.onCheckpoint?.(step + 1, snapshot, finalLoss) ?? '';
      opts.log?.(
        `step ${step + 1}/${total}${finetune ? ' (fine-tune)' : ''} loss ${finalLoss.toFixed(4)} ` +
          `${((((step + 1 - first) * B) / (Date.now() - started)) * 1000).toFixed(0)} windows/s${extra}`,
      );
      if (hooks?.save) hooks.save(captureState(step + 1, averaged, vars, sums, optimizer));
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
  return {
    weights,
    seconds: (Date.now() - started) / 1000,
    windowsSeen: (total - first) * B,
    finalLoss,
  };
}

function captureState(
  step: number,
  averaged: number,
  vars: Record<string, tf.Variable>,
  sums: Record<string, tf.Variable>,
  optimizer: tf.AdamOptimizer,
): TrainState {
  const tensors: TrainState['tensors'] = {};
  const put = (key: string, t: tf.Tensor): void => {
    tensors[key] = { shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) };
  };
  for (const [name, v] of Object.entries(vars)) put(`var/${name}`, v);
  for (const [name, v] of Object.entries(sums)) put(`sum/${name}`, v);
  // Adam's accumulators and its step count, in the optimizer's own order.
  const internals = optimizer as unknown as {
    accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
    accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
    accBeta1: tf.Variable;
    accBeta2: tf.Variable;
  };
  internals.accumulatedFirstMoment.forEach((m, i) => put(`m1/${i}`, m.variable));
  internals.accumulatedSecondMoment.forEach((m, i) => put(`m2/${i}`, m.variable));
  put('beta1', internals.accBeta1);
  put('beta2', internals.accBeta2);
  return { step, averaged, tensors };
}

function restoreState(
  state: TrainState,
  vars: Record<string, tf.Variable>,
  sums: Record<string, tf.Variable>,
  optimizer: tf.AdamOptimizer,
  varList: tf.Variable[],
): void {
  const take = (key: string): tf.Tensor => {
    const t = state.tensors[key];
    if (!t) throw new Error(`checkpoint lacks ${key}`);
    return tf.tensor(t.data, t.shape);
  };
  const assign = (v: tf.Variable, key: string): void => {
    const t = take(key);
    v.assign(t);
    t.dispose();
  };
  for (const [name, v] of Object.entries(vars)) assign(v, `var/${name}`);
  for (const [name, v] of Object.entries(sums)) assign(v, `sum/${name}`);
  // One zero-rate step creates Adam's accumulators; then they are overwritten.
  const lr = (optimizer as unknown as { learningRate: number }).learningRate;
  (optimizer as unknown as { learningRate: number }).learningRate = 0;
  tf.tidy(() => {
    optimizer.minimize(
      () => tf.addN(varList.map((v) => tf.sum(tf.mul(v, 0)))) as tf.Scalar,
      false,
      varList,
    );
  });
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
  const internals = optimizer as unknown as {
    accumulatedFirstMoment: { variable: tf.Variable }[];
    accumulatedSecondMoment: { variable: tf.Variable }[];
    accBeta1: tf.Variable;
    accBeta2: tf.Variable;
  };
  internals.accumulatedFirstMoment.forEach((m, i) => assign(m.variable, `m1/${i}`));
  internals.accumulatedSecondMoment.forEach((m, i) => assign(m.variable, `m2/${i}`));
  assign(internals.accBeta1, 'beta1');
  assign(internals.accBeta2, 'beta2');
}
