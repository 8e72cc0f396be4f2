// Each shipped ONNX file (the sequence TCN `tcn` and the seed's 8-week `tcn8`)
// and the tfjs graph that trained it compute the same function: tfjs is
// rebuilt from the ONNX initializers (the source of truth), both run on 1,000
// random inputs, outputs agree to 1e-4. Both compute each layer only at the
// time steps the head depends on, tfjs by concatenated taps and ONNX by one
// product per tap; the last test checks the pruning against a plain causal
// convolution written out by hand.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { FEATURE_NAMES, SEQUENCE_STRONG_SEASON_FEATURE_NAMES } from '../../src/core/features';
import { parseModelDescriptor } from '../../src/core/model-descriptor';
import {
  exportOnnx,
  INPUT_NAME as INPUT,
  HIDDEN_OUTPUT,
  OUTPUT_NAME as OUTPUT,
  readOnnxModel,
} from '../../src/training/onnx-export';
import { Rng } from '../../src/core/random';
import {
  initWeights,
  predict,
  predictHidden,
  toTensors,
  type TcnConfig,
  type TcnWeights,
} from '../../src/training/tcn';
import { initTf } from '../../src/training/tf-backend';

const N = 1000;

// tcn also outputs its body's last step (the head's input), for tcn_tuned.
const SHIPPED = [
  {
    file: 'tcn',
    features: SEQUENCE_STRONG_SEASON_FEATURE_NAMES,
    maxBytes: 2 * 1024 * 1024,
    hidden: true,
  },
  { file: 'tcn8', features: FEATURE_NAMES, maxBytes: 500 * 1024, hidden: false },
] as const;

describe.each(SHIPPED)('models/$file.onnx', ({ file, features, maxBytes, hidden }) => {
  const onnxPath = path.resolve(`models/${file}.onnx`);
  const desc = parseModelDescriptor(
    JSON.parse(readFileSync(path.resolve(`models/${file}.json`), 'utf8')),
  );
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
    expect(session.outputNames).toEqual(
      hidden ? [desc.output.name, HIDDEN_OUTPUT] : [desc.output.name],
    );
    expect(cfg.window).toBe(desc.input.window);
    expect(cfg.features).toBe(desc.input.features.length);
    expect(desc.input.features).toEqual([...features]);
    expect(cfg.horizon).toBe(desc.output.horizon);
    expect(cfg.quantiles).toEqual(desc.output.quantiles);
    expect(desc.onnx).toBe(path.basename(onnxPath));
  });

  it(`is small enough to ship (≤ ${maxBytes / 1024} KB)`, () => {
    expect(statSync(onnxPath).size).toBeLessThanOrEqual(maxBytes);
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

  it.runIf(hidden)(
    'outputs the body of the tfjs network (the head input) on 1,000 inputs to 1e-4',
    async () => {
      const tensors = toTensors(weights);
      const expected = predictHidden(cfg, tensors, x, N);
      Object.values(tensors).forEach((t) => t.dispose());
      const out = (
        await session.run({
          [desc.input.name]: new ort.Tensor('float32', x, [N, cfg.window, cfg.features]),
        })
      )[HIDDEN_OUTPUT];
      expect(out?.dims).toEqual([N, cfg.channels]);
      const got = out?.data as Float32Array;
      let maxDiff = 0;
      let nonZero = 0;
      for (let i = 0; i < got.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((got[i] as number) - (expected[i] as number)));
        if ((got[i] as number) > 0) nonZero++;
      }
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
      // A body of dead ReLUs would match trivially.
      expect(nonZero).toBeGreaterThan(got.length / 10);
    },
  );

  it('keeps its quantiles in order for every input', async () => {
    const out = await session.run({
      [desc.input.name]: new ort.Tensor('float32', x, [N, cfg.window, cfg.features]),
    });
    const y = out[desc.output.name]?.data as Float32Array;
    const Q = cfg.quantiles.length;
    let crossed = 0;
    for (let i = 0; i < y.length; i += Q)
      for (let q = 1; q < Q; q++) if ((y[i + q - 1] as number) > (y[i + q] as number)) crossed++;
    expect(crossed).toBe(0);
  });
});

