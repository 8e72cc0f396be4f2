import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  ExportError,
  csvCell,
  forecastToCsv,
  forecastToJson,
  forecastToSeedJson,
  parseProductIds,
} from '../../src/core/exports';
import type { ForecastResult, SkuForecast } from '../../src/core/forecast';

function sku(
  name: string,
  category: string,
  seed_id: number,
  level: number,
  model: 'tcn' | 'baseline' = 'tcn',
): SkuForecast {
  return {
    sku: name,
    category,
    seed_id,
    model,
    historyWeeks: model === 'tcn' ? 40 : 3,
    ...(model === 'baseline'
      ? { reason: 'short history' as const, note: 'only 3 complete weeks' }
      : {}),
    weeks: ['2024-01-01', '2024-01-08', '2024-01-15'].map((week_start, h) => ({
      week_start,
      horizon_week: h + 1,
      p10: level * 0.5,
      p50: level + h + 0.004,
      p90: level * 2 + 1 / 3,
    })),
  };
}

const result: ForecastResult = {
  skus: [
    sku('Beauty · 25', 'Beauty', 0, 61.45),
    sku('Beauty · 50', 'Beauty', 2, 10),
    sku('=HYPERLINK("http://x")', '+cmd', -1, 5, 'baseline'),
    sku('Quote "me", please', '@risk', -1, 1),
  ],
  categories: [
    {
      category: 'Beauty',
      skus: 2,
      weeks: [{ week_start: '2024-01-01', horizon_week: 1, p10: 50, p50: 71.45, p90: 120 }],
    },
  ],
  metadata: {
    modelName: 'tcn',
    modelVersion: '1.0.0',
    horizon: 3,
    window: 8,
    lastCompleteWeek: '2023-12-25',
    firstForecastWeek: '2024-01-01',
    provider: 'wasm',
    timings: { prepareMs: 1, inferenceMs: 2, finishMs: 3 },
    skusModel: 3,
    skusFallback: 1,
    fallbackMethod: 'mean of history',
    categoryMethod: 'simulated sum, skus assumed independent',
  },
};

describe('forecastToCsv', () => {
  const csv = forecastToCsv(result);
  const lines = csv.split('\n');

  it('has the header and one row per sku and horizon week', () => {
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines[0]).toBe('sku,category,seed_id,week_start,horizon_week,p10,p50,p90,model');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(4 * 3);
    expect(lines[1]).toBe('Beauty · 25,Beauty,0,2024-01-01,1,30.73,61.45,123.23,tcn');
    expect(lines[6]).toBe('Beauty · 50,Beauty,2,2024-01-15,3,5.00,12.00,20.33,tcn');
  });

  it('escapes formulas and quotes per RFC 4180', () => {
    expect(lines[7]).toBe(
      `"'=HYPERLINK(""http://x"")",'+cmd,-1,2024-01-01,1,2.50,5.00,10.33,baseline`,
    );
    expect(lines[10]).toBe(`"Quote ""me"", please",'@risk,-1,2024-01-01,1,0.50,1.00,2.33,tcn`);
  });

  it("leaves seed_id out for a file without the seed's products, where it would be -1 on every row", () => {
    const other: ForecastResult = {
      ...result,
      skus: result.skus.map((s) => ({ ...s, seed_id: -1 })),
    };
    const rows = forecastToCsv(other).split('\n');
    expect(rows[0]).toBe('sku,category,week_start,horizon_week,p10,p50,p90,model');
    expect(rows[1]).toBe('Beauty · 25,Beauty,2024-01-01,1,30.73,61.45,123.23,tcn');
    expect(rows[7]).toBe(`"'=HYPERLINK(""http://x"")",'+cmd,2024-01-01,1,2.50,5.00,10.33,baseline`);
    // The JSON keeps its key (its schema says so), and the seed JSON has nothing to answer.
    expect(JSON.parse(forecastToJson(other)).forecasts[0].seed_id).toBe(-1);
    expect(forecastToSeedJson(other)).toBe('{}\n');
  });

  it('neutralises every formula trigger', () => {
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('')).toBe('');
  });
});

describe('forecastToJson', () => {
  it('carries the rows, run metadata and category totals', () => {
    const doc = JSON.parse(forecastToJson(result, { provider: 'webgpu', source: 'sales.csv' }));
    expect(doc.model).toEqual({ name: 'tcn', version: '1.0.0', window: 8 });
    expect(doc.run.provider).toBe('webgpu');
    expect(doc.run.source).toBe('sales.csv');
    expect(doc.run.timings_ms).toEqual({ prepare: 1, inference: 2, finish: 3 });
    expect(doc.forecasts).toHaveLength(12);
    expect(doc.forecasts[0]).toEqual({
      sku: 'Beauty · 25',
      category: 'Beauty',
      seed_id: 0,
      week_start: '2024-01-01',
      horizon_week: 1,
      p10: 30.73,
      p50: 61.45,
      p90: 123.23,
      model: 'tcn',
    });
    expect(doc.skus.fallback_skus).toEqual([
      {
        sku: '=HYPERLINK("http://x")',
        model: 'baseline',
        reason: 'short history',
        history_weeks: 3,
        note: 'only 3 complete weeks',
      },
    ]);
    expect(doc.category_totals.method).toMatch(/independent/);
    expect(doc.category_totals.categories[0].weeks[0].p50).toBe(71.45);
    expect(doc.data).toBeNull();
  });
});

describe('seed response shape', () => {
  it('maps seed ids to p50 strings per week_i', () => {
    const doc = JSON.parse(forecastToSeedJson(result));
    expect(Object.keys(doc)).toEqual(['0', '2']);
    expect(doc['0']).toEqual({ week_0: '61.45', week_1: '62.45', week_2: '63.45' });
    expect(doc['2']).toEqual({ week_0: '10.00', week_1: '11.00', week_2: '12.00' });
  });

  it('selects products as metadata.product_id does', () => {
    expect(Object.keys(JSON.parse(forecastToSeedJson(result, [2])))).toEqual(['2']);
    expect(() => forecastToSeedJson(result, [])).toThrow(ExportError);
    expect(() => forecastToSeedJson(result, [])).toThrow(/empty/);
    expect(() => forecastToSeedJson(result, [15])).toThrow(/0-14/);
    expect(() => forecastToSeedJson(result, [0, 7])).toThrow(/no data for product id 7 .*has 0, 2/);
  });

  it('parses --products lists', () => {
    expect(parseProductIds('0,2, 5')).toEqual([0, 2, 5]);
    expect(() => parseProductIds('')).toThrow(/empty/);
    expect(() => parseProductIds(' , ')).toThrow(/empty/);
    expect(() => parseProductIds('1,x')).toThrow(/"x" is not a seed product id/);
    expect(() => parseProductIds('-1')).toThrow(/0-14/);
    expect(() => parseProductIds('2.5')).toThrow(/0-14/);
    expect(() => parseProductIds('15')).toThrow(/0-14/);
  });
});
