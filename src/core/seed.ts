// The seed's export (CONTRACT.md §1.1), the one schema known exactly: its
// header row, and the 15 products it names by category and unit price. Ingest
// gives those products their seed ids (CONTRACT.md §2 `seed_id`) so forecasts
// can be answered in the seed's shape; the generator writes the same file.

/** The seed's header row, in its column order. */
export const SEED_HEADERS: readonly string[] = [
  'Transaction ID',
  'Date',
  'Customer ID',
  'Gender',
  'Age',
  'Product Category',
  'Quantity',
  'Price per Unit',
  'Total Amount',
];

export const SEED_CATEGORIES: readonly string[] = ['Beauty', 'Clothing', 'Electronics'];
export const SEED_PRICES: readonly number[] = [25, 30, 50, 300, 500];

/** The seed's product id (0–14) for a category/price pair, else -1. */
export function seedIdOf(category: string, price: number): number {
  const c = SEED_CATEGORIES.indexOf(category);
  const p = SEED_PRICES.indexOf(price);
  return c === -1 || p === -1 ? -1 : c * SEED_PRICES.length + p;
}
