// Units or money (issue 23): a file of quantities alone forecasts units; a
// file with both forecasts units unless `--measure amount` (the reference
// schema keeps its Total Amount); the exports say which. Through the real
// CLI, on generated files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { measuredTable } from '../../src/core/ingest/weekly-table';
import { repoRoot, salesCsv } from './forecast-helpers';
import { runSkucast, type CliRun } from './cli-helpers';

let dir: string;

const skucast = (...args: string[]): CliRun => runSkucast(args);

/** A planner's units export: 118 items of 7 brands, every third day for 30 weeks; no money. */
function unitsCsv(): string {
  const lines = ['Date,Item,Brand,Quantity,Promo'];
  let seed = 7;
  const next = (): number => (seed = (seed * 48271) % 2147483647) % 21;
  for (let d = 0; d < 210; d += 3) {
    const day = new Date(Date.UTC(2023, 0, 2 + d)).toISOString().slice(0, 10);
    for (let i = 0; i < 118; i++) {
      lines.push(`${day},I${String(i).padStart(3, '0')},Brand ${i % 7},${next()},${i % 2}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Both measures: Quantity and Sales, a price of 2.5 a unit. */
const BOTH = [
  'Date,SKU,Quantity,Sales',
  ...Array.from({ length: 70 }, (_, d) => {
    const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    const q = 3 + (d % 5);
    return `${day},A,${q},${q * 2.5}`;
  }),
].join('\n');

let units: string;
let both: string;
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-measure-'));
  units = join(dir, 'units.csv');
  both = join(dir, 'both.csv');
  writeFileSync(units, unitsCsv());
  writeFileSync(both, BOTH + '\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the measure', () => {
  it('a units-only export with a Brand column forecasts units with no --map, as with an explicit one', () => {
    const auto = skucast('forecast', units, '--model', 'ses', '--format', 'json');
    expect(auto.code).toBe(0);
    const doc = JSON.parse(auto.out) as {
      measure: string;
      data: { mapping: Record<string, string> };
      forecasts: { sku: string; category: string; p50: number }[];
    };
    expect(doc.measure).toBe('units');
    expect(doc.data.mapping).toMatchObject({ date: 'Date', sku: 'Item', category: 'Brand' });
    expect(new Set(doc.forecasts.map((f) => f.sku)).size).toBe(118);
    expect(new Set(doc.forecasts.map((f) => f.category))).toEqual(
      new Set(Array.from({ length: 7 }, (_, b) => `Brand ${b}`)),
    );
    expect(doc.forecasts.some((f) => f.p50 > 0)).toBe(true);
    expect(auto.err).toMatch(/measure: units: the file has a quantity column and no money column/);

    const mapped = skucast(
      'forecast',
      units,
      '--model',
      'ses',
      '--map',
      'date=Date',
      '--map',
      'sku=Item',
      '--map',
      'category=Brand',
      '--map',
      'quantity=Quantity',
    );
    const plain = skucast('forecast', units, '--model', 'ses');
    expect(mapped.code).toBe(0);
    expect(plain.out).toBe(mapped.out);
    const lines = plain.out.trimEnd().split('\n');
    expect(lines[0]).toBe('sku,category,week_start,horizon_week,p10,p50,p90,model,measure');
    expect(lines[1]).toMatch(/,ses,units$/);
  });

  it('a file with both forecasts units by default and money with --measure amount; the JSON and CSV say which', () => {
    const byDefault = skucast('forecast', both, '--model', 'naive', '--format', 'json');
    const money = skucast(
      'forecast',
      both,
      '--model',
      'naive',
      '--format',
      'json',
      '--measure',
      'amount',
    );
    const p50 = (out: string): number =>
      (JSON.parse(out) as { forecasts: { p50: number }[] }).forecasts[0]!.p50;
    expect(JSON.parse(byDefault.out)).toMatchObject({ measure: 'units' });
    expect(JSON.parse(money.out)).toMatchObject({ measure: 'amount' });
    // The same week, 2.5 a unit.
    expect(p50(money.out)).toBeCloseTo(p50(byDefault.out) * 2.5, 6);
    expect(byDefault.err).toMatch(/measure: units: the file has a quantity column, and planners/);
    expect(money.err).toMatch(
      /^measure: money: as chosen \(choose with --measure units\|amount\)$/m,
    );
    const csv = skucast('forecast', both, '--model', 'naive', '--measure', 'amount');
    expect(csv.out.split('\n')[0]).toBe('sku,category,week_start,horizon_week,p10,p50,p90,model');
  });

  it('the weekly table keeps both sums, whichever is forecast', () => {
    const w = skucast('weekly', both, '--measure', 'units');
    expect(w.code).toBe(0);
    const [header, first] = w.out.split(/\r?\n/);
    const cols = header!.split(',');
    const row = first!.split(',');
    const q = Number(row[cols.indexOf('quantity')]);
    expect(q).toBeGreaterThan(0);
    expect(Number(row[cols.indexOf('total_amount')])).toBeCloseTo(q * 2.5, 6);
  });

  it('the reference schema keeps forecasting its Total Amount', () => {
    const t = ingestText(salesCsv(6, 2));
    expect(t.report.measure).toBe('amount');
    expect(measuredTable(t)).toBe(t);
    expect(ingestText(salesCsv(6, 2), { measure: 'units' }).report.measure).toBe('units');
  });

  it('units read the quantity where the forecast reads; a file with no quantity cannot forecast units', () => {
    const t = ingestText(BOTH);
    expect(t.report.measure).toBe('units');
    const m = measuredTable(t);
    expect(m.series[0]!.rows.map((r) => r.total_amount)).toEqual(
      t.series[0]!.rows.map((r) => r.quantity),
    );
    // The ingested table is left as it was.
    expect(t.series[0]!.rows[0]!.total_amount).toBeCloseTo(t.series[0]!.rows[0]!.quantity * 2.5);

    const noQty = ingestText('Date,SKU,Sales\n2024-01-01,A,5\n', { measure: 'units' });
    expect(noQty.report.issues.map((i) => i.code)).toContain('no-quantity-column');
    const bad = skucast('weekly', both, '--measure', 'pieces');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/bad --measure "pieces": expected units or amount/);
  });
});

describe('promotion, discount and price columns', () => {
  // Two weeks of one item: days on promotion (1/0, yes/no), a discount, a unit price.
  const FILE = [
    'Datum;Artikel;Menge;Preis;Aktion;Rabatt',
    '2024-01-01;A;2;2,50;1;0,1',
    '2024-01-01;A;1;2,50;0;0,3',
    '2024-01-02;A;4;2,00;ja;0,2',
    '2024-01-03;A;1;3,00;nein;',
    '2024-01-08;A;5;2,00;0;0',
    '',
  ].join('\n');

  it('reach the weekly table as promo_days, discount and price_per_unit; the forecast is units', () => {
    const t = ingestText(FILE);
    expect(t.report.mapping).toMatchObject({ promo: 'Aktion', discount: 'Rabatt', price: 'Preis' });
    expect(t.report.measure).toBe('units');
    const [w1, w2] = t.series[0]!.rows;
    expect(w1).toMatchObject({ quantity: 8, promo_days: 2 });
    expect(w1!.discount).toBeCloseTo(0.2, 10);
    // The mean unit price, weighted by units: (5 + 2.5 + 8 + 3) / 8.
    expect(w1!.price_per_unit).toBeCloseTo(18.5 / 8, 10);
    expect(w2).toMatchObject({ quantity: 5, promo_days: 0, discount: 0, price_per_unit: 2 });
  });

  it('`skucast weekly` gains the columns only when the file has them', () => {
    const file = join(dir, 'promo.csv');
    writeFileSync(file, FILE);
    const w = skucast('weekly', file);
    expect(w.code).toBe(0);
    const header = w.out.split('\n')[0]!;
    expect(header.endsWith(',window_mean_7,promo_days,discount')).toBe(true);
    expect(w.out.split('\n')[1]).toMatch(/,2,0\.2$/);
    const plain = skucast('weekly', both);
    expect(plain.out.split('\n')[0]!.endsWith(',window_mean_7')).toBe(true);
  });
});
