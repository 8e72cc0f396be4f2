// The weekly table of the seed file against the independent pandas reference.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import { WEEKLY_COLUMNS } from '../../src/core/types';

const shared = resolve(__dirname, '../..', '../shared');
const dataPath = resolve(shared, 'data/retail_sales_2023.csv');
const goldenPath = resolve(shared, 'golden/weekly_features.csv');
const haveShared = existsSync(dataPath) && existsSync(goldenPath);

describe('golden weekly table', () => {
  it('matches every row and column of golden/weekly_features.csv', (ctx) => {
    if (!haveShared) ctx.skip('skipped: ../shared not found');
    const table = ingestText(readFileSync(dataPath, 'utf8'));
    const golden = readFileSync(goldenPath, 'utf8').trimEnd().split('\n');
    expect(golden[0]).toBe(WEEKLY_COLUMNS.join(','));
    const rows = table.series.flatMap((s) => s.rows);
    expect(rows).toHaveLength(golden.length - 1);
    golden.slice(1).forEach((line, i) => {
      const cells = line.split(',');
      const row = rows[i]!;
      WEEKLY_COLUMNS.forEach((col, j) => {
        const want = cells[j]!;
        const got = row[col];
        if (typeof got === 'string') {
          expect(got, `row ${i + 2} ${col}`).toBe(want);
        } else {
          const w = Number(want);
          // The golden file prints 10 significant digits.
          expect(Math.abs(got - w), `row ${i + 2} ${col}: ${got} vs ${want}`).toBeLessThanOrEqual(
            Math.max(Math.abs(w) * 1e-9, 0),
          );
        }
      });
    });
    expect(table.report.rowsUsed).toBe(1000);
    expect(table.report.issues).toEqual([]);
  });

  it('prints byte for byte the same CSV as pandas', (ctx) => {
    if (!haveShared) ctx.skip('skipped: ../shared not found');
    const table = ingestText(readFileSync(dataPath, 'utf8'));
    expect(weeklyTableToCsv(table)).toBe(readFileSync(goldenPath, 'utf8'));
  });
});
