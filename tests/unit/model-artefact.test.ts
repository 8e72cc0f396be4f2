// The committed model files must describe one and the same thing: the recipe
// in src/training/sequence-recipe.ts trained tcn.onnx and tcn.json records it
// with its corpus and validation curve; the recipe in src/training/recipe.ts
// trained tcn8.onnx, tcn8.json records it and embeds the committed seed
// backtest, and that backtest follows its protocol. Changing a recipe without
// retraining and re-evaluating fails here.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readOnnxModel } from '../../src/training/onnx-export';
import { TCN8_REPORT_KEY } from '../../src/training/evaluate';
import { RECIPE, tcnConfig } from '../../src/training/recipe';
import {
  SEQUENCE_RECIPE,
  sequenceConfig,
  sequenceSpec,
  trainingSpec,
} from '../../src/training/sequence-recipe';

const dir = path.resolve('models');
const sequence = JSON.parse(readFileSync(path.join(dir, 'tcn.json'), 'utf8')) as {
  input: { features: string[] };
  scaling: unknown;
  output: { horizon: number; quantiles: number[] };
  training: {
    recipe: unknown;
    data: Record<string, unknown>;
    validation: { curve: { step: number; validation: Record<string, { wape: number }> }[] };
  };
};
const desc = JSON.parse(readFileSync(path.join(dir, 'tcn8.json'), 'utf8')) as {
  training: { recipe: unknown };
  backtest: { protocol: unknown; models: unknown; summary: unknown };
};
// tcn8's retraining backtest: its own block of the report, beside the model library's.
const report = (
  JSON.parse(readFileSync(path.join(dir, 'eval-report.json'), 'utf8')) as Record<
    string,
    {
      protocol: Record<string, unknown>;
      models: Record<string, { wape: number | number[]; rmse: number | number[] }>;
      summary: unknown;
    }
  >
)[TCN8_REPORT_KEY]!;

describe('committed model artefacts', () => {
  it('tcn.json records exactly the sequence recipe, its input and its training curve', () => {
    expect(sequence.training.recipe).toEqual(JSON.parse(JSON.stringify(SEQUENCE_RECIPE)));
    const spec = sequenceSpec(SEQUENCE_RECIPE);
    expect(sequence.input).toEqual(spec.input);
    expect(sequence.scaling).toEqual(spec.scaling);
    expect(sequence.output).toMatchObject({
      horizon: SEQUENCE_RECIPE.horizon,
      quantiles: SEQUENCE_RECIPE.quantiles,
    });
    for (const source of ['m4', 'store_item', 'seed', 'synthetic'])
      expect(sequence.training.data, source).toHaveProperty(source);
    const curve = sequence.training.validation.curve;
    expect(curve.at(-1)?.step).toBe(SEQUENCE_RECIPE.steps);
    for (const point of curve) expect(point.validation['store_item']?.wape).toBeGreaterThan(0);
  });

  it('tcn was trained on the tested season index and is served the strong one', () => {
    // The weights predate the strength gate: training must keep building the
    // input they were trained on, or `npm run train` would not rebuild them.
    expect(trainingSpec(SEQUENCE_RECIPE).input.features.at(-1)).toBe('season_index_tested');
    expect(sequence.input.features.at(-1)).toBe('season_index_strong');
    expect(trainingSpec(SEQUENCE_RECIPE).input.features.length).toBe(
      sequence.input.features.length,
    );
  });

  it('tcn.onnx was built from the sequence recipe', () => {
    const { cfg } = readOnnxModel(new Uint8Array(readFileSync(path.join(dir, 'tcn.onnx'))));
    expect(cfg).toEqual(sequenceConfig(SEQUENCE_RECIPE));
  });

  it('tcn8.json records exactly the recipe in the code', () => {
    expect(desc.training.recipe).toEqual(JSON.parse(JSON.stringify(RECIPE)));
  });

  it('tcn8.onnx was built from that recipe, level shrink included', () => {
    const { cfg } = readOnnxModel(new Uint8Array(readFileSync(path.join(dir, 'tcn8.onnx'))));
    const want = tcnConfig(RECIPE);
    expect({ ...cfg, levelShrink: cfg.levelShrink ?? 0 }).toEqual({
      ...want,
      levelShrink: RECIPE.levelShrink,
    });
  });

  it('eval-report.json keeps the holdout backtest of that recipe over 3 seeds, embedded in tcn8.json', () => {
    expect(report.protocol).toMatchObject({
      split: 'holdout',
      holdout_weeks: 12,
      horizon: 4,
      origins: 9,
      windows: 135,
      recipe: 'src/training/recipe.ts RECIPE',
    });
    expect((report.protocol['seeds'] as number[]).length).toBeGreaterThanOrEqual(3);
    for (const name of ['tcn', 'naive_last', 'mean_8', 'mean_all', 'ses']) {
      expect(report.models[name], name).toHaveProperty('wape');
      expect(report.models[name], name).toHaveProperty('rmse');
    }
    expect(report.models['tcn']).toHaveProperty('coverage_p10_p90');
    expect(desc.backtest).toEqual({
      report: 'eval-report.json#/tcn8_retraining',
      protocol: report.protocol,
      models: report.models,
      summary: report.summary,
    });
  });
});
