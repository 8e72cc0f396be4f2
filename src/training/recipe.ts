// The one training recipe: `npm run train` ships it, `npm run eval` measures
// it (retrained without the holdout), so the card describes the shipped model.
// Hyper-parameters are chosen on rolling validation (evaluate.ts --split
// rolling: three blocks before the holdout, pooled), never on the holdout.

import {
  DEFAULT_HISTORY_WEEKS,
  DEFAULT_MIN_SCALE,
  FEATURE_NAMES,
  SCALED_FEATURES,
  SCALING_RULE,
} from '../core/features';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { SkuSeries } from '../core/types';
import { Rng } from '../core/random';
import { DEFAULT_SYNTHETIC, syntheticSeries } from './synthetic';
import type { TcnConfig } from './tcn';
import type { TrainOptions, TrainResult } from './trainer';
import { trainTcn } from './trainer';
import type { InputSpec, WindowSet } from './windows';
import { buildWindows } from './windows';

export const RECIPE = {
  window: 8,
  channels: 24,
  kernel: 4,
  dilations: [1, 2, 4, 8],
  horizon: 12,
  quantiles: [0.1, 0.5, 0.9],
  dropout: 0.1,
  syntheticSeries: 600,
  /**
   * Synthetic base-rate floor and burstiness floor (synthetic.ts SyntheticOptions),
   * matched to the seed data (about 1.3 sales a SKU-week, mildly bursty): chosen
   * on rolling validation over the generator's defaults (0.3, 1).
   */
  synthMinRate: 1,
  synthMinDispersion: 10,
  steps: 3000,
  batch: 128,
  lr: 2e-3,
  realShare: 0.25,
  finetuneSteps: 0,
  finetuneLr: 5e-4,
  /** Shipped weights are the mean over steps from this fraction of training on (1 = last step). */
  averageFrom: 1,
  /**
   * After training, pull p50 this fraction of the way toward the long-run level,
   * inside [p10, p90] (TcnConfig.levelShrink; 0 = off). Chosen by
   * eval --split rolling --shrink-grid.
   */
  levelShrink: 0.3,
  /** Chance that a training window hides each optional column (with its flag off). */
  presenceDropout: { demographics: 0, age: 0.4, gender: 0.4, quantity: 0.3 },
  minHistory: 8,
  maxTarget: 20,
  minScale: DEFAULT_MIN_SCALE,
  historyWeeks: DEFAULT_HISTORY_WEEKS,
};

export type Recipe = typeof RECIPE;

/** The architecture fields a recipe shares with TcnConfig. */
export type ArchitectureRecipe = Pick<
  TcnConfig,
  'window' | 'channels' | 'kernel' | 'dilations' | 'horizon' | 'quantiles' | 'dropout'
>;

/** The network of a recipe, over `features` input features (the seed's 21 by default). */
export function tcnConfig(
  r: ArchitectureRecipe = RECIPE,
  features: number = FEATURE_NAMES.length,
): TcnConfig {
  return {
    window: r.window,
    features,
    channels: r.channels,
    kernel: r.kernel,
    dilations: r.dilations,
    horizon: r.horizon,
    quantiles: r.quantiles,
    dropout: r.dropout,
  };
}

export function inputSpec(r: Recipe = RECIPE): InputSpec {
  return {
    input: { name: 'input', window: r.window, features: [...FEATURE_NAMES] },
    scaling: {
      rule: SCALING_RULE,
      scaledFeatures: [...SCALED_FEATURES],
      minScale: r.minScale,
      historyWeeks: r.historyWeeks,
    },
  };
}

export interface RecipeRun extends TrainResult {
  cfg: TcnConfig;
  realWindows: number;
  syntheticWindows: number;
}

/**
 * Train the recipe. `cutoff` limits each seed series to rows before it (for
 * backtests); the synthetic set is drawn from the same seed.
 */
export function runRecipe(
  seed: number,
  realSeries: SkuSeries[],
  cutoff: ((s: SkuSeries) => number) | undefined,
  log: (msg: string) => void,
  r: Recipe = RECIPE,
): RecipeRun {
  const cfg = tcnConfig(r);
  const spec = inputSpec(r);
  const dataRng = new Rng(seed * 7919 + 17);
  const synthSeries: SkuSeries[] = [];
  const synthOpts = {
    ...DEFAULT_SYNTHETIC,
    minRate: r.synthMinRate,
    minDispersion: r.synthMinDispersion,
  };
  for (let i = 0; i < r.syntheticSeries; i++)
    synthSeries.push(syntheticSeries(dataRng, i, synthOpts));
  const common = {
    horizon: r.horizon,
    minHistory: r.minHistory,
    maxTarget: r.maxTarget,
    presenceDropout: { rng: dataRng, ...r.presenceDropout },
  };
  const synth: WindowSet = buildWindows(synthSeries, spec, common);
  const real: WindowSet = buildWindows(realSeries, spec, { ...common, cutoff });
  log(`windows: ${synth.n} synthetic, ${real.n} seed`);
  const opts: TrainOptions = {
    seed,
    steps: r.steps,
    batch: r.batch,
    lr: r.lr,
    realShare: r.realShare,
    finetuneSteps: r.finetuneSteps,
    finetuneLr: r.finetuneLr,
    averageFrom: r.averageFrom,
    log,
  };
  const res = trainTcn(cfg, synth, real, opts);
  // The pull is applied after training, so the loss always sees the raw median.
  const shipped: TcnConfig = r.levelShrink > 0 ? { ...cfg, levelShrink: r.levelShrink } : cfg;
  return { ...res, cfg: shipped, realWindows: real.n, syntheticWindows: synth.n };
}

export function describe(
  r: Recipe,
  onnxFile: string,
  opset: number,
  inputName: string,
  outputName: string,
  training: Record<string, unknown>,
  backtest?: Record<string, unknown>,
): ModelDescriptor {
  const spec = inputSpec(r);
  return {
    name: 'skucast-tcn',
    version: '1',
    onnx: onnxFile,
    opset,
    input: { ...spec.input, name: inputName },
    output: { name: outputName, horizon: r.horizon, quantiles: r.quantiles },
    scaling: spec.scaling,
    training,
    ...(backtest ? { backtest } : {}),
  };
}

/**
 * `base` with numeric fields set from "a=1,b.c=2" (a dotted key names a nested
 * field): the --set of experiments on validation splits (npm run train, npm run
 * eval -- --tcn).
 */
export function withOverrides<T extends object>(base: T, spec: string | undefined): T {
  const r = structuredClone(base);
  for (const pair of spec ? spec.split(',') : []) {
    const [k, v] = pair.split('=');
    const path = k ? k.split('.') : [];
    const last = path.pop();
    let at = r as Record<string, unknown>;
    for (const p of path) at = (at[p] ?? {}) as Record<string, unknown>;
    if (last === undefined || v === undefined || typeof at[last] !== 'number')
      throw new Error(`--set: unknown numeric field ${k}`);
    at[last] = Number(v);
  }
  return r;
}
