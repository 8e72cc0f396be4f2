// The forecast worker's pool of backtest workers: navigator.hardwareConcurrency
// − 1 of them (at least one), started on the first backtest big enough to be
// split (core/backtest/sharded.ts decides) and kept for the next runs. They
// die with the forecast worker when the page cancels a run.

import { wrap, type Remote } from 'comlink';
import type { ShardRequest, ShardRunner } from '../core/backtest/sharded';
import type { BacktestWorkerApi } from './backtest.worker';

let pool: Remote<BacktestWorkerApi>[] | null = null;

/** Workers in the pool: one per core, less the one this worker runs on. */
export function poolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, cores - 1);
}

function start(): Remote<BacktestWorkerApi>[] {
  pool ??= Array.from({ length: poolSize() }, (_, i) =>
    wrap<BacktestWorkerApi>(
      new Worker(new URL('./backtest.worker.ts', import.meta.url), {
        type: 'module',
        name: `skucast-backtest-${i + 1}`,
      }),
    ),
  );
  return pool;
}

/** One runner per pool worker; the workers start on the first shard sent. */
export function shardRunners(): ShardRunner[] {
  return Array.from({ length: poolSize() }, (_, i) => (req: ShardRequest) => {
    // Copied, not transferred: this worker still needs the values to score and calibrate.
    return (start()[i] as Remote<BacktestWorkerApi>).runShard(req);
  });
}
