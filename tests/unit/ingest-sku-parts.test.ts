// A sku made of several columns (`--map sku=store+item`): the key `3 · 17`,
// its parts kept for the exports, which add one column per part.
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { forecastToCsv, forecastToJson } from '../../src/core/exports';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';

// Kaggle's store-item demand layout: date,store,item,sales.
const STORE_ITEM = [
  'date,store,item,sales',
  '2023-01-02,3,17,5',
  '2023-01-03,3,17,2',
  '2023-01-02,10,1,4',
  '2023-01-09,3,2,1',
  '2023-01-10,3,17,6',
  '2023-01-16,10,1,3',
  '',
].join('\n');

describe('a sku of several columns', () => {
  it('keys each series by the parts joined with " · ", parts kept', () => {
    for (const fastScan of [true, false]) {
      const t = ingestText(STORE_ITEM, { mapping: { sku: 'store+item' }, fastScan });
      expect(t.series.map((s) => [s.sku, s.parts])).toEqual([
        ['10 · 1', ['10', '1']],
        ['3 · 17', ['3', '17']],
        ['3 · 2', ['3', '2']],
      ]);
      expect(t.series[1]?.rows.map((r) => r.total_amount)).toEqual([7, 6, 0]);
      expect(t.report.mapping).toEqual({ sku: 'store+item', date: 'date', amount: 'sales' });
      expect(t.report.skuColumns).toEqual(['store', 'item']);
      expect(t.report.issues).toEqual([]);
    }
  });

  it('names are matched like any mapping (case, spaces); three parts work too', () => {
    const t = ingestText('Date;Region;Store;Item;Sales\n2023-01-02;N;3;17;5\n', {
      mapping: { sku: 'REGION + store+Item' },
    });
    expect(t.series[0]?.sku).toBe('N · 3 · 17');
    expect(t.report.skuColumns).toEqual(['Region', 'Store', 'Item']);
  });

  it('the weekly CSV has a column per part after sku', () => {
    const t = ingestText(STORE_ITEM, { mapping: { sku: 'store+item' } });
    const lines = weeklyTableToCsv(t).split('\n');
    expect(lines[0]).toMatch(/^sku,store,item,seed_id,week_start,/);
    expect(lines[1]).toMatch(/^10 · 1,10,1,-1,2023-01-02,/);
  });

  it('a single sku column is unchanged: no parts, no skuColumns, the usual CSV header', () => {
    const t = ingestText(STORE_ITEM, { mapping: { sku: 'item' } });
    expect(weeklyTableToCsv(t).split('\n')[0]).toMatch(/^sku,seed_id,week_start,/);
    expect(t.series.every((s) => s.parts === undefined)).toBe(true);
    expect(t.report.skuColumns).toBeUndefined();
  });

  it('a header that is literally "a+b" is one column', () => {
    const t = ingestText('Date,a+b,a,b,Sales\n2023-01-02,X,1,2,5\n', { mapping: { sku: 'a+b' } });
    expect(t.series[0]?.sku).toBe('X');
  });

  it('an empty part skips the row, naming the column', () => {
    const t = ingestText('date,store,item,sales\n2023-01-02,3,,5\n2023-01-02,3,4,1\n', {
      mapping: { sku: 'store+item' },
    });
    expect(t.report.issues[0]).toMatchObject({
      code: 'missing-sku',
      row: 2,
      column: 'item',
      message: 'Row 2, column "item": empty; expected a value (the sku is store + item)',
    });
    expect(t.series.map((s) => s.sku)).toEqual(['3 · 4']);
  });

  it('an unknown or repeated part is a file error', () => {
    const unknown = ingestText(STORE_ITEM, { mapping: { sku: 'store+shelf' } });
    expect(unknown.report.issues[0]?.message).toBe(
      'Column "shelf" of the sku "store+shelf" is not in the file; expected one of: "date", "store", "item", "sales"',
    );
    const twice = ingestText(STORE_ITEM, { mapping: { sku: 'store+Store' } });
    expect(twice.report.issues[0]?.code).toBe('unknown-column');
  });

  it('the forecast CSV adds a column per part; JSON rows carry sku_parts, the names in skus.sku_columns', async () => {
    const t = ingestText(STORE_ITEM, { mapping: { sku: 'store+item' } });
    const result = await forecastWithLibrary(t, { model: 'naive', horizon: 2 });
    const lines = forecastToCsv(result).split('\n');
    expect(lines[0]).toBe('sku,store,item,category,week_start,horizon_week,p10,p50,p90,model');
    expect(lines[1]).toMatch(/^10 · 1,10,1,,2023-01-16,1,/);
    const doc = JSON.parse(forecastToJson(result, { report: t.report }));
    expect(doc.data).toMatchObject({
      sku_columns: ['store', 'item'],
      date_formats: { dmy: 6, mdy: 6, ymd: 6 },
    });
    expect(doc.skus.sku_columns).toEqual(['store', 'item']);
    expect(doc.forecasts[0]).toMatchObject({ sku: '10 · 1', sku_parts: ['10', '1'] });
    expect(Object.keys(doc.forecasts[0]).slice(0, 3)).toEqual(['sku', 'sku_parts', 'category']);
  });

  it('a part named like an export column gets a sku_ prefix', async () => {
    const t = ingestText('date,category,item,sales\n2023-01-02,A,1,5\n2023-01-09,A,1,2\n', {
      mapping: { sku: 'category+item' },
    });
    const result = await forecastWithLibrary(t, { model: 'naive', horizon: 1 });
    expect(forecastToCsv(result).split('\n')[0]).toBe(
      'sku,sku_category,item,category,week_start,horizon_week,p10,p50,p90,model',
    );
  });
});
