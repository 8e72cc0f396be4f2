// A backtest worker of the pool the forecast worker keeps (backtest-pool.ts):
// it runs the classical models' cross-validation on one shard of the skus, so
// a many-sku backtest uses every core the browser offers.

import { expose } from 'comlink';
import { runShard } from '../core/backtest/sharded';

const api = { runShard };
export type BacktestWorkerApi = typeof api;

expose(api);
