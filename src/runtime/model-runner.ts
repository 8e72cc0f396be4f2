// The one module that talks to onnxruntime-web. It turns an ONNX model and its
// descriptor into a `run(x, batch)` function for the pure forecast pipeline
// (src/core/forecast-library.ts, through the TCN model in src/core/models/tcn.ts),
// in a browser worker and in Node (the CLI).
//
// Which ORT build runs (each is imported on demand, never statically):
// - Browser, WebGPU to be tried (preferred 'webgpu' and navigator.gpu gives an
//   adapter): `onnxruntime-web`, which Vite resolves to the JSEP build
//   (ort-wasm-simd-threaded.jsep.wasm, 28 MB): WebGPU and WASM EPs in one
//   binary, so a WebGPU failure falls back to its own WASM EP without loading
//   a second runtime.
// - Browser otherwise: `onnxruntime-web/wasm`, the plain WASM build
//   (ort-wasm-simd-threaded.wasm, 14 MB), which the browser fetches and
//   compiles in about a third of the JSEP build's time.
//   The caller passes `wasmPaths` with same-origin URLs of both binaries (never a CDN).
// - Node: the '.' export's "node" condition (ort.node.min.mjs), WASM only, finds
//   ort-wasm-simd-threaded.mjs/.wasm next to itself in node_modules/onnxruntime-web/dist.
//   (`onnxruntime-web/wasm` has no node condition, so it is never used here.)
//
// Each build is a separate module with its own `env`; ORT's wasm settings are
// fixed at its first session, so the first runner that loads a build decides them.

import type * as OrtModule from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-web';
import { errorText } from '../core/error-text';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { HiddenRun } from '../core/models/tcn-tuned';
import { HIDDEN_OUTPUT } from '../core/models/tuned-head';

type Ort = typeof OrtModule;

export type Provider = 'webgpu' | 'wasm';

/** Same-origin URLs of the two browser binaries; each is fetched only when its build is loaded. */
export interface OrtWasmBinaries {
  /** ort-wasm-simd-threaded.jsep.wasm: WebGPU + WASM EPs, used when WebGPU is tried. */
  jsep?: string;
  /** ort-wasm-simd-threaded.wasm: WASM EP only, used when WebGPU is not tried. */
  plain?: string;
}

export interface ModelRunnerOptions {
  /** 'webgpu' tries WebGPU first and falls back to WASM; default 'wasm'. */
  preferred?: Provider;
  /**
   * Where ORT's binaries are: a prefix (directory URL) holding every
   * ort-wasm-simd-threaded*.mjs/.wasm, or the URL of each browser build's .wasm.
   * Unset: next to ORT's module (Node: node_modules/onnxruntime-web/dist).
   */
  wasmPaths?: string | OrtWasmBinaries;
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
  /**
   * Width of the model's hidden output (the head's input, HIDDEN_OUTPUT), 0
   * when the file has none: what tcn_tuned refits its head on.
   */
  readonly hiddenWidth: number;
  /** run, and also the hidden output [batch, hiddenWidth]; rejects when hiddenWidth is 0. */
  runHidden(x: Float32Array, batch: number): Promise<HiddenRun>;
  dispose(): Promise<void>;
}

