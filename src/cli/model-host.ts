// Runs the model in a worker thread for `skucast forecast`, so loading
// onnxruntime's WASM (about half a second of CPU) happens on the second core
// while the main thread reads and aggregates the CSV. The worker is the CLI
// bundle itself, started as `skucast forecast --model-host`: the dispatcher
// routes it back to the forecast command, which hands over to serveModelHost().
// When there is no bundle to start (tests importing the TypeScript source),
// the model loads in-process instead; results are the same either way.
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../core/error-text';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { HiddenRun } from '../core/models/tcn-tuned';
import { createModelRunner, ModelRunnerError, type Provider } from '../runtime/model-runner';

export const MODEL_HOST_FLAG = '--model-host';
/** Windows per onnxruntime run in the model thread. */
const HOST_CHUNK = 512;
const ROLE = 'skucast-model-host';

interface HostData {
  role: typeof ROLE;
  onnxPath: string;
  desc: ModelDescriptor;
}

type ToHost =
  { type: 'run'; id: number; x: Float32Array; batch: number; hidden?: boolean } | { type: 'close' };
type FromHost =
  | { type: 'ready'; provider: Provider; loadMs: number; hiddenWidth: number }
  | { type: 'result'; id: number; y: Float32Array; hidden?: Float32Array }
  | { type: 'error'; id?: number; kind: 'file' | 'model'; message: string };

export interface ModelHost {
  /** Resolves once the model is loaded; rejects with ModelFileError or ModelRunnerError. */
  ready: Promise<{ provider: Provider; loadMs: number; hiddenWidth: number }>;
  run(x: Float32Array, batch: number): Promise<Float32Array>;
  /** run with the hidden output too (tcn_tuned); rejects for a file without one. */
  runHidden(x: Float32Array, batch: number): Promise<HiddenRun>;
  dispose(): Promise<void>;
}

/** The ONNX file could not be read (a user-fixable path problem). */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

/** Bytes a WASM function runs before V8 optimises it (serveModelHost). */
const WASM_TIERING_BUDGET = 100_000_000;

async function load(onnxPath: string, desc: ModelDescriptor, warmUp: boolean) {
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (e) {
    throw new ModelFileError(`cannot read the model ${onnxPath}: ${errorText(e)}`);
  }
  // WASM, one thread: deterministic results, and ingestion has the other core.
  // Runs of 512 windows: the WASM heap grows to the biggest run's tensors and
  // never shrinks (about 70 MB more at 2048), and the results are the same.
  const runner = await createModelRunner(bytes, desc, {
    preferred: 'wasm',
    numThreads: 1,
    warmUp,
    chunkSize: HOST_CHUNK,
  });
  return { runner, loadMs: performance.now() - t0 };
}

/** True in the worker thread started by startModelHost. */
export function isModelHostThread(): boolean {
  return !isMainThread && (workerData as Partial<HostData> | null)?.role === ROLE;
}

/** Worker side: load the model, then answer run requests until told to close. */
export async function serveModelHost(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const { onnxPath, desc } = workerData as HostData;
  const post = (m: FromHost, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  // V8 tiers a WASM function up to its optimising compiler once it has run
  // about 1.8 MB of code. At that default the warm-up alone sends much of
  // onnxruntime's 14 MB there, and a small file's run waits for those compiles
  // (the seed file: 2.0 s against 1.4 s on the baseline tier alone). The
  // baseline tier alone runs the kernels slower, though: 3,000 skus × 100
  // weeks took 12.8 s against 10.3 s (paired medians). At 55 times the default
  // only the kernels a large run keeps hot are optimised: both at their best,
  // and the results are the same bytes.
  // Set here, in the model thread, before the WASM is compiled.
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    // Warm up here, off the main thread: the first run's kernel compilation overlaps ingestion too.
    loaded = await load(onnxPath, desc, true);
  } catch (e) {
    post({
      type: 'error',
      kind: e instanceof ModelFileError ? 'file' : 'model',
      message: errorText(e),
    });
    return;
  }
  post({
    type: 'ready',
    provider: loaded.runner.provider,
    loadMs: loaded.loadMs,
    hiddenWidth: loaded.runner.hiddenWidth,
  });
  await new Promise<void>((done) => {
    port.on('message', (m: ToHost) => {
      if (m.type === 'close') {
        port.close();
        done();
        return;
      }
      (m.hidden
        ? loaded.runner.runHidden(m.x, m.batch)
        : loaded.runner.run(m.x, m.batch).then((y) => ({ quantiles: y, hidden: undefined }))
      ).then(
        ({ quantiles: y, hidden }) =>
          post(
            { type: 'result', id: m.id, y, ...(hidden ? { hidden } : {}) },
            hidden
              ? [y.buffer as ArrayBuffer, hidden.buffer as ArrayBuffer]
              : [y.buffer as ArrayBuffer],
          ),
        (e: unknown) => post({ type: 'error', id: m.id, kind: 'model', message: errorText(e) }),
      );
    });
  });
  await loaded.runner.dispose();
}

