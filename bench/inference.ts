// Inference alone: the packaged model in onnxruntime-web's WASM backend (Node,
// one thread, as the CLI runs it) on 100,000 synthetic input windows at full
// context (104 weeks for the sequence TCN), for a few chunk sizes. Target:
// >= 20,000 sku-forecasts/s (tcn; tcn8's 8-week windows: >= 50,000).
// Numbers, not a test.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseModelDescriptor, type ModelDescriptor } from '../src/core/model-descriptor';
import { createModelRunner } from '../src/runtime/model-runner';
import { median } from './measure';

const WINDOWS = 100_000;
const CHUNKS = [512, 2048, 8192] as const;
const REPEATS = 3;

/** Windows with values in the range scaled features take (around 0..3). */
function syntheticWindows(desc: ModelDescriptor, n: number): Float32Array {
  const x = new Float32Array(n * desc.input.window * desc.input.features.length);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32) * 3;
  }
  return x;
}

export async function benchInference(descriptorPath = resolve('models/tcn.json')): Promise<void> {
  const desc = parseModelDescriptor(JSON.parse(readFileSync(descriptorPath, 'utf8')));
  const bytes = readFileSync(resolve(dirname(descriptorPath), desc.onnx));
  const x = syntheticWindows(desc, WINDOWS);
  console.log(
    `inference: ${desc.name} ${desc.version}, ${WINDOWS} windows of ${desc.input.window} x ${desc.input.features.length}, ` +
      `horizon ${desc.output.horizon}, WASM 1 thread, median of ${REPEATS}`,
  );
  let t = performance.now();
  const first = await createModelRunner(bytes, desc, { chunkSize: CHUNKS[0] });
  console.log(`  session create (first, loads wasm): ${(performance.now() - t).toFixed(0)} ms`);
  await first.dispose();
  for (const chunkSize of CHUNKS) {
    const runner = await createModelRunner(bytes, desc, { chunkSize });
    await runner.run(x.subarray(0, x.length / WINDOWS), 1); // warm-up
    const times: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      t = performance.now();
      const c = process.cpuUsage();
      await runner.run(x, WINDOWS);
      const used = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpus.push((used.user + used.system) / 1000);
    }
    await runner.dispose();
    const ms = median(times);
    const cpuMs = median(cpus);
    // CPU time too: on a shared machine wall time mostly measures the neighbours.
    console.log(
      `  chunk ${String(chunkSize).padStart(6)}: ${ms.toFixed(0).padStart(6)} ms wall, ` +
        `${Math.round((WINDOWS / ms) * 1000).toLocaleString('en-US')} sku-forecasts/s (target >= ${desc.input.window > 8 ? '20,000' : '50,000'}); ` +
        `${Math.round((WINDOWS / cpuMs) * 1000).toLocaleString('en-US')} per CPU-second`,
    );
  }
}
