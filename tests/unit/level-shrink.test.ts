// TcnConfig.levelShrink pulls the TCN's median toward the series' long-run
// level (1 in scaled units) at inference, inside the trained band. The shipped
// model may carry it, so it must be exactly that pull, for every input, with
// p10 and p90 unchanged and the quantiles still ordered.

import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random';
import { initWeights, predict, toTensors, type TcnConfig } from '../../src/training/tcn';
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

describe('levelShrink', () => {
  const rng = new Rng(7);
  const weights = initWeights(cfg, rng);
  // A head far from the level and a wide spread of medians, so both the pull
  // and the clamp to [p10, p90] happen.
  weights['head.weight']!.data.forEach((_, i, a) => (a[i] = rng.uniform(-1, 1)));
  const x = Float32Array.from({ length: N * cfg.window * cfg.features }, () => rng.uniform(0, 3));

  beforeAll(async () => {
    await initTf();
  });

  function run(c: TcnConfig): Float32Array {
    const t = toTensors(weights);
    const y = predict(c, t, x, N);
    Object.values(t).forEach((v) => v.dispose());
    return y;
  }

  it('moves p50 by strength × (1 − p50), clamped to the unchanged p10..p90 band', () => {
    const base = run(cfg);
    let clamped = 0;
    let pulled = 0;
    for (const k of [0.3, 1]) {
      const y = run({ ...cfg, levelShrink: k });
      for (let i = 0; i < N * cfg.horizon; i++) {
        const [lo, mid, hi] = [0, 1, 2].map((q) => base[i * 3 + q] as number) as [
          number,
          number,
          number,
        ];
        const target = mid + k * (1 - mid);
        const want = Math.min(hi, Math.max(lo, target));
        if (want !== target) clamped++;
        else if (Math.abs(target - mid) > 1e-3) pulled++;
        expect(y[i * 3 + 1]).toBeCloseTo(want, 5);
        expect(y[i * 3]).toBeCloseTo(lo, 6);
        expect(y[i * 3 + 2]).toBeCloseTo(hi, 6);
      }
    }
    expect(clamped).toBeGreaterThan(0);
    expect(pulled).toBeGreaterThan(0);
  });

  it('is off when unset or 0', () => {
    expect(run({ ...cfg, levelShrink: 0 })).toEqual(run(cfg));
  });
});
