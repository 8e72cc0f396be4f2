// Header → role detection (CONTRACT.md §1.1–1.2). Names match case-insensitively
// ignoring spaces, `_` and `-`, against a list of synonyms per role.
import type { ColumnMapping, Role } from '../types';

export const ROLES: readonly Role[] = [
  'date',
  'sku',
  'category',
  'amount',
  'quantity',
  'price',
  'gender',
  'age',
];

const SYNONYMS: Record<Role, readonly string[]> = {
  date: [
    'date',
    'transactiondate',
    'orderdate',
    'invoicedate',
    'salesdate',
    'saledate',
    'day',
    'week',
    'weekstart',
    'weekdate',
    'weekending',
    'ds',
    'datetime',
    'timestamp',
    'period',
  ],
  sku: [
    'sku',
    'skuid',
    'productid',
    'stockcode',
    'store',
    'storeid',
    'item',
    'itemid',
    'itemcode',
    'productcode',
    'product',
    'article',
    'uniqueid',
  ],
  category: ['productcategory', 'category', 'productline', 'department', 'dept', 'family'],
  amount: [
    'totalamount',
    'sales',
    'weeklysales',
    'revenue',
    'amount',
    'total',
    'salesamount',
    'netsales',
    'turnover',
  ],
  quantity: ['quantity', 'qty', 'units', 'unitssold', 'quantitysold'],
  price: ['priceperunit', 'unitprice', 'price', 'priceeach'],
  gender: ['gender', 'sex'],
  age: ['age', 'customerage'],
};

export function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** Spreadsheet letter of a 0-based column (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let s = '';
  let n = index + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Index of a header by exact name, else by normalized name; -1 if absent. */
export function findHeader(headers: readonly string[], name: string): number {
  const exact = headers.indexOf(name);
  if (exact !== -1) return exact;
  const wanted = normalizeHeader(name);
  return headers.findIndex((h) => normalizeHeader(h) === wanted);
}

/**
 * Guesses a role for each header. The first header (left to right) that names a
 * role wins it; each header takes at most one role. Headers that take no role
 * are returned as `unmatched` so a UI can offer them.
 */
export function detectColumns(headers: string[]): { mapping: ColumnMapping; unmatched: string[] } {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  const normalized = headers.map(normalizeHeader);
  for (const role of ROLES) {
    const synonyms = SYNONYMS[role];
    // Synonym order is priority order (`Total Amount` before `Total`).
    for (const synonym of synonyms) {
      const i = normalized.findIndex((h, j) => h === synonym && !used.has(j));
      if (i !== -1) {
        mapping[role] = (headers[i] ?? '').trim();
        used.add(i);
        break;
      }
    }
  }
  const unmatched = headers.filter((_, i) => !used.has(i)).map((h) => h.trim());
  return { mapping, unmatched };
}
