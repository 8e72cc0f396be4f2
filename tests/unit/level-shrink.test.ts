// shrinkTowardLevel rewrites the TCN head so its median moves toward the
// series' long-run level (1 in scaled units). The shipped weights may carry
// it, so it must be exactly that affine pull, for every input, with the band
// moving along and staying ordered.

import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/training/rng';
import {
  initWeights,
  predict,
  shrinkTowardLevel,
  toTensors,
  type TcnConfig,
  type TcnWeights,
} from '../../src/training/tcn';
import { initTf } from '../../src/training/tf-backend';

const cfg: TcnConfig = {
  window: 8,
  features: 5,
  channels: 6,
  kernel: 3,
  dilations: [1, 2],
  horizon: 4,
  quantiles: [0.1, 0.5, 0.9],
  dropout: 0,
};
const N = 50;

function run(w: TcnWeights, x: Float32Array): Float32Array {
  const t = toTensors(w);
  const y = predict(cfg, t, x, N);
  Object.values(t).forEach((v) => v.dispose());
  return y;
}

describe('shrinkTowardLevel', () => {
  const rng = new Rng(7);
  const weights = initWeights(cfg, rng);
  // A head far from the level, so the pull is visible.
  weights['head.weight']!.data.forEach((_, i, a) => (a[i] = rng.uniform(-1, 1)));
  const x = Float32Array.from({ length: N * cfg.window * cfg.features }, () => rng.uniform(0, 3));

  beforeAll(async () => {
    await initTf();
  });

  it('moves p50 by exactly strength × (1 − p50) and p10/p90 by the same amount', () => {
    const base = run(weights, x);
    for (const k of [0, 0.3, 1]) {
      const y = run(shrinkTowardLevel(cfg, weights, k), x);
      for (let i = 0; i < N * cfg.horizon; i++) {
        const [lo, mid, hi] = [0, 1, 2].map((q) => base[i * 3 + q] as number) as [
          number,
          number,
          number,
        ];
        const shift = k * (1 - mid);
        expect(y[i * 3 + 1]).toBeCloseTo(mid + shift, 4);
        expect(y[i * 3]).toBeCloseTo(lo + shift, 4);
        expect(y[i * 3 + 2]).toBeCloseTo(hi + shift, 4);
        expect(y[i * 3]! <= y[i * 3 + 1]! && y[i * 3 + 1]! <= y[i * 3 + 2]!).toBe(true);
      }
    }
  });

  it('leaves the input weights untouched and refuses strengths outside [0, 1]', () => {
    const before = Float32Array.from(weights['head.bias']!.data);
    shrinkTowardLevel(cfg, weights, 0.5);
    expect(weights['head.bias']!.data).toEqual(before);
    expect(() => shrinkTowardLevel(cfg, weights, 1.5)).toThrow(/not in \[0, 1\]/);
    expect(() => shrinkTowardLevel(cfg, weights, NaN)).toThrow();
  });
});
