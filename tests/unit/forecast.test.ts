import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ForecastError,
  addDays,
  forecastTable,
  type ForecastResult,
} from '../../src/core/forecast';
import { ingestText } from '../../src/core/ingest';
import type { ModelDescriptor } from '../../src/core/model-descriptor';
import type { WeeklyTable } from '../../src/core/types';
import { createModelRunner, type ModelRunner } from '../../src/runtime/model-runner';
import { hasShared, loadModelFiles, salesCsv, seedCsvPath } from './forecast-helpers';

let desc: ModelDescriptor;
let runner: ModelRunner;
let calls = 0;
const run = (x: Float32Array, batch: number): Promise<Float32Array> => {
  calls++;
  return runner.run(x, batch);
};

beforeAll(async () => {
  const files = loadModelFiles();
  desc = files.desc;
  runner = await createModelRunner(files.bytes, desc);
});
afterAll(async () => {
  await runner?.dispose();
});

function checkQuantiles(result: ForecastResult): void {
  for (const s of result.skus) {
    for (const w of s.weeks) {
      expect(Number.isFinite(w.p10) && Number.isFinite(w.p50) && Number.isFinite(w.p90)).toBe(true);
      expect(w.p10).toBeGreaterThanOrEqual(0);
      expect(w.p10).toBeLessThanOrEqual(w.p50);
      expect(w.p50).toBeLessThanOrEqual(w.p90);
    }
  }
}

describe.skipIf(!hasShared)('forecasts for the seed data', () => {
  let table: WeeklyTable;
  beforeAll(() => {
    table = ingestText(readFileSync(seedCsvPath, 'utf8'));
  });

  it('gives every sku p10 <= p50 <= p90 for the 4 weeks after the last complete week', async () => {
    calls = 0;
    const result = await forecastTable(table, desc, run);
    expect(calls).toBe(1);
    expect(result.skus).toHaveLength(15);
    expect(result.skus.map((s) => s.seed_id).sort((a, b) => a - b)).toEqual([...Array(15).keys()]);
    // The file ends on Monday 2024-01-01, so that week is partial and the last complete week is 2023-12-25.
    expect(result.metadata.lastCompleteWeek).toBe('2023-12-25');
    for (const s of result.skus) {
      expect(s.model).toBe('tcn');
      expect(s.weeks.map((w) => w.week_start)).toEqual([
        '2024-01-01',
        '2024-01-08',
        '2024-01-15',
        '2024-01-22',
      ]);
      expect(s.weeks.map((w) => w.horizon_week)).toEqual([1, 2, 3, 4]);
    }
    checkQuantiles(result);
    // Not a constant: skus differ.
    expect(new Set(result.skus.map((s) => s.weeks[0]!.p50.toFixed(4))).size).toBeGreaterThan(1);
    expect(result.categories.map((c) => c.category)).toEqual(['Beauty', 'Clothing', 'Electronics']);
    expect(result.metadata.skusModel).toBe(15);
  });

  it('is deterministic across runs', async () => {
    const a = await forecastTable(table, desc, run);
    const b = await forecastTable(table, desc, run);
    expect(b.skus).toEqual(a.skus);
    expect(b.categories).toEqual(a.categories);
  });

  it('honours every horizon the model offers and rejects the others', async () => {
    const max = Math.min(12, desc.output.horizon);
    for (let h = 1; h <= max; h++) {
      const result = await forecastTable(table, desc, run, { horizon: h });
      expect(result.metadata.horizon).toBe(h);
      for (const s of result.skus) expect(s.weeks).toHaveLength(h);
      expect(result.skus[0]!.weeks.at(-1)!.week_start).toBe(addDays('2023-12-25', 7 * h));
      checkQuantiles(result);
    }
    for (const bad of [0, max + 1, 13, 2.5, -1, Number.NaN]) {
      await expect(forecastTable(table, desc, run, { horizon: bad })).rejects.toThrow(
        ForecastError,
      );
    }
    await expect(forecastTable(table, desc, run, { horizon: 13 })).rejects.toThrow(
      /horizon must be .* 1 to/,
    );
  });

  it('category totals: p50 is the sum, the interval contains it and is narrower than summed quantiles', async () => {
    const result = await forecastTable(table, desc, run, { horizon: 4 });
    for (const c of result.categories) {
      const members = result.skus.filter((s) => s.category === c.category);
      expect(c.skus).toBe(5);
      c.weeks.forEach((w, h) => {
        const sum = (k: 'p10' | 'p50' | 'p90') =>
          members.reduce((acc, m) => acc + m.weeks[h]![k], 0);
        expect(w.p50).toBeCloseTo(sum('p50'), 6);
        expect(w.p10).toBeLessThanOrEqual(w.p50);
        expect(w.p90).toBeGreaterThanOrEqual(w.p50);
        expect(w.p10).toBeGreaterThanOrEqual(sum('p10') - 1e-9);
        expect(w.p90).toBeLessThanOrEqual(sum('p90') + 1e-9);
        expect(w.p90 - w.p10).toBeLessThan(sum('p90') - sum('p10'));
      });
    }
    expect(result.metadata.categoryMethod).toMatch(/independent/);
  });
});

