// The forecast pipeline (forecastWithLibrary) on real data and self-made files:
// shapes, the forecast origin, horizons, fallbacks for short skus, category
// totals, determinism; the TCN through the real ONNX model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/calendar';
import { ForecastError, type ForecastResult } from '../../src/core/forecast';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import { tcnModel } from '../../src/core/models/tcn';
import type { GlobalModel } from '../../src/core/models/types';
import type { WeeklyTable } from '../../src/core/types';
import { createModelRunner, type ModelRunner } from '../../src/runtime/model-runner';
import { hasShared, loadModelFiles, salesCsv, seedCsvPath } from './forecast-helpers';

let runner: ModelRunner;
let tcn: GlobalModel;
let calls = 0;

beforeAll(async () => {
  const { desc, bytes } = loadModelFiles();
  runner = await createModelRunner(bytes, desc);
  tcn = tcnModel(
    desc,
    (x, b) => {
      calls++;
      return runner.run(x, b);
    },
    { age: true, gender: true, quantity: true },
  );
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
    const result = await forecastWithLibrary(table, { tcn });
    // The TCN is one candidate: one batched inference over every backtest window.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(result.skus).toHaveLength(15);
    expect(result.skus.map((s) => s.seed_id).sort((a, b) => a - b)).toEqual([...Array(15).keys()]);
    // The file ends on Monday 2024-01-01, so that week is partial and the last complete week is 2023-12-25.
    expect(result.metadata.lastCompleteWeek).toBe('2023-12-25');
    for (const s of result.skus) {
      expect(s.model).toMatch(/^([a-z_]+|(mean|median)\([a-z_]+(\+[a-z_]+)+\))$/);
      expect(s.weeks.map((w) => w.week_start)).toEqual([
        '2024-01-01',
        '2024-01-08',
        '2024-01-15',
        '2024-01-22',
      ]);
      expect(s.weeks.map((w) => w.horizon_week)).toEqual([1, 2, 3, 4]);
      expect(s.accuracy?.windows).toBeGreaterThan(0);
    }
    checkQuantiles(result);
    expect(new Set(result.skus.map((s) => s.weeks[0]!.p50.toFixed(4))).size).toBeGreaterThan(1);
    expect(result.categories.map((c) => c.category)).toEqual(['Beauty', 'Clothing', 'Electronics']);
    expect(result.metadata.skusModel).toBe(15);
    const sel = result.metadata.selection!;
    expect(sel.requested).toBe('auto');
    expect(sel.candidates.map((c) => c.alias)).toContain('tcn');
    expect(sel.chosen.length).toBeGreaterThanOrEqual(1);
    // Ranks follow the validation scores.
    const scores = [...sel.candidates].sort((a, b) => a.rank - b.rank).map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });

  it('is deterministic across runs', async () => {
    const a = await forecastWithLibrary(table, { tcn });
    const b = await forecastWithLibrary(table, { tcn });
    expect(b.skus).toEqual(a.skus);
    expect(b.categories).toEqual(a.categories);
  });

  it('honours horizons 1-52 in blocks (the TCN sits out the weeks beyond 26) and rejects the others', async () => {
    for (const h of [1, 6, 12, 13, 26, 27, 52]) {
      const result = await forecastWithLibrary(table, { tcn, horizon: h });
      expect(result.metadata.horizon).toBe(h);
      for (const s of result.skus) expect(s.weeks).toHaveLength(h);
      expect(result.skus[0]!.weeks.at(-1)!.week_start).toBe(addDays('2023-12-25', 7 * h));
      const sel = result.metadata.selection!;
      expect(sel.excluded).toEqual([]);
      const blocks = sel.blocks ?? [];
      expect(blocks.map((b) => [b.from, b.to])).toEqual(
        [
          [1, 4],
          [5, 13],
          [14, 26],
          [27, 52],
        ]
          .filter(([from]) => from! <= h)
          .map(([from, to]) => [from, Math.min(to!, h)])
          .filter(() => h > 4),
      );
      for (const b of blocks)
        expect(b.excluded.map((e) => e.alias)).toEqual(b.from > 26 ? ['tcn'] : []);
      checkQuantiles(result);
    }
    for (const bad of [0, 53, 2.5, -1, Number.NaN]) {
      await expect(forecastWithLibrary(table, { horizon: bad })).rejects.toThrow(ForecastError);
    }
    await expect(forecastWithLibrary(table, { model: 'tcn', tcn, horizon: 27 })).rejects.toThrow(
      /tcn forecasts at most 26 weeks/,
    );
    await expect(forecastWithLibrary(table, { model: 'prophet' })).rejects.toThrow(
      /unknown model "prophet"/,
    );
  });

  it('one named model makes every forecast it can take', async () => {
    const result = await forecastWithLibrary(table, { model: 'ses' });
    expect(result.skus.every((s) => s.model === 'ses')).toBe(true);
    expect(result.metadata.selection!.chosen).toEqual(['ses']);
    // SES forecasts one level for all weeks ahead.
    for (const s of result.skus)
      expect(new Set(s.weeks.map((w) => w.p50)).size).toBeLessThanOrEqual(2);
  });

  it('category and grand totals: a band of their own with the p50 strictly inside it', async () => {
    const result = await forecastWithLibrary(table, { tcn, horizon: 4 });
    expect(result.categories.map((c) => c.skus)).toEqual([5, 5, 5]);
    for (const c of [...result.categories, result.total!]) {
      for (const w of c.weeks) {
        expect(w.p10).toBeLessThan(w.p50);
        expect(w.p50).toBeLessThan(w.p90);
      }
      const o = c.overHorizon!;
      expect(o.p10).toBeLessThan(o.p50);
      expect(o.p50).toBeLessThan(o.p90);
    }
    expect(result.total!.skus).toBe(15);
    expect(result.metadata.categoryMethod).toMatch(/errors of that sum on the backtest weeks/);
  });
});

