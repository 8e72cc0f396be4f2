// Worker threads for the CLI's backtest (the Node side of the browser's
// backtest pool): one per core but this one, each running the classical
// models' cross-validation on a shard of the skus. Like the model host, the
// thread is the CLI bundle itself, started as `skucast forecast --shard-host`;
// without a bundle (tests importing the source) the backtest stays on this thread.
// Requests and results move their few big buffers (transfer), not copies.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { errorText } from '../core/error-text';
import type { AutoOptions } from '../core/backtest/auto';
import { crossValidationSharded } from '../core/backtest/sharded';
import {
  runShard,
  shardBuffers,
  type ShardRequest,
  type ShardResult,
  type ShardRunner,
} from '../core/backtest/sharded';

export const SHARD_HOST_FLAG = '--shard-host';
const ROLE = 'skucast-shard-host';

type ToHost = { id: number; req: ShardRequest };
type FromHost = { id: number; res?: ShardResult; error?: string };

/** True in a thread started by startShardPool. */
export function isShardHostThread(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

/** Worker side: answer shard requests until the main thread ends the worker. */
export async function serveShardHost(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  await new Promise<void>(() => {
    port.on('message', (m: ToHost) => {
      runShard(m.req).then(
        // Transferred, not copied: at the table cap a shard's backtest is tens of MB.
        (res) => port.postMessage({ id: m.id, res } satisfies FromHost, shardBuffers(res)),
        (e: unknown) => port.postMessage({ id: m.id, error: errorText(e) } satisfies FromHost),
      );
    });
  });
}

export interface ShardPool {
  runners: ShardRunner[];
  /** auto's backtest over this pool (AutoOptions.crossValidate). */
  crossValidate: NonNullable<AutoOptions['crossValidate']>;
  dispose(): Promise<void>;
}

/**
 * The pause of this thread's part of a backtest: a macrotask, so that while
 * its classical models run, the network's batches (answered by the model
 * host's thread, backtested at the same time) are read and the next sent.
 */
async function yieldToEvents(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return;
  await new Promise((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}
/** A network batch waits at most about this long for this thread once it is back. */
const YIELD_EVERY_MS = 5;
let lastYield = 0;

function poolOf(runners: ShardRunner[], dispose: () => Promise<void>): ShardPool {
  return {
    runners,
    crossValidate: (series, models, opts) =>
      crossValidationSharded(series, models, { pause: yieldToEvents, ...opts }, runners),
    dispose,
  };
}

/** Runners for `availableParallelism() − 1` threads, started on first use; none without a bundle. */
export function startShardPool(bundle?: string): ShardPool {
  const size = Math.max(0, availableParallelism() - 1);
  if (!bundle || !/\.m?js$/.test(bundle) || size === 0) {
    return poolOf([], async () => undefined);
  }
  const workers: (Worker | undefined)[] = new Array(size);
  const pending = new Map<
    number,
    { resolve: (r: ShardResult) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  const start = (i: number): Worker => {
    let w = workers[i];
    if (w) return w;
    w = new Worker(bundle, { argv: ['forecast', SHARD_HOST_FLAG], workerData: { role: ROLE } });
    w.on('message', (m: FromHost) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.res) p.resolve(m.res);
      else p.reject(new Error(`backtest thread: ${m.error ?? 'no result'}`));
    });
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    workers[i] = w;
    return w;
  };
  const runners = Array.from(
    { length: size },
    (_, i) => (req: ShardRequest) =>
      new Promise<ShardResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        start(i).postMessage({ id, req } satisfies ToHost, shardBuffers(req));
      }),
  );
  return poolOf(runners, async () => {
    await Promise.all(workers.map((w) => w?.terminate()));
  });
}
