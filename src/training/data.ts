// Seed data for training and evaluation. The shipped training reads the raw
// seed CSV through the app's own ingestion once it exists; until then the
// pandas reference table (the same table by contract) stands in.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SkuSeries, WeeklyRow } from '../core/types';
import { WEEKLY_COLUMNS } from '../core/types';

export function sharedDir(repoRoot: string = process.cwd()): string {
  return path.resolve(repoRoot, '../shared');
}

/** Parse a weekly table CSV with the CONTRACT.md §2 columns (no quoted fields). */
export function parseWeeklyCsv(text: string): SkuSeries[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`weekly csv lacks column ${name}`);
    return i;
  };
  const idx = Object.fromEntries(WEEKLY_COLUMNS.map((c) => [c, col(c)])) as Record<
    (typeof WEEKLY_COLUMNS)[number],
    number
  >;
  const bySku = new Map<string, WeeklyRow[]>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const num = (c: (typeof WEEKLY_COLUMNS)[number]): number => Number(f[idx[c]]);
    const row: WeeklyRow = {
      sku: f[idx.sku] ?? '',
      seed_id: num('seed_id'),
      week_start: f[idx.week_start] ?? '',
      iso_year: num('iso_year'),
      iso_week: num('iso_week'),
      month: num('month'),
      partial: num('partial') === 1 ? 1 : 0,
      total_amount: num('total_amount'),
      quantity: num('quantity'),
      transactions: num('transactions'),
      age: num('age'),
      male: num('male'),
      female: num('female'),
      price_per_unit: num('price_per_unit'),
      window_mean_4: num('window_mean_4'),
      window_mean_5: num('window_mean_5'),
      window_mean_6: num('window_mean_6'),
      window_mean_7: num('window_mean_7'),
    };
    const list = bySku.get(row.sku) ?? [];
    list.push(row);
    bySku.set(row.sku, list);
  }
  return [...bySku.entries()].map(([sku, rows]) => ({
    sku,
    category: sku.split(' · ')[0] ?? '',
    seed_id: rows[0]?.seed_id ?? -1,
    rows: rows.sort((a, b) =>
      a.week_start < b.week_start ? -1 : a.week_start > b.week_start ? 1 : 0,
    ),
  }));
}

export interface SeedData {
  series: SkuSeries[];
  /** What was read, for the descriptor. */
  source: string;
}

/** The seed's 2023 weekly table, or null when ../shared is absent. */
export function loadSeedData(repoRoot: string = process.cwd()): SeedData | null {
  const golden = path.join(sharedDir(repoRoot), 'golden', 'weekly_features.csv');
  if (!existsSync(golden)) return null;
  return {
    series: parseWeeklyCsv(readFileSync(golden, 'utf8')),
    source: '../shared/golden/weekly_features.csv',
  };
}
