// Loads the model once per worker, behind a module-level promise: the ONNX
// bytes and onnxruntime's WASM binaries are served from the app's own origin
// (Vite copies them into dist/assets with hashed names), never from a CDN.

import type { RunHidden } from '../core/models/tcn-tuned';
import { createModelRunner } from '../runtime/model-runner';
import { parseModelDescriptor, type ModelDescriptor } from '../core/model-descriptor';
import type { RunModel } from '../core/forecast';
import type { ProviderName } from './protocol';
// `@model` is models/ (see vite.config.ts): both files are copied to dist/assets.
import descriptorUrl from '@model/tcn.json?url';
import modelUrl from '@model/tcn.onnx?url';
// The binaries of the two onnxruntime-web builds src/runtime may load: JSEP
// (WebGPU + WASM EPs, 28 MB) when WebGPU is tried, the plain WASM build (14 MB)
// otherwise. Only URLs here: the browser fetches just the one its build needs.
import ortJsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortPlainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

export interface LoadedModel {
  descriptor: ModelDescriptor;
  /** Read after a run: a WebGPU failure mid-run switches the runner to WASM. */
  readonly provider: ProviderName;
  readonly fallbackReason: string | undefined;
  /** WASM threads onnxruntime uses: 1 unless the page is cross-origin isolated. */
  threads: number;
  run: RunModel;
  /** Width of the model's hidden output (0: an older file), and a run that returns it too: tcn_tuned's. */
  hiddenWidth: number;
  runHidden: RunHidden;
  /** How long fetching the model files and creating the session took, ms, whenever it happened. */
  sessionMs: number;
}

export interface ModelLoad {
  model: LoadedModel;
  /** Time this call waited for the model, ms: 0 when it was ready (e.g. warmed up before the run). */
  waitMs: number;
}

const pendingLoads = new Map<ProviderName, Promise<LoadedModel>>();
const readyModels = new Map<ProviderName, LoadedModel>();

/** The model for `preferred`, loaded once per worker (a warm-up and a run share one load). */
export async function loadModel(preferred: ProviderName): Promise<ModelLoad> {
  const ready = readyModels.get(preferred);
  if (ready) return { model: ready, waitMs: 0 };
  const t0 = performance.now();
  let pending = pendingLoads.get(preferred);
  if (!pending) {
    pending = createLoaded(preferred);
    pendingLoads.set(preferred, pending);
    pending.then(
      (model) => readyModels.set(preferred, model),
      // A failed load is not kept: the next run tries again.
      () => pendingLoads.delete(preferred),
    );
  }
  const model = await pending;
  return { model, waitMs: performance.now() - t0 };
}

async function createLoaded(preferred: ProviderName): Promise<LoadedModel> {
  const t0 = performance.now();
  const [descriptor, bytes] = await Promise.all([
    fetchBytes(descriptorUrl).then((b) =>
      parseModelDescriptor(JSON.parse(new TextDecoder().decode(b))),
    ),
    fetchBytes(modelUrl),
  ]);
  const runner = await createModelRunner(bytes, descriptor, {
    preferred,
    wasmPaths: {
      jsep: new URL(ortJsepWasmUrl, self.location.href).href,
      plain: new URL(ortPlainWasmUrl, self.location.href).href,
    },
    // One thread per core where the page is cross-origin isolated (COOP/COEP
    // headers); src/runtime falls back to 1 thread, with no error, where it is not.
    numThreads: self.navigator.hardwareConcurrency,
  });
  return {
    descriptor,
    get provider() {
      return runner.provider;
    },
    get fallbackReason() {
      return runner.fallbackReason;
    },
    threads: runner.numThreads,
    run: (x, batch) => runner.run(x, batch),
    hiddenWidth: runner.hiddenWidth,
    runHidden: (x, batch) => runner.runHidden(x, batch),
    sessionMs: performance.now() - t0,
  };
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `could not load the model file ${url.split('/').pop() ?? url} (HTTP ${response.status})`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