describe('the pruned graphs', () => {
  it('prunes any architecture exactly: tfjs and ONNX equal a plain causal TCN over every step', async () => {
    for (const [quantiles, season, seasonsBack = 1, seasonIndex = false] of [
      [[0.1, 0.5, 0.9], 0],
      [[0.1, 0.25, 0.5, 0.75, 0.9], 0],
      [[0.1, 0.25, 0.5, 0.75, 0.9], 5],
      [[0.1, 0.5, 0.9], 5, 2],
      [[0.1, 0.25, 0.5, 0.75, 0.9], 5, 2, true],
    ] as const) {
      const other: TcnConfig = {
        window: 11,
        features: 5,
        channels: 6,
        kernel: 3,
        dilations: [1, 3, 2],
        horizon: 4,
        quantiles: [...quantiles],
        dropout: 0,
        levelShrink: quantiles.length === 3 ? 0.5 : 0,
        season,
        seasonsBack,
        seasonIndex,
      };
      const w = initWeights(other, new Rng(5));
      // the season taps start at zero: give them weights to check
      const seasonRng = new Rng(9);
      w['head.season.weight']?.data.forEach((_, i, a) => (a[i] = seasonRng.uniform(-0.5, 0.5)));
      // two horizon weeks with medians far below the level, so the pulled p50
      // meets the p90 clamp there and moves freely in the other two
      w['head.bias']!.data.fill(-2, 0, 2);
      const n = 200;
      const rng = new Rng(7);
      const xo = Float32Array.from({ length: n * other.window * other.features }, () =>
        rng.uniform(-1, 3),
      );
      const reference = plainTcn(other, w, xo, n);
      const tensors = toTensors(w);
      const viaTfjs = predict(other, tensors, xo, n);
      const hiddenTfjs = predictHidden(other, tensors, xo, n);
      Object.values(tensors).forEach((t) => t.dispose());
      const s = await ort.InferenceSession.create(exportOnnx(other, w, '', { hidden: true }));
      const out = await s.run({
        [INPUT]: new ort.Tensor('float32', xo, [n, other.window, other.features]),
      });
      const viaOnnx = out[OUTPUT]?.data as Float32Array;
      const hiddenOnnx = out[HIDDEN_OUTPUT]?.data as Float32Array;
      expect(hiddenOnnx).toHaveLength(n * other.channels);
      for (let i = 0; i < hiddenTfjs.length; i++)
        expect(Math.abs((hiddenOnnx[i] as number) - (hiddenTfjs[i] as number))).toBeLessThanOrEqual(
          1e-4,
        );
      expect(viaOnnx).toHaveLength(reference.length);
      expect(viaTfjs).toHaveLength(reference.length);
      for (let i = 0; i < reference.length; i++) {
        expect(Math.abs((viaOnnx[i] as number) - (reference[i] as number))).toBeLessThanOrEqual(
          1e-4,
        );
        expect(Math.abs((viaTfjs[i] as number) - (reference[i] as number))).toBeLessThanOrEqual(
          1e-4,
        );
      }
    }
  });
});

/**
 * The TCN written out in loops, every block at every time step (no pruning):
 * y[t] = Σ_k W_k x[t − (K−1−k)·d] + b with zeros before the start; the head
 * reads the last step; quantiles are the median minus/plus running softplus sums.
 */