/** A problem with the model file or its descriptor, worded for the user. */
export class ModelRunnerError extends Error {
  override readonly name = 'ModelRunnerError';
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

/** node: the '.' export in Node; jsep: the '.' export in a browser; plain: `onnxruntime-web/wasm`. */
type OrtBuild = 'node' | 'jsep' | 'plain';

const ortBuilds = new Map<OrtBuild, Promise<Ort>>();

function importBuild(build: OrtBuild): Promise<Ort> {
  // Literal specifiers, so the bundler splits each build (and its .wasm) into its own chunk.
  return build === 'plain' ? import('onnxruntime-web/wasm') : import('onnxruntime-web');
}

function wasmPathsFor(
  build: OrtBuild,
  paths: ModelRunnerOptions['wasmPaths'],
): string | { wasm: string } | undefined {
  if (paths === undefined || typeof paths === 'string') return paths;
  const url = build === 'jsep' ? paths.jsep : build === 'plain' ? paths.plain : undefined;
  // Only the binary: the JS glue is embedded in the bundled ORT entry.
  return url === undefined ? undefined : { wasm: url };
}

/** The ORT build, imported once and configured by the first runner that asks for it. */
function loadOrt(build: OrtBuild, opts: ModelRunnerOptions): Promise<Ort> {
  let pending = ortBuilds.get(build);
  if (!pending) {
    pending = importBuild(build).then((ort) => {
      ort.env.wasm.numThreads = threadsFor(opts.numThreads);
      // Inference in this process (the caller already sits in a worker); no extra proxy worker.
      ort.env.wasm.proxy = false;
      const paths = wasmPathsFor(build, opts.wasmPaths);
      if (paths !== undefined) ort.env.wasm.wasmPaths = paths;
      ort.env.logLevel = 'error';
      return ort;
    });
    ortBuilds.set(build, pending);
    // A failed import is not kept: the next runner tries again.
    pending.catch(() => ortBuilds.delete(build));
  }
  return pending;
}

type AdapterResult = { adapter: unknown } | { reason: string };

async function webgpuAdapter(): Promise<AdapterResult> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return { reason: 'WebGPU is not available in this browser' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: 'no WebGPU adapter (GPU blocked or unsupported)' };
    return { adapter };
  } catch (e) {
    return { reason: `WebGPU adapter request failed: ${errorText(e)}` };
  }
}

async function createSession(
  ort: Ort,
  bytes: Uint8Array,
  provider: Provider,
): Promise<InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Errors only: ORT's session warnings (e.g. shape ops kept on the CPU under
    // WebGPU) are expected and went to console.error in the browser.
    logSeverityLevel: 3,
  });
}

