// A shard's part of a weekly table: the skus whose key hashes into it
// (shard-key.ts), in the table's own order, with each one's place in the
// whole table. Every shard reads the whole file, so each knows where its
// skus stand among all of them: what lets `choose` lay the shards' backtests
// out again in one run's order and add them up as that run does.

import type { WeeklyTable } from '../types';
import { shardOfKey, type ShardSpec } from './shard-key';

export interface ShardedTable {
  table: WeeklyTable;
  /** Index in the whole table of each of the shard's skus. */
  indices: Int32Array;
  /** Skus of the whole table. */
  total: number;
}

export function shardTable(whole: WeeklyTable, shard: ShardSpec): ShardedTable {
  const indices: number[] = [];
  const series = whole.series.filter((s, i) => {
    const mine = shardOfKey(s.sku, shard.count) === shard.index;
    if (mine) indices.push(i);
    return mine;
  });
  return {
    table: { ...whole, series },
    indices: Int32Array.from(indices),
    total: whole.series.length,
  };
}
