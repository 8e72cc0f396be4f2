// The onnxruntime-web runner in Node (WASM backend) with the packaged model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDescriptor } from '../../src/core/model-descriptor';
import { mulberry32 } from '../../src/core/random';
import {
  createModelRunner,
  ModelRunnerError,
  type ModelRunner,
} from '../../src/runtime/model-runner';
import { loadModelFiles } from './forecast-helpers';

let desc: ModelDescriptor;
let bytes: Uint8Array;
let runner: ModelRunner;

/** Deterministic pseudo-random windows in a plausible scaled range. */
function windows(batch: number, seed: number): Float32Array {
  const x = new Float32Array(batch * desc.input.window * desc.input.features.length);
  const rand = mulberry32(seed);
  for (let i = 0; i < x.length; i++) x[i] = rand() * 2;
  return x;
}

beforeAll(async () => {
  ({ desc, bytes } = loadModelFiles());
  runner = await createModelRunner(bytes, desc, { chunkSize: 7 });
});
afterAll(async () => {
  await runner?.dispose();
});

describe('createModelRunner (Node, WASM)', () => {
  it('runs on WASM with one thread and returns [batch, horizon, quantiles]', async () => {
    expect(runner.provider).toBe('wasm');
    expect(runner.numThreads).toBe(1);
    expect(runner.fallbackReason).toBeUndefined();
    const y = await runner.run(windows(20, 1), 20);
    expect(y).toBeInstanceOf(Float32Array);
    expect(y.length).toBe(20 * desc.output.horizon * desc.output.quantiles.length);
    expect(y.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('runHidden gives the same quantiles as run, and the body output [batch, 24], in chunks', async () => {
    const x = windows(20, 6);
    const y = await runner.run(x, 20);
    const both = await runner.runHidden(x, 20);
    expect(Array.from(both.quantiles)).toEqual(Array.from(y));
    expect(runner.hiddenWidth).toBe(24);
    expect(both.hidden).toHaveLength(20 * 24);
    // ReLU outputs, not all zero; window i's features depend on window i only.
    expect(both.hidden.every((v) => v >= 0)).toBe(true);
    expect(both.hidden.some((v) => v > 0)).toBe(true);
    const one = await runner.runHidden(
      x.subarray(0, desc.input.window * desc.input.features.length),
      1,
    );
    expect(Array.from(one.hidden)).toEqual(Array.from(both.hidden.subarray(0, 24)));
  });

  it('gives the same numbers in chunks as in one batch, and for concurrent calls', async () => {
    const whole = await createModelRunner(bytes, desc, { chunkSize: 10_000 });
    try {
      const x = windows(50, 2);
      const chunked = await runner.run(x, 50);
      const single = await whole.run(x, 50);
      expect(Array.from(chunked)).toEqual(Array.from(single));
      // Concurrent calls are queued, each gets its own answer.
      const xs = [windows(3, 3), windows(5, 4), windows(9, 5)];
      const together = await Promise.all(xs.map((xi, i) => runner.run(xi, [3, 5, 9][i]!)));
      for (let i = 0; i < xs.length; i++) {
        const alone = await whole.run(xs[i]!, [3, 5, 9][i]!);
        expect(Array.from(together[i]!)).toEqual(Array.from(alone));
      }
      // Window i's output depends on window i only.
      const one = await whole.run(x.subarray(0, desc.input.window * desc.input.features.length), 1);
      expect(Array.from(one)).toEqual(Array.from(single.subarray(0, one.length)));
    } finally {
      await whole.dispose();
    }
  });

  it('handles an empty batch', async () => {
    expect((await runner.run(new Float32Array(0), 0)).length).toBe(0);
  });

  it('rejects input of the wrong size with a clear message', async () => {
    await expect(runner.run(new Float32Array(10), 1)).rejects.toThrow(
      /expected 1 x \d+ weeks x \d+ features/,
    );
  });

  it('names the inputs the model really has when the descriptor is wrong', async () => {
    const wrong = { ...desc, input: { ...desc.input, name: 'not_the_input' } };
    await expect(createModelRunner(bytes, wrong)).rejects.toThrow(ModelRunnerError);
    await expect(createModelRunner(bytes, wrong)).rejects.toThrow(
      /no input "not_the_input".*inputs: /,
    );
    const wrongOut = { ...desc, output: { ...desc.output, name: 'nope' } };
    await expect(createModelRunner(bytes, wrongOut)).rejects.toThrow(/no output "nope"/);
  });

  it('reports a broken model file as a model error', async () => {
    await expect(createModelRunner(new Uint8Array([1, 2, 3, 4]), desc)).rejects.toThrow(
      /could not load the model/,
    );
  });

  it('falls back to WASM when WebGPU is preferred but absent', async () => {
    const reasons: string[] = [];
    const r = await createModelRunner(bytes, desc, {
      preferred: 'webgpu',
      onFallback: (why) => reasons.push(why),
    });
    try {
      expect(r.provider).toBe('wasm');
      expect(reasons).toHaveLength(1);
      expect(r.fallbackReason).toBe(reasons[0]);
      expect(r.fallbackReason).toMatch(/WebGPU/);
      expect((await r.run(windows(2, 9), 2)).length).toBe(
        2 * desc.output.horizon * desc.output.quantiles.length,
      );
    } finally {
      await r.dispose();
    }
  });

  it('can warm up before resolving, with the same results afterwards', async () => {
    const warm = await createModelRunner(bytes, desc, { warmUp: true });
    try {
      const x = windows(4, 21);
      expect(Array.from(await warm.run(x, 4))).toEqual(Array.from(await runner.run(x, 4)));
    } finally {
      await warm.dispose();
    }
  });

  it('refuses runs after dispose', async () => {
    const r = await createModelRunner(bytes, desc);
    await r.dispose();
    await expect(r.run(windows(1, 1), 1)).rejects.toThrow(/disposed/);
  });
});
