// Seed data for training and evaluation, read from the raw seed CSV through
// the app's own ingestion (src/node/read-file.ts), so training and the app
// share one pipeline from file to weekly table.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { ingestFile } from '../node/read-file';
import type { SkuSeries, WeeklyTable } from '../core/types';

export function sharedDir(repoRoot: string = process.cwd()): string {
  return path.resolve(repoRoot, '../shared');
}

export interface SeedData {
  series: SkuSeries[];
  table: WeeklyTable;
  /** What was read, for the descriptor. */
  source: string;
}

export const SEED_CSV = 'data/retail_sales_2023.csv';

/** The seed's 2023 sales as a weekly table, or null when ../shared is absent. */
export async function loadSeedData(repoRoot: string = process.cwd()): Promise<SeedData | null> {
  const file = path.join(sharedDir(repoRoot), SEED_CSV);
  if (!existsSync(file)) return null;
  const table = await ingestFile(file);
  if (table.series.length === 0) {
    throw new Error(
      `ingestion of ${file} gave no series: ${table.report.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return { series: table.series, table, source: `../shared/${SEED_CSV} via ingestFile` };
}
