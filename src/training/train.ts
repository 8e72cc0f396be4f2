// `npm run train -- [--seed N] [--out DIR] [--steps N] [--set k=v,…] [--fresh]`: trains the
// shipped TCN (v2, sequence-recipe.ts) on the corpus of corpus.ts and writes
// DIR/tcn.onnx and DIR/tcn.json. Progress and validation scores are printed
// every 250 steps and a checkpoint is kept in .cache/, so an interrupted run
// continues where it stopped (--fresh ignores it). The same seed rebuilds the
// same weights, resumed or not. --set changes numeric fields of the recipe
// (e.g. calendarDropout=1,sourceWeights.store_item=0) for experiments.

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { intOption, optionValue, parseArgs, rejectUnknown } from '../node/args';
import { loadCorpus, type CorpusSource } from './corpus';
import { withOverrides } from './recipe';
import { exportOnnx, ONNX_OPSET, OUTPUT_NAME } from './onnx-export';
import { trainingSampler, validationSet, type ValidationSet } from './sequence-batches';
import {
  corpusOptions,
  describeSequence,
  samplerOptions,
  SEQUENCE_RECIPE,
  sequenceConfig,
  trainingSpec,
  trainOptions,
  type SequenceRecipe,
} from './sequence-recipe';
import { countParams, predict, toTensors, type TcnConfig, type TcnWeights } from './tcn';
import { initTf } from './tf-backend';
import { trainingCurve, type CurvePoint, type ValidationScore } from './training-curve';
import { trainLoop, type TrainState } from './trainer';
import { Rng } from '../core/random';

export const DEFAULT_SEED = 1;
const EVERY = 250;

