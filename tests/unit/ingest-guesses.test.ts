// Better guesses with no --map (issue 23): a store and an item column make
// the sku together; a date column no header names is found by its values.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectColumns } from '../../src/core/ingest/columns';
import { ingestText } from '../../src/core/ingest';
import { sharedDir } from './forecast-helpers';

const storeItem = resolve(sharedDir, 'data/store_item_daily.csv');

/** Daily rows of 2 stores × 3 items, sorted by date: each column alone repeats on a date. */
function storeItemCsv(header: string): string {
  const lines = [header];
  for (let d = 0; d < 21; d++) {
    const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    for (const store of [1, 2])
      for (const item of [7, 8, 9]) lines.push(`${day},${store},${item},${store + item}`);
  }
  return lines.join('\n') + '\n';
}

describe('a store × item sku', () => {
  it('is proposed when a store and an item column are both there, store first', () => {
    const t = ingestText(storeItemCsv('date,store,item,sales'));
    expect(t.report.mapping.sku).toBe('store+item');
    expect(t.report.skuColumns).toEqual(['store', 'item']);
    expect(t.series.map((s) => s.sku)).toEqual([
      '1 · 7',
      '1 · 8',
      '1 · 9',
      '2 · 7',
      '2 · 8',
      '2 · 9',
    ]);
    // In any language and order: the item column found first still pairs with the store.
    expect(detectColumns(['Datum', 'Artikel', 'Filiale', 'Menge']).mapping.sku).toBe(
      'Filiale+Artikel',
    );
  });

  it('a store alone, or an item alone, stays a one-column sku', () => {
    expect(detectColumns(['Date', 'Store', 'Dept', 'Weekly_Sales']).mapping.sku).toBe('Store');
    expect(detectColumns(['Date', 'Item', 'Quantity']).mapping.sku).toBe('Item');
    // An explicit --map wins over the guess.
    const t = ingestText(storeItemCsv('date,store,item,sales'), { mapping: { sku: 'item' } });
    expect(t.series).toHaveLength(3);
  });

  it.skipIf(!existsSync(storeItem))('the shared store × item file: 83 skus with no --map', () => {
    const t = ingestText(readFileSync(storeItem, 'utf8'));
    expect(t.report.mapping.sku).toBe('store+item');
    expect(t.series).toHaveLength(83);
  });
  it.runIf(!existsSync(storeItem))('skipped: ../shared not found', () => undefined);
});

describe('a date column found by its values', () => {
  const kw = [
    'Kalenderwoche;Artikel;Menge',
    ...Array.from({ length: 30 }, (_, w) => {
      const day = new Date(Date.UTC(2024, 0, 1 + 7 * w));
      const dd = String(day.getUTCDate()).padStart(2, '0');
      const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
      return `${dd}.${mm}.${day.getUTCFullYear()};A-${w % 2};${w + 1}`;
    }),
  ].join('\n');

  it('a column named Kalenderwoche whose cells are dates is the date', () => {
    const t = ingestText(kw);
    expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(t.report.mapping.date).toBe('Kalenderwoche');
    expect(t.report.measure).toBe('units');
    expect(t.series.map((s) => s.sku)).toEqual(['A-0', 'A-1']);
    expect(t.weeks[0]).toBe('2024-01-01');
    expect(t.series[0]!.rows[0]!.quantity).toBe(1);
  });

  it('numbers are not taken for dates, nor a header that is a date itself', () => {
    // Plain numbers read as spreadsheet day numbers too: not enough to call a column a date.
    expect(detectColumns(['Periode X', 'Qty'], [['45292', '3']]).mapping.date).toBeUndefined();
    expect(detectColumns(['Wann', 'Qty'], [['2024-01-05', '3']]).mapping.date).toBe('Wann');
    expect(detectColumns(['2024-01-01', '5'], [['2024-01-02', '6']]).mapping.date).toBeUndefined();
    // Most of the sample must read as dates.
    const mixed = [['2024-01-05'], ['x'], ['y'], ['2024-01-06']];
    expect(detectColumns(['Tagx'], mixed).mapping.date).toBeUndefined();
  });
});

describe("shop and ERP exports' column names", () => {
  it("Shopify's order export: line items' date, quantity and name; the order's number is no sku", () => {
    const headers = [
      'Name',
      'Total',
      'Discount Amount',
      'Created at',
      'Lineitem quantity',
      'Lineitem name',
      'Lineitem price',
      'Lineitem sku',
    ];
    const rows = [
      ['#1001', '30.00', '0', '2024-01-05 10:23:45 -0500', '2', 'Blue Mug', '12.00', 'MUG-B'],
      ['#1002', '18.00', '0', '2024-01-06 11:00:00 -0500', '1', 'Poster A2', '12.00', ''],
    ];
    const { mapping } = detectColumns(headers, rows);
    expect(mapping).toMatchObject({
      date: 'Created at',
      quantity: 'Lineitem quantity',
      price: 'Lineitem price',
    });
    // The sku is empty for an item without one: the always-filled name keys every sale.
    expect(mapping.sku).toBe('Lineitem name');
    const csv = [headers, ...rows].map((r) => r.join(',')).join('\n');
    const t = ingestText(csv);
    expect(t.report.rowsUsed).toBe(2);
    expect(t.series.map((s) => s.sku).sort()).toEqual(['Blue Mug', 'Poster A2']);
  });

  it('an item code filled on every row stays the sku beside its name', () => {
    const rows = [['2024-01-05', 'A-1', 'Blue Mug', '2']];
    expect(detectColumns(['Date', 'SKU', 'Item name', 'Qty'], rows).mapping.sku).toBe('SKU');
  });

  it("an ERP's order lines: Ordered Quantity, Net Value, Material before its description", () => {
    const { mapping } = detectColumns([
      'Order Number',
      'Order Date',
      'Ship Date',
      'Material Description',
      'Material',
      'Ordered Quantity',
      'Net Value',
    ]);
    expect(mapping).toMatchObject({
      date: 'Order Date',
      sku: 'Material',
      quantity: 'Ordered Quantity',
      amount: 'Net Value',
    });
    expect(detectColumns(['Belegdatum', 'Artikel', 'Auftragsmenge']).mapping.quantity).toBe(
      'Auftragsmenge',
    );
  });
});
