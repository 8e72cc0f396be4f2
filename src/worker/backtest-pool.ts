// The forecast worker's pool of backtest workers: navigator.hardwareConcurrency
// − 1 of them (at least one), started on the first backtest big enough to be
// split (core/backtest/sharded.ts decides) and kept for the next runs. A
// cancelled run stops them (`stopShards`): their shards' calls reject, and the
// next backtest starts a fresh pool. They die with the forecast worker too.

import { wrap, type Remote } from 'comlink';
import type { ShardRequest, ShardRunner } from '../core/backtest/sharded';
import type { BacktestWorkerApi } from './backtest.worker';

interface Pool {
  workers: Worker[];
  apis: Remote<BacktestWorkerApi>[];
  /** Rejects when the pool is stopped, so no shard's call waits on a terminated worker. */
  stopped: Promise<never>;
  stop: (reason: Error) => void;
}

let pool: Pool | null = null;

/** Workers in the pool: one per core, less the one this worker runs on. */
export function poolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, cores - 1);
}

function start(): Pool {
  if (pool) return pool;
  const workers = Array.from(
    { length: poolSize() },
    (_, i) =>
      new Worker(new URL('./backtest.worker.ts', import.meta.url), {
        type: 'module',
        name: `skucast-backtest-${i + 1}`,
      }),
  );
  let stop: (reason: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  // Nobody may be waiting when the pool stops.
  stopped.catch(() => undefined);
  pool = { workers, apis: workers.map((w) => wrap<BacktestWorkerApi>(w)), stopped, stop };
  return pool;
}

/** One runner per pool worker; the workers start on the first shard sent. */
export function shardRunners(): ShardRunner[] {
  return Array.from({ length: poolSize() }, (_, i) => (req: ShardRequest) => {
    const live = start();
    // Copied, not transferred: this worker still needs the values to score and calibrate.
    const answer = (live.apis[i] as Remote<BacktestWorkerApi>).runShard(req);
    return Promise.race([answer, live.stopped]);
  });
}

/** Terminates the pool's workers (their calls reject with `reason`); the next shard starts a new pool. */
export function stopShards(reason: Error): void {
  const live = pool;
  if (!live) return;
  pool = null;
  for (const w of live.workers) w.terminate();
  live.stop(reason);
}