/** Scores of `weights` on the validation windows, by source. */
export function validate(
  cfg: TcnConfig,
  weights: TcnWeights,
  set: ValidationSet,
): Partial<Record<CorpusSource, ValidationScore>> {
  const tensors = toTensors(weights);
  const H = cfg.horizon;
  const Q = cfg.quantiles.length;
  const mid = cfg.quantiles.indexOf(0.5);
  const stride = cfg.window * cfg.features;
  const acc = new Map<
    CorpusSource,
    { pin: number; err: number; abs: number; cov: number; n: number; w: number }
  >();
  const chunk = 1024;
  for (let a = 0; a < set.n; a += chunk) {
    const n = Math.min(chunk, set.n - a);
    const y = predict(cfg, tensors, set.x.subarray(a * stride, (a + n) * stride), n);
    for (let j = 0; j < n; j++) {
      const i = a + j;
      const src = set.source[i] as CorpusSource;
      const s = acc.get(src) ?? { pin: 0, err: 0, abs: 0, cov: 0, n: 0, w: 0 };
      acc.set(src, s);
      s.w++;
      const scale = set.scale[i] as number;
      for (let h = 0; h < H; h++) {
        if (set.mask[i * H + h] !== 1) continue;
        const target = set.y[i * H + h] as number;
        const o = (j * H + h) * Q;
        cfg.quantiles.forEach((q, k) => {
          const d = target - (y[o + k] as number);
          s.pin += Math.max(q * d, (q - 1) * d) / Q;
        });
        s.err += Math.abs(target - (y[o + mid] as number)) * scale;
        s.abs += Math.abs(target) * scale;
        if (target >= (y[o] as number) && target <= (y[o + Q - 1] as number)) s.cov++;
        s.n++;
      }
    }
  }
  Object.values(tensors).forEach((t) => t.dispose());
  const out: Partial<Record<CorpusSource, ValidationScore>> = {};
  for (const [src, s] of acc) {
    out[src] = {
      pinball: round(s.pin / Math.max(1, s.n)),
      wape: round(s.err / Math.max(1e-12, s.abs)),
      coverage: round(s.cov / Math.max(1, s.n)),
      windows: s.w,
    };
  }
  return out;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

interface Checkpoint {
  recipe: string;
  seed: number;
  curve: CurvePoint[];
  /** Training seconds before this checkpoint, over every run that led to it. */
  seconds?: number;
  /** The training loss of the last logged steps. */
  loss?: number;
  state: {
    step: number;
    averaged: number;
    tensors: Record<string, { shape: number[]; data: number[] }>;
  };
}

function recipeHash(r: SequenceRecipe, seed: number): string {
  return createHash('sha256').update(JSON.stringify({ r, seed })).digest('hex').slice(0, 16);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['seed', 'out', 'steps', 'set']);
  rejectUnknown(args, ['fresh']);
  const seed = intOption(args, 'seed', DEFAULT_SEED);
  const outDir = path.resolve(optionValue(args, 'out') ?? 'models');
  const recipe: SequenceRecipe = withOverrides(
    { ...SEQUENCE_RECIPE, steps: intOption(args, 'steps', SEQUENCE_RECIPE.steps) },
    optionValue(args, 'set'),
  );
  const log = (m: string): void => console.log(m);
  const started = Date.now();
  const corpus = await loadCorpus(corpusOptions(seed, recipe));
  if (!corpus.sources.m4 || !corpus.sources.store_item) {
    throw new Error('training needs ../shared/data (M4 weekly and store-item sales; see README)');
  }
  await initTf();
  const cfg = sequenceConfig(recipe);
  const spec = trainingSpec(recipe);
  const counts: Partial<Record<CorpusSource, number>> = {};
  for (const s of corpus.series) counts[s.source] = (counts[s.source] ?? 0) + 1;
  const valid = validationSet(corpus.series, spec, recipe.horizon, recipe.minHistory);
  log(
    `corpus: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')} series; ${valid.n} validation windows; ${countParams(cfg)} parameters`,
  );
  const cacheDir = path.resolve('.cache');
  const checkpointFile = path.join(cacheDir, `train-tcn-${recipeHash(recipe, seed)}.json`);
  let curve: CurvePoint[] = [];
  let resume: { step: number; state: TrainState } | undefined;
  // A run resumed from a checkpoint reports the time and loss of the whole
  // training, not only of its own steps (none, if the checkpoint was final).
  let priorSeconds = 0;
  let lastLoss = NaN;
  if (!args.flags.has('fresh') && existsSync(checkpointFile)) {
    const cp = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
    const tensors: TrainState['tensors'] = {};
    for (const [k, t] of Object.entries(cp.state.tensors))
      tensors[k] = { shape: t.shape, data: Float32Array.from(t.data) };
    resume = { step: cp.state.step, state: { ...cp.state, tensors } };
    curve = cp.curve;
    priorSeconds = cp.seconds ?? 0;
    lastLoss = cp.loss ?? NaN;
    log(`resuming from step ${cp.state.step} (${checkpointFile})`);
  }
  const opts = { ...trainOptions(seed, recipe), log };
  const res = trainLoop(
    cfg,
    trainingSampler(corpus.series, spec, samplerOptions(seed, recipe)),
    new Rng(seed),
    opts,
    {
      every: EVERY,
      ...(resume ? { resume } : {}),
      onCheckpoint: (step, weights, trainLoss) => {
        lastLoss = trainLoss;
        const v = validate(cfg, weights(), valid);
        curve.push({ step, train_loss: round(trainLoss), validation: v });
        return (
          ' | valid ' +
          Object.entries(v)
            .map(([k, s]) => `${k} wape ${s.wape.toFixed(4)} cov ${s.coverage.toFixed(2)}`)
            .join(', ')
        );
      },
      save: (state) => {
        mkdirSync(cacheDir, { recursive: true });
        const tensors: Checkpoint['state']['tensors'] = {};
        for (const [k, t] of Object.entries(state.tensors))
          tensors[k] = { shape: t.shape, data: Array.from(t.data) };
        const cp: Checkpoint = {
          recipe: recipeHash(recipe, seed),
          seed,
          curve,
          seconds: priorSeconds + Math.round((Date.now() - started) / 1000),
          loss: lastLoss,
          state: { ...state, tensors },
        };
        writeFileSync(checkpointFile + '.tmp', JSON.stringify(cp));
        renameSync(checkpointFile + '.tmp', checkpointFile);
      },
    },
  );
  const final = validate(cfg, res.weights, valid);
  log(`averaged weights: ${JSON.stringify(final)}`);
  const bytes = exportOnnx(cfg, res.weights, `skucast TCN v2, seed ${seed}`, { hidden: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'tcn.onnx'), bytes);
  const desc = describeSequence(recipe, 'tcn.onnx', ONNX_OPSET, OUTPUT_NAME, {
    seed,
    command: `npm run train -- --seed ${seed}`,
    trainedAt: new Date().toISOString().slice(0, 10),
    data: { ...corpus.sources, series: counts },
    recipe,
    parameters: countParams(cfg),
    windowsSeen: recipe.steps * recipe.batch,
    finalLoss: Number.isFinite(res.finalLoss) ? res.finalLoss : lastLoss,
    seconds: priorSeconds + Math.round((Date.now() - started) / 1000),
    framework: `@tensorflow/tfjs ${tf.version.tfjs} (wasm backend, 1 thread)`,
    validation: {
      protocol:
        'held-out time (M4: last 13 weeks of Weekly-train; store-item and seed: the 12 weeks before the report holdout) and held-out series (every 10th M4 and synthetic series); scaled pinball, money WAPE of p50, p10–p90 coverage before calibration',
      final,
      curve,
    },
  });
  writeFileSync(path.join(outDir, 'tcn.json'), JSON.stringify(desc, null, 2) + '\n');
  writeFileSync(path.join(outDir, 'tcn-training-curve.svg'), trainingCurve(curve));
  log(
    `wrote ${path.join(outDir, 'tcn.onnx')} (${bytes.length} bytes) and tcn.json in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

await main();
