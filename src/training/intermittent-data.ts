// An intermittent evaluation dataset built from the seed's transactions: one
// series per product (category × unit price), customer gender and age band
// (18–34, 35–49, 50+), weekly. 90 series of about 11 sales a year each:
// order lines of slow movers, real dates and real basket sizes.

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { windowCutoffs } from '../core/backtest/cross-validation';
import { seriesFromArrays, seriesFromTable } from '../core/backtest/series';
import { ingestText } from '../core/ingest';
import { sharedDir, SEED_CSV } from './data';
import type { Dataset, EvalLibrarySplit } from './eval-library';

const HOLDOUT_WEEKS = 12;
const H = 4;

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

export function seedLinesDataset(split: EvalLibrarySplit, repoRoot = process.cwd()): Dataset[] {
  const file = path.join(sharedDir(repoRoot), SEED_CSV);
  if (!existsSync(file)) return [];
  const table = ingestText(seedLinesCsv(readFileSync(file, 'utf8')), {
    mapping: { date: 'date', sku: 'sku', category: 'category', amount: 'amount' },
  });
  const shift = split === 'validation' ? HOLDOUT_WEEKS : 0;
  return [
    {
      name: 'seed_lines' as Dataset['name'],
      series: seriesFromTable(table),
      h: H,
      origins: (s) => windowCutoffs(s.y.length - shift, H, HOLDOUT_WEEKS - H + 1, 1),
      season: 'sales',
      source: '../shared/data/retail_sales_2023.csv, sku = product · gender · age band',
    },
  ];
}

/**
 * The same order lines per day, one period a day (a synthetic weekly
 * calendar: the models see only periods): 90 series that sell on about 3% of
 * days, most below the 10% a planner calls a slow mover, a few above it.
 */
export function seedDaysDataset(split: EvalLibrarySplit, repoRoot = process.cwd()): Dataset[] {
  const file = path.join(sharedDir(repoRoot), SEED_CSV);
  if (!existsSync(file)) return [];
  const rows = seedLinesCsv(readFileSync(file, 'utf8')).split('\n').slice(1);
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
  const built = seriesFromArrays(ids.map((id) => ({ id, y: series.get(id)!.y })));
  built.forEach((b) => (b.category = series.get(b.id)!.category));
  const shift = split === 'validation' ? HOLDOUT_WEEKS : 0;
  return [
    {
      name: 'seed_days' as Dataset['name'],
      series: built,
      h: H,
      origins: (s) => windowCutoffs(s.y.length - shift, H, HOLDOUT_WEEKS - H + 1, 1),
      season: 'sales',
      source:
        '../shared/data/retail_sales_2023.csv, sku = product · gender · age band, one period a day',
    },
  ];
}