function plainTcn(cfg: TcnConfig, w: TcnWeights, x: Float32Array, n: number): Float64Array {
  const { window: L, channels: C, kernel: K, horizon: H } = cfg;
  const Q = cfg.quantiles.length;
  const mid = cfg.quantiles.indexOf(0.5);
  const out = new Float64Array(n * H * Q);
  const data = (name: string): Float32Array => w[name]!.data;
  const conv = (
    inp: Float64Array[],
    cin: number,
    name: string,
    d: number,
    k: number,
  ): Float64Array[] =>
    inp.map((_, t) => {
      const y = new Float64Array(C);
      for (let co = 0; co < C; co++) {
        let acc = data(`${name}.bias`)[co] as number;
        for (let tap = 0; tap < k; tap++) {
          const src = t - (k - 1 - tap) * d;
          if (src < 0) continue;
          for (let ci = 0; ci < cin; ci++)
            acc +=
              (inp[src]![ci] as number) *
              (data(`${name}.weight`)[(tap * cin + ci) * C + co] as number);
        }
        y[co] = acc;
      }
      return y;
    });
  const relu = (v: Float64Array[]): Float64Array[] => v.map((r) => r.map((u) => Math.max(0, u)));
  const softplus = (u: number): number => Math.log1p(Math.exp(u));
  for (let b = 0; b < n; b++) {
    let h: Float64Array[] = Array.from({ length: L }, (_, t) =>
      Float64Array.from(x.subarray((b * L + t) * cfg.features, (b * L + t + 1) * cfg.features)),
    );
    cfg.dilations.forEach((d, i) => {
      const cin = h[0]!.length;
      const a = relu(conv(h, cin, `block${i}.conv1`, d, K));
      const c = relu(conv(a, C, `block${i}.conv2`, d, K));
      const res = cin !== C ? conv(h, cin, `block${i}.residual`, 1, 1) : h;
      h = relu(c.map((r, t) => r.map((u, j) => u + (res[t]![j] as number))));
    });
    const last = h[L - 1]!;
    const z = new Float64Array(Q * H);
    for (let o = 0; o < Q * H; o++) {
      let acc = data('head.bias')[o] as number;
      for (let j = 0; j < C; j++)
        acc += (last[j] as number) * (data('head.weight')[j * Q * H + o] as number);
      // cfg.season: the head reads sales and observed at the season-ago weeks
      // of the horizon (4 weeks earlier too) and at the last 4 weeks.
      const m = cfg.season ?? 0;
      if (m > 0) {
        let e = 0;
        const ranges = [
          [L - m - 4, L - m + H],
          [L - 4, L],
        ];
        // then the horizon's weeks 2, 3, … seasons ago
        for (let k = 2; k <= (cfg.seasonsBack ?? 1); k++) ranges.push([L - k * m, L - k * m + H]);
        for (const [from, to] of ranges as [number, number][])
          for (let t = from; t < to; t++)
            for (let c = 0; c < 2; c++, e++)
              acc +=
                (x[(b * L + t) * cfg.features + c] as number) *
                (data('head.season.weight')[e * Q * H + o] as number);
        // then the last channel (season_index) at the horizon's weeks a season ago
        if (cfg.seasonIndex)
          for (let t = L - m; t < L - m + H; t++, e++)
            acc +=
              (x[(b * L + t) * cfg.features + cfg.features - 1] as number) *
              (data('head.season.weight')[e * Q * H + o] as number);
      }
      z[o] = acc;
    }
    for (let t = 0; t < H; t++) {
      const m = z[t] as number;
      const q = new Float64Array(Q);
      q[mid] = m;
      for (let g = 1; g <= mid; g++)
        q[mid - g] = (q[mid - g + 1] as number) - softplus(z[g * H + t] as number);
      for (let g = 1; g < Q - mid; g++)
        q[mid + g] = (q[mid + g - 1] as number) + softplus(z[(mid + g) * H + t] as number);
      const k = cfg.levelShrink ?? 0;
      if (k > 0) q[mid] = Math.min(Math.max(m * (1 - k) + k, q[0] as number), q[Q - 1] as number);
      for (let j = 0; j < Q; j++) out[(b * H + t) * Q + j] = q[j] as number;
    }
  }
  return out;
}