describe('short history and the forecast origin (self-made data)', () => {
  it('gives a sku too short for the chosen models the fallback, marked, and the others the choice', async () => {
    const table = ingestText(salesCsv(30, 3));
    expect(table.series.map((s) => s.sku)).toEqual([
      'Beauty · 25',
      'Clothing · 50',
      'Electronics · 30',
    ]);
    const result = await forecastWithLibrary(table, { tcn, model: 'ets', horizon: 3 });
    const [beauty, clothing, electronics] = result.skus;
    expect(beauty!.model).toBe('ets');
    expect(clothing!.model).toBe('ets');
    // ETS needs 7 weeks; 3 weeks of two units at 30 go to the fallback chain: their mean.
    expect(electronics!.model).toBe('historic_average');
    expect(electronics!.flags).toContain('fallback');
    expect(electronics!.reason).toBe('short history');
    expect(electronics!.historyWeeks).toBe(3);
    expect(electronics!.note).toMatch(/3 complete weeks since the first sale: too few for ets/);
    for (const w of electronics!.weeks) expect(w.p50).toBeCloseTo(60, 9);
    expect(result.metadata.skusFallback).toBe(1);
    checkQuantiles(result);
    // No partial week: the first forecast week is the week after the file's last week.
    expect(result.metadata.lastCompleteWeek).toBe(addDays('2024-01-01', 7 * 29));
    expect(result.metadata.firstForecastWeek).toBe(addDays('2024-01-01', 7 * 30));
  });

  it('takes no input from a partial last week: the forecast starts with that week', async () => {
    const weeks = 20;
    const full = await forecastWithLibrary(ingestText(salesCsv(weeks, 0)), { tcn });
    const partial = await forecastWithLibrary(ingestText(salesCsv(weeks, 0, 3)), { tcn });
    expect(partial.metadata.lastCompleteWeek).toBe(full.metadata.lastCompleteWeek);
    expect(partial.skus[0]!.weeks[0]!.week_start).toBe(addDays('2024-01-01', 7 * weeks));
    // Same complete weeks in, same forecast out.
    expect(partial.skus.map((s) => s.weeks)).toEqual(full.skus.map((s) => s.weeks));
  });

  it('forecasts a file of 3 weeks with the fallback, without calling the TCN', async () => {
    const table = ingestText(salesCsv(3, 3));
    calls = 0;
    const result = await forecastWithLibrary(table, { tcn });
    expect(calls).toBe(0);
    const beauty = result.skus[0]!;
    const amounts = table.series[0]!.rows.map((r) => r.total_amount);
    const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
    expect(beauty.model).toBe('historic_average');
    expect(beauty.flags).toEqual(expect.arrayContaining(['short history', 'fallback']));
    expect(beauty.weeks[0]!.p50).toBeCloseTo(mean, 9);
    checkQuantiles(result);
  });

  it('refuses data without a complete week', async () => {
    const text =
      'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount\n' +
      '1,2024-01-03,C1,Male,30,Beauty,1,25,25\n2,2024-01-05,C2,Female,31,Beauty,1,25,25\n';
    await expect(forecastWithLibrary(ingestText(text), { tcn })).rejects.toThrow(
      /no complete week/,
    );
  });
});
