// The shipped TCN (v2): one global network over up to 104 weeks, trained on
// the corpus of corpus.ts. `npm run train` runs this recipe; its validation
// scores (held-out time and held-out series, never the report's test weeks)
// go into the descriptor and the model card.

import {
  DEFAULT_HISTORY_WEEKS,
  DEFAULT_MIN_SCALE,
  SEASON_INDEX_RULE,
  SEASON_TEST_RULE,
  SEASON_STRENGTH_RULE,
  SEQUENCE_FEATURE_NAMES,
  SEQUENCE_RECENT_WEEKS,
  SEQUENCE_SEASON_FEATURE_NAMES,
  SEQUENCE_STRONG_SEASON_FEATURE_NAMES,
  SEQUENCE_TESTED_SEASON_FEATURE_NAMES,
  SEQUENCE_SCALING_RULE,
} from '../core/features';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { CorpusOptions, CorpusSource } from './corpus';
import type { SamplerOptions } from './sequence-batches';
import { tcnConfig } from './recipe';
import type { TcnConfig } from './tcn';
import type { TrainOptions } from './trainer';
import type { InputSpec } from './windows';

export const SEQUENCE_RECIPE = {
  window: 104,
  minHistory: 8,
  channels: 24,
  kernel: 3,
  /** Two convolutions a block: receptive field 1 + 2·2·(1+3+9+27) = 161 weeks ≥ the window. */
  dilations: [1, 3, 9, 27],
  horizon: 26,
  quantiles: [0.1, 0.25, 0.5, 0.75, 0.9],
  dropout: 0,
  steps: 12000,
  batch: 128,
  lr: 2e-3,
  averageFrom: 0.75,
  sourceWeights: { m4: 0.35, store_item: 0.25, seed: 0.05, synthetic: 0.35 } as Record<
    CorpusSource,
    number
  >,
  /**
   * 1: the network never sees the ISO week (descriptor readsCalendar false).
   * Chosen on validation windows: trained without store-item, the model that
   * read the calendar scored WAPE 0.087 on store-item's validation weeks
   * against 0.061 blind (coverage 0.52 against 0.78): a season learnt from
   * the corpus's calendar is imposed on a retailer whose season differs.
   */
  calendarDropout: 1,
  /**
   * TcnConfig.season: the head also reads this series' own weeks one season
   * ago (0 = off). Chosen on validation windows (two seeds each, means, after
   * calibration): store-item WAPE 0.0470 against 0.0487 without, M4 MASE 2.39
   * against 2.50, seed 0.883 against 0.874; trained without store-item, 0.0601
   * on its validation weeks against 0.0607 (no season imposed from elsewhere).
   */
  season: 52,
  /**
   * TcnConfig.seasonsBack: the head also reads the horizon's weeks two years
   * ago. On validation (two seeds, means) M4 MASE 2.29 against 2.39 with one
   * year, store-item 0.0472 against 0.0470, seed 0.884 against 0.883.
   */
  seasonsBack: 2,
  /**
   * 1: the input gains the series' seasonal index over its whole history
   * (features.ts season_index), which the head reads at the horizon's weeks
   * one season back (TcnConfig.seasonIndex); 2: the same, 0 for a history
   * that fails the seasonality test (features.ts season_index_tested).
   * Chosen on validation windows (two seeds each, means, after calibration):
   * 2 gave store-item WAPE 0.0456 against 0.0472 without the index, M4 MASE
   * 2.32 against 2.29, seed 0.893 against 0.884 (the seed's histories are too
   * short for the index: training noise); 1 gave 0.0453, 2.38 and 0.884.
   * Trained without store-item, 2 scored 0.0560 on its validation weeks
   * against 0.0592 without the index.
   */
  seasonIndex: 2,
  /**
   * The rule the shipped descriptor serves the index by, where it differs
   * from the one the network was trained with (seasonIndex): 3 also zeroes it
   * when the pattern that passed the test is weak (features.ts
   * season_index_strong, the gate the library's ETS uses; the test fires on
   * any long trending series). Chosen on validation windows with the trained
   * weights unchanged: M4 MASE 2.304 against 2.337 (strength 0.2: 2.283, 0.4:
   * 2.311, 0.5: 2.302), store-item and thinned store-item identical to the
   * digit. 0: as trained.
   */
  servedSeasonIndex: 3,
  maxTarget: 20,
  /** sequence-batches.ts SamplerOptions.lossWeightCap (0 = unweighted). */
  lossWeightCap: 10,
  syntheticSeries: 1500,
  syntheticMinWeeks: 60,
  syntheticMaxWeeks: 260,
  holdOutEvery: 10,
  /**
   * 1: corpus.ts leaves out the series that had ended before their training
   * span's end (store-item's 3 · 9, four years of zeros). 0 in the shipped
   * model, which was trained with it; the next retraining turns it on.
   */
  dropEnded: 0,
  minScale: DEFAULT_MIN_SCALE,
  historyWeeks: DEFAULT_HISTORY_WEEKS,
  recentWeeks: SEQUENCE_RECENT_WEEKS,
};