function hostError(m: { kind: 'file' | 'model'; message: string }): Error {
  return m.kind === 'file' ? new ModelFileError(m.message) : new ModelRunnerError(m.message);
}

/**
 * Starts loading the model. `bundle` is the running CLI bundle (bin/skucast.mjs);
 * without one the model loads in this thread.
 */
export function startModelHost(
  onnxPath: string,
  desc: ModelDescriptor,
  bundle?: string,
): ModelHost {
  if (!bundle || !/\.m?js$/.test(bundle)) return inProcessHost(onnxPath, desc);
  const data: HostData = { role: ROLE, onnxPath, desc };
  const worker = new Worker(bundle, { argv: ['forecast', MODEL_HOST_FLAG], workerData: data });
  const pending = new Map<
    number,
    { resolve: (r: { y: Float32Array; hidden?: Float32Array }) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  let loaded = false;
  let settleReady: {
    resolve: (v: { provider: Provider; loadMs: number; hiddenWidth: number }) => void;
    reject: (e: Error) => void;
  };
  const ready = new Promise<{ provider: Provider; loadMs: number; hiddenWidth: number }>(
    (resolve, reject) => {
      settleReady = { resolve, reject };
    },
  );
  ready.catch(() => undefined);
  const failAll = (e: Error): void => {
    settleReady.reject(e);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: FromHost) => {
    if (m.type === 'ready') {
      loaded = true;
      settleReady.resolve({ provider: m.provider, loadMs: m.loadMs, hiddenWidth: m.hiddenWidth });
    } else if (m.type === 'result') {
      pending.get(m.id)?.resolve(m);
      pending.delete(m.id);
    } else if (m.id === undefined) failAll(hostError(m));
    else {
      pending.get(m.id)?.reject(hostError(m));
      pending.delete(m.id);
    }
  });
  const send = (
    x: Float32Array,
    batch: number,
    hidden: boolean,
  ): Promise<{ y: Float32Array; hidden?: Float32Array }> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // Copy, then hand the copy over without a second copy.
      const copy = x.slice();
      worker.postMessage({ type: 'run', id, x: copy, batch, hidden } satisfies ToHost, [
        copy.buffer,
      ]);
    });
  worker.on('error', (e) => failAll(new ModelRunnerError(`model thread failed: ${errorText(e)}`)));
  worker.on('exit', () => failAll(new ModelRunnerError('model thread stopped')));
  return {
    ready,
    run(x, batch) {
      return send(x, batch, false).then((r) => r.y);
    },
    runHidden(x, batch) {
      return send(x, batch, true).then((r) => ({
        quantiles: r.y,
        hidden: r.hidden ?? new Float32Array(0),
      }));
    },
    async dispose() {
      // Still loading (an ingest error ended the run early): no need to wait for it.
      if (!loaded) {
        await worker.terminate();
        return;
      }
      const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToHost);
      await stopped;
    },
  };
}

function inProcessHost(onnxPath: string, desc: ModelDescriptor): ModelHost {
  const loading = load(onnxPath, desc, false);
  loading.catch(() => undefined);
  return {
    ready: loading.then((l) => ({
      provider: l.runner.provider,
      loadMs: l.loadMs,
      hiddenWidth: l.runner.hiddenWidth,
    })),
    run: (x, batch) => loading.then((l) => l.runner.run(x, batch)),
    runHidden: (x, batch) => loading.then((l) => l.runner.runHidden(x, batch)),
    dispose: () => loading.then((l) => l.runner.dispose()).catch(() => undefined),
  };
}
