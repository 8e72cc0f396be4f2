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
