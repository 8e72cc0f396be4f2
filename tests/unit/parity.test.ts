// The shipped ONNX file and the tfjs graph that trained it compute the same
// function: tfjs is rebuilt from the ONNX initializers (the source of truth),
// both run on 1,000 random inputs, outputs agree to 1e-4. The exported graph
// computes each layer only at the time steps the head depends on; tfjs computes
// the full network, so the comparison also checks that pruning.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { FEATURE_NAMES } from '../../src/core/features';
import { parseModelDescriptor } from '../../src/core/model-descriptor';
import {
  exportOnnx,
  INPUT_NAME as INPUT,
  OUTPUT_NAME as OUTPUT,
  readOnnxModel,
} from '../../src/training/onnx-export';
import { Rng } from '../../src/core/random';
import { initWeights, predict, toTensors, type TcnConfig } from '../../src/training/tcn';
import { initTf } from '../../src/training/tf-backend';

const onnxPath = path.resolve('models/tcn.onnx');
const desc = parseModelDescriptor(
  JSON.parse(readFileSync(path.resolve('models/tcn.json'), 'utf8')),
);
const N = 1000;

describe('models/tcn.onnx', () => {
  const bytes = new Uint8Array(readFileSync(onnxPath));
  const { cfg, weights } = readOnnxModel(bytes);
  let session: ort.InferenceSession;
  let x: Float32Array;

  beforeAll(async () => {
    await initTf();
    ort.env.wasm.numThreads = 1;
    session = await ort.InferenceSession.create(bytes);
    // Inputs in the range features.ts produces: scaled amounts mostly 0..5 with
    // zeros, shares and flags in 0..1, cyclic terms in -1..1.
    const rng = new Rng(2024);
    x = new Float32Array(N * cfg.window * cfg.features);
    for (let i = 0; i < x.length; i++) {
      const r = rng.next();
      x[i] = r < 0.3 ? 0 : r < 0.9 ? rng.uniform(-1, 3) : rng.uniform(3, 20);
    }
  });

  it('matches the descriptor: names, window, features, horizon, quantiles', () => {
    expect(session.inputNames).toEqual([desc.input.name]);
    expect(session.outputNames).toEqual([desc.output.name]);
    expect(cfg.window).toBe(desc.input.window);
    expect(cfg.features).toBe(desc.input.features.length);
    expect(desc.input.features).toEqual([...FEATURE_NAMES]);
    expect(cfg.horizon).toBe(desc.output.horizon);
    expect(cfg.quantiles).toEqual(desc.output.quantiles);
    expect(desc.onnx).toBe(path.basename(onnxPath));
  });

  it('is small enough to ship (≤ 500 KB)', () => {
    expect(statSync(onnxPath).size).toBeLessThanOrEqual(500 * 1024);
  });

  it('gives the tfjs outputs on 1,000 random inputs to 1e-4, with a dynamic batch', async () => {
    const tensors = toTensors(weights);
    const expected = predict(cfg, tensors, x, N);
    Object.values(tensors).forEach((t) => t.dispose());
    const feeds = {
      [desc.input.name]: new ort.Tensor('float32', x, [N, cfg.window, cfg.features]),
    };
    const out = (await session.run(feeds))[desc.output.name];
    expect(out?.dims).toEqual([N, cfg.horizon, cfg.quantiles.length]);
    const got = out?.data as Float32Array;
    expect(got).toHaveLength(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((got[i] as number) - (expected[i] as number)));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);

    // A batch of one through the same file gives the same first row.
    const one = await session.run({
      [desc.input.name]: new ort.Tensor('float32', x.slice(0, cfg.window * cfg.features), [
        1,
        cfg.window,
        cfg.features,
      ]),
    });
    const first = one[desc.output.name]?.data as Float32Array;
    for (let i = 0; i < first.length; i++)
      expect(Math.abs((first[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(1e-4);
  });

  it('keeps p10 ≤ p50 ≤ p90 for every input', async () => {
    const out = await session.run({
      [desc.input.name]: new ort.Tensor('float32', x, [N, cfg.window, cfg.features]),
    });
    const y = out[desc.output.name]?.data as Float32Array;
    for (let i = 0; i < y.length; i += 3) {
      expect(y[i] as number).toBeLessThanOrEqual(y[i + 1] as number);
      expect(y[i + 1] as number).toBeLessThanOrEqual(y[i + 2] as number);
    }
  });

  it('prunes any architecture exactly: another window, kernel, dilations and a level shrink against full tfjs', async () => {
    const other: TcnConfig = {
      window: 11,
      features: 5,
      channels: 6,
      kernel: 3,
      dilations: [1, 3, 2],
      horizon: 4,
      quantiles: [0.1, 0.5, 0.9],
      dropout: 0,
      levelShrink: 0.5,
    };
    const w = initWeights(other, new Rng(5));
    // two horizon weeks with medians far below the level, so the pulled p50
    // meets the p90 clamp there and moves freely in the other two
    w['head.bias']!.data.fill(-2, 0, 2);
    const n = 200;
    const rng = new Rng(7);
    const xo = Float32Array.from({ length: n * other.window * other.features }, () =>
      rng.uniform(-1, 3),
    );
    const tensors = toTensors(w);
    const expected = predict(other, tensors, xo, n);
    Object.values(tensors).forEach((t) => t.dispose());
    const s = await ort.InferenceSession.create(exportOnnx(other, w));
    const out = await s.run({
      [INPUT]: new ort.Tensor('float32', xo, [n, other.window, other.features]),
    });
    const got = out[OUTPUT]?.data as Float32Array;
    expect(got).toHaveLength(expected.length);
    for (let i = 0; i < got.length; i++)
      expect(Math.abs((got[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(1e-4);
  });
});