describe('short history and the forecast origin (self-made data)', () => {
  it('marks a sku with fewer complete weeks than the window as baseline, the others go through the model', async () => {
    const weeks = desc.input.window + 6;
    const table = ingestText(salesCsv(weeks, 3));
    expect(table.series.map((s) => s.sku)).toEqual([
      'Beauty · 25',
      'Clothing · 50',
      'Electronics · 30',
    ]);
    calls = 0;
    const result = await forecastTable(table, desc, run, { horizon: 3 });
    expect(calls).toBe(1);
    const [beauty, clothing, electronics] = result.skus;
    expect(beauty!.model).toBe('tcn');
    expect(clothing!.model).toBe('tcn');
    expect(electronics!.model).toBe('baseline');
    expect(electronics!.reason).toBe('short history');
    expect(electronics!.historyWeeks).toBe(3);
    expect(electronics!.note).toMatch(/only 3 complete weeks .* needs/);
    // Two units at 30 in each of its 3 weeks: mean 60, no spread.
    for (const w of electronics!.weeks) expect(w).toMatchObject({ p10: 60, p50: 60, p90: 60 });
    expect(electronics!.weeks).toHaveLength(3);
    expect(result.metadata.skusBaseline).toBe(1);
    checkQuantiles(result);
    // No partial week: the first forecast week is the week after the file's last week.
    expect(result.metadata.lastCompleteWeek).toBe(addDays('2024-01-01', 7 * (weeks - 1)));
    expect(result.metadata.firstForecastWeek).toBe(addDays('2024-01-01', 7 * weeks));
    const electronicsTotal = result.categories.find((c) => c.category === 'Electronics')!;
    expect(electronicsTotal.weeks[0]).toMatchObject({ p10: 60, p50: 60, p90: 60 });
  });

  it('takes no input from a partial last week: the forecast starts with that week', async () => {
    const weeks = desc.input.window + 2;
    const full = await forecastTable(ingestText(salesCsv(weeks, 0)), desc, run);
    const partial = await forecastTable(ingestText(salesCsv(weeks, 0, 3)), desc, run);
    expect(partial.metadata.lastCompleteWeek).toBe(full.metadata.lastCompleteWeek);
    expect(partial.skus[0]!.weeks[0]!.week_start).toBe(addDays('2024-01-01', 7 * weeks));
    // Same complete weeks in, same forecast out.
    expect(partial.skus.map((s) => s.weeks)).toEqual(full.skus.map((s) => s.weeks));
  });

  it('gives every sku the baseline when the whole file is shorter than the window, without calling the model', async () => {
    const table = ingestText(salesCsv(3, 3));
    calls = 0;
    const result = await forecastTable(table, desc, run);
    expect(calls).toBe(0);
    expect(result.skus.every((s) => s.model === 'baseline' && s.reason === 'short history')).toBe(
      true,
    );
    const beauty = result.skus[0]!;
    const amounts = table.series[0]!.rows.map((r) => r.total_amount);
    const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
    expect(beauty.weeks[0]!.p50).toBeCloseTo(mean, 9);
    expect(beauty.weeks[0]!.p10).toBeLessThanOrEqual(mean);
    expect(beauty.weeks[0]!.p90).toBeGreaterThanOrEqual(mean);
    checkQuantiles(result);
  });

  it('refuses data without a complete week', async () => {
    const text =
      'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount\n' +
      '1,2024-01-03,C1,Male,30,Beauty,1,25,25\n2,2024-01-05,C2,Female,31,Beauty,1,25,25\n';
    await expect(forecastTable(ingestText(text), desc, run)).rejects.toThrow(/no complete week/);
  });
});