export type SequenceRecipe = typeof SEQUENCE_RECIPE;

function sequenceFeatures(seasonIndex: number): readonly string[] {
  if (seasonIndex >= 3) return SEQUENCE_STRONG_SEASON_FEATURE_NAMES;
  if (seasonIndex >= 2) return SEQUENCE_TESTED_SEASON_FEATURE_NAMES;
  return seasonIndex > 0 ? SEQUENCE_SEASON_FEATURE_NAMES : SEQUENCE_FEATURE_NAMES;
}

/** The index rule of the shipped descriptor: servedSeasonIndex, else the trained one. */
function servedSeasonIndex(r: SequenceRecipe): number {
  return r.seasonIndex > 0 && r.servedSeasonIndex > 0 ? r.servedSeasonIndex : r.seasonIndex;
}

export function sequenceConfig(r: SequenceRecipe = SEQUENCE_RECIPE): TcnConfig {
  const cfg = tcnConfig(r, sequenceFeatures(r.seasonIndex).length);
  if (r.season <= 0) return cfg;
  return {
    ...cfg,
    season: r.season,
    ...(r.seasonsBack > 1 ? { seasonsBack: r.seasonsBack } : {}),
    ...(r.seasonIndex > 0 ? { seasonIndex: true } : {}),
  };
}

/** The input the shipped descriptor asks for (servedSeasonIndex's rule). */
export function sequenceSpec(r: SequenceRecipe = SEQUENCE_RECIPE): InputSpec {
  return inputSpec(r, servedSeasonIndex(r));
}

/** The input the network was trained and validated on during training (seasonIndex's rule). */
export function trainingSpec(r: SequenceRecipe = SEQUENCE_RECIPE): InputSpec {
  return inputSpec(r, r.seasonIndex);
}

function inputSpec(r: SequenceRecipe, seasonIndex: number): InputSpec {
  return {
    input: {
      name: 'input',
      window: r.window,
      features: [...sequenceFeatures(seasonIndex)],
      minHistory: r.minHistory,
      ...(r.calendarDropout >= 1 ? { readsCalendar: false } : {}),
    },
    scaling: {
      rule: [
        SEQUENCE_SCALING_RULE,
        ...(seasonIndex > 0 ? [SEASON_INDEX_RULE] : []),
        ...(seasonIndex >= 2 ? [SEASON_TEST_RULE] : []),
        ...(seasonIndex >= 3 ? [SEASON_STRENGTH_RULE] : []),
      ].join('; '),
      scaledFeatures: ['sales'],
      minScale: r.minScale,
      historyWeeks: r.historyWeeks,
      recentWeeks: r.recentWeeks,
    },
  };
}

export function corpusOptions(seed: number, r: SequenceRecipe = SEQUENCE_RECIPE): CorpusOptions {
  return {
    seed,
    syntheticSeries: r.syntheticSeries,
    syntheticMinWeeks: r.syntheticMinWeeks,
    syntheticMaxWeeks: r.syntheticMaxWeeks,
    holdOutEvery: r.holdOutEvery,
    dropEnded: r.dropEnded >= 1,
  };
}

export function samplerOptions(seed: number, r: SequenceRecipe = SEQUENCE_RECIPE): SamplerOptions {
  return {
    seed,
    horizon: r.horizon,
    minHistory: r.minHistory,
    sourceWeights: r.sourceWeights,
    calendarDropout: r.calendarDropout,
    maxTarget: r.maxTarget,
    lossWeightCap: r.lossWeightCap,
  };
}

export function trainOptions(seed: number, r: SequenceRecipe = SEQUENCE_RECIPE): TrainOptions {
  return {
    seed,
    steps: r.steps,
    batch: r.batch,
    lr: r.lr,
    realShare: 0,
    finetuneSteps: 0,
    finetuneLr: 0,
    averageFrom: r.averageFrom,
  };
}

export function describeSequence(
  r: SequenceRecipe,
  onnxFile: string,
  opset: number,
  outputName: string,
  training: Record<string, unknown>,
): ModelDescriptor {
  const spec = sequenceSpec(r);
  return {
    name: 'skucast-tcn',
    version: '2',
    onnx: onnxFile,
    opset,
    input: spec.input,
    output: { name: outputName, horizon: r.horizon, quantiles: r.quantiles },
    scaling: spec.scaling,
    training,
  };
}
