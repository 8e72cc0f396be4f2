// The shard partition: a sku's shard is a function of its key alone (fixed
// numbers below: a change to the hash moves skus between the shards of
// running jobs), the 64-bit hash is FNV-1a 64 + fmix64 of the UTF-8 bytes
// (checked against a BigInt reference over TextEncoder's bytes), and 20,000
// keys fall within a few percent of an even split.
import { describe, expect, it } from 'vitest';
import { shardOfKey, skuKeyHash } from '../../src/core/shards/shard-key';
import { shardTable } from '../../src/core/shards/shard-table';
import { parseExact, stringifyExact } from '../../src/core/shards/exact-json';
import type { WeeklyTable } from '../../src/core/types';

const M64 = (1n << 64n) - 1n;

function reference(key: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(key)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M64;
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & M64;
  h ^= h >> 33n;
  h = (h * 0xc4ceb9fe1a85ec53n) & M64;
  return h ^ (h >> 33n);
}

const keys20k = Array.from({ length: 20_000 }, (_, i) => `S${String(i).padStart(5, '0')}`);

describe('shard of a sku key', () => {
  it('is the same number on every run and platform for fixed keys', () => {
    const fixed: [string, number, number, number][] = [
      ['S00000', 0, 0, 83],
      ['S00001', 0, 0, 222],
      ['A1', 0, 0, 28],
      ['3 · 17', 2, 2, 729],
      ['Müsli – Nuss', 2, 1, 511],
      ['😀', 3, 2, 853],
      ['', 3, 2, 936],
    ];
    for (const [key, of4, of3, of1000] of fixed) {
      expect([shardOfKey(key, 4), shardOfKey(key, 3), shardOfKey(key, 1000)], key).toEqual([
        of4,
        of3,
        of1000,
      ]);
    }
  });

  it('hashes the UTF-8 bytes as FNV-1a 64 then fmix64', () => {
    const odd = ['', ' A1', 'A1', 'Müsli – Nuss', '3 · 17', '😀x', '\ud800', 'x'.repeat(300)];
    for (const key of [...odd, ...keys20k.slice(0, 500)]) {
      const [hi, lo] = skuKeyHash(key);
      expect((BigInt(hi) << 32n) | BigInt(lo), key).toBe(reference(key));
    }
  });

  it('splits 20,000 keys within 3% of even over 2, 3 and 4 shards', () => {
    for (const n of [2, 3, 4]) {
      const counts = new Array<number>(n).fill(0);
      for (const k of keys20k) counts[shardOfKey(k, n)]!++;
      for (const c of counts)
        expect(Math.abs(c / (keys20k.length / n) - 1), `${n}`).toBeLessThan(0.03);
    }
  });

  it("a shard's table keeps its skus in the table's order, with their places", () => {
    const table = {
      weeks: [],
      series: keys20k.slice(0, 50).map((sku) => ({ sku, category: '', seed_id: -1, rows: [] })),
      report: {},
    } as unknown as WeeklyTable;
    const parts = [0, 1, 2].map((index) => shardTable(table, { index, count: 3 }));
    const places = parts.flatMap((p) => [...p.indices]).sort((a, b) => a - b);
    expect(places).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const p of parts) {
      p.table.series.forEach((s, i) => expect(s).toBe(table.series[p.indices[i]!]));
    }
  });
});

describe('exact JSON of the shard files', () => {
  it('reads back every double, NaN, ±Infinity, −0, Float64Arrays and Maps', () => {
    const values = Float64Array.from([
      0.1 + 0.2,
      -0,
      NaN,
      Infinity,
      -Infinity,
      5e-324,
      1e308,
      1 / 3,
    ]);
    const doc = { values, list: [0.1 + 0.2, -0, NaN], map: new Map([['a', 1 / 7]]) };
    const back = parseExact(stringifyExact(doc)) as typeof doc;
    expect(back.values).toBeInstanceOf(Float64Array);
    expect([...back.values].map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(
      [...values].map((v) => (Object.is(v, -0) ? '-0' : String(v))),
    );
    expect(Object.is(back.list[1], -0)).toBe(true);
    expect(back.list[2]).toBeNaN();
    expect(back.map.get('a')).toBe(1 / 7);
  });
});
