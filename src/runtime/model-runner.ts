// The one module that talks to onnxruntime-web. It turns an ONNX model and its
// descriptor into a `run(x, batch)` function for the pure forecast pipeline
// (src/core/forecast.ts), in a browser worker and in Node (the CLI).
//
// Which ORT build runs:
// - Browser (bundled by Vite): `onnxruntime-web` resolves to the JSEP build
//   (ort-wasm-simd-threaded.jsep.mjs/.wasm), one binary that has both the
//   WebGPU and the WASM execution providers, so a WebGPU failure can fall back
//   to WASM without loading a second runtime. The caller passes `wasmPaths`
//   pointing at same-origin copies of those two files (never a CDN).
// - Node: the package's "node" export (ort.node.min.mjs) is WASM only and finds
//   ort-wasm-simd-threaded.mjs/.wasm next to itself in node_modules/onnxruntime-web/dist.
//
// ORT's wasm settings are process-global and fixed at the first session, so the
// first runner created decides them.

import * as ort from 'onnxruntime-web';
import type { ModelDescriptor } from '../core/model-descriptor';

export type Provider = 'webgpu' | 'wasm';

export interface ModelRunnerOptions {
  /** 'webgpu' tries WebGPU first and falls back to WASM; default 'wasm'. */
  preferred?: Provider;
  /** Where ort-wasm-simd-threaded*.mjs/.wasm are served from (a same-origin prefix or file URLs). */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  /** WASM threads; only honoured when cross-origin isolated (never in Node, for determinism). */
  numThreads?: number;
  /** Windows per ORT run; a big batch is split so memory stays bounded and in cache. Default 2048. */
  chunkSize?: number;
  /** Told once, with the reason, when WebGPU was preferred but WASM is used. */
  onFallback?: (reason: string) => void;
  /**
   * Run one all-zero window before resolving, so the first real run does not pay
   * for compiling the kernels it touches (worth it when loading overlaps other work).
   */
  warmUp?: boolean;
}

export interface ModelRunner {
  /** The provider now in use (changes to 'wasm' after a WebGPU failure). */
  readonly provider: Provider;
  /** Why WebGPU was not used, when it was preferred. */
  readonly fallbackReason: string | undefined;
  /** WASM threads in use. */
  readonly numThreads: number;
  /** [batch, window, features] float32 -> [batch, horizon, quantiles] float32, in scaled units. Calls run one at a time. */
  run(x: Float32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** A problem with the model file or its descriptor, worded for the user. */
export class ModelRunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelRunnerError';
  }
}

// Measured (bench/inference.ts): 1-2k windows per run keep activations in cache; 64k runs ~30% slower.
const DEFAULT_CHUNK = 2048;

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

function threadsFor(requested: number | undefined): number {
  if (isNode()) return 1;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) return 1;
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(requested ?? Math.min(4, cores), cores));
}

let envConfigured = false;

function configureWasm(opts: ModelRunnerOptions): number {
  const threads = threadsFor(opts.numThreads);
  if (!envConfigured) {
    ort.env.wasm.numThreads = threads;
    // Inference in this process (the caller already sits in a worker); no extra proxy worker.
    ort.env.wasm.proxy = false;
    if (opts.wasmPaths !== undefined) ort.env.wasm.wasmPaths = opts.wasmPaths;
    ort.env.logLevel = 'error';
    envConfigured = true;
  }
  return (ort.env.wasm.numThreads as number | undefined) ?? threads;
}

async function webgpuAdapter(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return 'WebGPU is not available in this browser';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter (GPU blocked or unsupported)';
    (ort.env.webgpu as { adapter?: unknown }).adapter = adapter;
    return undefined;
  } catch (e) {
    return `WebGPU adapter request failed: ${errorText(e)}`;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function createSession(bytes: Uint8Array, provider: Provider): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Errors only: ORT's session warnings (e.g. shape ops kept on the CPU under
    // WebGPU) are expected and went to console.error in the browser.
    logSeverityLevel: 3,
  });
}

function checkSession(session: ort.InferenceSession, desc: ModelDescriptor): void {
  if (!session.inputNames.includes(desc.input.name)) {
    throw new ModelRunnerError(
      `the model has no input "${desc.input.name}" named by its descriptor (inputs: ${session.inputNames.join(', ') || 'none'})`,
    );
  }
  if (!session.outputNames.includes(desc.output.name)) {
    throw new ModelRunnerError(
      `the model has no output "${desc.output.name}" named by its descriptor (outputs: ${session.outputNames.join(', ') || 'none'})`,
    );
  }
}

