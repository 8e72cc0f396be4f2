// The committed model files must describe one and the same thing: the recipe
// in src/training/recipe.ts trained tcn.onnx, tcn.json records that recipe and
// embeds the committed backtest, and the backtest follows the protocol.
// Changing the recipe without retraining and re-evaluating fails here.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readOnnxModel } from '../../src/training/onnx-export';
import { RECIPE, tcnConfig } from '../../src/training/recipe';

const dir = path.resolve('models');
const desc = JSON.parse(readFileSync(path.join(dir, 'tcn.json'), 'utf8')) as {
  training: { recipe: unknown };
  backtest: { protocol: unknown; models: unknown; summary: unknown };
};
const report = JSON.parse(readFileSync(path.join(dir, 'eval-report.json'), 'utf8')) as {
  protocol: Record<string, unknown>;
  models: Record<string, { wape: number | number[]; rmse: number | number[] }>;
  summary: unknown;
};

describe('committed model artefacts', () => {
  it('tcn.json records exactly the recipe in the code', () => {
    expect(desc.training.recipe).toEqual(JSON.parse(JSON.stringify(RECIPE)));
  });

  it('tcn.onnx was built from that recipe, level shrink included', () => {
    const { cfg } = readOnnxModel(new Uint8Array(readFileSync(path.join(dir, 'tcn.onnx'))));
    const want = tcnConfig(RECIPE);
    expect({ ...cfg, levelShrink: cfg.levelShrink ?? 0 }).toEqual({
      ...want,
      levelShrink: RECIPE.levelShrink,
    });
  });

  it('eval-report.json is the holdout backtest of that recipe over 3 seeds, embedded in tcn.json', () => {
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
      report: 'eval-report.json',
      protocol: report.protocol,
      models: report.models,
      summary: report.summary,
    });
  });
});
