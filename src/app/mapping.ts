// The mapping form's words for the column roles and for what is still missing
// (the rule itself is src/core/required-roles.ts, shared with the ingestion).

import { missingRequiredRole } from '../core/required-roles';
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
  const missing = missingRequiredRole((role) => m[role] !== undefined);
  if (missing === 'date') return 'Choose the date column.';
  if (missing === 'amount') return 'Choose an amount column, or both quantity and unit price.';
  return null;
}