function checkSession(session: InferenceSession, desc: ModelDescriptor): void {
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
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  const window = desc.input.window;
  const features = desc.input.features.length;
  const outPerWindow = desc.output.horizon * desc.output.quantiles.length;

  let provider: Provider = 'wasm';
  let fallbackReason: string | undefined;
  let session: InferenceSession | undefined;
  let ort: Ort;

  const fallBack = (reason: string): void => {
    fallbackReason = reason;
    provider = 'wasm';
    opts.onFallback?.(reason);
  };

  // The adapter decides the build: the JSEP build only when WebGPU will be tried.
  const gpu = opts.preferred === 'webgpu' ? await webgpuAdapter() : undefined;
  if (gpu && 'reason' in gpu) fallBack(gpu.reason);
  if (isNode()) {
    ort = await loadOrt('node', opts);
  } else if (gpu && 'adapter' in gpu) {
    ort = await loadOrt('jsep', opts);
    (ort.env.webgpu as { adapter?: unknown }).adapter = gpu.adapter;
    try {
      session = await createSession(ort, bytes, 'webgpu');
      provider = 'webgpu';
    } catch (e) {
      // Falls back to the JSEP build's own WASM EP: it is loaded already.
      fallBack(`WebGPU session failed: ${errorText(e)}`);
    }
  } else {
    ort = await loadOrt('plain', opts);
  }
  if (!session) {
    try {
      session = await createSession(ort, bytes, 'wasm');
    } catch (e) {
      // No JSEP binary at all (e.g. offline before its first use cached it; the
      // service worker precaches only the plain build): the plain build's WASM EP.
      if (!(gpu && 'adapter' in gpu)) {
        throw new ModelRunnerError(`could not load the model: ${errorText(e)}`);
      }
      ort = await loadOrt('plain', opts);
      try {
        session = await createSession(ort, bytes, 'wasm');
      } catch (e2) {
        throw new ModelRunnerError(`could not load the model: ${errorText(e2)}`);
      }
    }
  }
  const numThreads = (ort.env.wasm.numThreads as number | undefined) ?? 1;
  checkSession(session, desc);

  const hiddenWidth = hiddenWidthOf(session);
  const runChunk = async (
    s: InferenceSession,
    x: Float32Array,
    batch: number,
    withHidden: boolean,
  ): Promise<{ y: Float32Array; hidden?: Float32Array }> => {
    const input = new ort.Tensor('float32', x, [batch, window, features]);
    // Only the outputs asked for are copied out of the session.
    const fetches = withHidden ? [desc.output.name, HIDDEN_OUTPUT] : [desc.output.name];
    const outputs = await s.run({ [desc.input.name]: input }, fetches);
    const out = outputs[desc.output.name];
    if (!out) throw new ModelRunnerError(`the model produced no output "${desc.output.name}"`);
    try {
      if (out.type !== 'float32')
        throw new ModelRunnerError(`model output is ${out.type}, expected float32`);
      if (!withHidden) return { y: out.data as Float32Array };
      const hidden = outputs[HIDDEN_OUTPUT];
      if (!hidden || hidden.type !== 'float32' || hidden.data.length !== batch * hiddenWidth)
        throw new ModelRunnerError(`the model produced no float32 output "${HIDDEN_OUTPUT}"`);
      return { y: out.data as Float32Array, hidden: hidden.data as Float32Array };
    } finally {
      // GPU-located outputs would need getData(); on both providers used here
      // data is on the CPU already, and dispose frees ORT's copy.
      input.dispose();
    }
  };

  const runAll = async (
    x: Float32Array,
    batch: number,
    withHidden: boolean,
  ): Promise<HiddenRun> => {
    if (!Number.isInteger(batch) || batch < 0 || x.length !== batch * window * features) {
      throw new ModelRunnerError(
        `input has ${x.length} values for ${batch} windows, expected ${batch} x ${window} weeks x ${features} features`,
      );
    }
    const y = new Float32Array(batch * outPerWindow);
    const hidden = new Float32Array(withHidden ? batch * hiddenWidth : 0);
    for (let start = 0; start < batch; start += chunkSize) {
      const n = Math.min(chunkSize, batch - start);
      const xs = x.subarray(start * window * features, (start + n) * window * features);
      let part: { y: Float32Array; hidden?: Float32Array };
      const s = session as InferenceSession;
      if (provider === 'webgpu') {
        try {
          part = await runChunk(s, xs, n, withHidden);
        } catch (e) {
          // Device lost, unsupported op at run time...: switch to WASM and redo this chunk.
          fallBack(`WebGPU run failed: ${errorText(e)}`);
          await s.release().catch(() => undefined);
          session = await createSession(ort, bytes, 'wasm');
          checkSession(session, desc);
          part = await runChunk(session, xs, n, withHidden);
        }
      } else {
        part = await runChunk(s, xs, n, withHidden);
      }
      if (part.y.length !== n * outPerWindow) {
        throw new ModelRunnerError(
          `model output has ${part.y.length} values for ${n} windows, expected ${n} x ${desc.output.horizon} x ${desc.output.quantiles.length}`,
        );
      }
      y.set(part.y, start * outPerWindow);
      if (part.hidden) hidden.set(part.hidden, start * hiddenWidth);
    }
    return { quantiles: y, hidden };
  };

  if (opts.warmUp) await runAll(new Float32Array(window * features), 1, false);

  // Serialise runs: an ORT session must not run concurrently with itself.
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const queued = (x: Float32Array, batch: number, withHidden: boolean): Promise<HiddenRun> => {
    if (disposed) return Promise.reject(new ModelRunnerError('the model runner was disposed'));
    const result = queue.then(() => runAll(x, batch, withHidden));
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    get provider() {
      return provider;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    numThreads,
    hiddenWidth,
    run(x: Float32Array, batch: number): Promise<Float32Array> {
      return queued(x, batch, false).then((r) => r.quantiles);
    },
    runHidden(x: Float32Array, batch: number): Promise<HiddenRun> {
      if (hiddenWidth === 0)
        return Promise.reject(
          new ModelRunnerError(`the model has no output "${HIDDEN_OUTPUT}" (an older model file)`),
        );
      return queued(x, batch, true);
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

/** Width of the hidden output, from its declared shape [batch, width]: 0 when the model has none. */
function hiddenWidthOf(session: InferenceSession): number {
  if (!session.outputNames.includes(HIDDEN_OUTPUT)) return 0;
  const meta = session.outputMetadata.find((m) => m.name === HIDDEN_OUTPUT);
  const width = meta?.isTensor ? meta.shape[1] : undefined;
  if (typeof width === 'number' && width > 0) return width;
  throw new ModelRunnerError(`the model's "${HIDDEN_OUTPUT}" output has no fixed width`);
}
