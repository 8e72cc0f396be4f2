// Shared by the forecast tests: the packaged model and small self-made CSVs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelDescriptor, type ModelDescriptor } from '../../src/core/model-descriptor';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const seedCsvPath = resolve(sharedDir, 'data/retail_sales_2023.csv');
export const hasShared = existsSync(seedCsvPath);

export const descriptorPath = resolve(repoRoot, 'models/tcn.json');

export function loadModelFiles(): { desc: ModelDescriptor; bytes: Uint8Array } {
  const desc = parseModelDescriptor(JSON.parse(readFileSync(descriptorPath, 'utf8')));
  const bytes = readFileSync(resolve(descriptorPath, '..', desc.onnx));
  return { desc, bytes };
}

function isoDate(days: number): string {
  return new Date(Date.UTC(2024, 0, 1 + days)).toISOString().slice(0, 10);
}

/**
 * Transactions in the seed's schema. Weeks start Monday 2024-01-01.
 * `weeks` complete weeks; Beauty · 25 and Clothing · 50 sell every week (with a
 * weekly pattern), Electronics · 30 only in the last `shortWeeks` weeks.
 * With `partialDays` (3 at most) the file also covers that many days of one more week.
 */
export function salesCsv(weeks: number, shortWeeks: number, partialDays = 0): string {
  const lines = [
    'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount',
  ];
  let id = 1;
  const add = (day: number, category: string, qty: number, price: number): void => {
    const gender = id % 2 === 0 ? 'Male' : 'Female';
    lines.push(
      `${id},${isoDate(day)},CUST${String(id).padStart(3, '0')},${gender},${20 + (id % 40)},${category},${qty},${price},${qty * price}`,
    );
    id++;
  };
  // Sales on the first and last day of every week (and on day 3 of a partial
  // week) pin the calendar: no partial week unless `partialDays` asks for one.
  const days = weeks * 7 + partialDays;
  for (let day = 0; day < days; day++) {
    const week = Math.floor(day / 7);
    const weekday = day % 7;
    if (weekday === 0 || (weekday === 4 && week % 2 === 0)) add(day, 'Beauty', 1 + (week % 3), 25);
    if (weekday === 2 || weekday === 6) add(day, 'Clothing', 1 + (week % 4 === 0 ? 3 : 0), 50);
    if (week >= weeks - shortWeeks && week < weeks && weekday === 3) add(day, 'Electronics', 2, 30);
  }
  return lines.join('\n') + '\n';
}
