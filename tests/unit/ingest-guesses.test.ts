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

describe("Favorita's grocery export and a store × department file", () => {
  /** Favorita's train.csv: numbers abbreviated nbr, units as unit_sales, promotions True/False. */
  function favoritaCsv(): string {
    const lines = ['id,date,store_nbr,item_nbr,unit_sales,onpromotion'];
    let id = 0;
    for (let d = 0; d < 28; d++) {
      const day = new Date(Date.UTC(2017, 0, 2 + d)).toISOString().slice(0, 10);
      for (const item of [103520, 103665])
        lines.push(
          `${id++},${day},25,${item},${d % 7 === 5 ? '7.0' : '2.0'},${d % 7 === 5 ? 'True' : 'False'}`,
        );
    }
    return lines.join('\n') + '\n';
  }

  it('reads every row of Favorita: store and item make the sku, unit_sales are units, True is a promotion', () => {
    const t = ingestText(favoritaCsv());
    expect(t.report.mapping).toMatchObject({
      date: 'date',
      sku: 'store_nbr+item_nbr',
      quantity: 'unit_sales',
      promo: 'onpromotion',
    });
    expect(t.report.rowsUsed).toBe(56);
    expect(t.report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(t.series.map((s) => s.sku)).toEqual(['25 · 103520', '25 · 103665']);
    // One promoted day a week, in each of the four weeks.
    expect(t.series[0]!.rows.map((r) => r.promo_days)).toEqual([1, 1, 1, 1]);
  });

  it('knows the quantity columns of other public retail files (a coffee chain, liquor sales)', () => {
    const coffee =
      'transaction_id,transaction_date,transaction_time,transaction_qty,store_id,store_location,product_id,unit_price,product_category';
    expect(detectColumns(coffee.split(',')).mapping).toMatchObject({
      date: 'transaction_date',
      sku: 'store_id+product_id',
      quantity: 'transaction_qty',
      price: 'unit_price',
    });
    const liquor = 'Date,Store Number,Category,Item Number,Item Description,Bottles Sold';
    expect(detectColumns(liquor.split(',')).mapping).toMatchObject({
      sku: 'Store Number+Item Number',
      quantity: 'Bottles Sold',
    });
  });

  /** Walmart's Store, Dept file: every store has rows under every department. */
  function storeDeptCsv(recategorised = false): string {
    const lines = ['Store,Dept,Date,Weekly_Sales'];
    for (let w = 0; w < 6; w++) {
      const day = new Date(Date.UTC(2012, 0, 6 + 7 * w)).toISOString().slice(0, 10);
      for (const store of [1, 2, 3, 4])
        for (const dept of recategorised ? [String(store)] : ['1', '2'])
          lines.push(`${store},${recategorised && store === 4 && w > 2 ? '9' : dept},${day},100`);
    }
    return lines.join('\n') + '\n';
  }

  it('a store keyed alone across its departments gets no department for a category, and is told how to key both', () => {
    const t = ingestText(storeDeptCsv());
    expect(t.report.mapping.sku).toBe('Store');
    expect(new Set(t.series.map((s) => s.category))).toEqual(new Set(['']));
    const note = t.report.issues.find((i) => i.code === 'mixed-category');
    expect(note?.severity).toBe('warning');
    expect(note?.message).toContain('4 of 4 skus have rows under more than one Dept');
    expect(note?.message).toContain('(--map sku=Store+Dept)');
    // The mapping it names reads each department in each store, under its department.
    const both = ingestText(storeDeptCsv(), { mapping: { sku: 'Store+Dept' } });
    expect(both.series).toHaveLength(8);
    expect(new Set(both.series.map((s) => s.category))).toEqual(new Set(['1', '2']));
    expect(both.report.issues.some((i) => i.code === 'mixed-category')).toBe(false);
  });

  it('one sku moved to another category keeps its first, with a warning, and the others keep theirs', () => {
    const t = ingestText(storeDeptCsv(true));
    expect(t.series.map((s) => s.category)).toEqual(['1', '2', '3', '4']);
    const note = t.report.issues.find((i) => i.code === 'mixed-category');
    expect(note?.message).toContain('1 of 4 skus have rows under more than one Dept');
    expect(note?.message).toContain('counted under the first');
  });
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

  it("marketplace, shop and ERP reports' own names: the sku, the units and the line's money", () => {
    const cases: [string, Record<string, string>][] = [
      [
        'Date,(Parent) ASIN,(Child) ASIN,Title,Units Ordered,Ordered Product Sales',
        { sku: '(Child) ASIN', quantity: 'Units Ordered', amount: 'Ordered Product Sales' },
      ],
      [
        'Date,Transaction Type,Num,Customer,Product/Service,Qty,Sales Price,Amount,Balance',
        { sku: 'Product/Service', quantity: 'Qty', price: 'Sales Price', amount: 'Amount' },
      ],
      [
        'Order Date,Product SKU,Product Name,Product Qty,Product Total Price',
        { sku: 'Product SKU', quantity: 'Product Qty', amount: 'Product Total Price' },
      ],
      [
        'Purchase Date,SKU,Product Name,Qty Ordered,Row Total',
        { date: 'Purchase Date', sku: 'SKU', quantity: 'Qty Ordered', amount: 'Row Total' },
      ],
      ['Order Date,Menu Item,Menu Group,Qty', { sku: 'Menu Item', quantity: 'Qty' }],
      [
        'Day,Product title,Product vendor,Product type,Net quantity,Gross sales,Net sales',
        {
          date: 'Day',
          sku: 'Product title',
          category: 'Product type',
          quantity: 'Net quantity',
          amount: 'Net sales',
        },
      ],
      [
        'Day,Product title,Product variant SKU,Net items sold,Net sales',
        { sku: 'Product variant SKU', quantity: 'Net items sold' },
      ],
      [
        'Date,Item name,Item ID,Items purchased,Item revenue',
        { sku: 'Item ID', quantity: 'Items purchased', amount: 'Item revenue' },
      ],
      [
        'Calendar Day,Material,Material Description,Billing Quantity,Net Value',
        {
          date: 'Calendar Day',
          sku: 'Material',
          quantity: 'Billing Quantity',
          amount: 'Net Value',
        },
      ],
      [
        'Transaction creation date,Custom label (SKU),Item title,Quantity,Item subtotal',
        { date: 'Transaction creation date', sku: 'Custom label (SKU)', amount: 'Item subtotal' },
      ],
    ];
    for (const [header, expected] of cases)
      expect(detectColumns(header.split(',')).mapping, header).toMatchObject(expected);
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
