// Which column roles a run cannot do without (CONTRACT.md §1.2).

import type { ColumnMapping, Role } from '../core/types';

export const ROLE_LABELS: Record<Role, string> = {
  date: 'Date (required)',
  sku: 'SKU / product / store',
  category: 'Category',
  amount: 'Amount (money per row)',
  quantity: 'Quantity',
  price: 'Unit price',
  gender: 'Gender',
  age: 'Age',
};

/** What is still missing, as a sentence for the form. */
export function missingRoles(m: ColumnMapping): string | null {
  if (m.date === undefined) return 'Choose the date column.';
  if (m.amount === undefined && (m.quantity === undefined || m.price === undefined)) {
    return 'Choose an amount column, or both quantity and unit price.';
  }
  return null;
}
