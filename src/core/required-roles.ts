// Which column roles a run cannot do without (CONTRACT.md §1.2): a date, and
// a measure to forecast: units (a quantity column) or money (an amount, or
// both quantity and unit price). Which measure a file gets when the user does
// not say is decided here too. The ingestion refuses a file by these rules,
// the app's mapping form asks by them.

import type { Measure, Role } from './types';

/**
 * The first requirement `has` does not meet: the date, then the measure
 * (`measure` as chosen; without a choice, a quantity or money will do); null
 * when both are met.
 */
export function missingRequiredRole(
  has: (role: Role) => boolean,
  measure?: Measure,
): 'date' | 'amount' | 'quantity' | null {
  if (!has('date')) return 'date';
  const money = has('amount') || (has('quantity') && has('price'));
  if (measure === 'units') return has('quantity') ? null : 'quantity';
  if (measure === 'amount' || !has('quantity')) return money ? null : 'amount';
  return null;
}

/**
 * The measure when the user chose none, and why, in a short line for the
 * form and the report. Planners forecast units, so a quantity column wins;
 * the reference schema (the seed's export) keeps forecasting its Total
 * Amount, as it always has.
 */
export function defaultMeasure(
  has: (role: Role) => boolean,
  referenceSchema: boolean,
): { measure: Measure; reason: string } {
  if (!has('quantity')) {
    return { measure: 'amount', reason: 'money: the file has no quantity column' };
  }
  if (referenceSchema) {
    return {
      measure: 'amount',
      reason:
        'money: the reference schema forecasts its Total Amount (choose units to forecast Quantity)',
    };
  }
  const money = has('amount') || has('price');
  return {
    measure: 'units',
    reason: money
      ? 'units: the file has a quantity column, and planners forecast units (choose amount to forecast money)'
      : 'units: the file has a quantity column and no money column',
  };
}
