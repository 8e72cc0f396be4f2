import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesFromTable } from '../../src/core/backtest/series';
import { loadDatasets, readM4, storeItemTable } from '../../src/training/eval-library';

describe('evaluation data', () => {
  it('joins store and item into one sku and reads daily units into weeks', () => {
    const days = ['2024-01-01', '2024-01-02', '2024-01-08', '2024-01-09'];
    const csv = [
      'date,store,item,sales',
      ...days.map((d) => `${d},1,7,3`),
      ...days.map((d) => `${d},2,7,5`),
    ].join('\n');
    const series = seriesFromTable(storeItemTable(csv));
    expect(series.map((s) => s.id)).toEqual(['1 · 7', '2 · 7']);
    expect(Array.from(series[1]!.y)).toContain(10);
  });

  it("reads M4's one-row-per-series file", () => {
    const rows = readM4('"V1","V2","V3","V4"\n"W1","1.5","2",""\n"W2","3","4","5"\n');
    expect(rows).toEqual([
      { id: 'W1', y: [1.5, 2] },
      { id: 'W2', y: [3, 4, 5] },
    ]);
  });

  it('finds no dataset (and so evaluates nothing) without ../shared', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skucast-eval-'));
    try {
      expect(await loadDatasets('holdout', path.join(dir, 'repo'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
