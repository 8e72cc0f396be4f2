// Which column roles a run cannot do without (CONTRACT.md §1.2): a date, and
// the money per row, given as an amount or as both quantity and unit price.
// The ingestion refuses a file by this rule, the app's mapping form asks by it.

import type { Role } from './types';

/** The first requirement `has` does not meet: the date, then the amount; null when both are met. */
export function missingRequiredRole(has: (role: Role) => boolean): 'date' | 'amount' | null {
  if (!has('date')) return 'date';
  if (!has('amount') && !(has('quantity') && has('price'))) return 'amount';
  return null;
}
