// A seed ensemble shipped as one ONNX graph (src/training/onnx-ensemble.ts)
// must compute exactly the average of its members run on their own: three
// TCNs with different weights, exported as the shipped model is, run
// separately and as one averaged graph on the same random inputs.

import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { Rng } from '../../src/core/random';
import { exportOnnx, INPUT_NAME, OUTPUT_NAME } from '../../src/training/onnx-export';
import { averageOnnx, ENSEMBLE_KEY } from '../../src/training/onnx-ensemble';
import { initWeights, type TcnConfig } from '../../src/training/tcn';
import onnxProto from 'onnx-proto';

const CFG: TcnConfig = {
  window: 11,
  features: 5,
  channels: 6,
  kernel: 3,
  dilations: [1, 3, 2],
  horizon: 4,
  quantiles: [0.1, 0.25, 0.5, 0.75, 0.9],
  dropout: 0,
  levelShrink: 0,
  season: 5,
  seasonsBack: 2,
  seasonIndex: true,
};
const N = 300;

/** A member as training leaves it, with its own seed; season taps and biases set so members differ everywhere. */
function member(cfg: TcnConfig, seed: number): Uint8Array {
  const w = initWeights(cfg, new Rng(seed));
  const rng = new Rng(seed + 100);
  w['head.season.weight']?.data.forEach((_, i, a) => (a[i] = rng.uniform(-0.5, 0.5)));
  w['head.bias']?.data.forEach((_, i, a) => (a[i] = rng.uniform(-1, 1)));
  return exportOnnx(cfg, w, `member seed ${seed}`);
}

async function run(bytes: Uint8Array, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  const out = await s.run({
    [INPUT_NAME]: new ort.Tensor('float32', x, [n, CFG.window, CFG.features]),
  });
  return out[OUTPUT_NAME]?.data as Float32Array;
}

describe('averageOnnx', () => {
  const members = [1, 2, 3].map((s) => member(CFG, s));
  let x: Float32Array;

  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    const rng = new Rng(7);
    x = Float32Array.from({ length: N * CFG.window * CFG.features }, () => rng.uniform(-1, 3));
  });

  it('gives the mean of its members run separately, to 1e-5, in quantile order', async () => {
    const separate = await Promise.all(members.map((m) => run(m, x, N)));
    const together = await run(averageOnnx(members), x, N);
    expect(together).toHaveLength(N * CFG.horizon * CFG.quantiles.length);
    let maxDiff = 0;
    let spread = 0;
    for (let i = 0; i < together.length; i++) {
      const vals = separate.map((s) => s[i] as number);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      maxDiff = Math.max(maxDiff, Math.abs((together[i] as number) - mean));
      spread = Math.max(spread, Math.max(...vals) - Math.min(...vals));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    // The members really differ, so the check above is not one of equal copies.
    expect(spread).toBeGreaterThan(0.1);
    const Q = CFG.quantiles.length;
    for (let i = 0; i < together.length; i += Q)
      for (let q = 1; q < Q; q++)
        expect(together[i + q] as number).toBeGreaterThanOrEqual(together[i + q - 1] as number);
  });

  it('with one member, is that member', async () => {
    const alone = await run(members[0] as Uint8Array, x, N);
    const wrapped = await run(averageOnnx([members[0] as Uint8Array]), x, N);
    for (let i = 0; i < alone.length; i++)
      expect(Math.abs((wrapped[i] as number) - (alone[i] as number))).toBeLessThanOrEqual(1e-6);
  });

  it('names its members in the metadata', () => {
    const model = onnxProto.onnx.ModelProto.decode(averageOnnx(members));
    const meta = model.metadataProps.find((p) => p.key === ENSEMBLE_KEY);
    expect(JSON.parse(meta?.value ?? '[]')).toEqual([
      'member seed 1',
      'member seed 2',
      'member seed 3',
    ]);
  });

  it('refuses members of another contract, and an empty list, with a message', () => {
    const longer = member({ ...CFG, horizon: 3 }, 4);
    expect(() => averageOnnx([members[0] as Uint8Array, longer])).toThrow(
      /member 2 has another input, output or opset/,
    );
    expect(() => averageOnnx([])).toThrow(/at least one member/);
  });
});