/**
 * Loads the model and returns a runner. With `preferred: 'webgpu'` it uses
 * WebGPU when an adapter exists and the session builds; any failure there
 * (also on a later run) switches to WASM for good and is reported through
 * `onFallback` and `fallbackReason`.
 */
export async function createModelRunner(
  model: Uint8Array | ArrayBuffer,
  desc: ModelDescriptor,
  opts: ModelRunnerOptions = {},
): Promise<ModelRunner> {
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  const numThreads = configureWasm(opts);
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  const window = desc.input.window;
  const features = desc.input.features.length;
  const outPerWindow = desc.output.horizon * desc.output.quantiles.length;

  let provider: Provider = 'wasm';
  let fallbackReason: string | undefined;
  let session: ort.InferenceSession | undefined;

  const fallBack = (reason: string): void => {
    fallbackReason = reason;
    provider = 'wasm';
    opts.onFallback?.(reason);
  };

  if (opts.preferred === 'webgpu') {
    const noAdapter = await webgpuAdapter();
    if (noAdapter) {
      fallBack(noAdapter);
    } else {
      try {
        session = await createSession(bytes, 'webgpu');
        provider = 'webgpu';
      } catch (e) {
        fallBack(`WebGPU session failed: ${errorText(e)}`);
      }
    }
  }
  if (!session) {
    try {
      session = await createSession(bytes, 'wasm');
    } catch (e) {
      throw new ModelRunnerError(`could not load the model: ${errorText(e)}`);
    }
  }
  checkSession(session, desc);

  const runChunk = async (
    s: ort.InferenceSession,
    x: Float32Array,
    batch: number,
  ): Promise<Float32Array> => {
    const input = new ort.Tensor('float32', x, [batch, window, features]);
    const outputs = await s.run({ [desc.input.name]: input });
    const out = outputs[desc.output.name];
    if (!out) throw new ModelRunnerError(`the model produced no output "${desc.output.name}"`);
    try {
      if (out.type !== 'float32')
        throw new ModelRunnerError(`model output is ${out.type}, expected float32`);
      return out.data as Float32Array;
    } finally {
      // GPU-located outputs would need getData(); on both providers used here
      // data is on the CPU already, and dispose frees ORT's copy.
      input.dispose();
    }
  };

  const runAll = async (x: Float32Array, batch: number): Promise<Float32Array> => {
    if (!Number.isInteger(batch) || batch < 0 || x.length !== batch * window * features) {
      throw new ModelRunnerError(
        `input has ${x.length} values for ${batch} windows, expected ${batch} x ${window} weeks x ${features} features`,
      );
    }
    const y = new Float32Array(batch * outPerWindow);
    for (let start = 0; start < batch; start += chunkSize) {
      const n = Math.min(chunkSize, batch - start);
      const xs = x.subarray(start * window * features, (start + n) * window * features);
      let part: Float32Array;
      const s = session as ort.InferenceSession;
      if (provider === 'webgpu') {
        try {
          part = await runChunk(s, xs, n);
        } catch (e) {
          // Device lost, unsupported op at run time...: switch to WASM and redo this chunk.
          fallBack(`WebGPU run failed: ${errorText(e)}`);
          await s.release().catch(() => undefined);
          session = await createSession(bytes, 'wasm');
          checkSession(session, desc);
          part = await runChunk(session, xs, n);
        }
      } else {
        part = await runChunk(s, xs, n);
      }
      if (part.length !== n * outPerWindow) {
        throw new ModelRunnerError(
          `model output has ${part.length} values for ${n} windows, expected ${n} x ${desc.output.horizon} x ${desc.output.quantiles.length}`,
        );
      }
      y.set(part, start * outPerWindow);
    }
    return y;
  };

  if (opts.warmUp) await runAll(new Float32Array(window * features), 1);

  // Serialise runs: an ORT session must not run concurrently with itself.
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  return {
    get provider() {
      return provider;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    numThreads,
    run(x: Float32Array, batch: number): Promise<Float32Array> {
      if (disposed) return Promise.reject(new ModelRunnerError('the model runner was disposed'));
      const result = queue.then(() => runAll(x, batch));
      queue = result.catch(() => undefined);
      return result;
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await queue;
      await session?.release();
      session = undefined;
    },
  };
}
