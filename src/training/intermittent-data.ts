// Intermittent evaluation data built from the seed's transactions (the
// shared data has no slow movers of its own): one series per product
// (category × unit price), customer gender and age band (18–34, 35–49, 50+).
// `seed_lines` counts them by week: 90 series selling in about a fifth of
// their weeks, order lines with real dates and basket sizes. `seed_days`
// counts them by day, one period a day: the same 90 series selling on about
// 3% of days, most below the 10% of recent periods a planner calls a slow
// mover and a few above it — the mix of a real order-line export.

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { seriesFromArrays, seriesFromTable, type BacktestSeries } from '../core/backtest/series';
import { ingestText } from '../core/ingest';
import { Rng } from '../core/random';
import { sharedDir, SEED_CSV } from './data';

/** The seed's rows as `date,sku,category,amount` with sku = product · gender · age band. */
export function seedLinesCsv(csv: string): string {
  const lines = csv.split(/\r?\n/);
  const out = ['date,sku,category,amount'];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const c = line.split(',');
    const age = Number(c[4]);
    const band = age < 35 ? '18-34' : age < 50 ? '35-49' : '50+';
    out.push(`${c[1]},${c[5]} ${c[7]} · ${c[3]} · ${band},${c[5]},${c[8]}`);
  }
  return out.join('\n');
}

function seedCsv(repoRoot: string): string | null {
  const file = path.join(sharedDir(repoRoot), SEED_CSV);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Weekly order lines, through the app's ingestion; null without ../shared. */
export function seedLinesSeries(repoRoot = process.cwd()): BacktestSeries[] | null {
  const csv = seedCsv(repoRoot);
  if (csv === null) return null;
  const table = ingestText(seedLinesCsv(csv), {
    mapping: { date: 'date', sku: 'sku', category: 'category', amount: 'amount' },
  });
  return seriesFromTable(table);
}

/** Daily order lines, one period a day on a synthetic weekly calendar; null without ../shared. */
export function seedDaysSeries(repoRoot = process.cwd()): BacktestSeries[] | null {
  const csv = seedCsv(repoRoot);
  if (csv === null) return null;
  const rows = seedLinesCsv(csv).split('\n').slice(1);
  const day = (d: string): number => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const days = rows.map((r) => day(r.split(',')[0] as string));
  const first = Math.min(...days);
  const last = Math.max(...days);
  const series = new Map<string, { category: string; y: Float64Array }>();
  rows.forEach((r, i) => {
    const [, sku, category, amount] = r.split(',') as [string, string, string, string];
    let s = series.get(sku);
    if (!s) series.set(sku, (s = { category, y: new Float64Array(last - first + 1) }));
    s.y[(days[i] as number) - first]! += Number(amount);
  });
  const ids = [...series.keys()].sort();
  const built = seriesFromArrays(
    ids.map((id) => ({ id, y: (series.get(id) as { y: Float64Array }).y })),
  );
  for (const b of built) b.category = (series.get(b.id) as { category: string }).category;
  return built;
}

/** Lowest and highest mean weekly sales of the thinned skus. */
const THIN_WEEKLY = [0.1, 3] as const;

/** The store × item file's daily rows thinned to slow movers (`date,sku,store,units`). */
export function thinnedStoreItemCsv(csv: string, seed = 1): string {
  const rows = csv
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '');
  const perSku = new Map<string, { units: number; days: Set<string> }>();
  for (const r of rows) {
    const [date, store, item, sales] = r.split(',') as [string, string, string, string];
    const key = `${store} · ${item}`;
    let s = perSku.get(key);
    if (!s) perSku.set(key, (s = { units: 0, days: new Set() }));
    s.units += Number(sales);
    s.days.add(date);
  }
  const keys = [...perSku.keys()].sort();
  const keep = new Map<string, number>();
  const [lo, hi] = THIN_WEEKLY;
  keys.forEach((k, i) => {
    const s = perSku.get(k) as { units: number; days: Set<string> };
    // Spread the targets over the skus in an order unrelated to their names.
    const rank = (i * 37) % keys.length;
    const target = lo * (hi / lo) ** (keys.length > 1 ? rank / (keys.length - 1) : 0);
    const weekly = (s.units / s.days.size) * 7;
    keep.set(k, weekly > 0 ? Math.min(1, target / weekly) : 0);
  });
  const rng = new Rng(seed);
  const out = ['date,sku,store,units'];
  for (const r of rows) {
    const [date, store, item, sales] = r.split(',') as [string, string, string, string];
    const key = `${store} · ${item}`;
    const p = keep.get(key) as number;
    let units = 0;
    for (let u = Number(sales); u > 0; u--) if (rng.next() < p) units++;
    if (units > 0) out.push(`${date},${key},${store},${units}`);
  }
  // Every sku keeps its first day, so a sku whose early days thinned to
  // nothing still starts where the file does (its weeks are then 0, not missing).
  const first = new Map<string, string>();
  for (const r of rows) {
    const [date, store, item] = r.split(',') as [string, string, string];
    const key = `${store} · ${item}`;
    if (!first.has(key)) first.set(key, `${date},${key},${store},0`);
  }
  return [out[0], ...first.values(), ...out.slice(1)].join('\n');
}

/** Slow movers with a real retailer's structure, weekly, category = store; null without ../shared. */
export function storeItemThinSeries(repoRoot = process.cwd()): BacktestSeries[] | null {
  const file = path.join(sharedDir(repoRoot), 'data/store_item_daily.csv');
  if (!existsSync(file)) return null;
  const table = ingestText(thinnedStoreItemCsv(readFileSync(file, 'utf8')), {
    // Read as the amount: the evaluation's series are the table's amounts.
    mapping: { date: 'date', sku: 'sku', category: 'store', amount: 'units' },
  });
  return seriesFromTable(table);
}
